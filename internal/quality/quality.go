// Package quality checks an RCA draft for the gaps reviewers ask about most:
// empty required sections, a timeline without detection or resolution,
// preventive measures without an owner or a due date, timeline entries that
// contradict the incidents' times, and blame-prone wording in the root cause.
//
// The checks are advice shown to authors as a checklist; none of them blocks
// a save. Messages are catalog keys ("quality.<code>") so the UI localizes them.
package quality

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Check codes, in the order the checklist shows them.
const (
	CheckRequiredSections = "required_sections"
	CheckDetection        = "timeline_detection"
	CheckResolution       = "timeline_resolution"
	CheckTimelineOrder    = "timeline_order"
	CheckActionOwners     = "action_owner_due"
	CheckBlameless        = "blameless"
)

// Finding is one concrete problem behind a failed check.
type Finding struct {
	// SectionKey is the section the author should open to fix it ("" for none).
	SectionKey string
	// Subject names what is affected: a section title, an entry's time, an
	// action item's title, a blame-prone phrase.
	Subject string
	// Code refines the check ("missing_owner", "missing_due", "person", "phrase", ...).
	Code string
}

// Check is one line of the checklist.
type Check struct {
	Code     string
	OK       bool
	Findings []Finding
	// Applies is false when the RCA's template has no place for this check
	// (e.g. no timeline section); such checks count as passed.
	Applies bool
}

// Report is the whole checklist.
type Report struct {
	Checks []Check
}

// Passed counts the checks that passed.
func (r Report) Passed() int {
	n := 0
	for _, c := range r.Checks {
		if c.OK {
			n++
		}
	}
	return n
}

// OK reports whether every check passed.
func (r Report) OK() bool { return r.Passed() == len(r.Checks) }

// ForSection returns the findings that point at section key.
func (r Report) ForSection(key string) []Finding {
	var out []Finding
	for _, c := range r.Checks {
		for _, f := range c.Findings {
			if f.SectionKey == key {
				out = append(out, f)
			}
		}
	}
	return out
}

// Input is what the checks look at besides the RCA itself.
type Input struct {
	RCA domain.RCA
	// Template is the RCA's template; when its key is empty the section
	// rules are guessed from well-known section keys.
	Template domain.Template
	// Incidents are the linked incidents.
	Incidents []domain.Incident
	// People are names of people (users, action item owners) that should not
	// appear in a blameless root cause.
	People []string
}

// Run performs every check.
func Run(in Input) Report {
	r := in.RCA
	timelineKey := sectionWithRule(in, domain.RuleTimeline, "timeline")
	actionsKey := sectionWithRule(in, domain.RuleActionItems, "preventive_measures")
	return Report{Checks: []Check{
		requiredSections(in),
		hasKind(r, timelineKey, CheckDetection, domain.KindDetected),
		hasKind(r, timelineKey, CheckResolution, domain.KindResolved),
		timelineOrder(r, in.Incidents, timelineKey),
		actionOwners(r, actionsKey),
		blameless(in),
	}}
}

// SectionComplete reports whether a section counts as written: its body has
// text, or, for the timeline and preventive-measures sections, the RCA has
// timeline entries or action items.
func SectionComplete(in Input, s domain.Section) bool {
	if s.Complete() {
		return true
	}
	switch s.Key {
	case sectionWithRule(in, domain.RuleTimeline, "timeline"):
		return len(in.RCA.Timeline) > 0
	case sectionWithRule(in, domain.RuleActionItems, "preventive_measures"):
		return len(in.RCA.ActionItems) > 0
	}
	return false
}

func sectionWithRule(in Input, rule, fallback string) string {
	if in.Template.Key != "" {
		for _, d := range in.Template.Sections {
			if d.HasRule(rule) && in.RCA.Section(d.Key) != nil {
				return d.Key
			}
		}
		return ""
	}
	if in.RCA.Section(fallback) != nil {
		return fallback
	}
	return ""
}

