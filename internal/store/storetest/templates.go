package storetest

// Custom templates and contributing factors (area tmpl, issue 14).

import (
	"errors"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func customTemplate() domain.Template {
	return domain.Template{
		Key: "security-review", Name: "Security review", Description: "For security incidents.",
		ShowFactors: true, Version: 9,
		Translations: map[string]domain.TemplateTranslation{"de": {Name: "Sicherheitsprüfung", Description: "Für Sicherheitsvorfälle."}},
		Sections: []domain.SectionDef{
			{Key: "summary", Title: "Summary", Guidance: "What happened?", Required: true, Visibility: domain.External,
				Translations: map[string]domain.SectionDefTranslation{"de": {Title: "Zusammenfassung", Guidance: "Was ist passiert?"}}},
			{Key: "exposure", Title: "Exposure", Guidance: "Which data was exposed?", Visibility: domain.Internal},
			{Key: "timeline", Title: "Timeline", Rules: []string{domain.RuleTimeline}}, // no visibility: external
		},
	}
}

func testTemplates(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	list, err := s.ListTemplates(ctx)
	must(t, err, "ListTemplates (empty)")
	if list == nil || len(list) != 0 {
		t.Fatalf("ListTemplates on an empty store: %#v, want an empty non-nil list", list)
	}
	_, err = s.GetTemplate(ctx, "security-review")
	wantErr(t, err, store.ErrNotFound, "GetTemplate of an unknown key")

	tpl := customTemplate()
	must(t, s.CreateTemplate(ctx, &tpl), "CreateTemplate")
	if tpl.Version != 1 || tpl.CreatedAt.IsZero() || !tpl.UpdatedAt.Equal(tpl.CreatedAt) {
		t.Fatalf("CreateTemplate: version %d, created %v, updated %v", tpl.Version, tpl.CreatedAt, tpl.UpdatedAt)
	}
	wantUTC(t, "CreatedAt", tpl.CreatedAt)
	if tpl.Sections[2].Visibility != domain.External {
		t.Fatalf("a section without visibility is stored as %q, want external", tpl.Sections[2].Visibility)
	}
	got, err := s.GetTemplate(ctx, tpl.Key)
	must(t, err, "GetTemplate")
	wantEqual(t, "GetTemplate", got, tpl)

	dup := customTemplate()
	wantErr(t, s.CreateTemplate(ctx, &dup), store.ErrDuplicate, "CreateTemplate of a taken key")

	// Invalid templates are refused with a validation error, nothing stored.
	bad := customTemplate()
	bad.Key = "other"
	bad.Sections[1].Key = "summary"
	var ve *domain.ValidationError
	if err := s.CreateTemplate(ctx, &bad); !errors.As(err, &ve) {
		t.Fatalf("CreateTemplate with duplicate section keys: %v, want a validation error", err)
	}
	if _, err := s.GetTemplate(ctx, "other"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an invalid template was stored: %v", err)
	}
	builtin := customTemplate()
	builtin.Key = domain.TemplateStandard
	if err := s.CreateTemplate(ctx, &builtin); !errors.As(err, &ve) {
		t.Fatalf("CreateTemplate with a built-in key: %v, want a validation error", err)
	}

	// Update at the version read; a stale version is a conflict.
	next := got
	next.Name = "Security incident review"
	next.Sections = append([]domain.SectionDef{next.Sections[1]}, next.Sections[0], next.Sections[2])
	must(t, s.UpdateTemplate(ctx, &next), "UpdateTemplate")
	if next.Version != 2 || !next.CreatedAt.Equal(tpl.CreatedAt) {
		t.Fatalf("UpdateTemplate: version %d created %v, want 2 and %v", next.Version, next.CreatedAt, tpl.CreatedAt)
	}
	stale := got
	stale.Name = "lost update"
	wantErr(t, s.UpdateTemplate(ctx, &stale), store.ErrConflict, "UpdateTemplate at a stale version")
	unknown := customTemplate()
	unknown.Key, unknown.Version = "nobody", 1
	wantErr(t, s.UpdateTemplate(ctx, &unknown), store.ErrNotFound, "UpdateTemplate of an unknown key")

	got, err = s.GetTemplate(ctx, tpl.Key)
	must(t, err, "GetTemplate after update")
	wantEqual(t, "GetTemplate after update", got, next)
	if got.Sections[0].Key != "exposure" {
		t.Fatalf("section order not kept: %s first", got.Sections[0].Key)
	}

	// Retired templates stay listed.
	got.Retired = true
	must(t, s.UpdateTemplate(ctx, &got), "retire")
	second := customTemplate()
	second.Key = "another"
	must(t, s.CreateTemplate(ctx, &second), "CreateTemplate another")
	list, err = s.ListTemplates(ctx)
	must(t, err, "ListTemplates")
	if len(list) != 2 || list[0].Key != "another" || list[1].Key != "security-review" || !list[1].Retired {
		t.Fatalf("ListTemplates: %+v", list)
	}
}

func testFactors(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	list, err := s.ListFactors(ctx)
	must(t, err, "ListFactors (empty)")
	if list == nil || len(list) != 0 {
		t.Fatalf("ListFactors on an empty store: %#v", list)
	}
	_, err = s.GetFactor(ctx, "vendor_lockin")
	wantErr(t, err, store.ErrNotFound, "GetFactor of an unknown key")

	f := domain.Factor{Key: "vendor_lockin", Name: "Vendor lock-in", Description: "No way to switch.",
		Translations: map[string]domain.FactorTranslation{"de": {Name: "Anbieterbindung"}}}
	must(t, s.CreateFactor(ctx, &f), "CreateFactor")
	if f.Version != 1 || f.CreatedAt.IsZero() {
		t.Fatalf("CreateFactor: %+v", f)
	}
	got, err := s.GetFactor(ctx, f.Key)
	must(t, err, "GetFactor")
	wantEqual(t, "GetFactor", got, f)
	dup := domain.Factor{Key: "vendor_lockin", Name: "again"}
	wantErr(t, s.CreateFactor(ctx, &dup), store.ErrDuplicate, "CreateFactor of a taken key")

	// An override of a built-in factor is stored with BuiltIn set; a
	// custom factor cannot take a built-in key.
	var ve *domain.ValidationError
	clash := domain.Factor{Key: domain.FactorDeploy, Name: "Deploys"}
	if err := s.CreateFactor(ctx, &clash); !errors.As(err, &ve) {
		t.Fatalf("custom factor with a built-in key: %v, want a validation error", err)
	}
	over, _ := domain.BuiltinFactor(domain.FactorDeploy)
	over.Name = "Release"
	must(t, s.CreateFactor(ctx, &over), "CreateFactor override")
	empty := domain.Factor{Key: "nameless"}
	if err := s.CreateFactor(ctx, &empty); !errors.As(err, &ve) {
		t.Fatalf("factor without a name: %v", err)
	}

	next := got
	next.Retired = true
	must(t, s.UpdateFactor(ctx, &next), "UpdateFactor")
	if next.Version != 2 {
		t.Fatalf("UpdateFactor: version %d, want 2", next.Version)
	}
	wantErr(t, s.UpdateFactor(ctx, &got), store.ErrConflict, "UpdateFactor at a stale version")
	ghost := domain.Factor{Key: "ghost", Name: "Ghost", Version: 1}
	wantErr(t, s.UpdateFactor(ctx, &ghost), store.ErrNotFound, "UpdateFactor of an unknown key")

	list, err = s.ListFactors(ctx)
	must(t, err, "ListFactors")
	if len(list) != 2 || list[0].Key != domain.FactorDeploy || !list[0].BuiltIn || list[1].Key != "vendor_lockin" || !list[1].Retired {
		t.Fatalf("ListFactors: %+v", list)
	}
}

// testRCAFactors: an RCA's contributing factors round-trip through create,
// update and revisions, and an empty list comes back empty, not nil.
func testRCAFactors(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA("Checkout outage", tpl, "en", nil, "u1", base)
	must(t, s.CreateRCA(ctx, &r, "u1"), "CreateRCA")
	got, err := s.GetRCA(ctx, r.ID)
	must(t, err, "GetRCA")
	if got.ContributingFactors == nil || len(got.ContributingFactors) != 0 {
		t.Fatalf("new RCA factors: %#v, want empty", got.ContributingFactors)
	}
	got.ContributingFactors = []string{domain.FactorDeploy, "vendor_lockin"}
	must(t, s.UpdateRCA(ctx, &got, "u1", "factors"), "UpdateRCA")
	again, err := s.GetRCA(ctx, r.ID)
	must(t, err, "GetRCA after update")
	if len(again.ContributingFactors) != 2 || again.ContributingFactors[0] != domain.FactorDeploy || again.ContributingFactors[1] != "vendor_lockin" {
		t.Fatalf("factors after update: %v", again.ContributingFactors)
	}
	rev, err := s.GetRevision(ctx, r.ID, again.Version)
	must(t, err, "GetRevision")
	if len(rev.Snapshot.ContributingFactors) != 2 {
		t.Fatalf("revision snapshot factors: %v", rev.Snapshot.ContributingFactors)
	}
	bad := again
	bad.ContributingFactors = []string{"Not A Key"}
	var ve *domain.ValidationError
	if err := s.UpdateRCA(ctx, &bad, "u1", "bad"); !errors.As(err, &ve) {
		t.Fatalf("UpdateRCA with a malformed factor key: %v, want a validation error", err)
	}
}
