package publish

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func statuspageTarget(f *fixture, url string) domain.Target {
	return f.target(domain.Target{Kind: domain.TargetStatuspage, URL: url, PageID: "pg1", Secret: "sp-key-123",
		NotifySubscribers: true, AllowPrivate: true})
}

func TestStatuspagePublishExactRequests(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t)
	tg := statuspageTarget(f, srv.URL)
	ds := f.enqueue(EventPublished)
	if len(ds) != 1 || ds[0].Event != EventPublished || ds[0].State != domain.DeliveryPending || ds[0].TargetID != tg.ID {
		t.Fatalf("enqueued %+v", ds)
	}
	if n := f.runOnce(f.worker()); n != 1 {
		t.Fatalf("attempted %d", n)
	}
	reqs := srv.got()
	if len(reqs) != 2 {
		t.Fatalf("want 2 requests, got %d", len(reqs))
	}
	wantPaths := []string{"/v1/pages/pg1/incidents/sp-inc-1/postmortem", "/v1/pages/pg1/incidents/sp-inc-1/postmortem/publish"}
	for i, r := range reqs {
		if r.Method != "PUT" || r.Path != wantPaths[i] {
			t.Errorf("request %d = %s %s, want PUT %s", i, r.Method, r.Path, wantPaths[i])
		}
		if got := r.Header.Get("Authorization"); got != "OAuth sp-key-123" {
			t.Errorf("request %d Authorization = %q", i, got)
		}
		if r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("request %d content type %q", i, r.Header.Get("Content-Type"))
		}
		assertNoInternal(t, "statuspage request", r.Body)
	}
	draft := decode(t, reqs[0].Body)["postmortem"].(map[string]any)["body_draft"].(string)
	if !strings.Contains(draft, "Public text for root_cause.") || !strings.Contains(draft, "Add an upload canary") {
		t.Errorf("body_draft lacks the external report: %q", draft)
	}
	pub := decode(t, reqs[1].Body)["postmortem"].(map[string]any)
	if pub["notify_subscribers"] != true || pub["notify_twitter"] != false {
		t.Errorf("publish body = %v", pub)
	}
	d := f.delivery(ds[0].ID)
	if d.State != domain.DeliverySucceeded || d.Attempts != 1 || d.LastStatus != 200 || d.LastError != "" {
		t.Errorf("delivery = %+v", d)
	}
	if strings.Contains(d.Request, "sp-key-123") || !strings.Contains(d.Request, "PUT ") {
		t.Errorf("request summary %q", d.Request)
	}

	// Re-publishing updates the same postmortem, without notifying again.
	ds = f.enqueue(EventPublished)
	if len(ds) != 1 || ds[0].Event != EventUpdated {
		t.Fatalf("re-publish enqueued %+v", ds)
	}
	f.runOnce(f.worker())
	reqs = srv.got()
	if len(reqs) != 4 || reqs[2].Path != wantPaths[0] || reqs[3].Path != wantPaths[1] {
		t.Fatalf("re-publish requests %d", len(reqs))
	}
	if decode(t, reqs[3].Body)["postmortem"].(map[string]any)["notify_subscribers"] != false {
		t.Errorf("an update must not notify subscribers again")
	}

	// Unpublishing reverts it.
	ds = f.enqueue(EventUnpublished)
	if len(ds) != 1 {
		t.Fatalf("unpublish enqueued %+v", ds)
	}
	f.runOnce(f.worker())
	reqs = srv.got()
	if last := reqs[len(reqs)-1]; last.Path != "/v1/pages/pg1/incidents/sp-inc-1/postmortem/revert" || last.Method != "PUT" {
		t.Errorf("unpublish request %s %s", last.Method, last.Path)
	}
}

