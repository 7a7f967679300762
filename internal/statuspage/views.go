package statuspage

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/markdown"
)

// pageData is what every status template reads.
type pageData struct {
	Lang     string
	Langs    []langLink
	Name     string
	Title    string
	Overall  overallView
	Zone     string
	Groups   []groupView
	Current  []incidentItem
	Months   []monthView
	OlderURL string
	NewerURL string
	Incident *incidentView
	Message  string
	FeedURL  string
	// subs: the subscribe form (overview, when offered) and the form of a
	// message page (confirm, unsubscribe).
	Subscribe *subscribeView
	Detail    string
	Form      *MessageForm
}

// subscribeView is the subscription form of the overview (subs).
type subscribeView struct {
	Token      string
	Components []subscribeChoice
}

type subscribeChoice struct{ ID, Name string }

// MessageForm is a one-button form on a message page (subs).
type MessageForm struct {
	Action, Button string
	Fields         map[string]string
}

type langLink struct {
	Code, Name, URL string
	Current         bool
}

type overallView struct {
	Indicator, Label string
}

type groupView struct {
	Name       string
	Status     string
	Components []componentView
}

type componentView struct {
	Name, Description, Status, StatusLabel string
}

type incidentItem struct {
	ID, URL, Title           string
	Impact, ImpactLabel      string
	Status, StatusLabel      string
	When, Lasted             string
	LatestStatus, LatestWhen string
	LatestBody               template.HTML
	Resolved, Postmortem     bool
	StartedAt                time.Time
}

type monthView struct {
	Label     string
	Key       string
	Incidents []incidentItem
}

type incidentView struct {
	incidentItem
	Affected []affectedView
	Updates  []updateView
	RCAs     []rcaView
}

type affectedView struct {
	Name, Status, StatusLabel, From, To string
}

type updateView struct {
	Status, StatusLabel, When, At string
	Body                          template.HTML
}

type rcaView struct {
	ID, Title string
	Body      template.HTML
}

func (s *Site) base(r *http.Request, lang string) *pageData {
	l := s.cat.Localizer(lang)
	d := &pageData{Lang: lang, Name: s.cfg.Name, Title: pageTitle(l, s.cfg.Name),
		Zone: l.ZoneLabel(s.cfg.Now(), s.loc), FeedURL: "/status/feed.atom?lang=" + url.QueryEscape(lang)}
	for _, code := range s.cat.Languages() {
		q := url.Values{}
		if m := r.URL.Query().Get("month"); m != "" {
			q.Set("month", m)
		}
		q.Set("lang", code)
		d.Langs = append(d.Langs, langLink{Code: code, Name: s.cat.LanguageName(code), URL: r.URL.Path + "?" + q.Encode(), Current: code == lang})
	}
	return d
}

// monthStart is the first instant of t's month in loc.
func monthStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
}

// overview is /status: state, current incidents, components, three months.
func (s *Site) overview(r *http.Request, lang string) (*cached, error) {
	now := s.cfg.Now()
	first := monthStart(now, s.loc).AddDate(0, -2, 0)
	since := first.UTC()
	c, err := s.load(r.Context(), loadSpec{unresolved: true, since: &since})
	if err != nil {
		return nil, err
	}
	l := s.cat.Localizer(lang)
	d := s.base(r, lang)
	st := OverallStatus(c.Components, c.Unresolved())
	d.Overall = overallView{Indicator: st.Indicator, Label: l.T("status.overall." + st.Indicator)}
	d.Groups = s.groups(c, l)
	for _, in := range c.Unresolved() {
		d.Current = append(d.Current, s.withLatest(s.item(r.Context(), c, in, l, now), in, l))
	}
	for i := 0; i < 3; i++ {
		m := monthStart(now, s.loc).AddDate(0, -i, 0)
		d.Months = append(d.Months, s.month(r.Context(), c, m, l, now))
	}
	d.OlderURL = "/status/history?month=" + first.AddDate(0, -1, 0).Format("2006-01") + "&lang=" + url.QueryEscape(lang)
	if s.cfg.SubscribeToken != nil { // subs
		sv := &subscribeView{Token: s.cfg.SubscribeToken()}
		for _, comp := range c.Components {
			sv.Components = append(sv.Components, subscribeChoice{ID: comp.ID, Name: comp.Name})
		}
		d.Subscribe = sv
	}
	return s.page("overview", lang, d)
}

