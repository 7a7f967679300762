package importer

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestImportIncidentsOnly: with IncidentsOnly (an author's import) no
// component is created or changed; incidents keep the components that
// exist already, and only those.
func TestImportIncidentsOnly(t *testing.T) {
	st := backends[0].open(t)
	ctx := context.Background()
	cdn := domain.Component{Name: "Image CDN"}
	if err := st.CreateComponent(ctx, &cdn); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/summary.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(ctx, st, bytes.NewReader(b), Options{IncidentsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.ComponentsCreated != 0 || res.Created == 0 {
		t.Fatalf("result = %+v", res)
	}
	comps, err := st.ListComponents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(comps) != 1 || comps[0].Status != cdn.Status {
		t.Fatalf("components = %+v", comps)
	}
	for _, id := range res.IncidentIDs {
		in, err := st.GetIncident(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, ac := range in.Components {
			if ac.ComponentID != cdn.ID {
				t.Errorf("incident %s names component %s, which the import may not create", in.Title, ac.ComponentID)
			}
		}
	}
}
