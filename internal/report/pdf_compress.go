package report

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// fpdf compresses page content with a new zlib writer per stream (about
// 1.2 MB and 1 ms each, five of them for five pages). So documents are
// made with fpdf's compression off and compressStreams compresses every
// unfiltered stream afterwards with pooled writers and buffers, rewriting
// the cross-reference table to the new offsets. Fonts fpdf compresses
// itself.

var zlibPool = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

var pdfBufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var errPDFShape = errors.New("report: pdf: unexpected structure")

// compressStreams writes in to out with each stream whose dictionary is
// just "<</Length N>>" compressed with Flate. in must be a PDF as fpdf
// writes it: objects in order, one classic xref table, one trailer.
func compressStreams(in []byte, out *bytes.Buffer) error {
	sx := bytes.LastIndex(in, []byte("\nstartxref\n"))
	if sx < 0 {
		return errPDFShape
	}
	xrefAt, err := strconv.Atoi(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(in[sx+len("\nstartxref\n"):]), []byte("%%EOF")))))
	if err != nil || xrefAt <= 0 || xrefAt >= len(in) || !bytes.HasPrefix(in[xrefAt:], []byte("xref\n0 ")) {
		return errPDFShape
	}
	// The xref table: "xref\n0 N\n" then N 20-byte entries.
	head := in[xrefAt+len("xref\n0 "):]
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		return errPDFShape
	}
	count, err := strconv.Atoi(string(head[:nl]))
	entries := head[nl+1:]
	if err != nil || count < 1 || len(entries) < count*20 {
		return errPDFShape
	}
	type obj struct{ num, at int }
	objs := make([]obj, 0, count)
	for i := 1; i < count; i++ {
		e := entries[i*20 : i*20+20]
		if e[17] != 'n' {
			continue
		}
		at, err := strconv.Atoi(string(e[:10]))
		if err != nil || at <= 0 || at >= xrefAt {
			return errPDFShape
		}
		objs = append(objs, obj{i, at})
	}
	slices.SortFunc(objs, func(a, b obj) int { return a.at - b.at })
	trailer := entries[count*20:]
	tr := bytes.Index(trailer, []byte("trailer\n"))
	if tr < 0 {
		return errPDFShape
	}
	trailer = trailer[tr:]
	if sx2 := bytes.LastIndex(trailer, []byte("startxref\n")); sx2 >= 0 {
		trailer = trailer[:sx2]
	}

	zw := zlibPool.Get().(*zlib.Writer)
	defer zlibPool.Put(zw)
	out.Grow(len(in) / 2)
	newAt := make([]int, count)
	first := len(in)
	if len(objs) > 0 {
		first = objs[0].at
	}
	out.Write(in[:first])
	for i, o := range objs {
		end := xrefAt
		if i+1 < len(objs) {
			end = objs[i+1].at
		}
		newAt[o.num] = out.Len()
		body := in[o.at:end]
		if !compressObject(body, out, zw) {
			out.Write(body)
		}
	}
	xref := out.Len()
	out.WriteString("xref\n0 " + strconv.Itoa(count) + "\n0000000000 65535 f \n")
	var num [10]byte
	for i := 1; i < count; i++ {
		s := strconv.AppendInt(num[:0], int64(newAt[i]), 10)
		for pad := len(s); pad < 10; pad++ {
			out.WriteByte('0')
		}
		out.Write(s)
		out.WriteString(" 00000 n \n")
	}
	out.Write(trailer)
	out.WriteString("startxref\n" + strconv.Itoa(xref) + "\n%%EOF\n")
	return nil
}

// compressObject writes body (one "N 0 obj … endobj" object) compressed
// when it is a stream with nothing but a length in its dictionary.
func compressObject(body []byte, out *bytes.Buffer, zw *zlib.Writer) bool {
	nl := bytes.IndexByte(body, '\n')
	if nl < 0 {
		return false
	}
	rest := body[nl+1:]
	const pre = "<</Length "
	if !bytes.HasPrefix(rest, []byte(pre)) {
		return false
	}
	end := bytes.Index(rest, []byte(">>\nstream\n"))
	if end < 0 {
		return false
	}
	n, err := strconv.Atoi(string(rest[len(pre):end]))
	data := rest[end+len(">>\nstream\n"):]
	if err != nil || n < 0 || n > len(data) || !bytes.HasPrefix(data[n:], []byte("\nendstream\nendobj\n")) {
		return false
	}
	buf := pdfBufPool.Get().(*bytes.Buffer)
	defer pdfBufPool.Put(buf)
	buf.Reset()
	zw.Reset(buf)
	if _, err := zw.Write(data[:n]); err != nil || zw.Close() != nil {
		return false
	}
	out.Write(body[:nl+1])
	out.WriteString("<</Filter /FlateDecode /Length " + strconv.Itoa(buf.Len()) + ">>\nstream\n")
	out.Write(buf.Bytes())
	out.WriteString("\nendstream\nendobj\n")
	return true
}
