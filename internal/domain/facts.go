package domain

import (
	"sort"
	"strings"
)

// TimePrecision says how much of a timeline entry's time the author gave.
type TimePrecision string

// Time precisions of a timeline entry.
const (
	PrecisionMinute TimePrecision = ""     // a date and a time of day
	PrecisionDay    TimePrecision = "date" // a calendar day only
	PrecisionNone   TimePrecision = "none" // no time: a line of the story
)

// TimePrecisions lists every precision.
var TimePrecisions = []TimePrecision{PrecisionMinute, PrecisionDay, PrecisionNone}

// Timed reports whether the entry names an instant, so it counts for metrics.
func (e TimelineEntry) Timed() bool { return e.Precision == PrecisionMinute && !e.At.IsZero() }

// Header facts an author may word themselves.
var FactKeys = []string{"date", "duration", "affected_services", "time_to_detect", "time_to_mitigate", "time_to_resolve", "severity", "occurrences"}

// FactOverride is an author's wording of one header fact ("~1 hour"), with
// translations per BCP 47 tag.
type FactOverride struct {
	Text         string            `json:"text"`
	Translations map[string]string `json:"translations,omitempty"`
}

// FactWording returns the author's wording of fact key for lang: the exact
// tag's translation, then one of the same base language, then the text. It
// also honours the older DurationOverride field.
func (r *RCA) FactWording(key, lang string) (string, bool) {
	o, ok := r.FactOverrides[key]
	if ok {
		if t := strings.TrimSpace(o.Translations[lang]); t != "" {
			return t, true
		}
		// Among several tags of the same base language, the shortest, then
		// the first in order: the same answer every time.
		base, _, _ := strings.Cut(lang, "-")
		tags := make([]string, 0, len(o.Translations))
		for tag := range o.Translations {
			tags = append(tags, tag)
		}
		sort.Slice(tags, func(i, j int) bool {
			return len(tags[i]) < len(tags[j]) || (len(tags[i]) == len(tags[j]) && tags[i] < tags[j])
		})
		for _, tag := range tags {
			if b, _, _ := strings.Cut(tag, "-"); strings.EqualFold(b, base) && strings.TrimSpace(o.Translations[tag]) != "" {
				return strings.TrimSpace(o.Translations[tag]), true
			}
		}
		if t := strings.TrimSpace(o.Text); t != "" {
			return t, true
		}
	}
	if key == "duration" {
		if t := strings.TrimSpace(r.DurationOverride); t != "" {
			return t, true
		}
	}
	return "", false
}

func checkFactOverrides(ps *problems, m map[string]FactOverride) {
	for key, o := range m {
		f := "fact_overrides." + key
		known := false
		for _, k := range FactKeys {
			known = known || k == key
		}
		if !known {
			ps.add(f, CodeUnknownEnum, key)
		}
		checkText(ps, f+".text", o.Text, false, MaxNameLen)
		for tag, t := range o.Translations {
			checkTag(ps, f+".translations."+tag, tag)
			checkText(ps, f+".translations."+tag, t, false, MaxNameLen)
		}
	}
}
