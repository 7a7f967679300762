package report

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// requireTool finds an external program. Without it the test is skipped
// loudly, except under CI=true, where a missing tool is a failure.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := name + " is not installed (Debian: apt-get install poppler-utils qpdf); PDF checks with it are skipped"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " — and CI=true requires it")
	}
	t.Skip("SKIPPED: " + msg)
	return ""
}

func renderPDF(t *testing.T, rep Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderPDF(&buf, rep); err != nil {
		t.Fatalf("RenderPDF: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("output is not a PDF")
	}
	return buf.Bytes()
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdfText extracts the text of a PDF with pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := requireTool(t, "pdftotext")
	out, err := exec.Command(tool, "-enc", "UTF-8", writeTemp(t, "r.pdf", pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pdfRawText extracts text in content-stream order (pdftotext -raw).
func pdfRawText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool := requireTool(t, "pdftotext")
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", writeTemp(t, "r.pdf", pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// qpdfCheck validates the PDF's structure.
func qpdfCheck(t *testing.T, pdf []byte) {
	t.Helper()
	tool := requireTool(t, "qpdf")
	out, err := exec.Command(tool, "--check", writeTemp(t, "r.pdf", pdf)).CombinedOutput()
	if err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "No syntax or stream encoding errors") {
		t.Fatalf("qpdf --check:\n%s", out)
	}
}

// inkOnPage1 rasterises page 1 in greyscale and returns the share of
// pixels that are not white.
func inkOnPage1(t *testing.T, pdf []byte) float64 {
	t.Helper()
	tool := requireTool(t, "pdftoppm")
	dir := t.TempDir()
	in := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, "-gray", "-r", "30", "-f", "1", "-l", "1", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "p*.pgm"))
	if len(matches) != 1 {
		t.Fatalf("pdftoppm wrote %v", matches)
	}
	pgm, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	// P5 header: magic, width, height, maxval, then one byte per pixel.
	fields, rest := 0, pgm
	for fields < 4 && len(rest) > 0 {
		for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\n' || rest[0] == '\r' || rest[0] == '\t') {
			rest = rest[1:]
		}
		for len(rest) > 0 && !strings.ContainsRune(" \n\r\t", rune(rest[0])) {
			rest = rest[1:]
		}
		fields++
	}
	pixels := rest[1:]
	if len(pixels) == 0 {
		t.Fatal("empty raster")
	}
	dark := 0
	for _, p := range pixels {
		if p < 200 {
			dark++
		}
	}
	return float64(dark) / float64(len(pixels))
}

func TestPDFEveryLanguage(t *testing.T) {
	want := map[string][]string{
		"en":    {"Templates API Partial Service Disruption", "Summary", "Timeline (UTC)", "Root cause", "Action items", "~1 h 15 min"},
		"de":    {"Templates-API: teilweise Störung", "Zusammenfassung", "Zeitablauf (MEZ, UTC+1)", "Ursache des Ausfalls", "Maßnahmen", "ca. 1 Std. 15 Min."},
		"fr":    {"Résumé", "Chronologie (UTC)", "Cause première", "environ 1 h 15 min"},
		"es":    {"Resumen", "Cronología (UTC)", "Causa raíz", "aprox. 1 h 15 min"},
		"pt-BR": {"Resumo", "Linha do tempo (UTC-3)", "Causa raiz", "cerca de 1 h 15 min"},
	}
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			rep := build(t, sampleRCA(), goldenOptions(lang))
			pdf := renderPDF(t, rep)
			qpdfCheck(t, pdf)
			text := pdfText(t, pdf)
			flat := strings.Join(strings.Fields(text), " ")
			rawFlat := strings.Join(strings.Fields(pdfRawText(t, pdf)), " ")
			for _, w := range want[lang] {
				if !strings.Contains(flat, w) && !strings.Contains(rawFlat, w) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			pages := strings.Count(text, "\f")
			if pages < 2 {
				t.Fatalf("%d pages", pages)
			}
			for p := 1; p <= pages; p++ {
				footer := rep.Localizer().T("report.page_of", map[string]any{"Page": p, "Total": pages})
				if !strings.Contains(flat, footer) {
					t.Errorf("PDF text lacks the footer %q", footer)
				}
			}
			// The watermark is drawn as glyph outlines on every page: seen,
			// but not part of the text (pdftotext, copy and paste).
			raw := strings.Join(strings.Fields(pdfRawText(t, pdf)), "")
			if strings.Contains(raw, rep.Labels.Watermark) || strings.Contains(flat, rep.Labels.Watermark) {
				t.Errorf("watermark %q is in the extracted text", rep.Labels.Watermark)
			}
			bare := rep
			bare.Labels.Watermark = ""
			if a, b := inkOnPage1(t, pdf), inkOnPage1(t, renderPDF(t, bare)); a <= b {
				t.Errorf("page 1 has no more ink with the watermark (%.4f) than without (%.4f)", a, b)
			}
			if ink := inkOnPage1(t, pdf); ink < 0.01 {
				t.Errorf("page 1 looks blank (%.4f of pixels inked)", ink)
			}
		})
	}
}

