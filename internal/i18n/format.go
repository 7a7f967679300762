package i18n

import (
	"math"
	"strings"
	"time"
)

func inLoc(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc)
}

// Date formats t's calendar day in loc: "March 9, 2026", "9. März 2026".
func (l *Localizer) Date(t time.Time, loc *time.Location) string {
	t = inLoc(t, loc)
	return l.ordinalFirst(t, l.tr.FmtDateLong(t))
}

// ordinalFirst writes the first of a month the way French and Portuguese
// do: "1er mars 2026", "1º de março de 2026" (CLDR has only "1").
func (l *Localizer) ordinalFirst(t time.Time, s string) string {
	if t.Day() != 1 || !strings.HasPrefix(s, "1 ") {
		return s
	}
	switch l.BaseLanguage() {
	case "fr":
		return "1er" + s[1:]
	case "pt":
		return "1º" + s[1:]
	}
	return s
}

// ShortDate formats t's calendar day compactly: "Mar 9, 2026", "09.03.2026".
func (l *Localizer) ShortDate(t time.Time, loc *time.Location) string {
	t = inLoc(t, loc)
	return l.ordinalFirst(t, l.tr.FmtDateMedium(t))
}

// Time formats t's time of day in loc: "8:20 am", "08:20".
func (l *Localizer) Time(t time.Time, loc *time.Location) string {
	return l.tr.FmtTimeShort(inLoc(t, loc))
}

// DateTime formats a day and time in loc: "09.03.2026, 08:20" in German.
func (l *Localizer) DateTime(t time.Time, loc *time.Location) string {
	return l.T("format.date_time", map[string]any{"Date": l.ShortDate(t, loc), "Time": l.Time(t, loc)})
}

// Month formats t's month and year in loc: "September 2024".
func (l *Localizer) Month(t time.Time, loc *time.Location) string {
	t = inLoc(t, loc)
	return l.T("format.month_year", map[string]any{"Month": l.tr.MonthWide(t.Month()), "Year": t.Year()})
}

// Duration spells d out with its two largest non-zero units: "2 days 3
// hours", "45 minutes", "30 seconds". Minutes are rounded; under a minute
// seconds are shown.
func (l *Localizer) Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	if d < time.Minute {
		return l.N("duration.second", int(d/time.Second))
	}
	mins := int64(math.Round(d.Minutes()))
	units := []struct {
		key string
		n   int64
	}{
		{"duration.day", mins / (24 * 60)},
		{"duration.hour", mins / 60 % 24},
		{"duration.minute", mins % 60},
	}
	var parts []string
	for _, u := range units {
		if u.n == 0 {
			continue
		}
		parts = append(parts, l.N(u.key, int(u.n)))
		if len(parts) == 2 {
			break
		}
	}
	return strings.Join(parts, " ")
}

// approx rounds d finely enough to stay true: to the minute under an
// hour, to 5 minutes under 6 hours ("1 h 30 min"), to 15 minutes under a
// day, to the hour under 3 days ("1 day 4 h") and to the day beyond. It
// returns "" under a minute.
func (l *Localizer) approx(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	round := func(step time.Duration) time.Duration { return (d + step/2) / step * step }
	switch {
	case d < time.Minute-500*time.Millisecond:
		return ""
	case d < time.Hour-30*time.Second:
		return l.N("duration.minute", int(math.Round(d.Minutes())))
	case d < 6*time.Hour-150*time.Second:
		return l.hoursMinutes(round(5 * time.Minute))
	case d < 24*time.Hour-450*time.Second:
		return l.hoursMinutes(round(15 * time.Minute))
	case d < 72*time.Hour-30*time.Minute:
		r := round(time.Hour)
		days, hours := int(r/(24*time.Hour)), int(r%(24*time.Hour)/time.Hour)
		if hours == 0 {
			return l.N("duration.day", days)
		}
		return l.N("duration.day", days) + " " + l.T("duration.short.hour", map[string]any{"Count": hours})
	default:
		return l.N("duration.day", int(math.Round(d.Hours()/24)))
	}
}

// hoursMinutes spells a whole number of minutes of at least an hour:
// "2 hours" when the minutes are zero, else "1 h 30 min".
func (l *Localizer) hoursMinutes(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if h >= 24 {
		return l.N("duration.day", h/24)
	}
	if m == 0 {
		return l.N("duration.hour", h)
	}
	return l.T("duration.short.hour", map[string]any{"Count": h}) + " " + l.T("duration.short.minute", map[string]any{"Count": m})
}

// ApproxDuration rounds d to one unit: "~1 hour", "~3 days", or "less than
// 1 minute".
func (l *Localizer) ApproxDuration(d time.Duration) string {
	s := l.approx(d)
	if s == "" {
		return l.T("duration.less_than_minute")
	}
	return l.T("duration.approx", map[string]any{"Duration": s})
}

// Lasted says how long something lasted, as on a status page: "lasted less
// than 1 minute", "lasted about 1 hour".
func (l *Localizer) Lasted(d time.Duration) string {
	s := l.approx(d)
	if s == "" {
		return l.T("duration.lasted_less_than_minute")
	}
	return l.T("duration.lasted_about", map[string]any{"Duration": s})
}

// ZoneLabel names the zone in effect at t in loc: "UTC", "CET, UTC+1"
// (German "MEZ, UTC+1"), "UTC+5:30" when the zone has no abbreviation.
func (l *Localizer) ZoneLabel(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	name, offset := t.In(loc).Zone()
	if offset == 0 && (name == "UTC" || name == "" || loc == time.UTC) {
		return "UTC"
	}
	off := "UTC" + formatOffset(offset)
	if name == "" || name[0] == '+' || name[0] == '-' || name == off {
		return off // no abbreviation, only a number (or a fixed "UTC+1" zone)
	}
	if key := "zone.abbr." + name; l.cat.Has(l.lang, key) {
		name = l.T(key)
	}
	return name + ", " + off
}

func formatOffset(secs int) string {
	sign := "+"
	if secs < 0 {
		sign = "-"
		secs = -secs
	}
	h, m := secs/3600, secs%3600/60
	s := sign + itoa(h)
	if m != 0 {
		if m < 10 {
			s += ":0" + itoa(m)
		} else {
			s += ":" + itoa(m)
		}
	}
	return s
}

// TimelineHeading is the timeline's heading with its zone: "Timeline (UTC)",
// "Zeitablauf (MEZ, UTC+1)". t picks the offset (daylight saving time).
func (l *Localizer) TimelineHeading(t time.Time, loc *time.Location) string {
	return l.T("report.timeline.heading", map[string]any{"Zone": l.ZoneLabel(t, loc)})
}
