package fonts

import (
	"encoding/binary"
	"errors"
	"sync"
)

// Coverage is the set of Basic Multilingual Plane runes a face has a glyph
// for, read from the font's own cmap table.
type Coverage struct {
	bits [0x10000 / 64]uint64
}

// Has reports whether the face has a glyph for r. Runes above U+FFFF are
// never covered (the PDF library cannot encode them).
func (c *Coverage) Has(r rune) bool {
	if c == nil || r < 0 || r > 0xFFFF {
		return false
	}
	return c.bits[r/64]&(1<<(uint(r)%64)) != 0
}

func (c *Coverage) set(r int) { c.bits[r/64] |= 1 << (uint(r) % 64) }

var (
	coverageOnce sync.Once
	coverages    map[string]*Coverage
	coverageErr  error
)

// CoverageOf returns the coverage of a face, parsed once per process.
func CoverageOf(f Face) (*Coverage, error) {
	coverageOnce.Do(func() {
		coverages = map[string]*Coverage{}
		for _, face := range Faces() {
			c, err := parseCoverage(face.Data)
			if err != nil {
				coverageErr = errors.New("fonts: " + face.Family + " " + face.Style + ": " + err.Error())
				return
			}
			coverages[face.Family+"/"+face.Style] = c
		}
	})
	if coverageErr != nil {
		return nil, coverageErr
	}
	c, ok := coverages[f.Family+"/"+f.Style]
	if !ok {
		return nil, errors.New("fonts: unknown face " + f.Family + " " + f.Style)
	}
	return c, nil
}

var errBadFont = errors.New("malformed TrueType font")

// parseCoverage reads the Unicode BMP subtable (format 4) of a TrueType cmap.
func parseCoverage(ttf []byte) (*Coverage, error) {
	u16 := func(off int) (int, bool) {
		if off < 0 || off+2 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint16(ttf[off:])), true
	}
	u32 := func(off int) (int, bool) {
		if off < 0 || off+4 > len(ttf) {
			return 0, false
		}
		return int(binary.BigEndian.Uint32(ttf[off:])), true
	}
	numTables, ok := u16(4)
	if !ok {
		return nil, errBadFont
	}
	cmap := -1
	for i := 0; i < numTables; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return nil, errBadFont
		}
		if string(ttf[rec:rec+4]) == "cmap" {
			cmap, _ = u32(rec + 8)
		}
	}
	if cmap < 0 {
		return nil, errors.New("no cmap table")
	}
	n, ok := u16(cmap + 2)
	if !ok {
		return nil, errBadFont
	}
	sub := -1
	for i := 0; i < n; i++ {
		rec := cmap + 4 + 8*i
		platform, ok1 := u16(rec)
		encoding, ok2 := u16(rec + 2)
		off, ok3 := u32(rec + 4)
		if !ok1 || !ok2 || !ok3 {
			return nil, errBadFont
		}
		if (platform == 3 && encoding == 1) || (platform == 0 && encoding <= 3) {
			if format, ok := u16(cmap + off); ok && format == 4 {
				sub = cmap + off
				break
			}
		}
	}
	if sub < 0 {
		return nil, errors.New("no Unicode BMP (format 4) cmap subtable")
	}
	segX2, ok := u16(sub + 6)
	if !ok {
		return nil, errBadFont
	}
	seg := segX2 / 2
	ends := sub + 14
	starts := ends + segX2 + 2
	deltas := starts + segX2
	rangeOffs := deltas + segX2
	c := &Coverage{}
	for i := 0; i < seg; i++ {
		end, ok1 := u16(ends + 2*i)
		start, ok2 := u16(starts + 2*i)
		delta, ok3 := u16(deltas + 2*i)
		ro, ok4 := u16(rangeOffs + 2*i)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, errBadFont
		}
		for r := start; r <= end && r <= 0xFFFF; r++ {
			glyph := 0
			if ro == 0 {
				glyph = (r + delta) & 0xFFFF
			} else {
				g, ok := u16(rangeOffs + 2*i + ro + 2*(r-start))
				if !ok {
					return nil, errBadFont
				}
				if g != 0 {
					glyph = (g + delta) & 0xFFFF
				}
			}
			if glyph != 0 {
				c.set(r)
			}
		}
	}
	return c, nil
}

// Add puts r into the set (a no-op above U+FFFF).
func (c *Coverage) Add(r rune) {
	if r >= 0 && r <= 0xFFFF {
		c.set(int(r))
	}
}
