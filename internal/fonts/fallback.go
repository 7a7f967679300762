package fonts

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Fallback faces draw what DejaVu lacks (CJK, for one): TrueType fonts
// (glyf outlines; the PDF library reads no CFF) from a folder the operator
// names (--pdf-fonts DIR), then the system's Noto fonts when present. Each
// gets the family "Fallback1", "Fallback2", … in that order.

// SystemFontDirs are searched for Noto TrueType fonts.
var SystemFontDirs = []string{"/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto", "/usr/share/fonts/truetype/noto-cjk",
	"/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts/Supplemental"}

// maxFallbackBytes bounds one fallback font file.
const maxFallbackBytes = 64 << 20

// LoadFallbacks reads the TrueType fonts (*.ttf) of dir, in name order,
// and then, when system is set, the Noto*.ttf fonts of SystemFontDirs.
// A file in dir that is not a usable TrueType font is an error naming
// it; unusable system fonts are skipped.
func LoadFallbacks(dir string, system bool) ([]Face, error) {
	var out []Face
	add := func(path string, strict bool) error {
		data, err := os.ReadFile(path)
		if err == nil && len(data) > maxFallbackBytes {
			err = errors.New("larger than 64 MiB")
		}
		if err == nil {
			err = checkTrueType(data)
		}
		if err != nil {
			if strict {
				return fmt.Errorf("fonts: %s: %w", path, err)
			}
			return nil
		}
		out = append(out, Face{Family: "Fallback" + strconv.Itoa(len(out)+1), Data: data})
		return nil
	}
	if dir != "" {
		names, err := filepath.Glob(filepath.Join(dir, "*.ttf"))
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("fonts: %w", err)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := add(n, true); err != nil {
				return nil, err
			}
		}
	}
	if system {
		for _, d := range SystemFontDirs {
			names, _ := filepath.Glob(filepath.Join(d, "*.ttf"))
			sort.Strings(names)
			for _, n := range names {
				if strings.HasPrefix(strings.ToLower(filepath.Base(n)), "noto") {
					_ = add(n, false)
				}
			}
		}
	}
	return out, nil
}

// checkTrueType accepts a font with glyf outlines and a Unicode cmap.
func checkTrueType(data []byte) error {
	tables, err := tableDirectory(data)
	if err != nil {
		return err
	}
	for _, t := range []string{"glyf", "loca", "head", "hhea", "hmtx", "cmap"} {
		if _, ok := tables[t]; !ok {
			return errors.New("not a TrueType (glyf) font: no " + t + " table")
		}
	}
	_, err = parseCoverage(data)
	return err
}

// CoverageOfData parses the coverage of font bytes that are not one of
// the embedded faces (a fallback).
func CoverageOfData(data []byte) (*Coverage, error) { return parseCoverage(data) }
