package storecopy

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/store"
)

// Verify checks a finished copy: the target holds at least as many records
// of each kind as the source (exactly as many when it started empty), and a
// random sample of RCAs (with every revision) and users (with their
// password hashes) is the same in both. It returns every difference found.
func Verify(ctx context.Context, src, dst store.Store, rep Report, sample int) error {
	if sample <= 0 {
		sample = 25
	}
	var problems []string
	for _, k := range []string{"users", "components", "incidents", "rcas", "targets", "templates", "factors", "subscribers"} {
		s, err := count(ctx, src, k)
		if err != nil {
			return err
		}
		d, err := count(ctx, dst, k)
		if err != nil {
			return err
		}
		if d < s || (rep[k] != nil && rep[k].Present == 0 && d != s) {
			problems = append(problems, fmt.Sprintf("%s: %d in the source, %d in the target", k, s, d))
		}
	}
	var ids []string
	if err := rcaIDs(ctx, src, func(id string, _ int) error { ids = append(ids, id); return nil }); err != nil {
		return err
	}
	rand.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	for _, id := range ids[:min(sample, len(ids))] {
		problems = append(problems, sameRCA(ctx, src, dst, id)...)
		problems = append(problems, sameAttachments(ctx, src, dst, id)...) // images
	}
	users, err := src.ListUsers(ctx)
	if err != nil {
		return err
	}
	rand.Shuffle(len(users), func(i, j int) { users[i], users[j] = users[j], users[i] })
	for _, u := range users[:min(sample, len(users))] {
		got, err := dst.GetUser(ctx, u.ID)
		if err != nil || got.PasswordHash != u.PasswordHash || got.Email != u.Email || got.Role != u.Role {
			problems = append(problems, fmt.Sprintf("user %s differs in the target (%v)", u.Email, err))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("storecopy: the copy differs from its source:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func count(ctx context.Context, st store.Store, kind string) (int, error) {
	switch kind {
	case "users":
		return st.CountUsers(ctx)
	case "components":
		l, err := st.ListComponents(ctx)
		return len(l), err
	case "incidents":
		_, n, err := st.ListIncidents(ctx, store.IncidentFilter{Page: store.Page{Limit: 1}})
		return n, err
	case "rcas":
		_, n, err := st.ListRCAs(ctx, store.RCAFilter{Page: store.Page{Limit: 1}})
		return n, err
	case "targets":
		l, err := st.ListTargets(ctx)
		return len(l), err
	case "templates": // tmpl area
		l, err := st.ListTemplates(ctx)
		return len(l), err
	case "factors":
		l, err := st.ListFactors(ctx)
		return len(l), err
	case "subscribers": // subs
		l, err := st.ListSubscribers(ctx)
		return len(l), err
	}
	return 0, fmt.Errorf("storecopy: no count for %s", kind)
}

// jsonOf is v's JSON with what the two backends may store differently
// evened out: times to the millisecond (MongoDB keeps no more), empty
// lists and maps as absent.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	var x any
	_ = json.Unmarshal(b, &x)
	out, _ := json.Marshal(even(x))
	return string(out)
}

func even(x any) any {
	switch v := x.(type) {
	case map[string]any:
		m := map[string]any{}
		for k, e := range v {
			if e = even(e); e != nil {
				m[k] = e
			}
		}
		if len(m) == 0 {
			return nil
		}
		return m
	case []any:
		if len(v) == 0 {
			return nil
		}
		for i := range v {
			v[i] = even(v[i])
		}
		return v
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano)
		}
	}
	return x
}

// sameRCA compares one RCA and every listed revision in both stores.
func sameRCA(ctx context.Context, src, dst store.Store, id string) []string {
	a, err1 := src.GetRCA(ctx, id)
	b, err2 := dst.GetRCA(ctx, id)
	if err1 != nil || err2 != nil {
		return []string{fmt.Sprintf("rca %s: %v / %v", id, err1, err2)}
	}
	if jsonOf(a) != jsonOf(b) {
		return []string{fmt.Sprintf("rca %s (%q) differs", id, a.Title)}
	}
	ra, err1 := src.ListRevisions(ctx, id)
	rb, err2 := dst.ListRevisions(ctx, id)
	if err1 != nil || err2 != nil || len(ra) != len(rb) {
		return []string{fmt.Sprintf("rca %s: %d revisions in the source, %d in the target (%v / %v)", id, len(ra), len(rb), err1, err2)}
	}
	var out []string
	for i := range ra {
		if ra[i].Version != rb[i].Version || ra[i].Author != rb[i].Author || ra[i].Note != rb[i].Note ||
			!ra[i].At.Truncate(time.Millisecond).Equal(rb[i].At.Truncate(time.Millisecond)) {
			out = append(out, fmt.Sprintf("rca %s: revision %d is listed differently", id, ra[i].Version))
			continue
		}
		x, err1 := src.GetRevision(ctx, id, ra[i].Version)
		y, err2 := dst.GetRevision(ctx, id, ra[i].Version)
		if err1 != nil || err2 != nil || jsonOf(x.Snapshot) != jsonOf(y.Snapshot) {
			out = append(out, fmt.Sprintf("rca %s: revision %d restores differently (%v / %v)", id, ra[i].Version, err1, err2))
		}
	}
	return out
}
