package web

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/faulttest"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// sectionAck is one section save the server answered 200.
type sectionAck struct {
	rca, key, text string
	version        int64  // the RCA version the save produced
	revision       int64  // the section revision it produced
	state          string // for a state change (key empty): the state it moved to
}

// TestTrustConcurrentSectionSaves has 16 authors, each with their own token,
// save sections of the same three RCAs in parallel over real HTTP. Every
// save is applied (200) or refused as stale (409), and none is lost: each
// section ends with the last acknowledged text, each RCA's version is one
// more than its acknowledged saves, and its history holds exactly one
// revision per version, each with the text its save was acknowledged with.
func TestTrustConcurrentSectionSaves(t *testing.T) {
	backends := []struct {
		name      string
		open      func(testing.TB) store.Store
		perAuthor int
	}{
		{"sqlite", openTestStore, 30},
		{"ferretdb", openFerretStore, 10},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			if b.name == "ferretdb" && testing.Short() {
				t.Skip("SKIPPED: starts an in-process FerretDB; not in -short mode")
			}
			testConcurrentSectionSaves(t, b.open(t), 16, 0, b.perAuthor)
		})
	}
}

// TestTrustConcurrentSavesAndStateChanges mixes two reviewers moving the
// same RCAs between draft and review (with the version they read) into the
// section saves: state changes are acknowledged writes too, and the same
// accounting holds, with each RCA ending in its last acknowledged state.
func TestTrustConcurrentSavesAndStateChanges(t *testing.T) {
	testConcurrentSectionSaves(t, openTestStore(t), 12, 2, 20)
}

