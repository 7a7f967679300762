package report

import (
	"bytes"
	"errors"
	"image/png"
	"regexp"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"golang.org/x/text/language"
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
	header := headerFor(r, opt.Template, opt.Header, audience)
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

func buildTimeline(entries []domain.TimelineEntry, lang string, l *i18n.Localizer, loc *time.Location) Timeline {
	var tl Timeline
	first := time.Now()
	// Offsets in effect over the timed entries: more than one (a daylight
	// saving change) names the zone in the heading and each entry's own
	// abbreviation beside its time.
	var abbrs []string
	offsets := map[int]bool{}
	for _, e := range entries {
		if !e.Timed() {
			continue
		}
		if len(offsets) == 0 {
			first = e.At
		}
		if _, off := e.At.In(loc).Zone(); !offsets[off] {
			offsets[off] = true
			abbrs = append(abbrs, l.ZoneAbbr(e.At, loc))
		}
	}
	multiZone := len(offsets) > 1
	if multiZone {
		tl.Heading = l.T("report.timeline.heading", map[string]any{"Zone": loc.String() + ", " + strings.Join(abbrs, "/")})
	} else {
		tl.Heading = l.TimelineHeading(first, loc)
	}
	tl.Labels.Date = l.T("report.timeline.date")
	tl.Labels.Time = l.T("report.timeline.time")
	tl.Labels.Kind = l.T("report.timeline.kind")
	tl.Labels.Event = l.T("report.timeline.event")
	days := map[string]bool{}
	for _, e := range entries {
		at := e.At.In(loc)
		text := e.Text
		if tr, ok := pickText(e.Translations, lang); ok {
			text = tr
		}
		label := ""
		if e.Kind.Valid() { // reportpdf: notes have a type too
			label = l.T("enum.timeline_kind." + string(e.Kind))
		}
		row := Entry{At: at, Kind: e.Kind, KindLabel: label, Markdown: oneParagraph(text), Internal: e.Visibility == domain.Internal}
		switch {
		case e.Timed():
			days[at.Format("2006-01-02")] = true
			row.Date, row.Time = l.ShortDate(at, loc), l.Time(at, loc)
			if multiZone {
				row.Time += " " + l.ZoneAbbr(at, loc)
			}
		case e.Precision == domain.PrecisionDay && e.Day != nil:
			// A calendar day as the author wrote it, in no zone.
			days[e.Day.String()] = true
			row.Date, row.Untimed = l.ShortDate(e.Day.In(time.UTC), time.UTC), true
		default:
			row.Untimed = true
		}
		tl.Entries = append(tl.Entries, row)
	}
	tl.MultiDay = len(days) > 1
	tl.MultiZone = multiZone
	return tl
}

// oneParagraph joins the lines of a timeline text, so it stays one table row.
func oneParagraph(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", "")), " ")
}

func buildActions(items []domain.ActionItem, audience Audience, lang string, l *i18n.Localizer, loc *time.Location) ActionTable {
	var at ActionTable
	at.Heading = l.T("report.actions.heading")
	at.Labels.Title = l.T("report.actions.title")
	at.Labels.Owner = l.T("report.actions.owner")
	at.Labels.Due = l.T("report.actions.due")
	at.Labels.State = l.T("report.actions.state")
	at.Labels.Tracker = l.T("report.actions.tracker")
	for _, a := range items {
		if audience != Internal && a.Visibility == domain.Internal {
			continue
		}
		title := a.Title
		if tr, ok := pickText(a.Translations, lang); ok {
			title = tr
		}
		row := Action{Title: oneParagraph(title), Owner: strings.TrimSpace(a.Owner), State: a.State, Internal: a.Visibility == domain.Internal}
		if a.State.Valid() {
			row.StateLabel = l.T("enum.action_state." + string(a.State))
		}
		if a.Due != nil {
			// A due date is a calendar day: shown as that day in any zone.
			row.Due = l.ShortDate(a.Due.In(time.UTC), time.UTC)
		}
		if isWebURL(a.TrackerURL) {
			row.TrackerURL = a.TrackerURL
		}
		at.Items = append(at.Items, row)
	}
	return at
}

// buildCycles prepares the impact cycles for the visual timeline. Each
// cycle is marked with the first entry of each phase kind inside it.
func buildCycles(m domain.Metrics, entries []domain.TimelineEntry, l *i18n.Localizer, loc *time.Location) []Cycle {
	var out []Cycle
	type numbered struct {
		c    domain.Cycle
		n, j int
	}
	var all []numbered
	for i, o := range m.Occurrences {
		for j, c := range o.Cycles {
			all = append(all, numbered{c, i + 1, j})
		}
	}
	for _, nc := range all {
		c := nc.c
		cy := Cycle{Start: c.Start.In(loc)}
		// Cycles are numbered by their occurrence; a recurrence inside one
		// says so instead of counting as another occurrence.
		cy.Label = l.T("report.timeline.occurrence", map[string]any{"Number": nc.n})
		if nc.j > 0 {
			cy.Label += " · " + l.T("enum.timeline_kind.recurred")
		}
		cy.Label += " · " + l.DateTime(c.Start, loc)
		if c.Detected != nil {
			t := c.Detected.In(loc)
			cy.Detected = &t
		}
		if c.Mitigated != nil {
			t := c.Mitigated.In(loc)
			cy.Mitigated = &t
		}
		if c.Resolved != nil {
			t := c.Resolved.In(loc)
			cy.Resolved = &t
		}
		end := cycleEnd(cy)
		seen := map[domain.TimelineKind]bool{}
		for _, e := range entries {
			switch e.Kind {
			case domain.KindTrigger, domain.KindImpactStart, domain.KindRecurred, domain.KindDetected, domain.KindMitigated, domain.KindResolved:
			default:
				continue
			}
			if !e.Timed() || seen[e.Kind] || e.At.Before(c.Start) || e.At.After(end) {
				continue
			}
			seen[e.Kind] = true
			cy.Marks = append(cy.Marks, Mark{Kind: e.Kind, Label: l.T("enum.timeline_kind." + string(e.Kind)), At: e.At.In(loc), Time: l.Time(e.At, loc)})
		}
		out = append(out, cy)
	}
	return out
}

func buildSections(r domain.RCA, custom *domain.Template, audience Audience, lang string, sameLang bool, cat *i18n.Catalog, l *i18n.Localizer, hasTimeline, hasActions bool) []Section {
	tpl, builtin := templateOf(r, custom) // builtin: the template's definitions are known
	var out []Section
	timelinePlaced, actionsPlaced := false, false
	noted := false // the untranslated notice shows once, on the first such section
	for _, s := range r.Sections {
		if audience != Internal && s.Visibility == domain.Internal {
			continue
		}
		sec := Section{Key: s.Key, Anchor: "section-" + anchorSafe(s.Key), Internal: s.Visibility == domain.Internal}
		def, hasDef := tpl.Definition(s.Key)
		sec.WithTimeline = !timelinePlaced && ((hasDef && def.HasRule(domain.RuleTimeline)) || (!builtin && s.Key == "timeline"))
		sec.WithActions = !actionsPlaced && ((hasDef && def.HasRule(domain.RuleActionItems)) || (!builtin && (s.Key == "preventive_measures" || s.Key == "prevention")))
		timelinePlaced = timelinePlaced || sec.WithTimeline
		actionsPlaced = actionsPlaced || sec.WithActions

		tr, translated := pick(s.Translations, lang, func(t domain.SectionTranslation) bool {
			return strings.TrimSpace(t.Body) != "" || strings.TrimSpace(t.Title) != ""
		})
		sec.Title = sectionTitle(s, tr, cat, l)
		sec.Markdown = s.Body
		sec.BodyLang = lang
		if translated && strings.TrimSpace(tr.Body) != "" {
			sec.Markdown = tr.Body
		} else if !sameLang && strings.TrimSpace(s.Body) != "" {
			if !noted {
				sec.UntranslatedNote = l.T("report.untranslated", map[string]any{"Language": l.LanguageNameOf(baseOrTag(cat, r.Language))})
				noted = true
			}
			sec.BodyLang = r.Language
		}
		empty := strings.TrimSpace(sec.Markdown) == ""
		placesTable := sec.WithTimeline && hasTimeline || sec.WithActions && hasActions
		if empty && !placesTable {
			// An empty section says nothing to a reader; a placed table
			// keeps its section.
			if sec.WithTimeline {
				timelinePlaced = false
			}
			if sec.WithActions {
				actionsPlaced = false
			}
			continue
		}
		out = append(out, sec)
	}
	// Tables without a section of their own go last, under their own heading.
	if hasTimeline && !timelinePlaced {
		out = append(out, Section{Key: "timeline", Anchor: "section-timeline", Title: l.T("report.section.timeline"), BodyLang: lang, WithTimeline: true})
	}
	if hasActions && !actionsPlaced {
		out = append(out, Section{Key: "action_items", Anchor: "section-action_items", Title: l.T("report.actions.heading"), BodyLang: lang, WithActions: true})
	}
	return out
}

// sectionTitle prefers the author's translation, then the catalog's title
// for a built-in key the author left at its default, then the author's own.
func sectionTitle(s domain.Section, tr domain.SectionTranslation, cat *i18n.Catalog, l *i18n.Localizer) string {
	if t := strings.TrimSpace(tr.Title); t != "" {
		return t
	}
	key := "report.section." + s.Key
	if cat.Has(i18n.DefaultLanguage, key) {
		en := cat.Localizer(i18n.DefaultLanguage).T(key)
		if strings.TrimSpace(s.Title) == "" || s.Title == en || isBuiltinTitle(s.Key, s.Title) {
			return l.T(key)
		}
	}
	if strings.TrimSpace(s.Title) == "" {
		return s.Key
	}
	return s.Title
}

func isBuiltinTitle(key, title string) bool {
	for _, t := range domain.BuiltinTemplates() {
		if d, ok := t.Definition(key); ok && d.Title == title {
			return true
		}
	}
	return false
}

func baseOrTag(cat *i18n.Catalog, tag string) string {
	if m, ok := cat.Lookup(tag); ok && sameBase(m, tag) {
		return m
	}
	return tag
}

var anchorRe = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func anchorSafe(s string) string {
	s = anchorRe.ReplaceAllString(s, "-")
	if s == "" {
		return "x"
	}
	return s
}

func isWebURL(s string) bool {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	return (strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")) && len(s) > len("https://") && !strings.ContainsAny(s, " \t\n\r\"<>")
}
