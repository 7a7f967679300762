package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
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
	// flow: why a failing submit went ahead; the version approved.
	OverrideReason string
	Version        int64
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
	Moves        []app.Move
	StateComment string
	Review       reviewPanel // flow: moves, gates, reviewers, history
	Problems     []domain.Problem
	History      []historyRow
	Deliveries   []domain.Delivery
	Languages    []langOption
	Zones        []string
	Sections     []viewSection
	Timeline     []timelineRow
	ActionRows   []actionRow
	Checks       quality.Report
	Factors      []string // tmpl area: the contributing factors' names (internal readers only)
	// subs: SubscriberProgress counts the deliveries to subscribers by
	// state (thousands of them are summed up, not listed).
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
	p.renderViewBlocked(c, status, rc, problems, comment, nil, "", "view")
}

// renderViewBlocked renders the RCA page, with a review gate's refusal
// (blocked, nil for none) and the override reason typed (flow).
func (p *pages) renderViewBlocked(c *gin.Context, status int, rc *rcaContext, problems []domain.Problem, comment string, blocked error, override, from string) {
	loc := p.localeOf(c)
	a := actorOf(c)
	r := rc.RCA
	offer := app.Offered(a, &r) // flow: one decision for every page
	d := rcaViewPage{
		PageData: p.base(c, ""), RCA: r, Linked: rc.Incidents,
		CanEdit:    offer.Edit,
		CanComment: offer.Comment,
		CanPublish: offer.Has(domain.StatePublished),
		Moves:      offer.Moves,
		Facts:      shownFacts(rc, loc),
		Authors:    namesOf(r.Authors, rc.Names), Reviewers: namesOf(r.Reviewers, rc.Names),
		Problems: problems, StateComment: comment, Languages: p.languages(),
		Timeline: timelineRows(r, loc), ActionRows: actionRows(r, p.s.now(), p.s.orgZone()), Checks: rc.Checks,
	}
	d.Zones = zoneChoices(d.TimeZone)
	if len(r.ContributingFactors) > 0 { // tmpl area: the external edition has none
		if fv := p.factorsFor(c, r, ""); fv != nil {
			for _, ch := range fv.Choices {
				if ch.Checked {
					d.Factors = append(d.Factors, ch.Name)
				}
			}
		}
	}
	d.Review = p.reviewPanel(c, rc, offer, from, problems, comment, blocked, override)
	d.History = d.Review.History
	for _, s := range r.Sections {
		d.Sections = append(d.Sections, viewSection{Key: s.Key, Title: templateText(p.localeOf(c), rc.Template, s.Key, "title", s.Title), Body: s.Body, Visibility: s.Visibility,
			IsTimeline: rc.isTimeline(s.Key), IsActions: rc.isActions(s.Key), Comments: rc.commentsFor(s.Key)})
	}
	if deliveries, err := p.s.store.ListDeliveries(c.Request.Context(), r.ID); err == nil {
		d.Deliveries, d.SubscriberProgress = splitSubscriberDeliveries(p.s.redactDeliveries(c.Request.Context(), deliveries)) // subs
	}
	p.render(c, status, "rca_view", d)
}
