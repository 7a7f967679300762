package static

import (
	"io/fs"
	"testing"
)

// TestEditorBundleSize keeps the committed editor bundle (CodeMirror 6 and
// our code, see ../editor) under the ceiling editor/bundle.go enforces.
func TestEditorBundleSize(t *testing.T) {
	const ceiling = 290 * 1024
	total := 0
	for _, name := range []string{"editor.js", "editor.css"} {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatalf("%s is not embedded: %v (run go generate ./static)", name, err)
		}
		total += len(b)
	}
	t.Logf("editor.js + editor.css: %d bytes", total)
	if total > ceiling {
		t.Errorf("editor bundle is %d bytes, over the %d-byte ceiling", total, ceiling)
	}
}
