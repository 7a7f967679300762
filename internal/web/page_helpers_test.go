package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func TestParseLocal(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	tests := []struct {
		in      string
		loc     *time.Location
		want    string // RFC 3339 in UTC; "" means an error
		comment string
	}{
		{"2026-03-04T10:15", berlin, "2026-03-04T09:15:00Z", "winter time, UTC+1"},
		{"2026-07-01T10:15", berlin, "2026-07-01T08:15:00Z", "summer time, UTC+2"},
		{"2026-07-01T10:15:30", berlin, "2026-07-01T08:15:30Z", "seconds accepted"},
		{"2026-03-04T10:15", kolkata, "2026-03-04T04:45:00Z", "half-hour offset"},
		{"2026-03-04T10:15", time.UTC, "2026-03-04T10:15:00Z", "UTC"},
		{" 2026-03-04T10:15 ", time.UTC, "2026-03-04T10:15:00Z", "spaces trimmed"},
		{"2026-03-29T02:30", berlin, "2026-03-29T01:30:00Z", "inside the spring-forward gap: read as 03:30 CEST"},
		{"04.03.2026 10:15", berlin, "", "a German date is not a datetime-local value"},
		{"2026-02-30T10:00", berlin, "", "no such day"},
		{"", berlin, "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.comment, func(t *testing.T) {
			got, err := parseLocal(tt.in, tt.loc)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("parseLocal(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseLocal(%q): %v", tt.in, err)
			}
			if got.Location() != time.UTC || got.Format(time.RFC3339) != tt.want {
				t.Errorf("parseLocal(%q) = %s, want %s", tt.in, got.Format(time.RFC3339), tt.want)
			}
		})
	}
}

func TestSplitListAndPager(t *testing.T) {
	if got := splitList(" API, Web ,, ,DB "); strings.Join(got, "|") != "API|Web|DB" {
		t.Errorf("splitList = %q", got)
	}
	if got := splitList(""); got == nil || len(got) != 0 {
		t.Errorf("splitList(\"\") = %#v, want an empty list", got)
	}
	u, _ := url.Parse("/incidents?q=db&offset=25")
	p := newPager(u, 25, 25, 60)
	if p.Page != 2 || p.Pages != 3 || p.Prev != "/incidents?q=db" || p.Next != "/incidents?offset=50&q=db" {
		t.Errorf("pager = %+v", p)
	}
	if p := newPager(u, 0, 0, 0); p.Page != 1 || p.Pages != 1 || p.Prev != "" || p.Next != "" {
		t.Errorf("empty pager = %+v", p)
	}
}

func TestZoneChoicesKeepTheUsersZone(t *testing.T) {
	if z := zoneChoices("Europe/Berlin"); len(z) != len(commonZones) {
		t.Errorf("a common zone is not added twice")
	}
	if z := zoneChoices("America/Anchorage"); z[0] != "America/Anchorage" || len(z) != len(commonZones)+1 {
		t.Errorf("zoneChoices(America/Anchorage) = %v", z[:2])
	}
	for _, name := range commonZones {
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("offered zone %s does not load: %v", name, err)
		}
	}
}

func TestRCATextForDiffs(t *testing.T) {
	tpl, _ := domain.BuiltinTemplate(domain.TemplatePartner)
	r := domain.NewRCA("Title", tpl, "en", []string{"b", "a"}, "", uiT0)
	r.Timeline = []domain.TimelineEntry{{At: uiT0, Kind: domain.KindDetected, Text: "two\nlines", Visibility: domain.External}}
	text := rcaText(r)
	for _, want := range []string{"# Title", "incidents: a, b", "## Summary (external)", "- 2026-03-04T08:00:00Z [detected, external] two lines", "## action items"} {
		if !strings.Contains(text, want) {
			t.Errorf("rcaText lacks %q:\n%s", want, text)
		}
	}
}
