package i18n

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

func mustLoad(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

var requiredLanguages = []string{"en", "de", "fr", "es", "pt-BR"}

func TestLanguages(t *testing.T) {
	c := mustLoad(t)
	got := c.Languages()
	if len(got) == 0 || got[0] != "en" {
		t.Fatalf("Languages() = %v, want en first", got)
	}
	for _, l := range requiredLanguages {
		if !c.Supported(l) {
			t.Errorf("language %s has no catalog", l)
		}
	}
}

// requiredIn lists the languages area must be complete in.
func requiredIn(area string) []string {
	if langs := Areas[area]; langs != nil {
		return langs
	}
	return requiredLanguages
}

func TestCatalogComplete(t *testing.T) {
	c := mustLoad(t)
	// Every key any language has in an area must exist in each language
	// that area is required in.
	byArea := map[string]map[string]bool{}
	for _, lang := range c.Languages() {
		for key, area := range c.area[lang] {
			if byArea[area] == nil {
				byArea[area] = map[string]bool{}
			}
			byArea[area][key] = true
		}
	}
	for area, keys := range byArea {
		for _, lang := range requiredIn(area) {
			var missing []string
			for key := range keys {
				if got, ok := c.area[lang][key]; !ok {
					missing = append(missing, key)
				} else if got != area {
					t.Errorf("%s: key %q is in %s.json, other languages have it in %s.json", lang, key, got, area)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("%s/%s.json misses %d keys: %s", lang, area, len(missing), strings.Join(missing, ", "))
			}
		}
	}
}

func TestKeysHaveAreaPrefix(t *testing.T) {
	c := mustLoad(t)
	prefixes := map[string][]string{
		"common":   {"enum.", "duration.", "format.", "zone.", "lang."},
		"report":   {"report."},
		"errors":   {"error."},
		"ui":       {"ui."},
		"status":   {"status."},
		"facts":    {"facts."},
		"actions":  {"actions."},  // area actions (issue 14)
		"insights": {"insights."}, // area insights
		"subs":     {"subs."},
		"images":   {"images."}, // images (issue 15)
		"collab":   {"collab."},
	}
	keyRe := regexp.MustCompile(`^[a-z0-9_]+(\.[A-Za-z0-9_]+)+$`)
	for _, lang := range c.Languages() {
		for key, area := range c.area[lang] {
			if !keyRe.MatchString(key) {
				t.Errorf("%s/%s.json: key %q is not a dotted lowercase key", lang, area, key)
			}
			ok := false
			for _, p := range prefixes[area] {
				ok = ok || strings.HasPrefix(key, p)
			}
			if !ok {
				t.Errorf("%s/%s.json: key %q should start with one of %v", lang, area, key, prefixes[area])
			}
		}
	}
}

func TestNoEmptyValues(t *testing.T) {
	c := mustLoad(t)
	for _, lang := range c.Languages() {
		for key, v := range c.messages[lang] {
			switch v := v.(type) {
			case string:
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s: %q is empty", lang, key)
				}
			case map[string]any:
				for form, s := range v {
					if strings.TrimSpace(s.(string)) == "" {
						t.Errorf("%s: %q form %q is empty", lang, key, form)
					}
				}
			}
		}
	}
}

// formsOf asks go-i18n which plural forms lang uses for whole numbers, by
// probing a message that has all six forms.
func formsOf(t *testing.T, lang string) []string {
	t.Helper()
	tag := language.MustParse(lang)
	b := goi18n.NewBundle(tag)
	if err := b.AddMessages(tag, &goi18n.Message{ID: "p", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}); err != nil {
		t.Fatal(err)
	}
	loc := goi18n.NewLocalizer(b, lang)
	seen := map[string]bool{}
	counts := []int{1_000_000, 2_000_000, 1_000_001, 10_000_000, 100_000, 1_000_000_000}
	for i := 0; i <= 1200; i++ {
		counts = append(counts, i)
	}
	for _, n := range counts {
		f, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: "p", PluralCount: n})
		if err != nil {
			t.Fatalf("probe %s %d: %v", lang, n, err)
		}
		seen[f] = true
	}
	var out []string
	for _, f := range pluralForms {
		if seen[f] {
			out = append(out, f)
		}
	}
	return out
}

