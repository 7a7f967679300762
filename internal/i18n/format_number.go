package i18n

import "time"

// Area "insights" (issue 14): numbers and short month names for charts.

// Number formats v with decimals digits after the separator, in the
// language's own separators ("1,234.5", "1.234,5", "1 234,5").
func (l *Localizer) Number(v float64, decimals int) string {
	return l.tr.FmtNumber(v, uint64(max(decimals, 0)))
}

// MonthShort is the language's abbreviated month name ("Sep", "Sept.", "set.").
func (l *Localizer) MonthShort(m time.Month) string { return l.tr.MonthAbbreviated(m) }

// MonthWide is the language's full month name ("September", "septembre").
func (l *Localizer) MonthWide(m time.Month) string { return l.tr.MonthWide(m) }