func TestPDFMarkdownFeatures(t *testing.T) {
	r := sampleRCA()
	r.State = domain.StatePublished
	r.Section("summary").Body = "Plain, *italic*, **bold**, ***both***, ~~gone~~ and `code`.\n\n" +
		"A [link](https://example.com/docs) and https://auto.example.com and [bad](javascript:alert(1)).\n\n" +
		"1. one\n2. two\n   - nested *a*\n   - nested b\n     1. deeper\n\n" +
		"- [x] done task\n- [ ] open task\n\n" +
		"> quoted line one\n> quoted line two\n\n" +
		"```\nfunc main() {\n\tprintln(\"hi\")\n}\n```\n\n" +
		"| Left | Right |\n|:--|--:|\n| cell with a long text that has to wrap inside its column because it is long | 42 |\n\n" +
		"Footnote here[^n].\n\n[^n]: The note text.\n\n<div>raw html dropped</div>\n\n---\n\n### Sub heading\n\nEnd."
	pdf := renderPDF(t, build(t, r, Options{Now: fixedNow}))
	qpdfCheck(t, pdf)
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, w := range []string{"italic", "bold", "both", "code", "link", "nested a", "deeper", "☑ done task", "☐ open task",
		"quoted line one quoted line two", "func main() {", `println("hi")`, "cell with a long", "42", "[1]", "The note text.", "Sub heading", "End."} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	if strings.Contains(text, "raw html dropped") || strings.Contains(strings.Join(strings.Fields(pdfRawText(t, pdf)), ""), "DRAFT") {
		t.Error("raw HTML shown, or a published RCA marked as draft")
	}
	raw := inflated(t, pdf)
	for _, uri := range []string{"https://example.com/docs", "https://auto.example.com", "https://tracker.example.com/PLAT-101"} {
		if !strings.Contains(raw, "/URI ("+uri+")") {
			t.Errorf("no clickable link to %s", uri)
		}
	}
	if strings.Contains(raw, "javascript:") {
		t.Error("a javascript: link reached the PDF")
	}
}

func TestPDFMetadataAndOutline(t *testing.T) {
	rep := build(t, sampleRCA(), Options{Lang: "de", Audience: Internal, Now: fixedNow, Branding: Branding{OrgName: "Acme GmbH", LogoPNG: testPNG(t), Accent: "#aa3300"}})
	pdf := renderPDF(t, rep)
	qpdfCheck(t, pdf)
	raw := inflated(t, pdf)
	for _, w := range []string{"/Creator", "/Lang (de)", "/CreationDate (D:20260320100000", "/Outlines", "/Subtype /Image"} {
		if !strings.Contains(raw, w) {
			t.Errorf("PDF lacks %q", w)
		}
	}
	info := requireTool(t, "pdfinfo")
	out, err := exec.Command(info, writeTemp(t, "r.pdf", pdf)).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Title:           Templates-API: teilweise Störung", "Subject:         Ursachenanalyse", "Author:          Ana Lima, Ben Okafor", "Creator:         Hindsight", "Pages:           3"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("pdfinfo lacks %q:\n%s", w, out)
		}
	}
	// The outline: the title, every section and the two table headings
	// (each an object with /Title), besides the document's own /Title.
	if n, want := strings.Count(raw, "/Title ")-1, 1+len(rep.Sections)+1; n < want {
		t.Errorf("outline has %d entries, want at least %d", n, want)
	}
}

func TestPDFDeterministic(t *testing.T) {
	rep := build(t, sampleRCA(), Options{Lang: "fr", Now: fixedNow})
	a, b := renderPDF(t, rep), renderPDF(t, rep)
	if !bytes.Equal(a, b) {
		t.Error("two renders with the same Options.Now differ")
	}
}

