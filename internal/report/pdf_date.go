package report

import (
	"bytes"
	"fmt"
	"time"
)

// This file belongs to the metrics area: the PDF's dates carry their UTC
// offset. fpdf writes /CreationDate and /ModDate as a bare wall clock
// ("D:20260320100000"), which readers take as an unknown or local zone. The
// Producer entry of the same Info object is written with padding that is
// given back when the offset is added, so every object keeps its byte
// offset and the cross-reference table stays right.

const (
	pdfProducer = "Hindsight"
	// pdfDatePad is two dates' worth of "+01'00'".
	pdfDatePad = "              "
)

// pdfOffset is t's UTC offset as PDF dates write it: "+01'00'", "-05'30'".
func pdfOffset(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d'%02d'", sign, off/3600, off%3600/60)
}

// patchPDFDates adds t's offset to the creation and modification dates,
// taking the room from the Producer's padding. It changes nothing when the
// file is not laid out as expected.
func patchPDFDates(pdf []byte, t time.Time) []byte {
	padded := []byte("/Producer (" + pdfProducer + pdfDatePad + ")")
	date := []byte("(D:" + t.Format("20060102150405") + ")")
	p := bytes.Index(pdf, padded)
	if p < 0 || bytes.Count(pdf[p:], date) < 2 {
		return pdf
	}
	withOff := []byte("(D:" + t.Format("20060102150405") + pdfOffset(t) + ")")
	if 2*(len(withOff)-len(date)) != len(pdfDatePad) {
		return pdf
	}
	// Rebuild the Info object's bytes in place: same total length.
	end := p + bytes.Index(pdf[p:], []byte("endobj"))
	if end < p {
		return pdf
	}
	obj := pdf[p:end]
	if bytes.Count(obj, date) != 2 {
		return pdf
	}
	repl := bytes.Replace(obj, padded, []byte("/Producer ("+pdfProducer+")"), 1)
	repl = bytes.ReplaceAll(repl, date, withOff)
	if len(repl) != len(obj) {
		return pdf
	}
	copy(pdf[p:end], repl)
	return pdf
}
