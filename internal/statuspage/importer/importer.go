// Package importer reads Statuspage v2 documents (incidents.json or
// summary.json, as served by any Statuspage page under /api/v2/) into the
// store.
//
// Parsing is lenient about content (null or missing arrays, numeric ids,
// timestamps with any offset, unknown enum values, updates in any order) and
// strict about size (MaxDocumentSize). Import is idempotent by the source's
// ids: importing the same document twice changes nothing, and a newer
// document updates only the incidents that changed.
//
// The CLI's `hindsight import statuspage FILE` should open the file and call
//
//	res, err := importer.Import(ctx, st, f, importer.Options{})
//
// then print res (created, updated, unchanged, components_created, skipped).
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// System is the domain.Source system name of incidents imported from Statuspage.
const System = "statuspage"

// MaxDocumentSize is the largest document Import reads (10 MiB).
const MaxDocumentSize = 10 << 20

// ErrTooLarge is returned when a document exceeds MaxDocumentSize; the web
// layer answers 413.
var ErrTooLarge = errors.New("importer: document larger than 10 MiB")

// Options tune an import.
type Options struct {
	// MaxSize overrides MaxDocumentSize when positive.
	MaxSize int64
	// IncidentsOnly imports incidents without creating components: the
	// document's component list is ignored and an incident keeps only the
	// components that exist already (authors import; admins manage the
	// status page's components).
	IncidentsOnly bool
}

// Skipped names one incident of the document that was not imported, and why.
type Skipped struct {
	SourceID string `json:"source_id"`
	Reason   string `json:"reason"`
}

// Result counts what an import did.
type Result struct {
	Created           int       `json:"created"`
	Updated           int       `json:"updated"`
	Unchanged         int       `json:"unchanged"`
	ComponentsCreated int       `json:"components_created"`
	Skipped           []Skipped `json:"skipped"`
	// IncidentIDs are our ids of every incident created, updated or unchanged, in document order.
	IncidentIDs []string `json:"incident_ids"`
}

// Import reads one Statuspage v2 document from r and stores its incidents
// and the components they name. A document that is not JSON, or has neither
// "incidents" nor "components", is a *domain.ValidationError; one over the
// size limit is ErrTooLarge. Incidents that cannot be stored even leniently
// (no time at all, say) are listed in Result.Skipped; the rest are imported.
func Import(ctx context.Context, st store.Store, r io.Reader, opt Options) (Result, error) {
	doc, err := Parse(r, opt.MaxSize)
	if err != nil {
		return Result{}, err
	}
	im := &run{st: st, doc: doc, incidentsOnly: opt.IncidentsOnly, res: Result{Skipped: []Skipped{}, IncidentIDs: []string{}}}
	if err := im.loadComponents(ctx); err != nil {
		return im.res, err
	}
	for _, rc := range doc.Components {
		if rc.Group || im.incidentsOnly {
			continue
		}
		if _, err := im.component(ctx, rc.Name.String(), rc.GroupID.String(), rc.Status.String(), rc.Description.String()); err != nil {
			return im.res, err
		}
	}
	for _, ri := range im.unique(doc.Incidents) {
		if err := ctx.Err(); err != nil {
			return im.res, err
		}
		if err := im.incident(ctx, ri); err != nil {
			return im.res, err
		}
	}
	return im.res, nil
}

// unique keeps one copy of each incident id, the one the source changed
// last (the later one on a tie), in the order ids first appear. Without it a
// document naming an incident twice would flip it back and forth on every
// import.
func (im *run) unique(list []rawIncident) []rawIncident {
	at := map[string]int{}
	var out []rawIncident
	for _, ri := range list {
		id := ri.ID.String()
		i, seen := at[id]
		if id == "" || !seen {
			if id != "" {
				at[id] = len(out)
			}
			out = append(out, ri)
			continue
		}
		im.res.Skipped = append(im.res.Skipped, Skipped{SourceID: id, Reason: "listed more than once; the copy changed last was imported"})
		if !ri.UpdatedAt.Valid || !out[i].UpdatedAt.Valid || !ri.UpdatedAt.T.Before(out[i].UpdatedAt.T) {
			out[i] = ri
		}
	}
	return out
}