// TestPDFEveryPlaneAndScript feeds characters from every Unicode plane and
// many scripts; fpdf panics on runes above U+FFFF and cannot shape
// right-to-left scripts, so they must arrive as readable fallbacks.
func TestPDFEveryPlaneAndScript(t *testing.T) {
	samples := []string{
		"Latin: Ünïcödé ÆØÅ ß œ ŀ ǅ", "Greek: Ωμέγα", "Cyrillic: Привет", "Armenian: Բարեւ", "Georgian: გამარჯობა",
		"Hebrew: שלום עולם", "Arabic: مرحبا بالعالم", "Syriac: ܫܠܡܐ", "Thaana: ދިވެހި", "NKo: ߒߞߏ", "Devanagari: नमस्ते",
		"Bengali: নমস্কার", "Thai: สวัสดี", "Lao: ສະບາຍດີ", "Tibetan: བཀྲ་ཤིས", "Ethiopic: ሰላም", "Cherokee: ᏣᎳᎩ",
		"CJK: 你好 世界 こんにちは 안녕하세요", "Emoji: 🔥👍🏽👨‍👩‍👧 ✅", "Math: ∑∫√∞ ≤ ≥ 𝔘𝔫𝔦", "Plane 2: 𠀀 𪛖", "Plane 3: 𰀀",
		"Plane 14: \U000E0001 \U000E0067", "Plane 15: \U000F0000", "Plane 16: \U0010FFFD", "Private: \uE000\uF8FF",
		"Controls: a\x00b\x07c\u200bd\u200de\u202ef\ufeffg", "Combining: e\u0301 a\u0308 n\u0303", "Specials: \uFFFD \uFFFF \uFFFE",
		"Bidi: \u202Ereversed\u202C", "Invalid UTF-8: \xff\xfe\xc3\x28",
	}
	// One code point from each of the 17 planes, assigned or not.
	var planes strings.Builder
	for plane := rune(0); plane <= 16; plane++ {
		planes.WriteString(" p" + strconv.Itoa(int(plane)) + ":")
		planes.WriteRune(plane<<16 | 0x4E2D)
	}
	samples = append(samples, "Planes:"+planes.String())
	all := strings.Join(samples, "\n\n")
	r := sampleRCA()
	r.Title = "Unicode 🔥 " + all[:200]
	r.AffectedServices = []string{"Service 🔥", "Сервис", "خدمة"}
	r.Section("summary").Body = all + "\n\n| 🔥 | عربي |\n|---|---|\n| 𝔘 | 中 |\n\n`code 🔥 中`\n\n```\n🔥 中 שלום\n```"
	r.Timeline[0].Text = all
	r.ActionItems[0].Title = "Fix 🔥 " + samples[5]
	r.ActionItems[0].Owner = "Équipe 中"
	rep := build(t, r, Options{Lang: "en", Audience: Internal, Now: fixedNow, Branding: Branding{OrgName: "🔥 Org"}})
	pdf := renderPDF(t, rep)
	disableFontCut = true
	full := renderPDF(t, rep)
	disableFontCut = false
	if a, b := strings.Join(strings.Fields(pdfText(t, pdf)), " "), strings.Join(strings.Fields(pdfText(t, full)), " "); a != b {
		t.Error("text from cut faces differs from text with the whole fonts")
	}
	qpdfCheck(t, pdf)
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, w := range []string{"[U+1F525]", "Ωμέγα", "Привет", "[Hebrew text]", "[Arabic text]", "[U+4F60]", "[U+20000]", "[U+10FFFD]", "[U+E000]", "Ünïcödé", "abcdefg", "p0:[U+4E2D]", "p7:[U+74E2D]", "p16:[U+104E2D]"} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}

