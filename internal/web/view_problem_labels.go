package web

import (
	"regexp"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Errors name a field as its form labels it (area "ui"): a timeline form's
// "text" is "What happened", an action item's "title" is "Action". The
// problems of those forms get the form's prefix, and fieldLabel looks up
// ui.field.<prefix>.<field> before ui.field.<field>.

// indexRe finds list indexes in a field path ("timeline[3].text").
var indexRe = regexp.MustCompile(`\[\d+\]`)

// problemsInForm prefixes the bare field names of a timeline or action
// item form's problems; other forms' problems are returned as they are.
func problemsInForm(form string, ps []domain.Problem) []domain.Problem {
	prefix := ""
	switch {
	case strings.HasPrefix(form, "timeline"):
		prefix = "timeline."
	case strings.HasPrefix(form, "action"):
		prefix = "action_items."
	case form == "review": // flow: the review panel's state form
		prefix = "review."
	}
	if prefix == "" || len(ps) == 0 {
		return ps
	}
	out := make([]domain.Problem, len(ps))
	for i, p := range ps {
		if !strings.Contains(p.Field, ".") && p.Field != "" {
			p.Field = prefix + p.Field
		}
		out[i] = p
	}
	return out
}
