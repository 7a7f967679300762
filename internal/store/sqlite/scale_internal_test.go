package sqlite

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// TestSignInChecksDoNotWaitForReaders holds every connection of the reader
// pool (as a burst of searches would) and checks that session, token and
// user lookups still answer: they have their own pool.
func TestSignInChecksDoNotWaitForReaders(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	u := domain.User{Email: "pool@example.com", Name: "Pool", Role: domain.RoleAuthor, PasswordHash: "h"}
	if err := s.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	ss := domain.Session{ID: "sess-hash", UserID: u.ID, CSRFToken: "c", ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.CreateSession(ctx, &ss); err != nil {
		t.Fatal(err)
	}
	var held []*sql.Tx
	for range s.r.Stats().MaxOpenConnections {
		tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, tx)
	}
	t.Cleanup(func() {
		for _, tx := range held {
			_ = tx.Rollback()
		}
	})
	// The reader pool is now exhausted: a list would wait.
	busy, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, _, err := s.ListRCAs(busy, store.RCAFilter{})
	cancel()
	if err == nil {
		t.Fatal("a list on the exhausted reader pool answered: the test does not hold the pool")
	}
	// Sign-in checks do not wait (the deadline only guards against a hang).
	quick, cancel2 := context.WithTimeout(ctx, 10*time.Second)
	defer cancel2()
	if _, err := s.GetSession(quick, "sess-hash"); err != nil {
		t.Fatalf("GetSession behind busy readers: %v", err)
	}
	if _, err := s.GetUser(quick, u.ID); err != nil {
		t.Fatalf("GetUser behind busy readers: %v", err)
	}
	if _, err := s.GetUserByEmail(quick, u.Email); err != nil {
		t.Fatalf("GetUserByEmail behind busy readers: %v", err)
	}
}

// TestSearchBounds: a search stops counting at the cap (the total is then
// a lower bound) and ranks only the newest matches; cursor pages still list
// every match of the window once.
func TestSearchBounds(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	savedCap, savedWindow := searchCountCap, relevanceWindow
	t.Cleanup(func() { searchCountCap, relevanceWindow = savedCap, savedWindow })
	searchCountCap, relevanceWindow = 3, 4
	tpl, _ := domain.BuiltinTemplate("standard")
	for i := range 6 {
		r := domain.NewRCA("Bounded search", tpl, "en", nil, "u", time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC))
		if err := s.CreateRCA(ctx, &r, "u"); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.ListRCASummaries(ctx, store.RCAFilter{Query: "bounded", Sort: store.SortRelevance, Page: store.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 3 || !p.TotalCapped {
		t.Fatalf("capped total: %d, capped %v", p.Total, p.TotalCapped)
	}
	if len(p.Items) != 4 {
		t.Fatalf("relevance ranks the 4 newest matches, got %d", len(p.Items))
	}
	p, err = s.ListRCASummaries(ctx, store.RCAFilter{Query: "bounded", Page: store.Page{Limit: 10}})
	if err != nil || len(p.Items) != 6 {
		t.Fatalf("recent order lists every match: %d, %v", len(p.Items), err)
	}
	p, err = s.ListRCASummaries(ctx, store.RCAFilter{Tag: "none"})
	if err != nil || p.TotalCapped {
		t.Fatalf("a list that does not search is counted exactly: %+v, %v", p, err)
	}
}