func TestStatuspageRateLimitedThenSucceeds(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t,
		fakeResponse{status: 429, body: `{"error":"Rate limit exceeded"}`, header: map[string]string{"Retry-After": "120"}},
		fakeResponse{status: 200, body: `{}`})
	statuspageTarget(f, srv.URL)
	ds := f.enqueue(EventPublished)
	w := f.worker()
	w.SetLimiter(NewKeyLimiter(time.Second)) // the real spacing
	f.runOnce(w)
	d := f.delivery(ds[0].ID)
	if d.State != domain.DeliveryPending || d.Attempts != 1 || d.LastStatus != 429 || !strings.Contains(d.LastError, "Rate limit exceeded") {
		t.Fatalf("after 429: %+v", d)
	}
	if wait := d.NextAttemptAt.Sub(f.now()); wait < 120*time.Second {
		t.Errorf("Retry-After ignored: next attempt in %v", wait)
	}
	// Not due yet: nothing happens.
	if n := f.runOnce(w); n != 0 {
		t.Fatalf("ran %d deliveries before they were due", n)
	}
	f.advance(121 * time.Second)
	f.runOnce(w)
	d = f.delivery(ds[0].ID)
	if d.State != domain.DeliverySucceeded || d.Attempts != 2 {
		t.Fatalf("after retry: %+v", d)
	}
	reqs := srv.got()
	if len(reqs) != 3 {
		t.Fatalf("requests %d, want 3 (429, then draft and publish)", len(reqs))
	}
	for i := 1; i < len(reqs); i++ {
		if gap := reqs[i].At.Sub(reqs[i-1].At); gap < 950*time.Millisecond {
			t.Errorf("requests %d and %d with the same key only %v apart", i-1, i, gap)
		}
	}
}

func TestStatuspagePermanentErrorShownToUser(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t, fakeResponse{status: 422, body: `{"error":["Incident is not resolved"]}`})
	statuspageTarget(f, srv.URL)
	ds := f.enqueue(EventPublished)
	f.runOnce(f.worker())
	d := f.delivery(ds[0].ID)
	if d.State != domain.DeliveryFailed || d.Attempts != 1 || d.LastStatus != 422 || !strings.Contains(d.LastError, "Incident is not resolved") {
		t.Fatalf("delivery = %+v", d)
	}
	if len(srv.got()) != 1 {
		t.Errorf("a permanent error must stop at once; requests %d", len(srv.got()))
	}
}

func TestStatuspageServerDownThenBack(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t)
	addr := srv.Listener.Addr().String()
	statuspageTarget(f, srv.URL)
	srv.Close()
	ds := f.enqueue(EventPublished)
	w := f.worker()
	f.runOnce(w)
	d := f.delivery(ds[0].ID)
	if d.State != domain.DeliveryPending || d.Attempts != 1 || d.LastStatus != 0 || !strings.Contains(d.LastError, "connect") {
		t.Fatalf("while down: %+v", d)
	}
	restartOn(t, addr, srv)
	f.advance(31 * time.Second)
	f.runOnce(w)
	if d = f.delivery(ds[0].ID); d.State != domain.DeliverySucceeded || d.Attempts != 2 {
		t.Fatalf("after the server came back: %+v", d)
	}
}

func TestStatuspageGivesUpAfterMaxAttempts(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t, fakeResponse{status: 503, body: "<html>down</html>"})
	statuspageTarget(f, srv.URL)
	ds := f.enqueue(EventPublished)
	w := f.worker()
	var waits []time.Duration
	for i := 0; i < 6; i++ {
		f.runOnce(w)
		d := f.delivery(ds[0].ID)
		if d.State != domain.DeliveryPending {
			break
		}
		waits = append(waits, d.NextAttemptAt.Sub(f.now()))
		f.advance(d.NextAttemptAt.Sub(f.now()))
	}
	d := f.delivery(ds[0].ID)
	if d.State != domain.DeliveryFailed || d.Attempts != 4 || !strings.Contains(d.LastError, "gave up after 4 attempts") || !strings.Contains(d.LastError, "Service Unavailable") {
		t.Fatalf("delivery = %+v", d)
	}
	want := []time.Duration{30 * time.Second, 60 * time.Second, 120 * time.Second}
	if len(waits) != len(want) {
		t.Fatalf("waits %v", waits)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Errorf("backoff %d = %v, want %v", i, waits[i], want[i])
		}
	}
}

