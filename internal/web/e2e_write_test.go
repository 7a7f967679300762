package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestE2EDocumentEditor drives the one-page editor (area "ui") in a real
// browser: CodeMirror mounts on every section under the strict CSP, the
// toolbar and a shortcut format text, autosave stores it, the preview is
// the server's, an outage keeps a draft and saves it when the server is
// back, a draft in localStorage survives a reload, and a save that crossed
// another author's ends in the merge view without losing either text.
func TestE2EDocumentEditor(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	ctx := context.Background()
	env := &uiEnv{t: t, st: srv.st, users: srv.users}
	in := env.incident("Checkout Partial Service Disruption")
	r := env.rca("Checkout Partial Service Disruption", in.ID)
	browser := startBrowser(t, exe)
	author := tab(t, browser)
	failureShots(t, srv.url, map[string]context.Context{"author": author})
	signInBrowser(t, author, srv.url, "author@example.com")
	write := srv.url + "/rcas/" + r.ID + "/write"
	body := func(key string) string {
		t.Helper()
		got, err := srv.st.GetRCA(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Section(key).Body
	}
	waitSaved := func(t *testing.T, key string) {
		t.Helper()
		do(t, author, "autosave "+key, chromedp.Poll[chromedp.Void](
			`document.querySelector('#s-`+key+` form').dataset.saveState === "saved" && document.getElementById("doc-state").dataset.state === "saved"`,
			chromedp.WithPollingTimeout(15*time.Second)))
	}
	focusEnd := func(key string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Click(chromedp.CSS("#s-"+key+" .cm-content")), chromedp.KeyEvent(kb.End))
	}

	step(t, "every section is an editor under the CSP", func(t *testing.T) {
		do(t, author, "open", chromedp.Navigate(write), chromedp.WaitVisible(chromedp.CSS(`#doc[data-ready]`)))
		t.Logf("document editor interactive %s ms after navigation start (%d sections)",
			eval[string](t, author, `document.getElementById("doc").dataset.readyMs`), len(r.Sections))
		n := eval[int](t, author, `document.querySelectorAll(".doc-section .cm-editor").length`)
		if n != len(r.Sections) {
			t.Fatalf("%d editors for %d sections", n, len(r.Sections))
		}
		// CodeMirror's own styles arrive through constructed stylesheets:
		// with them blocked its editor would not be a flex column.
		if d := eval[string](t, author, `getComputedStyle(document.querySelector(".cm-editor")).display`); d != "flex" {
			t.Errorf("CodeMirror styles not applied (display %q): blocked by the CSP?", d)
		}
		if h := eval[bool](t, author, `document.querySelector("#s-summary textarea").hidden && !document.querySelector("#s-summary .md-toolbar").hidden`); !h {
			t.Error("the textarea should give way to the editor and its toolbar")
		}
	})

	step(t, "toolbar, shortcut and autosave", func(t *testing.T) {
		do(t, author, "bold from the toolbar",
			chromedp.Click(chromedp.CSS("#s-summary .cm-content")),
			chromedp.Click(chromedp.CSS(`#s-summary button[data-md="bold"]`)),
			chromedp.KeyEvent("Checkout failed"),
			chromedp.KeyEvent(kb.End),
			chromedp.KeyEvent(" for 47 minutes."),
			pressEnter,
			chromedp.Click(chromedp.CSS(`#s-summary button[data-md="list"]`)),
			chromedp.KeyEvent("one"),
			pressEnter, // continues the list
			chromedp.KeyEvent("two"),
		)
		waitSaved(t, "summary")
		if got, want := body("summary"), "**Checkout failed** for 47 minutes.\n- one\n- two"; got != want {
			t.Fatalf("summary = %q, want %q", got, want)
		}
		do(t, author, "italic by Ctrl+I", focusEnd("impact"),
			chromedp.KeyEvent("i", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.KeyEvent("all"))
		waitSaved(t, "impact")
		if got := body("impact"); got != "_all_" {
			t.Fatalf("impact = %q, want _all_", got)
		}
		// The section is no longer "required, still empty".
		do(t, author, "badge goes", chromedp.Poll[chromedp.Void](`!document.querySelector("#s-summary .badge.required")`, chromedp.WithPollingTimeout(10*time.Second)))
	})

	step(t, "preview is the server's rendering", func(t *testing.T) {
		do(t, author, "preview", chromedp.Click(chromedp.CSS(`#s-summary button[data-md="preview"]`)),
			chromedp.Poll[chromedp.Void](`document.querySelector("#s-summary .doc-preview strong") !== null`, chromedp.WithPollingTimeout(10*time.Second)))
		if li := eval[int](t, author, `document.querySelectorAll("#s-summary .doc-preview li").length`); li != 2 {
			t.Errorf("preview shows %d list items, want 2", li)
		}
		do(t, author, "back to writing", chromedp.Click(chromedp.CSS(`#s-summary button[data-md="preview"]`)))
	})

	step(t, "offline keeps a draft and saves it when back", func(t *testing.T) {
		srv.down.Store(true)
		defer srv.down.Store(false)
		do(t, author, "type while down", focusEnd("root_cause"),
			chromedp.KeyEvent("A config flag was not deployed."),
			chromedp.Poll[chromedp.Void](`document.getElementById("doc-state").dataset.state === "offline"`, chromedp.WithPollingTimeout(15*time.Second)))
		kept := eval[string](t, author, `localStorage.getItem("hindsight:draft:`+r.ID+`:root_cause") || ""`)
		if !strings.Contains(kept, "A config flag was not deployed.") {
			t.Fatalf("draft in localStorage = %q", kept)
		}
		srv.down.Store(false)
		waitSaved(t, "root_cause")
		if got := body("root_cause"); got != "A config flag was not deployed." {
			t.Fatalf("root_cause = %q", got)
		}
	})

	step(t, "a draft survives a reload", func(t *testing.T) {
		cur := env.getRCA(r.ID)
		rev := cur.Section("resolution").Revision
		do(t, author, "keep a draft", chromedp.Evaluate[chromedp.Void](`localStorage.setItem("hindsight:draft:`+r.ID+`:resolution",
			JSON.stringify({body: "Rolled back at 09:40.", visibility: "", base: `+strconv.FormatInt(rev, 10)+`, baseBody: ""}))`),
			chromedp.Navigate(write), chromedp.WaitVisible(chromedp.CSS(`#doc[data-ready]`)),
			chromedp.WaitVisible(chromedp.CSS("#doc-restored")))
		waitSaved(t, "resolution")
		if got := body("resolution"); got != "Rolled back at 09:40." {
			t.Fatalf("resolution = %q", got)
		}
	})

	step(t, "a crossed save ends in the merge view", func(t *testing.T) {
		// collab: another author's save now reaches an open editor live, so
		// the crossing is made while this tab holds unsaved text there
		// (typed, not yet autosaved): the live event or the next save then
		// ends in the merge view.
		do(t, author, "open", chromedp.Navigate(write), chromedp.WaitVisible(chromedp.CSS(`#doc[data-ready]`)))
		cur := env.getRCA(r.ID)
		do(t, author, "type into the section", focusEnd("summary"), chromedp.KeyEvent(" Mine too."))
		if _, err := srv.st.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "Their summary.", BaseRevision: cur.Section("summary").Revision}, srv.users[domain.RoleAdmin].ID); err != nil {
			t.Fatal(err)
		}
		do(t, author, "leave the stale section",
			chromedp.Blur(chromedp.CSS("#s-summary .cm-content")),
			chromedp.WaitVisible(chromedp.CSS("#s-summary .merge")))
		if got := eval[string](t, author, `document.querySelector("#s-summary .merge-theirs").textContent`); got != "Their summary." {
			t.Errorf("theirs = %q", got)
		}
		if got := eval[string](t, author, `document.querySelector("#s-summary .merge-base pre").textContent`); !strings.HasPrefix(got, "**Checkout failed**") {
			t.Errorf("base = %q", got)
		}
		if got := body("summary"); got != "Their summary." {
			t.Fatalf("the conflicting save overwrote theirs: %q", got)
		}
		do(t, author, "merge and save",
			chromedp.Click(chromedp.CSS("#s-summary .merge-yours .cm-content")),
			chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.KeyEvent("Their summary. Mine too."))
		do(t, author, "save merged", chromedp.Click(chromedp.CSS(`#s-summary button[data-merge="save"]`)))
		waitSaved(t, "summary")
		if got := body("summary"); strings.TrimSpace(got) != "Their summary. Mine too." {
			t.Fatalf("merged summary = %q", got)
		}
	})

	step(t, "screenshots", func(t *testing.T) {
		// HINDSIGHT_SCREENSHOTS=$PWD/docs/screenshots refreshes the README's pictures.
		dir := os.Getenv("HINDSIGHT_SCREENSHOTS")
		if dir == "" {
			dir = t.TempDir()
		}
		shot := env.rca("Checkout Partial Service Disruption", in.ID)
		shot.Section("summary").Body = "For **47 minutes**, one in five checkout requests failed with a timeout.\n\n- A database failover left the payment service on a read-only replica.\n- Traffic moved back to the primary at 10:12 UTC."
		shot.Section("impact").Body = "About 12,000 checkout attempts failed (18% of the traffic), all in the EU region. No payment was charged twice."
		shot.Normalize()
		if err := srv.st.UpdateRCA(ctx, &shot, srv.users[domain.RoleAuthor].ID, "fixture"); err != nil {
			t.Fatal(err)
		}
		write := srv.url + "/rcas/" + shot.ID + "/write"
		for _, lang := range []string{"en", "de"} {
			for _, w := range []int64{375, 1280} {
				do(t, author, "viewport", chromedp.EmulateViewport(w, 900), chromedp.Navigate(write+"?lang="+lang), chromedp.WaitVisible(chromedp.CSS(`#doc[data-ready]`)))
				if over := eval[int](t, author, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
					t.Errorf("%s at %dpx overflows by %dpx", lang, w, over)
				}
				shootViewport(t, author, filepath.Join(dir, "editor-"+lang+"-"+strconv.FormatInt(w, 10)+".png"))
			}
		}
		do(t, author, "dark", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
			return err
		}), chromedp.EmulateViewport(1280, 900), chromedp.Navigate(write+"?lang=en"), chromedp.WaitVisible(chromedp.CSS(`#doc[data-ready]`)))
		shootViewport(t, author, filepath.Join(dir, "editor-en-1280-dark.png"))
	})
}

