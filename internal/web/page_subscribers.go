package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// subs: the admins' page of status-page subscribers: see, export, remove.

type subscriberPageRow struct {
	ID, Address, Language, State, Components string
}

type subscribersPage struct {
	PageData
	MailOn bool
	Rows   []subscriberPageRow
}

// subscriberList shows every subscriber to admins.
func (p *pages) subscriberList(c *gin.Context) {
	ctx := c.Request.Context()
	list, err := p.s.store.ListSubscribers(ctx)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	comps, err := p.s.store.ListComponents(ctx)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	names := map[string]string{}
	for _, cp := range comps {
		names[cp.ID] = cp.Name
	}
	d := subscribersPage{PageData: p.base(c, "subscribers"), MailOn: p.s.mailOn()}
	for _, sub := range list {
		row := rowOf(sub)
		addr := sub.Email
		if addr == "" {
			addr, _, _ = strings.Cut(sub.URL, "?") // receivers may put tokens in the query
		}
		var cs []string
		for _, id := range sub.Components {
			if n, ok := names[id]; ok {
				cs = append(cs, n)
			}
		}
		d.Rows = append(d.Rows, subscriberPageRow{ID: sub.ID, Address: addr, Language: sub.Language, State: row.State,
			Components: strings.Join(cs, ", ")})
	}
	p.render(c, http.StatusOK, "subscribers", d)
}

// subscriberDelete removes a subscriber for good.
func (p *pages) subscriberDelete(c *gin.Context) {
	id := c.Param("id")
	if err := p.s.store.DeleteSubscriber(c.Request.Context(), id); err != nil && !errors.Is(err, store.ErrNotFound) {
		p.s.pageError(c, err)
		return
	}
	p.s.audit(c.Request.Context(), actorOf(c).UserID, "subscriber.delete", "subscriber:"+id, nil)
	p.setFlash(c, "ok", "subs.admin.removed")
	redirect(c, "/admin/subscribers")
}

// subscriberProgress is how far the notices of an RCA to its subscribers
// have gone.
type subscriberProgress struct{ Sent, Pending, Failed int }

// splitSubscriberDeliveries keeps the deliveries to targets for listing and
// sums up those to subscribers; nil when there are none.
func splitSubscriberDeliveries(ds []domain.Delivery) ([]domain.Delivery, *subscriberProgress) {
	var targets []domain.Delivery
	var p *subscriberProgress
	for _, d := range ds {
		if _, ok := publish.SubscriberOf(d.TargetID); !ok {
			targets = append(targets, d)
			continue
		}
		if p == nil {
			p = &subscriberProgress{}
		}
		switch d.State {
		case domain.DeliverySucceeded:
			p.Sent++
		case domain.DeliveryFailed:
			if !strings.HasPrefix(d.LastError, "superseded") {
				p.Failed++
			}
		default:
			p.Pending++
		}
	}
	return targets, p
}
