// Package storetest is the contract suite every store.Store backend must pass.
// A backend's test calls Run with a function that opens a fresh, empty store;
// every subtest opens its own, so subtests never see each other's data.
//
// Times are compared after Truncate(time.Millisecond) because MongoDB keeps
// milliseconds; nil and empty slices and maps compare equal because JSON and
// BSON round-trips may turn one into the other.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Opener opens a fresh, empty store for one test. It should register a
// t.Cleanup that closes the store and must tolerate the store having been
// closed already (the Closed subtest closes it itself): ignore Close's error.
type Opener func(t *testing.T) store.Store

// Run runs the whole contract suite against the stores open makes.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	areas := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Ping", testPing},
		{"EmptyLists", testEmptyLists},
		{"Components", testComponents},
		{"Incidents", testIncidents},
		{"IncidentFilters", testIncidentFilters},
		{"RCAs", testRCAs},
		{"RCASlugs", testRCASlugs},
		{"RCAVersions", testRCAVersions},
		{"SaveSection", testSaveSection},
		{"Revisions", testRevisions},
		{"RCAIncidentLinks", testRCAIncidentLinks},
		{"RCAFilters", testRCAFilters},
		{"Comments", testComments},
		{"Users", testUsers},
		{"Tokens", testTokens},
		{"Sessions", testSessions},
		{"Audit", testAudit},
		{"Targets", testTargets},
		{"Deliveries", testDeliveries},
		{"Settings", testSettings},
		{"TakenIDs", testTakenIDs},
		{"Validation", testValidation},
		{"Limits", testLimits},   // hygiene
		{"Hygiene", testHygiene}, // hygiene
		{"Unicode", testUnicode},
		{"Times", testTimes},
		{"ConcurrentSections", testConcurrentSections},
		{"CancelledContext", testCancelledContext},
		// scalesql: lists at scale.
		{"RCASummaryFilters", testRCASummaryFilters},
		{"RCASearchAudience", testRCASearchAudience},
		{"ListCursors", testListCursors},
		{"BadCursors", testBadCursors},
		{"IncidentSummaryFilters", testIncidentSummaryFilters},
		{"BulkCreates", testBulkCreates},
		{"ManyIncidentUpdates", testManyIncidentUpdates},
		{"Closed", testClosed},
		// scalemulti
		{"History", testHistory},
		{"PublishRCA", testPublishRCA},
		{"Leases", testLeases},
		{"Changes", testChanges},
		// area edges (issue 10)
		{"LastAdmin", testLastAdmin},
		{"Identities", testIdentities},
		// tmpl (issue 14)
		{"Templates", testTemplates},
		{"Factors", testFactors},
		{"RCAFactors", testRCAFactors},
		// actions (issue 14)
		{"ActionItems", testActionItems},
		{"Claims", testClaims},
		// area insights (issue 14)
		{"Insights", testInsights},
		{"Subscribers", testSubscribers}, // subs
		// area images (issue 15)
		{"Attachments", testAttachments},
		// collab (issue 12)
		{"Presence", testPresence},
		{"DocChanges", testDocChanges},
		{"CommentThreads", testCommentThreads},
		{"TranslationSource", testTranslationSource},
	}
	for _, a := range areas {
		t.Run(a.name, func(t *testing.T) { a.fn(t, open) })
	}
}

// base is a fixed, millisecond-aligned instant the fixtures count from.
var base = time.Date(2026, 3, 14, 9, 26, 53, 589_000_000, time.UTC)

// at returns base plus d.
func at(d time.Duration) time.Time { return base.Add(d) }

func ptr[T any](v T) *T { return &v }

func ctxOf(t testing.TB) context.Context { return t.Context() }

// must fails the test at once on an error.
func must(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: unexpected error: %v", what, err)
	}
}

// wantErr fails unless err wraps target.
func wantErr(t testing.TB, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want one wrapping %v", what, err, target)
	}
}

// wantEqual compares got and want after canon and reports the differing fields.
func wantEqual(t testing.TB, what string, got, want any) {
	t.Helper()
	if d := diff(got, want); d != "" {
		t.Fatalf("%s differs (got vs want):\n%s", what, d)
	}
}

// diff returns "" when a and b are equal after canon, else up to ten
// differing paths with both values.
func diff(a, b any) string {
	ca, cb := canon(reflect.ValueOf(a)), canon(reflect.ValueOf(b))
	var out []string
	walkDiff("", ca, cb, &out)
	return strings.Join(out, "\n")
}

