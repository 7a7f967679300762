package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Unique markers placed only in internal content: none may ever appear in
// public HTML, JSON, the feed or a publish payload.
var leakMarkers = []string{"ZZLEAK-SECTION-51f0", "ZZLEAK-ENTRY-8a2c", "ZZLEAK-ACTION-e913", "ZZLEAK-OWNER-04bd"}

const hookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func assertNoLeak(t *testing.T, what, body string) {
	t.Helper()
	for _, m := range leakMarkers {
		if strings.Contains(body, m) {
			t.Errorf("%s leaks internal content %s", what, m)
		}
	}
}

// hookReceiver records webhook calls.
type hookReceiver struct {
	*httptest.Server
	mu    sync.Mutex
	calls []hookCall
}

type hookCall struct {
	header http.Header
	body   []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.calls = append(h.calls, hookCall{header: r.Header.Clone(), body: b})
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookReceiver) got() []hookCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookCall(nil), h.calls...)
}

// approvedRCA makes an incident and an approved RCA whose internal content
// carries the leak markers, and whose external text says what it says.
func approvedRCA(t *testing.T, e *env) (domain.Incident, domain.RCA) {
	t.Helper()
	cp := e.component("Upload API")
	inc := e.incident("Upload API errors", cp.ID)
	e.must(domain.RoleAuthor, "POST", "/api/v1/incidents/"+inc.ID+"/updates", map[string]any{
		"status": "resolved", "body": "Uploads work normally again.", "at": e.clock.Now().Add(-2 * time.Hour)}, 201, nil)
	return approvedRCAFor(t, e, inc.ID)
}

// approvedRCAFor makes the approved RCA with leak markers for an incident.
func approvedRCAFor(t *testing.T, e *env, incidentID string) (domain.Incident, domain.RCA) {
	t.Helper()
	ctx := context.Background()
	r := e.rca("Upload API errors", "standard", incidentID)
	r, err := e.st.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range r.Sections {
		s := &r.Sections[i]
		s.Body = "Customers saw failures in " + s.Key + " PUBLICTEXT."
		if s.Visibility == domain.Internal {
			s.Body = "Internal only: " + leakMarkers[0]
		}
	}
	start := e.clock.Now().Add(-3 * time.Hour)
	r.Timeline = []domain.TimelineEntry{
		{At: start, Kind: domain.KindImpactStart, Text: "Uploads began to fail.", Visibility: domain.External},
		{At: start.Add(10 * time.Minute), Kind: domain.KindEscalated, Text: "Escalated to storage " + leakMarkers[1], Visibility: domain.Internal},
		{At: start.Add(time.Hour), Kind: domain.KindResolved, Text: "Uploads recovered.", Visibility: domain.External},
	}
	r.ActionItems = []domain.ActionItem{
		{Title: "Add an upload canary", Owner: "storage team", State: domain.ActionOpen, Visibility: domain.External},
		{Title: "Rotate the pager " + leakMarkers[2], Owner: leakMarkers[3], State: domain.ActionOpen, Visibility: domain.Internal},
	}
	r.State = domain.StateApproved
	if err := e.st.UpdateRCA(ctx, &r, e.users[domain.RoleAuthor].ID, "test setup"); err != nil {
		t.Fatal(err)
	}
	inc, err := e.st.GetIncident(ctx, incidentID)
	if err != nil {
		t.Fatal(err)
	}
	return inc, r
}

func (e *env) runDeliveries() {
	e.t.Helper()
	if _, err := e.srv.status().worker.RunOnce(context.Background()); err != nil {
		e.t.Fatalf("run deliveries: %v", err)
	}
}

func (e *env) public(path string) string {
	e.t.Helper()
	w := e.serve(req{method: "GET", path: path})
	if w.Code != 200 {
		e.t.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
	}
	return w.Body.String()
}

