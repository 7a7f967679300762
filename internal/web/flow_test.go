package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/mail/mailtest"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Tests of the review workflow (flow): gates, offered actions, reviewers,
// the queue and notices.

// fillRCA writes every required section and a timeline with a detection
// and a resolution straight into the store, so the quality checks pass.
func fillRCA(t *testing.T, st store.Store, id string) domain.RCA {
	t.Helper()
	ctx := context.Background()
	r, err := st.GetRCA(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Sections {
		if r.Sections[i].Required {
			r.Sections[i].Body = "Written text for " + r.Sections[i].Key + "."
		}
	}
	at := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	r.Timeline = []domain.TimelineEntry{
		{At: at, Kind: domain.KindDetected, Text: "Alert fired.", Visibility: domain.External},
		{At: at.Add(time.Hour), Kind: domain.KindResolved, Text: "Rolled back.", Visibility: domain.External},
	}
	if err := st.UpdateRCA(ctx, &r, "", "filled"); err != nil {
		t.Fatal(err)
	}
	return r
}

type blockedBody struct {
	Error struct {
		Code     string           `json:"code"`
		Message  string           `json:"message"`
		Sections []failingSection `json:"sections"`
		Comments []openComment    `json:"comments"`
	} `json:"error"`
}

// TestAPISubmitBlockedListsSectionsLocalized: a submit of an unfinished
// draft is 422 listing each failing section by key and by its heading in
// the caller's language; it changes nothing; with override_reason it goes
// through and the reason is in the history and the audit log.
func TestAPISubmitBlockedListsSectionsLocalized(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Queue backlog", "standard")
	w := e.serve(req{method: "POST", path: "/api/v1/rcas/" + r.ID + "/state", token: e.tokens[domain.RoleAuthor],
		body: map[string]any{"to": "in_review", "version": r.Version}, header: map[string]string{"Accept-Language": "de"}})
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("submit of an empty draft: %d %s", w.Code, w.Body)
	}
	var b blockedBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	if b.Error.Code != codeSubmitBlocked || !strings.Contains(b.Error.Message, "Abschnitte") {
		t.Fatalf("code %q message %q", b.Error.Code, b.Error.Message)
	}
	labels := map[string]string{}
	for _, s := range b.Error.Sections {
		labels[s.Key] = s.Label
		if len(s.Checks) == 0 || s.Checks[0].Message == "" {
			t.Errorf("section %s without a message: %+v", s.Key, s)
		}
	}
	if labels["summary"] != "Zusammenfassung" || labels["root_cause"] != "Ursache" && labels["root_cause"] == "Root cause" {
		t.Fatalf("labels not in German: %v", labels)
	}
	var got domain.RCA
	e.must(domain.RoleViewer, "GET", "/api/v1/rcas/"+r.ID, nil, 200, &got)
	if got.State != domain.StateDraft || got.Version != r.Version {
		t.Fatalf("refused submit changed the RCA: %s v%d", got.State, got.Version)
	}
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas/"+r.ID+"/state",
		map[string]any{"to": "in_review", "version": r.Version, "override_reason": "vendor report pending"}, 200, &got)
	if h := got.History[len(got.History)-1]; got.State != domain.StateInReview || h.OverrideReason != "vendor report pending" {
		t.Fatalf("override not kept: %s %+v", got.State, h)
	}
	events, _, err := e.st.ListAudit(context.Background(), store.AuditFilter{Action: "rca.state", Target: "rca:" + r.ID})
	if err != nil || len(events) != 1 || events[0].Detail["override_reason"] != "vendor report pending" {
		t.Fatalf("audit: %v %+v", err, events)
	}
}

