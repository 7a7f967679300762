package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/config"
)

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The test command is one command everywhere: README's "Test" section,
// `make test` and .ci/run (which CI runs) say exactly the same thing.
func TestTestCommandIsTheSameEverywhere(t *testing.T) {
	var ciCmd string
	for _, line := range strings.Split(readRepoFile(t, ".ci/run"), "\n") {
		if strings.HasPrefix(line, "go test ") {
			if ciCmd != "" {
				t.Fatalf(".ci/run runs go test twice: %q and %q", ciCmd, line)
			}
			ciCmd = line
		}
	}
	if ciCmd == "" {
		t.Fatal(".ci/run runs no go test")
	}
	readme := readRepoFile(t, "README.md")
	_, testSection, ok := strings.Cut(readme, "\n## Test\n")
	if !ok {
		t.Fatal("README has no Test section")
	}
	testSection, _, _ = strings.Cut(testSection, "\n## ")
	if !strings.Contains(testSection, "\n    "+ciCmd+"\n") {
		t.Fatalf("README's Test section does not give %q as its command:\n%s", ciCmd, testSection)
	}
	m := regexp.MustCompile(`(?m)^test:\n\t\$\(GO\) (test .*)$`).FindStringSubmatch(readRepoFile(t, "Makefile"))
	if m == nil || "go "+m[1] != ciCmd {
		t.Fatalf("make test runs %q, CI runs %q", m, ciCmd)
	}
}

// Every setting is documented in README's configuration table.
func TestEverySettingDocumented(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	for flagName, env := range config.Env() {
		if !strings.Contains(readme, "`--"+flagName+"`") || !strings.Contains(readme, "`"+env+"`") {
			t.Errorf("README does not document --%s / %s", flagName, env)
		}
	}
	for _, env := range []string{envPublicAddr, envTrustedProxies} {
		if !strings.Contains(readme, "`"+env+"`") {
			t.Errorf("README does not document %s", env)
		}
	}
}

// The deployment files only set variables Hindsight reads (a typo there
// would be silently ignored).
func TestDeploymentFilesUseKnownSettings(t *testing.T) {
	known := map[string]bool{envPublicAddr: true, envTrustedProxies: true}
	for _, env := range config.Env() {
		known[env] = true
	}
	re := regexp.MustCompile(`HINDSIGHT_[A-Z_]+`)
	for _, name := range []string{"Dockerfile", "docker-compose.yml"} {
		found := re.FindAllString(readRepoFile(t, name), -1)
		if len(found) == 0 {
			t.Errorf("%s sets no HINDSIGHT_ variable", name)
		}
		for _, env := range found {
			if !known[env] && env != "HINDSIGHT_PORT" { // compose's own host port knob
				t.Errorf("%s uses %s, which Hindsight does not read", name, env)
			}
		}
	}
}

// The team deployment (scalemulti): MongoDB as a replica set that compose
// initialises, two Hindsight instances on it and a reverse proxy over both.
// (No Docker engine runs in the tests; this checks the file says so.)
func TestComposeRunsTwoInstancesOnAReplicaSet(t *testing.T) {
	compose := readRepoFile(t, "docker-compose.yml")
	for _, want := range []string{
		`"--replSet", "rs0"`,                        // mongod starts as a replica set member
		`rs.initiate({_id: "rs0"`,                   // and compose initialises the set
		"condition: service_completed_successfully", // before Hindsight starts
		"replicaSet=rs0",                            // Hindsight connects to the set
		"hindsight-1:\n    <<: *hindsight",
		"hindsight-2:\n    <<: *hindsight",
		`"--to", "hindsight-1:8080", "--to", "hindsight-2:8080"`, // the proxy spreads over both
		"image: caddy:2",
	} {
		if !strings.Contains(compose, want) {
			t.Errorf("docker-compose.yml lacks %q", want)
		}
	}
	if strings.Count(compose, `"${HINDSIGHT_PORT:-8080}:8080"`) != 1 {
		t.Error("only the proxy should publish a host port")
	}
	readme := readRepoFile(t, "README.md")
	for _, want := range []string{"replica set", "Atlas", "store copy"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README does not mention %q", want)
		}
	}
}