func TestPublishFlowAndNoLeaks(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BaseURL = "https://status.example.com" })
	inc, r := approvedRCA(t, e)
	hook := newHookReceiver(t)

	var tg targetView
	e.must(domain.RoleAdmin, "POST", "/api/v1/targets", map[string]any{
		"name": "Partner hook", "kind": "webhook", "url": hook.URL + "/rca", "secret": hookSecret, "allow_private": true}, 201, &tg)
	if !tg.HasSecret || !tg.Enabled {
		t.Fatalf("target = %+v", tg)
	}

	// Before publishing nothing of the RCA is public.
	if strings.Contains(e.public("/status/incidents/"+inc.ID), "PUBLICTEXT") {
		t.Fatal("an approved, unpublished RCA is on the public page")
	}

	if w := e.as(domain.RoleAuthor, "POST", "/api/v1/rcas/"+r.ID+"/publish", nil); w.Code != http.StatusForbidden {
		t.Fatalf("author publish: %d", w.Code)
	}
	var res app.Published
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/publish", nil, 200, &res)
	if res.RCA.State != domain.StatePublished || len(res.Deliveries) != 1 || res.Deliveries[0].Event != publish.EventPublished {
		t.Fatalf("publish answered %+v", res)
	}
	e.runDeliveries()

	calls := hook.got()
	if len(calls) != 1 {
		t.Fatalf("webhook calls %d", len(calls))
	}
	call := calls[0]
	ts, _ := strconv.ParseInt(call.header.Get("webhook-timestamp"), 10, 64)
	if call.header.Get("webhook-id") != res.Deliveries[0].ID || !publish.Verify(hookSecret, call.header.Get("webhook-id"), ts, call.body, call.header.Get("webhook-signature")) {
		t.Errorf("webhook not signed as the Standard Webhooks spec says: %v", call.header)
	}
	assertNoLeak(t, "webhook payload", string(call.body))
	var ev publish.WebhookEvent
	if err := json.Unmarshal(call.body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != "rca.published" || ev.Data.Report == nil || !strings.Contains(ev.Data.Report.Markdown, "PUBLICTEXT") ||
		!strings.Contains(ev.Data.Report.HTML, "PUBLICTEXT") || !strings.Contains(ev.Data.Report.Markdown, "Add an upload canary") {
		t.Errorf("event = %+v", ev)
	}
	if len(ev.Data.Incidents) != 1 || ev.Data.Incidents[0].URL != "https://status.example.com/status/incidents/"+inc.ID {
		t.Errorf("event incidents %+v", ev.Data.Incidents)
	}

	var ds struct{ Items []domain.Delivery }
	e.must(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID+"/deliveries", nil, 200, &ds)
	if len(ds.Items) != 1 || ds.Items[0].State != domain.DeliverySucceeded {
		t.Errorf("deliveries %+v", ds.Items)
	}

	// Public output: the RCA under the incident, nothing internal anywhere.
	page := e.public("/status/incidents/" + inc.ID)
	if !strings.Contains(page, "PUBLICTEXT") || !strings.Contains(page, "Add an upload canary") {
		t.Error("the published RCA is not on the incident page")
	}
	if strings.Index(page, "Uploads work normally again.") > strings.Index(page, "PUBLICTEXT") {
		t.Error("the RCA must come under the updates")
	}
	for _, p := range []string{"/status", "/status/incidents/" + inc.ID, "/status/incidents/" + inc.ID + "?lang=de", "/status/history",
		"/status/feed.atom", "/api/v2/summary.json", "/api/v2/incidents.json", "/api/v2/incidents/unresolved.json", "/api/v2/components.json", "/api/v2/status.json"} {
		assertNoLeak(t, p, e.public(p))
	}
	var v2 struct {
		Incidents []struct{ ID, Status string }
	}
	if err := json.Unmarshal([]byte(e.public("/api/v2/incidents.json")), &v2); err != nil || len(v2.Incidents) != 1 || v2.Incidents[0].Status != "postmortem" {
		t.Errorf("v2 incident after publish: %+v %v", v2, err)
	}

	// Secrets are write-only.
	for _, p := range []string{"/api/v1/targets", "/api/v1/targets/" + tg.ID, "/api/v1/rcas/" + r.ID + "/deliveries", "/api/v1/audit"} {
		if w := e.as(domain.RoleAdmin, "GET", p, nil); strings.Contains(w.Body.String(), "MfKQ9r8G") {
			t.Errorf("%s answers the secret", p)
		}
	}
	if strings.Contains(e.logs.String(), "MfKQ9r8G") {
		t.Error("the secret was logged")
	}

	// Re-publishing after an edit updates the target instead of duplicating.
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/publish", nil, 200, &res)
	if len(res.Deliveries) != 1 || res.Deliveries[0].Event != publish.EventUpdated {
		t.Fatalf("re-publish %+v", res.Deliveries)
	}
	e.runDeliveries()

	// Unpublishing needs a reason, reverts the target and clears the page.
	if w := e.as(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/unpublish", map[string]any{}); w.Code != 422 {
		t.Fatalf("unpublish without reason: %d %s", w.Code, w.Body.String())
	}
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/unpublish", map[string]any{"comment": "Numbers were wrong"}, 200, &res)
	if res.RCA.State != domain.StateDraft || len(res.Deliveries) != 1 || res.Deliveries[0].Event != publish.EventUnpublished {
		t.Fatalf("unpublish %+v", res)
	}
	e.runDeliveries()
	if calls = hook.got(); len(calls) != 3 || !strings.Contains(string(calls[2].body), `"rca.unpublished"`) {
		t.Fatalf("calls %d", len(calls))
	}
	if strings.Contains(e.public("/status/incidents/"+inc.ID), "PUBLICTEXT") {
		t.Error("an unpublished RCA is still on the public page")
	}
	// A draft cannot be published.
	if w := e.as(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/publish", nil); w.Code != http.StatusConflict {
		t.Errorf("publishing a draft: %d", w.Code)
	}
	events, _, err := e.st.ListAudit(context.Background(), store.AuditFilter{Action: "rca.publish"})
	if err != nil || len(events) != 2 {
		t.Errorf("audit rca.publish events %d, %v", len(events), err)
	}
}

