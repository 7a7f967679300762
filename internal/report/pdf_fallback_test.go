package report

import (
	"encoding/binary"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// withCmap returns ttf with its cmap replaced by one mapping each rune of
// glyphs to the given glyph: a stand-in for a CJK font, made from DejaVu
// Sans Mono's outlines, so the test needs no font from the system.
func withCmap(t *testing.T, ttf []byte, glyphs map[rune]int) []byte {
	t.Helper()
	runes := make([]int, 0, len(glyphs))
	for r := range glyphs {
		runes = append(runes, int(r))
	}
	sort.Ints(runes)
	seg := len(runes) + 1
	u16 := func(b []byte, v int) []byte { return binary.BigEndian.AppendUint16(b, uint16(v)) }
	var sub []byte
	sub = u16(sub, 4)
	sub = u16(sub, 16+8*seg)
	sub = u16(sub, 0)
	sub = u16(sub, 2*seg)
	sub = u16(sub, 2)
	sub = u16(sub, 0)
	sub = u16(sub, 2*seg-2)
	for _, r := range runes {
		sub = u16(sub, r)
	}
	sub = u16(sub, 0xFFFF)
	sub = u16(sub, 0)
	for _, r := range runes {
		sub = u16(sub, r)
	}
	sub = u16(sub, 0xFFFF)
	for _, r := range runes {
		sub = u16(sub, (glyphs[rune(r)]-r)&0xFFFF)
	}
	sub = u16(sub, 1)
	for i := 0; i < seg; i++ {
		sub = u16(sub, 0)
	}
	cmap := []byte{0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12}
	cmap = append(cmap, sub...)
	out := append([]byte(nil), ttf...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	at := len(out)
	out = append(out, cmap...)
	n := int(binary.BigEndian.Uint16(out[4:]))
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if string(out[rec:rec+4]) == "cmap" {
			binary.BigEndian.PutUint32(out[rec+8:], uint32(at))
			binary.BigEndian.PutUint32(out[rec+12:], uint32(len(cmap)))
			return out
		}
	}
	t.Fatal("no cmap table")
	return nil
}

// TestPDFFallbackFonts: CJK text DejaVu lacks is drawn with a fallback
// face (in flowing text and in table cells) and reads back as itself;
// emoji, which the PDF library cannot encode, become a visible
// placeholder; without the fallback, the CJK text is a placeholder too.
func TestPDFFallbackFonts(t *testing.T) {
	fallbackMu.RLock()
	saved, savedLoaded := fallbackFaces, fallbackLoaded
	fallbackMu.RUnlock()
	defer func() {
		fallbackMu.Lock()
		fallbackFaces, fallbackLoaded = saved, savedLoaded
		fallbackMu.Unlock()
	}()
	mono, _ := fonts.Lookup(fonts.Mono, "")
	cjk := withCmap(t, mono.Data, map[rune]int{'中': 40, '文': 50, '日': 60, '本': 70})

	r := sampleRCA()
	r.Section("summary").Body = "Users in 日本 saw errors 🔥 in the 中文 UI and *日本* too."
	r.ActionItems[0].Title = "Translate 中文 strings 🔥"
	rep := build(t, r, Options{Audience: Internal, Now: fixedNow})

	if err := setFallbacks(nil); err != nil {
		t.Fatal(err)
	}
	without := strings.Join(strings.Fields(pdfText(t, renderPDF(t, rep))), " ")
	for _, w := range []string{"[U+65E5][U+672C]", "[U+4E2D][U+6587]", "[U+1F525]"} {
		if !strings.Contains(without, w) {
			t.Errorf("without fallback fonts the text lacks the placeholder %q", w)
		}
	}

	if err := setFallbacks([]fonts.Face{{Family: "Fallback1", Data: cjk}}); err != nil {
		t.Fatal(err)
	}
	pdf := renderPDF(t, rep)
	qpdfCheck(t, pdf)
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, w := range []string{"Users in 日本 saw errors [U+1F525] in the 中文 UI", "Translate 中文 strings [U+1F525]"} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	if strings.Contains(text, "[U+4E2D]") || strings.Contains(text, "[U+65E5]") {
		t.Error("a character the fallback face has is still a placeholder")
	}
	if !strings.Contains(string(pdf), "/BaseFont /utf8fallback1") {
		t.Error("the fallback face is not embedded")
	}
}

func TestSetFallbackFontsRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	if err := osWriteFile(dir+"/broken.ttf", []byte("not a font")); err != nil {
		t.Fatal(err)
	}
	fallbackMu.RLock()
	before := len(fallbackFaces)
	fallbackMu.RUnlock()
	err := SetFallbackFonts(dir)
	if err == nil || !strings.Contains(err.Error(), "broken.ttf") {
		t.Errorf("SetFallbackFonts = %v, want an error naming broken.ttf", err)
	}
	fallbackMu.RLock()
	after := len(fallbackFaces)
	fallbackMu.RUnlock()
	if before != after {
		t.Error("a failed SetFallbackFonts changed the fallback faces")
	}
	if err := SetFallbackFonts(dir + "/missing"); err == nil {
		t.Error("a missing folder is accepted")
	}
}

func osWriteFile(name string, b []byte) error { return os.WriteFile(name, b, 0o644) }
