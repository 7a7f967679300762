package domain

import (
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// RCA is a root cause analysis (postmortem) of one or more incidents.
type RCA struct {
	ID       string   `json:"id"`
	Slug     string   `json:"slug"`
	Title    string   `json:"title"`
	Template string   `json:"template"`
	Language string   `json:"language"` // BCP 47 tag of the text as written
	State    RCAState `json:"state"`
	// Version is bumped by every successful write; writers name the version they read.
	Version          int64    `json:"version"`
	IncidentIDs      []string `json:"incident_ids"`
	IncidentDate     *Date    `json:"incident_date"`     // a calendar day; nil: derived from the timeline or incidents
	DurationOverride string   `json:"duration_override"` // an author's own wording, e.g. "~1 hour"
	// FactOverrides holds an author's own wording of a header fact (key
	// "date", "duration", "time_to_detect", …), also per language.
	FactOverrides    map[string]FactOverride `json:"fact_overrides,omitempty"`
	AffectedServices []string                `json:"affected_services"`
	Severity         Severity                `json:"severity"`
	Tags             []string                `json:"tags"`
	Authors          []string                `json:"authors"`   // user ids
	Reviewers        []string                `json:"reviewers"` // user ids
	Sections         []Section               `json:"sections"`
	Timeline         []TimelineEntry         `json:"timeline"`
	ActionItems      []ActionItem            `json:"action_items"`
	// Translations holds the translated title per BCP 47 tag.
	Translations map[string]RCATranslation `json:"translations"`
	// ContributingFactors holds keys of the factor taxonomy (tmpl area,
	// issue 14); the service checks them against the taxonomy.
	ContributingFactors []string `json:"contributing_factors"`
	// History records every state change, oldest first.
	History     []StateChange `json:"history"`
	CreatedBy   string        `json:"created_by"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	PublishedAt *time.Time    `json:"published_at"`
}

// RCATranslation is the RCA-level text in another language.
type RCATranslation struct {
	Title string `json:"title"`
}

// Section is one part of an RCA's text.
type Section struct {
	Key        string     `json:"key"`
	Title      string     `json:"title"`
	Body       string     `json:"body"` // Markdown
	Visibility Visibility `json:"visibility"`
	Guidance   string     `json:"guidance"`
	Required   bool       `json:"required"`
	// Revision is bumped whenever the section's content changes; a section
	// save names the revision it read.
	Revision     int64                         `json:"revision"`
	Translations map[string]SectionTranslation `json:"translations"`
	UpdatedBy    string                        `json:"updated_by,omitempty"`
	UpdatedAt    *time.Time                    `json:"updated_at,omitempty"`
	// SourceRevision is the revision at which the source text (title or
	// body) last changed (area collab); 0 when unknown (before it existed).
	SourceRevision int64 `json:"source_revision,omitempty"`
}

// SectionTranslation is a section's title and body in another language.
type SectionTranslation struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// SourceRevision is the section's SourceRevision the translation was
	// written against (area collab); the server sets it when the
	// translation changes.
	SourceRevision int64 `json:"source_revision,omitempty"`
}

// TranslationOutdated reports whether the source text changed after the
// translation into lang was written (area collab). Translations of
// unknown age (written before source revisions were kept) are not marked.
func (s Section) TranslationOutdated(lang string) bool {
	t, ok := s.Translations[lang]
	return ok && t.SourceRevision > 0 && t.SourceRevision < s.SourceRevision
}

// stampSource keeps source revisions after s changed from old (nil: new):
// a changed source text moves the section's SourceRevision, and a changed
// translation is stamped with the source it was written against.
func (s *Section) stampSource(old *Section) {
	if old == nil || old.Body != s.Body || old.Title != s.Title {
		s.SourceRevision = s.Revision
	} else if s.SourceRevision = old.SourceRevision; s.SourceRevision == 0 {
		s.SourceRevision = s.Revision // unknown so far: known as of now
	}
	for lang, t := range s.Translations {
		var prev SectionTranslation
		var had bool
		if old != nil {
			prev, had = old.Translations[lang]
		}
		switch {
		case !had || prev.Title != t.Title || prev.Body != t.Body:
			t.SourceRevision = s.SourceRevision
		default:
			t.SourceRevision = prev.SourceRevision
		}
		s.Translations[lang] = t
	}
}

// TimelineEntry is one moment of an incident's story.
type TimelineEntry struct {
	ID string    `json:"id"`
	At time.Time `json:"at"` // UTC; for an untimed entry only its place in the order
	// Precision says how much of the time the author gave: a date and a
	// time (empty), a date only ("date", in Day) or nothing ("none").
	Precision    TimePrecision     `json:"precision,omitempty"`
	Day          *Date             `json:"date,omitempty"` // with Precision "date"
	Kind         TimelineKind      `json:"kind"`
	Text         string            `json:"text"` // Markdown, one paragraph
	Visibility   Visibility        `json:"visibility"`
	Translations map[string]string `json:"translations"`
}

// ActionItem is a preventive measure someone owns.
type ActionItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Owner is who does it: a name as written (someone outside Hindsight),
	// or, with OwnerID set, the display name of that user when it was chosen.
	Owner string `json:"owner"`
	// OwnerID is the Hindsight user who owns the item (actions area, issue
	// 14); empty for an owner outside Hindsight.
	OwnerID    string      `json:"owner_id"`
	Due        *Date       `json:"due"` // a calendar day
	State      ActionState `json:"state"`
	TrackerURL string      `json:"tracker_url"`
	Visibility Visibility  `json:"visibility"`
	// Translations holds the translated title per BCP 47 tag.
	Translations map[string]string `json:"translations"`
	// DoneAt is when the item became done (server-owned: set by
	// StampActionsDone, nil while the item is not done).
	DoneAt *time.Time `json:"done_at"`
}

// Open reports whether the item is still to do (open or in progress).
func (a ActionItem) Open() bool { return a.State == ActionOpen || a.State == ActionInProgress }

// StampActionsDone makes DoneAt server-owned: an item that is done keeps the
// DoneAt it had in prev (the stored RCA, nil for a new one) when it was done
// there already, else gets now; an item that is not done has none.
func (r *RCA) StampActionsDone(prev *RCA, now time.Time) {
	before := map[string]ActionItem{}
	if prev != nil {
		for _, a := range prev.ActionItems {
			before[a.ID] = a
		}
	}
	for i := range r.ActionItems {
		a := &r.ActionItems[i]
		if a.State != ActionDone {
			a.DoneAt = nil
			continue
		}
		if old, ok := before[a.ID]; ok && old.State == ActionDone && old.DoneAt != nil {
			t := *old.DoneAt
			a.DoneAt = &t
			continue
		}
		t := now.UTC()
		a.DoneAt = &t
	}
}

// Overdue reports whether the item is still open past its due date: the
// due day is over in loc, the organisation's time zone (nil: UTC).
func (a ActionItem) Overdue(now time.Time, loc *time.Location) bool {
	if a.Due == nil || (a.State != ActionOpen && a.State != ActionInProgress) {
		return false
	}
	if loc == nil {
		loc = time.UTC
	}
	return a.Due.Before(DateOf(now.In(loc)))
}

// StateChange is one step in an RCA's review workflow.
type StateChange struct {
	From    RCAState  `json:"from"`
	To      RCAState  `json:"to"`
	By      string    `json:"by"` // user id
	At      time.Time `json:"at"`
	Comment string    `json:"comment"`
	// OverrideReason is why the author submitted for review although
	// required sections or quality checks failed (flow).
	OverrideReason string `json:"override_reason,omitempty"`
	// Version is, for an approval, the version the reviewer read and
	// approved (flow).
	Version int64 `json:"version,omitempty"`
}

// SectionEdit is a save of one section. BaseRevision is the section revision
// the author read; the store refuses the save when it is stale.
type SectionEdit struct {
	Title        *string                       `json:"title,omitempty"`
	Body         string                        `json:"body"`
	Visibility   Visibility                    `json:"visibility"`
	Translations map[string]SectionTranslation `json:"translations"`
	BaseRevision int64                         `json:"base_revision"`
}

// ErrUnknownSection is returned when a section key is not part of an RCA.
var ErrUnknownSection = errors.New("domain: unknown section")

// NewRCA makes a draft RCA from a template, with the template's sections in order.
func NewRCA(title string, tpl Template, lang string, incidentIDs []string, by string, now time.Time) RCA {
	now = now.UTC()
	r := RCA{
		ID:          NewID(),
		Title:       strings.TrimSpace(title),
		Template:    tpl.Key,
		Language:    lang,
		State:       StateDraft,
		IncidentIDs: dedupe(incidentIDs),
		CreatedBy:   by,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	r.Slug = Slugify(r.Title)
	if by != "" {
		r.Authors = []string{by}
	}
	for _, d := range tpl.Sections {
		r.Sections = append(r.Sections, Section{
			Key: d.Key, Title: d.Title, Guidance: d.Guidance, Required: d.Required,
			Visibility: d.Visibility, Revision: 1,
		})
	}
	r.Normalize()
	return r
}

// Normalize fills defaults, gives entries ids, puts times in UTC and the
// timeline in time order. It never drops content.
func (r *RCA) Normalize() {
	if r.State == "" {
		r.State = StateDraft
	}
	if r.Language == "" {
		r.Language = "en"
	}
	if r.Slug == "" {
		r.Slug = Slugify(r.Title)
	}
	r.IncidentIDs = dedupe(r.IncidentIDs)
	r.AffectedServices = nonNil(r.AffectedServices)
	r.Tags = nonNil(r.Tags)
	r.Authors = nonNil(r.Authors)
	r.Reviewers = nonNil(r.Reviewers)
	r.ContributingFactors = nonNil(r.ContributingFactors) // tmpl area
	if r.Sections == nil {
		r.Sections = []Section{}
	}
	for i := range r.Sections {
		s := &r.Sections[i]
		if s.Visibility == "" {
			s.Visibility = External
		}
		if s.Revision == 0 {
			s.Revision = 1
		}
	}
	if r.Timeline == nil {
		r.Timeline = []TimelineEntry{}
	}
	anchor := time.Time{}
	for i := range r.Timeline {
		e := &r.Timeline[i]
		e.At = e.At.UTC()
		// An untimed entry keeps its place: a date-only one sorts at the
		// start of its day, one without a time after the entry before it.
		switch e.Precision {
		case PrecisionMinute:
			e.Day = nil
		case PrecisionDay:
			if e.Day != nil {
				e.At = e.Day.In(time.UTC)
			}
		case PrecisionNone:
			e.Day = nil
			e.At = anchor
		}
		anchor = e.At
		if e.ID == "" {
			e.ID = NewID()
		}
		if e.Visibility == "" {
			e.Visibility = External
		}
		if e.Kind == "" {
			e.Kind = KindNote
		}
	}
	sort.SliceStable(r.Timeline, func(i, j int) bool { return r.Timeline[i].At.Before(r.Timeline[j].At) })
	if r.ActionItems == nil {
		r.ActionItems = []ActionItem{}
	}
	for i := range r.ActionItems {
		a := &r.ActionItems[i]
		if a.ID == "" {
			a.ID = NewID()
		}
		if a.State == "" {
			a.State = ActionOpen
		}
		if a.Visibility == "" {
			a.Visibility = External
		}
	}
	if r.History == nil {
		r.History = []StateChange{}
	}
}

// Validate checks an RCA before it is stored. Call Normalize first.
func (r *RCA) Validate() error {
	var ps problems
	checkTitle(&ps, "title", r.Title, true)
	checkText(&ps, "template", r.Template, true, MaxNameLen)
	if _, err := language.Parse(r.Language); err != nil {
		ps.add("language", CodeInvalid, r.Language)
	}
	if !r.State.Valid() {
		ps.add("state", CodeUnknownEnum, string(r.State))
	}
	if !r.Severity.Valid() {
		ps.add("severity", CodeUnknownEnum, string(r.Severity))
	}
	checkText(&ps, "duration_override", r.DurationOverride, false, MaxNameLen)
	checkFactOverrides(&ps, r.FactOverrides)
	if r.IncidentDate != nil && !r.IncidentDate.Valid() {
		ps.add("incident_date", CodeInvalid, "YYYY-MM-DD")
	}
	for name, list := range map[string][]string{"incident_ids": r.IncidentIDs, "affected_services": r.AffectedServices, "tags": r.Tags} {
		if len(list) > MaxListLen {
			ps.add(name, CodeTooLong, "")
		}
		for i, v := range list {
			if strings.TrimSpace(v) == "" {
				ps.add(name+"["+strconv.Itoa(i)+"]", CodeRequired, "")
			} else if len(v) > MaxNameLen {
				ps.add(name+"["+strconv.Itoa(i)+"]", CodeTooLong, "")
			}
		}
	}
	for tag, tr := range r.Translations {
		checkTag(&ps, "translations."+tag, tag)
		checkTitle(&ps, "translations."+tag+".title", tr.Title, false)
	}
	checkFactorList(&ps, r.ContributingFactors) // tmpl area
	seen := map[string]bool{}
	for i, s := range r.Sections {
		f := "sections[" + strconv.Itoa(i) + "]"
		if s.Key == "" {
			ps.add(f+".key", CodeRequired, "")
		} else if seen[s.Key] {
			ps.add(f+".key", CodeDuplicate, s.Key)
		}
		seen[s.Key] = true
		checkTitle(&ps, f+".title", s.Title, false)
		checkText(&ps, f+".body", s.Body, false, MaxBodyLen)
		if !s.Visibility.Valid() {
			ps.add(f+".visibility", CodeUnknownEnum, string(s.Visibility))
		}
		for tag, tr := range s.Translations {
			checkTag(&ps, f+".translations."+tag, tag)
			checkTitle(&ps, f+".translations."+tag+".title", tr.Title, false)
			checkText(&ps, f+".translations."+tag+".body", tr.Body, false, MaxBodyLen)
		}
	}
	for i, e := range r.Timeline {
		f := "timeline[" + strconv.Itoa(i) + "]"
		switch e.Precision {
		case PrecisionMinute:
			if e.At.IsZero() {
				ps.add(f+".at", CodeRequired, "")
			}
		case PrecisionDay:
			if e.Day == nil {
				ps.add(f+".date", CodeRequired, "")
			} else if !e.Day.Valid() {
				ps.add(f+".date", CodeInvalid, "YYYY-MM-DD")
			}
		case PrecisionNone:
		default:
			ps.add(f+".precision", CodeUnknownEnum, string(e.Precision))
		}
		if !e.Kind.Valid() {
			ps.add(f+".kind", CodeUnknownEnum, string(e.Kind))
		}
		if !e.Visibility.Valid() {
			ps.add(f+".visibility", CodeUnknownEnum, string(e.Visibility))
		}
		checkText(&ps, f+".text", e.Text, true, MaxTextLen)
		for tag, text := range e.Translations {
			checkTag(&ps, f+".translations."+tag, tag)
			checkText(&ps, f+".translations."+tag, text, false, MaxTextLen)
		}
	}
	for i, a := range r.ActionItems {
		f := "action_items[" + strconv.Itoa(i) + "]"
		checkTitle(&ps, f+".title", a.Title, true)
		checkText(&ps, f+".owner", a.Owner, false, MaxNameLen)
		checkText(&ps, f+".owner_id", a.OwnerID, false, MaxNameLen)
		if !a.State.Valid() {
			ps.add(f+".state", CodeUnknownEnum, string(a.State))
		}
		if !a.Visibility.Valid() {
			ps.add(f+".visibility", CodeUnknownEnum, string(a.Visibility))
		}
		for tag, text := range a.Translations {
			checkTag(&ps, f+".translations."+tag, tag)
			checkTitle(&ps, f+".translations."+tag, text, false)
		}
		if a.Due != nil && !a.Due.Valid() {
			ps.add(f+".due", CodeInvalid, "YYYY-MM-DD")
		}
		if a.TrackerURL != "" && !isWebURL(a.TrackerURL) {
			ps.add(f+".tracker_url", CodeInvalid, "must be an http or https URL")
		}
	}
	r.checkLimits(&ps)
	return ps.err()
}

// Section returns a pointer to the section with key, or nil.
func (r *RCA) Section(key string) *Section {
	for i := range r.Sections {
		if r.Sections[i].Key == key {
			return &r.Sections[i]
		}
	}
	return nil
}

// ApplySectionEdit writes e into the section with key and bumps its revision.
// It does not check e.BaseRevision: the store does that atomically.
func (r *RCA) ApplySectionEdit(key string, e SectionEdit, by string, now time.Time) error {
	if !r.Editable() {
		return ErrLocked
	}
	s := r.Section(key)
	if s == nil {
		return ErrUnknownSection
	}
	old := *s // collab: what the source and translations were
	if e.Title != nil {
		s.Title = *e.Title
	}
	s.Body = e.Body
	if e.Visibility != "" {
		s.Visibility = e.Visibility
	}
	if e.Translations != nil {
		s.Translations = make(map[string]SectionTranslation, len(e.Translations))
		for k, v := range e.Translations {
			s.Translations[k] = v
		}
	}
	s.Revision++
	s.stampSource(&old) // collab
	s.UpdatedBy = by
	t := now.UTC()
	s.UpdatedAt = &t
	r.UpdatedAt = t
	return nil
}

// Editable reports whether authors may change the RCA's content: only while
// it is a draft or in review (reviewers' comments are addressed in place).
func (r *RCA) Editable() bool { return r.State == StateDraft || r.State == StateInReview }

// BumpChangedSections raises the revision of every section whose content
// differs from prev, so that a whole-RCA replace invalidates open section edits.
func (r *RCA) BumpChangedSections(prev *RCA) {
	for i := range r.Sections {
		s := &r.Sections[i]
		old := prev.Section(s.Key)
		if old == nil {
			s.Revision = 1
			continue
		}
		s.Revision = old.Revision
		if old.Body != s.Body || old.Title != s.Title || old.Visibility != s.Visibility || !sameTranslations(old.Translations, s.Translations) {
			s.Revision++
		}
		s.stampSource(old) // collab
	}
}

// Complete reports whether the section has been written.
func (s Section) Complete() bool { return strings.TrimSpace(s.Body) != "" }

// LinkIncident adds an incident id once.
func (r *RCA) LinkIncident(id string) { r.IncidentIDs = dedupe(append(r.IncidentIDs, id)) }

// UnlinkIncident removes an incident id.
func (r *RCA) UnlinkIncident(id string) {
	out := r.IncidentIDs[:0]
	for _, v := range r.IncidentIDs {
		if v != id {
			out = append(out, v)
		}
	}
	r.IncidentIDs = out
}

// ExternalSections returns the sections an external audience may read.
func (r *RCA) ExternalSections() []Section {
	var out []Section
	for _, s := range r.Sections {
		if s.Visibility == External {
			out = append(out, s)
		}
	}
	return out
}

// checkTag accepts a well-formed BCP 47 tag such as "de" or "pt-BR".
func checkTag(ps *problems, field, tag string) {
	if _, err := language.Parse(tag); err != nil {
		ps.add(field, CodeInvalid, "not a BCP 47 tag")
	}
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func sameTranslations(a, b map[string]SectionTranslation) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func dedupe(in []string) []string {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

func nonNil(in []string) []string {
	if in == nil {
		return []string{}
	}
	return in
}
