package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func testTargets(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	sp := domain.Target{Name: "Public Statuspage", Kind: domain.TargetStatuspage, Enabled: true, URL: "https://api.statuspage.io/v1", PageID: "kctbh9vrtdwd", Secret: "sp-api-key-1", Language: "en", NotifySubscribers: true, IncidentMap: map[string]string{"inc-1": "sp-abc"}, Version: 5}
	before := time.Now()
	must(t, s.CreateTarget(ctx, &sp), "CreateTarget")
	within(t, "CreatedAt", sp.CreatedAt, before, time.Now())
	if sp.ID == "" || sp.Version != 1 {
		t.Fatalf("CreateTarget: id %q version %d", sp.ID, sp.Version)
	}
	got, err := s.GetTarget(ctx, sp.ID)
	must(t, err, "GetTarget")
	wantEqual(t, "GetTarget", got, sp)
	if got.Secret != "sp-api-key-1" {
		t.Fatalf("GetTarget: Secret %q, want it stored (the publisher needs it)", got.Secret)
	}
	_, err = s.GetTarget(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetTarget unknown")

	hook := domain.Target{Name: "Audit webhook", Kind: domain.TargetWebhook, URL: "http://127.0.0.1:9/hook", Secret: "whsec_c2VjcmV0", AllowPrivate: true}
	must(t, s.CreateTarget(ctx, &hook), "CreateTarget webhook")
	list, err := s.ListTargets(ctx)
	must(t, err, "ListTargets")
	wantIDs(t, "ListTargets by name", list, func(x domain.Target) string { return x.ID }, hook.ID, sp.ID)
	if list[0].Secret != "whsec_c2VjcmV0" || !list[0].AllowPrivate {
		t.Fatalf("ListTargets: %+v", list[0])
	}

	// An update with an empty secret keeps the stored one.
	stale := got
	got.Secret = ""
	got.IncidentMap["inc-2"] = "sp-def"
	got.NotifyTwitter = true
	got.CreatedAt = at(-1000 * time.Hour)
	must(t, s.UpdateTarget(ctx, &got), "UpdateTarget without secret")
	if got.Version != 2 {
		t.Fatalf("UpdateTarget: version %d, want 2", got.Version)
	}
	again, _ := s.GetTarget(ctx, sp.ID)
	if again.Secret != "sp-api-key-1" {
		t.Fatalf("an empty Secret on update replaced the stored one with %q", again.Secret)
	}
	if again.IncidentMap["inc-2"] != "sp-def" || !again.NotifyTwitter || again.Version != 2 {
		t.Fatalf("UpdateTarget did not store the change: %+v", again)
	}
	sameInstant(t, "CreatedAt after update", again.CreatedAt, sp.CreatedAt)
	// A new secret replaces it.
	again.Secret = "sp-api-key-2"
	must(t, s.UpdateTarget(ctx, &again), "UpdateTarget with secret")
	again, _ = s.GetTarget(ctx, sp.ID)
	if again.Secret != "sp-api-key-2" || again.Version != 3 {
		t.Fatalf("after secret change: secret %q version %d", again.Secret, again.Version)
	}
	// Stale version.
	stale.Name = "lost"
	wantErr(t, s.UpdateTarget(ctx, &stale), store.ErrConflict, "UpdateTarget stale")
	again, _ = s.GetTarget(ctx, sp.ID)
	if again.Name != "Public Statuspage" {
		t.Fatalf("a stale UpdateTarget changed the target: %q", again.Name)
	}
	unknown := domain.Target{ID: "nope", Name: "x", Kind: domain.TargetWebhook, Version: 1}
	wantErr(t, s.UpdateTarget(ctx, &unknown), store.ErrNotFound, "UpdateTarget unknown")

	must(t, s.DeleteTarget(ctx, hook.ID), "DeleteTarget")
	_, err = s.GetTarget(ctx, hook.ID)
	wantErr(t, err, store.ErrNotFound, "GetTarget after delete")
	wantErr(t, s.DeleteTarget(ctx, hook.ID), store.ErrNotFound, "DeleteTarget twice")
}

func testDeliveries(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	now := at(10 * time.Minute)
	mk := func(rca string, state domain.DeliveryState, next, created time.Time) domain.Delivery {
		d := domain.Delivery{TargetID: "tg-1", RCAID: rca, RCAVersion: 3, Event: "rca.published", State: state, NextAttemptAt: next, Request: "POST https://example.com/hook (2.1 kB)", CreatedAt: created}
		must(t, s.CreateDelivery(ctx, &d), "CreateDelivery")
		if d.ID == "" {
			t.Fatal("CreateDelivery left the id empty")
		}
		return d
	}
	d1 := mk("r-1", domain.DeliveryPending, now.Add(-time.Minute), at(1*time.Minute))   // due
	d2 := mk("r-1", domain.DeliveryPending, now.Add(-5*time.Minute), at(2*time.Minute)) // due, earliest
	d3 := mk("r-2", domain.DeliveryPending, now, at(3*time.Minute))                     // due exactly now
	d4 := mk("r-1", domain.DeliveryPending, now.Add(time.Minute), at(4*time.Minute))    // not yet due
	d5 := mk("r-2", domain.DeliverySucceeded, now.Add(-time.Hour), at(5*time.Minute))   // done
	d6 := mk("r-2", domain.DeliveryFailed, now.Add(-time.Hour), at(6*time.Minute))      // gave up

	got, err := s.GetDelivery(ctx, d1.ID)
	must(t, err, "GetDelivery")
	wantEqual(t, "GetDelivery", got, d1)
	_, err = s.GetDelivery(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetDelivery unknown")

	id := func(d domain.Delivery) string { return d.ID }
	due, err := s.DueDeliveries(ctx, now, 10)
	must(t, err, "DueDeliveries")
	wantIDs(t, "DueDeliveries (pending, due, earliest first)", due, id, d2.ID, d1.ID, d3.ID)
	due, err = s.DueDeliveries(ctx, now, 2)
	must(t, err, "DueDeliveries limit 2")
	wantIDs(t, "DueDeliveries limit 2", due, id, d2.ID, d1.ID)
	due, err = s.DueDeliveries(ctx, now, 0)
	must(t, err, "DueDeliveries limit 0")
	wantIDs(t, "DueDeliveries limit 0 (means 100)", due, id, d2.ID, d1.ID, d3.ID)
	due, err = s.DueDeliveries(ctx, now.Add(-time.Hour), 10)
	must(t, err, "DueDeliveries early")
	wantIDs(t, "DueDeliveries before any is due", due, id)

	list, err := s.ListDeliveries(ctx, "r-1")
	must(t, err, "ListDeliveries")
	wantIDs(t, "ListDeliveries (newest first)", list, id, d4.ID, d2.ID, d1.ID)
	list, _ = s.ListDeliveries(ctx, "r-2")
	wantIDs(t, "ListDeliveries r-2", list, id, d6.ID, d5.ID, d3.ID)
	list, err = s.ListDeliveries(ctx, "r-9")
	must(t, err, "ListDeliveries unknown")
	if len(list) != 0 {
		t.Fatalf("ListDeliveries unknown RCA: %d", len(list))
	}

	// A worker records a failed attempt and schedules a retry.
	got.Attempts = 1
	got.LastStatus = 503
	got.LastError = "503 Service Unavailable"
	got.NextAttemptAt = now.Add(time.Hour)
	before := time.Now()
	must(t, s.UpdateDelivery(ctx, &got), "UpdateDelivery")
	within(t, "UpdatedAt", got.UpdatedAt, before, time.Now())
	again, _ := s.GetDelivery(ctx, d1.ID)
	wantEqual(t, "GetDelivery after update", again, got)
	sameInstant(t, "CreatedAt after update", again.CreatedAt, d1.CreatedAt)
	due, _ = s.DueDeliveries(ctx, now, 10)
	wantIDs(t, "DueDeliveries after rescheduling", due, id, d2.ID, d3.ID)
	d2.State = domain.DeliverySucceeded
	d2.Attempts = 1
	d2.LastStatus = 200
	must(t, s.UpdateDelivery(ctx, &d2), "UpdateDelivery succeeded")
	due, _ = s.DueDeliveries(ctx, now, 10)
	wantIDs(t, "DueDeliveries after success", due, id, d3.ID)

	unknown := domain.Delivery{ID: "nope", State: domain.DeliveryPending}
	wantErr(t, s.UpdateDelivery(ctx, &unknown), store.ErrNotFound, "UpdateDelivery unknown")
}

func testSettings(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	_, err := s.GetSetting(ctx, "status_page")
	wantErr(t, err, store.ErrNotFound, "GetSetting unset")

	v1 := []byte(`{"name":"Example Status","logo":"/static/logo.svg"}`)
	must(t, s.PutSetting(ctx, "status_page", v1), "PutSetting")
	got, err := s.GetSetting(ctx, "status_page")
	must(t, err, "GetSetting")
	if !bytes.Equal(got, v1) {
		t.Fatalf("GetSetting: %s, want %s", got, v1)
	}
	v2 := []byte(`{"name":"Statusseite – Überblick 🚦"}`)
	must(t, s.PutSetting(ctx, "status_page", v2), "PutSetting overwrite")
	got, _ = s.GetSetting(ctx, "status_page")
	if !bytes.Equal(got, v2) {
		t.Fatalf("GetSetting after overwrite: %s, want %s", got, v2)
	}
	must(t, s.PutSetting(ctx, "branding", []byte(`{}`)), "PutSetting other key")
	got, _ = s.GetSetting(ctx, "status_page")
	if !bytes.Equal(got, v2) {
		t.Fatal("another key's PutSetting changed this one")
	}
	_, err = s.GetSetting(ctx, "Status_Page")
	wantErr(t, err, store.ErrNotFound, "setting keys are case-sensitive")
}
