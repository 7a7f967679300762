package domain

// Input hygiene and document limits (area "hygiene", issue 10 findings 2
// and 13). Every store calls Validate in its write path, and the service
// layer calls it before either store, so both backends refuse the same
// inputs.

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of one RCA. Past one, Validate reports a problem naming the field:
// CodeTooMany for a list (HTTP 422), CodeTooLarge for the text as a whole
// (HTTP 413).
const (
	MaxRCATextBytes    = 2 << 20 // every string of the RCA, summed
	MaxSections        = 200
	MaxTimelineEntries = 2_000
	MaxActionItems     = 500
	MaxTranslations    = 20 // per translation map
	MaxTitleRunes      = 300
	// MaxIncidentTextBytes bounds an incident's text the same way, so that
	// no store refuses what another accepts (MongoDB's 16 MiB documents).
	MaxIncidentTextBytes = 2 << 20
)

// Problem codes of the hygiene checks.
const (
	CodeTooMany  = "too_many"  // a list holds more than Problem.Limit entries
	CodeTooLarge = "too_large" // a document holds more than Problem.Limit bytes of text
	CodeNUL      = "nul_byte"  // a NUL character in text
	CodeBidi     = "bidi_control"
	CodeReadOnly = "read_only" // a member that may be sent back unchanged only
)

// bidiControl reports whether r is a bidirectional embedding, override or
// isolate character (U+202A–U+202E, U+2066–U+2069): in a title they can
// make a text read differently from what it holds.
func bidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// checkTitle checks a title: at most MaxTitleRunes characters, no NUL, no
// bidi controls.
func checkTitle(ps *problems, field, v string, required bool) {
	if required && strings.TrimSpace(v) == "" {
		ps.add(field, CodeRequired, "")
		return
	}
	if !utf8.ValidString(v) {
		ps.add(field, CodeInvalid, "not valid UTF-8")
		return
	}
	if n := utf8.RuneCountInString(v); n > MaxTitleRunes {
		ps.addLimit(field, CodeTooLong, MaxTitleRunes, strconv.Itoa(n)+" characters")
		return
	}
	if strings.ContainsRune(v, 0) {
		ps.add(field, CodeNUL, "")
		return
	}
	if strings.ContainsFunc(v, bidiControl) {
		ps.add(field, CodeBidi, "bidirectional control characters are not allowed in titles")
	}
}

// checkCount reports a list or map longer than max.
func checkCount(ps *problems, field string, n, max int) {
	if n > max {
		ps.addLimit(field, CodeTooMany, max, strconv.Itoa(n)+" entries")
	}
}

func (ps *problems) addLimit(field, code string, limit int, detail string) {
	*ps = append(*ps, Problem{Field: field, Code: code, Detail: detail, Limit: limit})
}

