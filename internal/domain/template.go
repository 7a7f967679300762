package domain

import (
	"regexp"
	"strconv"
	"time"
)

var templateKey = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Template is an ordered list of section definitions an RCA starts from.
type Template struct {
	Key         string       `json:"key"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Sections    []SectionDef `json:"sections"`
	BuiltIn     bool         `json:"built_in"`
	// Header holds the export header's defaults (metrics area).
	Header HeaderDefaults `json:"header,omitempty"`

	// tmpl area (issue 14): custom templates are versioned, retired rather
	// than deleted, translated, and may put contributing factors into the
	// internal report.
	Version      int64                          `json:"version"`
	Retired      bool                           `json:"retired"`
	ShowFactors  bool                           `json:"show_factors"`
	Translations map[string]TemplateTranslation `json:"translations,omitempty"`
	CreatedAt    time.Time                      `json:"created_at,omitzero"`
	UpdatedAt    time.Time                      `json:"updated_at,omitzero"`
}

// TemplateTranslation is a template's name and description in another language.
type TemplateTranslation struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// SectionDefTranslation is a section definition's title and guidance in
// another language.
type SectionDefTranslation struct {
	Title    string `json:"title"`
	Guidance string `json:"guidance,omitempty"`
}

// HeaderDefaults are a template's defaults for the export header; an
// export's own options override them.
type HeaderDefaults struct {
	// Facts lists the header facts shown, in FactKeys names plus "status",
	// "linked_incidents" and "authors"; empty shows every fact.
	Facts   []string `json:"facts,omitempty"`
	Contact string   `json:"contact,omitempty"`
	Closing string   `json:"closing,omitempty"`
	// report2 area: the rest of the partner header, as defaults too (per
	// template, and as the organisation's defaults in the settings).
	IssueDate  *Date  `json:"issue_date,omitempty"`
	DocVersion string `json:"doc_version,omitempty"`
	StatusURL  string `json:"status_url,omitempty"`
}

// SectionDef defines one section of a template. Guidance tells the author
// what to answer; Example shows a short good answer.
type SectionDef struct {
	Key        string     `json:"key"`
	Title      string     `json:"title"`
	Guidance   string     `json:"guidance"`
	Example    string     `json:"example"`
	Required   bool       `json:"required"`
	Visibility Visibility `json:"visibility"`
	// Rules name extra checks: "timeline" (the timeline editor belongs here),
	// "action_items" (preventive measures, each needs an owner and a due date).
	Rules []string `json:"rules,omitempty"`
	// Translations holds the title and guidance per BCP 47 tag (tmpl area).
	Translations map[string]SectionDefTranslation `json:"translations,omitempty"`
}

// Section rule names.
const (
	RuleTimeline    = "timeline"
	RuleActionItems = "action_items"
	RuleBlameless   = "blameless"
)

// HasRule reports whether the definition carries rule.
func (d SectionDef) HasRule(rule string) bool { return contains(d.Rules, rule) }

// Normalize fills defaults of a user-defined template: sections without a
// visibility are external.
func (t *Template) Normalize() {
	for i := range t.Sections {
		if t.Sections[i].Visibility == "" {
			t.Sections[i].Visibility = External
		}
	}
}

// Validate checks a user-defined template: its key (not a built-in's), name,
// sections (unique keys, titles, known visibility and rules) and
// translations. Problems name the field, e.g. "sections[2].title".
func (t *Template) Validate() error {
	var ps problems
	checkText(&ps, "key", t.Key, true, 64)
	if t.Key != "" && !templateKey.MatchString(t.Key) {
		ps.add("key", CodeInvalid, "lowercase letters, digits, dashes and underscores only")
	}
	if _, builtin := BuiltinTemplate(t.Key); builtin && !t.BuiltIn {
		ps.add("key", CodeDuplicate, "a built-in template has this key")
	}
	checkText(&ps, "name", t.Name, true, MaxNameLen)
	checkText(&ps, "description", t.Description, false, MaxTextLen)
	if len(t.Sections) == 0 {
		ps.add("sections", CodeRequired, "")
	}
	checkCount(&ps, "sections", len(t.Sections), MaxSections)
	checkCount(&ps, "translations", len(t.Translations), MaxTranslations)
	for tag, tr := range t.Translations {
		checkTag(&ps, "translations."+tag, tag)
		checkText(&ps, "translations."+tag+".name", tr.Name, false, MaxNameLen)
		checkText(&ps, "translations."+tag+".description", tr.Description, false, MaxTextLen)
	}
	seen := map[string]bool{}
	for i, d := range t.Sections {
		f := "sections[" + strconv.Itoa(i) + "]"
		checkText(&ps, f+".key", d.Key, true, 64)
		if d.Key != "" && !templateKey.MatchString(d.Key) {
			ps.add(f+".key", CodeInvalid, "lowercase letters, digits, dashes and underscores only")
		}
		if seen[d.Key] {
			ps.add(f+".key", CodeDuplicate, d.Key)
		}
		seen[d.Key] = true
		checkTitle(&ps, f+".title", d.Title, true)
		checkText(&ps, f+".guidance", d.Guidance, false, MaxTextLen)
		checkText(&ps, f+".example", d.Example, false, MaxTextLen)
		if !d.Visibility.Valid() {
			ps.add(f+".visibility", CodeUnknownEnum, string(d.Visibility))
		}
		for j, r := range d.Rules {
			if r != RuleTimeline && r != RuleActionItems && r != RuleBlameless {
				ps.add(f+".rules["+strconv.Itoa(j)+"]", CodeUnknownEnum, r)
			}
		}
		checkCount(&ps, f+".translations", len(d.Translations), MaxTranslations)
		for tag, tr := range d.Translations {
			checkTag(&ps, f+".translations."+tag, tag)
			checkTitle(&ps, f+".translations."+tag+".title", tr.Title, false)
			checkText(&ps, f+".translations."+tag+".guidance", tr.Guidance, false, MaxTextLen)
		}
	}
	return ps.err()
}

// Localized returns the template with its name, description, section
// titles and guidance in lang where a translation exists (the exact tag
// first, then its base language); the rest stays as
// written. The maps are not shared with t.
func (t Template) Localized(lang string) Template {
	out := t
	if tr, ok := pickTranslation(t.Translations, lang); ok {
		if tr.Name != "" {
			out.Name = tr.Name
		}
		if tr.Description != "" {
			out.Description = tr.Description
		}
	}
	out.Sections = make([]SectionDef, len(t.Sections))
	for i, d := range t.Sections {
		if tr, ok := pickTranslation(d.Translations, lang); ok {
			if tr.Title != "" {
				d.Title = tr.Title
			}
			if tr.Guidance != "" {
				d.Guidance = tr.Guidance
			}
		}
		out.Sections[i] = d
	}
	return out
}

// pickTranslation finds lang in m: the exact tag, then the base language
// ("pt" for "pt-BR").
func pickTranslation[T any](m map[string]T, lang string) (T, bool) {
	if v, ok := m[lang]; ok {
		return v, true
	}
	base := lang
	for i := 0; i < len(base); i++ {
		if base[i] == '-' || base[i] == '_' {
			base = base[:i]
			break
		}
	}
	if v, ok := m[base]; ok {
		return v, true
	}
	var zero T
	return zero, false
}

// Definition returns the section definition with key, or false.
func (t Template) Definition(key string) (SectionDef, bool) {
	for _, d := range t.Sections {
		if d.Key == key {
			return d, true
		}
	}
	return SectionDef{}, false
}

// Built-in template keys.
const (
	TemplateStandard   = "standard"
	TemplatePartner    = "partner"
	TemplateThirdParty = "third_party"
)

// BuiltinTemplates returns the templates every installation has.
func BuiltinTemplates() []Template {
	return []Template{standardTemplate(), partnerTemplate(), thirdPartyTemplate()}
}

// BuiltinTemplate returns the built-in template with key, or false.
func BuiltinTemplate(key string) (Template, bool) {
	for _, t := range BuiltinTemplates() {
		if t.Key == key {
			return t, true
		}
	}
	return Template{}, false
}

func standardTemplate() Template {
	return Template{
		Key: TemplateStandard, Name: "Standard postmortem", BuiltIn: true,
		Description: "The full SRE postmortem: what happened, why, how it was fixed and what changes now.",
		Sections: []SectionDef{
			{Key: "summary", Title: "Summary", Required: true, Visibility: External,
				Guidance: "In three or four sentences: what broke, who noticed, how long it lasted and whether it is fixed. Write for a reader who knows nothing about the incident.",
				Example:  "For 47 minutes, one in five checkout requests failed with a timeout. A database failover left the payment service pointing at a read-only replica. We moved traffic back to the primary and checkout recovered fully at 10:12 UTC."},
			{Key: "impact", Title: "Impact", Required: true, Visibility: External,
				Guidance: "Who was affected and how much: users, requests, regions, money, data. Give numbers where you have them and say what was not affected.",
				Example:  "About 12,000 checkout attempts failed (18% of the period's traffic), all in the EU region. No payment was charged twice and no data was lost."},
			{Key: "timeline", Title: "Timeline", Required: true, Visibility: External, Rules: []string{RuleTimeline},
				Guidance: "The key moments in order: what triggered it, when impact began, when it was detected, escalated, mitigated and resolved. Add entries below; write any context here.",
				Example:  "All times are UTC. The alert fired six minutes after the first errors."},
			{Key: "root_cause", Title: "Root cause", Required: true, Visibility: External, Rules: []string{RuleBlameless},
				Guidance: "Why it happened, down to the cause you can fix. Describe systems and conditions, not people: ask why the system allowed the mistake.",
				Example:  "The failover script updated the DNS record but not the connection string cached by the payment service, which kept writing to the old primary after it became read-only."},
			{Key: "detection", Title: "Detection", Visibility: Internal,
				Guidance: "How we found out, how long it took and what would have caught it sooner.",
				Example:  "The error-rate alert fired at 09:31; the on-call engineer acknowledged it at 09:33. A synthetic checkout probe would have caught it four minutes earlier."},
			{Key: "resolution", Title: "Resolution", Required: true, Visibility: External,
				Guidance: "What was done to stop the impact and to restore full service, and how we knew it had worked.",
				Example:  "We restarted the payment service with the corrected connection string and watched the error rate return to its baseline for 30 minutes."},
			{Key: "preventive_measures", Title: "Preventive measures", Required: true, Visibility: External, Rules: []string{RuleActionItems},
				Guidance: "Concrete changes that stop this from happening again or shorten it next time. Each needs an owner and a due date; add them as action items.",
				Example:  "Make the payment service re-resolve its database endpoint on failover (owner: payments team, due in two weeks)."},
			{Key: "lessons_learned", Title: "Lessons learned", Visibility: Internal,
				Guidance: "What went well, what went badly and where we got lucky. This stays internal by default.",
				Example:  "Went well: the rollback runbook was current. Went badly: the status page was updated 20 minutes late."},
		},
	}
}

func partnerTemplate() Template {
	return Template{
		Key: TemplatePartner, Name: "Partner RCA", BuiltIn: true,
		// What partners read in the header, as on real partner reports.
		Header:      HeaderDefaults{Facts: []string{"date", "occurrences", "duration", "affected_services"}},
		Description: "A short report for partners and customers: what happened, why, and what we are changing.",
		Sections: []SectionDef{
			{Key: "summary", Title: "Summary", Required: true, Visibility: External,
				Guidance: "What partners saw and for how long, in plain words without internal names.",
				Example:  "Between 08:12 and 09:05 UTC, requests to the Templates API failed intermittently with HTTP 503."},
			{Key: "timeline", Title: "Timeline", Required: true, Visibility: External, Rules: []string{RuleTimeline},
				Guidance: "The moments partners care about: start of impact, detection, mitigation and full recovery.",
				Example:  "Times are shown in UTC."},
			{Key: "root_cause", Title: "Root cause", Required: true, Visibility: External, Rules: []string{RuleBlameless},
				Guidance: "Why it happened, explained for an outside reader. No blame, no internal system names they cannot place.",
				Example:  "A configuration component was not updated as part of a release, so new instances started with an outdated connection limit."},
			{Key: "resolution", Title: "Resolution", Required: true, Visibility: External,
				Guidance: "What we did to restore service.",
				Example:  "We rolled the configuration forward and restarted the affected instances."},
			{Key: "preventive_measures", Title: "Preventive measures", Required: true, Visibility: External, Rules: []string{RuleActionItems},
				Guidance: "What we commit to so that it does not happen again. Add each commitment as an action item with an owner and a due date.",
				Example:  "Release checks now verify every configuration component before traffic is shifted."},
		},
	}
}

func thirdPartyTemplate() Template {
	return Template{
		Key: TemplateThirdParty, Name: "Third-party cause", BuiltIn: true,
		Description: "For disruptions caused by a provider: what users saw, what the provider did, and how we reduce our exposure.",
		Sections: []SectionDef{
			{Key: "issue_description", Title: "Issue description and impact", Required: true, Visibility: External,
				Guidance: "What users experienced, when and for how long, and which features were affected.",
				Example:  "From 14:02 to 14:40 UTC, sending SMS notifications failed for about 30% of requests."},
			{Key: "timeline", Title: "Timeline", Visibility: External, Rules: []string{RuleTimeline},
				Guidance: "When the provider's problem started, when we noticed, what we switched and when service was back.",
				Example:  "Times are shown in UTC."},
			{Key: "cause", Title: "Cause of the issue", Required: true, Visibility: External,
				Guidance: "What failed at the provider, as far as they told us, and why it reached our users.",
				Example:  "Our SMS provider applied a new rate limit to our account, which rejected requests above 50 per second."},
			{Key: "mitigation", Title: "Mitigation steps", Required: true, Visibility: External,
				Guidance: "What we did to limit the impact while the provider worked on it.",
				Example:  "We queued outgoing messages and retried them at a lower rate until the limit was lifted."},
			{Key: "prevention", Title: "Prevention of recurrence and suggestions", Required: true, Visibility: External, Rules: []string{RuleActionItems},
				Guidance: "How we reduce our exposure to this provider next time, and anything users can do themselves.",
				Example:  "We are adding a second provider for automatic failover."},
		},
	}
}
