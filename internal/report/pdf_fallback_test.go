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

// useFakeCJK makes a DejaVu-derived face drawing 中文日本 the only
// fallback face for the rest of the test.
func useFakeCJK(t *testing.T) {
	t.Helper()
	fallbackMu.RLock()
	saved, savedLoaded := fallbackFaces, fallbackLoaded
	fallbackMu.RUnlock()
	t.Cleanup(func() {
		fallbackMu.Lock()
		fallbackFaces, fallbackLoaded = saved, savedLoaded
		fallbackMu.Unlock()
	})
	mono, _ := fonts.Lookup(fonts.Mono, "")
	cjk := withCmap(t, mono.Data, map[rune]int{'中': 40, '文': 50, '日': 60, '本': 70})
	if err := setFallbacks([]fonts.Face{{Family: "Fallback1", Data: cjk}}); err != nil {
		t.Fatal(err)
	}
}

// TestPDFFallbackFontsEverywhere: the title, a section heading, a header
// fact (label, value and line), the notice, the closing paragraph, the
// running page header and the footer draw CJK text with the fallback face,
// not as placeholders; emoji stay a visible placeholder.
func TestPDFFallbackFontsEverywhere(t *testing.T) {
	useFakeCJK(t)
	rep := build(t, fivePageRCA(), Options{Audience: Internal, Now: fixedNow})
	rep.Title = "Outage in 日本 and 中文 🔥"
	rep.Branding.OrgName = "中文 Org"
	rep.Sections[0].Title = "Heading 日本 中文"
	rep.Facts = append(rep.Facts, Fact{Label: "Region 日本", Value: "中文 zone", Lines: []string{"line 日本"}})
	rep.Labels.InternalNotice = "Notice 中文 internal"
	rep.Labels.Generated = "Generated 日本"
	rep.Closing = "Sorry 日本 closing"
	pdf := renderPDF(t, rep)
	qpdfCheck(t, pdf)
	pages := strings.Split(pdfText(t, pdf), "\f")
	if len(pages) < 3 {
		t.Fatalf("want several pages, got %d", len(pages))
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	all := norm(strings.Join(pages, " "))
	for _, w := range []string{"Outage in 日本 and 中文 [U+1F525]", "Heading 日本 中文", "Region 日本", "中文 zone", "line 日本",
		"Notice 中文 internal", "Sorry 日本 closing", "中文 Org"} {
		if !strings.Contains(all, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	// The running header (page 2 on) repeats the title and organisation;
	// the footer is on every page.
	second := norm(pages[1])
	for _, w := range []string{"中文 Org", "Outage in 日本 and 中文", "Generated 日本"} {
		if !strings.Contains(second, w) {
			t.Errorf("page 2 (header and footer) lacks %q:\n%s", w, second)
		}
	}
	if strings.Contains(all, "[U+4E2D]") || strings.Contains(all, "[U+65E5]") {
		t.Error("a character the fallback face has is still a placeholder")
	}
}

// TestPDFFallbackTitleWraps: a long title in CJK without spaces wraps
// beside its characters and loses none of them.
func TestPDFFallbackTitleWraps(t *testing.T) {
	useFakeCJK(t)
	rep := build(t, sampleRCA(), Options{Audience: Internal, Now: fixedNow})
	rep.Title = strings.Repeat("日本中文", 30)
	pdf := renderPDF(t, rep)
	first := strings.Split(pdfText(t, pdf), "\f")[0]
	if n := strings.Count(first, "中"); n != 30 {
		t.Errorf("page 1 shows 中 %d times, want 30 (the whole title, wrapped)", n)
	}
	lines := 0
	for _, l := range strings.Split(first, "\n") {
		if strings.Contains(l, "日本中文") {
			lines++
		}
	}
	if lines < 2 {
		t.Errorf("the long title is on %d lines, want it wrapped", lines)
	}
}
