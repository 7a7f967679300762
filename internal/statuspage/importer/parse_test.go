package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func TestFlexTime(t *testing.T) {
	want := time.Date(2024, 9, 3, 14, 15, 0, 0, time.UTC)
	tests := []struct {
		in    string
		valid bool
		want  time.Time
	}{
		{`"2024-09-03T14:15:00Z"`, true, want},
		{`"2024-09-03T16:15:00+02:00"`, true, want},
		{`"2024-09-03T10:15:00.000-04:00"`, true, want},
		{`"2024-09-03T16:15:00+0200"`, true, want},
		{`"2024-09-03 14:15:00"`, true, want},
		{`"2024-09-03 14:15:00 UTC"`, true, want},
		{`1725372900`, true, want},
		{`1725372900000`, true, want},
		{`null`, false, time.Time{}},
		{`""`, false, time.Time{}},
		{`"yesterday"`, false, time.Time{}},
		{`{"a":1}`, false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var v flexTime
			if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			if v.Valid != tt.valid || !v.T.Equal(tt.want) {
				t.Errorf("got %v valid=%v, want %v valid=%v", v.T, v.Valid, tt.want, tt.valid)
			}
		})
	}
}

func TestFlexString(t *testing.T) {
	for in, want := range map[string]string{`"abc"`: "abc", `123`: "123", `null`: "", `true`: "true", `[1]`: "", `{"x":1}`: ""} {
		var s flexString
		if err := json.Unmarshal([]byte(in), &s); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if s.String() != want {
			t.Errorf("%s: got %q, want %q", in, s, want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		max  int64
		want func(error) bool
	}{
		{"not json", `<html>`, 0, domain.IsValidation},
		{"json array", `[1,2]`, 0, domain.IsValidation},
		{"other json", `{"hello":"world"}`, 0, domain.IsValidation},
		{"wrong shape", `{"incidents":"many"}`, 0, domain.IsValidation},
		{"too large", `{"incidents":[]}` + strings.Repeat(" ", 100), 50, func(err error) bool { return errors.Is(err, ErrTooLarge) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.doc), tt.max)
			if err == nil || !tt.want(err) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestParseDefaultLimitIs10MiB(t *testing.T) {
	big := bytes.Repeat([]byte(" "), MaxDocumentSize)
	doc := append([]byte(`{"incidents":[]}`), big...)
	if _, err := Parse(bytes.NewReader(doc), 0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("over 10 MiB: got %v", err)
	}
	if _, err := Parse(bytes.NewReader(doc[:MaxDocumentSize]), 0); err != nil {
		t.Fatalf("exactly 10 MiB: %v", err)
	}
}

func TestParseLenient(t *testing.T) {
	doc := `{"page":{"id":"pg1","name":"Acme","url":null},
	 "incidents":[{"id":12345,"name":"X","status":"weird","impact":null,"incident_updates":null,"components":null,
	   "created_at":"2024-09-03T10:00:00-07:00"}]}`
	d, err := Parse(strings.NewReader(doc), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Incidents) != 1 || d.Incidents[0].ID.String() != "12345" || d.Incidents[0].IncidentUpdates != nil {
		t.Fatalf("got %+v", d.Incidents)
	}
	if got := d.Incidents[0].CreatedAt.T; !got.Equal(time.Date(2024, 9, 3, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("created_at %v", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"incidents":[{"id":"a","incident_updates":[{"affected_components":null}]}]}`))
	f.Add([]byte(`{"components":[{"id":1,"group":true}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Parse(bytes.NewReader(b), 1<<16)
	})
}
