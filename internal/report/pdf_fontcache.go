package report

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// Parsing a whole DejaVu face costs fpdf about 4 ms and 2.5 MB, and cutting
// it down to the glyphs a document uses as much again. A document never
// needs the whole face: it needs the 128-rune Unicode blocks its text
// touches. So each face is cut once per process and block set, through
// fpdf's public UTF8CutFont, and documents register the cut face (a few
// hundred glyphs, parsed in a fraction of the time) with
// AddUTF8FontFromBytes. What a document may print with a face is the
// face's coverage within those blocks (docCoverage), so no rune outside
// the cut face ever reaches fpdf.
const (
	trimBlockBits = 7        // blocks of 128 runes
	maxTrimBytes  = 16 << 20 // cut faces kept per process (40 to 300 KB each)
)

// alwaysBlocks are in every cut: Basic Latin and Latin-1 (page numbers,
// placeholders), General Punctuation (… – “ ”), Geometric Shapes and
// Miscellaneous Symbols (list bullets and task boxes).
var alwaysBlocks = []int{0x0000 >> trimBlockBits, 0x0080 >> trimBlockBits, 0x2000 >> trimBlockBits,
	0x2580 >> trimBlockBits, 0x2600 >> trimBlockBits}

type cutCache struct {
	mu      sync.Mutex
	entries map[string][]byte // face key + block list
	size    int
}

var pdfCuts cutCache

// disableFontCut makes documents register whole faces (tests compare).
var disableFontCut bool

// reportBlocks lists the 128-rune blocks of every rune in rep's text, and
// alwaysBlocks, sorted.
func reportBlocks(rep *Report) []int {
	seen := map[int]bool{}
	for _, b := range alwaysBlocks {
		seen[b] = true
	}
	visitStrings(reflect.ValueOf(rep).Elem(), func(s string) {
		for _, r := range s {
			if r > 0 && r <= 0xFFFF {
				seen[int(r)>>trimBlockBits] = true
			}
		}
	})
	list := make([]int, 0, len(seen))
	for b := range seen {
		list = append(list, b)
	}
	slices.Sort(list)
	return list
}

// visitStrings calls fn with every exported string in v (our own report
// model: structs, slices, maps and pointers of them).
func visitStrings(v reflect.Value, fn func(string)) {
	switch v.Kind() {
	case reflect.String:
		fn(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			visitStrings(v.Elem(), fn)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if t.Field(i).IsExported() {
				visitStrings(v.Field(i), fn)
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes (a logo), not text
		}
		for i := 0; i < v.Len(); i++ {
			visitStrings(v.Index(i), fn)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			visitStrings(iter.Key(), fn)
			visitStrings(iter.Value(), fn)
		}
	}
}

// docCoverage is cov limited to blocks: what a document may print.
func docCoverage(cov *fonts.Coverage, blocks []int) *fonts.Coverage {
	out := &fonts.Coverage{}
	for _, b := range blocks {
		for r := b << trimBlockBits; r < (b+1)<<trimBlockBits; r++ {
			if cov.Has(rune(r)) {
				out.Add(rune(r))
			}
		}
	}
	return out
}

// cutFace returns face cut to the runes of cov (already limited to the
// document's blocks), making it on first use; nil when fpdf cannot cut it
// (the caller then registers the whole face).
func (c *cutCache) cutFace(face fonts.Face, blocks []int, cov *fonts.Coverage) []byte {
	if disableFontCut {
		return nil
	}
	var id strings.Builder
	id.WriteString(face.Family + "/" + face.Style)
	for _, b := range blocks {
		id.WriteByte(0)
		id.WriteString(strconv.Itoa(b))
	}
	key := id.String()
	c.mu.Lock()
	data, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		return data
	}
	var set strings.Builder
	for _, b := range blocks {
		for r := b << trimBlockBits; r < (b+1)<<trimBlockBits; r++ {
			if r > 0 && cov.Has(rune(r)) {
				set.WriteRune(rune(r))
			}
		}
	}
	data = safeCut(face.Data, set.String())
	if data == nil {
		return nil
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string][]byte{}
	}
	if _, ok := c.entries[key]; !ok && c.size+len(data) <= maxTrimBytes {
		c.entries[key] = data
		c.size += len(data)
	}
	c.mu.Unlock()
	return data
}

func safeCut(data []byte, cutset string) (out []byte) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	return fpdf.UTF8CutFont(data, cutset)
}
