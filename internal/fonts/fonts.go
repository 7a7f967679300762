// Package fonts embeds the DejaVu Sans and DejaVu Sans Mono TrueType fonts
// (Bitstream Vera license with DejaVu changes in the public domain; see
// LICENSE) used by the PDF export.
package fonts

import (
	_ "embed"
	"sync"
)

// Family names under which the PDF renderer registers the fonts.
const (
	Sans = "DejaVuSans"
	Mono = "DejaVuSansMono"
)

var (
	//go:embed DejaVuSans.ttf
	sansRegular []byte
	//go:embed DejaVuSans-Bold.ttf
	sansBold []byte
	//go:embed DejaVuSans-Oblique.ttf
	sansOblique []byte
	//go:embed DejaVuSans-BoldOblique.ttf
	sansBoldOblique []byte
	//go:embed DejaVuSansMono.ttf
	monoRegular []byte
)

// Face is one embedded font file: its family, its fpdf style ("", "B", "I",
// "BI") and its TrueType bytes. Data is shared: do not modify it.
type Face struct {
	Family string
	Style  string
	Data   []byte
}

var (
	facesOnce sync.Once
	faces     []Face
)

// Faces lists every embedded face. The data is prepared once per process
// (see withLongMetrics) and shared by every document.
func Faces() []Face {
	facesOnce.Do(func() {
		raw := []Face{
			{Sans, "", sansRegular},
			{Sans, "B", sansBold},
			{Sans, "I", sansOblique},
			{Sans, "BI", sansBoldOblique},
			{Mono, "", monoRegular},
		}
		for _, f := range raw {
			if data, err := withLongMetrics(f.Data); err == nil {
				f.Data = data
			}
			faces = append(faces, f)
		}
	})
	return faces
}

// Lookup returns the face for family and style, or false.
func Lookup(family, style string) (Face, bool) {
	for _, f := range Faces() {
		if f.Family == family && f.Style == style {
			return f, true
		}
	}
	return Face{}, false
}