func walkDiff(path string, a, b reflect.Value, out *[]string) {
	if len(*out) >= 10 {
		return
	}
	if !a.IsValid() || !b.IsValid() {
		if a.IsValid() != b.IsValid() {
			*out = append(*out, fmt.Sprintf("  %s: %v vs %v", path, show(a), show(b)))
		}
		return
	}
	if a.Type() == timeType {
		if !a.Interface().(time.Time).Equal(b.Interface().(time.Time)) {
			*out = append(*out, fmt.Sprintf("  %s: %v vs %v", path, a.Interface(), b.Interface()))
		}
		return
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				*out = append(*out, fmt.Sprintf("  %s: %v vs %v", path, show(a), show(b)))
			}
			return
		}
		walkDiff(path, a.Elem(), b.Elem(), out)
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !a.Type().Field(i).IsExported() {
				continue
			}
			walkDiff(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i), out)
		}
	case reflect.Slice:
		if a.Len() != b.Len() {
			*out = append(*out, fmt.Sprintf("  %s: len %d vs %d: %v vs %v", path, a.Len(), b.Len(), show(a), show(b)))
			return
		}
		for i := 0; i < a.Len(); i++ {
			walkDiff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i), out)
		}
	case reflect.Map:
		keys := map[string]reflect.Value{}
		for _, k := range a.MapKeys() {
			keys[fmt.Sprint(k.Interface())] = k
		}
		for _, k := range b.MapKeys() {
			keys[fmt.Sprint(k.Interface())] = k
		}
		names := make([]string, 0, len(keys))
		for n := range keys {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			k := keys[n]
			walkDiff(fmt.Sprintf("%s[%q]", path, n), a.MapIndex(k), b.MapIndex(k), out)
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			*out = append(*out, fmt.Sprintf("  %s: %q vs %q", path, fmt.Sprint(a.Interface()), fmt.Sprint(b.Interface())))
		}
	}
}

func show(v reflect.Value) string {
	if !v.IsValid() {
		return "<absent>"
	}
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return "nil"
	}
	return fmt.Sprintf("%+v", v.Interface())
}

var timeType = reflect.TypeOf(time.Time{})

// canon returns a deep copy of v with every time in UTC truncated to the
// millisecond and every empty slice or map made nil.
func canon(v reflect.Value) reflect.Value {
	if !v.IsValid() {
		return v
	}
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		return reflect.ValueOf(t.UTC().Truncate(time.Millisecond))
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(canon(v.Elem()))
		return p
	case reflect.Interface:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(canon(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := 0; i < v.NumField(); i++ {
			if out.Field(i).CanSet() {
				out.Field(i).Set(canon(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(canon(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out.SetMapIndex(iter.Key(), canon(iter.Value()))
		}
		return out
	default:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		return out
	}
}

// wantUTC fails unless tm is in UTC (and not the zero time when nonZero).
func wantUTC(t testing.TB, what string, tm time.Time) {
	t.Helper()
	if tm.IsZero() {
		t.Fatalf("%s: zero time", what)
	}
	if tm.Location() != time.UTC {
		t.Fatalf("%s: location %v, want UTC", what, tm.Location())
	}
}

// sameInstant fails unless got and want are the same instant to the millisecond.
func sameInstant(t testing.TB, what string, got, want time.Time) {
	t.Helper()
	if !got.UTC().Truncate(time.Millisecond).Equal(want.UTC().Truncate(time.Millisecond)) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// within fails unless tm lies in [from-1ms, to+1ms]: the store's clock is
// read between two readings of ours, and backends may truncate.
func within(t testing.TB, what string, tm, from, to time.Time) {
	t.Helper()
	if tm.Before(from.Add(-time.Millisecond)) || tm.After(to.Add(time.Millisecond)) {
		t.Fatalf("%s: %v is not between %v and %v", what, tm, from, to)
	}
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

func wantIDs[T any](t testing.TB, what string, got []T, id func(T) string, want ...string) {
	t.Helper()
	ids := make([]string, len(got))
	for i, v := range got {
		ids[i] = id(v)
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Fatalf("%s: got ids %v, want %v", what, ids, want)
	}
}

func rcaID(r domain.RCA) string            { return r.ID }
func incidentID(in domain.Incident) string { return in.ID }

// newRCA builds a draft RCA from the standard template.
func newRCA(t testing.TB, title string, incidentIDs ...string) domain.RCA {
	t.Helper()
	tpl, ok := domain.BuiltinTemplate("standard")
	if !ok {
		t.Fatal("standard template missing")
	}
	return domain.NewRCA(title, tpl, "en", incidentIDs, "u-author", base)
}

// createRCA stores a fresh RCA and returns it as stored.
func createRCA(t testing.TB, s store.Store, title string, incidentIDs ...string) domain.RCA {
	t.Helper()
	r := newRCA(t, title, incidentIDs...)
	must(t, s.CreateRCA(ctxOf(t), &r, "u-author"), "CreateRCA "+title)
	return r
}

// newIncident builds a resolved incident that started at start.
func newIncident(title string, start time.Time) domain.Incident {
	in := domain.Incident{
		Title:      title,
		Impact:     domain.ImpactMajor,
		Status:     domain.StatusResolved,
		StartedAt:  start,
		ResolvedAt: ptr(start.Add(47 * time.Minute)),
		Components: []domain.AffectedComponent{{ComponentID: "c-api", Status: domain.ComponentPartialOutage, From: ptr(start), To: ptr(start.Add(40 * time.Minute))}},
		Updates: []domain.IncidentUpdate{
			{ID: "u1", Status: domain.UpdateInvestigating, Body: "We are looking into **errors**.", At: start.Add(3 * time.Minute)},
			{ID: "u2", Status: domain.UpdateResolved, Body: "Fixed.", At: start.Add(47 * time.Minute)},
		},
	}
	in.Normalize()
	return in
}

func createIncident(t testing.TB, s store.Store, title string, start time.Time) domain.Incident {
	t.Helper()
	in := newIncident(title, start)
	must(t, s.CreateIncident(ctxOf(t), &in), "CreateIncident "+title)
	return in
}
