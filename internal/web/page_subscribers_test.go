package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/mail/mailtest"
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

// subs: the publish form offers "notify subscribers again" for a published
// RCA when e-mail is configured; ticked, the re-publish queues a delivery to
// every confirmed subscriber, unticked none.
func TestPublishPageNotifyTickBox(t *testing.T) {
	e := newUIEnv(t)
	relay := mailtest.Start(t)
	sender, err := mail.New(relay.Config())
	if err != nil {
		t.Fatal(err)
	}
	in := e.incident("Payments down")
	rc := e.rca("Payments outage", in.ID)
	ctx := context.Background()
	r := e.getRCA(rc.ID)
	now := time.Now()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Transition(domain.StateInReview, "", domain.RoleAuthor, "", now))
	must(r.Transition(domain.StateApproved, e.users[domain.RoleReviewer].ID, domain.RoleReviewer, "", now))
	must(e.st.UpdateRCA(ctx, &r, "", "fixture"))
	must(e.st.CreateSubscriber(ctx, &domain.Subscriber{Kind: domain.SubscriberEmail, Email: "reader@example.com", Language: "en", Confirmed: true}))
	reviewer := e.as(domain.RoleReviewer)
	count := func() int {
		ds, err := e.st.ListDeliveries(ctx, rc.ID)
		must(err)
		return len(subscriberDeliveries(ds))
	}

	// Without SMTP: no tick box.
	reviewer.post("/rcas/"+rc.ID+"/publish", nil, http.StatusSeeOther)
	mustNotContain(t, reviewer.get("/rcas/"+rc.ID, http.StatusOK).body, `id="publish-notify"`)
	first := count() // the first publish tells subscribers once

	e.srv.cfg.Mail = sender // as serve would have configured it
	mustContain(t, reviewer.get("/rcas/"+rc.ID, http.StatusOK).body, `id="publish-notify"`)
	reviewer.post("/rcas/"+rc.ID+"/publish", nil, http.StatusSeeOther)
	if got := count(); got != first || first != 1 {
		t.Fatalf("unticked re-publish: %d subscriber deliveries (first publish %d), want 1 and no more", got, first)
	}
	reviewer.post("/rcas/"+rc.ID+"/publish", url.Values{"notify": {"1"}}, http.StatusSeeOther)
	if got := count(); got != first+1 {
		t.Fatalf("ticked re-publish: %d subscriber deliveries, want %d", got, first+1)
	}
	// Progress on the RCA's page: summed up, the addresses not listed. The
	// first notice was superseded by the second, which waits.
	page := reviewer.get("/rcas/"+rc.ID, http.StatusOK).body
	mustContain(t, page, `id="subscriber-progress"`, "Subscribers: 0 notified, 1 waiting, 0 failed.")
	mustNotContain(t, page, "subscriber:")
}
