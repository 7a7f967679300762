package report

import (
	"bytes"
	"errors"
	"image/png"
	"regexp"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

var accentRe = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// Limits on branding input.
const (
	maxLogoBytes = 2 << 20
	maxLogoSide  = 4096
	maxOrgName   = 200
)

// Build resolves r for the language, time zone and audience in opt.
// incidents are the RCA's linked incidents, components the status-page
// components (to name affected services), authors maps user ids to display
// names. Bad options give a *domain.ValidationError naming lang, tz,
// audience or branding fields.
func Build(r domain.RCA, incidents []domain.Incident, components []domain.Component, authors map[string]string, cat *i18n.Catalog, opt Options) (Report, error) {
	if cat == nil {
		return Report{}, errors.New("report: build: no message catalog")
	}
	lang, loc, audience, err := resolveOptions(r, cat, opt)
	if err != nil {
		return Report{}, err
	}
	// reportpdf: labels from the catalog language, formats for the full tag.
	tag := lang
	if t, _, err := cat.ParseTag(opt.Lang); err == nil {
		tag = t
	}
	l := cat.Localizer(tag)
	incidents = linkedOnly(r, incidents)
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	rep := Report{
		RCAID:     r.ID,
		Lang:      lang,
		Tag:       tag,
		Paper:     opt.Paper.orDefault(tag),
		TimeZone:  loc.String(),
		Audience:  audience,
		State:     r.State,
		Draft:     r.State != domain.StateApproved && r.State != domain.StatePublished,
		Kind:      l.T("report.kind"),
		Branding:  opt.Branding,
		Generated: now.In(loc),
		loc:       loc,
		l:         l,
	}
	rep.Branding.OrgName = strings.TrimSpace(opt.Branding.OrgName)
	rep.Title = r.Title
	if tr, ok := pickTitle(r.Translations, lang); ok {
		rep.Title = tr
	}
	sameLang := sameBase(r.Language, lang)

	// Keep only what the audience may read.
	timeline := make([]domain.TimelineEntry, 0, len(r.Timeline))
	for _, e := range r.Timeline {
		if audience == Internal || e.Visibility != domain.Internal {
			timeline = append(timeline, e)
		}
	}
	// Metrics come from what this audience sees, so an internal-only
	// entry cannot leak through a derived time.
	rep.Metrics = domain.DeriveMetrics(timeline, incidents)
	if r.IncidentDate != nil {
		d := r.IncidentDate.In(loc)
		rep.IncidentDate = &d
	} else {
		rep.IncidentDate = rep.Metrics.Start
	}
	header := headerFor(r, opt, audience)
	rep.Closing = strings.TrimSpace(header.Closing)

	rep.Labels = Labels{
		Watermark:      l.T("report.watermark"),
		DraftNotice:    draftNotice(l, r.State),
		InternalNotice: l.T("report.internal_notice"),
		InternalMarker: l.T("report.internal_marker"),
		Generated:      l.T("report.generated", map[string]any{"Date": l.Date(now, loc)}),
		Overview:       l.T("report.timeline.overview"),
		Impact:         l.T("report.timeline.impact"),
		Recovering:     l.T("report.timeline.recovering"),
	}
	if audience == Internal {
		for _, id := range r.Authors {
			if name := strings.TrimSpace(authors[id]); name != "" {
				rep.Authors = append(rep.Authors, name)
			}
		}
	}
	rep.Facts = buildFacts(&rep, r, incidents, components, l, loc, header)

	rep.Timeline = buildTimeline(timeline, lang, l, loc)
	rep.Actions = buildActions(r.ActionItems, audience, lang, l, loc)
	rep.Cycles = buildCycles(rep.Metrics, timeline, l, loc)
	rep.Sections = buildSections(r, opt.Template, audience, lang, sameLang, cat, l, len(rep.Timeline.Entries) > 0, len(rep.Actions.Items) > 0)
	if audience == Internal && len(opt.Factors) > 0 { // tmpl area: never in the external edition
		rep.Sections = append(rep.Sections, factorsSection(opt.Factors, l, lang))
	}
	// A timeline section left at its default title is headed with the
	// zone instead: "Zeitablauf (MEZ, UTC+1)".
	for i := range rep.Sections {
		if s := &rep.Sections[i]; s.WithTimeline && s.Title == l.T("report.section.timeline") {
			s.Title = rep.Timeline.Heading
		}
	}
	return rep, nil
}

// linkedOnly keeps the incidents r links, in case a caller passed more.
func linkedOnly(r domain.RCA, incidents []domain.Incident) []domain.Incident {
	linked := map[string]bool{}
	for _, id := range r.IncidentIDs {
		linked[id] = true
	}
	var out []domain.Incident
	for _, in := range incidents {
		if linked[in.ID] {
			out = append(out, in)
		}
	}
	return out
}

func resolveOptions(r domain.RCA, cat *i18n.Catalog, opt Options) (string, *time.Location, Audience, error) {
	var problems []domain.Problem
	lang := strings.TrimSpace(opt.Lang)
	if lang == "" {
		lang = cat.Match(r.Language)
	} else if _, m, err := cat.ParseTag(lang); err == nil {
		lang = m
	} else {
		problems = append(problems, domain.Problem{Field: "lang", Code: domain.CodeInvalid,
			Detail: "unsupported language; use one of " + cat.SupportedTags()})
	}
	if !opt.Paper.Valid() {
		problems = append(problems, domain.Problem{Field: "paper", Code: domain.CodeUnknownEnum, Detail: "use a4 or letter"})
	}
	loc := time.UTC
	if tz := strings.TrimSpace(opt.TimeZone); tz != "" {
		l, err := domain.LoadZone(tz)
		if err != nil {
			problems = append(problems, domain.Problem{Field: "tz", Code: domain.CodeInvalid, Detail: "not an IANA time zone name or an offset such as UTC+1"})
		} else {
			loc = l
		}
	}
	audience := opt.Audience
	if audience == "" {
		audience = External
	}
	if !audience.Valid() {
		problems = append(problems, domain.Problem{Field: "audience", Code: domain.CodeUnknownEnum, Detail: "use external or internal"})
	}
	problems = append(problems, opt.Branding.problems()...)
	problems = append(problems, opt.Header.problems()...)
	if len(problems) > 0 {
		return "", nil, "", &domain.ValidationError{Problems: problems}
	}
	return lang, loc, audience, nil
}

// Validate checks the branding: a hex accent colour, a name of reasonable
// length and a PNG logo of at most 2 MiB and 4096 pixels a side.
func (b Branding) Validate() error {
	if ps := b.problems(); len(ps) > 0 {
		return &domain.ValidationError{Problems: ps}
	}
	return nil
}

func (b Branding) problems() []domain.Problem {
	var ps []domain.Problem
	if b.Accent != "" && !accentRe.MatchString(b.Accent) {
		ps = append(ps, domain.Problem{Field: "branding.accent", Code: domain.CodeInvalid, Detail: "a hex colour such as #1f6feb"})
	}
	if len(b.OrgName) > maxOrgName {
		ps = append(ps, domain.Problem{Field: "branding.org_name", Code: domain.CodeTooLong})
	}
	if len(b.LogoPNG) > 0 {
		if err := checkLogo(b.LogoPNG); err != "" {
			ps = append(ps, domain.Problem{Field: "branding.logo", Code: domain.CodeInvalid, Detail: err})
		}
	}
	return ps
}

func checkLogo(b []byte) string {
	if len(b) > maxLogoBytes {
		return "logo larger than 2 MiB"
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return "not a PNG image"
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxLogoSide || cfg.Height > maxLogoSide {
		return "logo must be at most 4096 pixels wide and high"
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		return "not a valid PNG image"
	}
	return ""
}

// sameBase reports whether two tags share a base language ("en-US", "en").
func sameBase(a, b string) bool {
	ta, err1 := language.Parse(a)
	tb, err2 := language.Parse(b)
	if err1 != nil || err2 != nil {
		return strings.EqualFold(a, b)
	}
	ba, _ := ta.Base()
	bb, _ := tb.Base()
	return ba == bb
}

// pick finds the translation for lang: the exact tag first, then one with
// the same base language ("pt" for "pt-BR").
func pick[T any](m map[string]T, lang string, ok func(T) bool) (T, bool) {
	var zero T
	if len(m) == 0 {
		return zero, false
	}
	for tag, v := range m {
		if strings.EqualFold(tag, lang) && ok(v) {
			return v, true
		}
	}
	// Deterministic among several same-base tags: the shortest, then smallest.
	best, bestTag := zero, ""
	for tag, v := range m {
		if sameBase(tag, lang) && ok(v) && (bestTag == "" || len(tag) < len(bestTag) || (len(tag) == len(bestTag) && tag < bestTag)) {
			best, bestTag = v, tag
		}
	}
	return best, bestTag != ""
}

func pickTitle(m map[string]domain.RCATranslation, lang string) (string, bool) {
	tr, ok := pick(m, lang, func(t domain.RCATranslation) bool { return strings.TrimSpace(t.Title) != "" })
	return tr.Title, ok
}

func pickText(m map[string]string, lang string) (string, bool) {
	return pick(m, lang, func(s string) bool { return strings.TrimSpace(s) != "" })
}

// affectedComponents names the components the linked incidents touched, in
// the components' display order.
func affectedComponents(r domain.RCA, incidents []domain.Incident, components []domain.Component) []string {
	touched := map[string]bool{}
	for _, in := range incidents {
		linked := false
		for _, id := range r.IncidentIDs {
			linked = linked || id == in.ID
		}
		if !linked {
			continue
		}
		for _, c := range in.Components {
			touched[c.ComponentID] = true
		}
	}
	var out []string
	for _, c := range components {
		if touched[c.ID] && strings.TrimSpace(c.Name) != "" {
			out = append(out, c.Name)
		}
	}
	return out
}
