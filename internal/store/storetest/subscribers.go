package storetest

import (
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// testSubscribers (subs): status-page subscribers are stored with their
// link token and webhook secret, found by id, token and address, unique by
// address, updated (confirmation, failure mark) and deleted for good.
func testSubscribers(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	a := domain.Subscriber{Kind: domain.SubscriberEmail, Email: "ana@example.com", Language: "de", Components: []string{"c1", "c2"}}
	must(t, s.CreateSubscriber(ctx, &a), "CreateSubscriber")
	if a.ID == "" || len(a.Token) < 20 || a.CreatedAt.IsZero() {
		t.Fatalf("CreateSubscriber did not fill id, token, time: %+v", a)
	}
	got, err := s.GetSubscriber(ctx, a.ID)
	must(t, err, "GetSubscriber")
	wantEqual(t, "GetSubscriber", got, a)
	byToken, err := s.GetSubscriberByToken(ctx, a.Token)
	must(t, err, "GetSubscriberByToken")
	wantEqual(t, "GetSubscriberByToken", byToken, a)
	byAddr, err := s.GetSubscriberByAddress(ctx, "ana@example.com")
	must(t, err, "GetSubscriberByAddress")
	wantEqual(t, "GetSubscriberByAddress", byAddr, a)
	_, err = s.GetSubscriberByToken(ctx, "nope")
	wantErr(t, err, store.ErrNotFound, "GetSubscriberByToken unknown")

	dup := domain.Subscriber{Kind: domain.SubscriberEmail, Email: "ana@example.com"}
	wantErr(t, s.CreateSubscriber(ctx, &dup), store.ErrDuplicate, "CreateSubscriber same address")

	hook := domain.Subscriber{Kind: domain.SubscriberWebhook, URL: "https://hooks.example.com/x", Secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", Language: "en",
		CreatedAt: a.CreatedAt.Add(time.Second)}
	must(t, s.CreateSubscriber(ctx, &hook), "CreateSubscriber webhook")
	list, err := s.ListSubscribers(ctx)
	must(t, err, "ListSubscribers")
	wantIDs(t, "ListSubscribers oldest first", list, func(x domain.Subscriber) string { return x.ID }, a.ID, hook.ID)
	if list[1].Secret != hook.Secret || list[1].URL != hook.URL {
		t.Fatalf("ListSubscribers webhook: %+v", list[1])
	}

	now := time.Now().UTC().Truncate(time.Millisecond)
	upd := a
	upd.Token = "" // keeps the stored token
	upd.Confirmed, upd.ConfirmedAt = true, &now
	must(t, s.UpdateSubscriber(ctx, &upd), "UpdateSubscriber")
	got, err = s.GetSubscriber(ctx, a.ID)
	must(t, err, "GetSubscriber after update")
	if !got.Confirmed || got.ConfirmedAt == nil || !got.ConfirmedAt.Equal(now) || got.Token != a.Token {
		t.Fatalf("after UpdateSubscriber: %+v", got)
	}
	missing := domain.Subscriber{ID: "nope", Kind: domain.SubscriberEmail, Email: "x@example.com"}
	wantErr(t, s.UpdateSubscriber(ctx, &missing), store.ErrNotFound, "UpdateSubscriber unknown")

	must(t, s.DeleteSubscriber(ctx, a.ID), "DeleteSubscriber")
	_, err = s.GetSubscriberByToken(ctx, a.Token)
	wantErr(t, err, store.ErrNotFound, "GetSubscriberByToken after delete")
	wantErr(t, s.DeleteSubscriber(ctx, a.ID), store.ErrNotFound, "DeleteSubscriber twice")
	// The address can subscribe again afterwards.
	again := domain.Subscriber{Kind: domain.SubscriberEmail, Email: "ana@example.com"}
	must(t, s.CreateSubscriber(ctx, &again), "CreateSubscriber after delete")
}