// Parse reads and decodes a document, enforcing the size limit.
func Parse(r io.Reader, maxSize int64) (*rawDoc, error) {
	if maxSize <= 0 {
		maxSize = MaxDocumentSize
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("importer: read document: %w", err)
	}
	if int64(len(b)) > maxSize {
		return nil, ErrTooLarge
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, invalid("document", "not a JSON object: "+err.Error())
	}
	_, hasIncidents := probe["incidents"]
	_, hasComponents := probe["components"]
	if !hasIncidents && !hasComponents {
		return nil, invalid("document", `neither "incidents" nor "components": not a Statuspage incidents.json or summary.json`)
	}
	var doc rawDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, invalid("document", "unexpected shape: "+err.Error())
	}
	return &doc, nil
}

func invalid(field, detail string) error {
	return &domain.ValidationError{Problems: []domain.Problem{{Field: field, Code: domain.CodeInvalid, Detail: detail}}}
}

type run struct {
	st  store.Store
	doc *rawDoc
	res Result
	// byName holds our components by lowercased trimmed name.
	byName map[string]domain.Component
	// incidentsOnly: see Options.IncidentsOnly.
	incidentsOnly bool
}

func (im *run) loadComponents(ctx context.Context) error {
	list, err := im.st.ListComponents(ctx)
	if err != nil {
		return fmt.Errorf("importer: list components: %w", err)
	}
	im.byName = make(map[string]domain.Component, len(list))
	for _, c := range list {
		im.byName[nameKey(c.Name)] = c
	}
	return nil
}

func nameKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// groupName finds the name of the group with id in the document's components.
func (im *run) groupName(id string) string {
	if id == "" {
		return ""
	}
	for _, c := range im.doc.Components {
		if c.Group && c.ID.String() == id {
			return c.Name.String()
		}
	}
	return ""
}

// component matches a component by name or creates it.
func (im *run) component(ctx context.Context, name, groupID, status, description string) (domain.Component, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return domain.Component{}, nil
	}
	if c, ok := im.byName[nameKey(name)]; ok {
		return c, nil
	}
	if im.incidentsOnly {
		return domain.Component{}, nil
	}
	c := domain.Component{Name: truncate(name, domain.MaxNameLen), Group: truncate(im.groupName(groupID), domain.MaxNameLen), Description: truncate(description, domain.MaxTextLen)}
	if s := domain.ComponentStatus(status); s.Valid() {
		c.Status = s
	}
	if err := c.Validate(); err != nil {
		return domain.Component{}, fmt.Errorf("importer: component %q: %w", name, err)
	}
	if err := im.st.CreateComponent(ctx, &c); err != nil {
		return domain.Component{}, fmt.Errorf("importer: create component %q: %w", name, err)
	}
	im.byName[nameKey(c.Name)] = c
	im.res.ComponentsCreated++
	return c, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// statusMap maps Statuspage incident statuses (maintenance ones included)
// onto ours; values not in the map are kept raw.
var statusMap = map[string]domain.IncidentStatus{
	"investigating": domain.StatusInvestigating,
	"identified":    domain.StatusIdentified,
	"monitoring":    domain.StatusMonitoring,
	"resolved":      domain.StatusResolved,
	"postmortem":    domain.StatusResolved,
	"scheduled":     domain.StatusInvestigating,
	"in_progress":   domain.StatusIdentified,
	"verifying":     domain.StatusMonitoring,
	"completed":     domain.StatusResolved,
}

