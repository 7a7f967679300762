package main

// Trust tests on the real binary: crash safety of section saves and
// publishes under kill -9 (this file) and graceful shutdown
// (trust_shutdown_test.go). They reuse the process helpers of
// binary_test.go (startServer, adminToken, api, ...).

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// trustRCA is the part of an RCA answer these tests read.
type trustRCA struct {
	ID          string        `json:"id"`
	State       string        `json:"state"`
	Version     int64         `json:"version"`
	PublishedAt *time.Time    `json:"published_at"`
	Sections    []trustSecDoc `json:"sections"`
}

type trustSecDoc struct {
	Key      string `json:"key"`
	Body     string `json:"body"`
	Revision int64  `json:"revision"`
}

func (r trustRCA) section(key string) trustSecDoc {
	for _, s := range r.Sections {
		if s.Key == key {
			return s
		}
	}
	return trustSecDoc{}
}

type trustDelivery struct {
	ID         string `json:"id"`
	TargetID   string `json:"target_id"`
	RCAVersion int64  `json:"rca_version"`
	State      string `json:"state"`
	Event      string `json:"event"`
}

// hangingHook is a webhook receiver that never answers until the test ends
// (or the sender gives up), so deliveries to it stay pending.
func hangingHook(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(hook.Close)
	t.Cleanup(func() { close(release) }) // runs before hook.Close
	return hook
}

// createWebhookTarget adds an enabled webhook target pointing at url.
func createWebhookTarget(t *testing.T, client *http.Client, base, token, url string) string {
	t.Helper()
	secret := "whsec_" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))
	code, body, err := api(client, "POST", base+"/api/v1/targets", token,
		fmt.Sprintf(`{"name":"Partner hook","kind":"webhook","url":%q,"secret":%q,"enabled":true,"allow_private":true}`, url, secret))
	if err != nil || code != http.StatusCreated {
		t.Fatalf("create target: %d %v\n%s", code, err, body)
	}
	var tg struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &tg); err != nil || tg.ID == "" {
		t.Fatalf("target answer: %v %s", err, body)
	}
	return tg.ID
}

// adminScopeToken creates an admin with the CLI on data and returns an
// admin-scope token for it (targets are managed by admins only).
func adminScopeToken(t *testing.T, data, email string) string {
	t.Helper()
	runCLI(t, "a long test password\n", "user", "add", "--data", data, "--email", email, "--role", "admin", "--password-stdin")
	out, _ := runCLI(t, "", "token", "create", "--data", data, "--email", email, "--scope", "admin")
	return strings.TrimSpace(out)
}

// publishedAck is a publish the server answered 200.
type publishedAck struct {
	rcaID   string
	version int64
}

