package linediff

import (
	"math/rand"
	"strings"
	"testing"
)

// rebuild returns the old and new texts a diff describes.
func rebuild(d []Line) (oldLines, newLines []string) {
	for _, l := range d {
		if l.Op != Insert {
			oldLines = append(oldLines, l.Text)
		}
		if l.Op != Delete {
			newLines = append(newLines, l.Text)
		}
	}
	return oldLines, newLines
}

func edits(d []Line) int {
	n := 0
	for _, l := range d {
		if l.Op != Equal {
			n++
		}
	}
	return n
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string
		wantEdits int
		want      string // compact form: " a", "-b", "+c" joined by |
	}{
		{"both empty", "", "", 0, ""},
		{"identical", "a\nb\n", "a\nb", 0, " a| b"},
		{"insert at end", "a\nb", "a\nb\nc", 1, " a| b|+c"},
		{"delete in middle", "a\nb\nc", "a\nc", 1, " a|-b| c"},
		{"replace one line", "a\nb\nc", "a\nB\nc", 2, " a|-b|+B| c"},
		{"from empty", "", "x\ny", 2, "+x|+y"},
		{"to empty", "x\ny", "", 2, "-x|-y"},
		{"crlf equals lf", "a\r\nb\r\n", "a\nb\n", 0, " a| b"},
		{"move", "a\nb\nc\nd", "b\nc\nd\na", 2, "-a| b| c| d|+a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff(tt.old, tt.new)
			if got := edits(d); got != tt.wantEdits {
				t.Errorf("edits = %d, want %d", got, tt.wantEdits)
			}
			var parts []string
			for _, l := range d {
				parts = append(parts, map[Op]string{Equal: " ", Insert: "+", Delete: "-"}[l.Op]+l.Text)
			}
			if got := strings.Join(parts, "|"); got != tt.want {
				t.Errorf("diff = %q, want %q", got, tt.want)
			}
			o, n := rebuild(d)
			if strings.Join(o, "\n") != strings.Join(Lines(strings.ReplaceAll(tt.old, "\r\n", "\n")), "\n") ||
				strings.Join(n, "\n") != strings.Join(Lines(tt.new), "\n") {
				t.Errorf("diff does not rebuild its inputs")
			}
		})
	}
}

func TestDiffLineNumbers(t *testing.T) {
	d := Diff("a\nb\nc\nd", "a\nx\nc\nd\ne")
	for _, l := range d {
		switch l.Op {
		case Equal:
			if l.OldNo == 0 || l.NewNo == 0 {
				t.Errorf("equal line %q lacks a number: %+v", l.Text, l)
			}
		case Insert:
			if l.OldNo != 0 || l.NewNo == 0 {
				t.Errorf("inserted line %q numbered wrongly: %+v", l.Text, l)
			}
		case Delete:
			if l.NewNo != 0 || l.OldNo == 0 {
				t.Errorf("deleted line %q numbered wrongly: %+v", l.Text, l)
			}
		}
	}
	last := d[len(d)-1]
	if last.Op != Insert || last.NewNo != 5 || last.Text != "e" {
		t.Errorf("last line = %+v, want insert of e as line 5", last)
	}
}

// TestDiffRandomRebuilds checks on random inputs that every diff rebuilds
// both texts and is never longer than replacing everything.
func TestDiffRandomRebuilds(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	alphabet := []string{"a", "b", "c", "d", "e"}
	gen := func() []string {
		n := rng.Intn(30)
		out := make([]string, n)
		for i := range out {
			out[i] = alphabet[rng.Intn(len(alphabet))]
		}
		return out
	}
	for i := 0; i < 500; i++ {
		a, b := gen(), gen()
		d := DiffLines(a, b)
		o, n := rebuild(d)
		if strings.Join(o, ",") != strings.Join(a, ",") || strings.Join(n, ",") != strings.Join(b, ",") {
			t.Fatalf("case %d: diff of %v and %v does not rebuild them", i, a, b)
		}
		if edits(d) > len(a)+len(b) {
			t.Fatalf("case %d: %d edits for %d+%d lines", i, edits(d), len(a), len(b))
		}
	}
}

func TestDiffFallsBackBeyondMaxEdits(t *testing.T) {
	var a, b []string
	for i := 0; i < MaxEdits; i++ {
		a = append(a, "old")
		b = append(b, "new")
	}
	d := DiffLines(a, b)
	if edits(d) != 2*MaxEdits {
		t.Fatalf("edits = %d, want %d", edits(d), 2*MaxEdits)
	}
	o, n := rebuild(d)
	if len(o) != len(a) || len(n) != len(b) {
		t.Fatal("fallback diff does not rebuild its inputs")
	}
}

func TestHunks(t *testing.T) {
	var a []string
	for i := 0; i < 20; i++ {
		a = append(a, string(rune('a'+i)))
	}
	b := append([]string{}, a...)
	b[2] = "X"
	b[17] = "Y"
	h := Hunks(DiffLines(a, b), 1)
	if len(h) != 2 {
		t.Fatalf("hunks = %d, want 2", len(h))
	}
	if got := len(h[0].Lines); got != 4 { // b, -c, +X, d
		t.Errorf("first hunk has %d lines, want 4", got)
	}
	if Hunks(DiffLines(a, a), 3) != nil {
		t.Error("identical texts should have no hunks")
	}
}

func BenchmarkDiff(b *testing.B) {
	var sa, sb strings.Builder
	for i := 0; i < 2000; i++ {
		sa.WriteString("line of text number " + string(rune('a'+i%26)) + "\n")
		if i%50 == 0 {
			sb.WriteString("changed line\n")
		} else {
			sb.WriteString("line of text number " + string(rune('a'+i%26)) + "\n")
		}
	}
	x, y := sa.String(), sb.String()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Diff(x, y)
	}
}

// FuzzDiff checks that any two texts give a diff that rebuilds both.
func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("", "x")
	f.Add("same\n", "same")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := Diff(a, b)
		o, n := rebuild(d)
		norm := func(s string) string { return strings.Join(Lines(s), "\n") }
		if strings.Join(o, "\n") != norm(a) || strings.Join(n, "\n") != norm(b) {
			t.Fatalf("diff of %q and %q does not rebuild them", a, b)
		}
	})
}
