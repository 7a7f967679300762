package publish

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// The Standard Webhooks reference example.
func TestSignReferenceVector(t *testing.T) {
	got, err := Sign(testSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
	if !Verify(testSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`), "v1,bogus "+got) {
		t.Error("Verify refused a list holding the right signature")
	}
	if Verify(testSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, []byte(`{"test": 2432232314}`), got) {
		t.Error("Verify accepted a signature for another timestamp")
	}
	if _, err := Sign("whsec_!!!", "id", 1, nil); err == nil {
		t.Error("Sign accepted a secret that is not base64")
	}
}

func TestWebhookSignedAndIdempotentAcrossRetries(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t, fakeResponse{status: 500, body: "oops"}, fakeResponse{status: 204})
	f.target(domain.Target{Kind: domain.TargetWebhook, URL: srv.URL + "/hooks/rca?token=abc", Secret: testSecret, AllowPrivate: true, Language: "de"})
	ds := f.enqueue(EventPublished)
	w := f.worker()
	f.runOnce(w)
	f.advance(time.Minute)
	f.runOnce(w)
	d := f.delivery(ds[0].ID)
	if d.State != domain.DeliverySucceeded || d.Attempts != 2 || d.LastStatus != 204 {
		t.Fatalf("delivery = %+v", d)
	}
	if strings.Contains(d.Request, "token=abc") {
		t.Errorf("request summary keeps the query: %q", d.Request)
	}
	reqs := srv.got()
	if len(reqs) != 2 {
		t.Fatalf("requests %d", len(reqs))
	}
	for i, r := range reqs {
		if r.Method != "POST" || r.Path != "/hooks/rca" {
			t.Errorf("request %d: %s %s", i, r.Method, r.Path)
		}
		id := r.Header.Get("webhook-id")
		if id != d.ID {
			t.Errorf("request %d webhook-id %q, want the delivery id %q", i, id, d.ID)
		}
		ts, err := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
		if err != nil {
			t.Fatalf("timestamp %q", r.Header.Get("webhook-timestamp"))
		}
		if !Verify(testSecret, id, ts, r.Body, r.Header.Get("webhook-signature")) {
			t.Errorf("request %d: signature %q does not verify", i, r.Header.Get("webhook-signature"))
		}
		if !strings.HasPrefix(r.Header.Get("webhook-signature"), "v1,") {
			t.Errorf("signature scheme %q", r.Header.Get("webhook-signature"))
		}
		assertNoInternal(t, "webhook body", r.Body)
	}
	if reqs[0].Header.Get("webhook-timestamp") == reqs[1].Header.Get("webhook-timestamp") {
		t.Errorf("a retry should be signed at its own time")
	}
	ev := decode(t, reqs[1].Body)
	if ev["type"] != "rca.published" {
		t.Errorf("type %v", ev["type"])
	}
	data := ev["data"].(map[string]any)
	rep := data["report"].(map[string]any)
	if rep["language"] != "de" || !strings.Contains(rep["markdown"].(string), "Public text for summary.") || !strings.Contains(rep["html"].(string), "<pre>") {
		t.Errorf("report = %v", rep)
	}
	incs := data["incidents"].([]any)
	if len(incs) != 1 || incs[0].(map[string]any)["url"] != "https://status.example.com/status/incidents/"+f.incident.ID {
		t.Errorf("incidents = %v", incs)
	}
	links := data["links"].(map[string]any)
	if links["status_page"] != "https://status.example.com/status" {
		t.Errorf("links = %v", links)
	}

	// Unpublish sends rca.unpublished without the report.
	f.enqueue(EventUnpublished)
	f.runOnce(w)
	reqs = srv.got()
	ev = decode(t, reqs[len(reqs)-1].Body)
	if ev["type"] != "rca.unpublished" || ev["data"].(map[string]any)["report"] != nil {
		t.Errorf("unpublish event = %v", ev)
	}
}

func TestWebhookGoneIsPermanent(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t, fakeResponse{status: 410})
	f.target(domain.Target{Kind: domain.TargetWebhook, URL: srv.URL, Secret: testSecret, AllowPrivate: true})
	ds := f.enqueue(EventPublished)
	f.runOnce(f.worker())
	if d := f.delivery(ds[0].ID); d.State != domain.DeliveryFailed || !strings.Contains(d.LastError, "410") {
		t.Fatalf("delivery = %+v", d)
	}
}

func TestEnqueueRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	srv := newFakeServer(t)
	on := f.target(domain.Target{Kind: domain.TargetWebhook, URL: srv.URL, Secret: testSecret, AllowPrivate: true})
	off := domain.Target{Name: "off", Kind: domain.TargetWebhook, URL: srv.URL, Secret: testSecret, AllowPrivate: true}
	if err := NormalizeTarget(&off, true); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateTarget(ctx, &off); err != nil { // Enabled false
		t.Fatal(err)
	}
	// Nothing was ever sent: unpublish has nothing to take back.
	if ds := f.enqueue(EventUnpublished); len(ds) != 0 {
		t.Fatalf("unpublish before publish enqueued %+v", ds)
	}
	first := f.enqueue(EventPublished)
	if len(first) != 1 || first[0].TargetID != on.ID {
		t.Fatalf("enqueued %+v (disabled targets get nothing)", first)
	}
	// A second publish before the first ran supersedes it.
	second := f.enqueue(EventPublished)
	if len(second) != 1 || second[0].Event != EventUpdated {
		t.Fatalf("second = %+v", second)
	}
	if d := f.delivery(first[0].ID); d.State != domain.DeliveryFailed || !strings.Contains(d.LastError, "superseded") {
		t.Errorf("first = %+v", d)
	}
	f.runOnce(f.worker())
	if n := len(srv.got()); n != 1 {
		t.Errorf("requests %d, want only the newest", n)
	}
	// An unpublished RCA cannot be published.
	r := f.rca
	r.State = domain.StateDraft
	if _, err := Enqueue(ctx, f.st, r, EventPublished, f.now()); err != ErrNotPublishable {
		t.Errorf("draft publish: %v", err)
	}
}

func TestNormalizeTarget(t *testing.T) {
	tests := []struct {
		name   string
		t      domain.Target
		create bool
		field  string // "" when valid
	}{
		{"statuspage ok", domain.Target{Name: "SP", Kind: domain.TargetStatuspage, PageID: "abc", Secret: "k"}, true, ""},
		{"statuspage no page", domain.Target{Name: "SP", Kind: domain.TargetStatuspage, Secret: "k"}, true, "page_id"},
		{"statuspage no key", domain.Target{Name: "SP", Kind: domain.TargetStatuspage, PageID: "abc"}, true, "secret"},
		{"update keeps key", domain.Target{Name: "SP", Kind: domain.TargetStatuspage, PageID: "abc"}, false, ""},
		{"webhook ok", domain.Target{Name: "W", Kind: domain.TargetWebhook, URL: "https://hooks.example.com/x", Secret: testSecret}, true, ""},
		{"webhook bad secret", domain.Target{Name: "W", Kind: domain.TargetWebhook, URL: "https://hooks.example.com/x", Secret: "hunter2"}, true, "secret"},
		{"webhook no url", domain.Target{Name: "W", Kind: domain.TargetWebhook, Secret: testSecret}, true, "url"},
		{"webhook metadata address", domain.Target{Name: "W", Kind: domain.TargetWebhook, URL: "http://169.254.169.254/latest", Secret: testSecret}, true, "url"},
		{"webhook private allowed", domain.Target{Name: "W", Kind: domain.TargetWebhook, URL: "http://10.0.0.5/x", Secret: testSecret, AllowPrivate: true}, true, ""},
		{"unknown kind", domain.Target{Name: "X", Kind: "email"}, true, "kind"},
		{"no name", domain.Target{Kind: domain.TargetStatuspage, PageID: "a", Secret: "k"}, true, "name"},
		{"bad language", domain.Target{Name: "SP", Kind: domain.TargetStatuspage, PageID: "a", Secret: "k", Language: "not a tag!"}, true, "language"},
		{"page id with slash", domain.Target{Name: "SP", Kind: domain.TargetStatuspage, PageID: "a/../b", Secret: "k"}, true, "page_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NormalizeTarget(&tt.t, tt.create)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				if tt.t.Kind == domain.TargetStatuspage && tt.t.URL != DefaultStatuspageAPI {
					t.Errorf("default URL %q", tt.t.URL)
				}
				return
			}
			ve, ok := err.(*domain.ValidationError)
			if !ok {
				t.Fatalf("want a validation error on %s, got %v", tt.field, err)
			}
			found := false
			for _, p := range ve.Problems {
				found = found || p.Field == tt.field
			}
			if !found {
				t.Errorf("problems %+v lack %s", ve.Problems, tt.field)
			}
		})
	}
}
