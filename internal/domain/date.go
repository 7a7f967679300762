package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
)

// Date is a calendar day as people write it (a due date, an incident date):
// a year, month and day with no time and no zone. It never shifts by a day
// when shown in another zone, because it is never an instant.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ErrBadDate is returned for a value that is not a calendar day.
var ErrBadDate = errors.New("domain: not a date (use YYYY-MM-DD)")

// NewDate makes a Date from its parts.
func NewDate(year int, month time.Month, day int) Date {
	return Date{Year: year, Month: month, Day: day}
}

// DateOf is the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads "YYYY-MM-DD". For data stored before Date existed it also
// reads an RFC 3339 instant, taking the day of its UTC value (old due dates
// were stored as midnight UTC).
func ParseDate(s string) (Date, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return DateOf(t), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return DateOf(t.UTC()), nil
	}
	return Date{}, ErrBadDate
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String is "YYYY-MM-DD".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// In is the first instant of the day in loc (midnight there).
func (d Date) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.In(time.UTC).Before(o.In(time.UTC)) }

// AddDays is d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.In(time.UTC).AddDate(0, 0, n)) }

// Valid reports whether d names a real day (2024-02-30 does not).
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 {
		return false
	}
	return DateOf(d.In(time.UTC)) == d
}

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "YYYY-MM-DD" (or, for old data, an RFC 3339 instant).
func (d *Date) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return badDate()
	}
	v, err := ParseDate(s)
	if err != nil {
		return badDate()
	}
	*d = v
	return nil
}

// badDate is a type error, so that encoding/json names the field
// ("action_items.due") and API answers can point at it.
func badDate() error {
	return &json.UnmarshalTypeError{Value: "a value that is not YYYY-MM-DD", Type: reflect.TypeOf(Date{})}
}

// IsDateError reports whether err is a JSON decoding error of a Date, and
// names its field.
func IsDateError(err error) (field string, ok bool) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Type == reflect.TypeOf(Date{}) {
		// Drop embedded Go struct names ("RCA.action_items.due").
		var parts []string
		for _, p := range strings.Split(te.Field, ".") {
			if p != "" && !unicode.IsUpper(rune(p[0])) {
				parts = append(parts, p)
			}
		}
		return strings.Join(parts, "."), true
	}
	return "", false
}

// MarshalText writes "YYYY-MM-DD" (form values, map keys).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads what ParseDate reads.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// DatePtr returns a pointer to d.
func DatePtr(d Date) *Date { return &d }
