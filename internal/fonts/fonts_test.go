package fonts

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

func TestFacesLoadInFpdf(t *testing.T) {
	for _, f := range Faces() {
		if len(f.Data) < 100_000 {
			t.Fatalf("%s %q: only %d bytes embedded", f.Family, f.Style, len(f.Data))
		}
		p := fpdf.New("P", "mm", "A4", "")
		p.AddUTF8FontFromBytes(f.Family, f.Style, f.Data)
		p.AddPage()
		p.SetFont(f.Family, f.Style, 12)
		p.Cell(40, 10, "Übersicht Ωμέγα Привет")
		var buf bytes.Buffer
		if err := p.Output(&buf); err != nil {
			t.Fatalf("%s %q: %v", f.Family, f.Style, err)
		}
	}
}

func TestCoverage(t *testing.T) {
	sans, _ := Lookup(Sans, "")
	mono, _ := Lookup(Mono, "")
	cs, err := CoverageOf(sans)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := CoverageOf(mono)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "AZaz09äöüßÉçñãõΩЖ€–—“”…→✓" {
		if !cs.Has(r) {
			t.Errorf("DejaVu Sans should cover %q (U+%04X)", r, r)
		}
	}
	for _, r := range []rune{'中', 'あ', '한', 0x1F525, 0xE000, 0xFFFF, -1} {
		if cs.Has(r) {
			t.Errorf("DejaVu Sans should not cover U+%04X", r)
		}
	}
	if !cm.Has('{') || cm.Has('中') {
		t.Error("mono coverage is wrong")
	}
	var nilCov *Coverage
	if nilCov.Has('a') {
		t.Error("nil coverage covers nothing")
	}
}

func TestParseCoverageRejectsGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte{0xff}, 64), []byte(strings.Repeat("\x00", 12) + "cmap\x00\x00\x00\x00\xff\xff\xff\xf0\x00\x00\x00\x10")} {
		if _, err := parseCoverage(b); err == nil {
			t.Errorf("parseCoverage(%q) accepted garbage", b)
		}
	}
}

// BenchmarkRegisterFace shows what fpdf costs per face and document.
func BenchmarkRegisterFace(b *testing.B) {
	f, _ := Lookup(Sans, "")
	for i := 0; i < b.N; i++ {
		p := fpdf.New("P", "mm", "A4", "")
		p.AddUTF8FontFromBytes(f.Family, f.Style, f.Data)
		p.AddPage()
		p.SetFont(f.Family, "", 10)
		p.Cell(10, 10, "x")
		if err := p.Output(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFpdfLeavesFaceDataAlone renders with every face and checks that the
// shared font bytes are unchanged afterwards (fpdf v0.12 writes into the
// font data for glyphs past hhea.numberOfHMetrics; withLongMetrics avoids
// that path).
func TestFpdfLeavesFaceDataAlone(t *testing.T) {
	before := map[string]string{}
	for _, f := range Faces() {
		before[f.Family+f.Style] = string(f.Data)
	}
	for i := 0; i < 2; i++ {
		p := fpdf.New("P", "mm", "A4", "")
		p.AddPage()
		for _, f := range Faces() {
			p.AddUTF8FontFromBytes(f.Family, f.Style, f.Data)
			p.SetFont(f.Family, f.Style, 10)
			p.Cell(40, 10, "Ωé ß ℃ ∑ ≠ → ░ ✓ {}[] Ѩ Ꙁ")
		}
		if err := p.Output(io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range Faces() {
		if string(f.Data) != before[f.Family+f.Style] {
			t.Errorf("%s %q: font data changed while rendering", f.Family, f.Style)
		}
	}
}

func TestWithLongMetrics(t *testing.T) {
	for _, raw := range [][]byte{sansRegular, monoRegular, sansOblique} {
		out, err := withLongMetrics(raw)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := tableDirectory(out)
		if err != nil {
			t.Fatal(err)
		}
		numH := int(out[tables["hhea"].offset+34])<<8 | int(out[tables["hhea"].offset+35])
		numG := int(out[tables["maxp"].offset+4])<<8 | int(out[tables["maxp"].offset+5])
		if numH != numG || tables["hmtx"].length < 4*numG {
			t.Errorf("numberOfHMetrics %d, glyphs %d, hmtx %d bytes", numH, numG, tables["hmtx"].length)
		}
		if got := checksum(out); got != 0xB1B0AFBA {
			t.Errorf("whole-file checksum %#x, want 0xB1B0AFBA", got)
		}
		for tag, rec := range tables {
			if tag == "head" {
				continue
			}
			stored := uint32(out[rec.record+4])<<24 | uint32(out[rec.record+5])<<16 | uint32(out[rec.record+6])<<8 | uint32(out[rec.record+7])
			if got := checksum(out[rec.offset : rec.offset+rec.length]); got != stored {
				t.Errorf("table %s checksum %#x, record says %#x", tag, got, stored)
			}
		}
		if &out[0] == &raw[0] {
			t.Error("withLongMetrics must return a copy")
		}
	}
	if _, err := withLongMetrics([]byte("short")); err == nil {
		t.Error("garbage accepted")
	}
}