// has reports whether a problem for field was already found.
func (ps problems) has(field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

// checkRCALimits adds the document-wide checks of an RCA: the number of
// sections, entries, items and translations, a NUL byte in any string not
// checked as text already (keys, ids, list items), and the text in total.
func (r *RCA) checkLimits(ps *problems) {
	checkCount(ps, "sections", len(r.Sections), MaxSections)
	checkCount(ps, "timeline", len(r.Timeline), MaxTimelineEntries)
	checkCount(ps, "action_items", len(r.ActionItems), MaxActionItems)
	checkCount(ps, "translations", len(r.Translations), MaxTranslations)
	for i, s := range r.Sections {
		checkCount(ps, "sections["+strconv.Itoa(i)+"].translations", len(s.Translations), MaxTranslations)
	}
	for i, e := range r.Timeline {
		checkCount(ps, "timeline["+strconv.Itoa(i)+"].translations", len(e.Translations), MaxTranslations)
	}
	for i, a := range r.ActionItems {
		checkCount(ps, "action_items["+strconv.Itoa(i)+"].translations", len(a.Translations), MaxTranslations)
	}
	total := 0
	r.eachString(func(field, v string) {
		total += len(v)
		if strings.ContainsRune(v, 0) && !ps.has(field) {
			ps.add(field, CodeNUL, "")
		}
	})
	if total > MaxRCATextBytes {
		ps.addLimit("rca", CodeTooLarge, MaxRCATextBytes, strconv.Itoa(total)+" bytes of text")
	}
}

// checkLimits refuses an incident whose text passes MaxIncidentTextBytes
// and NUL bytes in its ids.
func (in *Incident) checkLimits(ps *problems) {
	total := len(in.ID) + len(in.Title)
	for i, c := range in.Components {
		total += len(c.ComponentID)
		if strings.ContainsRune(c.ComponentID, 0) && !ps.has("components["+strconv.Itoa(i)+"].component_id") {
			ps.add("components["+strconv.Itoa(i)+"].component_id", CodeNUL, "")
		}
	}
	for _, u := range in.Updates {
		total += len(u.ID) + len(u.Body)
	}
	for _, id := range in.RCAIDs {
		total += len(id)
	}
	if in.Source != nil {
		total += len(in.Source.System) + len(in.Source.ID) + len(in.Source.PageID) + len(in.Source.URL)
	}
	if total > MaxIncidentTextBytes {
		ps.addLimit("incident", CodeTooLarge, MaxIncidentTextBytes, strconv.Itoa(total)+" bytes of text")
	}
}

// TextBytes is how many bytes of text the RCA holds, the sum that
// MaxRCATextBytes limits.
func (r *RCA) TextBytes() int {
	n := 0
	r.eachString(func(_, v string) { n += len(v) })
	return n
}

// eachString calls fn with every string the RCA stores (map keys included)
// and its field name. Keep it in step with the RCA's fields.
func (r *RCA) eachString(fn func(field, v string)) {
	for _, kv := range [][2]string{
		{"id", r.ID}, {"slug", r.Slug}, {"title", r.Title}, {"template", r.Template},
		{"language", r.Language}, {"duration_override", r.DurationOverride}, {"created_by", r.CreatedBy},
	} {
		fn(kv[0], kv[1])
	}
	for name, list := range map[string][]string{"incident_ids": r.IncidentIDs, "affected_services": r.AffectedServices,
		"tags": r.Tags, "authors": r.Authors, "reviewers": r.Reviewers, "contributing_factors": r.ContributingFactors} {
		for i, v := range list {
			fn(name+"["+strconv.Itoa(i)+"]", v)
		}
	}
	for tag, tr := range r.Translations {
		fn("translations."+tag, tag)
		fn("translations."+tag+".title", tr.Title)
	}
	for i, s := range r.Sections {
		f := "sections[" + strconv.Itoa(i) + "]"
		fn(f+".key", s.Key)
		fn(f+".title", s.Title)
		fn(f+".body", s.Body)
		fn(f+".guidance", s.Guidance)
		fn(f+".updated_by", s.UpdatedBy)
		for tag, tr := range s.Translations {
			fn(f+".translations."+tag, tag)
			fn(f+".translations."+tag+".title", tr.Title)
			fn(f+".translations."+tag+".body", tr.Body)
		}
	}
	for i, e := range r.Timeline {
		f := "timeline[" + strconv.Itoa(i) + "]"
		fn(f+".id", e.ID)
		fn(f+".text", e.Text)
		for tag, text := range e.Translations {
			fn(f+".translations."+tag, tag+text)
		}
	}
	for i, a := range r.ActionItems {
		f := "action_items[" + strconv.Itoa(i) + "]"
		fn(f+".id", a.ID)
		fn(f+".title", a.Title)
		fn(f+".owner", a.Owner)
		fn(f+".tracker_url", a.TrackerURL)
		for tag, text := range a.Translations {
			fn(f+".translations."+tag, tag+text)
		}
	}
	for i, h := range r.History {
		f := "history[" + strconv.Itoa(i) + "]"
		fn(f+".by", h.By)
		fn(f+".comment", h.Comment)
	}
}