// history is /status/history?month=YYYY-MM (default: this month).
func (s *Site) history(r *http.Request, lang string) (*cached, error) {
	now := s.cfg.Now()
	m := monthStart(now, s.loc)
	if q := r.URL.Query().Get("month"); q != "" {
		t, err := time.ParseInLocation("2006-01", q, s.loc)
		if err != nil || t.Year() < 1970 || t.Year() > 9999 {
			return nil, errBadMonth
		}
		m = t
	}
	since, until := m.UTC(), m.AddDate(0, 1, 0).UTC()
	c, err := s.load(r.Context(), loadSpec{since: &since, until: &until})
	if err != nil {
		return nil, err
	}
	l := s.cat.Localizer(lang)
	d := s.base(r, lang)
	d.Title = l.T("status.history.title") + " · " + s.cfg.Name
	d.Months = []monthView{s.month(r.Context(), c, m, l, now)}
	d.OlderURL = "/status/history?month=" + m.AddDate(0, -1, 0).Format("2006-01") + "&lang=" + url.QueryEscape(lang)
	if m.Before(monthStart(now, s.loc)) {
		d.NewerURL = "/status/history?month=" + m.AddDate(0, 1, 0).Format("2006-01") + "&lang=" + url.QueryEscape(lang)
	}
	return s.page("history", lang, d)
}

// incident is /status/incidents/{id}: facts, components, updates newest
// first, then each published RCA rendered in full.
func (s *Site) incident(r *http.Request, lang string) (*cached, error) {
	id := r.PathValue("id")
	if id == "" || len(id) > 128 {
		return nil, errNotFound
	}
	c, err := s.load(r.Context(), loadSpec{ids: []string{id}})
	if err != nil {
		return nil, err
	}
	in := c.Incidents[0]
	l := s.cat.Localizer(lang)
	now := s.cfg.Now()
	d := s.base(r, lang)
	v := &incidentView{incidentItem: s.item(r.Context(), c, in, l, now)}
	d.Title = in.Title + " · " + s.cfg.Name
	for _, ac := range in.Components {
		name := ac.ComponentID
		if comp, ok := c.component(ac.ComponentID); ok {
			name = comp.Name
		}
		av := affectedView{Name: name, Status: string(ac.Status), StatusLabel: l.T("enum.component_status." + string(ac.Status))}
		if ac.From != nil {
			av.From = l.DateTime(*ac.From, s.loc)
		}
		if ac.To != nil {
			av.To = l.DateTime(*ac.To, s.loc)
		}
		v.Affected = append(v.Affected, av)
	}
	ups := oldestFirst(in.Updates)
	for i := len(ups) - 1; i >= 0; i-- {
		u := ups[i]
		v.Updates = append(v.Updates, updateView{Status: string(u.Status), StatusLabel: l.T("enum.update_status." + string(u.Status)),
			When: l.DateTime(u.At, s.loc), At: u.At.UTC().Format(time.RFC3339), Body: markdown.ToHTML(u.Body)})
	}
	for _, rca := range c.PublishedRCAs(in) {
		rv, err := s.rcaView(r.Context(), c, rca, lang)
		if err != nil {
			return nil, err
		}
		v.RCAs = append(v.RCAs, rv)
	}
	d.Incident = v
	return s.page("incident", lang, d)
}

// rcaView renders a published RCA's external report for this page.
func (s *Site) rcaView(ctx context.Context, c *Content, r domain.RCA, lang string) (rcaView, error) {
	title := r.Title
	if tr, ok := r.Translations[lang]; ok && tr.Title != "" {
		title = tr.Title
	}
	if s.rcaText == nil {
		return rcaView{ID: r.ID, Title: title}, nil
	}
	incidents := s.rcaIncidents(ctx, c, r)
	md, err := s.rcaText(ctx, r, incidents, lang, s.loc)
	if err != nil {
		return rcaView{}, err
	}
	// images (issue 15): the external report's images, from /attachments/ID,
	// which answers anonymous readers only for published external sections.
	body := markdown.ToHTMLWith(dropTitle(md), func(id string) string { return "/attachments/" + id })
	return rcaView{ID: r.ID, Title: title, Body: body}, nil
}