func TestPDFSafeText(t *testing.T) {
	sans, _ := fonts.Lookup(fonts.Sans, "")
	mono, _ := fonts.Lookup(fonts.Mono, "")
	cs, _ := fonts.CoverageOf(sans)
	cm, _ := fonts.CoverageOf(mono)
	tests := []struct {
		in, want string
		mono     bool
	}{
		{"plain ASCII", "plain ASCII", false},
		{"tab\there", "tab    here", false},
		{"line\nbreak", "line break", false},
		{"fire 🔥!", "fire [U+1F525]!", false},
		{"e\u0301", "é", false},
		{"zero\u200bwidth", "zerowidth", false},
		{"nb\u00a0space", "nb space", false},
		{"say שלום עולם now", "say [Hebrew text] now", false},
		{"שלום مرحبا", "[Hebrew text] [Arabic text]", false},
		{"中", "[U+4E2D]", false},
		{"\xff", "�", false},
		{"Ω", "Ω", true},
		{"\u0b95", "[Tamil text]", true},
	}
	for _, tt := range tests {
		cov := cs
		if tt.mono {
			cov = cm
		}
		if got := pdfSafe(tt.in, cov, false); got != tt.want {
			t.Errorf("pdfSafe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := pdfSafe("a\nb", cs, true); got != "a\nb" {
		t.Errorf("newline not kept: %q", got)
	}
}

func TestPDFLongContent(t *testing.T) {
	r := sampleRCA()
	long := strings.Repeat("A very long paragraph about connection pools and timeouts. ", 150)
	word := strings.Repeat("x", 500)
	r.Section("summary").Body = long + "\n\n" + word + "\n\n" + "https://example.com/" + strings.Repeat("a", 300)
	r.Section("impact").Body = "| a | b | c | d | e | f | g | h |\n|---|---|---|---|---|---|---|---|\n| " + strings.Repeat(long[:400]+" | ", 8) + "\n"
	r.Timeline[2].Text = strings.Repeat("A timeline entry that goes on and on. ", 220) // taller than a page
	var many []domain.ActionItem
	for i := 0; i < 80; i++ {
		many = append(many, domain.ActionItem{Title: "Action " + strings.Repeat("word ", i%13), Owner: "Team", State: domain.ActionOpen})
	}
	r.ActionItems = many
	r.Normalize()
	pdf := renderPDF(t, build(t, r, Options{Now: fixedNow}))
	qpdfCheck(t, pdf)
	text := pdfText(t, pdf)
	if n := strings.Count(text, "\f"); n < 6 {
		t.Errorf("only %d pages for a long report", n)
	}
	if !strings.Contains(text, "Action word word word word word word word word word word word word") {
		t.Error("the last action items are missing")
	}
}

func TestPDFRecoversFromPanics(t *testing.T) {
	// A report built by hand can hold anything; a nil localizer and odd
	// values must not crash the process.
	rep := Report{Title: "x\U0001F525", Sections: []Section{{Title: "s", Markdown: "*a*", WithTimeline: true}},
		Timeline: Timeline{Entries: []Entry{{Time: "1", Markdown: "e"}}}, Generated: time.Unix(0, 0)}
	var buf bytes.Buffer
	err := RenderPDF(&buf, rep)
	if err != nil && !errors.Is(err, ErrRender) {
		t.Errorf("error %v does not wrap ErrRender", err)
	}
}

// TestCutFaces: documents register faces cut (through fpdf's public
// UTF8CutFont) to the Unicode blocks their text uses; a cut is made once
// per block set and reused, concurrent renders agree, and the text a
// reader extracts is the same as with the whole faces.
func TestCutFaces(t *testing.T) {
	mixed := "Zoë façade Œuvre ŁÓDŹ İstanbul – “quotes” … € ™ → ⇒ ∑ ≤ ∞ √ ─┼─ ▪ ◦ ☐ ☑ " +
		"Ωμέγα Привет Ёж ǅ ɐ ʃ ḁ ẞ ⅓ Ⅻ ⌘ ⏎ ✓ ✗ ﬁ"
	r := sampleRCA()
	r.Section("summary").Body = "Plain " + mixed + " *" + mixed + "* **" + mixed + "** ***" + mixed + "***\n\n```\n" + mixed + "\n```"
	rep := build(t, r, Options{Audience: Internal, Now: fixedNow})
	pdfCuts.mu.Lock()
	pdfCuts.entries, pdfCuts.size = nil, 0
	pdfCuts.mu.Unlock()
	cut := renderPDF(t, rep)
	pdfCuts.mu.Lock()
	made := len(pdfCuts.entries)
	pdfCuts.mu.Unlock()
	if made == 0 {
		t.Fatal("no cut face was made")
	}
	again := renderPDF(t, rep)
	pdfCuts.mu.Lock()
	if n := len(pdfCuts.entries); n != made {
		t.Errorf("a second render made %d more cut faces, want them reused", n-made)
	}
	pdfCuts.mu.Unlock()
	if !bytes.Equal(cut, again) {
		t.Error("two renders of one report differ")
	}
	disableFontCut = true
	whole := renderPDF(t, rep)
	disableFontCut = false

	words := func(pdf []byte) string { return strings.Join(strings.Fields(pdfText(t, pdf)), " ") }
	if a, b := words(cut), words(whole); a != b {
		t.Errorf("text differs between cut and whole faces:\n%s\n%s", a, b)
	}
	for _, w := range strings.Fields(mixed) {
		if !strings.Contains(words(cut), w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	errs := make(chan string, 6)
	for i := 0; i < 6; i++ {
		go func() {
			var buf bytes.Buffer
			if err := RenderPDF(&buf, rep); err != nil {
				errs <- err.Error()
				return
			}
			if !bytes.Equal(buf.Bytes(), cut) {
				errs <- "a concurrent render differs"
				return
			}
			errs <- ""
		}()
	}
	for i := 0; i < 6; i++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// TestPDFItalicsSlanted: italics are the regular and bold faces drawn
// slanted, so a document with emphasis embeds no oblique face, and its
// text, also across a page break inside an italic run, reads as before.
func TestPDFItalicsSlanted(t *testing.T) {
	r := sampleRCA()
	long := strings.Repeat("slanted words that keep going ", 400)
	r.Section("summary").Body = "Plain, *italic*, ***bold italic*** and *`code`*.\n\n*" + long + "end of run*"
	pdf := renderPDF(t, build(t, r, Options{Now: fixedNow}))
	raw := inflated(t, pdf)
	if strings.Contains(raw, "/BaseFont /utf8dejavusansI") || strings.Contains(raw, "/BaseFont /utf8dejavusansBI") {
		t.Error("an oblique face is embedded; italics should be slanted regular or bold text")
	}
	if !strings.Contains(raw, "/BaseFont /utf8dejavusansB") {
		t.Error("the bold face is missing")
	}
	if n := strings.Count(raw, " 0.19438 1.00000 "); n < 3 {
		t.Errorf("%d slanted text runs, want at least 3", n)
	}
	for i, stream := range strings.Split(raw, "endstream") {
		if q, Q := strings.Count(stream, "\nq\n"), strings.Count(stream, "\nQ\n"); q != Q {
			t.Errorf("stream %d saves the graphics state %d times and restores it %d times", i, q, Q)
		}
	}
	qpdfCheck(t, pdf)
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, w := range []string{"Plain, italic, bold italic and code.", "slanted words that keep going slanted", "end of run"} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}

// TestConcurrentPDFs renders in parallel (run with -race): documents must
// not share mutable font state.
func TestConcurrentPDFs(t *testing.T) {
	rep := build(t, sampleRCA(), Options{Lang: "fr", Now: fixedNow})
	want := renderPDF(t, rep)
	errs := make(chan string, 8)
	for i := 0; i < 8; i++ {
		go func() {
			var buf bytes.Buffer
			if err := RenderPDF(&buf, rep); err != nil {
				errs <- err.Error()
				return
			}
			if !bytes.Equal(buf.Bytes(), want) {
				errs <- "a concurrent render differs"
				return
			}
			errs <- ""
		}()
	}
	for i := 0; i < 8; i++ {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// TestPDFDeepNesting: hundreds of nested lists or quotes stop indenting at
// a readable width instead of wrapping one character per line over
// hundreds of pages.
func TestPDFDeepNesting(t *testing.T) {
	long := strings.Repeat("nested text that goes on ", 60)
	for name, body := range map[string]string{
		"lists":  strings.Repeat("- ", 200) + long,
		"quotes": strings.Repeat("> ", 200) + long,
		"mixed":  strings.Repeat("> - 1. ", 70) + long,
	} {
		t.Run(name, func(t *testing.T) {
			r := sampleRCA()
			r.Section("summary").Body = body
			start := time.Now()
			pdf := renderPDF(t, build(t, r, Options{Now: fixedNow}))
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("rendering took %v", d)
			}
			text := pdfText(t, pdf)
			if n := strings.Count(text, "\f"); n > 8 {
				t.Errorf("%d pages: text was squeezed into a sliver", n)
			}
			if !strings.Contains(strings.Join(strings.Fields(text), " "), "nested text that goes on nested text") {
				t.Error("the nested text is not readable")
			}
		})
	}
}
