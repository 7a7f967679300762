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
