package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestE2ECoAuthors: two people in two browsers on one document (area
// collab, issue 12). Each sees the other in the document and the section
// the other edits; the reviewer's save appears in the author's editor
// without a reload; a comment on a quoted passage reaches the author's page
// and is resolved there in place; and the timeline grid adds, edits,
// reorders (keyboard) and deletes rows, all without a page load.
func TestE2ECoAuthors(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	ctx := context.Background()
	env := &uiEnv{t: t, st: srv.st, users: srv.users}
	r := env.rca("Shared checkout RCA")
	browser := startBrowser(t, exe)
	author, reviewer := tab(t, browser), tab(t, browser)
	failureShots(t, srv.url, map[string]context.Context{"author": author, "reviewer": reviewer})
	signInBrowser(t, author, srv.url, "author@example.com")
	signInBrowser(t, reviewer, srv.url, "reviewer@example.com")
	write := srv.url + "/rcas/" + r.ID + "/write"
	poll := func(t *testing.T, tab context.Context, what, expr string) {
		t.Helper()
		do(t, tab, what, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second)))
	}
	for _, tb := range []context.Context{author, reviewer} {
		do(t, tb, "open the document", chromedp.Navigate(write), chromedp.WaitVisible(chromedp.CSS(`#doc[data-ready]`)),
			chromedp.Evaluate[chromedp.Void](`window.samePage = true`))
	}
	t.Logf("document editor interactive %s ms after navigation start", eval[string](t, author, `document.getElementById("doc").dataset.readyMs`))

	step(t, "each sees the other, and where the other edits", func(t *testing.T) {
		poll(t, author, "the reviewer shows", `document.querySelector("#doc-presence ul").textContent.includes("Reviewer Person") && !document.getElementById("doc-presence").hidden`)
		poll(t, reviewer, "the author shows", `document.querySelector("#doc-presence ul").textContent.includes("Author Person")`)
		do(t, reviewer, "edit the root cause", chromedp.Click(chromedp.CSS("#s-root_cause .cm-content")))
		poll(t, author, "the reviewer edits the root cause", `document.querySelector("#doc-presence ul").textContent.includes("Reviewer Person (editing Root cause)") && document.getElementById("s-root_cause").dataset.editing === "Reviewer Person"`)
	})

	step(t, "another author's save appears without a reload", func(t *testing.T) {
		do(t, reviewer, "write the summary", chromedp.Click(chromedp.CSS("#s-summary .cm-content")), chromedp.KeyEvent(kb.End),
			chromedp.KeyEvent(" Seen by the reviewer."), chromedp.Blur(chromedp.CSS("#s-summary .cm-content")))
		poll(t, author, "the reviewer's text arrives", `document.querySelector("#s-summary .cm-content").textContent.includes("Seen by the reviewer.") && window.samePage`)
		poll(t, author, "and says who", `document.querySelector("#s-summary .co-note").textContent.includes("Reviewer Person") && !document.querySelector("#s-summary .co-note").hidden`)
		// The author goes on writing on the reviewer's text: no conflict.
		do(t, author, "write on", chromedp.Click(chromedp.CSS("#s-summary .cm-content")), chromedp.KeyEvent(kb.End), chromedp.KeyEvent(" And by the author."),
			chromedp.Blur(chromedp.CSS("#s-summary .cm-content")))
		poll(t, author, "saved", `document.querySelector('#s-summary form').dataset.saveState === "saved"`)
		got, _ := srv.st.GetRCA(ctx, r.ID)
		if s := got.Section("summary").Body; !strings.HasSuffix(s, "Seen by the reviewer. And by the author.") {
			t.Fatalf("summary = %q", s)
		}
	})

	step(t, "a comment on a passage, answered and resolved in place", func(t *testing.T) {
		poll(t, reviewer, "the author's words reach the reviewer", `document.querySelector("#s-summary .cm-content").textContent.includes("And by the author.")`)
		do(t, reviewer, "select a passage and comment",
			chromedp.Click(chromedp.CSS("#s-summary .cm-content")), chromedp.KeyEvent(kb.End),
			chromedp.KeyEvent(kb.Home, chromedp.KeyModifiers(chromedp.ModifierShift)),
			chromedp.Poll[chromedp.Void](`getSelection().toString().includes("Seen by")`, chromedp.WithPollingTimeout(5*time.Second)),
			chromedp.Click(chromedp.CSS(`#s-summary button[data-md="comment"]`)),
			chromedp.WaitVisible(chromedp.CSS("#c-w-summary")))
		if q := eval[string](t, reviewer, `document.getElementById("q-write-summary").value`); q != "Seen by the reviewer. And by the author." {
			t.Fatalf("the selection did not become the quote: %q", q)
		}
		do(t, reviewer, "post the comment",
			chromedp.SendKeys(chromedp.CSS("#c-w-summary"), "Which dashboard?"),
			chromedp.Click(chromedp.CSS(`#threads-summary .comment-new button[type=submit]`)))
		poll(t, reviewer, "the thread shows", `document.querySelector("#threads-summary .thread blockquote") && document.querySelector("#threads-summary .thread blockquote").textContent.includes("Seen by the reviewer. And by the author.") && window.samePage`)
		poll(t, author, "the author gets it live", `document.querySelector("#threads-summary .thread") !== null && document.querySelector("#threads-summary .thread").textContent.includes("Which dashboard?")`)
		do(t, author, "reply", chromedp.Click(chromedp.CSS("#threads-summary .thread .reply-form summary")),
			chromedp.SendKeys(chromedp.CSS("#threads-summary .thread .reply-form textarea"), "The checkout one."),
			chromedp.Click(chromedp.CSS("#threads-summary .thread .reply-form button[type=submit]")))
		poll(t, reviewer, "the reply arrives", `document.querySelector("#threads-summary .thread .replies") !== null && document.querySelector("#threads-summary .thread .replies").textContent.includes("The checkout one.")`)
		do(t, author, "resolve", chromedp.Click(chromedp.CSS("#threads-summary .thread .thread-resolve button")))
		poll(t, author, "resolved in place", `document.querySelector("#threads-summary .thread.resolved") !== null && window.samePage`)
		cms, _ := srv.st.ListComments(ctx, r.ID)
		if len(cms) != 2 || cms[0].Quote != "Seen by the reviewer. And by the author." || cms[0].ResolvedAt == nil || cms[1].ParentID != cms[0].ID {
			t.Fatalf("comments: %+v", cms)
		}
	})

	step(t, "the timeline grid", func(t *testing.T) {
		do(t, author, "add a timed row", chromedp.ScrollIntoView(chromedp.CSS(".tl-editor [data-add]")), chromedp.Click(chromedp.CSS(".tl-editor [data-add]")),
			chromedp.SetValue(chromedp.CSS(".tl-grid tbody tr:last-child [name=local]"), "2026-03-14T09:14"),
			chromedp.SetValue(chromedp.CSS(".tl-grid tbody tr:last-child [name=text]"), "Alerts fired"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector(".tl-grid tbody tr:last-child [name=text]").dispatchEvent(new Event("change", {bubbles: true}))`))
		poll(t, author, "saved", `document.querySelectorAll(".tl-grid tbody tr[data-id]:not([data-id=''])").length === 1`)
		do(t, author, "add an untimed row", chromedp.Click(chromedp.CSS(".tl-editor [data-add]")),
			chromedp.SetValue(chromedp.CSS(".tl-grid tbody tr:last-child [name=text]"), "Someone asked in chat"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector(".tl-grid tbody tr:last-child [name=text]").dispatchEvent(new Event("change", {bubbles: true}))`))
		poll(t, author, "two rows", `document.querySelectorAll(".tl-grid tbody tr[data-id]:not([data-id=''])").length === 2`)
		do(t, author, "move it up with the keyboard", chromedp.Focus(chromedp.CSS(".tl-grid tbody tr:nth-child(2) [name=text]")),
			chromedp.KeyEvent(kb.ArrowUp, chromedp.KeyModifiers(chromedp.ModifierAlt)))
		poll(t, author, "moved", `document.querySelector(".tl-grid tbody tr:first-child [name=text]").value === "Someone asked in chat" && document.activeElement.value === "Someone asked in chat"`)
		do(t, author, "edit a row", chromedp.SetValue(chromedp.CSS(".tl-grid tbody tr:nth-child(2) [name=text]"), "Alerts fired in PagerDuty"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector(".tl-grid tbody tr:nth-child(2) [name=text]").dispatchEvent(new Event("change", {bubbles: true}))`))
		poll(t, author, "edited", `document.querySelector(".tl-status").textContent !== "" && document.querySelector(".tl-grid tbody tr:nth-child(2)").dataset.state === undefined`)
		got, _ := srv.st.GetRCA(ctx, r.ID)
		if len(got.Timeline) != 2 || got.Timeline[0].Text != "Someone asked in chat" || got.Timeline[1].Text != "Alerts fired in PagerDuty" {
			t.Fatalf("timeline: %+v", got.Timeline)
		}
		if at := got.Timeline[1].At.UTC().Format("15:04"); at != "09:14" {
			t.Errorf("09:14 in UTC (the author's zone) stored as %s", at)
		}
		poll(t, reviewer, "the reviewer's grid follows", `document.querySelectorAll(".tl-grid tbody tr[data-id]:not([data-id=''])").length === 2`)
		do(t, author, "delete a row", chromedp.Click(chromedp.CSS(".tl-grid tbody tr:first-child [data-delete]")))
		poll(t, author, "deleted", `document.querySelectorAll(".tl-grid tbody tr[data-id]:not([data-id=''])").length === 1 && window.samePage`)
		got, _ = srv.st.GetRCA(ctx, r.ID)
		if len(got.Timeline) != 1 {
			t.Fatalf("timeline after delete: %+v", got.Timeline)
		}
	})

	step(t, "the reviewer leaves", func(t *testing.T) {
		do(t, reviewer, "go elsewhere", chromedp.Navigate(srv.url+"/"))
		poll(t, author, "the reviewer is gone", `!document.querySelector("#doc-presence ul").textContent.includes("Reviewer Person")`)
	})
	_ = domain.RoleAuthor
}
