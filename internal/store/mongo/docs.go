package mongo

import (
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// The BSON shapes of Hindsight's records live here and nowhere else. Field
// names are snake_case like the JSON API. Every time is stored as a BSON date
// (millisecond precision, UTC); to* functions truncate so that what a writer
// gets back equals what a later read returns.

// ms truncates t to what a BSON date keeps.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func msPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := ms(*t)
	return &v
}

// pair is one entry of a string map whose keys are not ours to choose (audit
// details, incident maps): stored as a list so that keys with dots or a
// leading dollar sign stay legal field names everywhere.
type pair struct {
	K string `bson:"k"`
	V string `bson:"v"`
}

func toPairs(m map[string]string) []pair {
	if m == nil {
		return nil
	}
	out := make([]pair, 0, len(m))
	for k, v := range m {
		out = append(out, pair{K: k, V: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].K < out[j].K })
	return out
}

func fromPairs(ps []pair) map[string]string {
	if ps == nil {
		return nil
	}
	m := make(map[string]string, len(ps))
	for _, p := range ps {
		m[p.K] = p.V
	}
	return m
}

// --- components ---

type componentDoc struct {
	ID          string    `bson:"_id"`
	Name        string    `bson:"name"`
	Group       string    `bson:"group"`
	Description string    `bson:"description"`
	Position    int       `bson:"position"`
	Status      string    `bson:"status"`
	Version     int64     `bson:"version"`
	CreatedAt   time.Time `bson:"created_at"`
	UpdatedAt   time.Time `bson:"updated_at"`
}

func toComponentDoc(c *domain.Component) componentDoc {
	return componentDoc{
		ID: c.ID, Name: c.Name, Group: c.Group, Description: c.Description,
		Position: c.Position, Status: string(c.Status), Version: c.Version,
		CreatedAt: ms(c.CreatedAt), UpdatedAt: ms(c.UpdatedAt),
	}
}