func requiredSections(in Input) Check {
	c := Check{Code: CheckRequiredSections, Applies: true}
	for _, s := range in.RCA.Sections {
		if s.Required && !SectionComplete(in, s) {
			c.Findings = append(c.Findings, Finding{SectionKey: s.Key, Subject: s.Title, Code: "empty"})
		}
	}
	c.OK = len(c.Findings) == 0
	return c
}

func hasKind(r domain.RCA, timelineKey, code string, kind domain.TimelineKind) Check {
	c := Check{Code: code, Applies: timelineKey != ""}
	if !c.Applies {
		c.OK = true
		return c
	}
	for _, e := range r.Timeline {
		if e.Kind == kind {
			c.OK = true
			return c
		}
	}
	c.Findings = []Finding{{SectionKey: timelineKey, Code: "missing"}}
	return c
}

// rank orders kinds within one cycle of impact.
var rank = map[domain.TimelineKind]int{
	domain.KindTrigger:     0,
	domain.KindImpactStart: 1,
	domain.KindDetected:    2,
	domain.KindEscalated:   3,
	domain.KindIdentified:  3,
	domain.KindMitigated:   4,
	domain.KindResolved:    5,
}

// timelineOrder flags entries whose kind contradicts their time: detection,
// mitigation or resolution before the impact started, resolution before
// detection, and responses dated before the earliest linked incident began.
func timelineOrder(r domain.RCA, incidents []domain.Incident, timelineKey string) Check {
	c := Check{Code: CheckTimelineOrder, Applies: timelineKey != ""}
	if !c.Applies {
		c.OK = true
		return c
	}
	// Untimed lines (a date only, or no time) have no order to check.
	entries := make([]domain.TimelineEntry, 0, len(r.Timeline))
	for _, e := range r.Timeline {
		if e.Timed() {
			entries = append(entries, e)
		}
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].At.Before(entries[j].At) })

	// Walk in time order. A recurrence (or a new start after a resolution)
	// opens a new cycle, so a second outage's detection is not compared with
	// the first one's resolution.
	highest := -1
	var highestKind domain.TimelineKind
	for _, e := range entries {
		rk, ok := rank[e.Kind]
		if e.Kind == domain.KindRecurred || (ok && rk <= 1 && highest >= 4) {
			highest = rk
			highestKind = e.Kind
			continue
		}
		if !ok {
			continue
		}
		if rk < highest && rk >= 2 {
			c.Findings = append(c.Findings, Finding{SectionKey: timelineKey, Subject: e.At.UTC().Format(time.RFC3339), Code: "after_" + string(highestKind)})
			continue
		}
		if rk > highest {
			highest = rk
			highestKind = e.Kind
		}
	}

	var earliest *time.Time
	for _, in := range incidents {
		if in.StartedAt.IsZero() {
			continue
		}
		if earliest == nil || in.StartedAt.Before(*earliest) {
			t := in.StartedAt
			earliest = &t
		}
	}
	if earliest != nil {
		for _, e := range entries {
			switch e.Kind {
			case domain.KindDetected, domain.KindEscalated, domain.KindIdentified, domain.KindMitigated, domain.KindResolved:
				if e.At.Before(*earliest) {
					c.Findings = append(c.Findings, Finding{SectionKey: timelineKey, Subject: e.At.UTC().Format(time.RFC3339), Code: "before_incident"})
				}
			}
		}
	}
	c.OK = len(c.Findings) == 0
	return c
}

func actionOwners(r domain.RCA, actionsKey string) Check {
	c := Check{Code: CheckActionOwners, Applies: actionsKey != ""}
	if !c.Applies {
		c.OK = true
		return c
	}
	for _, a := range r.ActionItems {
		if a.State == domain.ActionWontDo {
			continue
		}
		if strings.TrimSpace(a.Owner) == "" {
			c.Findings = append(c.Findings, Finding{SectionKey: actionsKey, Subject: a.Title, Code: "missing_owner"})
		}
		if a.Due == nil {
			c.Findings = append(c.Findings, Finding{SectionKey: actionsKey, Subject: a.Title, Code: "missing_due"})
		}
	}
	c.OK = len(c.Findings) == 0
	return c
}