// approveAndPublish creates an RCA, moves it through review and approval and
// publishes it. The approver is another user, since nobody approves an RCA
// they wrote. It returns false (and no error) once the server is gone.
func approveAndPublish(client *http.Client, base, token, approver string, i int) (publishedAck, bool, error) {
	code, body, err := api(client, "POST", base+"/api/v1/rcas", token,
		fmt.Sprintf(`{"title":"Published before the crash %d","template":"standard"}`, i))
	if err != nil {
		return publishedAck{}, false, nil
	}
	if code != http.StatusCreated {
		return publishedAck{}, false, fmt.Errorf("create rca: %d %s", code, body)
	}
	var r trustRCA
	if err := json.Unmarshal(body, &r); err != nil {
		return publishedAck{}, false, err
	}
	for _, to := range []string{"in_review", "approved"} {
		// A state change names the version it acts on (issue 10, finding 5).
		who := token
		if to == "approved" {
			who = approver
		}
		code, body, err = api(client, "POST", base+"/api/v1/rcas/"+r.ID+"/state", who, fmt.Sprintf(`{"to":%q,"version":%d,"override_reason":"test: an unfinished draft"}`, to, r.Version))
		if err != nil {
			return publishedAck{}, false, nil
		}
		if code != http.StatusOK {
			return publishedAck{}, false, fmt.Errorf("state %s: %d %s", to, code, body)
		}
		if err := json.Unmarshal(body, &r); err != nil {
			return publishedAck{}, false, err
		}
	}
	code, body, err = api(client, "POST", base+"/api/v1/rcas/"+r.ID+"/publish", approver, "")
	if err != nil {
		return publishedAck{}, false, nil
	}
	if code != http.StatusOK {
		return publishedAck{}, false, fmt.Errorf("publish: %d %s", code, body)
	}
	var res struct {
		RCA        trustRCA        `json:"rca"`
		Deliveries []trustDelivery `json:"deliveries"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return publishedAck{}, false, err
	}
	if res.RCA.State != "published" || len(res.Deliveries) != 1 {
		return publishedAck{}, false, fmt.Errorf("publish answered state %q and %d deliveries: %s", res.RCA.State, len(res.Deliveries), body)
	}
	return publishedAck{rcaID: r.ID, version: res.RCA.Version}, true, nil
}

// TestTrustCrashSavesAndPublishes kills the real binary with SIGKILL while
// two authors save sections and a reviewer publishes approved RCAs to a
// webhook target, then restarts it on the same data folder: every
// acknowledged section save is there at its revision, every acknowledged
// publish left its RCA published at the acknowledged version, with its
// delivery to the target stored and still pending.
func TestTrustCrashSavesAndPublishes(t *testing.T) {
	hook := hangingHook(t)
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServer(t, t.TempDir(), addr, nil, "serve", "--data", data, "--addr", addr)
	token := adminScopeToken(t, data, "crash-publish@example.com")
	approver := adminScopeToken(t, data, "crash-approver@example.com")
	client := &http.Client{Timeout: 10 * time.Second}
	targetID := createWebhookTarget(t, client, s.url, token, hook.URL)

	// Two RCAs whose summaries are saved over and over.
	type saver struct {
		rcaID    string
		revision int64 // last acknowledged
		version  int64 // the RCA version it produced
		body     string
		saves    int
	}
	savers := make([]*saver, 2)
	for i := range savers {
		code, body, err := api(client, "POST", s.url+"/api/v1/rcas", token, fmt.Sprintf(`{"title":"Saved before the crash %d","template":"standard"}`, i))
		if err != nil || code != http.StatusCreated {
			t.Fatalf("create rca: %d %v %s", code, err, body)
		}
		r := decode[trustRCA](t, body)
		savers[i] = &saver{rcaID: r.ID, revision: r.section("summary").Revision, body: r.section("summary").Body}
	}

	var (
		mu        sync.Mutex
		published []publishedAck
	)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	for _, sv := range savers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				mu.Lock()
				base := sv.revision
				mu.Unlock()
				text := fmt.Sprintf("Summary of %s, save %d.", sv.rcaID, i)
				code, body, err := api(client, "PUT", s.url+"/api/v1/rcas/"+sv.rcaID+"/sections/summary", token,
					fmt.Sprintf(`{"body":%q,"base_revision":%d}`, text, base))
				if err != nil {
					return // the server is gone
				}
				if code != http.StatusOK {
					t.Errorf("save section: %d %s", code, body)
					return
				}
				var r trustRCA
				if err := json.Unmarshal(body, &r); err != nil {
					t.Errorf("save answer: %v", err)
					return
				}
				if sec := r.section("summary"); sec.Body != text || sec.Revision != base+1 {
					t.Errorf("save on revision %d answered revision %d with %q", base, sec.Revision, sec.Body)
					return
				}
				mu.Lock()
				sv.revision, sv.version, sv.body, sv.saves = base+1, r.Version, text, sv.saves+1
				mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			ack, ok, err := approveAndPublish(client, s.url, token, approver, i)
			if err != nil {
				t.Error(err)
				return
			}
			if !ok {
				return
			}
			mu.Lock()
			published = append(published, ack)
			mu.Unlock()
		}
	})

	deadline := time.Now().Add(90 * time.Second)
	for {
		mu.Lock()
		n, a, b := len(published), savers[0].saves, savers[1].saves
		mu.Unlock()
		if n >= 8 && a >= 25 && b >= 25 {
			break
		}
		if time.Now().After(deadline) || t.Failed() {
			t.Fatalf("writes too slow or failing: %d publishes, %d and %d saves in 90s\n%s", n, a, b, s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.kill() // SIGKILL while writes are in flight
	wg.Wait()
	stop()
	if t.Failed() {
		return
	}
	t.Logf("killed after %d acknowledged publishes and %d + %d section saves", len(published), savers[0].saves, savers[1].saves)

	s2 := startServer(t, t.TempDir(), addr, nil, "serve", "--data", data, "--addr", addr)
	for _, sv := range savers {
		code, body, err := api(client, "GET", s2.url+"/api/v1/rcas/"+sv.rcaID, token, "")
		if err != nil || code != http.StatusOK {
			t.Fatalf("rca %s after restart: %d %v", sv.rcaID, code, err)
		}
		sec := decode[trustRCA](t, body).section("summary")
		switch {
		case sec.Revision == sv.revision && sec.Body != sv.body:
			t.Errorf("section at acknowledged revision %d holds %q, want %q", sec.Revision, sec.Body, sv.body)
		case sec.Revision < sv.revision || sec.Revision > sv.revision+1:
			t.Errorf("section revision %d after restart, last acknowledged %d (one more may have been in flight)", sec.Revision, sv.revision)
		}
		// An unacknowledged save may have landed; then the acknowledged
		// text must be in the history at its version.
		if sec.Revision == sv.revision+1 {
			t.Logf("rca %s: the save in flight at the kill was stored too", sv.rcaID)
			code, body, err := api(client, "GET", fmt.Sprintf("%s/api/v1/rcas/%s/revisions/%d", s2.url, sv.rcaID, sv.version), token, "")
			if err == nil && code == http.StatusNotFound {
				// One author's saves of one section within 10 minutes fold
				// into one revision: the acknowledged save may have been
				// folded into the later one, which then holds both.
				if !foldedIntoLaterSave(t, client, s2.url, token, sv.rcaID, sv.version) {
					t.Errorf("revision %d of %s is neither listed nor folded into a later save of the summary", sv.version, sv.rcaID)
				}
				continue
			}
			if err != nil || code != http.StatusOK {
				t.Errorf("revision %d of %s: %d %v", sv.version, sv.rcaID, code, err)
				continue
			}
			var rev struct {
				Snapshot trustRCA `json:"snapshot"`
			}
			if err := json.Unmarshal(body, &rev); err != nil {
				t.Fatal(err)
			}
			if got := rev.Snapshot.section("summary"); got.Body != sv.body || got.Revision != sv.revision {
				t.Errorf("revision %d holds summary %d %q, want the acknowledged %d %q", sv.version, got.Revision, got.Body, sv.revision, sv.body)
			}
		}
	}
	for _, p := range published {
		code, body, err := api(client, "GET", s2.url+"/api/v1/rcas/"+p.rcaID, token, "")
		if err != nil || code != http.StatusOK {
			t.Errorf("published rca %s after restart: %d %v", p.rcaID, code, err)
			continue
		}
		r := decode[trustRCA](t, body)
		if r.State != "published" || r.PublishedAt == nil || r.Version != p.version {
			t.Errorf("rca %s after restart: state %q, published_at %v, version %d; acknowledged published at version %d",
				p.rcaID, r.State, r.PublishedAt, r.Version, p.version)
		}
		code, body, err = api(client, "GET", s2.url+"/api/v1/rcas/"+p.rcaID+"/deliveries", token, "")
		if err != nil || code != http.StatusOK {
			t.Errorf("deliveries of %s: %d %v", p.rcaID, code, err)
			continue
		}
		ds := decode[struct {
			Items []trustDelivery `json:"items"`
		}](t, body).Items
		if len(ds) != 1 || ds[0].TargetID != targetID || ds[0].RCAVersion != p.version || ds[0].State != "pending" {
			t.Errorf("rca %s (published at version %d): deliveries after restart %+v, want one pending to the target", p.rcaID, p.version, ds)
		}
	}
}

// foldedIntoLaterSave reports whether the RCA's history lists, at the first
// listed version after v, a save of the summary that holds several saves.
func foldedIntoLaterSave(t *testing.T, client *http.Client, base, token, rcaID string, v int64) bool {
	t.Helper()
	code, body, err := api(client, "GET", base+"/api/v1/rcas/"+rcaID+"/revisions", token, "")
	if err != nil || code != http.StatusOK {
		t.Fatalf("revisions of %s: %d %v", rcaID, code, err)
	}
	var list struct {
		Items []struct {
			Version int64  `json:"version"`
			Note    string `json:"note"`
			Saves   int    `json:"saves"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	next := list.Items[0]
	found := false
	for _, it := range list.Items {
		if it.Version > v && it.Version <= next.Version {
			next, found = it, true
		}
	}
	return found && next.Note == "section summary" && next.Saves >= 2
}
