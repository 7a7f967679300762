// Package report resolves an RCA for one language, time zone and audience
// into a Report, and renders a Report as Markdown, HTML or PDF. Renderers
// never touch storage: callers load the RCA, its incidents and components
// and pass them to Build.
package report

import (
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// Audience says who a report is for.
type Audience string

// Audiences. External drops every internal section, timeline entry and
// action item; internal keeps them, marked.
const (
	External Audience = "external"
	Internal Audience = "internal"
)

// Valid reports whether a is a known audience.
func (a Audience) Valid() bool { return a == External || a == Internal }

// Branding personalises the exports.
type Branding struct {
	OrgName string
	LogoPNG []byte // a PNG image, shown in the header
	Accent  string // a CSS hex colour, "#1f6feb"
}

// Options choose how an RCA is resolved.
type Options struct {
	Lang     string   // BCP 47; empty: the RCA's own language
	TimeZone string   // IANA name; empty: UTC
	Audience Audience // empty: external
	// Now is the generation time; set it for deterministic output.
	Now      time.Time
	Branding Branding
	// Paper is the PDF's page size; empty: from the language tag (Letter
	// for en-US, en-CA, es-MX and the other Letter countries, else A4).
	Paper Paper

	// Header: which facts show and the partner header's extras (metrics
	// area); zero values take the template's defaults.
	Header Header

	// Factors are the RCA's contributing factors, named in the report's
	// language, when its template shows them (tmpl area). Only the internal
	// edition shows them, as an internal section at the end.
	Factors []FactorLine
	// Template is the RCA's custom template (tmpl area), for its section
	// rules and header defaults; nil or another key: built-ins only.
	Template *domain.Template
	// TemplateHeader is the RCA's template's header defaults; nil: the
	// built-in template's of that key. OrgHeader is the organisation's
	// defaults (the settings). An export's own options win over the
	// template's, and the template's over the organisation's.
	TemplateHeader *domain.HeaderDefaults
	OrgHeader      domain.HeaderDefaults
}

// FactorLine is one contributing factor as a report shows it.
type FactorLine struct {
	Name        string
	Description string
}

// Report is an RCA resolved for one language, time zone and audience, with
// every label already translated. Text fields hold plain text unless their
// name says Markdown.
type Report struct {
	RCAID    string
	Lang     string // the catalog language used for labels
	Tag      string // the full BCP 47 tag dates are formatted for, "en-GB"
	Paper    Paper  // the PDF's page size
	TimeZone string
	Audience Audience
	State    domain.RCAState
	// Draft is true for anything not approved or published.
	Draft bool

	Title        string
	Kind         string // "Root cause analysis"
	IncidentDate *time.Time
	Facts        []Fact
	Authors      []string // display names; internal audience only
	Sections     []Section
	Timeline     Timeline
	Actions      ActionTable
	Cycles       []Cycle
	Metrics      domain.Metrics
	Branding     Branding
	Generated    time.Time
	Labels       Labels
	// Closing is the paragraph customers read last (apology, contact), plain text.
	Closing string
	// Images are the attachments the sections show, by id (images.go);
	// the caller loads them after Build. Nil: references stay text.
	Images map[string]Image

	loc *time.Location
	l   *i18n.Localizer
}

// Location is the report's time zone.
func (r *Report) Location() *time.Location {
	if r.loc == nil {
		return time.UTC
	}
	return r.loc
}

// Localizer is the report's localizer (for page numbers and the like).
func (r *Report) Localizer() *i18n.Localizer { return r.l }

// Fact is one labelled line of the header block.
type Fact struct {
	Key   string // "date", "duration", …
	Label string
	Value string
	// Lines are further lines under the value: one per occurrence.
	Lines []string
	// URL makes the value a link (the status page).
	URL string
}

// Section is one section of text, in template order.
type Section struct {
	Key      string
	Anchor   string // an HTML id, "section-root_cause"
	Title    string
	Markdown string // the author's Markdown, untrusted
	// BodyLang is the language the body is written in: the report's, or
	// the RCA's own when no translation exists.
	BodyLang string
	Internal bool
	// UntranslatedNote is set when the body is shown in the RCA's language
	// because no translation into the report's language exists.
	UntranslatedNote string
	// WithTimeline and WithActions place the timeline and action item
	// tables after this section's text.
	WithTimeline bool
	WithActions  bool
}

// Timeline is the table of timeline entries.
type Timeline struct {
	Heading string // "Timeline (UTC)"
	// MultiDay is true when the entries span more than one calendar day in
	// the report's zone, so each row shows its date.
	MultiDay bool
	// MultiZone is true when the entries span more than one UTC offset;
	// each entry's Time then carries its own abbreviation.
	MultiZone bool
	Entries   []Entry
	Labels    struct{ Date, Time, Kind, Event string }
}

// Entry is one timeline row.
type Entry struct {
	At        time.Time // in the report's zone
	Date      string
	Time      string
	Kind      domain.TimelineKind
	KindLabel string
	Markdown  string // one paragraph of author Markdown
	Internal  bool
	// Untimed is true for a line with a date only (Date set) or no time.
	Untimed bool
}

// ActionTable lists the action items.
type ActionTable struct {
	Heading string
	Items   []Action
	Labels  struct{ Title, Owner, Due, State, Tracker string }
}

// Action is one action item row.
type Action struct {
	Title      string
	Owner      string
	Due        string
	State      domain.ActionState
	StateLabel string
	TrackerURL string // http or https only
	Internal   bool
}

// Cycle is one stretch of impact for the visual timeline, with times in
// the report's zone and labels ready to print.
type Cycle struct {
	Label     string // "Occurrence 2 · Mar 10, 2026, 09:10"
	Start     time.Time
	Detected  *time.Time
	Mitigated *time.Time
	Resolved  *time.Time
	Marks     []Mark
}

// Mark is a labelled moment of a cycle.
type Mark struct {
	Kind  domain.TimelineKind
	Label string
	At    time.Time
	Time  string
}

// Labels are the fixed words the renderers print.
type Labels struct {
	Watermark      string // "DRAFT"
	DraftNotice    string
	InternalNotice string
	InternalMarker string
	Generated      string
	Overview       string
	Impact         string
	Recovering     string
}
