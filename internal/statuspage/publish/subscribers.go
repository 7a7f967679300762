package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// subs: notifying status-page subscribers. Each notification is an
// ordinary delivery (outbox, leases, retries, the RCA's delivery list)
// whose TargetID is SubscriberTargetPrefix + the subscriber's id.

// SubscriberTargetPrefix marks the TargetID of a delivery to a subscriber.
const SubscriberTargetPrefix = "subscriber:"

// DefaultMailRate is how many subscriber e-mails a worker sends per second
// at most, so that a large list does not overwhelm the relay.
const DefaultMailRate = 10

// SubscriberOf answers the subscriber id of a delivery's TargetID.
func SubscriberOf(targetID string) (string, bool) {
	return strings.CutPrefix(targetID, SubscriberTargetPrefix)
}

// Options change what a publish sends.
type Options struct {
	// Notify sends subscribers the RCA again although they were told of
	// it already (the publisher's "notify subscribers" tick box).
	Notify bool
}

// Composer writes the e-mail telling sub that r (as published, its
// incidents given) is out; event is rca.published or rca.updated. The web
// layer provides it (language, links, unsubscribe headers).
type Composer func(ctx context.Context, sub domain.Subscriber, r domain.RCA, incidents []domain.Incident, event string) (mail.Message, error)

// PlanSubscribers returns the deliveries that tell subscribers about a
// published RCA: one per confirmed subscriber (not marked failed) of a
// component the RCA's incidents touched, or of everything. Once only: when
// subscribers were told of this RCA before, nothing, unless opt.Notify.
func PlanSubscribers(ctx context.Context, st store.Store, r domain.RCA, previous []domain.Delivery, opt Options, now time.Time) ([]domain.Delivery, error) {
	if r.State != domain.StatePublished {
		return nil, nil
	}
	told := false
	for _, p := range previous {
		if _, ok := SubscriberOf(p.TargetID); ok && !strings.HasPrefix(p.LastError, "superseded") {
			told = true
			break
		}
	}
	if told && !opt.Notify {
		return nil, nil
	}
	subs, err := st.ListSubscribers(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: list subscribers: %w", err)
	}
	if len(subs) == 0 {
		return nil, nil
	}
	var components []string
	for _, id := range r.IncidentIDs {
		in, err := st.GetIncident(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("publish: incident %s: %w", id, err)
		}
		for _, c := range in.Components {
			components = append(components, c.ComponentID)
		}
	}
	event := EventPublished
	if told {
		event = EventUpdated
	}
	now = now.UTC()
	var out []domain.Delivery
	for _, s := range subs {
		if !s.Active() || !s.Wants(components) {
			continue
		}
		out = append(out, domain.Delivery{
			ID: domain.NewID(), TargetID: SubscriberTargetPrefix + s.ID, RCAID: r.ID, RCAVersion: r.Version, Event: event,
			State: domain.DeliveryPending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now,
		})
	}
	return out, nil
}

// PublishWith is Publish with options: the deliveries to targets and, for a
// publish, to subscribers (PlanSubscribers), in one atomic store write.
func PublishWith(ctx context.Context, st store.Store, r *domain.RCA, author, note, event string, now time.Time, opt Options) ([]domain.Delivery, error) {
	plan, err := Plan(ctx, st, *r, event, now)
	if err != nil {
		return nil, err
	}
	if event != EventUnpublished {
		previous, err := st.ListDeliveries(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("publish: list deliveries: %w", err)
		}
		// The subscribers see the version this write makes.
		next := *r
		next.Version++
		subs, err := PlanSubscribers(ctx, st, next, previous, opt, now)
		if err != nil {
			return nil, err
		}
		plan = append(plan, subs...)
	}
	return st.PublishRCA(ctx, r, author, note, plan)
}

// mailLimiter paces subscriber e-mail.
func (w *Worker) mailLimiter() *rate.Limiter {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.MailLimiter == nil {
		w.MailLimiter = rate.NewLimiter(DefaultMailRate, 1)
	}
	return w.MailLimiter
}

// sendSubscriber tells one subscriber about the RCA of d.
func (w *Worker) sendSubscriber(ctx context.Context, d domain.Delivery, subID string) (string, int, error) {
	sub, err := w.Store.GetSubscriber(ctx, subID)
	if errors.Is(err, store.ErrNotFound) {
		return "", 0, permanent("the subscriber unsubscribed")
	}
	if err != nil {
		return "", 0, &sendError{Reason: "storage: subscriber unavailable"}
	}
	if !sub.Active() {
		return "", 0, permanent("the subscriber is not confirmed or was marked failed")
	}
	r, err := w.snapshot(ctx, d)
	if err != nil {
		return "", 0, err
	}
	var incidents []domain.Incident
	for _, id := range r.IncidentIDs {
		in, err := w.Store.GetIncident(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", 0, &sendError{Reason: "storage: incident unavailable"}
		}
		incidents = append(incidents, in)
	}
	if sub.Kind == domain.SubscriberWebhook {
		if w.Render == nil {
			return "", 0, permanent("no report renderer configured")
		}
		rep, err := w.Render(ctx, r, incidents, sub.Language)
		if err != nil {
			return "", 0, permanent("render report: " + err.Error())
		}
		t := domain.Target{URL: sub.URL, Secret: sub.Secret, AllowPrivate: sub.AllowPrivate}
		return w.sendWebhook(ctx, t, d, w.webhookEvent(d, r, sub.Language, incidents, &rep))
	}
	summary := "mail to subscriber " + sub.ID
	if !mail.Enabled(w.Mail) || w.Compose == nil {
		return summary, 0, &sendError{Reason: "e-mail is not configured (--smtp-addr)"}
	}
	msg, err := w.Compose(ctx, sub, r, incidents, d.Event)
	if err != nil {
		return summary, 0, permanent("compose e-mail: " + err.Error())
	}
	if err := w.mailLimiter().Wait(ctx); err != nil {
		return summary, 0, &sendError{Reason: "stopping"}
	}
	err = w.Mail.Send(ctx, msg)
	var re *mail.RecipientError
	switch {
	case err == nil:
		return summary, 0, nil
	case errors.As(err, &re):
		// A refused recipient may be a full mailbox or a greylisting relay:
		// retried with backoff; after the last attempt the address is marked.
		return summary, re.Code, &sendError{Reason: "relay refused the recipient: " + re.Err.Error(), refused: true}
	case errors.Is(err, mail.ErrInvalidMessage):
		return summary, 0, permanent(err.Error())
	default:
		return summary, 0, &sendError{Reason: err.Error()}
	}
}

// markFailed marks the subscriber of a delivery that gave up on a refused
// address: it gets nothing more until it subscribes anew.
func (w *Worker) markFailed(ctx context.Context, d domain.Delivery, why string) {
	id, ok := SubscriberOf(d.TargetID)
	if !ok {
		return
	}
	sub, err := w.Store.GetSubscriber(ctx, id)
	if err != nil {
		return
	}
	now := w.now()
	sub.FailedAt, sub.LastError = &now, why
	if err := w.Store.UpdateSubscriber(ctx, &sub); err != nil {
		w.Log.Warn("publish: mark subscriber failed", "subscriber", id, "err", err)
	}
}