var updateStatusMap = map[string]domain.UpdateStatus{
	"investigating": domain.UpdateInvestigating,
	"identified":    domain.UpdateIdentified,
	"update":        domain.UpdateProgress,
	"monitoring":    domain.UpdateMonitoring,
	"resolved":      domain.UpdateResolved,
	"postmortem":    domain.UpdateResolved,
	"scheduled":     domain.UpdateProgress,
	"in_progress":   domain.UpdateIdentified,
	"verifying":     domain.UpdateMonitoring,
	"completed":     domain.UpdateResolved,
}

// impactStatus is the component state assumed for an incident's component
// when no update says how it was affected.
var impactStatus = map[domain.Impact]domain.ComponentStatus{
	domain.ImpactNone:     domain.ComponentDegraded,
	domain.ImpactMinor:    domain.ComponentDegraded,
	domain.ImpactMajor:    domain.ComponentPartialOutage,
	domain.ImpactCritical: domain.ComponentMajorOutage,
}

func (im *run) incident(ctx context.Context, ri rawIncident) error {
	sid := ri.ID.String()
	if sid == "" {
		im.res.Skipped = append(im.res.Skipped, Skipped{Reason: "incident without id"})
		return nil
	}
	in, reason, err := im.toDomain(ctx, ri)
	if err != nil {
		return err
	}
	if reason != "" {
		im.res.Skipped = append(im.res.Skipped, Skipped{SourceID: sid, Reason: reason})
		return nil
	}
	old, err := im.st.GetIncidentBySource(ctx, System, sid)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if err := im.st.CreateIncident(ctx, &in); err != nil {
			if errors.Is(err, store.ErrDuplicate) { // created concurrently: count it as there
				im.res.Unchanged++
				return nil
			}
			return fmt.Errorf("importer: create incident %s: %w", sid, err)
		}
		im.res.Created++
		im.res.IncidentIDs = append(im.res.IncidentIDs, in.ID)
		return nil
	case err != nil:
		return fmt.Errorf("importer: look up incident %s: %w", sid, err)
	}
	im.res.IncidentIDs = append(im.res.IncidentIDs, old.ID)
	if in.Source.URL == "" && old.Source != nil {
		in.Source.URL = old.Source.URL // a summary.json has no shortlinks: keep the one we know
	}
	if sameContent(old, in) || olderSource(in, old) {
		im.res.Unchanged++
		return nil
	}
	in.ID, in.Version, in.CreatedAt = old.ID, old.Version, old.CreatedAt
	if err := im.st.UpdateIncident(ctx, &in); err != nil {
		return fmt.Errorf("importer: update incident %s: %w", sid, err)
	}
	im.res.Updated++
	return nil
}

// olderSource reports whether the document's copy of an incident is older
// than the one already imported (by the source's own updated_at).
func olderSource(in, old domain.Incident) bool {
	if in.Source == nil || old.Source == nil || in.Source.UpdatedAt == nil || old.Source.UpdatedAt == nil {
		return false
	}
	return in.Source.UpdatedAt.Before(*old.Source.UpdatedAt)
}