// TestAPIApprovalNeedsResolvedCommentsAndVersion: an open comment makes the
// approval 422 naming it; a stale version is 409; the approval records the
// version read.
func TestAPIApprovalNeedsResolvedCommentsAndVersion(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Queue backlog", "standard")
	r = fillRCA(t, e.st, r.ID)
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "in_review", "version": r.Version}, 200, &r)
	var cm domain.Comment
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/comments", map[string]any{"section_key": "impact", "body": "How many partners?"}, 201, &cm)
	w := e.as(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "approved", "version": r.Version})
	var b blockedBody
	_ = json.Unmarshal(w.Body.Bytes(), &b)
	if w.Code != http.StatusUnprocessableEntity || b.Error.Code != codeApprovalBlocked || len(b.Error.Comments) != 1 ||
		b.Error.Comments[0].ID != cm.ID || b.Error.Comments[0].Label != "Impact" || b.Error.Comments[0].Excerpt != "How many partners?" {
		t.Fatalf("approval with an open comment: %d %s", w.Code, w.Body)
	}
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas/"+r.ID+"/comments/"+cm.ID+"/resolve", nil, 200, nil)
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "approved", "version": r.Version - 1}, 409, nil)
	var got domain.RCA
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "approved", "version": r.Version}, 200, &got)
	if h := got.History[len(got.History)-1]; h.Version != r.Version {
		t.Fatalf("approved version %d, read %d", h.Version, r.Version)
	}
}

// moveNames are the moves a page offers (data-move of its buttons).
func moveNames(body string) []string {
	var out []string
	if i := strings.Index(body, `id="review-panel"`); i >= 0 {
		body = body[i:] // the panel's buttons, not the timeline grid's data-move="up"
	}
	for _, part := range strings.Split(body, `data-move="`)[1:] {
		out = append(out, part[:strings.IndexByte(part, '"')])
	}
	return out
}

// TestPagesOfferTheMovesOfTheState: in every state, the RCA page and the
// editor offer exactly what app.Offered decides for the user: no publish
// on a published RCA, no submit on an approved one, no approve for the
// author, and the same buttons on both pages.
func TestPagesOfferTheMovesOfTheState(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	rc := e.rca("Login outage")
	author, reviewer := e.as(domain.RoleAuthor), e.as(domain.RoleReviewer)
	for _, state := range domain.RCAStates {
		r := e.getRCA(rc.ID)
		r.State = state
		if err := e.st.UpdateRCA(ctx, &r, "", "state "+string(state)); err != nil {
			t.Fatal(err)
		}
		for role, c := range map[domain.Role]*uiClient{domain.RoleAuthor: author, domain.RoleReviewer: reviewer} {
			u := e.users[role]
			want := []string{}
			for _, m := range app.Offered(actorFor(u), &r).Moves {
				want = append(want, m.Name)
			}
			got := moveNames(c.get("/rcas/"+rc.ID, http.StatusOK).body)
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s as %s: RCA page offers %v, want %v", state, role, got, want)
			}
			if r.Editable() {
				if w := moveNames(c.get("/rcas/"+rc.ID+"/write", http.StatusOK).body); len(w)+len(got) > 0 && !slices.Equal(w, got) {
					t.Errorf("%s as %s: editor offers %v, RCA page %v", state, role, w, got)
				}
			}
			switch {
			case state == domain.StatePublished && slices.Contains(got, "publish"):
				t.Errorf("publish offered on a published RCA")
			case state == domain.StateApproved && slices.Contains(got, "submit"):
				t.Errorf("submit offered on an approved RCA")
			case role == domain.RoleAuthor && slices.Contains(got, "approve"):
				t.Errorf("approve offered to the author")
			case role == domain.RoleReviewer && state == domain.StateApproved && !slices.Contains(got, "publish"),
				role == domain.RoleReviewer && state == domain.StateInReview && !slices.Contains(got, "approve"),
				role == domain.RoleAuthor && state == domain.StateDraft && !slices.Contains(got, "submit"):
				t.Errorf("%s as %s: the move forward is missing from %v", state, role, got)
			}
		}
	}
}

