// Package worddiff compares two texts word by word, for readable
// per-section differences between RCA revisions (area collab, issue 12).
// The differencing is github.com/sergi/go-diff's (DESIGN.md's choice for
// word diffs): each word, run of white space or other character becomes
// one rune, the runes are diffed, and the result is cleaned up for people.
package worddiff

import (
	"regexp"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says what happened to a span of text.
type Op int

// Span operations.
const (
	Equal Op = iota
	Insert
	Delete
)

func (o Op) String() string {
	switch o {
	case Insert:
		return "insert"
	case Delete:
		return "delete"
	}
	return "equal"
}

// Span is a run of text that is kept, inserted or deleted.
type Span struct {
	Op   Op
	Text string
}

var tokenRe = regexp.MustCompile(`[\p{L}\p{N}_'’-]+|\s+|.`)

// Diff answers the spans that turn a into b, word by word.
func Diff(a, b string) []Span {
	if a == b {
		if a == "" {
			return nil
		}
		return []Span{{Equal, a}}
	}
	ids := map[string]rune{}
	var words []string
	encode := func(s string) []rune {
		toks := tokenRe.FindAllString(s, -1)
		out := make([]rune, len(toks))
		for i, t := range toks {
			r, ok := ids[t]
			if !ok {
				r = rune(len(words))
				ids[t] = r
				words = append(words, t)
			}
			out[i] = r
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffMainRunes(ra, rb, false)
	// Cleanup works on the runes, so on whole words.
	diffs = dmp.DiffCleanupSemantic(diffs)
	var out []Span
	for _, d := range diffs {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(words[r])
		}
		op := Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Insert
		case diffmatchpatch.DiffDelete:
			op = Delete
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += sb.String()
			continue
		}
		out = append(out, Span{op, sb.String()})
	}
	return out
}