// sameContent compares what an import writes, ignoring store bookkeeping.
func sameContent(a, b domain.Incident) bool {
	norm := func(in domain.Incident) domain.Incident {
		in.ID, in.Version, in.RCAIDs = "", 0, nil
		in.CreatedAt, in.UpdatedAt = time.Time{}, time.Time{}
		in.Normalize()
		in.RCAIDs = nil
		for i := range in.Updates {
			in.Updates[i].At = in.Updates[i].At.Truncate(time.Millisecond)
		}
		in.StartedAt = in.StartedAt.Truncate(time.Millisecond)
		if in.ResolvedAt != nil {
			t := in.ResolvedAt.Truncate(time.Millisecond)
			in.ResolvedAt = &t
		}
		if in.Source != nil && in.Source.UpdatedAt != nil {
			s := *in.Source
			t := s.UpdatedAt.UTC().Truncate(time.Millisecond)
			s.UpdatedAt = &t
			in.Source = &s
		}
		for i := range in.Components {
			c := &in.Components[i]
			if c.From != nil {
				t := c.From.UTC().Truncate(time.Millisecond)
				c.From = &t
			}
			if c.To != nil {
				t := c.To.UTC().Truncate(time.Millisecond)
				c.To = &t
			}
		}
		return in
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// toDomain maps one raw incident. A non-empty reason means it cannot be imported.
func (im *run) toDomain(ctx context.Context, ri rawIncident) (domain.Incident, string, error) {
	sid := ri.ID.String()
	src := &domain.Source{System: System, ID: sid, PageID: ri.PageID.String(), URL: ri.Shortlink.String(), UpdatedAt: ri.UpdatedAt.ptr()}
	if src.PageID == "" && im.doc.Page != nil {
		src.PageID = im.doc.Page.ID.String()
	}
	in := domain.Incident{Title: strings.TrimSpace(ri.Name.String()), Source: src}
	if in.Title == "" {
		in.Title = "Incident " + sid
	}
	in.Title = truncate(in.Title, domain.MaxTitleLen)

	raw := strings.ToLower(ri.Status.String())
	if s, ok := statusMap[raw]; ok {
		in.Status = s
	} else if ri.ResolvedAt.Valid {
		in.Status = domain.StatusResolved
	} else {
		in.Status = domain.StatusInvestigating
	}
	if raw != "" && !domain.IncidentStatus(raw).Valid() {
		src.RawStatus = truncate(ri.Status.String(), 64)
	}
	rawImpact := strings.ToLower(ri.Impact.String())
	if domain.Impact(rawImpact).Valid() {
		in.Impact = domain.Impact(rawImpact)
	} else {
		in.Impact = domain.ImpactNone
		if rawImpact != "" {
			src.RawImpact = truncate(ri.Impact.String(), 64)
		}
	}

	// Updates, oldest first whatever order the document used.
	ups := make([]rawUpdate, 0, len(ri.IncidentUpdates))
	for _, u := range ri.IncidentUpdates {
		if _, ok := first(u.DisplayAt, u.CreatedAt, u.UpdatedAt); ok {
			ups = append(ups, u)
		}
	}
	sort.SliceStable(ups, func(i, j int) bool {
		a, _ := first(ups[i].DisplayAt, ups[i].CreatedAt, ups[i].UpdatedAt)
		b, _ := first(ups[j].DisplayAt, ups[j].CreatedAt, ups[j].UpdatedAt)
		return a.Before(b)
	})
	if len(ups) > domain.MaxListLen {
		return in, fmt.Sprintf("more than %d updates", domain.MaxListLen), nil
	}
	var lastResolved *time.Time
	for _, u := range ups {
		t, _ := first(u.DisplayAt, u.CreatedAt, u.UpdatedAt)
		st, ok := updateStatusMap[strings.ToLower(u.Status.String())]
		if !ok {
			st = domain.UpdateProgress
		}
		id := u.ID.String()
		if id == "" {
			sum := sha256.Sum256([]byte(sid + "\x00" + t.Format(time.RFC3339Nano) + "\x00" + u.Body.String()))
			id = "sp-" + hex.EncodeToString(sum[:8])
		}
		in.Updates = append(in.Updates, domain.IncidentUpdate{ID: id, Status: st, Body: truncate(string(u.Body), domain.MaxBodyLen), At: t})
		if st == domain.UpdateResolved {
			tt := t
			lastResolved = &tt
		}
	}

	start, ok := first(ri.StartedAt, ri.CreatedAt)
	if !ok && len(in.Updates) > 0 {
		start, ok = in.Updates[0].At, true
	}
	if !ok {
		return in, "no started_at, created_at or dated update", nil
	}
	in.StartedAt = start
	if in.Status == domain.StatusResolved {
		switch {
		case ri.ResolvedAt.Valid:
			in.ResolvedAt = ri.ResolvedAt.ptr()
		case lastResolved != nil:
			in.ResolvedAt = lastResolved
		case ri.UpdatedAt.Valid:
			in.ResolvedAt = ri.UpdatedAt.ptr()
		default:
			t := start
			in.ResolvedAt = &t
		}
	}
	if in.ResolvedAt != nil && in.ResolvedAt.Before(in.StartedAt) {
		// a backdated resolution: the incident started no later than it ended
		in.StartedAt = *in.ResolvedAt
	}

	comps, err := im.affected(ctx, ri, ups, in.Impact)
	if err != nil {
		return in, "", err
	}
	in.Components = comps
	in.Normalize()
	if err := in.Validate(); err != nil {
		return in, err.Error(), nil
	}
	return in, "", nil
}

// affected derives the incident's components: from the updates'
// affected_components (worst new status, and the interval from the first
// non-operational change to the first return to operational), else from the
// incident's component list with a status implied by the impact.
func (im *run) affected(ctx context.Context, ri rawIncident, ups []rawUpdate, impact domain.Impact) ([]domain.AffectedComponent, error) {
	names := map[string]string{} // source component id -> name
	for _, c := range im.doc.Components {
		names[c.ID.String()] = c.Name.String()
	}
	groupOf := map[string]string{}
	for _, c := range ri.Components {
		names[c.ID.String()] = c.Name.String()
		groupOf[c.ID.String()] = c.GroupID.String()
	}
	for _, c := range im.doc.Components {
		groupOf[c.ID.String()] = c.GroupID.String()
	}
	type acc struct {
		order    int
		status   domain.ComponentStatus
		from, to *time.Time
	}
	seen := map[string]*acc{}
	var order []string
	for _, u := range ups {
		t, _ := first(u.DisplayAt, u.CreatedAt, u.UpdatedAt)
		for _, a := range u.AffectedComponents {
			name := a.Name.String()
			if name == "" {
				name = names[a.Code.String()]
			}
			if name == "" {
				continue
			}
			if a.Code.String() != "" && names[a.Code.String()] == "" {
				names[a.Code.String()] = name
			}
			k := nameKey(name)
			x, ok := seen[k]
			if !ok {
				x = &acc{order: len(order)}
				seen[k] = x
				order = append(order, name)
			}
			ns := domain.ComponentStatus(strings.ToLower(a.NewStatus.String()))
			if ns == domain.ComponentOperational || ns == "" {
				if x.from != nil && x.to == nil {
					tt := t
					x.to = &tt
				}
				continue
			}
			if !ns.Valid() {
				ns = domain.ComponentDegraded
			}
			if x.status == "" || ns.Severity() > x.status.Severity() {
				x.status = ns
			}
			if x.from == nil {
				tt := t
				x.from = &tt
			}
		}
	}
	if len(order) == 0 {
		// No update says how: the component's own state when the document
		// shows it affected, else what the impact implies.
		for _, c := range ri.Components {
			name := c.Name.String()
			if name == "" {
				continue
			}
			k := nameKey(name)
			if _, ok := seen[k]; ok {
				continue
			}
			status := impactStatus[impact]
			if cs := domain.ComponentStatus(strings.ToLower(c.Status.String())); cs.Valid() && cs != domain.ComponentOperational {
				status = cs
			}
			seen[k] = &acc{order: len(order), status: status}
			order = append(order, name)
		}
	}
	out := make([]domain.AffectedComponent, 0, len(order))
	used := map[string]bool{}
	for _, name := range order {
		x := seen[nameKey(name)]
		if x.status == "" {
			continue // named, but never affected
		}
		var srcID string
		for id, n := range names {
			if nameKey(n) == nameKey(name) {
				srcID = id
				break
			}
		}
		c, err := im.component(ctx, name, groupOf[srcID], "", "")
		if err != nil {
			return nil, err
		}
		if c.ID == "" || used[c.ID] {
			continue
		}
		used[c.ID] = true
		out = append(out, domain.AffectedComponent{ComponentID: c.ID, Status: x.status, From: x.from, To: x.to})
	}
	return out, nil
}
