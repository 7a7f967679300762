package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestE2EAuthoringReviewInBrowser walks the whole authoring flow in a real
// browser: sign in, write an RCA from an incident section by section with
// autosave, add timeline entries in Europe/Berlin time, add action items,
// reload and find everything, edit one section from two browsers at once and
// merge the conflict, keep a draft while the server is unreachable, then
// submit for review and approve as a reviewer.
func TestE2EAuthoringReviewInBrowser(t *testing.T) {
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
	author := tab(t, browser)
	failureShots(t, base, map[string]context.Context{"author": author})

	var rcaID string
	getRCA := func() domain.RCA {
		t.Helper()
		r, err := srv.st.GetRCA(ctx, rcaID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// typeAndSave types into the open section and waits until autosave
	// stored a newer revision. leave=true leaves the field (immediate
	// save); otherwise the idle timer saves.
	typeAndSave := func(t *testing.T, tabCtx context.Context, text string, leave bool) {
		t.Helper()
		before := eval[string](t, tabCtx, `document.getElementById("section-editor").dataset.revision`)
		steps := []chromedp.Action[chromedp.Void]{caretToEnd, chromedp.SendKeys(chromedp.CSS("#section-body"), text)}
		if leave {
			steps = append(steps, chromedp.Blur(chromedp.CSS("#section-body")))
		}
		steps = append(steps, chromedp.Poll[chromedp.Void](
			`document.getElementById("save-state").dataset.state === "saved" && document.getElementById("section-editor").dataset.revision !== `+jsString(before),
			chromedp.WithPollingTimeout(15*time.Second)))
		do(t, tabCtx, "type and autosave", steps...)
	}

	t.Run("sign in", func(t *testing.T) {
		signInBrowser(t, author, base, "author@example.com")
	})

	t.Run("create an RCA from the incident", func(t *testing.T) {
		do(t, author, "open incident and write RCA",
			chromedp.Navigate(base+"/incidents/"+in.ID),
			chromedp.Click(chromedp.CSS("#write-rca-choose")), // flow: "#write-rca" now goes straight to the editor
			chromedp.WaitVisible(chromedp.CSS("#tpl-standard")),
			chromedp.Click(chromedp.CSS("#tpl-standard")),
			chromedp.Click(chromedp.CSS(`form[action="/rcas"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS("#section-editor")),
		)
		path := eval[string](t, author, "location.pathname")
		rcaID = strings.TrimSuffix(strings.TrimPrefix(path, "/rcas/"), "/edit")
		r := getRCA()
		if r.Title != in.Title || len(r.IncidentIDs) != 1 || len(r.Timeline) != 3 || r.AffectedServices[0] != "Checkout API" {
			t.Fatalf("RCA from incident = %+v", r)
		}
	})
	if rcaID == "" {
		t.FailNow()
	}

	texts := map[string]string{}
	t.Run("fill every section with autosave", func(t *testing.T) {
		r := getRCA()
		for i, s := range r.Sections {
			text := "Text for " + s.Title + " written in the browser."
			if s.Key == "root_cause" {
				text = "The failover script did not refresh the cached connection string."
			}
			texts[s.Key] = text
			do(t, author, "open section "+s.Key,
				chromedp.Navigate(base+"/rcas/"+rcaID+"/edit?section="+s.Key),
				chromedp.WaitVisible(chromedp.CSS("#section-body")),
				chromedp.WaitVisible(chromedp.CSS("#guidance")),
			)
			// The first section saves after idle typing, the others when the field is left.
			typeAndSave(t, author, text, i > 0)
		}
		got := getRCA()
		for key, want := range texts {
			if s := got.Section(key); s == nil || s.Body != want {
				t.Errorf("section %s stored %q, want %q", key, sectionBody(got, key), want)
			}
		}
	})

	t.Run("the checklist follows the text without a reload", func(t *testing.T) {
		do(t, author, "open root cause", chromedp.Navigate(base+"/rcas/"+rcaID+"/edit?section=root_cause"), chromedp.WaitVisible(chromedp.CSS("#section-body")))
		if cls := eval[string](t, author, `document.querySelector('[data-check="blameless"]').className`); cls != "ok" {
			t.Fatalf("blameless check before = %q", cls)
		}
		typeAndSave(t, author, " It was human error.", true)
		do(t, author, "checklist refreshed", chromedp.Poll[chromedp.Void](
			`document.querySelector('[data-check="blameless"]').className === "fail"`, chromedp.WithPollingTimeout(10*time.Second)))
		// Undo it: clear the field and type the blameless text again.
		do(t, author, "clear", chromedp.Evaluate[chromedp.Void](
			`(() => { const el = document.getElementById("section-body"); el.value = ""; el.dispatchEvent(new Event("input")); })()`))
		typeAndSave(t, author, texts["root_cause"], true)
		do(t, author, "checklist passes again", chromedp.Poll[chromedp.Void](
			`document.querySelector('[data-check="blameless"]').className === "ok"`, chromedp.WithPollingTimeout(10*time.Second)))
	})

	t.Run("live preview comes from the server", func(t *testing.T) {
		do(t, author, "preview",
			chromedp.Navigate(base+"/rcas/"+rcaID+"/edit?section=summary"),
			chromedp.WaitVisible(chromedp.CSS("#section-body")),
			caretToEnd,
			chromedp.SendKeys(chromedp.CSS("#section-body"), " **strong words**"),
			chromedp.WaitVisible(chromedp.CSS("#section-preview strong")),
			chromedp.Blur(chromedp.CSS("#section-body")),
			chromedp.Poll[chromedp.Void](`document.getElementById("save-state").dataset.state === "saved"`, chromedp.WithPollingTimeout(10*time.Second)),
		)
		texts["summary"] += " **strong words**"
	})

	t.Run("timeline entries in Europe/Berlin are stored in UTC", func(t *testing.T) {
		add := func(at, kind, text string) {
			do(t, author, "add timeline entry "+text,
				chromedp.Navigate(base+"/rcas/"+rcaID+"/edit?section=timeline"),
				chromedp.WaitVisible(chromedp.CSS("#timeline-add")),
				chromedp.SetValue(chromedp.CSS("#new-at"), at),
				chromedp.SetValue(chromedp.CSS("#new-tz"), "Europe/Berlin"),
				chromedp.SetValue(chromedp.CSS("#new-kind"), kind),
				chromedp.SendKeys(chromedp.CSS("#new-text"), text),
				chromedp.Click(chromedp.CSS("#timeline-add-button")),
				chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
			)
		}
		add("2026-03-04T09:12", "escalated", "Payments on-call paged")
		add("2026-03-04T09:31", "mitigated", "Traffic moved back to the primary")
		var found int
		for _, e := range getRCA().Timeline {
			switch e.Text {
			case "Payments on-call paged":
				found++
				if want := time.Date(2026, 3, 4, 8, 12, 0, 0, time.UTC); !e.At.Equal(want) || e.Kind != domain.KindEscalated {
					t.Errorf("entry stored at %v (%s), want %v", e.At, e.Kind, want)
				}
			case "Traffic moved back to the primary":
				found++
				if want := time.Date(2026, 3, 4, 8, 31, 0, 0, time.UTC); !e.At.Equal(want) {
					t.Errorf("entry stored at %v, want %v", e.At, want)
				}
			}
		}
		if found != 2 {
			t.Fatalf("found %d of 2 new timeline entries", found)
		}
		// The editor shows the entry in the zone it was entered in (remembered).
		v := eval[string](t, author, `Array.from(document.querySelectorAll("input[type=datetime-local]")).map(i => i.value).join(",")`)
		if !strings.Contains(v, "2026-03-04T09:12") {
			t.Errorf("editor shows times %s, want 2026-03-04T09:12 (Europe/Berlin)", v)
		}
		// The JSON API, read by the browser with its session, reports UTC too.
		c, cancel := context.WithTimeout(author, 10*time.Second)
		defer cancel()
		api, err := chromedp.Run(c, chromedp.Evaluate[string](`fetch("/api/v1/rcas/`+rcaID+`", {credentials: "same-origin"}).then(r => r.text())`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("fetch RCA: %v", err)
		}
		if !strings.Contains(api, `"at":"2026-03-04T08:12:00Z"`) {
			t.Errorf("API does not report the entry in UTC: %s", api)
		}
	})

	t.Run("action items", func(t *testing.T) {
		do(t, author, "add action item",
			chromedp.Navigate(base+"/rcas/"+rcaID+"/edit?section=preventive_measures"),
			chromedp.WaitVisible(chromedp.CSS("#action-add")),
			chromedp.SendKeys(chromedp.CSS("#new-a-title"), "Re-resolve the database endpoint on failover"),
			chromedp.SendKeys(chromedp.CSS("#new-a-owner"), "Payments team"),
			chromedp.SetValue(chromedp.CSS("#new-a-due"), "2026-04-01"),
			chromedp.SendKeys(chromedp.CSS("#new-a-tracker"), "https://tracker.example/PAY-1"),
			chromedp.Click(chromedp.CSS("#action-add-button")),
			chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
		)
		items := getRCA().ActionItems
		if len(items) != 1 || items[0].Owner != "Payments team" || items[0].Due == nil || items[0].Due.String() != "2026-04-01" {
			t.Fatalf("action items = %+v", items)
		}
		checks := eval[string](t, author, `document.querySelector('[data-check="action_owner_due"]').className`)
		if checks != "ok" {
			t.Errorf("owner/due check = %q, want ok", checks)
		}
		// Editing the item in place saves it when the field is left.
		owner := "#a-" + items[0].ID + "-owner"
		do(t, author, "edit the owner in place",
			chromedp.Evaluate[chromedp.Void](`document.querySelector("`+owner+`").select()`),
			chromedp.SendKeys(chromedp.CSS(owner), "Platform team"),
			chromedp.KeyEvent("\t"),
			chromedp.Poll[chromedp.Void](`document.querySelector("#action-`+items[0].ID+` .form-state").dataset.state === "saved"`,
				chromedp.WithPollingTimeout(10*time.Second)),
		)
		if got := getRCA().ActionItems; len(got) != 1 || got[0].Owner != "Platform team" || got[0].Title != items[0].Title {
			t.Fatalf("after the in-place edit: %+v", got)
		}
	})

	t.Run("reload and find everything", func(t *testing.T) {
		do(t, author, "reload editor",
			chromedp.Navigate(base+"/rcas/"+rcaID+"/edit?section=root_cause"),
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.CSS("#section-body")),
		)
		if v := eval[string](t, author, `document.getElementById("section-body").value`); v != texts["root_cause"] {
			t.Errorf("root cause after reload = %q", v)
		}
		do(t, author, "open RCA page", chromedp.Navigate(base+"/rcas/"+rcaID), chromedp.WaitVisible(chromedp.CSS(".doc")))
		page := eval[string](t, author, `document.querySelector("main").innerText`)
		for key, text := range texts {
			want := strings.ReplaceAll(text, "**", "")
			if !strings.Contains(page, want) {
				t.Errorf("RCA page lacks section %s text %q", key, want)
			}
		}
		for _, want := range []string{"Payments on-call paged", "Traffic moved back to the primary", "Re-resolve the database endpoint on failover", "Platform team"} {
			if !strings.Contains(page, want) {
				t.Errorf("RCA page lacks %q", want)
			}
		}
	})

	t.Run("two browsers edit one section and merge the conflict", func(t *testing.T) {
		other := tab(t, browser)
		failureShots(t, base, map[string]context.Context{"other": other})
		signInBrowser(t, other, base, "admin@example.com")
		for _, c := range []context.Context{author, other} {
			do(t, c, "open impact", chromedp.Navigate(base+"/rcas/"+rcaID+"/edit?section=impact"), chromedp.WaitVisible(chromedp.CSS("#section-body")))
		}
		typeAndSave(t, author, " Added by the author.", true)
		do(t, other, "type in the stale editor",
			caretToEnd,
			chromedp.SendKeys(chromedp.CSS("#section-body"), " Added by the admin."),
			chromedp.Blur(chromedp.CSS("#section-body")),
			chromedp.WaitVisible(chromedp.CSS("#conflict")),
			chromedp.Poll[chromedp.Void](`document.getElementById("save-state").dataset.state === "conflict"`, chromedp.WithPollingTimeout(5*time.Second)),
		)
		theirs := eval[string](t, other, `document.getElementById("conflict-theirs").textContent`)
		mine := eval[string](t, other, `document.getElementById("conflict-mine").textContent`)
		if !strings.Contains(theirs, "Added by the author.") || !strings.Contains(mine, "Added by the admin.") {
			t.Fatalf("conflict view: theirs %q, mine %q", theirs, mine)
		}
		if got := sectionBody(getRCA(), "impact"); strings.Contains(got, "Added by the admin.") {
			t.Fatalf("stale save overwrote the section: %q", got)
		}
		do(t, other, "save the merge",
			chromedp.Click(chromedp.CSS("#conflict-use-merged")),
			chromedp.WaitNotVisible(chromedp.CSS("#conflict")),
			chromedp.Poll[chromedp.Void](`document.getElementById("save-state").dataset.state === "saved"`, chromedp.WithPollingTimeout(10*time.Second)),
		)
		got := sectionBody(getRCA(), "impact")
		if !strings.Contains(got, "Added by the author.") || !strings.Contains(got, "Added by the admin.") {
			t.Fatalf("merged section lost text: %q", got)
		}
		texts["impact"] = ""
	})

	t.Run("a draft survives while the server is unreachable", func(t *testing.T) {
		do(t, author, "open lessons", chromedp.Navigate(base+"/rcas/"+rcaID+"/edit?section=lessons_learned"), chromedp.WaitVisible(chromedp.CSS("#section-body")))
		srv.down.Store(true)
		defer srv.down.Store(false)
		do(t, author, "type while offline",
			caretToEnd,
			chromedp.SendKeys(chromedp.CSS("#section-body"), " Written while offline."),
			chromedp.Blur(chromedp.CSS("#section-body")),
			chromedp.Poll[chromedp.Void](`document.getElementById("save-state").dataset.state === "offline"`, chromedp.WithPollingTimeout(10*time.Second)),
		)
		kept := eval[string](t, author, `localStorage.getItem("hindsight:draft:`+rcaID+`:lessons_learned") || ""`)
		var draft struct{ Body string }
		if err := json.Unmarshal([]byte(kept), &draft); err != nil || !strings.HasSuffix(draft.Body, "Written while offline.") {
			t.Fatalf("localStorage draft = %q (%v)", kept, err)
		}
		srv.down.Store(false)
		do(t, author, "saved when the server returns",
			chromedp.Poll[chromedp.Void](`document.getElementById("save-state").dataset.state === "saved"`, chromedp.WithPollingTimeout(15*time.Second)))
		if got := sectionBody(getRCA(), "lessons_learned"); !strings.HasSuffix(got, "Written while offline.") {
			t.Fatalf("stored after reconnect: %q", got)
		}
		if kept := eval[string](t, author, `localStorage.getItem("hindsight:draft:`+rcaID+`:lessons_learned") || ""`); kept != "" {
			t.Errorf("draft still kept after saving: %q", kept)
		}
	})

	t.Run("a draft kept in the browser is restored on the next visit", func(t *testing.T) {
		do(t, author, "open detection", chromedp.Navigate(base+"/rcas/"+rcaID+"/edit?section=detection"), chromedp.WaitVisible(chromedp.CSS("#section-body")))
		rev := eval[string](t, author, `document.getElementById("section-editor").dataset.revision`)
		// As if the tab had been closed while the server was unreachable.
		do(t, author, "keep a draft", chromedp.Evaluate[chromedp.Void](`localStorage.setItem("hindsight:draft:`+rcaID+`:detection",
			JSON.stringify({body: "Restored from the browser.", visibility: "internal", base: `+rev+`, at: Date.now()}))`))
		do(t, author, "reload",
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.CSS("#draft-restored")),
			chromedp.Poll[chromedp.Void](`document.getElementById("save-state").dataset.state === "saved"`, chromedp.WithPollingTimeout(10*time.Second)),
		)
		if got := sectionBody(getRCA(), "detection"); got != "Restored from the browser." {
			t.Fatalf("detection = %q", got)
		}
		// A kept draft whose base is stale meets the conflict view, not an overwrite.
		do(t, author, "keep a stale draft", chromedp.Evaluate[chromedp.Void](`localStorage.setItem("hindsight:draft:`+rcaID+`:detection",
			JSON.stringify({body: "Stale draft text.", visibility: "internal", base: 1, at: Date.now()}))`))
		do(t, author, "reload with a stale draft",
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.CSS("#conflict")),
		)
		if got := sectionBody(getRCA(), "detection"); got != "Restored from the browser." {
			t.Fatalf("a stale draft overwrote the section: %q", got)
		}
		do(t, author, "keep theirs",
			chromedp.Click(chromedp.CSS("#conflict-use-theirs")),
			chromedp.Poll[chromedp.Void](`document.getElementById("save-state").dataset.state === "saved"`, chromedp.WithPollingTimeout(10*time.Second)),
		)
	})

	t.Run("submit for review and approve as a reviewer", func(t *testing.T) {
		do(t, author, "submit",
			chromedp.Navigate(base+"/rcas/"+rcaID),
			chromedp.Click(chromedp.CSS("#move-in_review")),
			chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
		)
		if s := getRCA().State; s != domain.StateInReview {
			t.Fatalf("state after submit = %s", s)
		}
		reviewer := tab(t, browser)
		failureShots(t, base, map[string]context.Context{"reviewer": reviewer})
		signInBrowser(t, reviewer, base, "reviewer@example.com")
		do(t, reviewer, "approve",
			chromedp.Navigate(base+"/rcas/"+rcaID),
			chromedp.SendKeys(chromedp.CSS("#state-comment"), "Clear and blameless."),
			chromedp.Click(chromedp.CSS("#move-approved")),
			chromedp.WaitVisible(chromedp.CSS("#publish")),
		)
		r := getRCA()
		if r.State != domain.StateApproved || len(r.History) != 2 || r.History[1].By != srv.users[domain.RoleReviewer].ID || r.History[1].Comment != "Clear and blameless." {
			t.Fatalf("after approval: state %s, history %+v", r.State, r.History)
		}
		hist := eval[string](t, reviewer, `document.getElementById("state-history").innerText`)
		if !strings.Contains(hist, "Reviewer Person") || !strings.Contains(hist, "Clear and blameless.") {
			t.Errorf("state history shows %q", hist)
		}
	})
}

// caretToEnd puts the cursor at the end of the section text, where a user
// who clicks below the text starts typing.
var caretToEnd = chromedp.Steps(chromedp.WaitVisible(chromedp.CSS("#section-body")), chromedp.Evaluate[chromedp.Void](
	`(() => { const el = document.getElementById("section-body"); el.focus(); el.setSelectionRange(el.value.length, el.value.length); })()`))

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
