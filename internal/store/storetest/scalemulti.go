package storetest

// Contract tests of the scalemulti area: coalesced, packed revision
// history; PublishRCA's atomic outbox; delivery leases; the change counter.

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Clocked is a store whose clock a test can set. Both backends are.
type Clocked interface {
	SetClock(now func() time.Time)
}

// testClock is a settable clock for the store under test.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

func clocked(t *testing.T, s store.Store) *testClock {
	t.Helper()
	cs, ok := s.(Clocked)
	if !ok {
		t.Fatalf("%T has no SetClock: the history tests need one", s)
	}
	c := &testClock{now: base}
	cs.SetClock(c.Now)
	return c
}

// jsonOf is what "restores exactly" compares: the RCA's JSON, after the
// same canonicalisation the other contract tests use.
func jsonOf(t testing.TB, r domain.RCA) string {
	t.Helper()
	v := canon(reflect.ValueOf(r)).Interface()
	b, err := json.Marshal(v)
	must(t, err, "marshal rca")
	return string(b)
}

// wantHistory checks that the listed revisions are exactly want (versions
// and authors, newest first) and that each restores to the RCA written at
// that version, and that every version in gone is not listed.
func wantHistory(t *testing.T, s store.Store, rcaID string, written map[int64]domain.RCA, want []store.RevisionInfo, gone ...int64) {
	t.Helper()
	ctx := ctxOf(t)
	infos, err := s.ListRevisions(ctx, rcaID)
	must(t, err, "ListRevisions")
	var got []string
	for _, in := range infos {
		got = append(got, fmt.Sprintf("v%d by %s (%s, %d saves, first %s)", in.Version, in.Author, in.Note, in.Saves, in.FirstAt.Format("15:04:05")))
	}
	var exp []string
	for _, in := range want {
		exp = append(exp, fmt.Sprintf("v%d by %s (%s, %d saves, first %s)", in.Version, in.Author, in.Note, in.Saves, in.FirstAt.Format("15:04:05")))
	}
	if strings.Join(got, "\n") != strings.Join(exp, "\n") {
		t.Fatalf("ListRevisions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(exp, "\n"))
	}
	for _, in := range infos {
		rev, err := s.GetRevision(ctx, rcaID, in.Version)
		must(t, err, fmt.Sprintf("GetRevision %d", in.Version))
		if rev.Author != in.Author || rev.Saves != in.Saves {
			t.Fatalf("GetRevision %d: author %q saves %d, listed %q %d", in.Version, rev.Author, rev.Saves, in.Author, in.Saves)
		}
		w, ok := written[in.Version]
		if !ok {
			t.Fatalf("revision %d listed but never written", in.Version)
		}
		if g, e := jsonOf(t, rev.Snapshot), jsonOf(t, w); g != e {
			wantEqual(t, fmt.Sprintf("revision %d restored", in.Version), rev.Snapshot, w)
			t.Fatalf("revision %d restores differently:\n%s\nwant\n%s", in.Version, g, e)
		}
	}
	for _, v := range gone {
		_, err := s.GetRevision(ctx, rcaID, v)
		wantErr(t, err, store.ErrNotFound, fmt.Sprintf("GetRevision of folded version %d", v))
	}
}

func testHistory(t *testing.T, open Opener) {
	t.Run("Coalescing", func(t *testing.T) {
		s := open(t)
		ctx := ctxOf(t)
		clock := clocked(t, s)
		r := newRCA(t, "Coalescing autosaves")
		must(t, s.CreateRCA(ctx, &r, "u-creator"), "CreateRCA")
		written := map[int64]domain.RCA{1: r}
		save := func(min time.Duration, key, author, body string) domain.RCA {
			t.Helper()
			clock.Set(base.Add(min * time.Minute))
			cur, err := s.GetRCA(ctx, r.ID)
			must(t, err, "GetRCA")
			got, err := s.SaveSection(ctx, r.ID, key, domain.SectionEdit{Body: body, BaseRevision: cur.Section(key).Revision}, author)
			must(t, err, "SaveSection "+key+" by "+author)
			written[got.Version] = got
			return got
		}
		save(1, "summary", "u-alice", "first words")
		save(2, "summary", "u-alice", "first words, more")
		save(3, "summary", "u-alice", "first words, more, and more") // v4 holds v2..v4
		save(4, "summary", "u-bob", "bob rewrites it")               // v5: another author
		save(5, "impact", "u-alice", "impact text")                  // v6: another section
		save(14, "impact", "u-alice", "impact text, later")          // v7 folds into v6: 9 minutes after its first save
		save(16, "impact", "u-alice", "impact text, much later")     // v8: 11 minutes after the run began
		clock.Set(base.Add(17 * time.Minute))
		cur, err := s.GetRCA(ctx, r.ID)
		must(t, err, "GetRCA")
		cur.Title = "Coalescing autosaves, reviewed"
		must(t, s.UpdateRCA(ctx, &cur, "u-alice", "state in_review"), "UpdateRCA")
		written[cur.Version] = cur
		save(18, "impact", "u-alice", "after the state change") // v10: a state change ends the run

		m := func(n time.Duration) time.Time { return base.Add(n * time.Minute) }
		wantHistory(t, s, r.ID, written, []store.RevisionInfo{
			{Version: 10, Author: "u-alice", Note: "section impact", Saves: 1, FirstAt: m(18)},
			{Version: 9, Author: "u-alice", Note: "state in_review", Saves: 1, FirstAt: m(17)},
			{Version: 8, Author: "u-alice", Note: "section impact", Saves: 1, FirstAt: m(16)},
			{Version: 7, Author: "u-alice", Note: "section impact", Saves: 2, FirstAt: m(5)},
			{Version: 5, Author: "u-bob", Note: "section summary", Saves: 1, FirstAt: m(4)},
			{Version: 4, Author: "u-alice", Note: "section summary", Saves: 3, FirstAt: m(1)},
			{Version: 1, Author: "u-creator", Note: "created", Saves: 1, FirstAt: r.UpdatedAt},
		}, 2, 3, 6)
	})

	t.Run("LongChainsRestoreExactly", func(t *testing.T) {
		s := open(t)
		ctx := ctxOf(t)
		clock := clocked(t, s)
		r := newRCA(t, "Long history")
		must(t, s.CreateRCA(ctx, &r, "u-creator"), "CreateRCA")
		written := map[int64]domain.RCA{1: r}
		want := []store.RevisionInfo{{Version: 1, Author: "u-creator", Note: "created", Saves: 1, FirstAt: r.UpdatedAt}}
		keys := []string{"summary", "impact", "root_cause"}
		for i := range 40 {
			clock.Set(base.Add(time.Duration(i+1) * time.Minute))
			key, author := keys[i%len(keys)], fmt.Sprintf("u-%d", i%2)
			cur, err := s.GetRCA(ctx, r.ID)
			must(t, err, "GetRCA")
			body := strings.Repeat(fmt.Sprintf("Save %d of %s: the replica lagged behind the primary. ", i, key), 20+i)
			got, err := s.SaveSection(ctx, r.ID, key, domain.SectionEdit{Body: body, BaseRevision: cur.Section(key).Revision,
				Translations: map[string]domain.SectionTranslation{"de": {Body: "Übersetzung " + fmt.Sprint(i)}}}, author)
			must(t, err, "SaveSection")
			written[got.Version] = got
			want = append([]store.RevisionInfo{{Version: got.Version, Author: author, Note: "section " + key, Saves: 1, FirstAt: clock.Now()}}, want...)
		}
		wantHistory(t, s, r.ID, written, want)

		// Restoring an old revision is an update with its snapshot.
		old, err := s.GetRevision(ctx, r.ID, 7)
		must(t, err, "GetRevision 7")
		cur, _ := s.GetRCA(ctx, r.ID)
		restored := old.Snapshot
		restored.Version = cur.Version
		must(t, s.UpdateRCA(ctx, &restored, "u-restorer", "restored 7"), "restore")
		for i := range restored.Sections {
			if restored.Sections[i].Body != old.Snapshot.Sections[i].Body {
				t.Fatalf("restored section %s differs", restored.Sections[i].Key)
			}
		}
	})

	t.Run("DeliveredVersionsStay", func(t *testing.T) {
		s := open(t)
		ctx := ctxOf(t)
		clocked(t, s)
		r := newRCA(t, "Pinned")
		must(t, s.CreateRCA(ctx, &r, "u-creator"), "CreateRCA")
		v2, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "one", BaseRevision: 1}, "u-alice")
		must(t, err, "SaveSection")
		d := domain.Delivery{TargetID: "tg", RCAID: r.ID, RCAVersion: v2.Version, Event: "rca.updated", State: domain.DeliveryPending, NextAttemptAt: base}
		must(t, s.CreateDelivery(ctx, &d), "CreateDelivery")
		_, err = s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "two", BaseRevision: v2.Section("summary").Revision}, "u-alice")
		must(t, err, "SaveSection")
		if _, err := s.GetRevision(ctx, r.ID, v2.Version); err != nil {
			t.Fatalf("the version a delivery sends was folded away: %v", err)
		}
	})
}

