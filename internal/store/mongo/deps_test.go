package mongo_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestStoreDoesNotLinkFerretDB guards the rule that FerretDB is a test-only
// dependency: the store package (which the binary links) must not pull it
// in, only mongotest may.
func TestStoreDoesNotLinkFerretDB(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go tool is not on PATH; it is needed to list the package's dependencies")
		}
		t.Skip("SKIPPED: the go tool is not on PATH, so the package's dependencies cannot be listed")
	}
	out, err := exec.Command(goTool, "list", "-deps", "github.com/hindsight-rca/hindsight/internal/store/mongo").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := string(out)
	if !strings.Contains(deps, "go.mongodb.org/mongo-driver/v2/mongo\n") {
		t.Fatalf("go list output does not look like a dependency list:\n%s", deps)
	}
	for _, line := range strings.Split(deps, "\n") {
		if strings.Contains(line, "FerretDB") || strings.HasSuffix(line, "/mongotest") {
			t.Errorf("the store package links %s", line)
		}
	}
}
