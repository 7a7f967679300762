// Package storecopy copies everything Hindsight stores from one store to
// another (`hindsight store copy`, scalemulti area): users with their
// password hashes, tokens, components, incidents, RCAs with their exact
// versions and revision history, comments, audit events, targets with
// their secrets, deliveries, image attachments and settings. Records keep their ids and
// times. Copying again after an interruption, or with Merge, adds what the
// target lacks and leaves what it has.
package storecopy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Kinds are the kinds of records copied, in the order they are copied.
var Kinds = []string{"users", "tokens", "components", "incidents", "rcas", "revisions", "comments", "deliveries", "attachments", "audit events", "targets", "templates", "factors", "settings", "subscribers"}

// markerKey is the setting a copy writes first in the target, and sets to
// "done" at the end: a target holding an unfinished copy's marker may be
// copied into again without Merge.
const markerKey = "hindsight.store_copy"

// ErrNotEmpty is returned for a target that holds data, unless Merge is
// set or the data is an interrupted copy.
var ErrNotEmpty = errors.New("storecopy: the target store is not empty (use --merge to add to it)")

// Options tune Copy.
type Options struct {
	// Merge allows a non-empty target: records it already has (by id) are
	// kept as they are.
	Merge bool
	// Progress, when set, is told how far each kind got.
	Progress func(kind string, done, total int)
	// Sample is how many RCAs and users Verify compares in full (default 25).
	Sample int
}

// Count is what happened to one kind of record.
type Count struct {
	Source  int // records in the source
	Copied  int // written to the target
	Present int // already in the target, kept
}

// Report has a Count per kind.
type Report map[string]*Count

func (r Report) add(kind string) *Count {
	if r[kind] == nil {
		r[kind] = &Count{}
	}
	return r[kind]
}

// String is one line per kind, in copy order.
func (r Report) String() string {
	var b strings.Builder
	for _, k := range Kinds {
		if c := r[k]; c != nil {
			fmt.Fprintf(&b, "%-13s %7d in source, %7d copied, %7d already there\n", k, c.Source, c.Copied, c.Present)
		}
	}
	return b.String()
}

type marker struct {
	State string `json:"state"` // running, done
}