// step runs one subtest and stops the test when it fails: later steps build
// on the earlier ones.
func step(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	if !t.Run(name, f) {
		t.FailNow()
	}
}

// pressEnter presses Enter the way a browser does when the page handles the
// key itself: a key down without text (no "char" event) and a key up.
var pressEnter = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		p := input.DispatchKeyEventParams{Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
			return err
		}
	}
	return nil
})

// TestE2EStaleRequiredBannerGoes: in the guided editor, the "required and
// still empty" notice above a section disappears once autosave stored text
// in it (issue 12: it stayed until a reload).
func TestE2EStaleRequiredBannerGoes(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	env := &uiEnv{t: t, st: srv.st, users: srv.users}
	r := env.rca("Queue backlog")
	browser := startBrowser(t, exe)
	author := tab(t, browser)
	failureShots(t, srv.url, map[string]context.Context{"author": author})
	signInBrowser(t, author, srv.url, "author@example.com")
	do(t, author, "open the empty impact section",
		chromedp.Navigate(srv.url+"/rcas/"+r.ID+"/edit?section=impact"),
		chromedp.WaitVisible(chromedp.CSS("#section-findings")),
		chromedp.SendKeys(chromedp.CSS("#section-body"), "Every EU customer saw slow pages."),
		chromedp.Blur(chromedp.CSS("#section-body")),
		chromedp.Poll[chromedp.Void](`document.getElementById("save-state").dataset.state === "saved" && !document.getElementById("section-findings")`,
			chromedp.WithPollingTimeout(15*time.Second)))
}

