package hostile

import (
	"strings"
	"testing"
)

func TestCorpus(t *testing.T) {
	all := All()
	if len(all) < 50 {
		t.Fatalf("%d payloads; the corpus lost entries", len(all))
	}
	seen := map[string]bool{}
	for _, p := range all {
		if p.Name == "" || seen[p.Name] {
			t.Errorf("empty or repeated name %q", p.Name)
		}
		seen[p.Name] = true
		if !strings.Contains(p.Text, Placeholder) {
			t.Errorf("%s: no %s placeholder, so a run cannot be traced to a field", p.Name, Placeholder)
		}
		if strings.Contains(p.With("f1"), Placeholder) || strings.Contains(p.Line("f1"), "\n") {
			t.Errorf("%s: With or Line left a placeholder or a line break", p.Name)
		}
		if len(p.Line("f1234")) > 190 {
			t.Errorf("%s: %d bytes on one line; keep payloads under 190 so they fit name fields", p.Name, len(p.Line("f1234")))
		}
	}
}
