package i18n

import (
	"strings"
	"time"
)

// This file belongs to the metrics area: date ranges and zone abbreviations
// for occurrences and timelines that span several days or offsets.

// DateRange formats the calendar days from a to b in loc: "Sep 12–30,
// 2024", "12.–30. Sept. 2024"; one day when both fall on it.
func (l *Localizer) DateRange(a, b time.Time, loc *time.Location) string {
	a, b = inLoc(a, loc), inLoc(b, loc)
	if b.Before(a) {
		a, b = b, a
	}
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	switch {
	case ay == by && am == bm && ad == bd:
		return l.Date(a, loc)
	case ay == by && am == bm:
		return l.T("facts.date_range.same_month", map[string]any{"From": ad, "To": bd,
			"Month": l.tr.MonthWide(am), "Year": ay})
	default:
		return l.T("facts.date_range", map[string]any{"From": l.ShortDate(a, loc), "To": l.ShortDate(b, loc)})
	}
}

// ZoneAbbr names the offset in effect at t in loc briefly: "UTC", "MEZ" /
// "MESZ" in German, "UTC+1" for a fixed offset or a zone without an
// abbreviation.
func (l *Localizer) ZoneAbbr(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	name, offset := t.In(loc).Zone()
	if offset == 0 && (name == "UTC" || name == "" || loc == time.UTC) {
		return "UTC"
	}
	if name == "" || name[0] == '+' || name[0] == '-' || strings.HasPrefix(name, "UTC") {
		return "UTC" + formatOffset(offset)
	}
	if key := "zone.abbr." + name; l.cat.Has(l.lang, key) {
		return l.T(key)
	}
	return name
}
