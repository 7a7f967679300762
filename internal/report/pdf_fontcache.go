package report

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
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

// disableFontCache is set by tests to render the plain way;
// disableFontTrim only turns off trimmed faces (see trim), and
// disableNarrowWidths narrowWidths.
var disableFontCache, disableFontTrim, disableNarrowWidths bool

func (c *fontCache) load() {
	c.once.Do(func() {
		defs := map[string]cachedFace{}
		for _, face := range fonts.Faces() {
			if strings.Contains(face.Style, "I") {
				continue // italics are slanted upright faces (see slanted)
			}
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

	file := def.FieldByName("utf8File")
	settable(file).Set(copyFontFile(file, cf.data))

	m.SetMapIndex(reflect.ValueOf(cf.key), def)
	return true
}

// Subsetting is the other big per-document cost: when fpdf writes a face
// it parses the whole TrueType file again (cmap, metrics, glyph offsets of
// every glyph) to cut out the glyphs the document used, about 2.5 ms and
// 2 MB per face for DejaVu. fpdf parses whatever bytes the face's reader
// holds, so trim gives each document's reader a smaller font instead: the
// face already cut (by fpdf itself) down to every glyph of the 128-rune
// Unicode blocks the document touches. fpdf's own subsetting then works on
// a few hundred glyphs instead of thousands and picks out exactly the same
// glyphs, in the same order, with the same tables: the PDF is byte for byte
// the one the full face gives (TestFontCache and TestTrimmedFaces check
// it). Trimmed faces are cached per face and block set, so documents in the
// same scripts share them.
const (
	trimBlockBits = 7       // blocks of 128 runes
	maxTrimBytes  = 8 << 20 // trimmed faces kept per process (40 to 300 KB each)
	maxTrimFace   = 1 << 20 // more than a trimmed DejaVu face can take
)

type trimCache struct {
	mu      sync.Mutex
	entries map[string][]byte // face key + "\x00" + block list
	size    int               // bytes in entries
}

var pdfTrims trimCache

// trim replaces the font data of every face f uses with a trimmed face, so
// that Output subsets a small font. It must run after the last text is
// drawn. Faces it cannot handle are left alone.
func (c *fontCache) trim(f *fpdf.Fpdf, faces map[string]bool, covs map[string]*fonts.Coverage) {
	if disableFontCache || disableFontTrim || !c.ok {
		return
	}
	m, ok := fontsMap(f)
	if !ok {
		return
	}
	for key := range faces {
		cf, ok := c.defs[key]
		if !ok {
			continue
		}
		v := m.MapIndex(reflect.ValueOf(cf.key))
		if !v.IsValid() {
			continue
		}
		def := reflect.New(v.Type()).Elem()
		def.Set(v)
		used := settable(def.FieldByName("usedRunes")).Interface().(map[int]int)
		data := pdfTrims.get(key, cf, covs[key], used)
		if data == nil {
			continue
		}
		// The document's own reader (install made it): point it at the
		// trimmed face.
		reader := settable(settable(def.FieldByName("utf8File")).Elem().FieldByName("fileReader"))
		settable(reader.Elem().FieldByName("array")).Set(reflect.ValueOf(data))
		settable(reader.Elem().FieldByName("readerPosition")).SetInt(0)
	}
}

// get returns the face cut to every rune cov has in the blocks of used
// (and always in U+0000 to U+00FF, for the page numbers fpdf fills in while
// writing), making it on first use; nil when fpdf refuses or the cache is
// full (then the document is subset from the full face, as without trimming).
func (t *trimCache) get(key string, cf cachedFace, cov *fonts.Coverage, used map[int]int) []byte {
	blocks := map[int]bool{0: true, 1: true}
	for r := range used {
		if r > 0 && r <= 0xFFFF {
			blocks[r>>trimBlockBits] = true
		}
	}
	list := make([]int, 0, len(blocks))
	for b := range blocks {
		list = append(list, b)
	}
	slices.Sort(list)
	var id strings.Builder
	id.WriteString(key)
	for _, b := range list {
		id.WriteByte(0)
		id.WriteString(strconv.Itoa(b))
	}
	t.mu.Lock()
	data, ok := t.entries[id.String()]
	full := t.size >= maxTrimBytes-maxTrimFace
	t.mu.Unlock()
	if ok {
		return data
	}
	if full {
		// Trimming costs a full subsetting run of its own: only worth it
		// when later documents reuse the result.
		return nil
	}
	keep := map[int]int{}
	for _, b := range list {
		for r := b << trimBlockBits; r < (b+1)<<trimBlockBits; r++ {
			if cov.Has(rune(r)) {
				keep[r] = r
			}
		}
	}
	data = cutFace(cf, keep)
	if data == nil {
		return nil
	}
	t.mu.Lock()
	if t.entries == nil {
		t.entries = map[string][]byte{}
	}
	if _, ok := t.entries[id.String()]; !ok && t.size+len(data) <= maxTrimBytes {
		t.entries[id.String()] = data
		t.size += len(data)
	}
	t.mu.Unlock()
	return data
}

// cutFace runs fpdf's subsetting on a private copy of a parsed face.
// copyFontFile copies the parsed font file file points to and gives the copy
// its own reader over data: subsetting moves the reader and replaces the
// file's tables and maps, which must not touch the cached face.
func copyFontFile(file reflect.Value, data []byte) reflect.Value {
	fileCopy := reflect.New(file.Type().Elem())
	fileCopy.Elem().Set(settable(file).Elem())
	reader := fileCopy.Elem().FieldByName("fileReader")
	readerCopy := reflect.New(reader.Type().Elem())
	settable(readerCopy.Elem().FieldByName("array")).Set(reflect.ValueOf(data))
	settable(reader).Set(readerCopy)
	return fileCopy
}

func cutFace(cf cachedFace, runes map[int]int) (out []byte) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	cut := copyFontFile(cf.def.FieldByName("utf8File"), cf.data).MethodByName("GenerateCutFont")
	if !cut.IsValid() || cut.Type().NumIn() != 1 || cut.Type().In(0) != reflect.TypeOf(runes) ||
		cut.Type().NumOut() != 1 || cut.Type().Out(0) != reflect.TypeOf([]byte(nil)) {
		return nil
	}
	res := cut.Call([]reflect.Value{reflect.ValueOf(runes)})
	data := res[0].Interface().([]byte)
	if len(data) == 0 {
		return nil
	}
	return data
}

// narrowWidths leaves in each face's width table only the runes the
// document uses (and the digits fpdf may still write for the page count).
// fpdf lists the width of every rune up to U+00FF it has a width for,
// used or not, building that list with linear searches (about 0.4 ms per
// face); widths of runes a PDF never shows change nothing on the page. It
// runs after the last text is drawn, in both the cached and the plain way.
func narrowWidths(f *fpdf.Fpdf) {
	m, ok := fontsMap(f)
	if !ok {
		return
	}
	iter := m.MapRange()
	for iter.Next() {
		def := reflect.New(iter.Value().Type()).Elem()
		def.Set(iter.Value())
		tp, cwField, runesField := def.FieldByName("Tp"), def.FieldByName("Cw"), def.FieldByName("usedRunes")
		if !tp.IsValid() || tp.Kind() != reflect.String || tp.String() != "UTF8" ||
			!cwField.IsValid() || cwField.Type() != reflect.TypeOf([]int(nil)) ||
			!runesField.IsValid() || runesField.Type() != reflect.TypeOf(map[int]int{}) {
			continue
		}
		cw := cwField.Interface().([]int)
		used := settable(runesField).Interface().(map[int]int)
		last := 255
		for r := range used {
			last = max(last, r)
		}
		if last >= len(cw) {
			continue
		}
		narrow := make([]int, last+1)
		for r := range used {
			if r > 0 {
				narrow[r] = cw[r]
			}
		}
		copy(narrow['0':'9'+1], cw['0':'9'+1])
		cwField.Set(reflect.ValueOf(narrow))
		m.SetMapIndex(iter.Key(), def)
	}
}
