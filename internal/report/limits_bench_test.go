package report

// Benchmarks of area "hygiene" (issue 10 finding 2): an RCA at every
// document limit at once, exported in each format. The PDF figure is the
// one the issue asks for (goal: at most 2 s).

import (
	"bytes"
	"io"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/domain/domaintest"
)

func benchmarkLimits(b *testing.B, render func(io.Writer, Report) error) {
	r := domaintest.RCAAtLimits(fixedNow, 0)
	if err := r.Validate(); err != nil {
		b.Fatal(err)
	}
	rep, err := Build(r, sampleIncidents(), sampleComponents(), sampleAuthors, catalog(b), Options{Audience: Internal, Now: fixedNow})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := render(&buf, rep); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(domain.MaxRCATextBytes), "text-bytes")
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkLimitsPDF(b *testing.B)      { benchmarkLimits(b, RenderPDF) }
func BenchmarkLimitsHTML(b *testing.B)     { benchmarkLimits(b, RenderHTML) }
func BenchmarkLimitsMarkdown(b *testing.B) { benchmarkLimits(b, RenderMarkdown) }