func TestPluralForms(t *testing.T) {
	c := mustLoad(t)
	want := map[string][]string{"en": {"one", "other"}, "de": {"one", "other"}, "fr": {"one", "many", "other"}, "es": {"one", "many", "other"}, "pt-BR": {"one", "many", "other"}}
	for _, lang := range c.Languages() {
		forms := formsOf(t, lang)
		if w, ok := want[lang]; ok && strings.Join(w, ",") != strings.Join(forms, ",") {
			t.Errorf("go-i18n says %s uses %v, the catalog documentation says %v", lang, forms, w)
		}
		for key, v := range c.messages[lang] {
			m, ok := v.(map[string]any)
			if !ok {
				if _, plural := c.messages[DefaultLanguage][key].(map[string]any); plural {
					t.Errorf("%s: %q is a plain string, en has plural forms", lang, key)
				}
				continue
			}
			var got []string
			for _, f := range pluralForms {
				if _, ok := m[f]; ok {
					got = append(got, f)
				}
			}
			if strings.Join(got, ",") != strings.Join(forms, ",") {
				t.Errorf("%s: %q has plural forms %v, %s needs exactly %v", lang, key, got, lang, forms)
			}
		}
	}
}

var placeholderRe = regexp.MustCompile(`\{\{\s*\.([A-Za-z]+)\s*\}\}`)

func placeholders(v any) string {
	set := map[string]bool{}
	add := func(s string) {
		for _, m := range placeholderRe.FindAllStringSubmatch(s, -1) {
			set[m[1]] = true
		}
	}
	switch v := v.(type) {
	case string:
		add(v)
	case map[string]any:
		for _, s := range v {
			add(s.(string))
		}
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// TestPlaceholdersMatchEnglish catches a misspelt {{.Field}} in a translation.
func TestPlaceholdersMatchEnglish(t *testing.T) {
	c := mustLoad(t)
	for _, lang := range c.Languages() {
		for key, v := range c.messages[lang] {
			en, ok := c.messages[DefaultLanguage][key]
			if !ok {
				continue
			}
			if got, want := placeholders(v), placeholders(en); got != want {
				t.Errorf("%s: %q uses placeholders [%s], en uses [%s]", lang, key, got, want)
			}
		}
	}
}

func TestEveryKeyRendersInEveryLanguage(t *testing.T) {
	c := mustLoad(t)
	for _, lang := range c.Languages() {
		l := c.Localizer(lang)
		for _, key := range c.Keys(lang) {
			// Fill every placeholder the message uses.
			data := map[string]any{}
			for _, name := range strings.Split(placeholders(c.messages[lang][key]), ",") {
				if name != "" {
					data[name] = "x"
				}
			}
			if _, plural := c.messages[lang][key].(map[string]any); plural {
				for _, n := range []int{0, 1, 2, 5, 1_000_000} {
					s := l.N(key, n, data)
					if s == key || strings.Contains(s, "<no value>") || s == "" {
						t.Errorf("%s: N(%q, %d) = %q", lang, key, n, s)
					}
				}
				continue
			}
			if s := l.T(key, data); s == key || strings.Contains(s, "<no value>") || s == "" {
				t.Errorf("%s: T(%q) = %q", lang, key, s)
			}
		}
	}
}

// usedKeyRes find translation keys in Go code (T("key"), N("key", ...)) and
// in templates ({{T "key"}}, {{call .T "key"}}, {{N "key" ...}}).
var usedKeyRes = []*regexp.Regexp{
	regexp.MustCompile(`\b[TN]\(\s*"([a-z0-9_]+(?:\.[A-Za-z0-9_]+)+)"\s*[,)]`),
	regexp.MustCompile(`\{\{-?\s*(?:call\s+)?\.?\$?\.?[TN]\s+"([a-z0-9_]+(?:\.[A-Za-z0-9_]+)+)"`),
	regexp.MustCompile(`\(\s*(?:call\s+)?\.?\$?\.?[TN]\s+"([a-z0-9_]+(?:\.[A-Za-z0-9_]+)+)"`),
}

func TestKeysUsedInCodeExist(t *testing.T) {
	c := mustLoad(t)
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s: %v", root, err)
	}
	count := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata", "data":
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(p)
		if ext != ".go" && ext != ".html" && ext != ".tmpl" && ext != ".gohtml" {
			return nil
		}
		if strings.HasSuffix(p, "_test.go") {
			return nil // tests use made-up keys on purpose
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, re := range usedKeyRes {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				count++
				if !c.Has(DefaultLanguage, m[1]) {
					t.Errorf("%s uses key %q, which no catalog has", p, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if count == 0 {
		t.Fatal("found no translation keys in the code at all: the pattern is broken")
	}
}

// TestNoDuplicateKeysInFile catches a key written twice in one file, which
// encoding/json would silently resolve to the last value.
func TestNoDuplicateKeysInFile(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("locales", "*", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalog files found: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		seen := map[string]bool{}
		depth := 0
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			switch v := tok.(type) {
			case json.Delim:
				if v == '{' || v == '[' {
					depth++
				} else {
					depth--
				}
			case string:
				// At depth 1 keys and values alternate; a key is followed by
				// a value, so only strings in key position are checked.
				if depth == 1 && dec.More() {
					if seen[v] {
						t.Errorf("%s: key %q appears twice", name, v)
					}
					seen[v] = true
					// Skip the value.
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
				}
			}
		}
	}
}
