package report

import (
	"reflect"
	"slices"
	"testing"
)

// notPrinted lists the Report's string fields no renderer prints as text:
// identifiers, enums, links, colours, and the metrics model (the facts
// word it).
var notPrinted = map[string]bool{
	"RCAID": true, "Lang": true, "Tag": true, "Paper": true, "TimeZone": true, "Audience": true, "State": true,
	"Facts.Key": true, "Facts.URL": true, "Sections.Key": true, "Sections.Anchor": true, "Sections.BodyLang": true,
	"Timeline.Entries.Kind": true, "Actions.Items.State": true, "Actions.Items.TrackerURL": true,
	"Cycles.Marks.Kind": true, "Branding.Accent": true, "Metrics": true,
}

// TestReportTextsCoverTheReport fills every string field of a Report with
// a character of its own Unicode block: the PDF's font cut (reportBlocks,
// no reflection) must see every field a renderer prints, so a new text
// field fails here until reportTexts reads it (or notPrinted names it).
func TestReportTextsCoverTheReport(t *testing.T) {
	var rep Report
	want := map[int]string{} // block -> field path
	next := 0x0400           // Cyrillic, then one 128-rune block per field
	var fill func(v reflect.Value, path string)
	fill = func(v reflect.Value, path string) {
		if notPrinted[path] {
			return
		}
		switch v.Kind() {
		case reflect.String:
			r := rune(next)
			next += 1 << trimBlockBits
			v.SetString("x" + string(r))
			want[int(r)>>trimBlockBits] = path
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				if f.IsExported() && f.Type.String() != "time.Time" {
					p := f.Name
					if path != "" {
						p = path + "." + f.Name
					}
					fill(v.Field(i), p)
				}
			}
		case reflect.Slice:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				return
			}
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			fill(v.Index(0), path)
		case reflect.Pointer:
			if v.Type().Elem().String() == "time.Time" {
				return
			}
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), path)
		}
	}
	fill(reflect.ValueOf(&rep).Elem(), "")
	got := reportBlocks(&rep)
	for b, path := range want {
		if !slices.Contains(got, b) {
			t.Errorf("reportTexts misses %s (add it there, or to notPrinted when no renderer prints it)", path)
		}
	}
	if len(want) < 40 {
		t.Errorf("only %d text fields filled: the walk above is broken", len(want))
	}
}