// TestPublishThroughStateEndpoint: moving an RCA to published by any route
// queues the deliveries too.
func TestPublishThroughStateEndpoint(t *testing.T) {
	e := newEnv(t)
	_, r := approvedRCA(t, e)
	hook := newHookReceiver(t)
	e.must(domain.RoleAdmin, "POST", "/api/v1/targets", map[string]any{
		"name": "Hook", "kind": "webhook", "url": hook.URL, "secret": hookSecret, "allow_private": true}, 201, nil)
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": "published"}, 200, nil)
	e.runDeliveries()
	if len(hook.got()) != 1 {
		t.Fatalf("webhook calls %d", len(hook.got()))
	}
}

func TestTargetsAPI(t *testing.T) {
	e := newEnv(t)
	if w := e.as(domain.RoleReviewer, "GET", "/api/v1/targets", nil); w.Code != 403 {
		t.Fatalf("reviewer lists targets: %d", w.Code)
	}
	for name, body := range map[string]map[string]any{
		"private url":   {"name": "x", "kind": "webhook", "url": "http://127.0.0.1:9/x", "secret": hookSecret},
		"no secret":     {"name": "x", "kind": "statuspage", "page_id": "p1"},
		"bad kind":      {"name": "x", "kind": "pigeon"},
		"bad whsec":     {"name": "x", "kind": "webhook", "url": "https://hooks.example.com/x", "secret": "plain"},
		"no page id":    {"name": "x", "kind": "statuspage", "secret": "k"},
		"metadata host": {"name": "x", "kind": "webhook", "url": "http://169.254.169.254/", "secret": hookSecret},
	} {
		if w := e.as(domain.RoleAdmin, "POST", "/api/v1/targets", body); w.Code != 422 {
			t.Errorf("%s: %d %s", name, w.Code, w.Body.String())
		}
	}
	var tg targetView
	e.must(domain.RoleAdmin, "POST", "/api/v1/targets", map[string]any{"name": "Statuspage", "kind": "statuspage", "page_id": "pg1", "secret": "sp-key-SECRET",
		"incident_map": map[string]string{"ours": "theirs"}}, 201, &tg)
	if tg.URL != publish.DefaultStatuspageAPI || !tg.HasSecret || tg.IncidentMap["ours"] != "theirs" {
		t.Errorf("created %+v", tg)
	}
	// Update without a secret keeps it; the answer never holds it.
	w := e.as(domain.RoleAdmin, "PUT", "/api/v1/targets/"+tg.ID, map[string]any{"name": "Statuspage EU", "page_id": "pg1", "language": "de", "version": tg.Version})
	if w.Code != 200 || strings.Contains(w.Body.String(), "sp-key-SECRET") {
		t.Fatalf("update: %d %s", w.Code, w.Body.String())
	}
	stored, err := e.st.GetTarget(context.Background(), tg.ID)
	if err != nil || stored.Secret != "sp-key-SECRET" || stored.Name != "Statuspage EU" || stored.Language != "de" {
		t.Errorf("stored %+v %v", stored.Name, err)
	}
	if w := e.as(domain.RoleAdmin, "PUT", "/api/v1/targets/"+tg.ID, map[string]any{"name": "x", "page_id": "pg1", "version": tg.Version}); w.Code != 409 {
		t.Errorf("stale version: %d", w.Code)
	}
	var list struct{ Items []targetView }
	e.must(domain.RoleAdmin, "GET", "/api/v1/targets", nil, 200, &list)
	if len(list.Items) != 1 {
		t.Errorf("list %+v", list)
	}
	e.must(domain.RoleAdmin, "DELETE", "/api/v1/targets/"+tg.ID, nil, 204, nil)
	e.must(domain.RoleAdmin, "GET", "/api/v1/targets/"+tg.ID, nil, 404, nil)
}

