package report

// The parts of a Report built from an RCA's content: timeline, actions,
// occurrence cycles and sections.

import (
	"regexp"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

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
