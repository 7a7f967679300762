package remind

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

type recorder struct {
	mu   sync.Mutex
	sent []mail.Message
	fail bool
}

func (r *recorder) Send(_ context.Context, m mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("smtp: 451 try later")
	}
	r.sent = append(r.sent, m)
	return nil
}

// fixture stores two owners with overdue items (one German), an owner
// whose items are not overdue, a free-text owner and a disabled user.
func fixture(t *testing.T) (store.Store, *i18n.Catalog) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []domain.User{
		{ID: "u-ana", Email: "ana@example.com", Name: "Ana", Role: domain.RoleAuthor},
		{ID: "u-jonas", Email: "jonas@example.com", Name: "Jonas", Role: domain.RoleAuthor, Language: "de"},
		{ID: "u-li", Email: "li@example.com", Name: "Li", Role: domain.RoleAuthor},
		{ID: "u-gone", Email: "gone@example.com", Name: "Gone", Role: domain.RoleAuthor, Disabled: true},
		{ID: "u-vera", Email: "vera@example.com", Name: "Vera", Role: domain.RoleViewer},
	} {
		if err := st.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	past := domain.Date{Year: 2026, Month: 3, Day: 1}
	future := domain.Date{Year: 2026, Month: 9, Day: 1}
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA("Payments outage", tpl, "en", nil, "u-ana", time.Now())
	r.ActionItems = []domain.ActionItem{
		{Title: "Renew certificates", OwnerID: "u-ana", Owner: "Ana", Due: &past, State: domain.ActionOpen},
		{Title: "Alert before expiry", OwnerID: "u-ana", Owner: "Ana", Due: &past, State: domain.ActionInProgress},
		{Title: "Runbook", OwnerID: "u-ana", Owner: "Ana", Due: &past, State: domain.ActionDone},
		{Title: "Zertifikate prüfen", OwnerID: "u-jonas", Owner: "Jonas", Due: &past, State: domain.ActionOpen},
		{Title: "Later", OwnerID: "u-li", Owner: "Li", Due: &future, State: domain.ActionOpen},
		{Title: "Vendor fix", Owner: "Bob at Vendor", Due: &past, State: domain.ActionOpen},
		{Title: "Orphan", OwnerID: "u-gone", Owner: "Gone", Due: &past, State: domain.ActionOpen},
		{Title: "Internal secret step", OwnerID: "u-vera", Owner: "Vera", Due: &past, State: domain.ActionOpen, Visibility: domain.Internal},
	}
	if err := st.CreateRCA(ctx, &r, "u-ana"); err != nil {
		t.Fatal(err)
	}
	return st, cat
}

var day1 = time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC)

// TestDigestOncePerOwnerPerDay: two workers racing send exactly one digest
// to each owner with overdue items, in the owner's language; a later run
// the same day sends nothing; the next day sends again.
func TestDigestOncePerOwnerPerDay(t *testing.T) {
	st, cat := fixture(t)
	rec := &recorder{}
	now := day1
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	mk := func() *Digest {
		d, err := New(Config{Store: st, Catalog: cat, Sender: rec, BaseURL: "https://hindsight.example.com/", Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a, b := mk(), mk()
	var wg sync.WaitGroup
	results := make([]Result, 2)
	for i, d := range []*Digest{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := d.RunOnce(context.Background())
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		}()
	}
	wg.Wait()
	if len(rec.sent) != 2 || results[0].Sent+results[1].Sent != 2 || results[0].Skipped+results[1].Skipped != 2 {
		t.Fatalf("sent %d (%v, %v), want one digest each to ana and jonas", len(rec.sent), results[0], results[1])
	}
	by := map[string]mail.Message{}
	for _, m := range rec.sent {
		by[m.To] = m
	}
	ana, jonas := by["ana@example.com"], by["jonas@example.com"]
	if ana.Subject != "Hindsight: 2 overdue action items" || !strings.Contains(ana.Text, "Renew certificates") ||
		!strings.Contains(ana.Text, "Alert before expiry") || strings.Contains(ana.Text, "Runbook") ||
		!strings.Contains(ana.Text, "https://hindsight.example.com/action-items?owner=me&overdue=true") {
		t.Errorf("ana's digest:\n%s\n%s", ana.Subject, ana.Text)
	}
	if jonas.Subject != "Hindsight: 1 überfällige Maßnahme" || !strings.Contains(jonas.Text, "Hallo Jonas") || !strings.Contains(jonas.Text, "1. März 2026") {
		t.Errorf("jonas's digest:\n%s\n%s", jonas.Subject, jonas.Text)
	}
	if res, _ := a.RunOnce(context.Background()); res.Sent != 0 || len(rec.sent) != 2 {
		t.Errorf("second run the same day sent %d", res.Sent)
	}
	mu.Lock()
	now = day1.Add(24 * time.Hour)
	mu.Unlock()
	if res, _ := b.RunOnce(context.Background()); res.Sent != 2 || len(rec.sent) != 4 {
		t.Errorf("next day sent %d, want 2", res.Sent)
	}
}

// TestDigestRetriesAfterFailure: a failed send gives its claim back, so a
// later run the same day sends it.
func TestDigestRetriesAfterFailure(t *testing.T) {
	st, cat := fixture(t)
	rec := &recorder{fail: true}
	d, err := New(Config{Store: st, Catalog: cat, Sender: rec, Now: func() time.Time { return day1 }})
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.RunOnce(context.Background())
	if err != nil || res.Failed != 2 || res.Sent != 0 {
		t.Fatalf("failing run: %v %v", res, err)
	}
	rec.fail = false
	if res, _ := d.RunOnce(context.Background()); res.Sent != 2 {
		t.Errorf("retry sent %d, want 2", res.Sent)
	}
}