// blamePhrases are wordings that put the cause on a person rather than on
// the system that let the mistake through. Lowercase; matched on word bounds.
var blamePhrases = []string{
	"human error", "operator error", "user error", "human failure", "pilot error",
	"fault of", "his fault", "her fault", "their fault", "was careless", "carelessness",
	"negligence", "negligent", "should have known", "failed to notice", "forgot to",
	"menschliches versagen", "menschlicher fehler", "bedienfehler", "schuld",
}

var mentionRe = regexp.MustCompile(`(^|[^\w@])@[A-Za-z][\w.-]{1,38}`)

// blameSections are the sections the blameless check reads: those with the
// blameless rule, or the well-known root cause keys.
func blameSections(in Input) []domain.Section {
	var out []domain.Section
	for _, s := range in.RCA.Sections {
		d, ok := in.Template.Definition(s.Key)
		if (ok && d.HasRule(domain.RuleBlameless)) || s.Key == "root_cause" || s.Key == "cause" {
			out = append(out, s)
		}
	}
	return out
}

func blameless(in Input) Check {
	c := Check{Code: CheckBlameless, Applies: true}
	for _, s := range blameSections(in) {
		texts := []string{s.Body}
		for _, tr := range s.Translations {
			texts = append(texts, tr.Body)
		}
		seen := map[string]bool{}
		add := func(code, subject string) {
			if seen[code+subject] {
				return
			}
			seen[code+subject] = true
			c.Findings = append(c.Findings, Finding{SectionKey: s.Key, Subject: subject, Code: code})
		}
		for _, text := range texts {
			lower := strings.ToLower(text)
			for _, p := range blamePhrases {
				if containsWord(lower, p) {
					add("phrase", p)
				}
			}
			for _, name := range in.People {
				// Names count written as names, capitalized: "Will Mark"
				// is a person, "will mark" is a verb phrase.
				full, parts := nameParts(name)
				if full != "" && containsWord(text, titleCase(full)) {
					add("person", titleCase(full))
					continue
				}
				for _, part := range parts {
					if containsWord(text, capitalize(part)) {
						add("person", capitalize(part))
					}
				}
			}
			if !strings.Contains(text, "@") {
				continue // no mention; the regexp is the slow part on long texts
			}
			for _, m := range mentionRe.FindAllString(text, -1) {
				add("person", strings.TrimLeftFunc(m, func(r rune) bool { return r != '@' }))
			}
		}
	}
	c.OK = len(c.Findings) == 0
	return c
}

// nameParts splits a person's name into the full name and its parts of at
// least three letters. An email address gives its local part ("dana.scully"
// becomes "dana scully").
func nameParts(name string) (full string, parts []string) {
	name = strings.TrimSpace(name)
	if i := strings.IndexByte(name, '@'); i > 0 {
		name = strings.NewReplacer(".", " ", "_", " ", "-", " ", "+", " ").Replace(name[:i])
	}
	fields := strings.Fields(name)
	if len(fields) == 0 {
		return "", nil
	}
	for _, f := range fields {
		if len([]rune(f)) >= 3 {
			parts = append(parts, f)
		}
	}
	return strings.Join(fields, " "), parts
}

// titleCase capitalizes every word of a name.
func titleCase(s string) string {
	fields := strings.Fields(s)
	for i, f := range fields {
		fields[i] = capitalize(f)
	}
	return strings.Join(fields, " ")
}

// capitalize upper-cases the first letter, as a name is written.
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// containsWord reports whether phrase occurs in s with no letter or digit
// directly before or after it.
func containsWord(s, phrase string) bool {
	if phrase == "" {
		return false
	}
	for from := 0; ; {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(phrase)
		if !wordRuneBefore(s, i) && !wordRuneAt(s, end) {
			return true
		}
		from = i + 1
	}
}

func wordRuneBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(last) || unicode.IsDigit(last)
}

func wordRuneAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	for _, r := range s[i:] {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return false
}
