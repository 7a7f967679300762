package report

import (
	"cmp"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// This file belongs to the metrics area: the header facts, worded from the
// one metrics model (domain.DeriveMetrics) for every output.

// Header chooses the export header's extras and which facts show. Zero
// values fall back to the RCA template's defaults.
type Header struct {
	// Facts lists the fact keys to show ("date", "duration",
	// "affected_services", "occurrences", "linked_incidents", "severity",
	// "time_to_detect", "time_to_mitigate", "time_to_resolve", "status",
	// "authors"); nil: the template's default, else all.
	Facts      []string
	IssueDate  *domain.Date
	DocVersion string
	Contact    string
	StatusURL  string // http or https
	Closing    string // the closing paragraph, plain text
}

// HeaderFactKeys lists every fact key a header may choose.
var HeaderFactKeys = []string{"date", "occurrences", "duration", "affected_services", "linked_incidents", "severity",
	"time_to_detect", "time_to_mitigate", "time_to_resolve", "status", "authors"}

// Limits on header input.
const (
	maxHeaderText = 500
	maxClosing    = 4000
)

func (h Header) problems() []domain.Problem {
	var ps []domain.Problem
	for _, k := range h.Facts {
		if !contains(HeaderFactKeys, k) {
			ps = append(ps, domain.Problem{Field: "facts", Code: domain.CodeUnknownEnum, Detail: "use some of " + strings.Join(HeaderFactKeys, ", ")})
			break
		}
	}
	if h.IssueDate != nil && !h.IssueDate.Valid() {
		ps = append(ps, domain.Problem{Field: "issue_date", Code: domain.CodeInvalid, Detail: "YYYY-MM-DD"})
	}
	for field, v := range map[string]string{"doc_version": h.DocVersion, "contact": h.Contact, "status_url": h.StatusURL} {
		if len(v) > maxHeaderText {
			ps = append(ps, domain.Problem{Field: field, Code: domain.CodeTooLong})
		}
	}
	if len(h.Closing) > maxClosing {
		ps = append(ps, domain.Problem{Field: "closing", Code: domain.CodeTooLong})
	}
	if h.StatusURL != "" && !isWebURL(h.StatusURL) {
		ps = append(ps, domain.Problem{Field: "status_url", Code: domain.CodeInvalid, Detail: "an http or https URL"})
	}
	return ps
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// MetricFacts words the facts derived from m: the date (a range over
// several occurrences), the occurrences one line each, the duration (a
// total across N occurrences when there are several) and TTD/TTM/TTR (the
// single occurrence's, or labelled as the median over N). An author's own
// wording of a fact (r.FactWording) replaces the derived value. The RCA
// page, the exports and the API all show these.
func MetricFacts(r domain.RCA, m domain.Metrics, l *i18n.Localizer, loc *time.Location) []Fact {
	if loc == nil {
		loc = time.UTC
	}
	var facts []Fact
	add := func(key, label, value string, lines ...string) {
		if w, ok := r.FactWording(key, l.Lang()); ok {
			value, lines = w, nil
		}
		if strings.TrimSpace(value) != "" {
			facts = append(facts, Fact{Key: key, Label: label, Value: value, Lines: lines})
		}
	}
	n := len(m.Occurrences)
	// Date: the author's calendar day, else the first impact, or the
	// range of days over several occurrences.
	date := ""
	switch {
	case r.IncidentDate != nil:
		date = l.Date(r.IncidentDate.In(time.UTC), time.UTC)
	case n > 1 && m.Start != nil:
		last := m.Occurrences[n-1]
		end := last.Start
		if last.End != nil {
			end = *last.End
		}
		date = l.DateRange(*m.Start, end, loc)
	case m.Start != nil:
		date = l.Date(*m.Start, loc)
	}
	add("date", l.T("report.fact.date"), date)
	if n > 1 {
		var lines []string
		for _, o := range m.Occurrences {
			lines = append(lines, OccurrenceLine(o, l, loc))
		}
		add("occurrences", l.T("report.fact.occurrences"), l.N("facts.occurrences", n), lines...)
	}
	durLabel := l.T("report.fact.duration")
	if n > 1 {
		durLabel = l.N("facts.total_duration", n)
	}
	dur := ""
	switch {
	case m.Ongoing():
		dur = l.T("report.ongoing")
	case m.Total > 0:
		dur = l.ApproxDuration(m.Total)
	case n > 0:
		dur = l.ApproxDuration(0)
	}
	add("duration", durLabel, dur)
	for _, t := range []struct {
		key string
		v   *time.Duration
	}{{"time_to_detect", m.TimeToDetect}, {"time_to_mitigate", m.TimeToMitigate}, {"time_to_resolve", m.TimeToResolve}} {
		if t.v == nil {
			continue
		}
		label := l.T("report.fact." + t.key)
		if m.Aggregate == domain.AggregateMedian {
			label = l.N("facts.median", n, map[string]any{"Label": label})
		}
		add(t.key, label, l.Duration(*t.v))
	}
	return facts
}

// OccurrenceLine words one occurrence: its date, time range in loc and
// duration, and its impact periods when the impact came back within it:
// "Sep 30, 2024, 18:02–19:15 UTC+1 (~23 minutes; 2 impact periods)".
func OccurrenceLine(o domain.Occurrence, l *i18n.Localizer, loc *time.Location) string {
	zone := l.ZoneAbbr(o.Start, loc)
	var rng string
	switch {
	case o.End == nil:
		rng = l.T("facts.since", map[string]any{"From": l.Time(o.Start, loc), "Zone": zone})
	case sameDay(o.Start, *o.End, loc):
		rng = l.T("facts.time_range", map[string]any{"From": l.Time(o.Start, loc), "To": l.Time(*o.End, loc), "Zone": zone})
	default:
		rng = l.T("facts.time_range", map[string]any{"From": l.Time(o.Start, loc), "To": l.DateTime(*o.End, loc), "Zone": l.ZoneAbbr(*o.End, loc)})
	}
	d := l.ApproxDuration(o.Duration)
	if o.End == nil {
		d = l.T("report.ongoing")
	}
	data := map[string]any{"Date": l.ShortDate(o.Start, loc), "Range": rng, "Duration": d}
	if len(o.Cycles) > 1 {
		data["Cycles"] = l.N("facts.impact_periods", len(o.Cycles))
		return l.T("facts.occurrence_line_cycles", data)
	}
	return l.T("facts.occurrence_line", data)
}

func sameDay(a, b time.Time, loc *time.Location) bool {
	return domain.DateOf(a.In(loc)) == domain.DateOf(b.In(loc))
}

// buildFacts is the header: the metric facts, then the RCA's own facts,
// filtered by the header options, then the header's extras.
func buildFacts(rep *Report, r domain.RCA, incidents []domain.Incident, components []domain.Component, l *i18n.Localizer, loc *time.Location, h Header) []Fact {
	all := MetricFacts(r, rep.Metrics, l, loc)
	add := func(key, value string) {
		if w, ok := r.FactWording(key, l.Lang()); ok {
			value = w
		}
		if strings.TrimSpace(value) != "" {
			all = append(all, Fact{Key: key, Label: l.T("report.fact." + key), Value: value})
		}
	}
	sep := l.T("format.list_separator")
	services := r.AffectedServices
	if len(services) == 0 {
		services = affectedComponents(r, incidents, components)
	}
	add("affected_services", strings.Join(services, sep))
	var linked []string
	for _, id := range r.IncidentIDs {
		for _, in := range incidents {
			if in.ID == id {
				s := in.Title
				if !in.StartedAt.IsZero() {
					s += " (" + l.ShortDate(in.StartedAt, loc) + ")"
				}
				linked = append(linked, s)
			}
		}
	}
	add("linked_incidents", strings.Join(linked, sep))
	if r.Severity != domain.SeverityNone && r.Severity.Valid() {
		add("severity", l.T("enum.severity."+string(r.Severity)))
	}
	if r.State.Valid() {
		add("status", l.T("enum.rca_state."+string(r.State)))
	}
	if len(rep.Authors) > 0 {
		add("authors", strings.Join(rep.Authors, sep))
	}
	// Header order: as HeaderFactKeys lists them.
	var facts []Fact
	for _, key := range HeaderFactKeys {
		if h.Facts != nil && !contains(h.Facts, key) {
			continue
		}
		for _, f := range all {
			if f.Key == key {
				facts = append(facts, f)
			}
		}
	}
	extra := func(key, value, url string) {
		if value = strings.TrimSpace(value); value != "" {
			facts = append(facts, Fact{Key: key, Label: l.T("facts." + key), Value: value, URL: url})
		}
	}
	if h.IssueDate != nil {
		extra("issue_date", l.Date(h.IssueDate.In(time.UTC), time.UTC), "")
	}
	extra("document_version", h.DocVersion, "")
	extra("contact", h.Contact, "")
	if isWebURL(h.StatusURL) {
		extra("status_page", h.StatusURL, h.StatusURL)
	}
	return facts
}

// headerFor merges an export's header options over the template's
// defaults, and those over the organisation's. Default facts shape the
// external edition only: the internal edition shows every fact.
func headerFor(r domain.RCA, opt Options, audience Audience) Header {
	h := opt.Header
	tpl := opt.TemplateHeader
	if tpl == nil && opt.Template != nil { // a custom template's own defaults (tmpl area)
		tpl = &opt.Template.Header
	}
	if tpl == nil {
		builtin, _ := domain.BuiltinTemplate(r.Template)
		tpl = &builtin.Header
	}
	for _, d := range []domain.HeaderDefaults{*tpl, opt.OrgHeader} {
		if h.Facts == nil && audience != Internal && len(d.Facts) > 0 {
			h.Facts = d.Facts
		}
		if h.IssueDate == nil {
			h.IssueDate = d.IssueDate
		}
		h.DocVersion = cmp.Or(h.DocVersion, d.DocVersion)
		h.Contact = cmp.Or(h.Contact, d.Contact)
		h.StatusURL = cmp.Or(h.StatusURL, d.StatusURL)
		h.Closing = cmp.Or(h.Closing, d.Closing)
	}
	return h
}

// CheckHeaderDefaults checks header defaults (a template's or the
// organisation's) as ParseHeader checks an export's options: a
// *domain.ValidationError naming the member, or nil. It trims the text.
func CheckHeaderDefaults(d *domain.HeaderDefaults) error {
	d.DocVersion, d.Contact = strings.TrimSpace(d.DocVersion), strings.TrimSpace(d.Contact)
	d.StatusURL, d.Closing = strings.TrimSpace(d.StatusURL), strings.TrimSpace(d.Closing)
	h := Header{Facts: d.Facts, IssueDate: d.IssueDate, DocVersion: d.DocVersion, Contact: d.Contact, StatusURL: d.StatusURL, Closing: d.Closing}
	if ps := h.problems(); len(ps) > 0 {
		return &domain.ValidationError{Problems: ps}
	}
	return nil
}

// HeaderParams are the export parameters ParseHeader reads.
var HeaderParams = []string{"facts", "issue_date", "doc_version", "contact", "status_url", "closing"}

// ParseHeader reads the partner header from export parameters (query
// parameters or flags): facts=date,duration,affected_services,
// issue_date=YYYY-MM-DD, doc_version, contact, status_url, closing. get
// returns a parameter's value and whether it was given. Bad values are a
// *domain.ValidationError naming the parameter.
func ParseHeader(get func(name string) (string, bool)) (Header, error) {
	var h Header
	var ps []domain.Problem
	if v, ok := get("facts"); ok {
		h.Facts = []string{}
		for _, k := range strings.Split(v, ",") {
			if k = strings.TrimSpace(k); k != "" {
				h.Facts = append(h.Facts, k)
			}
		}
	}
	if v, ok := get("issue_date"); ok && strings.TrimSpace(v) != "" {
		d, err := domain.ParseDate(strings.TrimSpace(v))
		if err != nil || len(strings.TrimSpace(v)) != len("2006-01-02") || !d.Valid() {
			ps = append(ps, domain.Problem{Field: "issue_date", Code: domain.CodeInvalid, Detail: "YYYY-MM-DD"})
		} else {
			h.IssueDate = &d
		}
	}
	text := func(name string) string { v, _ := get(name); return strings.TrimSpace(v) }
	h.DocVersion, h.Contact, h.StatusURL, h.Closing = text("doc_version"), text("contact"), text("status_url"), text("closing")
	ps = append(ps, h.problems()...)
	if len(ps) > 0 {
		return Header{}, &domain.ValidationError{Problems: ps}
	}
	return h, nil
}
