// Package hostile is a corpus of hostile Markdown and HTML for tests: script
// tags, event handlers, javascript: and data: links, SVG payloads, broken
// HTML, iframes, style tricks, entity-encoded schemes, autolinks and
// breakouts from attributes, titles, textareas, CDATA and JSON. Every payload
// calls xss, alert or print with the token XID, which a test replaces to know
// which field a payload that ran came from.
package hostile

import (
	_ "embed"
	"strings"
)

//go:embed payloads.txt
var raw string

// Placeholder is replaced by With.
const Placeholder = "XID"

// Payload is one hostile text.
type Payload struct {
	Name string
	Text string // may span lines
}

// With returns the payload with its placeholder replaced by id.
func (p Payload) With(id string) string { return strings.ReplaceAll(p.Text, Placeholder, id) }

// Line returns With(id) on one line, for single-line fields such as titles.
func (p Payload) Line(id string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(p.With(id), "\n", " ")), " ")
}

// All returns the corpus in file order.
func All() []Payload {
	var out []Payload
	for _, block := range strings.Split("\n"+raw, "\n==== ")[1:] {
		name, text, _ := strings.Cut(block, "\n")
		out = append(out, Payload{Name: strings.TrimSpace(name), Text: strings.TrimRight(text, "\n")})
	}
	return out
}
