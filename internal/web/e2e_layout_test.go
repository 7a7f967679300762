package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestE2EPagesFitDesktopAndPhone loads every main page at 1280x800 and at
// a phone's 375x812 and checks that nothing overflows sideways, that every
// form field has a label, and that keyboard focus is visible. With
// HINDSIGHT_E2E_SHOTS=<dir> it also saves a screenshot of each page.
// germanSample are the pages with the longest texts, checked in German too.
var germanSample = map[string]bool{"dashboard": true, "editor": true, "write": true, "timeline": true, "facts": true, "rca": true, "incident_f": true}

func TestE2EPagesFitDesktopAndPhone(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	ctx := context.Background()
	env := &uiEnv{t: t, st: srv.st, users: srv.users}
	comp := env.component("Checkout API")
	in := env.incident("Checkout Partial Service Disruption", comp)
	env.incident("Search latency")
	r := env.rca("Checkout Partial Service Disruption", in.ID)
	r.Timeline = app.TimelineFromIncident(in, nil)
	due := domain.DateOf(uiT0.Add(30 * 24 * time.Hour))
	r.ActionItems = []domain.ActionItem{{Title: "Re-resolve the database endpoint on failover", Owner: "Payments team", Due: &due}}
	r.Section("summary").Body = "For 47 minutes, one in five checkout requests failed with a timeout."
	r.Section("root_cause").Body = "Human error: the failover script was run by hand."
	r.Normalize()
	if err := srv.st.UpdateRCA(ctx, &r, srv.users[domain.RoleAuthor].ID, "fixture"); err != nil {
		t.Fatal(err)
	}

	browser := startBrowser(t, exe)
	admin := tab(t, browser)
	signInBrowser(t, admin, srv.url, "admin@example.com")
	shots := os.Getenv("HINDSIGHT_E2E_SHOTS")

	pages := map[string]string{
		"dashboard":    "/",
		"new":          "/rcas/new?incident=" + in.ID,
		"editor":       "/rcas/" + r.ID + "/edit?section=root_cause",
		"write":        "/rcas/" + r.ID + "/write",
		"timeline":     "/rcas/" + r.ID + "/edit?section=timeline",
		"actions":      "/rcas/" + r.ID + "/edit?section=preventive_measures",
		"facts":        "/rcas/" + r.ID + "/edit?section=_facts",
		"rca":          "/rcas/" + r.ID,
		"history":      "/rcas/" + r.ID + "/history",
		"diff":         "/rcas/" + r.ID + "/diff?from=1&to=2",
		"incidents":    "/incidents",
		"incident":     "/incidents/" + in.ID,
		"incident_f":   "/incidents/" + in.ID + "/edit",
		"components":   "/admin/components",
		"users":        "/admin/users",
		"settings":     "/settings",
		"action_items": "/action-items", // area actions (issue 14)
	}
	// German words are longer: the German UI is checked at phone size.
	sizes := []struct {
		name, lang string
		w, h       int64
	}{{"desktop", "en", 1280, 800}, {"phone", "en", 375, 812}, {"phone-de", "de", 375, 812}}
	for _, size := range sizes {
		do(t, admin, "viewport and language", chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(srv.url+"/settings?lang="+size.lang))
		for name, path := range pages {
			if size.lang == "de" && !germanSample[name] {
				continue // German is checked on the pages with the most text
			}
			t.Run(size.name+"/"+name, func(t *testing.T) {
				do(t, admin, "open "+path, chromedp.Navigate(srv.url+path), chromedp.WaitVisible(chromedp.CSS("main")))
				if over := eval[int](t, admin, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
					t.Errorf("%s overflows the %dpx viewport by %dpx", path, size.w, over)
				}
				unlabelled := eval[[]string](t, admin, `Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
					.filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
					.map(el => el.id || el.name)`)
				if len(unlabelled) > 0 {
					t.Errorf("%s: fields without a label: %v", path, unlabelled)
				}
				if shots != "" {
					shoot(t, admin, filepath.Join(shots, fmt.Sprintf("%s-%s.png", size.name, name)))
					shootViewport(t, admin, filepath.Join(shots, fmt.Sprintf("%s-%s-top.png", size.name, name)))
				}
			})
		}
	}

	t.Run("sign in with the keyboard only", func(t *testing.T) {
		kb := tab(t, browser)
		do(t, kb, "keyboard sign-in",
			chromedp.Navigate(srv.url+"/signin"),
			chromedp.WaitVisible(chromedp.CSS("#email")),
			// The email field has autofocus; type, Tab to the password, Enter to submit.
			chromedp.KeyEvent("viewer@example.com"),
			chromedp.KeyEvent("\t"),
			chromedp.KeyEvent(uiPassword),
			chromedp.KeyEvent("\r"),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
		)
	})

	t.Run("keyboard focus is visible", func(t *testing.T) {
		do(t, admin, "open dashboard", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(srv.url+"/"), chromedp.WaitVisible(chromedp.CSS("main")))
		// Tab to the skip link, the first focusable element: it must show up.
		do(t, admin, "tab", chromedp.KeyEvent("\t"))
		focused := eval[string](t, admin, `document.activeElement.className + "|" + getComputedStyle(document.activeElement).outlineStyle + "|" + document.activeElement.getBoundingClientRect().left`)
		parts := strings.Split(focused, "|")
		if parts[0] != "skip" || parts[1] == "none" || strings.HasPrefix(parts[2], "-") {
			t.Errorf("first tab stop: class|outline|left = %q, want the visible skip link with an outline", focused)
		}
	})
}