// dropTitle removes a leading "# Title" line: the page shows the title in
// its own heading above the report.
func dropTitle(md string) string {
	if !strings.HasPrefix(md, "# ") {
		return md
	}
	if _, rest, ok := strings.Cut(md, "\n"); ok {
		return strings.TrimLeft(rest, "\n")
	}
	return ""
}

func (s *Site) page(name, lang string, d *pageData) (*cached, error) {
	body, err := s.render(name, lang, d)
	if err != nil {
		return nil, err
	}
	return &cached{status: http.StatusOK, body: body, ctype: "text/html; charset=utf-8"}, nil
}

// groups lists components under their group; ungrouped ones form a group
// without a name, in the store's order.
func (s *Site) groups(c *Content, l *i18n.Localizer) []groupView {
	var out []groupView
	at := map[string]int{}
	for _, comp := range c.Components {
		i, ok := at[comp.Group]
		if !ok || comp.Group == "" && (len(out) == 0 || out[len(out)-1].Name != "") {
			out = append(out, groupView{Name: comp.Group, Status: string(domain.ComponentOperational)})
			i = len(out) - 1
			at[comp.Group] = i
		}
		status := comp.Status
		if status == "" {
			status = domain.ComponentOperational
		}
		out[i].Components = append(out[i].Components, componentView{Name: comp.Name, Description: comp.Description,
			Status: string(status), StatusLabel: l.T("enum.component_status." + string(status))})
		if status.Severity() > domain.ComponentStatus(out[i].Status).Severity() {
			out[i].Status = string(status)
		}
	}
	return out
}

// month lists the incidents that started in the month beginning at m.
func (s *Site) month(ctx context.Context, c *Content, m time.Time, l *i18n.Localizer, now time.Time) monthView {
	end := m.AddDate(0, 1, 0)
	mv := monthView{Label: l.Month(m, s.loc), Key: m.Format("2006-01")}
	for _, in := range c.Incidents {
		if !in.StartedAt.Before(m) && in.StartedAt.Before(end) {
			mv.Incidents = append(mv.Incidents, s.item(ctx, c, in, l, now))
		}
	}
	return mv
}

// item is an incident as listed: labels, when, how long, latest update.
func (s *Site) item(ctx context.Context, c *Content, in domain.Incident, l *i18n.Localizer, now time.Time) incidentItem {
	it := incidentItem{ID: in.ID, URL: "/status/incidents/" + url.PathEscape(in.ID) + "?lang=" + url.QueryEscape(l.Lang()), Title: in.Title,
		Impact: IncidentImpact(in), Status: c.IncidentStatus(in), StartedAt: in.StartedAt}
	it.ImpactLabel = enumLabel(l, "enum.impact.", it.Impact)
	it.Postmortem = it.Status == statusPostmortem
	it.Resolved = in.ResolvedAt != nil || in.Status == domain.StatusResolved
	switch {
	case it.Postmortem:
		it.StatusLabel = l.T("status.label.postmortem")
	default:
		it.StatusLabel = enumLabel(l, "enum.incident_status.", it.Status)
	}
	if it.Resolved {
		it.When = l.T("status.incident.occurred", map[string]any{"Date": l.DateTime(in.StartedAt, s.loc)})
		it.Lasted = l.Lasted(s.lasted(ctx, c, in, now))
	} else {
		it.When = l.T("status.incident.ongoing", map[string]any{"Date": l.DateTime(in.StartedAt, s.loc)})
	}
	return it
}

// withLatest adds the latest update, as the current incidents show it.
func (s *Site) withLatest(it incidentItem, in domain.Incident, l *i18n.Localizer) incidentItem {
	if n := len(in.Updates); n > 0 {
		u := oldestFirst(in.Updates)[n-1]
		it.LatestStatus = enumLabel(l, "enum.update_status.", string(u.Status))
		it.LatestWhen = l.DateTime(u.At, s.loc)
		it.LatestBody = markdown.ToHTML(u.Body)
	}
	return it
}

// enumLabel translates a known enum value; an unknown one (kept raw from an
// import) is shown as it was sent.
func enumLabel(l *i18n.Localizer, prefix, v string) string {
	s := l.T(prefix + v)
	if s == prefix+v {
		return v
	}
	return s
}
