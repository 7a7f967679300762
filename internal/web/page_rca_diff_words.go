package web

// Per-section word diffs with who changed what (area collab, issue 12).

import (
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/worddiff"
)

// sectionDiff is one section that changed between two revisions.
type sectionDiff struct {
	Key, Title string
	Spans      []worddiff.Span
	// Visibility is set when the section's visibility changed (the new one).
	Visibility domain.Visibility
	By         []string // names of who saved the section in between
}

// sectionDiffs compares the sections of two snapshots word by word; each
// names who saved it in revisions (from, to] (by the revisions' notes).
func sectionDiffs(a, b domain.RCA, revs []store.RevisionInfo, from, to int64, names map[string]string, title func(domain.Section) string) (out []sectionDiff, others []string) {
	by := map[string][]string{}
	add := func(list []string, n string) []string {
		for _, x := range list {
			if x == n {
				return list
			}
		}
		return append(list, n)
	}
	for i := len(revs) - 1; i >= 0; i-- { // oldest first
		rv := revs[i]
		if rv.Version <= from || rv.Version > to {
			continue
		}
		n := nameOf(rv.Author, names)
		if key, ok := strings.CutPrefix(rv.Note, "section "); ok {
			by[key] = add(by[key], n)
		} else {
			others = add(others, n)
		}
	}
	old := map[string]domain.Section{}
	for _, s := range a.Sections {
		old[s.Key] = s
	}
	for _, s := range b.Sections {
		o, had := old[s.Key]
		if had && o.Body == s.Body && o.Visibility == s.Visibility {
			continue
		}
		d := sectionDiff{Key: s.Key, Title: title(s), Spans: worddiff.Diff(o.Body, s.Body), By: by[s.Key]}
		if had && o.Visibility != s.Visibility {
			d.Visibility = s.Visibility
		}
		if len(d.By) == 0 {
			d.By = others // changed by a whole-RCA write (restore, replace)
		}
		out = append(out, d)
	}
	return out, others
}