func testPublishRCA(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	r := createRCA(t, s, "Publish atomically")
	old := domain.Delivery{TargetID: "tg-a", RCAID: r.ID, RCAVersion: 1, Event: "rca.published", State: domain.DeliveryPending, NextAttemptAt: base, CreatedAt: base}
	must(t, s.CreateDelivery(ctx, &old), "CreateDelivery")
	other := domain.Delivery{TargetID: "tg-b", RCAID: r.ID, RCAVersion: 1, Event: "rca.published", State: domain.DeliveryPending, NextAttemptAt: base, CreatedAt: base}
	must(t, s.CreateDelivery(ctx, &other), "CreateDelivery")

	pub := r
	pub.State = domain.StatePublished
	ds, err := s.PublishRCA(ctx, &pub, "u-pub", "state published", []domain.Delivery{
		{TargetID: "tg-a", Event: "rca.updated"}, {TargetID: "tg-c", Event: "rca.published"},
	})
	must(t, err, "PublishRCA")
	if pub.Version != r.Version+1 || pub.State != domain.StatePublished {
		t.Fatalf("PublishRCA stored version %d state %s", pub.Version, pub.State)
	}
	if len(ds) != 2 || ds[0].ID == "" || ds[0].RCAVersion != pub.Version || ds[0].State != domain.DeliveryPending || ds[0].RCAID != r.ID {
		t.Fatalf("PublishRCA deliveries %+v", ds)
	}
	list, err := s.ListDeliveries(ctx, r.ID)
	must(t, err, "ListDeliveries")
	states := map[string]string{}
	for _, d := range list {
		states[d.ID] = string(d.State) + " " + d.LastError
	}
	if len(list) != 4 {
		t.Fatalf("%d deliveries stored, want 4: %v", len(list), states)
	}
	if states[old.ID] != "failed superseded by delivery "+ds[0].ID {
		t.Errorf("the older pending delivery to the same target: %q", states[old.ID])
	}
	if states[other.ID] != "pending " || states[ds[0].ID] != "pending " || states[ds[1].ID] != "pending " {
		t.Errorf("deliveries after publish: %v", states)
	}
	infos, err := s.ListRevisions(ctx, r.ID)
	must(t, err, "ListRevisions")
	if infos[0].Version != pub.Version || infos[0].Author != "u-pub" || infos[0].Note != "state published" {
		t.Errorf("publish revision %+v", infos[0])
	}

	// A stale version writes nothing: no state change, no delivery.
	stale := r
	stale.State = domain.StateArchived
	_, err = s.PublishRCA(ctx, &stale, "u-pub", "state archived", []domain.Delivery{{TargetID: "tg-z", Event: "rca.unpublished"}})
	wantErr(t, err, store.ErrConflict, "PublishRCA at a stale version")
	after, _ := s.ListDeliveries(ctx, r.ID)
	if len(after) != 4 {
		t.Fatalf("a refused publish left %d deliveries, want 4", len(after))
	}
	// A delivery that cannot be written (its id is taken) stops the publish.
	cur, _ := s.GetRCA(ctx, r.ID)
	next := cur
	next.State = domain.StateArchived
	_, err = s.PublishRCA(ctx, &next, "u-pub", "state archived", []domain.Delivery{{ID: ds[1].ID, TargetID: "tg-c", Event: "rca.unpublished"}})
	wantErr(t, err, store.ErrDuplicate, "PublishRCA with a delivery that cannot be written")
	now, _ := s.GetRCA(ctx, r.ID)
	if now.Version != cur.Version || now.State != domain.StatePublished {
		t.Fatalf("the RCA changed although its deliveries were refused: version %d state %s", now.Version, now.State)
	}
}

