package report

import (
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

// reportBlocks lists the 128-rune blocks of every rune the PDF may print
// from rep (reportTexts), and alwaysBlocks, sorted.
func reportBlocks(rep *Report) []int {
	var seen [0x10000 >> trimBlockBits]bool
	for _, b := range alwaysBlocks {
		seen[b] = true
	}
	reportTexts(rep, func(s string) {
		for i := 0; i < len(s); i++ {
			if s[i] < 0x80 {
				seen[0] = true
				continue
			}
			for _, r := range s[i:] {
				if r > 0 && r <= 0xFFFF {
					seen[int(r)>>trimBlockBits] = true
				}
			}
			return
		}
	})
	list := make([]int, 0, 16)
	for b, ok := range seen {
		if ok {
			list = append(list, b)
		}
	}
	return list
}

// reportTexts calls fn with every text of rep a renderer may print (not
// identifiers, links, or the metrics model, which the facts word).
// TestReportTextsCoverTheReport fails when a new text field is missing.
func reportTexts(rep *Report, fn func(string)) {
	each := func(ss ...string) {
		for _, s := range ss {
			if s != "" {
				fn(s)
			}
		}
	}
	each(rep.Title, rep.Kind, rep.Branding.OrgName, rep.Closing)
	each(rep.Authors...)
	for _, f := range rep.Facts {
		each(f.Label, f.Value)
		each(f.Lines...)
	}
	for _, s := range rep.Sections {
		each(s.Title, s.Markdown, s.UntranslatedNote)
	}
	tl := &rep.Timeline
	each(tl.Heading, tl.Labels.Date, tl.Labels.Time, tl.Labels.Kind, tl.Labels.Event)
	for _, e := range tl.Entries {
		each(e.Date, e.Time, e.KindLabel, e.Markdown)
	}
	at := &rep.Actions
	each(at.Heading, at.Labels.Title, at.Labels.Owner, at.Labels.Due, at.Labels.State, at.Labels.Tracker)
	for _, a := range at.Items {
		each(a.Title, a.Owner, a.Due, a.StateLabel)
	}
	for _, c := range rep.Cycles {
		each(c.Label)
		for _, m := range c.Marks {
			each(m.Label, m.Time)
		}
	}
	lb := &rep.Labels
	each(lb.Watermark, lb.DraftNotice, lb.InternalNotice, lb.InternalMarker, lb.Generated, lb.Overview, lb.Impact, lb.Recovering)
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
