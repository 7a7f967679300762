package worddiff

import (
	"strings"
	"testing"
)

// render shows spans as "[-old-]{+new+}".
func render(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		switch s.Op {
		case Insert:
			b.WriteString("{+" + s.Text + "+}")
		case Delete:
			b.WriteString("[-" + s.Text + "-]")
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestDiffWordByWord(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"", "", ""},
		{"same text", "same text", "same text"},
		{"The cache was cold.", "The cache was warm.", "The cache was [-cold-]{+warm+}."},
		{"Checkout failed for 47 minutes.", "Checkout failed for about 47 minutes in eu-west.",
			"Checkout failed for {+about +}47 minutes{+ in eu-west+}."},
		// Whole words change, never parts of one: "configure" → "configured".
		{"we configure it", "we configured it", "we [-configure-]{+configured+} it"},
		{"Größe ändern", "Größe behalten", "Größe [-ändern-]{+behalten+}"},
		{"", "new", "{+new+}"},
		{"old", "", "[-old-]"},
	}
	for _, c := range cases {
		spans := Diff(c.a, c.b)
		if got := render(spans); got != c.want {
			t.Errorf("Diff(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
		// The spans rebuild both texts.
		var old, new strings.Builder
		for _, s := range spans {
			if s.Op != Insert {
				old.WriteString(s.Text)
			}
			if s.Op != Delete {
				new.WriteString(s.Text)
			}
		}
		if old.String() != c.a || new.String() != c.b {
			t.Errorf("spans of %q → %q rebuild %q → %q", c.a, c.b, old.String(), new.String())
		}
	}
}

func FuzzDiffRebuilds(f *testing.F) {
	f.Add("a b c", "a c d")
	f.Fuzz(func(t *testing.T, a, b string) {
		var old, new strings.Builder
		for _, s := range Diff(a, b) {
			if s.Op != Insert {
				old.WriteString(s.Text)
			}
			if s.Op != Delete {
				new.WriteString(s.Text)
			}
		}
		if old.String() != a || new.String() != b {
			t.Fatalf("spans do not rebuild %q → %q", a, b)
		}
	})
}

func BenchmarkDiffSection(b *testing.B) {
	old := strings.Repeat("The deploy at 13:00 changed the connection pool size from 50 to 5. ", 60)
	new := strings.Replace(old, "from 50 to 5", "from 50 to 500", 7)
	for b.Loop() {
		Diff(old, new)
	}
}
