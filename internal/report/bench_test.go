package report

import (
	"bytes"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// fivePageRCA is the benchmark's report: the sample with longer sections,
// a longer timeline and more action items, five A4 pages as a PDF.
func fivePageRCA() domain.RCA {
	r := sampleRCA()
	para := "Connection pools are sized per instance, so a missed configuration change multiplies across the fleet. " +
		"We looked at *every* release of the last quarter and found two more components that the checklist did not name. " +
		"Both are now covered, and the **release tool** refuses to ship a service whose configuration lags behind. "
	for i := range r.Sections {
		s := &r.Sections[i]
		switch s.Key {
		case "impact", "root_cause", "resolution":
			s.Body += "\n\n" + strings.Repeat(para+"\n\n", 4) + "- first point\n- second point with `code`\n- third point\n"
		}
	}
	start := at(11, 7, 0)
	for i := 0; i < 12; i++ {
		r.Timeline = append(r.Timeline, domain.TimelineEntry{At: start.Add(time.Duration(i) * 7 * time.Minute), Kind: domain.KindNote,
			Text: "Follow-up check number " + strings.Repeat("x", i%5) + " of the pool metrics across all regions; nothing unusual."})
	}
	for i := 0; i < 12; i++ {
		r.ActionItems = append(r.ActionItems, domain.ActionItem{Title: "Review configuration component " + string(rune('A'+i)) + " in the release checklist",
			Owner: "Platform team", State: domain.ActionOpen})
	}
	r.Normalize()
	return r
}

func TestBenchmarkFixtureIsFivePages(t *testing.T) {
	rep := build(t, fivePageRCA(), Options{Audience: Internal, Now: fixedNow})
	pdf := renderPDF(t, rep)
	if n := strings.Count(pdfText(t, pdf), "\f"); n != 5 {
		t.Errorf("the benchmark fixture has %d pages, want 5", n)
	}
}

func benchReport(b *testing.B) Report {
	rep, err := Build(fivePageRCA(), sampleIncidents(), sampleComponents(), sampleAuthors, catalog(b), Options{Audience: Internal, Now: fixedNow})
	if err != nil {
		b.Fatal(err)
	}
	return rep
}

func benchmarkFormat(b *testing.B, render func(io.Writer, Report) error) {
	rep := benchReport(b)
	var buf bytes.Buffer
	if err := render(&buf, rep); err != nil { // warm up: fonts, coverage, templates
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := render(&buf, rep); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time of the process (GC included) per render: on a shared
	// machine wall-clock time also counts other people's work.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkRenderPDF(b *testing.B)      { benchmarkFormat(b, RenderPDF) }
func BenchmarkRenderHTML(b *testing.B)     { benchmarkFormat(b, RenderHTML) }
func BenchmarkRenderMarkdown(b *testing.B) { benchmarkFormat(b, RenderMarkdown) }

func BenchmarkBuild(b *testing.B) {
	cat := catalog(b)
	r := fivePageRCA()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Build(r, sampleIncidents(), sampleComponents(), sampleAuthors, cat, Options{Audience: Internal, Now: fixedNow}); err != nil {
			b.Fatal(err)
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRenderPDFTwoFaces renders the same five pages without italics
// or code, so only the regular and bold faces are embedded: the difference
// to BenchmarkRenderPDF is what the mono face costs per document (italics
// are slanted regular or bold text and embed no face of their own).
func BenchmarkRenderPDFTwoFaces(b *testing.B) {
	r := fivePageRCA()
	plain := strings.NewReplacer("*every*", "every", "`", "", "```yaml", "", "```", "")
	for i := range r.Sections {
		r.Sections[i].Body = plain.Replace(r.Sections[i].Body)
	}
	rep, err := Build(r, sampleIncidents(), sampleComponents(), sampleAuthors, catalog(b), Options{Audience: Internal, Now: fixedNow})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := RenderPDF(&buf, rep); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkRenderPDFColdFaces renders the five pages with the trimmed-face
// cache emptied before each render: the cost of the first document in a
// new combination of scripts (the face is cut twice, to the blocks and then
// to the runes).
func BenchmarkRenderPDFColdFaces(b *testing.B) {
	rep := benchReport(b)
	var buf bytes.Buffer
	if err := RenderPDF(&buf, rep); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		pdfCuts.mu.Lock()
		pdfCuts.entries, pdfCuts.size = nil, 0
		pdfCuts.mu.Unlock()
		buf.Reset()
		if err := RenderPDF(&buf, rep); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}
