package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/mail/mailtest"
	"github.com/hindsight-rca/hindsight/internal/tracker"
)

// actionFixture stores an RCA with the given items (as the author).
func actionFixture(t *testing.T, st interface {
	CreateRCA(context.Context, *domain.RCA, string) error
}, title string, authorID string, items ...domain.ActionItem) domain.RCA {
	t.Helper()
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA(title, tpl, "en", nil, authorID, time.Now())
	r.ActionItems = items
	if err := st.CreateRCA(context.Background(), &r, authorID); err != nil {
		t.Fatal(err)
	}
	return r
}

func listIDs(l app.ActionItemList) []string {
	var out []string
	for _, v := range l.Items {
		out = append(out, v.ID)
	}
	return out
}

// TestAPIActionItemList: the list across RCAs with its filters, sorts and
// cursor; viewers see external items only; bad parameters are one 400
// naming every one of them.
func TestAPIActionItemList(t *testing.T) {
	e := newEnv(t)
	past, future := domain.Date{Year: 2020, Month: 1, Day: 2}, domain.Date{Year: 2999, Month: 1, Day: 1}
	authorID := e.users[domain.RoleAuthor].ID
	actionFixture(t, e.st, "Payments outage", authorID,
		domain.ActionItem{ID: "p1", Title: "Renew certs", OwnerID: authorID, Due: &past, State: domain.ActionOpen, Visibility: domain.External},
		domain.ActionItem{ID: "p2", Title: "Secret runbook", Owner: "ops team", Due: &future, State: domain.ActionOpen, Visibility: domain.Internal})
	actionFixture(t, e.st, "Search slow", authorID,
		domain.ActionItem{ID: "s1", Title: "Add index", Owner: "Vendor Bob", State: domain.ActionDone, Visibility: domain.External})

	var l app.ActionItemList
	e.must(domain.RoleAuthor, "GET", "/api/v1/action-items", nil, 200, &l)
	if got := listIDs(l); !slices.Equal(got, []string{"p1", "p2", "s1"}) {
		t.Errorf("all: %v", got)
	}
	if l.Items[0].RCATitle != "Payments outage" || l.Items[0].OwnerName != e.users[domain.RoleAuthor].DisplayName() || !l.Items[0].Overdue {
		t.Errorf("row p1 = %+v", l.Items[0])
	}
	e.must(domain.RoleViewer, "GET", "/api/v1/action-items", nil, 200, &l)
	if got := listIDs(l); !slices.Equal(got, []string{"p1", "s1"}) {
		t.Errorf("viewer sees %v, want the external items only", got)
	}
	for q, want := range map[string][]string{
		"?state=open&overdue=true":    {"p1"},
		"?owner=me":                   {"p1"},
		"?owner=" + authorID:          {"p1"},
		"?owner=Vendor+Bob":           {"s1"},
		"?sort=-due":                  {"s1", "p2", "p1"},
		"?sort=title":                 {"s1", "p1", "p2"},
		"?state=open,done&sort=title": {"s1", "p1", "p2"},
	} {
		e.must(domain.RoleAuthor, "GET", "/api/v1/action-items"+q, nil, 200, &l)
		if got := listIDs(l); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	// Keyset paging.
	var walked []string
	path := "/api/v1/action-items?limit=1"
	for range 5 {
		e.must(domain.RoleAuthor, "GET", path, nil, 200, &l)
		walked = append(walked, listIDs(l)...)
		if l.Next == "" {
			break
		}
		path = "/api/v1/action-items?limit=1&cursor=" + url.QueryEscape(l.Next)
	}
	if !slices.Equal(walked, []string{"p1", "p2", "s1"}) {
		t.Errorf("paged: %v", walked)
	}
	w := e.as(domain.RoleAuthor, "GET", "/api/v1/action-items?limit=1&sort=title&cursor="+url.QueryEscape(l.Next), nil)
	if w.Code != http.StatusBadRequest && l.Next != "" {
		t.Errorf("cursor of another sort: %d", w.Code)
	}

	w = e.as(domain.RoleAuthor, "GET", "/api/v1/action-items?state=closed&overdue=maybe&sort=owner&limit=0&colour=red", nil)
	if w.Code != http.StatusBadRequest {
		t.Fatalf("bad params: %d %s", w.Code, w.Body)
	}
	var bad struct {
		Error struct {
			Code, Message string
			Fields        []string `json:"fields"`
		} `json:"error"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &bad)
	if !slices.Equal(bad.Error.Fields, []string{"colour", "limit", "overdue", "sort", "state"}) {
		t.Errorf("fields = %v", bad.Error.Fields)
	}
	for _, name := range []string{"colour", "limit", "overdue", "sort", "state"} {
		if !strings.Contains(bad.Error.Message, name) {
			t.Errorf("message %q does not name %s", bad.Error.Message, name)
		}
	}
	w = e.serve(req{method: "GET", path: "/api/v1/action-items?sort=owner", token: e.tokens[domain.RoleAuthor], header: map[string]string{"Accept-Language": "de"}})
	if !strings.Contains(w.Body.String(), "Abfrageparameter") {
		t.Errorf("German error: %s", w.Body)
	}
	if w := e.serve(req{method: "GET", path: "/api/v1/action-items"}); w.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", w.Code)
	}
}

// TestAPIActionOwnerAndState: owner_id must name a user (422), a user owner
// is listed by the picker, and an item is marked done through the API even
// on an approved RCA (done_at set, revision credited).
func TestAPIActionOwnerAndState(t *testing.T) {
	e := newEnv(t)
	var owners struct {
		Items []ownerView `json:"items"`
	}
	e.must(domain.RoleViewer, "GET", "/api/v1/action-owners", nil, 200, &owners)
	if !slices.ContainsFunc(owners.Items, func(o ownerView) bool { return o.ID == e.users[domain.RoleAuthor].ID }) {
		t.Errorf("owners = %+v", owners.Items)
	}
	r := e.rca("Disk full", "standard")
	var got domain.RCA
	e.must(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID, nil, 200, &got)
	got.ActionItems = []domain.ActionItem{{Title: "Alert on disk", OwnerID: "no-such-user"}}
	w := e.as(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID, got)
	if w.Code != http.StatusUnprocessableEntity || !hasProblemOn(decodeErr(t, w), "action_items[0].owner_id") {
		t.Fatalf("unknown owner: %d %s", w.Code, w.Body)
	}
	got.ActionItems[0].OwnerID = e.users[domain.RoleReviewer].ID
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID, got, 200, &got)
	item := got.ActionItems[0]
	if item.Owner != e.users[domain.RoleReviewer].DisplayName() {
		t.Errorf("owner text = %q", item.Owner)
	}
	path := "/api/v1/rcas/" + r.ID + "/action-items/" + item.ID + "/state"
	if w := e.as(domain.RoleViewer, "POST", path, map[string]any{"state": "done"}); w.Code != http.StatusForbidden {
		t.Errorf("viewer: %d", w.Code)
	}
	if w := e.as(domain.RoleAuthor, "POST", path, map[string]any{"state": "finished"}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad state: %d", w.Code)
	}
	if w := e.as(domain.RoleAuthor, "POST", path, map[string]any{"state": "done", "extra": 1}); w.Code != http.StatusBadRequest && w.Code != http.StatusUnprocessableEntity {
		t.Errorf("unknown member: %d", w.Code)
	}
	var res struct {
		Item domain.ActionItem `json:"item"`
	}
	e.must(domain.RoleAuthor, "POST", path, map[string]any{"state": "done"}, 200, &res)
	if res.Item.State != domain.ActionDone || res.Item.DoneAt == nil {
		t.Errorf("item = %+v", res.Item)
	}
}

// TestAPITrackerHook drives POST /api/v1/hooks/tracker/{target} with each
// tracker's real headers: GitHub's HMAC, GitLab's token, Jira's HMAC;
// wrong signatures are 401, a replayed delivery id 409, a body over 1 MiB
// 413, and the hook's secret is never answered.
func TestAPITrackerHook(t *testing.T) {
	e := newEnv(t)
	authorID := e.users[domain.RoleAuthor].ID
	const (
		ghURL = "https://github.com/acme/payments/issues/42"
		glURL = "https://gitlab.example.com/acme/search/-/issues/7"
		jiURL = "https://acme.atlassian.net/browse/PAY-17"
	)
	r := actionFixture(t, e.st, "Payments outage", authorID,
		domain.ActionItem{ID: "gh", Title: "Renew certs", TrackerURL: ghURL, State: domain.ActionOpen, Visibility: domain.External},
		domain.ActionItem{ID: "gl", Title: "Add index", TrackerURL: glURL, State: domain.ActionInProgress, Visibility: domain.External},
		domain.ActionItem{ID: "ji", Title: "Alert early", TrackerURL: jiURL, State: domain.ActionOpen, Visibility: domain.External})
	secrets := map[string]string{"github": "gh-secret-0123456789", "gitlab": "gl-token-0123456789", "jira": "jira-secret-0123456789"}
	for kind, secret := range secrets {
		var h domain.TrackerHook
		e.must(domain.RoleAdmin, "POST", "/api/v1/tracker-hooks", map[string]any{"name": kind, "kind": kind, "secret": secret}, 201, &h)
		if !h.HasSecret {
			t.Errorf("%s: has_secret false", kind)
		}
	}
	w := e.as(domain.RoleAdmin, "GET", "/api/v1/tracker-hooks", nil)
	for _, secret := range secrets {
		if strings.Contains(w.Body.String(), secret) {
			t.Fatalf("the hook list shows a secret: %s", w.Body)
		}
	}
	if w := e.as(domain.RoleAuthor, "POST", "/api/v1/tracker-hooks", map[string]any{"name": "x", "kind": "github", "secret": "0123456789abcdef"}); w.Code != http.StatusForbidden {
		t.Errorf("author adds a hook: %d", w.Code)
	}
	if w := e.as(domain.RoleAdmin, "POST", "/api/v1/tracker-hooks", map[string]any{"name": "Bad Name", "kind": "svn", "secret": "x"}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad hook: %d", w.Code)
	}

	gh := []byte(`{"action":"closed","issue":{"html_url":"` + ghURL + `","number":42,"state":"closed","state_reason":"completed"},"repository":{"full_name":"acme/payments"},"sender":{"login":"ana"}}`)
	gl := []byte(`{"object_kind":"issue","event_type":"issue","project":{"path_with_namespace":"acme/search"},"object_attributes":{"iid":7,"state":"closed","action":"close","url":"` + glURL + `"}}`)
	ji := []byte(`{"timestamp":1775046612000,"webhookEvent":"jira:issue_updated","issue":{"id":"10042","self":"https://acme.atlassian.net/rest/api/2/issue/10042","key":"PAY-17","fields":{"status":{"name":"Done","statusCategory":{"key":"done","name":"Done"}}}}}`)
	hook := func(target string, body []byte, header map[string]string) int {
		return e.serve(req{method: "POST", path: "/api/v1/hooks/tracker/" + target, body: body, header: header}).Code
	}
	ghHeaders := func(sig, delivery string) map[string]string {
		return map[string]string{"X-GitHub-Event": "issues", "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": sig}
	}
	snap := e.snapshot()
	for name, code := range map[string]int{
		"github wrong secret":              hook("github", gh, ghHeaders(tracker.Sign("nope", gh), "d1")),
		"github no signature":              hook("github", gh, map[string]string{"X-GitHub-Event": "issues", "X-GitHub-Delivery": "d1"}),
		"github signed by jira's secret":   hook("github", gh, ghHeaders(tracker.Sign(secrets["jira"], gh), "d1")),
		"gitlab wrong token":               hook("gitlab", gl, map[string]string{"X-Gitlab-Token": "guess", "X-Gitlab-Event": "Issue Hook", "X-Gitlab-Event-UUID": "u1"}),
		"jira sha256 in the github header": hook("jira", ji, map[string]string{"X-Hub-Signature-256": tracker.Sign(secrets["jira"], ji), "X-Atlassian-Webhook-Identifier": "j1"}),
	} {
		if code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	if code := hook("nobody", gh, ghHeaders(tracker.Sign(secrets["github"], gh), "d1")); code != http.StatusNotFound {
		t.Errorf("unknown hook: %d", code)
	}
	big := append(append([]byte(`{"action":"closed","pad":"`), []byte(strings.Repeat("x", tracker.MaxBody))...), []byte(`"}`)...)
	if code := hook("github", big, ghHeaders(tracker.Sign(secrets["github"], big), "d-big")); code != http.StatusRequestEntityTooLarge {
		t.Errorf("big body: %d", code)
	}
	if got := e.snapshot(); got != snap {
		t.Error("refused deliveries changed the data")
	}

	if code := hook("github", gh, ghHeaders(tracker.Sign(secrets["github"], gh), "72d3162e-cc78-11e3-81ab-4c9367dc0958")); code != http.StatusOK {
		t.Fatalf("github: %d", code)
	}
	if code := hook("github", gh, ghHeaders(tracker.Sign(secrets["github"], gh), "72d3162e-cc78-11e3-81ab-4c9367dc0958")); code != http.StatusConflict {
		t.Errorf("github replay: %d, want 409", code)
	}
	if code := hook("gitlab", gl, map[string]string{"X-Gitlab-Token": secrets["gitlab"], "X-Gitlab-Event": "Issue Hook",
		"X-Gitlab-Event-UUID": "13792a34-cac6-4fda-95a8-c58e00a3954e", "Idempotency-Key": "f5e5f430-f57b-4e6e-9fac-d9128cd7232f"}); code != http.StatusOK {
		t.Fatalf("gitlab: %d", code)
	}
	if code := hook("jira", ji, map[string]string{"X-Hub-Signature": tracker.Sign(secrets["jira"], ji), "X-Atlassian-Webhook-Identifier": "9a1d2e3f-0001"}); code != http.StatusOK {
		t.Fatalf("jira: %d", code)
	}
	got, err := e.st.GetRCA(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range got.ActionItems {
		if a.State != domain.ActionDone || a.DoneAt == nil {
			t.Errorf("item %s after the hooks: %s", a.ID, a.State)
		}
	}
	var audit struct {
		Items []domain.AuditEvent `json:"items"`
	}
	e.must(domain.RoleAdmin, "GET", "/api/v1/audit?action=rca.action_state", nil, 200, &audit)
	actors := map[string]bool{}
	for _, ev := range audit.Items {
		actors[ev.Actor] = true
	}
	if !actors["tracker:github"] || !actors["tracker:gitlab"] || !actors["tracker:jira"] {
		t.Errorf("audit actors = %v", actors)
	}
}

// TestRunReminders: with an SMTP relay configured the server's reminder
// job sends the owner of an overdue item a digest over SMTP; without one
// it returns at once.
func TestRunReminders(t *testing.T) {
	if err := newEnv(t).srv.RunReminders(context.Background(), time.Hour); err != nil {
		t.Fatalf("without SMTP: %v", err)
	}
	relay := mailtest.Start(t)
	sender, err := mail.New(relay.Config())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) { c.Mail = sender; c.BaseURL = "https://hindsight.example.com" })
	owner := e.users[domain.RoleAuthor]
	past := domain.Date{Year: 2020, Month: 1, Day: 1}
	actionFixture(t, e.st, "Payments outage", owner.ID,
		domain.ActionItem{Title: "Renew certs", OwnerID: owner.ID, Owner: owner.DisplayName(), Due: &past, State: domain.ActionOpen, Visibility: domain.External})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.RunReminders(ctx, time.Hour) }()
	msgs := relay.Wait(t, 1)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunReminders: %v", err)
	}
	if len(msgs) != 1 || msgs[0].To[0] != owner.Email || !strings.Contains(msgs[0].Text, "Renew certs") ||
		!strings.Contains(msgs[0].Text, "https://hindsight.example.com/action-items?owner=me&overdue=true") {
		t.Errorf("messages = %+v", msgs)
	}
}