func testLeases(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	now := base.Add(time.Hour)
	d := domain.Delivery{TargetID: "tg", RCAID: "r-1", RCAVersion: 1, Event: "rca.published", State: domain.DeliveryPending, NextAttemptAt: now.Add(-time.Minute)}
	must(t, s.CreateDelivery(ctx, &d), "CreateDelivery")
	_, _, err := s.LeaseDelivery(ctx, "nope", "a", now, time.Minute)
	wantErr(t, err, store.ErrNotFound, "LeaseDelivery unknown")

	// Many workers at once: exactly one gets it.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var won []store.Lease
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, l, err := s.LeaseDelivery(ctx, d.ID, fmt.Sprintf("w%d", i), now, time.Minute)
			if err == nil {
				mu.Lock()
				won = append(won, l)
				mu.Unlock()
			} else if !errors.Is(err, store.ErrLeased) {
				t.Errorf("LeaseDelivery: %v", err)
			}
		}()
	}
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d workers hold the lease, want 1", len(won))
	}
	a := won[0]

	// The holder stores a retry; nobody can lease it before it is due.
	got, _ := s.GetDelivery(ctx, d.ID)
	got.Attempts, got.LastError, got.NextAttemptAt = 1, "HTTP 503", now.Add(10*time.Minute)
	must(t, s.FinishDelivery(ctx, &got, a), "FinishDelivery")
	_, _, err = s.LeaseDelivery(ctx, d.ID, "b", now.Add(time.Minute), time.Minute)
	wantErr(t, err, store.ErrLeased, "LeaseDelivery before the retry is due")
	wantErr(t, s.FinishDelivery(ctx, &got, a), store.ErrLeased, "FinishDelivery with a released lease")

	// A crashed holder: its lease expires and another worker takes over;
	// the crashed one can no longer store anything.
	t1 := now.Add(11 * time.Minute)
	_, crashed, err := s.LeaseDelivery(ctx, d.ID, "crashing", t1, time.Minute)
	must(t, err, "LeaseDelivery (the worker that crashes)")
	_, _, err = s.LeaseDelivery(ctx, d.ID, "b", t1.Add(30*time.Second), time.Minute)
	wantErr(t, err, store.ErrLeased, "LeaseDelivery while the lease holds")
	dd, b, err := s.LeaseDelivery(ctx, d.ID, "b", t1.Add(2*time.Minute), time.Minute)
	must(t, err, "LeaseDelivery after the lease expired")
	if dd.Attempts != 1 {
		t.Fatalf("leased delivery has %d attempts, want the stored 1", dd.Attempts)
	}
	late := dd
	late.State = domain.DeliveryFailed
	wantErr(t, s.FinishDelivery(ctx, &late, crashed), store.ErrLeased, "FinishDelivery by the worker whose lease was taken over")
	dd.State, dd.Attempts = domain.DeliverySucceeded, 2
	must(t, s.FinishDelivery(ctx, &dd, b), "FinishDelivery by the new holder")
	final, _ := s.GetDelivery(ctx, d.ID)
	if final.State != domain.DeliverySucceeded || final.Attempts != 2 {
		t.Fatalf("stored delivery %s after %d attempts", final.State, final.Attempts)
	}
	_, _, err = s.LeaseDelivery(ctx, d.ID, "c", t1.Add(time.Hour), time.Minute)
	wantErr(t, err, store.ErrLeased, "LeaseDelivery of a finished delivery")
}

