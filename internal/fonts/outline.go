package fonts

import (
	"encoding/binary"
	"errors"
)

// Outlines let the PDF draw a word as vector shapes instead of text: the
// DRAFT watermark is seen on the page but is not text a reader copies or
// pdftotext extracts.

// Point is a point of a glyph outline in font units (y up). OnCurve false
// is the control point of a quadratic Bézier segment.
type Point struct {
	X, Y    float64
	OnCurve bool
}

// Glyph is a glyph's outline: closed contours, and its advance width, all
// in font units.
type Glyph struct {
	Contours [][]Point
	Advance  float64
}

// Outline reads the outline of r from face: unitsPerEm and the glyph.
// Composite glyphs and runes the face lacks give an error.
func Outline(face Face, r rune) (unitsPerEm float64, g Glyph, err error) {
	ttf := face.Data
	tables, err := tableDirectory(ttf)
	if err != nil {
		return 0, g, err
	}
	head, loca, glyf, hhea, hmtx := tables["head"], tables["loca"], tables["glyf"], tables["hhea"], tables["hmtx"]
	if head.length < 54 || loca.length == 0 || glyf.length == 0 || hhea.length < 36 || hmtx.length == 0 {
		return 0, g, errBadFont
	}
	u16 := func(off int) int { return int(binary.BigEndian.Uint16(ttf[off:])) }
	i16 := func(off int) int { return int(int16(binary.BigEndian.Uint16(ttf[off:]))) }
	upem := float64(u16(head.offset + 18))
	longLoca := i16(head.offset+50) == 1
	gid, err := glyphID(ttf, r)
	if err != nil {
		return 0, g, err
	}
	metrics := u16(hhea.offset + 34)
	m := min(gid, metrics-1)
	if hmtx.offset+4*m+2 > len(ttf) {
		return 0, g, errBadFont
	}
	g.Advance = float64(u16(hmtx.offset + 4*m))
	var start, end int
	if longLoca {
		if loca.offset+4*gid+8 > len(ttf) {
			return 0, g, errBadFont
		}
		start = int(binary.BigEndian.Uint32(ttf[loca.offset+4*gid:]))
		end = int(binary.BigEndian.Uint32(ttf[loca.offset+4*gid+4:]))
	} else {
		if loca.offset+2*gid+4 > len(ttf) {
			return 0, g, errBadFont
		}
		start, end = 2*u16(loca.offset+2*gid), 2*u16(loca.offset+2*gid+2)
	}
	if end <= start {
		return upem, g, nil // an empty glyph (a space)
	}
	p := glyf.offset + start
	if p+10 > len(ttf) || glyf.offset+end > len(ttf) {
		return 0, g, errBadFont
	}
	nContours := i16(p)
	if nContours < 0 {
		return 0, g, errors.New("composite glyph")
	}
	p += 10
	ends := make([]int, nContours)
	for i := range ends {
		ends[i] = u16(p + 2*i)
	}
	p += 2 * nContours
	if nContours == 0 {
		return upem, g, nil
	}
	n := ends[nContours-1] + 1
	p += 2 + u16(p) // instructions
	flags := make([]byte, 0, n)
	for len(flags) < n {
		if p >= len(ttf) {
			return 0, g, errBadFont
		}
		f := ttf[p]
		p++
		flags = append(flags, f)
		if f&8 != 0 {
			if p >= len(ttf) {
				return 0, g, errBadFont
			}
			for k := 0; k < int(ttf[p]) && len(flags) < n; k++ {
				flags = append(flags, f)
			}
			p++
		}
	}
	coords := func(short, same byte) ([]int, error) {
		out := make([]int, n)
		v := 0
		for i, f := range flags {
			switch {
			case f&short != 0:
				if p >= len(ttf) {
					return nil, errBadFont
				}
				d := int(ttf[p])
				p++
				if f&same == 0 {
					d = -d
				}
				v += d
			case f&same == 0:
				if p+2 > len(ttf) {
					return nil, errBadFont
				}
				v += i16(p)
				p += 2
			}
			out[i] = v
		}
		return out, nil
	}
	xs, err := coords(2, 16)
	if err != nil {
		return 0, g, err
	}
	ys, err := coords(4, 32)
	if err != nil {
		return 0, g, err
	}
	first := 0
	for _, e := range ends {
		if e < first || e >= n {
			return 0, g, errBadFont
		}
		c := make([]Point, 0, e-first+1)
		for i := first; i <= e; i++ {
			c = append(c, Point{X: float64(xs[i]), Y: float64(ys[i]), OnCurve: flags[i]&1 != 0})
		}
		g.Contours = append(g.Contours, c)
		first = e + 1
	}
	return upem, g, nil
}

// glyphID maps r to its glyph through the Unicode BMP cmap subtable.
func glyphID(ttf []byte, r rune) (int, error) {
	tables, err := tableDirectory(ttf)
	if err != nil {
		return 0, err
	}
	cmap, ok := tables["cmap"]
	if !ok || r < 0 || r > 0xFFFF {
		return 0, errBadFont
	}
	u16 := func(off int) int {
		if off < 0 || off+2 > len(ttf) {
			return -1
		}
		return int(binary.BigEndian.Uint16(ttf[off:]))
	}
	sub := -1
	for i := 0; i < u16(cmap.offset+2); i++ {
		rec := cmap.offset + 4 + 8*i
		if rec+8 > len(ttf) {
			return 0, errBadFont
		}
		platform, encoding := u16(rec), u16(rec+2)
		off := cmap.offset + int(binary.BigEndian.Uint32(ttf[rec+4:]))
		if ((platform == 3 && encoding == 1) || (platform == 0 && encoding <= 3)) && u16(off) == 4 {
			sub = off
			break
		}
	}
	if sub < 0 {
		return 0, errBadFont
	}
	segX2 := u16(sub + 6)
	ends := sub + 14
	starts := ends + segX2 + 2
	deltas := starts + segX2
	rangeOffs := deltas + segX2
	c := int(r)
	for i := 0; i < segX2/2; i++ {
		end, start := u16(ends+2*i), u16(starts+2*i)
		if end < 0 || start < 0 {
			return 0, errBadFont
		}
		if c > end || c < start {
			continue
		}
		delta, ro := u16(deltas+2*i), u16(rangeOffs+2*i)
		if ro == 0 {
			return (c + delta) & 0xFFFF, nil
		}
		gl := u16(rangeOffs + 2*i + ro + 2*(c-start))
		if gl <= 0 {
			return 0, errors.New("no glyph")
		}
		return (gl + delta) & 0xFFFF, nil
	}
	return 0, errors.New("no glyph")
}
