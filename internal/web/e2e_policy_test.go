package web

import (
	"fmt"
	"strings"
	"testing"
)

// recordingTB notes whether a helper failed or skipped instead of doing it.
type recordingTB struct {
	testing.TB
	failed, skipped string
}

func (r *recordingTB) Helper()           {}
func (r *recordingTB) Fatal(args ...any) { r.failed = sprint(args) }
func (r *recordingTB) Skip(args ...any)  { r.skipped = sprint(args) }
func sprint(args []any) string           { return fmt.Sprint(args...) }

// TestMissingChromiumSkipsLoudlyButFailsInCI pins the policy for the
// real-browser tests: without a browser they skip with a message, except
// with CI=true, where they fail.
func TestMissingChromiumSkipsLoudlyButFailsInCI(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no browser anywhere
	t.Setenv("HINDSIGHT_CHROMIUM", "")
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := &recordingTB{TB: t}
		if got := findChromium(r); got != "" {
			t.Fatalf("CI=%q: found %q with an empty PATH", ci, got)
		}
		if ci == "true" && (r.failed == "" || r.skipped != "") {
			t.Errorf("CI=true: failed=%q skipped=%q, want a failure", r.failed, r.skipped)
		}
		if ci == "" && (r.skipped == "" || r.failed != "") {
			t.Errorf("CI unset: failed=%q skipped=%q, want a skip", r.failed, r.skipped)
		}
		if msg := r.failed + r.skipped; !strings.Contains(msg, "chromium") {
			t.Errorf("message %q does not say what is missing", msg)
		}
	}
}
