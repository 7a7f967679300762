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