// TestE2EStatusMarkdownListsKeepBullets: a list in an incident update on the
// public status page shows its bullets and numbers (issue 12: the page's
// list reset removed them).
func TestE2EStatusMarkdownListsKeepBullets(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	env := &uiEnv{t: t, st: srv.st, users: srv.users}
	in := env.incident("Search latency")
	in.Updates = []domain.IncidentUpdate{{Status: domain.UpdateIdentified, Body: "We found two causes:\n\n- a full disk\n- a slow query\n\nNext:\n\n1. clean up\n2. reindex", At: uiT0.Add(5 * time.Minute)}}
	if err := srv.st.UpdateIncident(context.Background(), &in); err != nil {
		t.Fatal(err)
	}
	browser := startBrowser(t, exe)
	reader := tab(t, browser)
	failureShots(t, srv.url, map[string]context.Context{"reader": reader})
	do(t, reader, "open the incident", chromedp.Navigate(srv.url+"/status/incidents/"+in.ID), chromedp.WaitVisible(chromedp.CSS(".body li")))
	got := eval[string](t, reader, `Array.from(document.querySelectorAll(".body li")).map(li => getComputedStyle(li).listStyleType).join(",")`)
	if got != "disc,disc,decimal,decimal" {
		t.Errorf("list markers = %q, want disc,disc,decimal,decimal", got)
	}
}
