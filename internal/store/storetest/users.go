package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func testUsers(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	n, err := s.CountUsers(ctx)
	must(t, err, "CountUsers empty")
	if n != 0 {
		t.Fatalf("CountUsers on an empty store: %d", n)
	}

	ann := domain.User{Email: "  Ann.Lee@Example.COM ", Name: "Ann Lee", Role: domain.RoleAdmin, PasswordHash: "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$aGFzaA", Language: "de", TimeZone: "Europe/Berlin", PasswordChangedAt: at(0)}
	before := time.Now()
	must(t, s.CreateUser(ctx, &ann), "CreateUser")
	within(t, "CreatedAt", ann.CreatedAt, before, time.Now())
	if ann.ID == "" {
		t.Fatal("CreateUser left the id empty")
	}
	if ann.Email != "ann.lee@example.com" {
		t.Fatalf("CreateUser stored email %q, want it normalized", ann.Email)
	}
	got, err := s.GetUser(ctx, ann.ID)
	must(t, err, "GetUser")
	wantEqual(t, "GetUser", got, ann)
	if got.PasswordHash != ann.PasswordHash {
		t.Fatal("PasswordHash did not round-trip")
	}

	for _, email := range []string{"ann.lee@example.com", "ANN.LEE@EXAMPLE.COM", " Ann.Lee@example.com"} {
		byEmail, err := s.GetUserByEmail(ctx, email)
		must(t, err, "GetUserByEmail "+email)
		if byEmail.ID != ann.ID {
			t.Fatalf("GetUserByEmail %q: id %q", email, byEmail.ID)
		}
	}
	_, err = s.GetUserByEmail(ctx, "bob@example.com")
	wantErr(t, err, store.ErrNotFound, "GetUserByEmail unknown")
	_, err = s.GetUser(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetUser unknown")

	dup := domain.User{Email: "ANN.LEE@example.com", Role: domain.RoleViewer}
	wantErr(t, s.CreateUser(ctx, &dup), store.ErrDuplicate, "CreateUser with the same email in other case")

	bob := domain.User{Email: "bob@example.com", Role: domain.RoleAuthor}
	must(t, s.CreateUser(ctx, &bob), "CreateUser bob")
	cat := domain.User{Email: "cat@example.com", Role: domain.RoleReviewer, Disabled: true}
	must(t, s.CreateUser(ctx, &cat), "CreateUser cat")
	n, _ = s.CountUsers(ctx)
	if n != 3 {
		t.Fatalf("CountUsers: %d, want 3", n)
	}
	list, err := s.ListUsers(ctx)
	must(t, err, "ListUsers")
	wantIDs(t, "ListUsers by email", list, func(u domain.User) string { return u.ID }, ann.ID, bob.ID, cat.ID)
	if !list[2].Disabled {
		t.Fatal("Disabled did not round-trip")
	}

	// Update: new email, normalized; taking another's email is a duplicate.
	bob.Email = "Robert@Example.com"
	bob.Name = "Robert"
	bob.PasswordHash = "new-hash"
	bob.PasswordChangedAt = at(time.Hour)
	bob.CreatedAt = at(-1000 * time.Hour)
	before = time.Now()
	must(t, s.UpdateUser(ctx, &bob), "UpdateUser")
	within(t, "UpdatedAt", bob.UpdatedAt, before, time.Now())
	got, err = s.GetUserByEmail(ctx, "robert@example.com")
	must(t, err, "GetUserByEmail after update")
	if got.ID != bob.ID || got.Name != "Robert" || got.PasswordHash != "new-hash" || got.Email != "robert@example.com" {
		t.Fatalf("after UpdateUser: %+v", got)
	}
	sameInstant(t, "PasswordChangedAt", got.PasswordChangedAt, at(time.Hour))
	if got.CreatedAt.Before(before.Add(-time.Hour)) {
		t.Fatalf("UpdateUser overwrote CreatedAt with %v", got.CreatedAt)
	}
	_, err = s.GetUserByEmail(ctx, "bob@example.com")
	wantErr(t, err, store.ErrNotFound, "old email after update")
	bob.Email = "CAT@example.com"
	wantErr(t, s.UpdateUser(ctx, &bob), store.ErrDuplicate, "UpdateUser onto a taken email")
	unknown := domain.User{ID: "nope", Email: "nope@example.com", Role: domain.RoleViewer}
	wantErr(t, s.UpdateUser(ctx, &unknown), store.ErrNotFound, "UpdateUser unknown")
	// The freed email can be used again.
	again := domain.User{Email: "bob@example.com", Role: domain.RoleViewer}
	must(t, s.CreateUser(ctx, &again), "CreateUser with a freed email")
}

func testTokens(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	tok := domain.APIToken{UserID: "u-1", Name: "CI import", Hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Scope: domain.ScopeWrite, CreatedAt: at(0), ExpiresAt: ptr(at(90 * 24 * time.Hour))}
	must(t, s.CreateToken(ctx, &tok), "CreateToken")
	if tok.ID == "" {
		t.Fatal("CreateToken left the id empty")
	}
	got, err := s.GetTokenByHash(ctx, tok.Hash)
	must(t, err, "GetTokenByHash")
	wantEqual(t, "GetTokenByHash", got, tok)
	if got.Hash != tok.Hash {
		t.Fatal("token hash did not round-trip")
	}
	_, err = s.GetTokenByHash(ctx, "0000")
	wantErr(t, err, store.ErrNotFound, "GetTokenByHash unknown")

	dup := domain.APIToken{UserID: "u-2", Name: "other", Hash: tok.Hash, Scope: domain.ScopeRead}
	wantErr(t, s.CreateToken(ctx, &dup), store.ErrDuplicate, "CreateToken with a taken hash")

	older := domain.APIToken{UserID: "u-1", Name: "old", Hash: "aa", Scope: domain.ScopeRead, CreatedAt: at(-time.Hour)}
	must(t, s.CreateToken(ctx, &older), "CreateToken older")
	newer := domain.APIToken{UserID: "u-1", Name: "new", Hash: "bb", Scope: domain.ScopeAdmin}
	must(t, s.CreateToken(ctx, &newer), "CreateToken without time")
	must(t, s.CreateToken(ctx, &domain.APIToken{UserID: "u-2", Name: "theirs", Hash: "cc", Scope: domain.ScopeRead}), "CreateToken other user")
	list, err := s.ListTokens(ctx, "u-1")
	must(t, err, "ListTokens")
	wantIDs(t, "ListTokens (oldest first)", list, func(x domain.APIToken) string { return x.ID }, older.ID, tok.ID, newer.ID)
	none, err := s.ListTokens(ctx, "u-9")
	must(t, err, "ListTokens unknown user")
	if len(none) != 0 {
		t.Fatalf("ListTokens unknown user: %d", len(none))
	}

	must(t, s.TouchToken(ctx, tok.ID, at(time.Hour)), "TouchToken")
	got, _ = s.GetTokenByHash(ctx, tok.Hash)
	if got.LastUsedAt == nil {
		t.Fatal("TouchToken did not set LastUsedAt")
	}
	sameInstant(t, "LastUsedAt", *got.LastUsedAt, at(time.Hour))
	if !got.Active(at(2 * time.Hour)) {
		t.Fatal("token inactive before revoking")
	}
	must(t, s.RevokeToken(ctx, tok.ID, at(2*time.Hour)), "RevokeToken")
	got, _ = s.GetTokenByHash(ctx, tok.Hash)
	if got.RevokedAt == nil || got.Active(at(3*time.Hour)) {
		t.Fatal("RevokeToken did not revoke")
	}
	sameInstant(t, "RevokedAt", *got.RevokedAt, at(2*time.Hour))
	sameInstant(t, "LastUsedAt after revoke", *got.LastUsedAt, at(time.Hour))
	wantEqual(t, "other fields after touch and revoke", got.Name+"|"+string(got.Scope)+"|"+got.UserID, "CI import|write|u-1")
	other, _ := s.GetTokenByHash(ctx, "aa")
	if other.RevokedAt != nil || other.LastUsedAt != nil {
		t.Fatal("touch or revoke changed another token")
	}

	wantErr(t, s.RevokeToken(ctx, "nope", at(0)), store.ErrNotFound, "RevokeToken unknown")
	wantErr(t, s.TouchToken(ctx, "nope", at(0)), store.ErrNotFound, "TouchToken unknown")
}

func testSessions(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	now := at(0)
	mk := func(id, user string, expires time.Time) domain.Session {
		ss := domain.Session{ID: id, UserID: user, CSRFToken: "csrf-" + id, CreatedAt: now.Add(-time.Hour), ExpiresAt: expires, LastSeenAt: now.Add(-time.Hour), IP: "203.0.113.7", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
		must(t, s.CreateSession(ctx, &ss), "CreateSession "+id)
		return ss
	}
	a := mk("s-a", "u-1", now.Add(time.Hour))
	mk("s-b", "u-1", now.Add(2*time.Hour))
	mk("s-c", "u-2", now.Add(-time.Minute))
	mk("s-d", "u-2", now) // expires exactly now: expired
	mk("s-e", "u-3", now.Add(time.Millisecond))

	got, err := s.GetSession(ctx, "s-a")
	must(t, err, "GetSession")
	wantEqual(t, "GetSession", got, a)
	if got.CSRFToken != "csrf-s-a" {
		t.Fatal("CSRFToken did not round-trip")
	}
	_, err = s.GetSession(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetSession unknown")
	wantErr(t, s.CreateSession(ctx, &domain.Session{ID: "s-a", UserID: "u-9", ExpiresAt: now}), store.ErrDuplicate, "CreateSession with a taken id")

	must(t, s.TouchSession(ctx, "s-a", now.Add(time.Minute), now.Add(3*time.Hour)), "TouchSession")
	got, _ = s.GetSession(ctx, "s-a")
	sameInstant(t, "LastSeenAt", got.LastSeenAt, now.Add(time.Minute))
	sameInstant(t, "ExpiresAt", got.ExpiresAt, now.Add(3*time.Hour))
	if got.CSRFToken != "csrf-s-a" || got.UserID != "u-1" {
		t.Fatalf("TouchSession changed other fields: %+v", got)
	}
	wantErr(t, s.TouchSession(ctx, "nope", now, now), store.ErrNotFound, "TouchSession unknown")

	must(t, s.DeleteExpiredSessions(ctx, now), "DeleteExpiredSessions")
	for id, alive := range map[string]bool{"s-a": true, "s-b": true, "s-c": false, "s-d": false, "s-e": true} {
		_, err := s.GetSession(ctx, id)
		if alive {
			must(t, err, "GetSession "+id+" after expiry sweep")
		} else {
			wantErr(t, err, store.ErrNotFound, "GetSession "+id+" after expiry sweep")
		}
	}

	must(t, s.DeleteUserSessions(ctx, "u-1"), "DeleteUserSessions")
	for _, id := range []string{"s-a", "s-b"} {
		_, err := s.GetSession(ctx, id)
		wantErr(t, err, store.ErrNotFound, "GetSession "+id+" after DeleteUserSessions")
	}
	_, err = s.GetSession(ctx, "s-e")
	must(t, err, "another user's session survives DeleteUserSessions")
	must(t, s.DeleteUserSessions(ctx, "u-without-sessions"), "DeleteUserSessions with none")

	must(t, s.DeleteSession(ctx, "s-e"), "DeleteSession")
	_, err = s.GetSession(ctx, "s-e")
	wantErr(t, err, store.ErrNotFound, "GetSession after DeleteSession")
	must(t, s.DeleteSession(ctx, "s-e"), "DeleteSession twice is fine")
}

func testAudit(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	type ev struct {
		actor, action, target string
		min                   int
	}
	evs := []ev{
		{"u-1", "user.signin", "user:u-1", 0},
		{"u-1", "rca.create", "rca:r-1", 1},
		{"u-2", "rca.state", "rca:r-1", 2},
		{"", "user.signin_failed", "user:unknown", 3},
		{"u-2", "rca.section", "rca:r-2", 4},
		{"u-1", "rcax.other", "rca:r-2", 5},
		{"u-1", "token.create", "token:t-1", 6},
	}
	ids := make([]string, len(evs))
	for i, e := range evs {
		a := domain.AuditEvent{At: at(time.Duration(e.min) * time.Minute), Actor: e.actor, Action: e.action, Target: e.target, IP: "198.51.100.4", Detail: map[string]string{"n": fmt.Sprint(i)}}
		must(t, s.AppendAudit(ctx, &a), "AppendAudit")
		if a.ID == "" {
			t.Fatal("AppendAudit left the id empty")
		}
		ids[i] = a.ID
	}
	before := time.Now()
	now := domain.AuditEvent{Actor: "u-3", Action: "user.signout"}
	must(t, s.AppendAudit(ctx, &now), "AppendAudit without time")
	within(t, "audit At", now.At, before, time.Now())

	cases := []struct {
		name  string
		f     store.AuditFilter
		want  []string
		total int
	}{
		{"all, newest first", store.AuditFilter{}, []string{now.ID, ids[6], ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}, 8},
		{"actor", store.AuditFilter{Actor: "u-1"}, []string{ids[6], ids[5], ids[1], ids[0]}, 4},
		{"action prefix", store.AuditFilter{Action: "rca."}, []string{ids[4], ids[2], ids[1]}, 3},
		{"action prefix covers longer actions", store.AuditFilter{Action: "user.signin"}, []string{ids[3], ids[0]}, 2},
		{"whole action", store.AuditFilter{Action: "rca.state"}, []string{ids[2]}, 1},
		{"action prefix wildcards are literal", store.AuditFilter{Action: "rca_"}, nil, 0},
		{"action prefix percent is literal", store.AuditFilter{Action: "%"}, nil, 0},
		{"action is a prefix, not a substring", store.AuditFilter{Action: "signin"}, nil, 0},
		{"target", store.AuditFilter{Target: "rca:r-1"}, []string{ids[2], ids[1]}, 2},
		{"target is exact", store.AuditFilter{Target: "rca:r"}, nil, 0},
		{"since inclusive", store.AuditFilter{Since: ptr(at(4 * time.Minute))}, []string{now.ID, ids[6], ids[5], ids[4]}, 4},
		{"combined", store.AuditFilter{Actor: "u-2", Action: "rca."}, []string{ids[4], ids[2]}, 2},
		{"page", store.AuditFilter{Page: store.Page{Limit: 3, Offset: 2}}, []string{ids[5], ids[4], ids[3]}, 8},
		{"filter and page", store.AuditFilter{Actor: "u-1", Page: store.Page{Limit: 2, Offset: 3}}, []string{ids[0]}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, total, err := s.ListAudit(ctx, c.f)
			must(t, err, "ListAudit")
			wantIDs(t, "ListAudit", got, func(e domain.AuditEvent) string { return e.ID }, c.want...)
			if total != c.total {
				t.Fatalf("total %d, want %d", total, c.total)
			}
		})
	}

	// Page defaults: limit 0 means 50, a negative offset means 0.
	for i := range 52 {
		must(t, s.AppendAudit(ctx, &domain.AuditEvent{At: at(-time.Duration(i+1) * time.Hour), Actor: "u-bulk", Action: "bulk.event"}), "AppendAudit bulk")
	}
	page, total, err := s.ListAudit(ctx, store.AuditFilter{Actor: "u-bulk"})
	must(t, err, "ListAudit default page")
	if len(page) != 50 || total != 52 {
		t.Fatalf("default page: %d events of %d, want 50 of 52", len(page), total)
	}
	page, _, err = s.ListAudit(ctx, store.AuditFilter{Actor: "u-bulk", Page: store.Page{Limit: 2, Offset: -5}})
	must(t, err, "ListAudit negative offset")
	if len(page) != 2 || !page[0].At.Equal(at(-time.Hour)) {
		t.Fatalf("negative offset: %d events, first at %v", len(page), page)
	}
	page, _, err = s.ListAudit(ctx, store.AuditFilter{Actor: "u-bulk", Page: store.Page{Limit: 10_000}})
	must(t, err, "ListAudit huge limit")
	if len(page) != 52 {
		t.Fatalf("huge limit: %d events, want all 52", len(page))
	}

	got, _, err := s.ListAudit(ctx, store.AuditFilter{Target: "user:unknown"})
	must(t, err, "ListAudit")
	want := domain.AuditEvent{ID: ids[3], At: at(3 * time.Minute), Actor: "", Action: "user.signin_failed", Target: "user:unknown", IP: "198.51.100.4", Detail: map[string]string{"n": "3"}}
	wantEqual(t, "audit event", got, []domain.AuditEvent{want})
	wantUTC(t, "audit At", got[0].At)
}