// Copy copies src into dst; see the package comment. Both stores must
// implement store.Importer.
func Copy(ctx context.Context, src, dst store.Store, opt Options) (Report, error) {
	srcImp, ok1 := src.(store.Importer)
	dstImp, ok2 := dst.(store.Importer)
	if !ok1 || !ok2 {
		return nil, errors.New("storecopy: both stores must support importing")
	}
	resuming := false
	if raw, err := dst.GetSetting(ctx, markerKey); err == nil {
		var m marker
		resuming = json.Unmarshal(raw, &m) == nil && m.State == "running"
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if !opt.Merge && !resuming {
		empty, err := isEmpty(ctx, dst, dstImp)
		if err != nil {
			return nil, err
		}
		if !empty {
			return nil, ErrNotEmpty
		}
	}
	if err := putMarker(ctx, dst, "running"); err != nil {
		return nil, err
	}
	c := &copier{src: src, dst: dst, srcImp: srcImp, dstImp: dstImp, opt: opt, rep: Report{}}
	for _, step := range []func(context.Context) error{c.users, c.components, c.incidents, c.rcas, c.audit, c.targets, c.templates, c.factors, c.settings, c.subscribers,
		c.claims} { // actions: tracker delivery ids and digest days
		if err := step(ctx); err != nil {
			return c.rep, err
		}
	}
	return c.rep, putMarker(ctx, dst, "done")
}

func putMarker(ctx context.Context, dst store.Store, state string) error {
	raw, _ := json.Marshal(marker{State: state})
	return dst.PutSetting(ctx, markerKey, raw)
}

// isEmpty reports whether dst holds no record of any kind.
func isEmpty(ctx context.Context, dst store.Store, imp store.Importer) (bool, error) {
	if n, err := dst.CountUsers(ctx); err != nil || n > 0 {
		return false, err
	}
	if cs, err := dst.ListComponents(ctx); err != nil || len(cs) > 0 {
		return false, err
	}
	if _, n, err := dst.ListIncidents(ctx, store.IncidentFilter{Page: store.Page{Limit: 1}}); err != nil || n > 0 {
		return false, err
	}
	if _, n, err := dst.ListRCAs(ctx, store.RCAFilter{Page: store.Page{Limit: 1}}); err != nil || n > 0 {
		return false, err
	}
	if ts, err := dst.ListTargets(ctx); err != nil || len(ts) > 0 {
		return false, err
	}
	if ts, err := dst.ListTemplates(ctx); err != nil || len(ts) > 0 { // tmpl area
		return false, err
	}
	if fs, err := dst.ListFactors(ctx); err != nil || len(fs) > 0 {
		return false, err
	}
	if ss, err := dst.ListSubscribers(ctx); err != nil || len(ss) > 0 { // subs
		return false, err
	}
	keys, err := imp.SettingKeys(ctx)
	return err == nil && len(keys) == 0, err
}

type copier struct {
	src, dst       store.Store
	srcImp, dstImp store.Importer
	opt            Options
	rep            Report
}

func (c *copier) progress(kind string, done, total int) {
	if c.opt.Progress != nil {
		c.opt.Progress(kind, done, total)
	}
}

// put writes one record with create, counting an ErrDuplicate (the target
// has it: an earlier run, or a merge) as present.
func (c *copier) put(kind string, create func() error) error {
	n := c.rep.add(kind)
	err := create()
	switch {
	case err == nil:
		n.Copied++
	case errors.Is(err, store.ErrDuplicate):
		n.Present++
	default:
		return fmt.Errorf("storecopy: copy %s: %w", kind, err)
	}
	return nil
}

// versioned gives a record just created (err nil) its source's version:
// Create always stores version 1.
func (c *copier) versioned(ctx context.Context, kind, id string, version int64, err error) error {
	if err != nil || version <= 1 {
		return err
	}
	return c.dstImp.SetVersion(ctx, kind, id, version)
}

func (c *copier) users(ctx context.Context) error {
	users, err := c.src.ListUsers(ctx)
	if err != nil {
		return err
	}
	c.rep.add("users").Source = len(users)
	c.rep.add("tokens")
	for i, u := range users {
		if err := c.put("users", func() error { return c.dst.CreateUser(ctx, &u) }); err != nil {
			return err
		}
		tokens, err := c.src.ListTokens(ctx, u.ID)
		if err != nil {
			return err
		}
		c.rep["tokens"].Source += len(tokens)
		for _, t := range tokens {
			if err := c.put("tokens", func() error { return c.dst.CreateToken(ctx, &t) }); err != nil {
				return err
			}
		}
		c.progress("users", i+1, len(users))
	}
	return nil
}

func (c *copier) components(ctx context.Context) error {
	list, err := c.src.ListComponents(ctx)
	if err != nil {
		return err
	}
	c.rep.add("components").Source = len(list)
	for i, x := range list {
		v := x.Version
		if err := c.put("components", func() error { return c.versioned(ctx, "components", x.ID, v, c.dst.CreateComponent(ctx, &x)) }); err != nil {
			return err
		}
		c.progress("components", i+1, len(list))
	}
	return nil
}

// pages walks a paged list to its end.
func pages[T any](ctx context.Context, list func(p store.Page) ([]T, int, error), each func(T, int) error) (int, error) {
	done := 0
	for {
		items, total, err := list(store.Page{Limit: 500, Offset: done})
		if err != nil {
			return done, err
		}
		for _, it := range items {
			done++
			if err := each(it, total); err != nil {
				return done, err
			}
		}
		if len(items) == 0 || done >= total {
			return done, nil
		}
	}
}

func (c *copier) incidents(ctx context.Context) error {
	n := c.rep.add("incidents")
	return incidentIDs(ctx, c.src, func(id string, total int) error {
		n.Source = total
		full, err := c.src.GetIncident(ctx, id)
		if err != nil {
			return err
		}
		full.RCAIDs = nil // derived from the RCAs
		err = c.put("incidents", func() error {
			return c.versioned(ctx, "incidents", full.ID, full.Version, c.dst.CreateIncident(ctx, &full))
		})
		c.progress("incidents", n.Copied+n.Present, total)
		return err
	})
}

// incidentIDs walks every incident of st with keyset cursors.
func incidentIDs(ctx context.Context, st store.Store, each func(id string, total int) error) error {
	f := store.IncidentFilter{Page: store.Page{Limit: 500}}
	return walkPages(func(cursor string) ([]string, int, string, error) {
		f.Cursor = cursor
		page, err := st.ListIncidentSummaries(ctx, f)
		ids := make([]string, len(page.Items))
		for i, it := range page.Items {
			ids[i] = it.ID
		}
		return ids, page.Total, page.Next, err
	}, each)
}

// rcaIDs walks every RCA of st with keyset cursors.
func rcaIDs(ctx context.Context, st store.Store, each func(id string, total int) error) error {
	f := store.RCAFilter{Page: store.Page{Limit: 500}, Audience: domain.Internal}
	return walkPages(func(cursor string) ([]string, int, string, error) {
		f.Cursor = cursor
		page, err := st.ListRCASummaries(ctx, f)
		ids := make([]string, len(page.Items))
		for i, it := range page.Items {
			ids[i] = it.ID
		}
		return ids, page.Total, page.Next, err
	}, each)
}

// walkPages calls each for every id of every page that page answers,
// starting at the empty cursor and following next until it is empty.
func walkPages(page func(cursor string) (ids []string, total int, next string, err error), each func(id string, total int) error) error {
	cursor := ""
	for {
		ids, total, next, err := page(cursor)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := each(id, total); err != nil {
				return err
			}
		}
		if next == "" || len(ids) == 0 {
			return nil
		}
		cursor = next
	}
}