func TestStatuspageWithoutMappedIncidentFails(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t)
	f.target(domain.Target{Kind: domain.TargetStatuspage, URL: srv.URL, PageID: "another-page", Secret: "k", AllowPrivate: true})
	ds := f.enqueue(EventPublished)
	f.runOnce(f.worker())
	d := f.delivery(ds[0].ID)
	if d.State != domain.DeliveryFailed || !strings.Contains(d.LastError, "another-page") || len(srv.got()) != 0 {
		t.Fatalf("delivery = %+v, requests %d", d, len(srv.got()))
	}
	// The target's incident map names the incident there.
	tg, _ := f.st.ListTargets(context.Background())
	tg[0].IncidentMap = map[string]string{f.incident.ID: "remote-77"}
	if err := f.st.UpdateTarget(context.Background(), &tg[0]); err != nil {
		t.Fatal(err)
	}
	f.enqueue(EventPublished)
	f.runOnce(f.worker())
	if reqs := srv.got(); len(reqs) != 2 || reqs[0].Path != "/v1/pages/another-page/incidents/remote-77/postmortem" {
		t.Fatalf("mapped requests %+v", reqs)
	}
}

func TestRestartPicksUpPendingDeliveries(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t)
	statuspageTarget(f, srv.URL)
	ds := f.enqueue(EventPublished)
	// The process stops before any worker ran.
	f.reopen()
	w := f.worker() // a new worker on the reopened store
	if n := f.runOnce(w); n != 1 {
		t.Fatalf("attempted %d after restart", n)
	}
	if d := f.delivery(ds[0].ID); d.State != domain.DeliverySucceeded {
		t.Fatalf("delivery = %+v", d)
	}
	if len(srv.got()) != 2 {
		t.Errorf("requests %d", len(srv.got()))
	}
}

func TestDefaultTargetRefusesPrivateAddress(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t)
	// Validation refuses the literal loopback address up front...
	bad := domain.Target{Name: "x", Kind: domain.TargetWebhook, URL: srv.URL, Secret: testSecret}
	if err := NormalizeTarget(&bad, true); err == nil || !domain.IsValidation(err) {
		t.Fatalf("NormalizeTarget accepted %s: %v", srv.URL, err)
	}
	// ...and a name that resolves to it is refused at dial time.
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	tg := domain.Target{Name: "local", Kind: domain.TargetWebhook, URL: "http://localhost:" + port + "/hook", Secret: testSecret, Enabled: true}
	if err := f.st.CreateTarget(context.Background(), &tg); err != nil {
		t.Fatal(err)
	}
	ds := f.enqueue(EventPublished)
	f.runOnce(f.worker())
	d := f.delivery(ds[0].ID)
	if d.State != domain.DeliveryFailed || !strings.Contains(d.LastError, "not public") {
		t.Fatalf("delivery = %+v", d)
	}
	if len(srv.got()) != 0 {
		t.Fatalf("the private server was reached %d times", len(srv.got()))
	}
}

// TestStatuspageRCAWithTwoIncidents: an RCA explaining two incidents of the
// page writes the postmortem of each.
func TestStatuspageRCAWithTwoIncidents(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	second := domain.Incident{Title: "Upload API errors again", Impact: domain.ImpactMinor, Status: domain.StatusResolved,
		StartedAt: f.incident.StartedAt.Add(48 * time.Hour), Source: &domain.Source{System: "statuspage", ID: "sp-inc-2", PageID: "pg1"}}
	end := second.StartedAt.Add(time.Hour)
	second.ResolvedAt = &end
	second.Normalize()
	if err := f.st.CreateIncident(ctx, &second); err != nil {
		t.Fatal(err)
	}
	r, err := f.st.GetRCA(ctx, f.rca.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.LinkIncident(second.ID)
	if err := f.st.UpdateRCA(ctx, &r, "u1", "link"); err != nil {
		t.Fatal(err)
	}
	f.rca = r
	srv := newFakeServer(t)
	statuspageTarget(f, srv.URL)
	f.enqueue(EventPublished)
	f.runOnce(f.worker())
	var paths []string
	for _, req := range srv.got() {
		paths = append(paths, req.Path)
	}
	want := []string{
		"/v1/pages/pg1/incidents/sp-inc-1/postmortem", "/v1/pages/pg1/incidents/sp-inc-1/postmortem/publish",
		"/v1/pages/pg1/incidents/sp-inc-2/postmortem", "/v1/pages/pg1/incidents/sp-inc-2/postmortem/publish",
	}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Fatalf("paths %v", paths)
	}
}
