package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/demo"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// seededFolder is a data folder holding the demo set.
func seededFolder(t *testing.T) (string, demo.Summary) {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	sum, err := demo.Seed(context.Background(), st, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return dir, sum
}

func TestExportOne(t *testing.T) {
	dir, sum := seededFolder(t)
	partner := sum.RCAIDs[domain.TemplatePartner]
	out := t.TempDir()
	const internalNote = "The autoscaling recipe is not checked"

	tests := []struct {
		name     string
		args     []string
		file     string
		want     []string
		wantNot  []string
		checkPDF bool
	}{
		{"markdown german external", []string{"--format", "md", "--lang", "de", "--tz", "Europe/Berlin", "--audience", "external"}, "de.md",
			[]string{"Teilweise Störung der Templates API", "An zwei Tagen"}, []string{internalNote}, false},
		{"markdown internal keeps internal content", []string{"--format", "md", "--audience", "internal"}, "internal.md",
			[]string{"Templates API partial service disruption", internalNote}, nil, false},
		{"html", []string{"--format", "html", "--lang", "en"}, "r.html",
			[]string{"<html", "Templates API partial service disruption"}, []string{internalNote}, false},
		{"pdf", []string{"--format", "pdf", "--lang", "fr"}, "r.pdf", []string{"%PDF-"}, nil, true},
		{"partner header", []string{"--format", "md", "--facts", "date,occurrences,duration,affected_services", "--issue-date", "2026-11-21",
			"--doc-version", "1.1", "--contact", "partners@example.com", "--status-url", "https://status.example.com/",
			"--closing", "We apologise for the disruption."}, "partner.md",
			[]string{"2 occurrences", "Total duration across 2 occurrences", "November 21, 2026", "1.1", "partners@example.com",
				"<https://status.example.com/>", "We apologise for the disruption."},
			[]string{"Severity", "Time to detect", "Occurrences:** 4"}, false},
		// reportpdf: regional tags and paper.
		{"pdf letter", []string{"--format", "pdf", "--lang", "de", "--paper", "letter"}, "l.pdf", []string{"/MediaBox [0 0 612.00 792.00]"}, nil, true},
		{"pdf en-US is letter", []string{"--format", "pdf", "--lang", "en-US"}, "us.pdf", []string{"/MediaBox [0 0 612.00 792.00]"}, nil, true},
		{"html en-GB dates", []string{"--format", "html", "--lang", "en-GB"}, "gb.html", []string{`<html lang="en-GB">`}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(out, tt.file)
			args := append([]string{"export", "--data", dir, "--rca", partner, "-o", file}, tt.args...)
			r := cli(t, nil, "", args...)
			if r.code != 0 {
				t.Fatalf("%+v", r)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("%s lacks %q", tt.file, w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(string(b), w) {
					t.Errorf("%s contains %q", tt.file, w)
				}
			}
			if tt.checkPDF && !strings.HasPrefix(string(b), "%PDF-") {
				t.Errorf("not a PDF: %q", b[:min(len(b), 20)])
			}
			if !strings.Contains(r.stderr, "wrote "+file) {
				t.Errorf("no confirmation on stderr: %q", r.stderr)
			}
		})
	}
}

func TestExportBySlugToStdoutAndDefaultName(t *testing.T) {
	dir, sum := seededFolder(t)
	r := cli(t, nil, "", "export", "--data", dir, "--rca", "delayed-sms-notifications", "--format", "md", "-o", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "Delayed SMS notifications") {
		t.Fatalf("export by slug to stdout: %+v", r)
	}
	t.Chdir(t.TempDir())
	r = cli(t, nil, "", "export", "--data", dir, "--rca", sum.RCAIDs[domain.TemplateThirdParty], "--format", "html", "--lang", "de")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	names, _ := filepath.Glob("*-delayed-sms-notifications-de.html")
	if len(names) != 1 {
		t.Fatalf("default file name not used; stderr %q", r.stderr)
	}
}

func TestExportAll(t *testing.T) {
	dir, _ := seededFolder(t)

	out := filepath.Join(t.TempDir(), "published")
	r := cli(t, nil, "", "export", "--data", dir, "--all", "--state", "published", "--format", "md", "--out", out)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.md"))
	if len(files) != 1 || !strings.Contains(files[0], "templates-api-partial-service-disruption") {
		t.Fatalf("published export wrote %v", files)
	}
	if !strings.Contains(r.stderr, "[1/1]") || !strings.Contains(r.stderr, "exported 1 of 1") {
		t.Fatalf("no progress on stderr: %q", r.stderr)
	}

	out = filepath.Join(t.TempDir(), "every")
	r = cli(t, nil, "", "export", "--data", dir, "--all", "--format", "pdf", "--out", out)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	files, _ = filepath.Glob(filepath.Join(out, "*.pdf"))
	if len(files) != 3 || !strings.Contains(r.stderr, "[3/3]") {
		t.Fatalf("every state: %v\n%s", files, r.stderr)
	}
	left, _ := filepath.Glob(filepath.Join(out, ".hindsight-export-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}

	r = cli(t, nil, "", "export", "--data", dir, "--all", "--state", "approved,archived", "--out", t.TempDir())
	if r.code != 0 || !strings.Contains(r.stderr, "no RCAs to export") {
		t.Fatalf("empty selection: %+v", r)
	}
}

func TestExportErrors(t *testing.T) {
	dir, sum := seededFolder(t)
	t.Chdir(t.TempDir()) // a mistaken success would write here, not into the source tree
	id := sum.RCAIDs[domain.TemplateStandard]
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown rca", []string{"--rca", "nope", "-o", "-"}, 1, `no RCA with id or slug "nope"`},
		{"no rca", []string{"-o", "-"}, 1, "rca: required"},
		{"both rca and all", []string{"--rca", id, "--all", "--out", "x"}, 1, "rca: invalid"},
		{"all without out", []string{"--all"}, 1, "out: required"},
		{"bad format", []string{"--rca", id, "--format", "docx"}, 1, "format: unknown value"},
		{"bad lang", []string{"--rca", id, "--lang", "no such language!"}, 1, "lang: unknown value"},
		{"bad tz", []string{"--rca", id, "--tz", "Europe/Atlantis"}, 1, "tz: invalid"},
		{"bad issue date", []string{"--rca", id, "--issue-date", "21.11.2026"}, 1, "issue_date: invalid"},
		{"bad header fact", []string{"--rca", id, "--facts", "date,mood"}, 1, "facts: unknown value"},
		{"bad audience", []string{"--rca", id, "--audience", "press"}, 1, "audience: unknown value"},
		{"bad paper", []string{"--rca", id, "--paper", "a5"}, 1, "paper: unknown value"},
		{"underscore tag", []string{"--rca", id, "--lang", "en_GB"}, 1, "lang: unknown value"},
		{"bad state", []string{"--all", "--out", "x", "--state", "published,lost"}, 1, "state: unknown value (lost)"},
		{"state without all", []string{"--rca", id, "--state", "draft"}, 1, "state: invalid"},
		{"unwritable output", []string{"--rca", id, "--format", "md", "-o", filepath.Join(dir, "no", "such", "folder", "x.md")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, nil, "", append([]string{"export", "--data", dir}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", r.code, tt.code, r.stderr, tt.want)
			}
		})
	}
}

func TestUniqueName(t *testing.T) {
	used := map[string]bool{}
	got := []string{uniqueName(used, "a.pdf"), uniqueName(used, "a.pdf"), uniqueName(used, "a.pdf"), uniqueName(used, "b.pdf")}
	want := []string{"a.pdf", "a-2.pdf", "a-3.pdf", "b.pdf"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// One export that cannot be written does not stop the others; the command
// names it and exits non-zero.
func TestExportAllPartialFailure(t *testing.T) {
	dir, sum := seededFolder(t)
	out := t.TempDir()
	// Learn the partner RCA's file name, then put a folder in its way.
	t.Chdir(t.TempDir())
	r := cli(t, nil, "", "export", "--data", dir, "--rca", sum.RCAIDs[domain.TemplatePartner], "--format", "md")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	names, _ := filepath.Glob("*.md")
	if len(names) != 1 {
		t.Fatalf("want one file, got %v", names)
	}
	if err := os.Mkdir(filepath.Join(out, names[0]), 0o755); err != nil {
		t.Fatal(err)
	}
	r = cli(t, nil, "", "export", "--data", dir, "--all", "--format", "md", "--out", out)
	if r.code != 1 || !strings.Contains(r.stderr, "exported 2 of 3") || !strings.Contains(r.stderr, "failed: "+sum.RCAIDs[domain.TemplatePartner]) {
		t.Fatalf("partial failure: %+v", r)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.md"))
	written := 0
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
			written++
		}
	}
	if written != 2 {
		t.Fatalf("%d reports written, want the other 2", written)
	}
}

func TestProgress(t *testing.T) {
	var b strings.Builder
	p := &progress{w: &b, total: 4, tty: true}
	p.step("first.pdf")
	p.step(strings.Repeat("x", 60) + ".pdf")
	p.done()
	got := b.String()
	if !strings.HasPrefix(got, "\r["+strings.Repeat("#", 7)+strings.Repeat(".", 23)+"] 1/4 first.pdf") {
		t.Fatalf("first step drawn as %q", got)
	}
	if !strings.Contains(got, "\r["+strings.Repeat("#", 15)+strings.Repeat(".", 15)+"] 2/4 "+strings.Repeat("x", 37)+"...") {
		t.Fatalf("second step drawn as %q", got)
	}
	if !strings.HasSuffix(got, "\n") {
		t.Fatal("done does not end the line")
	}

	b.Reset()
	p = newProgress(&b, 2) // not a terminal: one line per step
	p.step("a.md")
	p.step("b.md")
	p.done()
	if b.String() != "[1/2] a.md\n[2/2] b.md\n" {
		t.Fatalf("plain progress %q", b.String())
	}
}
