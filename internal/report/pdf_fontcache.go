package report

import (
	"reflect"
	"sync"
	"unsafe"

	"codeberg.org/go-pdf/fpdf"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// Parsing a DejaVu face costs fpdf about 4 ms and 2.5 MB per document, and
// fpdf has no API to reuse a parsed font. fontCache parses each face once
// per process and gives every document its own copy of the parsed
// definition, with fresh per-document state (the set of used runes, and the
// font reader that subsetting moves through).
//
// This reaches into fpdf's unexported fields by reflection, so it is pinned
// to the fpdf version in go.mod: when the fields do not look as expected it
// turns itself off and setFont falls back to AddUTF8FontFromBytes. Tests
// check that it is on and that both ways give byte-identical PDFs.
type fontCache struct {
	once sync.Once
	ok   bool
	defs map[string]cachedFace // by family + "/" + style
}

type cachedFace struct {
	key  string        // fpdf's font key, e.g. "dejavusansB"
	def  reflect.Value // a parsed fontDefType
	data []byte        // the face's TrueType bytes
}

var pdfFonts fontCache

// disableFontCache is set by tests to render the plain way.
var disableFontCache bool

func (c *fontCache) load() {
	c.once.Do(func() {
		defs := map[string]cachedFace{}
		for _, face := range fonts.Faces() {
			f := fpdf.New("P", "mm", "A4", "")
			f.AliasNbPages("{nb}") // as in documents: it changes the initial rune set
			f.AddUTF8FontFromBytes(face.Family, face.Style, face.Data)
			if f.Err() {
				return
			}
			m, ok := fontsMap(f)
			if !ok || m.Len() != 1 {
				return
			}
			iter := m.MapRange()
			iter.Next()
			def := reflect.New(m.Type().Elem()).Elem()
			def.Set(iter.Value())
			if !validDef(def) {
				return
			}
			defs[face.Family+"/"+face.Style] = cachedFace{key: iter.Key().String(), def: def, data: face.Data}
		}
		c.defs, c.ok = defs, true
	})
}

// fontsMap returns f's unexported fonts map (map[string]fontDefType), settable.
func fontsMap(f *fpdf.Fpdf) (reflect.Value, bool) {
	v := reflect.ValueOf(f).Elem().FieldByName("fonts")
	if !v.IsValid() || v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	return settable(v), true
}

func settable(v reflect.Value) reflect.Value {
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// validDef checks the shape of fontDefType and utf8FontFile this code
// relies on.
func validDef(def reflect.Value) bool {
	tp := def.FieldByName("Tp")
	runes := def.FieldByName("usedRunes")
	file := def.FieldByName("utf8File")
	if !tp.IsValid() || tp.String() != "UTF8" || !runes.IsValid() || runes.Type() != reflect.TypeOf(map[int]int{}) ||
		!file.IsValid() || file.Kind() != reflect.Pointer || file.IsNil() || file.Elem().Kind() != reflect.Struct {
		return false
	}
	reader := file.Elem().FieldByName("fileReader")
	if !reader.IsValid() || reader.Kind() != reflect.Pointer || reader.IsNil() {
		return false
	}
	pos := reader.Elem().FieldByName("readerPosition")
	array := reader.Elem().FieldByName("array")
	return pos.IsValid() && pos.Kind() == reflect.Int64 && array.IsValid() && array.Type() == reflect.TypeOf([]byte(nil))
}

// install gives f its own copy of the parsed face; false when the cache is
// off and the caller must add the font the normal way.
func (c *fontCache) install(f *fpdf.Fpdf, family, style string) bool {
	if disableFontCache {
		return false
	}
	c.load()
	if !c.ok {
		return false
	}
	cf, ok := c.defs[family+"/"+style]
	if !ok {
		return false
	}
	m, ok := fontsMap(f)
	if !ok {
		return false
	}
	def := reflect.New(cf.def.Type()).Elem()
	def.Set(cf.def)

	// Fresh used-rune set, as AddUTF8FontFromBytes makes it.
	runes := map[int]int{}
	for k, v := range settable(cf.def.FieldByName("usedRunes")).Interface().(map[int]int) {
		runes[k] = v
	}
	settable(def.FieldByName("usedRunes")).Set(reflect.ValueOf(runes))

	// A copy of the parsed font file with its own reader: subsetting moves
	// the reader and replaces the file's tables and maps.
	file := def.FieldByName("utf8File")
	fileCopy := reflect.New(file.Type().Elem())
	fileCopy.Elem().Set(settable(file).Elem())
	reader := fileCopy.Elem().FieldByName("fileReader")
	readerCopy := reflect.New(reader.Type().Elem())
	settable(readerCopy.Elem().FieldByName("array")).Set(reflect.ValueOf(cf.data))
	settable(reader).Set(readerCopy)
	settable(file).Set(fileCopy)

	m.SetMapIndex(reflect.ValueOf(cf.key), def)
	return true
}
