package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// myWorkPage is "My work" (flow): what waits for the user and their newest
// notices. Opening it marks the notices read.
type myWorkPage struct {
	PageData
	Items   []app.QueueItem
	Notices []noticeRow
}

type noticeRow struct {
	RCAID, Title, Actor, Kind, Comment string
	From, To                           domain.RCAState
	At                                 time.Time
	Unread                             bool
}

func (p *pages) myWork(c *gin.Context) {
	ctx := c.Request.Context()
	a := actorOf(c)
	items, err := p.s.app.Queue(ctx, a, p.s.orgZone())
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	notices, _, err := p.s.app.Notices(ctx, a, 30)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	if err := p.s.app.SeeNotices(ctx, a); err != nil {
		p.s.log.Warn("mark notices read", "request_id", requestID(c), "err", err)
	}
	d := myWorkPage{PageData: p.base(c, "my_work"), Items: items}
	d.Unread = 0 // seen now
	names := p.userNames(c)
	for _, n := range notices {
		d.Notices = append(d.Notices, noticeRow{RCAID: n.RCAID, Title: n.Title, Actor: nameOf(n.Actor, names), Kind: n.Kind,
			Comment: n.Comment, From: n.From, To: n.To, At: n.At, Unread: n.Unread})
	}
	p.render(c, http.StatusOK, "my_work", d)
}
