package web

import (
	"context"
	_ "embed"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// axeSource is axe-core 4.14.1 (npm axe-core, MPL-2.0), the accessibility
// checker, kept here so the browser tests need no Node.
//
//go:embed testdata/axe.min.js
var axeSource string

// axeViolation is one serious or critical axe finding.
type axeViolation struct {
	ID    string   `json:"id"`
	Help  string   `json:"help"`
	Nodes []string `json:"nodes"`
}

// TestE2EAccessibilityWithAxe runs axe-core in Chromium on the main pages
// (the document editor, the guided editor's timeline, an RCA, the
// dashboard, an incident and the public status page), in the light and the
// dark colour scheme, and fails on any serious or critical violation
// (colour contrast among them).
func TestE2EAccessibilityWithAxe(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	env := &uiEnv{t: t, st: srv.st, users: srv.users}
	comp := env.component("Checkout API")
	in := env.incident("Checkout Partial Service Disruption", comp)
	r := env.rca("Checkout Partial Service Disruption", in.ID)
	r.Timeline = timelineFromIncident(in, nil)
	r.Section("summary").Body = "For **47 minutes** checkout failed.\n\n- one\n- two"
	r.Normalize()
	if err := srv.st.UpdateRCA(context.Background(), &r, srv.users[domain.RoleAuthor].ID, "fixture"); err != nil {
		t.Fatal(err)
	}
	browser := startBrowser(t, exe)
	author := tab(t, browser)
	failureShots(t, srv.url, map[string]context.Context{"author": author})
	signInBrowser(t, author, srv.url, "author@example.com")
	pages := []string{
		"/rcas/" + r.ID + "/write", "/rcas/" + r.ID + "/edit?section=timeline", "/rcas/" + r.ID,
		"/rcas/" + r.ID + "/edit?section=_facts", // report2 area: the fact wording table
		"/", "/incidents/" + in.ID, "/status", "/status/incidents/" + in.ID,
		"/insights",                          // area insights
		"/my-work",                           // flow
		"/rcas/" + r.ID + "/translate?to=de", // area collab
		"/action-items",                      // area actions (issue 14)
	}
	for _, scheme := range []string{"light", "dark"} {
		do(t, author, "colour scheme "+scheme, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		}))
		for _, path := range pages {
			t.Run(scheme+path, func(t *testing.T) {
				do(t, author, "open "+path, chromedp.Navigate(srv.url+path), chromedp.WaitVisible(chromedp.CSS("body")))
				if strings.HasSuffix(path, "/write") {
					do(t, author, "editor ready", chromedp.WaitVisible(chromedp.CSS("#doc[data-ready]")))
				}
				do(t, author, "load axe", chromedp.Evaluate[chromedp.Void](axeSource))
				c, cancel := context.WithTimeout(author, 60*time.Second)
				defer cancel()
				raw, err := chromedp.Run(c, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
				r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
				 .map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}))))`, chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatalf("axe: %v", err)
				}
				var vs []axeViolation
				if err := json.Unmarshal([]byte(raw), &vs); err != nil {
					t.Fatalf("axe answer %q: %v", raw, err)
				}
				for _, v := range vs {
					t.Errorf("%s (%s): %s (%s) at %s", path, scheme, v.ID, v.Help, strings.Join(v.Nodes, " | "))
				}
			})
		}
	}
}