// TestOverrideReasonShownToReviewers: a submit from the page with failing
// sections re-renders with what fails and an override field; with a reason
// it goes through, and the reviewer's RCA page shows the reason and the
// readable history (who, from → to, reason), then "approved version N".
func TestOverrideReasonShownToReviewers(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Login outage")
	author, reviewer := e.as(domain.RoleAuthor), e.as(domain.RoleReviewer)
	author.get("/rcas/"+rc.ID, http.StatusOK)
	r := author.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"in_review"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, `id="submit-blocked"`, `data-section="summary"`, `id="override-reason"`, "Reason to submit anyway")
	if e.getRCA(rc.ID).State != domain.StateDraft {
		t.Fatal("a refused submit moved the RCA")
	}
	author.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"in_review"}, "override_reason": {"Vendor report pending"}}, http.StatusSeeOther)
	r = reviewer.get("/rcas/"+rc.ID, http.StatusOK)
	mustContain(t, r.body, `id="override-notice"`, "Vendor report pending", `id="state-history"`, "Author Person", "Submitted anyway because:")
	fillRCA(t, e.st, rc.ID)
	r = reviewer.get("/rcas/"+rc.ID, http.StatusOK)
	version := e.getRCA(rc.ID).Version
	r = reviewer.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"approved"}, "version": {strconvI(version)}}, http.StatusSeeOther)
	r = reviewer.get(location(t, r), http.StatusOK)
	mustContain(t, r.body, "approved version "+strconvI(version), `data-move="publish"`)
	// Errors name the field as the panel labels it.
	r = reviewer.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"draft"}, "comment": {" "}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Comment or reason: This field is required.")
	// German: the history is localized too.
	r = reviewer.get("/rcas/"+rc.ID+"?lang=de", http.StatusOK)
	mustContain(t, r.body, "freigegebene Version "+strconvI(version), "Trotzdem eingereicht, weil:")
}

func strconvI(n int64) string { return strconv.FormatInt(n, 10) }

func actorFor(u domain.User) policy.Actor { return policy.Actor{UserID: u.ID, Role: u.Role} }

// TestQueueReasons: GET /api/v1/me/queue lists, for each user, what waits:
// a review assigned to them, changes asked of the author, a draft resting
// for a week, and an overdue action item they own (owner as stored: name).
func TestQueueReasons(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	reviewer := e.users[domain.RoleReviewer]
	queue := func(role domain.Role) []app.QueueItem {
		var q struct {
			Items []app.QueueItem `json:"items"`
		}
		e.must(role, "GET", "/api/v1/me/queue", nil, 200, &q)
		return q.Items
	}
	reasons := func(items []app.QueueItem, id string) []string {
		var out []string
		for _, it := range items {
			if it.RCAID == id {
				out = append(out, it.Reason)
			}
		}
		return out
	}
	if q := queue(domain.RoleReviewer); len(q) != 0 {
		t.Fatalf("empty queue: %+v", q)
	}

	r := e.rca("Queue backlog", "standard")
	r = fillRCA(t, e.st, r.ID)
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID+"/reviewers", map[string]any{"reviewers": []string{reviewer.ID}, "version": r.Version}, 200, &r)
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "in_review", "version": r.Version}, 200, &r)
	if got := reasons(queue(domain.RoleReviewer), r.ID); !slices.Equal(got, []string{app.ReasonReviewRequested}) {
		t.Fatalf("reviewer's queue: %v", got)
	}
	if got := reasons(queue(domain.RoleAdmin), r.ID); len(got) != 0 {
		t.Fatalf("an unassigned admin got the assigned review: %v", got)
	}
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "draft", "comment": "Add numbers", "version": r.Version}, 200, &r)
	if got := reasons(queue(domain.RoleAuthor), r.ID); !slices.Equal(got, []string{app.ReasonChangesRequested}) {
		t.Fatalf("author's queue after send back: %v", got)
	}
	if got := reasons(queue(domain.RoleReviewer), r.ID); len(got) != 0 {
		t.Fatalf("reviewer still has it: %v", got)
	}

	// A draft resting a week; an action item owned by the reviewer, overdue.
	stale := e.rca("Old draft", "standard")
	owned, err := e.st.GetRCA(ctx, e.rca("Cache stampede", "standard").ID)
	if err != nil {
		t.Fatal(err)
	}
	due := domain.DateOf(e.clock.Now().AddDate(0, 0, 3))
	owned.ActionItems = []domain.ActionItem{{Title: "Add jitter", Owner: " " + strings.ToUpper(reviewer.Name) + " ", Due: &due, State: domain.ActionOpen, Visibility: domain.External}}
	if err := e.st.UpdateRCA(ctx, &owned, "", "actions"); err != nil {
		t.Fatal(err)
	}
	if got := reasons(queue(domain.RoleReviewer), owned.ID); len(got) != 0 {
		t.Fatalf("not yet due: %v", got)
	}
	e.clock.Advance(8 * 24 * time.Hour)
	if got := reasons(queue(domain.RoleAuthor), stale.ID); !slices.Equal(got, []string{app.ReasonDraftStale}) {
		t.Fatalf("stale draft: %v", got)
	}
	if got := reasons(queue(domain.RoleReviewer), owned.ID); !slices.Equal(got, []string{app.ReasonActionItemOverdue}) {
		t.Fatalf("overdue action item: %v", got)
	}
	if got := reasons(queue(domain.RoleAuthor), owned.ID); slices.Contains(got, app.ReasonActionItemOverdue) {
		t.Fatalf("someone else's action item: %v", got)
	}
}

