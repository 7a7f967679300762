package report

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var flateStream = regexp.MustCompile(`/Filter /FlateDecode /Length (\d+)>>\nstream\n`)

// inflated is pdf with its compressed page streams inflated in place, for
// tests that read the drawing operators.
func inflated(t *testing.T, pdf []byte) string {
	t.Helper()
	var b strings.Builder
	rest := pdf
	for {
		loc := flateStream.FindSubmatchIndex(rest)
		if loc == nil {
			b.Write(rest)
			return b.String()
		}
		n, _ := strconv.Atoi(string(rest[loc[2]:loc[3]]))
		b.Write(rest[:loc[1]])
		zr, err := zlib.NewReader(bytes.NewReader(rest[loc[1] : loc[1]+n]))
		if err != nil {
			t.Fatalf("inflate: %v", err)
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("inflate: %v", err)
		}
		b.Write(data)
		rest = rest[loc[1]+n:]
	}
}

// TestPDFCompressed: every stream of the PDF is compressed, the file
// passes qpdf --check, reads the same as the uncompressed one and is much
// smaller.
func TestPDFCompressed(t *testing.T) {
	rep := build(t, fivePageRCA(), Options{Audience: Internal, Now: fixedNow})
	pdf := renderPDF(t, rep)
	disablePageCompression = true
	plain := renderPDF(t, rep)
	disablePageCompression = false
	streams := strings.Count(string(pdf), "\nstream\n")
	if streams < 10 {
		t.Fatalf("only %d streams", streams)
	}
	if n := len(flateStream.FindAll(pdf, -1)) + strings.Count(string(pdf), "/Filter /FlateDecode>>\nstream") +
		strings.Count(string(pdf), "\n/Filter /FlateDecode\n"); n != streams {
		t.Errorf("%d of %d streams are compressed", n, streams)
	}
	if len(pdf) > len(plain)*3/4 {
		t.Errorf("compressed PDF is %d bytes, uncompressed %d", len(pdf), len(plain))
	}
	qpdfCheck(t, pdf)
	if a, b := pdfText(t, pdf), pdfText(t, plain); a != b {
		t.Error("compressed and uncompressed PDFs read differently")
	}
	if inflated(t, pdf) != string(plain) && !strings.Contains(inflated(t, pdf), "BT ") {
		t.Error("inflated page content lacks text operators")
	}
}

func TestCompressStreamsRejectsOtherShapes(t *testing.T) {
	for _, in := range []string{"", "%PDF-1.4\n", "%PDF-1.4\nstartxref\n99\n%%EOF\n", "%PDF-1.4\nxref\n0 1\n\nstartxref\n9\n%%EOF"} {
		var out bytes.Buffer
		if err := compressStreams([]byte(in), &out); err == nil {
			t.Errorf("compressStreams(%q) accepted it", in)
		}
	}
}