// testConcurrentSectionSaves runs authors section savers and changers state
// changers, perAuthor requests each, and checks the accounting.
func testConcurrentSectionSaves(t *testing.T, st store.Store, authors, changers, perAuthor int) {
	e := newEnvWithStore(t, st)
	tokens := make([]string, authors+changers)
	for i := range tokens {
		u := e.addUser(fmt.Sprintf("author%02d@example.com", i), domain.RoleAuthor)
		tokens[i] = e.addToken(u, domain.ScopeWrite, nil)
	}
	rcas := []domain.RCA{
		e.rca("Queue backlog", "standard"),
		e.rca("Login errors", "standard"),
		e.rca("Slow search", "standard"),
	}
	keys := []string{"summary", "impact", "root_cause"}
	ts := httptest.NewServer(e.srv.Handler())
	defer ts.Close()
	hc := &http.Client{Timeout: 30 * time.Second}

	var (
		mu   sync.Mutex
		acks []sectionAck
	)
	stats := faulttest.NewStats()
	memory := make([]map[string]int64, authors+changers) // one per goroutine
	for i := range memory {
		memory[i] = map[string]int64{}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	faulttest.Run(ctx, authors+changers, perAuthor, func(ctx context.Context, w, call int) {
		if w >= authors {
			changeState(t, ctx, hc, ts.URL, tokens[w], rcas[rand.IntN(len(rcas))], stats, &mu, &acks)
			return
		}
		// Each author remembers the revisions it last saw, like an open
		// editor; a 409 tells it the current one.
		known := memory[w]
		r := rcas[rand.IntN(len(rcas))]
		key := keys[rand.IntN(len(keys))]
		base, ok := known[r.ID+"/"+key]
		if !ok {
			a := trustDo(ctx, hc, "GET", ts.URL+"/api/v1/rcas/"+r.ID, tokens[w], nil)
			if a.err != nil || a.status != http.StatusOK {
				t.Errorf("author %d reads %s: %d %v", w, r.ID, a.status, a.err)
				return
			}
			cur := decodeInto[domain.RCA](t, a)
			base = cur.Section(key).Revision
		}
		text := fmt.Sprintf("Text by author %d, save %d, of %s.", w, call, key)
		a := trustDo(ctx, hc, "PUT", ts.URL+"/api/v1/rcas/"+r.ID+"/sections/"+key, tokens[w],
			map[string]any{"body": text, "base_revision": base})
		stats.Record(a.status, a.took, a.err)
		switch {
		case a.err != nil:
			t.Errorf("author %d save: %v", w, a.err)
		case a.status == http.StatusOK:
			got := decodeInto[domain.RCA](t, a)
			sec := got.Section(key)
			if sec == nil || sec.Body != text || sec.Revision != base+1 {
				t.Errorf("a save on revision %d was applied but answered %s", base, describeSection(sec))
				return
			}
			known[r.ID+"/"+key] = sec.Revision
			mu.Lock()
			acks = append(acks, sectionAck{rca: r.ID, key: key, text: text, version: got.Version, revision: sec.Revision})
			mu.Unlock()
		case a.status == http.StatusConflict:
			var body struct {
				Error struct {
					Code    string         `json:"code"`
					Section domain.Section `json:"current_section"`
				} `json:"error"`
			}
			if err := json.Unmarshal(a.body, &body); err != nil || body.Error.Code != codeConflict {
				t.Errorf("409 body: %v %s", err, a.body)
				return
			}
			if body.Error.Section.Revision <= base {
				t.Errorf("409 on base revision %d names current revision %d", base, body.Error.Section.Revision)
			}
			known[r.ID+"/"+key] = body.Error.Section.Revision
		default:
			t.Errorf("author %d save: status %d, want 200 or 409: %s", w, a.status, a.body)
		}
	})
	if ctx.Err() != nil {
		t.Fatalf("load did not finish within its time: %v", stats)
	}
	states := 0
	for _, a := range acks {
		if a.key == "" {
			states++
		}
	}
	t.Logf("%d authors, %d state changers: %v; %d acknowledged (%d state changes), %d conflicts",
		authors, changers, stats, len(acks), states, stats.Count(http.StatusConflict))
	if changers > 0 && states == 0 {
		t.Error("no state change was acknowledged: the mix was not exercised")
	}
	if t.Failed() {
		return
	}
	if stats.Requests() != (authors+changers)*perAuthor || stats.Count(200)+stats.Count(409) != stats.Requests() {
		t.Fatalf("every save must answer 200 or 409: %v", stats)
	}
	if len(acks) == 0 {
		t.Fatal("no save was acknowledged")
	}

	admin := e.tokens[domain.RoleAdmin]
	for _, r := range rcas {
		verifyAcknowledged(t, ctx, hc, ts.URL, admin, r, acks)
	}
}

// verifyAcknowledged checks, through the API, that every acknowledged save
// of r is stored: final texts, the version count and the revision history.
func verifyAcknowledged(t *testing.T, ctx context.Context, hc *http.Client, base, token string, r domain.RCA, all []sectionAck) {
	t.Helper()
	var acks []sectionAck
	for _, a := range all {
		if a.rca == r.ID {
			acks = append(acks, a)
		}
	}
	sort.Slice(acks, func(i, j int) bool { return acks[i].version < acks[j].version })

	a := trustDo(ctx, hc, "GET", base+"/api/v1/rcas/"+r.ID, token, nil)
	if a.status != http.StatusOK {
		t.Fatalf("read %s: %d %v", r.ID, a.status, a.err)
	}
	final := decodeInto[domain.RCA](t, a)
	if want := int64(1 + len(acks)); final.Version != want {
		t.Errorf("%s: version %d, want 1 + %d acknowledged saves = %d", r.Title, final.Version, len(acks), want)
	}
	// Each acknowledged save produced its own version: 2, 3, ... in order.
	for i, ack := range acks {
		if ack.version != int64(i+2) {
			t.Errorf("%s: acknowledged save %d produced version %d, want %d (two saves claimed one version?)", r.Title, i, ack.version, i+2)
			break
		}
	}
	// The last acknowledged text of each section is what is stored, and
	// the last acknowledged state.
	last := map[string]sectionAck{}
	for _, ack := range acks {
		last[ack.key] = ack
	}
	if ack, ok := last[""]; ok {
		delete(last, "")
		if final.State != domain.RCAState(ack.state) {
			t.Errorf("%s: state %s, want the last acknowledged %s", r.Title, final.State, ack.state)
		}
	}
	for key, ack := range last {
		sec := final.Section(key)
		if sec == nil || sec.Body != ack.text || sec.Revision != ack.revision {
			t.Errorf("%s/%s: stored %s, want the last acknowledged %q at revision %d", r.Title, key, describeSection(sec), ack.text, ack.revision)
		}
	}

	a = trustDo(ctx, hc, "GET", base+"/api/v1/rcas/"+r.ID+"/revisions", token, nil)
	if a.status != http.StatusOK {
		t.Fatalf("revisions of %s: %d %v", r.ID, a.status, a.err)
	}
	revs := decodeInto[struct {
		Items []store.RevisionInfo `json:"items"`
	}](t, a).Items
	// One author's saves of one section within 10 minutes fold into one
	// revision (scalemulti): the history lists versions in order, the
	// newest among them, and every acknowledged save that is not listed
	// was folded into the next listed revision, a save of the same section.
	listed := map[int64]store.RevisionInfo{}
	versions := make([]int64, 0, len(revs))
	for _, rv := range revs {
		versions = append(versions, rv.Version)
		listed[rv.Version] = rv
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	if len(versions) == 0 || versions[len(versions)-1] != final.Version || versions[0] != 1 {
		t.Errorf("%s: revision versions %v do not run from 1 to the current %d", r.Title, versions, final.Version)
	}
	for i := 1; i < len(versions); i++ {
		if versions[i] == versions[i-1] {
			t.Errorf("%s: revision %d listed twice", r.Title, versions[i])
		}
	}
	foldedInto := func(v int64) (store.RevisionInfo, bool) {
		for _, lv := range versions {
			if lv >= v {
				return listed[lv], true
			}
		}
		return store.RevisionInfo{}, false
	}
	// Every acknowledged save is in the history at its version, with its text.
	for _, ack := range acks {
		if _, ok := listed[ack.version]; !ok {
			into, found := foldedInto(ack.version)
			if ack.key == "" || !found || into.Note != "section "+ack.key || into.Saves < 2 {
				t.Errorf("%s: acknowledged version %d (%q) is neither listed nor folded into a later save of its section: %+v", r.Title, ack.version, ack.key, into)
			}
			continue
		}
		a := trustDo(ctx, hc, "GET", fmt.Sprintf("%s/api/v1/rcas/%s/revisions/%d", base, r.ID, ack.version), token, nil)
		if a.status != http.StatusOK {
			t.Errorf("%s: revision %d: %d %v", r.Title, ack.version, a.status, a.err)
			continue
		}
		snap := decodeInto[store.Revision](t, a).Snapshot
		if ack.key == "" {
			if snap.State != domain.RCAState(ack.state) {
				t.Errorf("%s: revision %d is in state %s, want %s", r.Title, ack.version, snap.State, ack.state)
			}
			continue
		}
		if sec := snap.Section(ack.key); sec == nil || sec.Body != ack.text {
			t.Errorf("%s: revision %d holds %s for %s, want %q", r.Title, ack.version, describeSection(sec), ack.key, ack.text)
		}
	}
}

func describeSection(sec *domain.Section) string {
	if sec == nil {
		return "no section"
	}
	return fmt.Sprintf("revision %d with %q", sec.Revision, sec.Body)
}

// changeState moves r between draft and in_review, naming the version it
// read; 200 is recorded as an acknowledged write, 409 (stale) is fine.
func changeState(t *testing.T, ctx context.Context, hc *http.Client, base, token string, r domain.RCA, stats *faulttest.Stats, mu *sync.Mutex, acks *[]sectionAck) {
	a := trustDo(ctx, hc, "GET", base+"/api/v1/rcas/"+r.ID, token, nil)
	if a.err != nil || a.status != http.StatusOK {
		t.Errorf("read %s: %d %v", r.ID, a.status, a.err)
		return
	}
	cur := decodeInto[domain.RCA](t, a)
	to, comment := domain.StateInReview, ""
	if cur.State == domain.StateInReview {
		to, comment = domain.StateDraft, "More detail needed."
	}
	a = trustDo(ctx, hc, "POST", base+"/api/v1/rcas/"+r.ID+"/state", token,
		map[string]any{"to": to, "comment": comment, "version": cur.Version, "override_reason": "test: an unfinished draft"})
	stats.Record(a.status, a.took, a.err)
	switch {
	case a.err != nil:
		t.Errorf("state change: %v", a.err)
	case a.status == http.StatusOK:
		got := decodeInto[domain.RCA](t, a)
		if got.State != to || got.Version != cur.Version+1 {
			t.Errorf("state change from version %d answered %s at version %d", cur.Version, got.State, got.Version)
			return
		}
		mu.Lock()
		*acks = append(*acks, sectionAck{rca: r.ID, state: string(to), version: got.Version})
		mu.Unlock()
	case a.status == http.StatusConflict:
		if code := decodeInto[apiErr](t, a).Error.Code; code != codeConflict {
			t.Errorf("state change 409 with code %q: %s", code, a.body)
		}
	default:
		t.Errorf("state change: status %d: %s", a.status, a.body)
	}
}
