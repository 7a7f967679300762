package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// testLastAdmin (issue 10): UpdateUser never leaves zero active admins,
// also when admins are demoted or disabled in parallel. Exactly the updates
// that leave one admin standing pass; the others are ErrLastAdmin.
func testLastAdmin(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	mk := func(email string, role domain.Role) domain.User {
		u := domain.User{Email: email, Name: email, Role: role, PasswordChangedAt: at(0)}
		must(t, s.CreateUser(ctx, &u), "CreateUser "+email)
		return u
	}
	author := mk("author@example.com", domain.RoleAuthor)
	solo := mk("solo@example.com", domain.RoleAdmin)

	// One admin: demoting or disabling it is refused, other edits pass.
	for name, change := range map[string]func(*domain.User){
		"demote":  func(u *domain.User) { u.Role = domain.RoleReviewer },
		"disable": func(u *domain.User) { u.Disabled = true },
	} {
		u := solo
		change(&u)
		if err := s.UpdateUser(ctx, &u); !errors.Is(err, store.ErrLastAdmin) {
			t.Fatalf("%s the only admin: %v, want ErrLastAdmin", name, err)
		}
	}
	renamed := solo
	renamed.Name = "Solo Admin"
	must(t, s.UpdateUser(ctx, &renamed), "rename the only admin")
	author.Name = "An Author"
	must(t, s.UpdateUser(ctx, &author), "update a non-admin")
	// A disabled admin does not count.
	ghost := mk("ghost@example.com", domain.RoleAdmin)
	ghost.Disabled = true
	must(t, s.UpdateUser(ctx, &ghost), "disable one of two admins")
	if u := renamed; true {
		u.Role = domain.RoleViewer
		if err := s.UpdateUser(ctx, &u); !errors.Is(err, store.ErrLastAdmin) {
			t.Fatalf("demote the last enabled admin: %v", err)
		}
	}

	// Parallel: n admins (solo and n-1 new ones), all demoted or disabled at
	// once, several rounds.
	const n = 4
	for round := range 3 {
		admins := []domain.User{solo}
		for i := 1; i < n; i++ {
			admins = append(admins, mk(fmt.Sprintf("admin%d-%d@example.com", round, i), domain.RoleAdmin))
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, a := range admins {
			wg.Go(func() {
				u, err := s.GetUser(ctx, a.ID)
				if err != nil {
					errs[i] = err
					return
				}
				if i%2 == 0 {
					u.Role = domain.RoleAuthor
				} else {
					u.Disabled = true
				}
				errs[i] = s.UpdateUser(ctx, &u)
			})
		}
		wg.Wait()
		refused := 0
		for i, err := range errs {
			switch {
			case errors.Is(err, store.ErrLastAdmin):
				refused++
			case err != nil:
				t.Fatalf("round %d: update %d: %v", round, i, err)
			}
		}
		users, err := s.ListUsers(ctx)
		must(t, err, "ListUsers")
		var active []domain.User
		for _, u := range users {
			if u.Role == domain.RoleAdmin && !u.Disabled {
				active = append(active, u)
			}
		}
		if len(active) != 1 || refused != 1 {
			t.Fatalf("round %d: %d parallel demotions of %d admins left %d active admins, %d refused; want 1 and 1", round, n, n, len(active), refused)
		}
		solo = active[0]
	}
}

// testIdentities (issue 10, finding 11): a single sign-on identity (issuer,
// subject) is linked to one user, once; user updates keep it.
func testIdentities(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	const iss = "https://id.example.com"
	ann := domain.User{Email: "ann@example.com", Role: domain.RoleAuthor, PasswordChangedAt: at(0)}
	bob := domain.User{Email: "bob@example.com", Role: domain.RoleViewer, PasswordChangedAt: at(0)}
	must(t, s.CreateUser(ctx, &ann), "CreateUser ann")
	must(t, s.CreateUser(ctx, &bob), "CreateUser bob (two unlinked users)")
	_, err := s.GetUserByIdentity(ctx, iss, "sub-ann")
	wantErr(t, err, store.ErrNotFound, "GetUserByIdentity before linking")

	must(t, s.LinkIdentity(ctx, ann.ID, iss, "sub-ann"), "LinkIdentity")
	got, err := s.GetUserByIdentity(ctx, iss, "sub-ann")
	must(t, err, "GetUserByIdentity")
	if got.ID != ann.ID || got.OIDCIssuer != iss || got.OIDCSubject != "sub-ann" {
		t.Fatalf("GetUserByIdentity: %+v", got)
	}
	_, err = s.GetUserByIdentity(ctx, "https://other.example.com", "sub-ann")
	wantErr(t, err, store.ErrNotFound, "same subject at another issuer")
	must(t, s.LinkIdentity(ctx, ann.ID, iss, "sub-ann"), "LinkIdentity again, same identity")
	wantErr(t, s.LinkIdentity(ctx, ann.ID, iss, "sub-other"), store.ErrConflict, "LinkIdentity over another identity")
	wantErr(t, s.LinkIdentity(ctx, bob.ID, iss, "sub-ann"), store.ErrDuplicate, "LinkIdentity of a taken identity")
	wantErr(t, s.LinkIdentity(ctx, "nope", iss, "sub-x"), store.ErrNotFound, "LinkIdentity of an unknown user")

	// An update that does not carry the identity keeps it.
	upd := got
	upd.Name, upd.OIDCIssuer, upd.OIDCSubject = "Ann", "", ""
	must(t, s.UpdateUser(ctx, &upd), "UpdateUser")
	if got, err := s.GetUserByIdentity(ctx, iss, "sub-ann"); err != nil || got.Name != "Ann" {
		t.Fatalf("identity lost by UpdateUser: %+v %v", got, err)
	}

	// Created with an identity (first sign-in of a new person).
	cat := domain.User{Email: "cat@example.com", Role: domain.RoleViewer, PasswordChangedAt: at(0), OIDCIssuer: iss, OIDCSubject: "sub-cat"}
	must(t, s.CreateUser(ctx, &cat), "CreateUser with identity")
	if got, err := s.GetUserByIdentity(ctx, iss, "sub-cat"); err != nil || got.ID != cat.ID {
		t.Fatalf("created identity: %+v %v", got, err)
	}
	dup := domain.User{Email: "dup@example.com", Role: domain.RoleViewer, PasswordChangedAt: at(0), OIDCIssuer: iss, OIDCSubject: "sub-cat"}
	wantErr(t, s.CreateUser(ctx, &dup), store.ErrDuplicate, "CreateUser with a taken identity")
}