// TestStatusPageFollowsAPIWrites: the public page is cached, yet a write
// through the API shows at once (the store wrapper invalidates the cache).
func TestStatusPageFollowsAPIWrites(t *testing.T) {
	e := newEnv(t)
	cp := e.component("Search")
	first := e.serve(req{method: "GET", path: "/status"})
	if first.Code != 200 || !strings.Contains(first.Body.String(), "Search") || strings.Contains(first.Body.String(), "Search index stale") {
		t.Fatalf("first page: %d", first.Code)
	}
	if again := e.serve(req{method: "GET", path: "/status", header: map[string]string{"If-None-Match": first.Header().Get("ETag")}}); again.Code != 304 {
		t.Fatalf("unchanged page revalidation: %d", again.Code)
	}
	e.incident("Search index stale", cp.ID)
	after := e.serve(req{method: "GET", path: "/status", header: map[string]string{"If-None-Match": first.Header().Get("ETag")}})
	if after.Code != 200 || !strings.Contains(after.Body.String(), "Search index stale") {
		t.Fatalf("after an incident was created: %d", after.Code)
	}
	var cur domain.Component
	e.must(domain.RoleAdmin, "GET", "/api/v1/components/"+cp.ID, nil, 200, &cur)
	e.must(domain.RoleAdmin, "PUT", "/api/v1/components/"+cp.ID, map[string]any{"name": "Search", "status": "major_outage", "version": cur.Version}, 200, nil)
	if body := e.public("/api/v2/status.json"); !strings.Contains(body, `"indicator":"critical"`) {
		t.Errorf("status.json after a component went down: %s", body)
	}
	if head := e.serve(req{method: "HEAD", path: "/status"}); head.Code != 200 || head.Body.Len() != 0 {
		t.Errorf("HEAD /status: %d with %d bytes", head.Code, head.Body.Len())
	}
}
