package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplateExportImport: a built-in template exported from one data
// folder imports into another under a new key; importing it again is a
// clear error, and so are bad input and usage mistakes.
func TestTemplateExportImport(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	file := filepath.Join(t.TempDir(), "partner.json")
	r := cli(t, nil, "", "template", "export", "--data", src, "-o", file, "partner")
	if r.code != 0 {
		t.Fatalf("export: %+v", r)
	}
	raw, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(raw), `"format": "hindsight-template/1"`) {
		t.Fatalf("export file: %s %v", raw, err)
	}
	// Under its built-in key it is refused; renamed it imports.
	r = cli(t, nil, "", "template", "import", "--data", dst, file)
	if r.code != 1 || !strings.Contains(r.stderr, "key") {
		t.Fatalf("import of a built-in key: %+v", r)
	}
	renamed := strings.Replace(string(raw), `"key": "partner"`, `"key": "our-partner"`, 1)
	r = cli(t, nil, renamed, "template", "import", "--data", dst, "-")
	if r.code != 0 || !strings.Contains(r.stdout, "imported template our-partner (5 sections)") {
		t.Fatalf("import: %+v", r)
	}
	r = cli(t, nil, "", "template", "export", "--data", dst, "our-partner")
	if r.code != 0 || !strings.Contains(r.stdout, `"key": "our-partner"`) {
		t.Fatalf("export of the imported template: %+v", r)
	}
	r = cli(t, nil, renamed, "template", "import", "--data", dst, "-")
	if r.code != 1 || !strings.Contains(r.stderr, "duplicate") {
		t.Fatalf("second import: %+v", r)
	}
	r = cli(t, nil, `{"format":"x"}`, "template", "import", "--data", dst, "-")
	if r.code != 1 || !strings.Contains(r.stderr, "format") {
		t.Fatalf("wrong format: %+v", r)
	}
	r = cli(t, nil, "", "template", "export", "--data", dst, "nope")
	if r.code != 1 || !strings.Contains(r.stderr, "not found") {
		t.Fatalf("unknown key: %+v", r)
	}
	for _, args := range [][]string{{"template"}, {"template", "delete"}, {"template", "export"}, {"template", "import"}} {
		if r := cli(t, map[string]string{"HINDSIGHT_DATA_DIR": dst}, "", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
}
