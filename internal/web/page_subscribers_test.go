package web

import (
	"context"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// subs: admins see and remove subscribers on a page; others may not open it.
func TestSubscribersPage(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	sub := domain.Subscriber{Kind: domain.SubscriberEmail, Email: "reader@example.com", Language: "de", Confirmed: true}
	if err := e.st.CreateSubscriber(ctx, &sub); err != nil {
		t.Fatal(err)
	}
	hook := domain.Subscriber{Kind: domain.SubscriberWebhook, URL: "https://hooks.example.com/x?token=SECRETQ", Secret: "whsec_x", Confirmed: true}
	if err := e.st.CreateSubscriber(ctx, &hook); err != nil {
		t.Fatal(err)
	}
	e.as(domain.RoleReviewer).get("/admin/subscribers", 403)
	admin := e.as(domain.RoleAdmin)
	page := admin.get("/admin/subscribers", 200).body
	mustContain(t, page, "reader@example.com", "https://hooks.example.com/x", `id="subscribers-off"`, `href="/api/v1/subscribers?format=csv"`)
	mustNotContain(t, page, "SECRETQ", "whsec_x")
	admin.post("/admin/subscribers/"+sub.ID+"/delete", nil, 303)
	if _, err := e.st.GetSubscriber(ctx, sub.ID); err == nil {
		t.Fatal("the subscriber is still there")
	}
	mustNotContain(t, admin.get("/admin/subscribers", 200).body, "reader@example.com")
}
