package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// wantInvalid fails unless err is a *domain.ValidationError naming field.
func wantInvalid(t testing.TB, err error, field, what string) {
	t.Helper()
	if !domain.IsValidation(err) {
		t.Fatalf("%s: got %v, want a *domain.ValidationError", what, err)
	}
	if !strings.Contains(err.Error(), field) {
		t.Fatalf("%s: %v does not name %s", what, err, field)
	}
}

// testValidation: the store checks records with their Validate method and
// stores nothing invalid, whatever the caller forgot to check.
func testValidation(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	wantInvalid(t, s.CreateComponent(ctx, &domain.Component{Name: " "}), "name", "CreateComponent without a name")
	wantInvalid(t, s.CreateComponent(ctx, &domain.Component{Name: "x", Status: "melting"}), "status", "CreateComponent with an unknown status")
	if list, _ := s.ListComponents(ctx); len(list) != 0 {
		t.Fatalf("invalid components were stored: %d", len(list))
	}
	c := domain.Component{Name: "API", Status: domain.ComponentOperational}
	must(t, s.CreateComponent(ctx, &c), "CreateComponent")
	bad := c
	bad.Status = "melting"
	wantInvalid(t, s.UpdateComponent(ctx, &bad), "status", "UpdateComponent with an unknown status")

	noTitle := newIncident("", at(0))
	wantInvalid(t, s.CreateIncident(ctx, &noTitle), "title", "CreateIncident without a title")
	backwards := newIncident("Backwards", at(0))
	backwards.ResolvedAt = ptr(at(-time.Hour))
	wantInvalid(t, s.CreateIncident(ctx, &backwards), "resolved_at", "CreateIncident resolved before it started")
	if _, total, _ := s.ListIncidents(ctx, store.IncidentFilter{}); total != 0 {
		t.Fatalf("invalid incidents were stored: %d", total)
	}
	in := createIncident(t, s, "Valid", at(0))
	in.Impact = "apocalyptic"
	wantInvalid(t, s.UpdateIncident(ctx, &in), "impact", "UpdateIncident with an unknown impact")
	stored, _ := s.GetIncident(ctx, in.ID)
	if stored.Version != 1 || stored.Impact != domain.ImpactMajor {
		t.Fatalf("an invalid UpdateIncident changed the incident: v%d %s", stored.Version, stored.Impact)
	}

	r := newRCA(t, "   ")
	wantInvalid(t, s.CreateRCA(ctx, &r, "u"), "title", "CreateRCA without a title")
	if _, total, _ := s.ListRCAs(ctx, store.RCAFilter{}); total != 0 {
		t.Fatalf("an invalid RCA was stored")
	}
	r = createRCA(t, s, "Valid RCA")
	badR := r
	badR.Severity = "sev9"
	wantInvalid(t, s.UpdateRCA(ctx, &badR, "u", "n"), "severity", "UpdateRCA with an unknown severity")
	_, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: strings.Repeat("x", domain.MaxBodyLen+1), BaseRevision: 1}, "u")
	wantInvalid(t, err, "body", "SaveSection with a body over the limit")
	_, err = s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "ok", Visibility: "secret", BaseRevision: 1}, "u")
	wantInvalid(t, err, "visibility", "SaveSection with an unknown visibility")
	got, _ := s.GetRCA(ctx, r.ID)
	if got.Version != 1 || got.Severity != "" || got.Section("summary").Body != "" {
		t.Fatalf("invalid writes changed the RCA: v%d", got.Version)
	}
	if revs, _ := s.ListRevisions(ctx, r.ID); len(revs) != 1 {
		t.Fatalf("invalid writes added revisions: %d", len(revs))
	}

	wantInvalid(t, s.CreateUser(ctx, &domain.User{Email: "not an email", Role: domain.RoleViewer}), "email", "CreateUser with a bad email")
	wantInvalid(t, s.CreateUser(ctx, &domain.User{Email: "a@example.com", Role: "god"}), "role", "CreateUser with an unknown role")
	if n, _ := s.CountUsers(ctx); n != 0 {
		t.Fatalf("invalid users were stored: %d", n)
	}
	u := domain.User{Email: "a@example.com", Role: domain.RoleViewer}
	must(t, s.CreateUser(ctx, &u), "CreateUser")
	u.TimeZone = "Mars/Olympus_Mons"
	wantInvalid(t, s.UpdateUser(ctx, &u), "time_zone", "UpdateUser with an unknown time zone")
}
