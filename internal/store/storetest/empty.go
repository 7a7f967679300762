package storetest

import (
	"reflect"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/store"
)

// testEmptyLists: on an empty store every list is empty but not nil, so the
// JSON API answers [] rather than null without each handler checking.
func testEmptyLists(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	lists := map[string]func() (any, error){
		"ListComponents": func() (any, error) { return s.ListComponents(ctx) },
		"ListIncidents":  func() (any, error) { l, _, err := s.ListIncidents(ctx, store.IncidentFilter{}); return l, err },
		"ListRCAs":       func() (any, error) { l, _, err := s.ListRCAs(ctx, store.RCAFilter{}); return l, err },
		"ListRevisions":  func() (any, error) { return s.ListRevisions(ctx, "nope") },
		"ListComments":   func() (any, error) { return s.ListComments(ctx, "nope") },
		"ListUsers":      func() (any, error) { return s.ListUsers(ctx) },
		"ListTokens":     func() (any, error) { return s.ListTokens(ctx, "nope") },
		"ListAudit":      func() (any, error) { l, _, err := s.ListAudit(ctx, store.AuditFilter{}); return l, err },
		"ListTargets":    func() (any, error) { return s.ListTargets(ctx) },
		"ListDeliveries": func() (any, error) { return s.ListDeliveries(ctx, "nope") },
		"DueDeliveries":  func() (any, error) { return s.DueDeliveries(ctx, base, 10) },
	}
	for name, list := range lists {
		got, err := list()
		must(t, err, name)
		v := reflect.ValueOf(got)
		if v.Kind() != reflect.Slice || v.IsNil() || v.Len() != 0 {
			t.Errorf("%s on an empty store: %#v, want an empty, non-nil slice", name, got)
		}
	}
	// A filter that matches nothing answers an empty slice too.
	l, total, err := s.ListRCAs(ctx, store.RCAFilter{Query: "nothing matches this"})
	must(t, err, "ListRCAs")
	if l == nil || total != 0 {
		t.Errorf("ListRCAs with no match: %#v, total %d", l, total)
	}
}