func (d componentDoc) domain() domain.Component {
	return domain.Component{
		ID: d.ID, Name: d.Name, Group: d.Group, Description: d.Description,
		Position: d.Position, Status: domain.ComponentStatus(d.Status), Version: d.Version,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

// --- incidents ---

type incidentDoc struct {
	ID         string                 `bson:"_id"`
	Title      string                 `bson:"title"`
	Impact     string                 `bson:"impact"`
	Status     string                 `bson:"status"`
	StartedAt  time.Time              `bson:"started_at"`
	ResolvedAt *time.Time             `bson:"resolved_at"`
	Components []affectedComponentDoc `bson:"components"`
	Updates    []incidentUpdateDoc    `bson:"updates"`
	Source     *sourceDoc             `bson:"source,omitempty"`
	// SourceKey is derived from Source for its unique index: present only
	// when both the system and the id are set, so incidents typed in by
	// hand (or with half a source) never collide, the same way on MongoDB
	// (sparse index) and FerretDB (which has no partial indexes).
	SourceKey string `bson:"source_key,omitempty"`
	// UpdateCount is derived, for list summaries (scalesql).
	UpdateCount int       `bson:"update_count"`
	Version     int64     `bson:"version"`
	CreatedAt   time.Time `bson:"created_at"`
	UpdatedAt   time.Time `bson:"updated_at"`
}

// sourceKey is the unique key of an imported incident, "" when either
// part is missing.
func sourceKey(system, id string) string {
	if system == "" || id == "" {
		return ""
	}
	return system + "\x1f" + id
}

type affectedComponentDoc struct {
	ComponentID string     `bson:"component_id"`
	Status      string     `bson:"status"`
	From        *time.Time `bson:"from"`
	To          *time.Time `bson:"to"`
}

type incidentUpdateDoc struct {
	ID     string    `bson:"id"`
	Status string    `bson:"status"`
	Body   string    `bson:"body"`
	At     time.Time `bson:"at"`
}

type sourceDoc struct {
	System    string     `bson:"system"`
	ID        string     `bson:"id"`
	PageID    string     `bson:"page_id"`
	URL       string     `bson:"url"`
	RawStatus string     `bson:"raw_status"`
	RawImpact string     `bson:"raw_impact"`
	UpdatedAt *time.Time `bson:"updated_at"`
}

func toIncidentDoc(in *domain.Incident) incidentDoc {
	d := incidentDoc{
		ID: in.ID, Title: in.Title, Impact: string(in.Impact), Status: string(in.Status),
		StartedAt: ms(in.StartedAt), ResolvedAt: msPtr(in.ResolvedAt),
		Version: in.Version, CreatedAt: ms(in.CreatedAt), UpdatedAt: ms(in.UpdatedAt),
	}
	if in.Components != nil {
		d.Components = make([]affectedComponentDoc, len(in.Components))
		for i, c := range in.Components {
			d.Components[i] = affectedComponentDoc{ComponentID: c.ComponentID, Status: string(c.Status), From: msPtr(c.From), To: msPtr(c.To)}
		}
	}
	d.UpdateCount = len(in.Updates) // scalesql
	if in.Updates != nil {
		d.Updates = make([]incidentUpdateDoc, len(in.Updates))
		for i, u := range in.Updates {
			d.Updates[i] = incidentUpdateDoc{ID: u.ID, Status: string(u.Status), Body: u.Body, At: ms(u.At)}
		}
	}
	if s := in.Source; s != nil && *s != (domain.Source{}) {
		d.SourceKey = sourceKey(s.System, s.ID)
		d.Source = &sourceDoc{
			System: s.System, ID: s.ID, PageID: s.PageID, URL: s.URL,
			RawStatus: s.RawStatus, RawImpact: s.RawImpact, UpdatedAt: msPtr(s.UpdatedAt),
		}
	}
	return d
}

func (d incidentDoc) domain() domain.Incident {
	in := domain.Incident{
		ID: d.ID, Title: d.Title, Impact: domain.Impact(d.Impact), Status: domain.IncidentStatus(d.Status),
		StartedAt: d.StartedAt, ResolvedAt: d.ResolvedAt,
		Components: []domain.AffectedComponent{}, Updates: []domain.IncidentUpdate{}, RCAIDs: []string{},
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	for _, c := range d.Components {
		in.Components = append(in.Components, domain.AffectedComponent{ComponentID: c.ComponentID, Status: domain.ComponentStatus(c.Status), From: c.From, To: c.To})
	}
	for _, u := range d.Updates {
		in.Updates = append(in.Updates, domain.IncidentUpdate{ID: u.ID, Status: domain.UpdateStatus(u.Status), Body: u.Body, At: u.At})
	}
	if s := d.Source; s != nil {
		in.Source = &domain.Source{
			System: s.System, ID: s.ID, PageID: s.PageID, URL: s.URL,
			RawStatus: s.RawStatus, RawImpact: s.RawImpact, UpdatedAt: s.UpdatedAt,
		}
	}
	return in
}

// --- RCAs ---

type rcaDoc struct {
	ID                  string                       `bson:"_id"`
	Slug                string                       `bson:"slug"`
	Title               string                       `bson:"title"`
	Template            string                       `bson:"template"`
	Language            string                       `bson:"language"`
	State               string                       `bson:"state"`
	Version             int64                        `bson:"version"`
	IncidentIDs         []string                     `bson:"incident_ids"`
	IncidentDate        *time.Time                   `bson:"incident_date"`
	DurationOverride    string                       `bson:"duration_override"`
	FactOverrides       map[string]factOverrideDoc   `bson:"fact_overrides,omitempty"`
	AffectedServices    []string                     `bson:"affected_services"`
	Severity            string                       `bson:"severity"`
	Tags                []string                     `bson:"tags"`
	ContributingFactors []string                     `bson:"contributing_factors"`
	Authors             []string                     `bson:"authors"`
	Reviewers           []string                     `bson:"reviewers"`
	Sections            []sectionDoc                 `bson:"sections"`
	Timeline            []timelineEntryDoc           `bson:"timeline"`
	ActionItems         []actionItemDoc              `bson:"action_items"`
	Translations        map[string]rcaTranslationDoc `bson:"translations"`
	History             []stateChangeDoc             `bson:"history"`
	CreatedBy           string                       `bson:"created_by"`
	CreatedAt           time.Time                    `bson:"created_at"`
	UpdatedAt           time.Time                    `bson:"updated_at"`
	PublishedAt         *time.Time                   `bson:"published_at"`

	// SortDate is derived, for RCAFilter.Since/Until: the incident date, or
	// created_at when unset. It is never read back into the domain.
	SortDate time.Time `bson:"sort_date"`

	// scalesql: derived, never read back. SearchExt is the text an
	// external reader may search, SearchInt the rest (internal sections,
	// entries and items); see searchFields.
	SearchExt string `bson:"search_ext"`
	SearchInt string `bson:"search_int"`
}

// factOverrideDoc is an author's wording of a header fact (metrics area).
type factOverrideDoc struct {
	Text         string            `bson:"text"`
	Translations map[string]string `bson:"translations,omitempty"`
}

// dateDoc stores a calendar day as midnight UTC, the shape older documents
// already have, so they still load.
func dateDoc(d *domain.Date) *time.Time {
	if d == nil {
		return nil
	}
	t := d.In(time.UTC)
	return &t
}

func docDate(t *time.Time) *domain.Date {
	if t == nil {
		return nil
	}
	d := domain.DateOf(t.UTC())
	return &d
}

type rcaTranslationDoc struct {
	Title string `bson:"title"`
}

type sectionDoc struct {
	Key          string                           `bson:"key"`
	Title        string                           `bson:"title"`
	Body         string                           `bson:"body"`
	Visibility   string                           `bson:"visibility"`
	Guidance     string                           `bson:"guidance"`
	Required     bool                             `bson:"required"`
	Revision     int64                            `bson:"revision"`
	Translations map[string]sectionTranslationDoc `bson:"translations"`
	UpdatedBy    string                           `bson:"updated_by"`
	UpdatedAt    *time.Time                       `bson:"updated_at"`
	SourceRev    int64                            `bson:"source_revision,omitempty"` // collab
}

type sectionTranslationDoc struct {
	Title     string `bson:"title"`
	Body      string `bson:"body"`
	SourceRev int64  `bson:"source_revision,omitempty"` // collab
}

type timelineEntryDoc struct {
	ID           string            `bson:"id"`
	At           time.Time         `bson:"at"`
	Kind         string            `bson:"kind"`
	Text         string            `bson:"text"`
	Visibility   string            `bson:"visibility"`
	Translations map[string]string `bson:"translations"`
	Precision    string            `bson:"precision,omitempty"`
	Day          *time.Time        `bson:"day,omitempty"`
}

type actionItemDoc struct {
	ID           string            `bson:"id"`
	Title        string            `bson:"title"`
	Owner        string            `bson:"owner"`
	Due          *time.Time        `bson:"due"`
	State        string            `bson:"state"`
	TrackerURL   string            `bson:"tracker_url"`
	Visibility   string            `bson:"visibility"`
	Translations map[string]string `bson:"translations"`
	// actions area (issue 14): the owning user and when it became done;
	// DueKey is derived (the due day as YYYY-MM-DD, "~" for none) for the
	// action-item list's sort and is never read back.
	OwnerID string     `bson:"owner_id"`
	DoneAt  *time.Time `bson:"done_at,omitempty"`
	DueKey  string     `bson:"due_key"`
}

type stateChangeDoc struct {
	From    string    `bson:"from"`
	To      string    `bson:"to"`
	By      string    `bson:"by"`
	At      time.Time `bson:"at"`
	Comment string    `bson:"comment"`
	// flow: why a failing submit went ahead; the version approved.
	OverrideReason string `bson:"override_reason,omitempty"`
	Version        int64  `bson:"version,omitempty"`
}

func toRCADoc(r *domain.RCA) rcaDoc {
	d := rcaDoc{
		ID: r.ID, Slug: r.Slug, Title: r.Title, Template: r.Template, Language: r.Language,
		State: string(r.State), Version: r.Version, IncidentIDs: r.IncidentIDs,
		IncidentDate: dateDoc(r.IncidentDate), DurationOverride: r.DurationOverride,
		AffectedServices: r.AffectedServices, Severity: string(r.Severity), Tags: r.Tags,
		Authors: r.Authors, Reviewers: r.Reviewers,
		CreatedBy: r.CreatedBy, CreatedAt: ms(r.CreatedAt), UpdatedAt: ms(r.UpdatedAt),
		PublishedAt: msPtr(r.PublishedAt), ContributingFactors: r.ContributingFactors, // tmpl area
	}
	if r.Sections != nil {
		d.Sections = make([]sectionDoc, len(r.Sections))
		for i, s := range r.Sections {
			sd := sectionDoc{
				Key: s.Key, Title: s.Title, Body: s.Body, Visibility: string(s.Visibility),
				Guidance: s.Guidance, Required: s.Required, Revision: s.Revision,
				UpdatedBy: s.UpdatedBy, UpdatedAt: msPtr(s.UpdatedAt), SourceRev: s.SourceRevision,
			}
			if s.Translations != nil {
				sd.Translations = make(map[string]sectionTranslationDoc, len(s.Translations))
				for k, v := range s.Translations {
					sd.Translations[k] = sectionTranslationDoc{Title: v.Title, Body: v.Body, SourceRev: v.SourceRevision}
				}
			}
			d.Sections[i] = sd
		}
	}
	if r.Timeline != nil {
		d.Timeline = make([]timelineEntryDoc, len(r.Timeline))
		for i, e := range r.Timeline {
			d.Timeline[i] = timelineEntryDoc{
				ID: e.ID, At: ms(e.At), Kind: string(e.Kind), Text: e.Text,
				Visibility: string(e.Visibility), Translations: e.Translations,
				Precision: string(e.Precision), Day: dateDoc(e.Day),
			}
		}
	}
	if r.ActionItems != nil {
		d.ActionItems = make([]actionItemDoc, len(r.ActionItems))
		for i, a := range r.ActionItems {
			d.ActionItems[i] = actionItemDoc{
				ID: a.ID, Title: a.Title, Owner: a.Owner, Due: dateDoc(a.Due), State: string(a.State),
				TrackerURL: a.TrackerURL, Visibility: string(a.Visibility), Translations: a.Translations,
				OwnerID: a.OwnerID, DoneAt: msPtr(a.DoneAt), DueKey: store.DueKey(a.Due),
			}
		}
	}
	if r.FactOverrides != nil {
		d.FactOverrides = make(map[string]factOverrideDoc, len(r.FactOverrides))
		for k, v := range r.FactOverrides {
			d.FactOverrides[k] = factOverrideDoc{Text: v.Text, Translations: v.Translations}
		}
	}
	if r.Translations != nil {
		d.Translations = make(map[string]rcaTranslationDoc, len(r.Translations))
		for k, v := range r.Translations {
			d.Translations[k] = rcaTranslationDoc{Title: v.Title}
		}
	}
	if r.History != nil {
		d.History = make([]stateChangeDoc, len(r.History))
		for i, h := range r.History {
			d.History[i] = stateChangeDoc{From: string(h.From), To: string(h.To), By: h.By, At: ms(h.At), Comment: h.Comment, OverrideReason: h.OverrideReason, Version: h.Version}
		}
	}

	d.SortDate = d.CreatedAt
	if d.IncidentDate != nil {
		d.SortDate = *d.IncidentDate
	}
	d.SearchExt, d.SearchInt = searchFields(r) // scalesql
	return d
}

func (d rcaDoc) domain() domain.RCA {
	r := domain.RCA{
		ID: d.ID, Slug: d.Slug, Title: d.Title, Template: d.Template, Language: d.Language,
		State: domain.RCAState(d.State), Version: d.Version, IncidentIDs: d.IncidentIDs,
		IncidentDate: docDate(d.IncidentDate), DurationOverride: d.DurationOverride,
		AffectedServices: d.AffectedServices, Severity: domain.Severity(d.Severity), Tags: d.Tags,
		Authors: d.Authors, Reviewers: d.Reviewers,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, PublishedAt: d.PublishedAt,
		ContributingFactors: append([]string{}, d.ContributingFactors...), // tmpl area: never nil
	}
	if d.Sections != nil {
		r.Sections = make([]domain.Section, len(d.Sections))
		for i, s := range d.Sections {
			sec := domain.Section{
				Key: s.Key, Title: s.Title, Body: s.Body, Visibility: domain.Visibility(s.Visibility),
				Guidance: s.Guidance, Required: s.Required, Revision: s.Revision,
				UpdatedBy: s.UpdatedBy, UpdatedAt: s.UpdatedAt, SourceRevision: s.SourceRev,
			}
			if s.Translations != nil {
				sec.Translations = make(map[string]domain.SectionTranslation, len(s.Translations))
				for k, v := range s.Translations {
					sec.Translations[k] = domain.SectionTranslation{Title: v.Title, Body: v.Body, SourceRevision: v.SourceRev}
				}
			}
			r.Sections[i] = sec
		}
	}
	if d.Timeline != nil {
		r.Timeline = make([]domain.TimelineEntry, len(d.Timeline))
		for i, e := range d.Timeline {
			r.Timeline[i] = domain.TimelineEntry{
				ID: e.ID, At: e.At, Kind: domain.TimelineKind(e.Kind), Text: e.Text,
				Visibility: domain.Visibility(e.Visibility), Translations: e.Translations,
				Precision: domain.TimePrecision(e.Precision), Day: docDate(e.Day),
			}
		}
	}
	if d.ActionItems != nil {
		r.ActionItems = make([]domain.ActionItem, len(d.ActionItems))
		for i, a := range d.ActionItems {
			r.ActionItems[i] = domain.ActionItem{
				ID: a.ID, Title: a.Title, Owner: a.Owner, Due: docDate(a.Due), State: domain.ActionState(a.State),
				TrackerURL: a.TrackerURL, Visibility: domain.Visibility(a.Visibility), Translations: a.Translations,
				OwnerID: a.OwnerID, DoneAt: msPtr(a.DoneAt),
			}
		}
	}
	if d.FactOverrides != nil {
		r.FactOverrides = make(map[string]domain.FactOverride, len(d.FactOverrides))
		for k, v := range d.FactOverrides {
			r.FactOverrides[k] = domain.FactOverride{Text: v.Text, Translations: v.Translations}
		}
	}
	if d.Translations != nil {
		r.Translations = make(map[string]domain.RCATranslation, len(d.Translations))
		for k, v := range d.Translations {
			r.Translations[k] = domain.RCATranslation{Title: v.Title}
		}
	}
	if d.History != nil {
		r.History = make([]domain.StateChange, len(d.History))
		for i, h := range d.History {
			r.History[i] = domain.StateChange{From: domain.RCAState(h.From), To: domain.RCAState(h.To), By: h.By, At: h.At, Comment: h.Comment, OverrideReason: h.OverrideReason, Version: h.Version}
		}
	}
	return r
}

// revisionDoc is one snapshot, keyed "<rca id>/<version>". Inserting it is
// how a writer claims a version (see commitRCA).
type revisionDoc struct {
	ID       string    `bson:"_id"`
	RCAID    string    `bson:"rca_id"`
	Version  int64     `bson:"version"`
	Author   string    `bson:"author"`
	At       time.Time `bson:"at"`
	Note     string    `bson:"note"`
	Snapshot *rcaDoc   `bson:"snapshot,omitempty"`
	// Token tells the writer that claimed this version from any other.
	Token string `bson:"token"`

	// scalemulti: once applied, the snapshot is replaced by Packed, the
	// RCA's JSON packed against version Base (0: a keyframe; see
	// internal/store/history). FirstAt and Saves describe a run of
	// coalesced autosaves; a revision folded into a later one keeps its
	// claim (the document) with MergedInto set and no snapshot. Outbox holds
	// the deliveries of a publish until they are moved out.
	Packed     []byte        `bson:"packed,omitempty"`
	Base       int64         `bson:"base,omitempty"`
	Depth      int           `bson:"depth,omitempty"`
	FirstAt    time.Time     `bson:"first_at,omitempty"`
	Saves      int           `bson:"saves,omitempty"`
	MergedInto int64         `bson:"merged_into,omitempty"`
	Outbox     []deliveryDoc `bson:"outbox,omitempty"`
}

// --- comments ---

type commentDoc struct {
	ID         string        `bson:"_id"`
	RCAID      string        `bson:"rca_id"`
	SectionKey string        `bson:"section_key"`
	AuthorID   string        `bson:"author_id"`
	Body       string        `bson:"body"`
	CreatedAt  time.Time     `bson:"created_at"`
	ResolvedAt *time.Time    `bson:"resolved_at"`
	Seq        bson.ObjectID `bson:"seq"`
	Quote      string        `bson:"quote,omitempty"`     // collab
	ParentID   string        `bson:"parent_id,omitempty"` // collab
}

func toCommentDoc(c *domain.Comment) commentDoc {
	return commentDoc{
		ID: c.ID, RCAID: c.RCAID, SectionKey: c.SectionKey, AuthorID: c.AuthorID, Body: c.Body,
		CreatedAt: ms(c.CreatedAt), ResolvedAt: msPtr(c.ResolvedAt), Seq: bson.NewObjectID(),
		Quote: c.Quote, ParentID: c.ParentID,
	}
}

func (d commentDoc) domain() domain.Comment {
	return domain.Comment{
		ID: d.ID, RCAID: d.RCAID, SectionKey: d.SectionKey, AuthorID: d.AuthorID, Body: d.Body,
		CreatedAt: d.CreatedAt, ResolvedAt: d.ResolvedAt, Quote: d.Quote, ParentID: d.ParentID,
	}
}

// --- users, tokens, sessions ---

type userDoc struct {
	ID                string    `bson:"_id"`
	Email             string    `bson:"email"`
	Name              string    `bson:"name"`
	Role              string    `bson:"role"`
	PasswordHash      string    `bson:"password_hash"`
	Language          string    `bson:"language"`
	TimeZone          string    `bson:"time_zone"`
	Disabled          bool      `bson:"disabled"`
	CreatedAt         time.Time `bson:"created_at"`
	UpdatedAt         time.Time `bson:"updated_at"`
	PasswordChangedAt time.Time `bson:"password_changed_at"`
	// The linked single sign-on identity; absent when none (sparse unique
	// index on oidc_key).
	OIDCKey     string `bson:"oidc_key,omitempty"`
	OIDCIssuer  string `bson:"oidc_issuer,omitempty"`
	OIDCSubject string `bson:"oidc_subject,omitempty"`
}

func toUserDoc(u *domain.User) userDoc {
	d := userDoc{
		ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), PasswordHash: u.PasswordHash,
		Language: u.Language, TimeZone: u.TimeZone, Disabled: u.Disabled,
		CreatedAt: ms(u.CreatedAt), UpdatedAt: ms(u.UpdatedAt), PasswordChangedAt: ms(u.PasswordChangedAt),
	}
	if u.OIDCIssuer != "" && u.OIDCSubject != "" {
		d.OIDCKey, d.OIDCIssuer, d.OIDCSubject = domain.IdentityKey(u.OIDCIssuer, u.OIDCSubject), u.OIDCIssuer, u.OIDCSubject
	}
	return d
}

func (d userDoc) domain() domain.User {
	return domain.User{
		ID: d.ID, Email: d.Email, Name: d.Name, Role: domain.Role(d.Role), PasswordHash: d.PasswordHash,
		Language: d.Language, TimeZone: d.TimeZone, Disabled: d.Disabled,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, PasswordChangedAt: d.PasswordChangedAt,
		OIDCIssuer: d.OIDCIssuer, OIDCSubject: d.OIDCSubject,
	}
}

type tokenDoc struct {
	ID         string        `bson:"_id"`
	UserID     string        `bson:"user_id"`
	Name       string        `bson:"name"`
	Hash       string        `bson:"hash"`
	Scope      string        `bson:"scope"`
	CreatedAt  time.Time     `bson:"created_at"`
	ExpiresAt  *time.Time    `bson:"expires_at"`
	LastUsedAt *time.Time    `bson:"last_used_at"`
	RevokedAt  *time.Time    `bson:"revoked_at"`
	Seq        bson.ObjectID `bson:"seq"`
}

func toTokenDoc(t *domain.APIToken) tokenDoc {
	return tokenDoc{
		ID: t.ID, UserID: t.UserID, Name: t.Name, Hash: t.Hash, Scope: string(t.Scope),
		CreatedAt: ms(t.CreatedAt), ExpiresAt: msPtr(t.ExpiresAt), LastUsedAt: msPtr(t.LastUsedAt),
		RevokedAt: msPtr(t.RevokedAt), Seq: bson.NewObjectID(),
	}
}

func (d tokenDoc) domain() domain.APIToken {
	return domain.APIToken{
		ID: d.ID, UserID: d.UserID, Name: d.Name, Hash: d.Hash, Scope: domain.TokenScope(d.Scope),
		CreatedAt: d.CreatedAt, ExpiresAt: d.ExpiresAt, LastUsedAt: d.LastUsedAt, RevokedAt: d.RevokedAt,
	}
}

type sessionDoc struct {
	ID         string    `bson:"_id"`
	UserID     string    `bson:"user_id"`
	CSRFToken  string    `bson:"csrf_token"`
	CreatedAt  time.Time `bson:"created_at"`
	ExpiresAt  time.Time `bson:"expires_at"`
	LastSeenAt time.Time `bson:"last_seen_at"`
	IP         string    `bson:"ip"`
	UserAgent  string    `bson:"user_agent"`
}

func toSessionDoc(s *domain.Session) sessionDoc {
	return sessionDoc{
		ID: s.ID, UserID: s.UserID, CSRFToken: s.CSRFToken, CreatedAt: ms(s.CreatedAt),
		ExpiresAt: ms(s.ExpiresAt), LastSeenAt: ms(s.LastSeenAt), IP: s.IP, UserAgent: s.UserAgent,
	}
}

func (d sessionDoc) domain() domain.Session {
	return domain.Session{
		ID: d.ID, UserID: d.UserID, CSRFToken: d.CSRFToken, CreatedAt: d.CreatedAt,
		ExpiresAt: d.ExpiresAt, LastSeenAt: d.LastSeenAt, IP: d.IP, UserAgent: d.UserAgent,
	}
}

// --- audit ---

type auditDoc struct {
	ID     string    `bson:"_id"`
	At     time.Time `bson:"at"`
	Actor  string    `bson:"actor"`
	Action string    `bson:"action"`
	Target string    `bson:"target"`
	IP     string    `bson:"ip"`
	Detail []pair    `bson:"detail"`
	// Seq orders events appended within the same millisecond.
	Seq bson.ObjectID `bson:"seq"`
}

func toAuditDoc(e *domain.AuditEvent) auditDoc {
	return auditDoc{
		ID: e.ID, At: ms(e.At), Actor: e.Actor, Action: e.Action, Target: e.Target, IP: e.IP,
		Detail: toPairs(e.Detail), Seq: bson.NewObjectID(),
	}
}

func (d auditDoc) domain() domain.AuditEvent {
	return domain.AuditEvent{
		ID: d.ID, At: d.At, Actor: d.Actor, Action: d.Action, Target: d.Target, IP: d.IP,
		Detail: fromPairs(d.Detail),
	}
}

// --- publish targets and deliveries ---

type targetDoc struct {
	ID                string    `bson:"_id"`
	Name              string    `bson:"name"`
	Kind              string    `bson:"kind"`
	Enabled           bool      `bson:"enabled"`
	URL               string    `bson:"url"`
	PageID            string    `bson:"page_id"`
	Secret            string    `bson:"secret"`
	Language          string    `bson:"language"`
	NotifySubscribers bool      `bson:"notify_subscribers"`
	NotifyTwitter     bool      `bson:"notify_twitter"`
	AllowPrivate      bool      `bson:"allow_private"`
	IncidentMap       []pair    `bson:"incident_map"`
	Version           int64     `bson:"version"`
	CreatedAt         time.Time `bson:"created_at"`
	UpdatedAt         time.Time `bson:"updated_at"`
}

func toTargetDoc(t *domain.Target) targetDoc {
	return targetDoc{
		ID: t.ID, Name: t.Name, Kind: string(t.Kind), Enabled: t.Enabled, URL: t.URL, PageID: t.PageID,
		Secret: t.Secret, Language: t.Language, NotifySubscribers: t.NotifySubscribers,
		NotifyTwitter: t.NotifyTwitter, AllowPrivate: t.AllowPrivate, IncidentMap: toPairs(t.IncidentMap),
		Version: t.Version, CreatedAt: ms(t.CreatedAt), UpdatedAt: ms(t.UpdatedAt),
	}
}

func (d targetDoc) domain() domain.Target {
	return domain.Target{
		ID: d.ID, Name: d.Name, Kind: domain.TargetKind(d.Kind), Enabled: d.Enabled, URL: d.URL, PageID: d.PageID,
		Secret: d.Secret, Language: d.Language, NotifySubscribers: d.NotifySubscribers,
		NotifyTwitter: d.NotifyTwitter, AllowPrivate: d.AllowPrivate, IncidentMap: fromPairs(d.IncidentMap),
		Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

type deliveryDoc struct {
	ID            string    `bson:"_id"`
	TargetID      string    `bson:"target_id"`
	RCAID         string    `bson:"rca_id"`
	RCAVersion    int64     `bson:"rca_version"`
	Event         string    `bson:"event"`
	State         string    `bson:"state"`
	Attempts      int       `bson:"attempts"`
	NextAttemptAt time.Time `bson:"next_attempt_at"`
	LastStatus    int       `bson:"last_status"`
	LastError     string    `bson:"last_error"`
	Request       string    `bson:"request"`
	CreatedAt     time.Time `bson:"created_at"`
	UpdatedAt     time.Time `bson:"updated_at"`
	// Seq orders deliveries created within the same millisecond.
	Seq bson.ObjectID `bson:"seq"`
}

func toDeliveryDoc(d *domain.Delivery) deliveryDoc {
	return deliveryDoc{
		ID: d.ID, TargetID: d.TargetID, RCAID: d.RCAID, RCAVersion: d.RCAVersion, Event: d.Event,
		State: string(d.State), Attempts: d.Attempts, NextAttemptAt: ms(d.NextAttemptAt),
		LastStatus: d.LastStatus, LastError: d.LastError, Request: d.Request,
		CreatedAt: ms(d.CreatedAt), UpdatedAt: ms(d.UpdatedAt),
	}
}

func (d deliveryDoc) domain() domain.Delivery {
	return domain.Delivery{
		ID: d.ID, TargetID: d.TargetID, RCAID: d.RCAID, RCAVersion: d.RCAVersion, Event: d.Event,
		State: domain.DeliveryState(d.State), Attempts: d.Attempts, NextAttemptAt: d.NextAttemptAt,
		LastStatus: d.LastStatus, LastError: d.LastError, Request: d.Request,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

// --- settings ---

type settingDoc struct {
	Key   string `bson:"_id"`
	Value []byte `bson:"value"`
}