func (c *copier) rcas(ctx context.Context) error {
	for _, k := range []string{"rcas", "revisions", "comments", "deliveries", "attachments"} {
		c.rep.add(k)
	}
	n := c.rep["rcas"]
	return rcaIDs(ctx, c.src, func(id string, total int) error {
		n.Source = total
		err := c.rca(ctx, id)
		c.progress("rcas", n.Copied+n.Present, total)
		return err
	})
}

// rca copies one RCA with its revisions, comments and deliveries. The RCA
// goes in last (ImportRCA), so one that is there came over whole.
func (c *copier) rca(ctx context.Context, id string) error {
	r, err := c.src.GetRCA(ctx, id)
	if err != nil {
		return err
	}
	infos, err := c.src.ListRevisions(ctx, id)
	if err != nil {
		return err
	}
	c.rep["revisions"].Source += len(infos)
	comments, err := c.src.ListComments(ctx, id)
	if err != nil {
		return err
	}
	c.rep["comments"].Source += len(comments)
	deliveries, err := c.src.ListDeliveries(ctx, id)
	if err != nil {
		return err
	}
	c.rep["deliveries"].Source += len(deliveries)

	if _, err := c.dst.GetRCA(ctx, id); err == nil {
		c.rep["rcas"].Present++
		c.rep["revisions"].Present += len(infos)
	} else if errors.Is(err, store.ErrNotFound) {
		revs := make([]store.Revision, 0, len(infos))
		for i := len(infos) - 1; i >= 0; i-- { // oldest first
			rev, err := c.src.GetRevision(ctx, id, infos[i].Version)
			if err != nil {
				return fmt.Errorf("storecopy: revision %d of rca %s: %w", infos[i].Version, id, err)
			}
			revs = append(revs, rev)
		}
		if err := c.dstImp.ImportRCA(ctx, r, revs); err != nil {
			return fmt.Errorf("storecopy: import rca %s: %w", id, err)
		}
		c.rep["rcas"].Copied++
		c.rep["revisions"].Copied += len(revs)
	} else {
		return err
	}
	for _, cm := range comments {
		if err := c.putComment(ctx, cm); err != nil {
			return err
		}
	}
	for _, d := range deliveries {
		if err := c.put("deliveries", func() error { return c.dst.CreateDelivery(ctx, &d) }); err != nil {
			return err
		}
	}
	return c.attachments(ctx, id) // images
}

// putComment adds a comment the target lacks (AddComment cannot tell a
// taken id on every backend, so look first).
func (c *copier) putComment(ctx context.Context, cm domain.Comment) error {
	have, err := c.dst.ListComments(ctx, cm.RCAID)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(have, func(h domain.Comment) bool { return h.ID == cm.ID }) {
		c.rep["comments"].Present++
		return nil
	}
	return c.put("comments", func() error { return c.dst.AddComment(ctx, &cm) })
}

