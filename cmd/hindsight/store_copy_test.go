package main

import (
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

// TestStoreCopyCommand copies a data folder into MongoDB (the in-process
// FerretDB) and back into a new folder from the command line (the final
// check compares sampled users' password hashes); copying into the
// non-empty target again is refused; bad arguments are usage errors.
func TestStoreCopyCommand(t *testing.T) {
	src, back := t.TempDir(), t.TempDir()
	if r := cli(t, nil, "tangerine harbour lantern 42\n", "--data", src, "user", "add", "--email", "ada@example.com", "--role", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	uri := mongotest.Start(t)
	r := cli(t, nil, "", "store", "copy", "--from", "sqlite:"+src, "--to", uri)
	if r.code != 0 || !strings.Contains(r.stdout, "users") || !strings.Contains(r.stdout, "verified") {
		t.Fatalf("copy into mongodb: %+v", r)
	}
	if !strings.Contains(r.stdout, "users               1 in source,       1 copied") {
		t.Errorf("final counts: %s", r.stdout)
	}
	r = cli(t, nil, "", "store", "copy", "--from", "sqlite:"+src, "--to", uri)
	if r.code != 1 || !strings.Contains(r.stderr, "--merge") {
		t.Fatalf("copy into a non-empty store: %+v", r)
	}
	if r = cli(t, nil, "", "store", "copy", "--from", "sqlite:"+src, "--to", uri, "--merge"); r.code != 0 {
		t.Fatalf("merge: %+v", r)
	}
	if r = cli(t, nil, "", "store", "copy", "--from", uri, "--to", "sqlite:"+back); r.code != 0 {
		t.Fatalf("copy back: %+v", r)
	}
	r = cli(t, nil, "", "--data", back, "user", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "ada@example.com") {
		t.Fatalf("user list on the copy: %+v", r)
	}
	for _, args := range [][]string{
		{"store"}, {"store", "copy"}, {"store", "copy", "--from", "sqlite:" + src},
		{"store", "copy", "--from", "postgres://x", "--to", "sqlite:" + back},
		{"store", "copy", "--from", "sqlite:" + src, "--to", "sqlite:" + src},
	} {
		if r := cli(t, nil, "", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage): %s", args, r.code, r.stderr)
		}
	}
}
