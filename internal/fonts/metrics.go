package fonts

import (
	"encoding/binary"
	"errors"
)

// withLongMetrics returns a copy of a TrueType font whose hmtx table has a
// full (advance, left side bearing) pair for every glyph.
//
// Why: fpdf v0.12 reads the metrics of a glyph beyond hhea.numberOfHMetrics
// by appending to a slice of the font data it was given, which writes two
// bytes into that data. Shared font bytes would then change with every
// document (non-deterministic output, and a data race between concurrent
// renders). With numberOfHMetrics equal to the glyph count that code path
// never runs. The new table is appended; the old one is left unused.
func withLongMetrics(ttf []byte) ([]byte, error) {
	tables, err := tableDirectory(ttf)
	if err != nil {
		return nil, err
	}
	hhea, hmtx, maxp, head := tables["hhea"], tables["hmtx"], tables["maxp"], tables["head"]
	if hhea.length < 36 || maxp.length < 6 || head.length < 12 || hmtx.length == 0 {
		return nil, errBadFont
	}
	numH := int(binary.BigEndian.Uint16(ttf[hhea.offset+34:]))
	numG := int(binary.BigEndian.Uint16(ttf[maxp.offset+4:]))
	if numH >= numG || numH == 0 {
		out := make([]byte, len(ttf))
		copy(out, ttf)
		return out, nil
	}
	if hmtx.length < 4*numH+2*(numG-numH) {
		return nil, errBadFont
	}
	long := make([]byte, 4*numG)
	copy(long, ttf[hmtx.offset:hmtx.offset+4*numH])
	lastAdvance := ttf[hmtx.offset+4*(numH-1) : hmtx.offset+4*(numH-1)+2]
	for g := numH; g < numG; g++ {
		copy(long[4*g:], lastAdvance)
		lsb := hmtx.offset + 4*numH + 2*(g-numH)
		copy(long[4*g+2:], ttf[lsb:lsb+2])
	}
	base := (len(ttf) + 3) &^ 3
	out := make([]byte, base, base+len(long)+3)
	copy(out, ttf)
	out = append(out, long...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	binary.BigEndian.PutUint16(out[hhea.offset+34:], uint16(numG))
	setRecord(out, hmtx.record, uint32(base), uint32(len(long)), checksum(out[base:base+len(long)]))
	setRecord(out, hhea.record, uint32(hhea.offset), uint32(hhea.length), checksum(out[hhea.offset:hhea.offset+hhea.length]))
	// The whole-file checksum lives in head.checkSumAdjustment.
	binary.BigEndian.PutUint32(out[head.offset+8:], 0)
	setRecord(out, head.record, uint32(head.offset), uint32(head.length), checksum(out[head.offset:head.offset+head.length]))
	binary.BigEndian.PutUint32(out[head.offset+8:], 0xB1B0AFBA-checksum(out))
	return out, nil
}

type tableRecord struct {
	record, offset, length int
}

func tableDirectory(ttf []byte) (map[string]tableRecord, error) {
	if len(ttf) < 12 {
		return nil, errBadFont
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	tables := map[string]tableRecord{}
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errBadFont
		}
		off := int(binary.BigEndian.Uint32(ttf[rec+8:]))
		length := int(binary.BigEndian.Uint32(ttf[rec+12:]))
		if off < 0 || length < 0 || off+length > len(ttf) {
			return nil, errors.New("table outside the file")
		}
		tables[string(ttf[rec:rec+4])] = tableRecord{record: rec, offset: off, length: length}
	}
	return tables, nil
}

func setRecord(ttf []byte, rec int, offset, length, sum uint32) {
	binary.BigEndian.PutUint32(ttf[rec+4:], sum)
	binary.BigEndian.PutUint32(ttf[rec+8:], offset)
	binary.BigEndian.PutUint32(ttf[rec+12:], length)
}

// checksum is the TrueType table checksum: the sum of big-endian uint32s,
// the last one zero-padded.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:min(i+4, len(b))])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