// TestReviewersAssignment: only active reviewers who did not write the RCA
// may be assigned (422 naming the entry), the version read is required and
// a stale one is 409; the assigned reviewer is notified in-app.
func TestReviewersAssignment(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Queue backlog", "standard")
	path := "/api/v1/rcas/" + r.ID + "/reviewers"
	author, viewer, reviewer := e.users[domain.RoleAuthor], e.users[domain.RoleViewer], e.users[domain.RoleReviewer]
	for _, bad := range []string{author.ID, viewer.ID, "no-such-user"} {
		w := e.as(domain.RoleAuthor, "PUT", path, map[string]any{"reviewers": []string{bad}, "version": r.Version})
		if ae := decodeErr(t, w); w.Code != 422 || !hasProblemOn(ae, "reviewers[0]") {
			t.Errorf("reviewer %s: %d %s", bad, w.Code, w.Body)
		}
	}
	e.must(domain.RoleAuthor, "PUT", path, map[string]any{"reviewers": []string{reviewer.ID}}, 422, nil)
	e.must(domain.RoleAuthor, "PUT", path, map[string]any{"reviewers": []string{reviewer.ID}, "version": r.Version + 1}, 409, nil)
	var got domain.RCA
	e.must(domain.RoleAuthor, "PUT", path, map[string]any{"reviewers": []string{reviewer.ID}, "version": r.Version}, 200, &got)
	if !slices.Equal(got.Reviewers, []string{reviewer.ID}) {
		t.Fatalf("reviewers %v", got.Reviewers)
	}
	var n struct {
		Items  []app.Notice `json:"items"`
		Unread int          `json:"unread"`
	}
	e.must(domain.RoleReviewer, "GET", "/api/v1/me/notifications", nil, 200, &n)
	if n.Unread != 1 || len(n.Items) != 1 || n.Items[0].Kind != app.NoticeAssigned || n.Items[0].RCAID != r.ID || n.Items[0].Actor != author.ID {
		t.Fatalf("reviewer's notices: %+v", n)
	}
	e.must(domain.RoleReviewer, "POST", "/api/v1/me/notifications/seen", nil, 204, nil)
	e.must(domain.RoleReviewer, "GET", "/api/v1/me/notifications", nil, 200, &n)
	if n.Unread != 0 || len(n.Items) != 1 || n.Items[0].Unread {
		t.Fatalf("after marking them seen: %+v", n)
	}
	e.must(domain.RoleAuthor, "GET", "/api/v1/me/notifications", nil, 200, &n)
	if len(n.Items) != 0 {
		t.Fatalf("the actor notified of their own change: %+v", n)
	}
}

