package storetest

import (
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func testPing(t *testing.T, open Opener) {
	s := open(t)
	must(t, s.Ping(ctxOf(t)), "Ping")
}

func testComponents(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	before := time.Now()
	api := domain.Component{Name: "Templates API", Group: "Partners API", Description: "REST API for templates", Position: 2, Status: domain.ComponentOperational, Version: 7}
	must(t, s.CreateComponent(ctx, &api), "CreateComponent")
	after := time.Now()
	if api.ID == "" {
		t.Fatal("CreateComponent left the id empty")
	}
	if api.Version != 1 {
		t.Fatalf("CreateComponent: version %d, want 1", api.Version)
	}
	wantUTC(t, "CreatedAt", api.CreatedAt)
	within(t, "CreatedAt", api.CreatedAt, before, after)
	sameInstant(t, "UpdatedAt", api.UpdatedAt, api.CreatedAt)

	got, err := s.GetComponent(ctx, api.ID)
	must(t, err, "GetComponent")
	wantEqual(t, "GetComponent", got, api)

	// Given id is kept.
	web := domain.Component{ID: "c-web", Name: "Website", Group: "Partners API", Position: 1, Status: domain.ComponentDegraded}
	must(t, s.CreateComponent(ctx, &web), "CreateComponent with id")
	if web.ID != "c-web" {
		t.Fatalf("CreateComponent replaced the given id with %q", web.ID)
	}
	dup := domain.Component{ID: "c-web", Name: "Other", Status: domain.ComponentOperational}
	wantErr(t, s.CreateComponent(ctx, &dup), store.ErrDuplicate, "CreateComponent with a taken id")

	// Ordering: group, position, name.
	for _, c := range []domain.Component{
		{ID: "c-db-b", Name: "B database", Group: "Core", Position: 1, Status: domain.ComponentOperational},
		{ID: "c-db-a", Name: "A database", Group: "Core", Position: 1, Status: domain.ComponentOperational},
		{ID: "c-queue", Name: "Queue", Group: "Core", Position: 0, Status: domain.ComponentOperational},
	} {
		must(t, s.CreateComponent(ctx, &c), "CreateComponent "+c.Name)
	}
	list, err := s.ListComponents(ctx)
	must(t, err, "ListComponents")
	wantIDs(t, "ListComponents order", list, func(c domain.Component) string { return c.ID }, "c-queue", "c-db-a", "c-db-b", "c-web", api.ID)

	// Update with the version read, then with a stale one.
	stale := got
	got.Status = domain.ComponentMajorOutage
	got.Name = "Templates API v2"
	got.CreatedAt = at(-1000 * time.Hour) // the store keeps the stored CreatedAt
	before = time.Now()
	must(t, s.UpdateComponent(ctx, &got), "UpdateComponent")
	after = time.Now()
	if got.Version != 2 {
		t.Fatalf("UpdateComponent: version %d, want 2", got.Version)
	}
	within(t, "UpdatedAt after update", got.UpdatedAt, before, after)
	again, err := s.GetComponent(ctx, api.ID)
	must(t, err, "GetComponent after update")
	if again.Name != "Templates API v2" || again.Status != domain.ComponentMajorOutage || again.Version != 2 {
		t.Fatalf("GetComponent after update: %+v", again)
	}
	sameInstant(t, "CreatedAt after update", again.CreatedAt, api.CreatedAt)
	wantEqual(t, "UpdateComponent result vs stored", again, domain.Component{
		ID: api.ID, Name: "Templates API v2", Group: api.Group, Description: api.Description, Position: 2,
		Status: domain.ComponentMajorOutage, Version: 2, CreatedAt: api.CreatedAt, UpdatedAt: got.UpdatedAt,
	})

	stale.Name = "lost write"
	wantErr(t, s.UpdateComponent(ctx, &stale), store.ErrConflict, "UpdateComponent with a stale version")
	stale.Version = 0
	wantErr(t, s.UpdateComponent(ctx, &stale), store.ErrConflict, "UpdateComponent without a version")
	again, _ = s.GetComponent(ctx, api.ID)
	if again.Name != "Templates API v2" {
		t.Fatalf("a stale UpdateComponent changed the component: %q", again.Name)
	}

	unknown := domain.Component{ID: "nope", Name: "x", Version: 1, Status: domain.ComponentOperational}
	wantErr(t, s.UpdateComponent(ctx, &unknown), store.ErrNotFound, "UpdateComponent unknown")
	_, err = s.GetComponent(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetComponent unknown")

	must(t, s.DeleteComponent(ctx, api.ID), "DeleteComponent")
	_, err = s.GetComponent(ctx, api.ID)
	wantErr(t, err, store.ErrNotFound, "GetComponent after delete")
	wantErr(t, s.DeleteComponent(ctx, api.ID), store.ErrNotFound, "DeleteComponent twice")
	list, err = s.ListComponents(ctx)
	must(t, err, "ListComponents after delete")
	if len(list) != 4 {
		t.Fatalf("ListComponents after delete: %d components, want 4", len(list))
	}
}
