package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/quality"
)

type viewSection struct {
	Key, Title, Body      string
	Visibility            domain.Visibility
	IsTimeline, IsActions bool
	Comments              []commentView
}

type historyRow struct {
	From, To    domain.RCAState
	By, Comment string
	At          time.Time
}

type viewFacts struct {
	Date, Duration string
	Metrics        []labelValue // every metric fact, labelled as in the exports
}

type rcaViewPage struct {
	PageData
	RCA          domain.RCA
	CanEdit      bool
	CanComment   bool
	CanPublish   bool
	Facts        viewFacts
	Linked       []domain.Incident
	Authors      []string
	Reviewers    []string
	Moves        []domain.RCAState
	StateComment string
	Problems     []domain.Problem
	History      []historyRow
	Deliveries   []domain.Delivery
	Languages    []langOption
	Zones        []string
	Sections     []viewSection
	Timeline     []timelineRow
	ActionRows   []actionRow
	Checks       quality.Report
	// subs: offer "notify subscribers again" when an RCA is re-published
	// and e-mail is configured.
	CanNotify bool
	// SubscriberProgress counts the deliveries to subscribers by state
	// (thousands of them are summed up, not listed).
	SubscriberProgress *subscriberProgress
}

// rcaView shows an RCA as readers see it, with review, export and publish.
func (p *pages) rcaView(c *gin.Context) {
	rc, err := p.loadRCA(c, c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.renderView(c, http.StatusOK, rc, nil, "")
}

func (p *pages) renderView(c *gin.Context, status int, rc *rcaContext, problems []domain.Problem, comment string) {
	loc := p.localeOf(c)
	a := actorOf(c)
	r := rc.RCA
	d := rcaViewPage{
		PageData: p.base(c, ""), RCA: r, Linked: rc.Incidents,
		CanEdit:    policy.Can(a, policy.RCAEdit, &r) == nil && r.Editable(),
		CanComment: policy.Can(a, policy.RCAComment, &r) == nil,
		CanPublish: policy.Can(a, policy.RCAPublish, &r) == nil && (r.State == domain.StateApproved || r.State == domain.StatePublished),
		CanNotify:  p.s.mailOn() && r.State == domain.StatePublished,
		Facts:      shownFacts(rc, loc),
		Authors:    namesOf(r.Authors, rc.Names), Reviewers: namesOf(r.Reviewers, rc.Names),
		Problems: problems, StateComment: comment, Languages: p.languages(),
		Timeline: timelineRows(r, loc), ActionRows: actionRows(r, p.s.now(), p.s.orgZone()), Checks: rc.Checks,
	}
	d.Zones = zoneChoices(d.TimeZone)
	for _, to := range domain.NextStates(r.State) {
		if to == domain.StatePublished {
			continue // publishing has its own button: it also notifies the targets
		}
		if to == domain.StateApproved && policy.Can(a, policy.RCAApprove, &r) != nil {
			continue // no self-approval
		}
		if need, ok := domain.TransitionRole(r.State, to); ok && a.EffectiveRole().Allows(need) && policy.Can(a, policy.RCAState, &r) == nil {
			d.Moves = append(d.Moves, to)
		}
	}
	for _, h := range r.History {
		d.History = append(d.History, historyRow{From: h.From, To: h.To, By: nameOf(h.By, rc.Names), At: h.At, Comment: h.Comment})
	}
	for _, s := range r.Sections {
		d.Sections = append(d.Sections, viewSection{Key: s.Key, Title: templateText(p.localeOf(c), rc.Template, s.Key, "title", s.Title), Body: s.Body, Visibility: s.Visibility,
			IsTimeline: rc.isTimeline(s.Key), IsActions: rc.isActions(s.Key), Comments: rc.commentsFor(s.Key)})
	}
	if deliveries, err := p.s.store.ListDeliveries(c.Request.Context(), r.ID); err == nil {
		d.Deliveries, d.SubscriberProgress = splitSubscriberDeliveries(p.s.redactDeliveries(c.Request.Context(), deliveries)) // subs
	}
	p.render(c, status, "rca_view", d)
}
