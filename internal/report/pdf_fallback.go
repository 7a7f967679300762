package report

import (
	"sync"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// Characters DejaVu lacks are drawn with fallback faces: the TrueType
// fonts of --pdf-fonts DIR, then the system's Noto fonts when present;
// only what none of them has becomes a visible "[U+4E2D]" placeholder.
// (Runes above U+FFFF, emoji among them, always do: fpdf cannot encode
// them.)

type fallbackFace struct {
	face fonts.Face
	cov  *fonts.Coverage
}

var (
	fallbackMu     sync.RWMutex
	fallbackFaces  []fallbackFace
	fallbackLoaded bool
)

// SetFallbackFonts makes PDFs draw characters the embedded fonts lack
// with the TrueType fonts of dir (in name order), then with the system's
// Noto fonts. An empty dir uses only the system's. A file in dir that is
// not a usable TrueType font is an error, and nothing changes.
func SetFallbackFonts(dir string) error {
	faces, err := fonts.LoadFallbacks(dir, true)
	if err != nil {
		return err
	}
	return setFallbacks(faces)
}

func setFallbacks(faces []fonts.Face) error {
	var fb []fallbackFace
	for _, f := range faces {
		cov, err := fonts.CoverageOfData(f.Data)
		if err != nil {
			return err
		}
		fb = append(fb, fallbackFace{face: f, cov: cov})
	}
	fallbackMu.Lock()
	fallbackFaces, fallbackLoaded = fb, true
	fallbackMu.Unlock()
	return nil
}

// fallbacks returns the fallback faces, looking for system Noto fonts on
// first use when SetFallbackFonts was never called.
func fallbacks() []fallbackFace {
	fallbackMu.RLock()
	fb, loaded := fallbackFaces, fallbackLoaded
	fallbackMu.RUnlock()
	if loaded {
		return fb
	}
	faces, _ := fonts.LoadFallbacks("", true)
	fallbackMu.Lock()
	if !fallbackLoaded {
		var list []fallbackFace
		for _, f := range faces {
			if cov, err := fonts.CoverageOfData(f.Data); err == nil {
				list = append(list, fallbackFace{face: f, cov: cov})
			}
		}
		fallbackFaces, fallbackLoaded = list, true
	}
	fb = fallbackFaces
	fallbackMu.Unlock()
	return fb
}

// textSeg is a piece of text and the fallback face that draws it (-1:
// the document's own face).
type textSeg struct {
	text string
	fb   int
}

// segments makes s safe for the current face, keeping what a fallback
// face draws, and splits it where the face changes.
func (d *pdfDoc) segments(s string, keepNewlines bool) []textSeg {
	cov := d.covs[d.family+"/"+d.style]
	if len(d.fb) == 0 {
		return []textSeg{{pdfSafe(s, cov, keepNewlines), -1}}
	}
	safe := pdfSafeAlt(s, cov, keepNewlines, func(r rune) bool { return d.fallbackFor(r) >= 0 })
	var out []textSeg
	start, cur := 0, -1
	for i, r := range safe {
		fb := -1
		if r != ' ' && !cov.Has(r) {
			fb = d.fallbackFor(r)
		}
		if fb != cur && i > start {
			out = append(out, textSeg{safe[start:i], cur})
			start = i
		}
		if fb != cur {
			start, cur = i, fb
		}
	}
	if start < len(safe) {
		out = append(out, textSeg{safe[start:], cur})
	}
	return out
}

func (d *pdfDoc) fallbackFor(r rune) int {
	for i, f := range d.fb {
		if f.cov.Has(r) {
			return i
		}
	}
	return -1
}

// useFallback selects fallback face i at size, registering it (cut to
// the document's blocks) on first use.
func (d *pdfDoc) useFallback(i int, size float64) {
	fb := d.fb[i]
	key := fb.face.Family + "/"
	if !d.added[key] {
		data := pdfCuts.cutFace(fb.face, d.blocks, fb.cov)
		if data == nil {
			data = fb.face.Data
		}
		d.f.AddUTF8FontFromBytes(fb.face.Family, "", data)
		d.added[key] = true
	}
	d.f.SetFont(fb.face.Family, "", size)
}
