package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// walkCounter counts what a user does in one browser tab: clicks, and full
// page loads (main-frame navigations; fetches of in-place forms are not).
type walkCounter struct {
	clicks, loads atomic.Int64
	counting      atomic.Bool
}

func (w *walkCounter) listen(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*page.EventFrameNavigated); ok && e.Frame.ParentID == "" && w.counting.Load() {
			w.loads.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// click clicks what sel finds, counting it.
func (w *walkCounter) click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		w.clicks.Add(1)
		_, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(sel)))
		return err
	})
}

// TestE2EWalkIncidentToPublishedRCA walks the path in a real
// browser and counts it (flow): from a resolved incident, an author creates
// the RCA (it opens in the editor, pre-filled from the incident), writes the
// required sections, picks a reviewer and submits in place; a second user
// finds it under "My work", approves and publishes it in place. Signing in
// is not counted (each user is signed in already). The targets are at most
// 20 clicks and 4 full page loads (issue 12: before, 51 and 19).
func TestE2EWalkIncidentToPublishedRCA(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	base := srv.url
	ctx := context.Background()

	comp := domain.Component{Name: "Checkout API", Status: domain.ComponentOperational}
	if err := srv.st.CreateComponent(ctx, &comp); err != nil {
		t.Fatal(err)
	}
	resolved := uiT0.Add(47 * time.Minute)
	in := domain.Incident{Title: "Checkout Partial Service Disruption", Impact: domain.ImpactMajor, Status: domain.StatusResolved,
		StartedAt: uiT0, ResolvedAt: &resolved,
		Components: []domain.AffectedComponent{{ComponentID: comp.ID, Status: domain.ComponentPartialOutage}},
		Updates: []domain.IncidentUpdate{
			{Status: domain.UpdateInvestigating, Body: "We are investigating failed checkouts.", At: uiT0.Add(6 * time.Minute)},
			{Status: domain.UpdateResolved, Body: "Checkout has recovered.", At: resolved},
		}}
	in.Normalize()
	if err := srv.st.CreateIncident(ctx, &in); err != nil {
		t.Fatal(err)
	}

	browser := startBrowser(t, exe)
	author, reviewer := tab(t, browser), tab(t, browser)
	failureShots(t, base, map[string]context.Context{"author": author, "reviewer": reviewer})
	signInBrowser(t, author, base, "author@example.com")
	signInBrowser(t, reviewer, base, "reviewer@example.com")
	var a, r walkCounter
	a.listen(t, author)
	r.listen(t, reviewer)
	a.counting.Store(true)
	r.counting.Store(true)

	// The author arrives at the resolved incident (a page load) and
	// creates the RCA: one click into the editor.
	do(t, author, "open the incident", chromedp.Navigate(base+"/incidents/"+in.ID), chromedp.WaitVisible(chromedp.CSS("#write-rca")))
	do(t, author, "write the RCA", a.click("#write-rca"), chromedp.WaitVisible(chromedp.CSS(`#doc[data-ready]`)))
	path := eval[string](t, author, "location.pathname")
	rcaID := strings.TrimSuffix(strings.TrimPrefix(path, "/rcas/"), "/write")
	getRCA := func() domain.RCA {
		t.Helper()
		got, err := srv.st.GetRCA(ctx, rcaID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := getRCA(); got.Title != in.Title || len(got.Timeline) != 3 || !strings.HasSuffix(path, "/write") {
		t.Fatalf("created at %s: %+v", path, got)
	}

	// Writing: one click into each required section that has no text
	// yet (the timeline is pre-filled from the incident), then typing.
	texts := map[string]string{
		"summary":             "Between 09:00 and 09:47 UTC some checkouts failed.",
		"impact":              "About a third of checkout attempts failed.",
		"root_cause":          "A configuration flag was not deployed with the release.",
		"resolution":          "The release was rolled back.",
		"preventive_measures": "Deploy flags with the release that needs them.",
	}
	for _, s := range getRCA().Sections {
		text, ok := texts[s.Key]
		if !ok {
			continue
		}
		do(t, author, "write "+s.Key,
			a.click("#s-"+s.Key+" .cm-content"),
			chromedp.KeyEvent(text),
			chromedp.Poll[chromedp.Void](`document.querySelector('#s-`+s.Key+` form').dataset.saveState === "saved" && document.getElementById("doc-state").dataset.state === "saved"`,
				chromedp.WithPollingTimeout(20*time.Second)))
	}
	written := getRCA()
	for key, text := range texts {
		if got := written.Section(key).Body; got != text {
			t.Fatalf("%s = %q", key, got)
		}
	}

	// Submit in place: pick the reviewer, submit.
	loadsBefore := a.loads.Load()
	rv := srv.users[domain.RoleReviewer]
	do(t, author, "submit for review",
		a.click(`#review-panel input[name=reviewer][value="`+rv.ID+`"]`),
		a.click("#move-in_review"),
		chromedp.WaitVisible(chromedp.CSS(`#review-panel[data-state="in_review"]`)))
	if got := getRCA(); got.State != domain.StateInReview || len(got.Reviewers) != 1 || got.Reviewers[0] != rv.ID {
		t.Fatalf("after submit: %s reviewers %v history %+v", got.State, got.Reviewers, got.History)
	}
	if a.loads.Load() != loadsBefore {
		t.Errorf("submit loaded the page again")
	}
	shots := os.Getenv("HINDSIGHT_WALK_SHOTS") // a folder: pictures of the walk, to look at
	if shots != "" {
		shoot(t, author, filepath.Join(shots, "walk-1-submitted.png"))
	}

	// The reviewer finds it under "My work", approves and publishes in place.
	do(t, reviewer, "my work", r.click("#nav-my-work"), chromedp.WaitVisible(chromedp.CSS(`#queue li[data-rca="`+rcaID+`"]`)))
	do(t, reviewer, "open the RCA", r.click(`#queue li[data-rca="`+rcaID+`"] a`), chromedp.WaitVisible(chromedp.CSS("#move-approved")))
	loadsBefore = r.loads.Load()
	do(t, reviewer, "approve", r.click("#move-approved"), chromedp.WaitVisible(chromedp.CSS(`#review-panel[data-state="approved"] #publish`)))
	do(t, reviewer, "publish", r.click("#publish"), chromedp.WaitVisible(chromedp.CSS(`#review-panel[data-state="published"]`)))
	if r.loads.Load() != loadsBefore {
		t.Errorf("approve or publish loaded the page again")
	}
	if shots != "" {
		shoot(t, reviewer, filepath.Join(shots, "walk-2-published.png"))
	}
	got := getRCA()
	if got.State != domain.StatePublished || len(got.History) != 3 || got.History[1].Version == 0 {
		t.Fatalf("after publish: %s history %+v", got.State, got.History)
	}
	if n := eval[int](t, reviewer, `document.querySelectorAll('#review-panel [data-move="publish"]').length`); n != 0 {
		t.Errorf("a publish button on the published RCA")
	}
	if badge := eval[string](t, reviewer, `document.getElementById("rca-state").textContent`); !strings.Contains(badge, "Published") {
		t.Errorf("state badge says %q", badge)
	}

	clicks, loads := a.clicks.Load()+r.clicks.Load(), a.loads.Load()+r.loads.Load()
	t.Logf("walk: %d clicks (author %d, reviewer %d), %d full page loads (author %d, reviewer %d); sign-in not counted",
		clicks, a.clicks.Load(), r.clicks.Load(), loads, a.loads.Load(), r.loads.Load())
	if clicks > 20 || loads > 4 {
		t.Errorf("walk took %d clicks and %d page loads, target at most 20 and 4", clicks, loads)
	}
}

// TestE2EEditorMovesInPlace: from the editor, a move that keeps the text
// editable (submit) swaps only the review panel; one that locks it
// (archive) loads the editor again read-only (flow).
func TestE2EEditorMovesInPlace(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	env := &uiEnv{t: t, st: srv.st, users: srv.users}
	r := env.rca("Cache stampede")
	browser := startBrowser(t, exe)
	author := tab(t, browser)
	failureShots(t, srv.url, map[string]context.Context{"author": author})
	signInBrowser(t, author, srv.url, "author@example.com")
	var w walkCounter
	w.listen(t, author)
	do(t, author, "open the editor", chromedp.Navigate(srv.url+"/rcas/"+r.ID+"/write"), chromedp.WaitVisible(chromedp.CSS(`#doc[data-ready]`)))
	w.counting.Store(true)
	// Unfinished: the panel says what fails and asks for a reason, in place.
	do(t, author, "submit unfinished", w.click("#move-in_review"), chromedp.WaitVisible(chromedp.CSS("#submit-blocked")))
	do(t, author, "submit with a reason",
		chromedp.SendKeys(chromedp.CSS("#override-reason"), "Sections follow tomorrow."),
		w.click("#move-in_review"),
		chromedp.WaitVisible(chromedp.CSS(`#review-panel[data-state="in_review"]`)))
	if n := w.loads.Load(); n != 0 {
		t.Fatalf("submit loaded the page %d times", n)
	}
	if got := env.getRCA(r.ID); got.State != domain.StateInReview || got.History[0].OverrideReason != "Sections follow tomorrow." {
		t.Fatalf("after submit: %s %+v", got.State, got.History)
	}
	if !eval[bool](t, author, `document.getElementById("doc").hasAttribute("data-editable")`) {
		t.Fatal("in review the editor should stay editable")
	}
	do(t, author, "archive", w.click("#move-archived"))
	// The page loads again: ask until the new document answers.
	readOnly := false
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end) && !readOnly; time.Sleep(200 * time.Millisecond) {
		c, cancel := context.WithTimeout(author, 5*time.Second)
		readOnly, _ = chromedp.Run(c, chromedp.Evaluate[bool](`!!document.getElementById("doc") && !document.getElementById("doc").hasAttribute("data-editable") && document.querySelector('#review-panel[data-state="archived"]') !== null`))
		cancel()
	}
	if !readOnly {
		t.Fatal("after archiving, the editor did not come back read-only")
	}
	if n := w.loads.Load(); n != 1 {
		t.Errorf("archive from the editor: %d page loads, want 1 (read-only again)", n)
	}
}