func (c *copier) audit(ctx context.Context) error {
	var all []domain.AuditEvent
	n, err := pages(ctx, func(p store.Page) ([]domain.AuditEvent, int, error) {
		return c.src.ListAudit(ctx, store.AuditFilter{Page: p})
	}, func(e domain.AuditEvent, _ int) error { all = append(all, e); return nil })
	if err != nil {
		return err
	}
	c.rep.add("audit events").Source = n
	for i := len(all) - 1; i >= 0; i-- { // oldest first, as they were appended
		e := all[i]
		if err := c.put("audit events", func() error { return c.dst.AppendAudit(ctx, &e) }); err != nil {
			return err
		}
		c.progress("audit events", n-i, n)
	}
	return nil
}

func (c *copier) targets(ctx context.Context) error {
	list, err := c.src.ListTargets(ctx)
	if err != nil {
		return err
	}
	c.rep.add("targets").Source = len(list)
	for _, t := range list {
		v := t.Version
		if err := c.put("targets", func() error { return c.versioned(ctx, "targets", t.ID, v, c.dst.CreateTarget(ctx, &t)) }); err != nil {
			return err
		}
	}
	return nil
}

// templates copies the custom templates, retired ones included, with their
// versions (tmpl area, issue 14).
func (c *copier) templates(ctx context.Context) error {
	list, err := c.src.ListTemplates(ctx)
	if err != nil {
		return err
	}
	c.rep.add("templates").Source = len(list)
	for _, t := range list {
		v := t.Version
		if err := c.put("templates", func() error { return c.versioned(ctx, "templates", t.Key, v, c.dst.CreateTemplate(ctx, &t)) }); err != nil {
			return err
		}
	}
	return nil
}

// factors copies the stored factors (custom ones and edited built-ins).
func (c *copier) factors(ctx context.Context) error {
	list, err := c.src.ListFactors(ctx)
	if err != nil {
		return err
	}
	c.rep.add("factors").Source = len(list)
	for _, f := range list {
		v := f.Version
		if err := c.put("factors", func() error { return c.versioned(ctx, "factors", f.Key, v, c.dst.CreateFactor(ctx, &f)) }); err != nil {
			return err
		}
	}
	return nil
}

func (c *copier) settings(ctx context.Context) error {
	keys, err := c.srcImp.SettingKeys(ctx)
	if err != nil {
		return err
	}
	n := c.rep.add("settings")
	for _, k := range keys {
		if k == markerKey {
			continue
		}
		n.Source++
		if _, err := c.dst.GetSetting(ctx, k); err == nil {
			n.Present++
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		v, err := c.src.GetSetting(ctx, k)
		if err != nil {
			return err
		}
		if err := c.dst.PutSetting(ctx, k, v); err != nil {
			return err
		}
		n.Copied++
	}
	return nil
}

// subscribers copies status-page subscribers with their link tokens, so
// confirmation and unsubscribe links sent before the copy keep working (subs).
func (c *copier) subscribers(ctx context.Context) error {
	list, err := c.src.ListSubscribers(ctx)
	if err != nil {
		return err
	}
	c.rep.add("subscribers").Source = len(list)
	for _, sub := range list {
		if err := c.put("subscribers", func() error { return c.dst.CreateSubscriber(ctx, &sub) }); err != nil {
			return err
		}
	}
	return nil
}

// claims copies the claims (area actions): the tracker deliveries handled
// and the digests sent, so a copy refuses the same replays and does not
// send a day's digest twice.
func (c *copier) claims(ctx context.Context) error {
	c.rep.add("claims")
	scope, key := "", ""
	for {
		list, err := c.src.ListClaims(ctx, scope, key, 500)
		if err != nil {
			return err
		}
		for _, cl := range list {
			c.rep.add("claims").Source++
			if err := c.put("claims", func() error { return c.dst.Claim(ctx, cl.Scope, cl.Key, cl.At) }); err != nil {
				return err
			}
		}
		if len(list) < 500 {
			return nil
		}
		scope, key = list[len(list)-1].Scope, list[len(list)-1].Key
	}
}
