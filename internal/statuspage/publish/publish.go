// Package publish sends published RCAs to external targets: Atlassian
// Statuspage (management API v1, the incident's postmortem) and signed
// webhooks (Standard Webhooks). Every send is a domain.Delivery stored
// before the first attempt; a Worker polls the store for due deliveries and
// runs them with bounded, exponentially spaced retries, so pending work
// survives a restart.
//
// Usage from the service layer, for a state change into or out of
// published (or a re-publish):
//
//	deliveries, err := publish.Publish(ctx, st, &rca, actor, note, publish.EventOf(from, to), now)
//	worker.Wake()
//
// and at start-up `go worker.Run(ctx)`.
package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Events sent to targets.
const (
	EventPublished   = "rca.published"
	EventUpdated     = "rca.updated"
	EventUnpublished = "rca.unpublished"
)

// Report is an RCA's external report in one language.
type Report struct {
	Title    string
	Markdown string
	HTML     string // a fragment or a document; webhooks carry it as is
}

// Renderer builds the EXTERNAL report of an RCA (internal sections, entries
// and action items dropped) in lang. The web layer wires it to the report
// package; publish never renders anything itself.
type Renderer func(ctx context.Context, r domain.RCA, incidents []domain.Incident, lang string) (Report, error)

// ErrNotPublishable is returned by Enqueue for an RCA that is not published.
var ErrNotPublishable = errors.New("publish: rca is not published")

// Plan returns the deliveries of event for every enabled target, not yet
// stored. For a published RCA, the event is rca.updated for targets that
// already received (or are about to receive) this RCA, so re-publishing an
// edited RCA updates each target instead of duplicating it; rca.unpublished
// goes only to targets that have the RCA.
func Plan(ctx context.Context, st store.Store, r domain.RCA, event string, now time.Time) ([]domain.Delivery, error) {
	now = now.UTC()
	if event != EventUnpublished && r.State != domain.StatePublished {
		return nil, ErrNotPublishable
	}
	targets, err := st.ListTargets(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: list targets: %w", err)
	}
	previous, err := st.ListDeliveries(ctx, r.ID)
	if err != nil {
		return nil, fmt.Errorf("publish: list deliveries: %w", err)
	}
	out := []domain.Delivery{}
	for _, t := range targets {
		if !t.Enabled {
			continue
		}
		ev := event
		if event != EventUnpublished && wasSent(previous, t.ID) {
			ev = EventUpdated
		}
		if event == EventUnpublished && !wasSent(previous, t.ID) {
			continue // nothing out there to take back
		}
		out = append(out, domain.Delivery{
			ID: domain.NewID(), TargetID: t.ID, RCAID: r.ID, RCAVersion: r.Version, Event: ev,
			State: domain.DeliveryPending, NextAttemptAt: now, CreatedAt: now, UpdatedAt: now,
		})
	}
	return out, nil
}

// Publish writes r (the RCA as read, with its new state; r.Version names
// the version read) and the deliveries of event to every target in one
// atomic store write (store.PublishRCA): the state change never lands
// without its deliveries. Older pending deliveries of the RCA to the same
// targets are superseded. On success r is the RCA as stored.
func Publish(ctx context.Context, st store.Store, r *domain.RCA, author, note, event string, now time.Time) ([]domain.Delivery, error) {
	return PublishWith(ctx, st, r, author, note, event, now, Options{}) // subs: and subscribers, once
}

// EventOf is the event a state change sends, "" when it sends none: into
// published, rca.published; out of it, rca.unpublished.
func EventOf(from, to domain.RCAState) string {
	switch {
	case to == domain.StatePublished:
		return EventPublished
	case from == domain.StatePublished:
		return EventUnpublished
	}
	return ""
}

// Enqueue stores the deliveries Plan makes, one write each, and supersedes
// older pending ones. It is not atomic with the RCA's state change: use
// Publish, which is.
func Enqueue(ctx context.Context, st store.Store, r domain.RCA, event string, now time.Time) ([]domain.Delivery, error) {
	plan, err := Plan(ctx, st, r, event, now)
	if err != nil {
		return nil, err
	}
	previous, err := st.ListDeliveries(ctx, r.ID)
	if err != nil {
		return nil, fmt.Errorf("publish: list deliveries: %w", err)
	}
	out := []domain.Delivery{}
	for _, d := range plan {
		if err := st.CreateDelivery(ctx, &d); err != nil {
			return out, fmt.Errorf("publish: create delivery: %w", err)
		}
		for _, p := range previous {
			if p.TargetID == d.TargetID && p.State == domain.DeliveryPending {
				p.State = domain.DeliveryFailed
				p.LastError = "superseded by delivery " + d.ID
				p.UpdatedAt = d.CreatedAt
				if err := st.UpdateDelivery(ctx, &p); err != nil {
					return out, fmt.Errorf("publish: supersede delivery: %w", err)
				}
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// wasSent reports whether the target got, or is about to get, a published
// or updated event for the RCA since it was last unpublished there.
func wasSent(previous []domain.Delivery, targetID string) bool {
	// previous is newest first: the latest publish-or-unpublish decides.
	for _, p := range previous {
		if p.TargetID != targetID {
			continue
		}
		switch {
		case p.Event == EventUnpublished && p.State != domain.DeliveryFailed:
			return false
		case (p.Event == EventPublished || p.Event == EventUpdated) && p.State != domain.DeliveryFailed:
			return true
		}
	}
	return false
}
