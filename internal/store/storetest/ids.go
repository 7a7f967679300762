package storetest

import (
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// testTakenIDs creates each kind of record twice with the same given id: the
// second create is ErrDuplicate and leaves the first as it was.
func testTakenIDs(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	cases := []struct {
		name   string
		create func(i int) error
		check  func() string // what the stored record says, to see it unchanged
	}{
		{"rca", func(i int) error {
			r := newRCA(t, []string{"First RCA", "Second RCA"}[i])
			r.ID = "same-rca"
			return s.CreateRCA(ctx, &r, "u")
		}, func() string {
			r, err := s.GetRCA(ctx, "same-rca")
			must(t, err, "GetRCA")
			revs, _ := s.ListRevisions(ctx, "same-rca")
			if len(revs) != 1 {
				t.Fatalf("a duplicate CreateRCA added a revision: %d", len(revs))
			}
			if _, err := s.GetRCABySlug(ctx, "second-rca"); err == nil {
				t.Fatal("a duplicate CreateRCA left its slug behind")
			}
			return r.Title
		}},
		{"incident", func(i int) error {
			in := newIncident([]string{"First incident", "Second incident"}[i], at(0))
			in.ID = "same-incident"
			return s.CreateIncident(ctx, &in)
		}, func() string {
			in, err := s.GetIncident(ctx, "same-incident")
			must(t, err, "GetIncident")
			return in.Title
		}},
		{"user", func(i int) error {
			u := domain.User{ID: "same-user", Email: []string{"first@example.com", "second@example.com"}[i], Role: domain.RoleViewer}
			return s.CreateUser(ctx, &u)
		}, func() string { u, err := s.GetUser(ctx, "same-user"); must(t, err, "GetUser"); return u.Email }},
		{"token", func(i int) error {
			tok := domain.APIToken{ID: "same-token", UserID: "u", Name: []string{"first", "second"}[i], Hash: []string{"h1", "h2"}[i], Scope: domain.ScopeRead}
			return s.CreateToken(ctx, &tok)
		}, func() string {
			if _, err := s.GetTokenByHash(ctx, "h2"); err == nil {
				t.Fatal("a duplicate CreateToken stored its hash")
			}
			tok, err := s.GetTokenByHash(ctx, "h1")
			must(t, err, "GetTokenByHash")
			return tok.Name
		}},
		{"target", func(i int) error {
			tg := domain.Target{ID: "same-target", Name: []string{"first", "second"}[i], Kind: domain.TargetWebhook}
			return s.CreateTarget(ctx, &tg)
		}, func() string { tg, err := s.GetTarget(ctx, "same-target"); must(t, err, "GetTarget"); return tg.Name }},
		{"delivery", func(i int) error {
			d := domain.Delivery{ID: "same-delivery", TargetID: "t", RCAID: "r", Event: []string{"rca.published", "rca.updated"}[i], State: domain.DeliveryPending}
			return s.CreateDelivery(ctx, &d)
		}, func() string {
			d, err := s.GetDelivery(ctx, "same-delivery")
			must(t, err, "GetDelivery")
			return d.Event
		}},
		{"comment", func(i int) error {
			if i == 0 {
				r := newRCA(t, "Commented")
				r.ID = "rca-for-comments"
				must(t, s.CreateRCA(ctx, &r, "u"), "CreateRCA")
			}
			c := domain.Comment{ID: "same-comment", RCAID: "rca-for-comments", AuthorID: "u", Body: []string{"first", "second"}[i]}
			return s.AddComment(ctx, &c)
		}, func() string {
			cs, err := s.ListComments(ctx, "rca-for-comments")
			must(t, err, "ListComments")
			if len(cs) != 1 {
				t.Fatalf("%d comments", len(cs))
			}
			return cs[0].Body
		}},
		{"audit event", func(i int) error {
			e := domain.AuditEvent{ID: "same-event", Actor: "u", Action: []string{"first", "second"}[i], Target: "x"}
			return s.AppendAudit(ctx, &e)
		}, func() string {
			evs, total, err := s.ListAudit(ctx, store.AuditFilter{Target: "x"})
			must(t, err, "ListAudit")
			if total != 1 {
				t.Fatalf("%d events", total)
			}
			return evs[0].Action
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			must(t, c.create(0), "first create")
			want := c.check()
			wantErr(t, c.create(1), store.ErrDuplicate, "second create with the same id")
			if got := c.check(); got != want {
				t.Fatalf("a duplicate create changed the stored record: %q, want %q", got, want)
			}
		})
	}
}