// TestMyWorkPageAndNoticeBadge: a state change notifies the authors and
// reviewers in-app; the nav shows the unread count; "My work" lists the
// queue and the notices and marks them read.
func TestMyWorkPageAndNoticeBadge(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Login outage")
	fillRCA(t, e.st, rc.ID)
	author, reviewer := e.as(domain.RoleAuthor), e.as(domain.RoleReviewer)
	r := author.get("/", http.StatusOK)
	mustContain(t, r.body, `href="/my-work"`, "My work")
	mustNotContain(t, r.body, `id="unread-count"`)
	author.get("/rcas/"+rc.ID, http.StatusOK)
	author.post("/rcas/"+rc.ID+"/state", url.Values{"to": {"in_review"}, "pick_reviewers": {"1"}, "reviewer": {e.users[domain.RoleReviewer].ID}}, http.StatusSeeOther)
	if got := e.getRCA(rc.ID); got.State != domain.StateInReview || !slices.Equal(got.Reviewers, []string{e.users[domain.RoleReviewer].ID}) {
		t.Fatalf("submit with a reviewer picked: %s %v", got.State, got.Reviewers)
	}
	r = reviewer.get("/", http.StatusOK)
	mustContain(t, r.body, `id="unread-count">2`)
	r = reviewer.get("/my-work", http.StatusOK)
	mustContain(t, r.body, `data-reason="review_requested"`, "Review requested", "Login outage", `data-kind="assigned"`, `data-kind="state"`, "Author Person")
	r = reviewer.get("/", http.StatusOK)
	mustNotContain(t, r.body, `id="unread-count"`)
	r = reviewer.get("/my-work?lang=de", http.StatusOK)
	mustContain(t, r.body, "Meine Aufgaben", "Prüfung angefragt")
}

// TestNoticesByEmailInTheRecipientsLanguage: with an SMTP relay configured,
// an assignment and a state change are mailed (a real SMTP conversation
// with an in-process server) to the reviewer in the reviewer's language,
// with a link to the RCA; the one who acted gets none.
func TestNoticesByEmailInTheRecipientsLanguage(t *testing.T) {
	relay := mailtest.Start(t)
	sender, err := mail.New(relay.Config())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) { c.Mail = sender; c.BaseURL = "https://rca.example.com" })
	ctx := context.Background()
	rv := e.users[domain.RoleReviewer]
	rv.Language = "de"
	if err := e.st.UpdateUser(ctx, &rv); err != nil {
		t.Fatal(err)
	}
	r := e.rca("Queue backlog", "standard")
	r = fillRCA(t, e.st, r.ID)
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID+"/reviewers", map[string]any{"reviewers": []string{rv.ID}, "version": r.Version}, 200, &r)
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "in_review", "version": r.Version, "comment": "Ready."}, 200, &r)
	msgs := relay.Wait(t, 2)
	var subjects []string
	for _, m := range msgs {
		if len(m.To) != 1 || m.To[0] != rv.Email {
			t.Fatalf("mailed to %v, want only the reviewer %s", m.To, rv.Email)
		}
		subjects = append(subjects, m.Subject)
		if !strings.Contains(m.Text, "https://rca.example.com/rcas/"+r.ID) || !strings.Contains(m.Text, "author") {
			t.Errorf("body without the actor or the link: %q", m.Text)
		}
		if m.Header.Get("Content-Language") != "de" {
			t.Errorf("Content-Language %q", m.Header.Get("Content-Language"))
		}
	}
	slices.Sort(subjects)
	want := []string{"Prüfung angefragt: Queue backlog", "Queue backlog: In Prüfung"}
	if !slices.Equal(subjects, want) {
		t.Fatalf("subjects %q, want %q", subjects, want)
	}
	if n := len(relay.To(e.users[domain.RoleAuthor].Email)); n != 0 {
		t.Fatalf("the author was mailed about their own change (%d)", n)
	}
	state := ""
	for _, m := range msgs {
		if strings.HasPrefix(m.Subject, "Queue backlog:") {
			state = m.Text
		}
	}
	if !strings.Contains(state, "von Entwurf auf In Prüfung") || !strings.Contains(state, "Kommentar: Ready.") {
		t.Fatalf("state change mail: %q", state)
	}
}