func testChanges(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	last, err := s.Changes(ctx)
	must(t, err, "Changes")
	moved := func(what string) {
		t.Helper()
		n, err := s.Changes(ctx)
		must(t, err, "Changes")
		if n == last {
			t.Fatalf("the change counter did not move after %s", what)
		}
		last = n
	}
	c := domain.Component{Name: "API", Status: domain.ComponentOperational}
	must(t, s.CreateComponent(ctx, &c), "CreateComponent")
	moved("CreateComponent")
	in := createIncident(t, s, "Outage", base)
	moved("CreateIncident")
	in.Title = "Outage, renamed"
	must(t, s.UpdateIncident(ctx, &in), "UpdateIncident")
	moved("UpdateIncident")
	// A draft (its creation, its autosaves) need not move it: the status
	// page does not show drafts. Publishing and unpublishing must.
	r := createRCA(t, s, "Changes")
	last, err = s.Changes(ctx)
	must(t, err, "Changes")
	_, err = s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "typing", BaseRevision: 1}, "u")
	must(t, err, "SaveSection")
	if n, _ := s.Changes(ctx); n != last {
		t.Fatal("a draft's autosave moved the change counter: every instance would drop its page cache while people type")
	}
	cur, _ := s.GetRCA(ctx, r.ID)
	cur.State = domain.StatePublished
	_, err = s.PublishRCA(ctx, &cur, "u", "state published", nil)
	must(t, err, "PublishRCA")
	moved("PublishRCA")
	back, _ := s.GetRCA(ctx, r.ID)
	back.State = domain.StateDraft
	must(t, s.UpdateRCA(ctx, &back, "u", "state draft"), "UpdateRCA")
	moved("UpdateRCA out of published")
	back.State = domain.StatePublished
	_, err = s.PublishRCA(ctx, &back, "u", "state published", nil)
	must(t, err, "PublishRCA again")
	moved("PublishRCA again")
	must(t, s.PutSetting(ctx, "status.name", []byte(`"Status"`)), "PutSetting")
	moved("PutSetting")
	must(t, s.DeleteRCA(ctx, r.ID), "DeleteRCA")
	moved("DeleteRCA of a published RCA")
	must(t, s.DeleteComponent(ctx, c.ID), "DeleteComponent")
	moved("DeleteComponent")
}
