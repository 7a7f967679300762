package importer

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The raw* types read Statuspage v2 documents leniently: every field may be
// missing or null, ids may be numbers, and timestamps may carry any offset
// or none.

type rawDoc struct {
	Page       *rawPage       `json:"page"`
	Incidents  []rawIncident  `json:"incidents"`
	Components []rawComponent `json:"components"`
}

type rawPage struct {
	ID   flexString `json:"id"`
	Name flexString `json:"name"`
	URL  flexString `json:"url"`
}

type rawIncident struct {
	ID              flexString     `json:"id"`
	Name            flexString     `json:"name"`
	Status          flexString     `json:"status"`
	Impact          flexString     `json:"impact"`
	CreatedAt       flexTime       `json:"created_at"`
	UpdatedAt       flexTime       `json:"updated_at"`
	MonitoringAt    flexTime       `json:"monitoring_at"`
	ResolvedAt      flexTime       `json:"resolved_at"`
	StartedAt       flexTime       `json:"started_at"`
	Shortlink       flexString     `json:"shortlink"`
	PageID          flexString     `json:"page_id"`
	IncidentUpdates []rawUpdate    `json:"incident_updates"`
	Components      []rawComponent `json:"components"`
}

type rawUpdate struct {
	ID                 flexString    `json:"id"`
	Status             flexString    `json:"status"`
	Body               flexString    `json:"body"`
	CreatedAt          flexTime      `json:"created_at"`
	UpdatedAt          flexTime      `json:"updated_at"`
	DisplayAt          flexTime      `json:"display_at"`
	AffectedComponents []rawAffected `json:"affected_components"`
}

type rawAffected struct {
	Code      flexString `json:"code"`
	Name      flexString `json:"name"`
	OldStatus flexString `json:"old_status"`
	NewStatus flexString `json:"new_status"`
}

type rawComponent struct {
	ID          flexString `json:"id"`
	Name        flexString `json:"name"`
	Status      flexString `json:"status"`
	Description flexString `json:"description"`
	Position    float64    `json:"position"`
	Group       bool       `json:"group"`
	GroupID     flexString `json:"group_id"`
}

// flexString accepts a string, a number, a boolean or null.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*s = ""
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	default:
		// numbers and booleans keep their literal text; objects and arrays are ignored
		if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
			*s = ""
			return nil
		}
		*s = flexString(b)
	}
	return nil
}

func (s flexString) String() string { return strings.TrimSpace(string(s)) }

// flexTime accepts RFC 3339 with any offset, a few common variants, Unix
// seconds, an empty string or null. An unreadable value is treated as
// missing rather than failing the whole document.
type flexTime struct {
	T     time.Time
	Valid bool
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999 MST",
	"2006-01-02 15:04:05.999999999",
	time.RFC1123Z,
	time.RFC1123,
	"2006-01-02",
}

func (t *flexTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*t = flexTime{}
	if bytes.Equal(b, []byte("null")) || len(b) == 0 {
		return nil
	}
	if b[0] != '"' {
		if n, err := strconv.ParseFloat(string(b), 64); err == nil {
			sec := int64(n)
			if sec > 1e12 { // milliseconds
				*t = flexTime{T: time.UnixMilli(sec).UTC(), Valid: true}
			} else {
				*t = flexTime{T: time.Unix(sec, 0).UTC(), Valid: true}
			}
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil
	}
	if v, ok := parseTime(s); ok {
		*t = flexTime{T: v, Valid: true}
	}
	return nil
}

func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if v, err := time.Parse(l, s); err == nil {
			return v.UTC(), true
		}
	}
	return time.Time{}, false
}

func (t flexTime) ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.T
	return &v
}

// first returns the first valid time among ts.
func first(ts ...flexTime) (time.Time, bool) {
	for _, t := range ts {
		if t.Valid {
			return t.T, true
		}
	}
	return time.Time{}, false
}
