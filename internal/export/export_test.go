package export

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

func TestLoad(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	now := time.Now().UTC().Truncate(time.Second)
	author := domain.User{Email: "ada@example.com", Name: "Ada", Role: domain.RoleAuthor}
	gone := domain.User{Email: "gone@example.com", Role: domain.RoleAuthor}
	for _, u := range []*domain.User{&author, &gone} {
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	comp := domain.Component{Name: "Templates API"}
	if err := st.CreateComponent(ctx, &comp); err != nil {
		t.Fatal(err)
	}
	var incs []domain.Incident
	for _, title := range []string{"First", "Recurred"} {
		in := domain.Incident{Title: title, StartedAt: now.Add(-time.Hour)}
		in.Normalize()
		if err := st.CreateIncident(ctx, &in); err != nil {
			t.Fatal(err)
		}
		incs = append(incs, in)
	}
	tpl, _ := domain.BuiltinTemplate(domain.TemplatePartner)
	r := domain.NewRCA("Templates API errors", tpl, "en", []string{incs[0].ID, "deleted-incident", incs[1].ID}, author.ID, now)
	r.Authors = append(r.Authors, "deleted-user")

	ext, err := Load(ctx, st, r, report.External)
	if err != nil {
		t.Fatal(err)
	}
	if len(ext.Incidents) != 2 || ext.Incidents[0].Title != "First" || ext.Incidents[1].Title != "Recurred" {
		t.Fatalf("incidents: %+v", ext.Incidents)
	}
	if len(ext.Components) != 1 || len(ext.Authors) != 0 {
		t.Fatalf("external: components %d, authors %v", len(ext.Components), ext.Authors)
	}
	in, err := Load(ctx, st, r, report.Internal)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Authors) != 1 || in.Authors[author.ID] != "Ada" {
		t.Fatalf("internal authors: %v", in.Authors)
	}

	_ = st.Close()
	if _, err := Load(ctx, st, r, report.External); err == nil {
		t.Fatal("Load on a closed store did not fail")
	}
}
