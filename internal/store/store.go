// Package store defines Hindsight's storage interface and its sentinel errors.
// Backends live in sub-packages (sqlite, mongo); storetest holds the contract
// suite that proves them equal. Nothing SQL- or BSON-shaped leaves a backend.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Sentinel errors, branched on with errors.Is.
var (
	// ErrNotFound: no record with that id (or key).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: the version (or section revision) named by the writer is
	// stale; a ConflictError carries the current record.
	ErrConflict = errors.New("store: conflict")
	// ErrDuplicate: a unique key (email, slug, source id, token hash) is taken.
	ErrDuplicate = errors.New("store: duplicate")
	// ErrUnavailable: the storage engine cannot be reached; callers answer 503.
	ErrUnavailable = errors.New("store: unavailable")
	// ErrLastAdmin: UpdateUser would leave no active (enabled) admin. Both
	// stores decide it atomically, so parallel demotions cannot pass
	// together (area edges, issue 10).
	ErrLastAdmin = errors.New("store: last active admin")
)

// ConflictError is returned (wrapping ErrConflict) by RCA writes whose version
// or section revision is stale. Current is the RCA as stored now.
type ConflictError struct {
	Current domain.RCA
}

func (e *ConflictError) Error() string { return "store: conflict: rca changed since it was read" }

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Page selects a slice of a list. Limit 0 means the backend default (50);
// limits above 500 are clamped.
type Page struct {
	Limit  int
	Offset int
}

// Clamp returns the page with defaults applied.
func (p Page) Clamp() Page {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > 500 {
		p.Limit = 500
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

// IncidentFilter narrows ListIncidents. Zero values do not filter.
type IncidentFilter struct {
	Status     domain.IncidentStatus
	Unresolved bool       // only incidents without resolved_at
	Since      *time.Time // started_at >= Since
	Until      *time.Time // started_at < Until
	WithoutRCA bool       // only incidents no RCA links
	Query      string     // case-insensitive substring of the title
	Page       Page
	Cursor     string // scale: the Next of the page before (ListIncidentSummaries)
}

// RCAFilter narrows ListRCAs. Zero values do not filter.
type RCAFilter struct {
	States     []domain.RCAState
	Service    string     // exact match in affected_services
	Tag        string     // exact match in tags
	IncidentID string     // RCAs linking this incident
	Since      *time.Time // incident date (or created_at when unset) >= Since
	Until      *time.Time // incident date (or created_at when unset) < Until
	// Query is a case-insensitive text search over title, section bodies,
	// affected services and tags.
	Query string
	Page  Page
	// scale: Audience external searches and summarizes external text only;
	// empty means internal (everything). Sort is SortRecent or
	// SortRelevance; Cursor is the Next of the page before
	// (ListRCASummaries).
	Audience domain.Visibility
	Sort     string
	Cursor   string
}

// RevisionInfo describes one revision without its snapshot.
type RevisionInfo struct {
	RCAID   string    `json:"rca_id"`
	Version int64     `json:"version"`
	Author  string    `json:"author"`
	At      time.Time `json:"at"`   // the snapshot's UpdatedAt
	Note    string    `json:"note"` // e.g. "section root_cause", "state in_review", "restored 3"
	// FirstAt and Saves describe a coalesced run of autosaves (scalemulti):
	// the first save's time and how many saves the revision holds.
	FirstAt time.Time `json:"first_at"`
	Saves   int       `json:"saves"`
}

// Revision is a full snapshot of an RCA at one version.
type Revision struct {
	RevisionInfo
	Snapshot domain.RCA `json:"snapshot"`
}

// AuditFilter narrows ListAudit. Zero values do not filter.
type AuditFilter struct {
	Actor  string
	Action string // prefix match, e.g. "rca." or "user.signin"
	Target string
	Since  *time.Time // at >= Since
	Page   Page
}

// Store is everything Hindsight persists. Every method honours ctx; a backend
// that cannot reach its engine returns an error wrapping ErrUnavailable.
//
// Writes that take a pointer fill in what the store decides (ids when empty,
// CreatedAt/UpdatedAt, Version) on success.
//
// The rules every backend follows (storetest checks them):
//   - Create: an empty ID gets domain.NewID(); a zero CreatedAt (or At) gets the
//     store's clock and a zero UpdatedAt gets CreatedAt, so imports keep their
//     own times; versioned records (component, incident, RCA, target) start at
//     Version 1, whatever the caller sent.
//   - Update: the stored CreatedAt (and an RCA's CreatedBy) is kept,
//     UpdatedAt is the store's clock and Version is bumped by one; an
//     unknown id is ErrNotFound.
//   - Delete of an unknown id is ErrNotFound, except sessions (DeleteSession is
//     idempotent, so signing out twice is fine).
//   - Times come back in UTC. Precision is at least a millisecond (MongoDB
//     keeps milliseconds), so compare after Truncate(time.Millisecond).
//   - Text round-trips byte for byte (no Unicode normalization).
//   - Secrets hidden from JSON (User.PasswordHash, APIToken.Hash,
//     Session.CSRFToken, Target.Secret) are stored and returned.
//   - Components, incidents, RCAs (section saves included) and users are
//     checked with their Validate method (after Normalize where they have
//     one) before they are written; a *domain.ValidationError comes back
//     as it is and nothing is stored.
//   - UpdateRCA with an empty Slug keeps the stored slug.
//   - Lists answer an empty, non-nil slice when nothing matches.
type Store interface {
	// Ping checks that the engine answers.
	Ping(ctx context.Context) error
	Close() error

	// Components. UpdateComponent checks c.Version (the version read) and bumps it.
	CreateComponent(ctx context.Context, c *domain.Component) error
	GetComponent(ctx context.Context, id string) (domain.Component, error)
	ListComponents(ctx context.Context) ([]domain.Component, error) // by group, position, name
	UpdateComponent(ctx context.Context, c *domain.Component) error
	DeleteComponent(ctx context.Context, id string) error

	// Incidents. RCAIDs is always filled from the RCAs that link the incident.
	// UpdateIncident checks in.Version and bumps it; ErrConflict when stale.
	// CreateIncident returns ErrDuplicate when in.Source names an imported
	// incident already stored. A Source with an empty System or ID names none.
	CreateIncident(ctx context.Context, in *domain.Incident) error
	GetIncident(ctx context.Context, id string) (domain.Incident, error)
	GetIncidentBySource(ctx context.Context, system, sourceID string) (domain.Incident, error)
	// ListIncidents returns the page, newest started_at first, and the total count.
	ListIncidents(ctx context.Context, f IncidentFilter) ([]domain.Incident, int, error)
	UpdateIncident(ctx context.Context, in *domain.Incident) error
	DeleteIncident(ctx context.Context, id string) error

	// RCAs. Every successful write stores a revision snapshot of the new version.
	// CreateRCA stores version 1. UpdateRCA replaces the whole RCA when
	// r.Version is the stored version (else a *ConflictError) and bumps it.
	//
	// CreateRCA derives an empty Slug from the title and makes the slug unique
	// instead of failing: when "db-outage" is taken it stores "db-outage-2",
	// then "db-outage-3", and so on; r.Slug holds the stored slug on return.
	// Its revision note is "created".
	CreateRCA(ctx context.Context, r *domain.RCA, author string) error
	GetRCA(ctx context.Context, id string) (domain.RCA, error)
	GetRCABySlug(ctx context.Context, slug string) (domain.RCA, error)
	// ListRCAs returns the page, most recently updated first, and the total count.
	ListRCAs(ctx context.Context, f RCAFilter) ([]domain.RCA, int, error)
	// UpdateRCA raises the revision of every section whose content changed
	// (domain.RCA.BumpChangedSections against the stored RCA), so open section
	// edits of those sections become stale. A slug taken by another RCA is
	// ErrDuplicate.
	UpdateRCA(ctx context.Context, r *domain.RCA, author, note string) error
	// SaveSection applies one section edit atomically: a stale e.BaseRevision
	// is a *ConflictError; edits of other sections in between are not. It
	// bumps the RCA's version and the section's revision, and its revision
	// note is "section <key>". An unknown RCA is ErrNotFound; an unknown key
	// is an error wrapping domain.ErrUnknownSection.
	SaveSection(ctx context.Context, rcaID, key string, e domain.SectionEdit, author string) (domain.RCA, error)
	// DeleteRCA also deletes its revisions and comments and unlinks its incidents.
	DeleteRCA(ctx context.Context, id string) error
	ListRevisions(ctx context.Context, rcaID string) ([]RevisionInfo, error) // newest first; empty for an unknown RCA
	GetRevision(ctx context.Context, rcaID string, version int64) (Revision, error)

	// Review comments. AddComment on an unknown RCA is ErrNotFound;
	// ResolveComment of an unknown comment (or one of another RCA) too.
	AddComment(ctx context.Context, c *domain.Comment) error
	ListComments(ctx context.Context, rcaID string) ([]domain.Comment, error) // oldest first
	ResolveComment(ctx context.Context, rcaID, commentID string, at time.Time) error

	// Users. Emails are unique (ErrDuplicate) and looked up normalized.
	CreateUser(ctx context.Context, u *domain.User) error
	GetUser(ctx context.Context, id string) (domain.User, error)
	GetUserByEmail(ctx context.Context, email string) (domain.User, error)
	ListUsers(ctx context.Context) ([]domain.User, error) // by email
	UpdateUser(ctx context.Context, u *domain.User) error // ErrDuplicate when the new email is taken; ErrLastAdmin

	CountUsers(ctx context.Context) (int, error)
	// Single sign-on identities (area edges, issue 10): one (issuer,
	// subject) names at most one user (ErrDuplicate); LinkIdentity sets it
	// on a user who has none yet, and is ErrConflict when the user is
	// linked to another identity already.
	GetUserByIdentity(ctx context.Context, issuer, subject string) (domain.User, error)
	LinkIdentity(ctx context.Context, userID, issuer, subject string) error

	// API tokens, looked up by the hash of their secret.
	CreateToken(ctx context.Context, t *domain.APIToken) error
	GetTokenByHash(ctx context.Context, hash string) (domain.APIToken, error)
	ListTokens(ctx context.Context, userID string) ([]domain.APIToken, error) // oldest first
	RevokeToken(ctx context.Context, id string, at time.Time) error
	TouchToken(ctx context.Context, id string, at time.Time) error

	// Browser sessions, looked up by the hash of their cookie secret.
	CreateSession(ctx context.Context, s *domain.Session) error
	GetSession(ctx context.Context, id string) (domain.Session, error)
	TouchSession(ctx context.Context, id string, seen, expires time.Time) error
	DeleteSession(ctx context.Context, id string) error
	DeleteUserSessions(ctx context.Context, userID string) error
	// DeleteExpiredSessions deletes sessions whose ExpiresAt <= now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error

	// Audit log, append only.
	AppendAudit(ctx context.Context, e *domain.AuditEvent) error
	ListAudit(ctx context.Context, f AuditFilter) ([]domain.AuditEvent, int, error) // newest first

	// Publish targets. UpdateTarget checks t.Version; an empty t.Secret keeps the stored one.
	CreateTarget(ctx context.Context, t *domain.Target) error
	GetTarget(ctx context.Context, id string) (domain.Target, error)
	ListTargets(ctx context.Context) ([]domain.Target, error) // by name
	UpdateTarget(ctx context.Context, t *domain.Target) error
	DeleteTarget(ctx context.Context, id string) error

	// Deliveries to publish targets.
	CreateDelivery(ctx context.Context, d *domain.Delivery) error
	// UpdateDelivery replaces the delivery (no version check: one worker owns it).
	UpdateDelivery(ctx context.Context, d *domain.Delivery) error
	GetDelivery(ctx context.Context, id string) (domain.Delivery, error)
	ListDeliveries(ctx context.Context, rcaID string) ([]domain.Delivery, error) // newest CreatedAt first
	// DueDeliveries returns pending deliveries whose NextAttemptAt <= now,
	// earliest NextAttemptAt first, at most limit (limit <= 0 means 100).
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]domain.Delivery, error)

	// Settings: small named JSON documents (status page name, branding, ...).
	GetSetting(ctx context.Context, key string) ([]byte, error) // ErrNotFound when unset
	PutSetting(ctx context.Context, key string, value []byte) error

	// --- scalemulti: atomic publish (outbox), delivery leases, change counter ---

	// PublishRCA writes r exactly as UpdateRCA does (version checked, a
	// revision noted note) and stores deliveries in the same atomic write:
	// one transaction on SQLite; on MongoDB an outbox inside the revision
	// document that claims the version, moved into the deliveries by the
	// writer at once or by MoveOutbox later. Each delivery gets an id when
	// empty, the new version as RCAVersion, state pending and the store's
	// times when zero; an older pending delivery of the same RCA to the same
	// target is marked failed, "superseded by delivery <id>". Nothing is
	// written when the RCA write fails, and the RCA is not written when the
	// deliveries cannot be. It returns the deliveries as stored.
	PublishRCA(ctx context.Context, r *domain.RCA, author, note string, deliveries []domain.Delivery) ([]domain.Delivery, error)
	// MoveOutbox moves deliveries that a writer which stopped half-way left
	// in an outbox older than grace into the deliveries, and answers how many
	// it moved. Running it twice, or on several instances, moves each once.
	MoveOutbox(ctx context.Context, now time.Time, grace time.Duration) (int, error)
	// LeaseDelivery takes the lease of a delivery that is pending and due at
	// now, for owner, until now+ttl: while it holds, no other LeaseDelivery
	// of that delivery succeeds (ErrLeased), on any instance. An expired
	// lease can be taken over. It answers the delivery as stored.
	LeaseDelivery(ctx context.Context, id, owner string, now time.Time, ttl time.Duration) (domain.Delivery, Lease, error)
	// FinishDelivery stores the outcome of an attempt made under l, like
	// UpdateDelivery, and releases the lease. ErrLeased (nothing written)
	// when another worker took the delivery over meanwhile.
	FinishDelivery(ctx context.Context, d *domain.Delivery, l Lease) error
	// Changes answers a counter that moves after every write of what the
	// public status page shows (components, incidents, settings, RCAs that
	// are or were published), so that instances can poll it to drop their
	// caches. Writes of drafts need not move it.
	Changes(ctx context.Context) (int64, error)

	// scale: summaries, cursors, search and bulk seeding.
	ScaleStore

	// tmpl (issue 14): custom templates and contributing factors.
	TemplateStore
	// actions: action items across RCAs, claims (issue 14).
	ActionItemStore
	// insights (issue 14): sums across RCAs per month.
	InsightStore
	// subs: status-page subscribers. CreateSubscriber answers ErrDuplicate
	// when the address (or webhook URL) or token is taken; the token and
	// webhook secret are stored and returned, the JSON never carries them.
	CreateSubscriber(ctx context.Context, s *domain.Subscriber) error
	GetSubscriber(ctx context.Context, id string) (domain.Subscriber, error)
	GetSubscriberByToken(ctx context.Context, token string) (domain.Subscriber, error)
	GetSubscriberByAddress(ctx context.Context, emailOrURL string) (domain.Subscriber, error)
	ListSubscribers(ctx context.Context) ([]domain.Subscriber, error) // oldest first
	UpdateSubscriber(ctx context.Context, s *domain.Subscriber) error
	DeleteSubscriber(ctx context.Context, id string) error // gone for good
	// images (issue 15): image attachments of RCAs.
	AttachmentStore
	// collab (issue 12): who is in a document, and a counter for editors.
	CollabStore
}

// ErrLeased: another worker holds the lease of a delivery, or it is no
// longer due (scalemulti).
var ErrLeased = errors.New("store: delivery leased by another worker or not due")

// Lease is held by the worker that took a delivery (scalemulti).
type Lease struct {
	DeliveryID string
	Owner      string
	Token      string // tells this lease from later ones
	Until      time.Time
}

// NewDelivery fills what a store decides for a delivery written by
// PublishRCA: an id when empty, the RCA and its new version, state pending,
// and now for zero times (scalemulti).
func NewDelivery(d domain.Delivery, rcaID string, version int64, now time.Time) domain.Delivery {
	if d.ID == "" {
		d.ID = domain.NewID()
	}
	d.RCAID, d.RCAVersion = rcaID, version
	if d.State == "" {
		d.State = domain.DeliveryPending
	}
	now = now.UTC()
	if d.CreatedAt.IsZero() {
		d.CreatedAt = now
	}
	if d.UpdatedAt.IsZero() {
		d.UpdatedAt = d.CreatedAt
	}
	if d.NextAttemptAt.IsZero() {
		d.NextAttemptAt = d.CreatedAt
	}
	d.NextAttemptAt = d.NextAttemptAt.UTC()
	return d
}

// Importer is what `hindsight store copy` needs of a store beyond Store
// (scalemulti). Both backends implement it.
type Importer interface {
	// ImportRCA stores r exactly as given (id, slug, version, times) with
	// its revisions (oldest first, each with its snapshot and who wrote
	// it), replacing an RCA with the same id. The RCA itself is written
	// last, so an RCA that exists was imported whole.
	ImportRCA(ctx context.Context, r domain.RCA, revisions []Revision) error
	// SettingKeys lists every setting's key.
	SettingKeys(ctx context.Context) ([]string, error)
	// SetVersion sets the version of a component, incident or target
	// (kind "components", "incidents", "targets") that was just created,
	// so a copy keeps the version its source had.
	SetVersion(ctx context.Context, kind, id string, version int64) error
}

// ---- scale (area "scalesql"): summaries, keyset cursors, search, bulk seeding ----

// ErrBadCursor: a list cursor that this store did not make, was changed, or
// belongs to another list or filter; callers answer 400.
var ErrBadCursor = errors.New("store: bad cursor")

// Sort orders of ListRCASummaries.
const (
	// SortRecent: most recently updated first (the default, searches too).
	SortRecent = "recent"
	// SortRelevance: best text match first; only with a Query. A backend
	// may rank only the newest matches (SQLite ranks the 100 newest by
	// BM25; MongoDB keeps recency). Its cursor is stable while the search
	// index does not change.
	SortRelevance = "relevance"
)

// Snippet markers: the text between SnippetOpen and SnippetClose matched the
// query. They are private-use characters, never HTML: a renderer escapes the
// snippet first, then turns the markers into highlight tags.
const (
	SnippetOpen  = "\ue000"
	SnippetClose = "\ue001"
)

// RCASummary is what a list shows of an RCA: no section bodies, timeline or
// action items. Snippet is set when the list searched (Query).
type RCASummary struct {
	ID               string          `json:"id"`
	Slug             string          `json:"slug"`
	Title            string          `json:"title"`
	Template         string          `json:"template"`
	Language         string          `json:"language"`
	State            domain.RCAState `json:"state"`
	Version          int64           `json:"version"`
	IncidentIDs      []string        `json:"incident_ids"`
	IncidentDate     *domain.Date    `json:"incident_date"`
	AffectedServices []string        `json:"affected_services"`
	Severity         domain.Severity `json:"severity"`
	Tags             []string        `json:"tags"`
	Authors          []string        `json:"authors"`
	// OpenDue lists the due dates of the open (or in progress) action items
	// the audience may read, so a list can count the overdue ones.
	OpenDue     []domain.Date `json:"open_due"` // calendar days (old RFC 3339 midnights still read)
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	PublishedAt *time.Time    `json:"published_at"`
	Snippet     string        `json:"snippet,omitempty"`
}

// Summarize makes the summary of r as the audience may read it (external:
// only external action items count).
func Summarize(r *domain.RCA, audience domain.Visibility) RCASummary {
	s := RCASummary{
		ID: r.ID, Slug: r.Slug, Title: r.Title, Template: r.Template, Language: r.Language, State: r.State,
		Version: r.Version, IncidentIDs: nonNil(r.IncidentIDs), IncidentDate: r.IncidentDate,
		AffectedServices: nonNil(r.AffectedServices), Severity: r.Severity, Tags: nonNil(r.Tags),
		Authors: nonNil(r.Authors), OpenDue: []domain.Date{}, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		PublishedAt: r.PublishedAt,
	}
	for _, a := range r.ActionItems {
		if audience == domain.External && a.Visibility != domain.External {
			continue
		}
		if a.Due != nil && (a.State == domain.ActionOpen || a.State == domain.ActionInProgress) {
			s.OpenDue = append(s.OpenDue, *a.Due)
		}
	}
	return s
}

// Overdue counts the summary's open action items past their due day at
// now in loc, the organisation's time zone (nil: UTC).
func (s RCASummary) Overdue(now time.Time, loc *time.Location) int {
	if loc == nil {
		loc = time.UTC
	}
	today := domain.DateOf(now.In(loc))
	n := 0
	for _, d := range s.OpenDue {
		if d.Before(today) {
			n++
		}
	}
	return n
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// IncidentSummary is what a list shows of an incident: no update bodies.
type IncidentSummary struct {
	ID          string                `json:"id"`
	Title       string                `json:"title"`
	Impact      domain.Impact         `json:"impact"`
	Status      domain.IncidentStatus `json:"status"`
	StartedAt   time.Time             `json:"started_at"`
	ResolvedAt  *time.Time            `json:"resolved_at"`
	Components  []string              `json:"component_ids"`
	UpdateCount int                   `json:"update_count"`
	RCAIDs      []string              `json:"rca_ids"`
	CreatedAt   time.Time             `json:"created_at"`
	UpdatedAt   time.Time             `json:"updated_at"`
}

// SummarizeIncident makes the summary of in.
func SummarizeIncident(in *domain.Incident) IncidentSummary {
	s := IncidentSummary{ID: in.ID, Title: in.Title, Impact: in.Impact, Status: in.Status, StartedAt: in.StartedAt,
		ResolvedAt: in.ResolvedAt, Components: []string{}, UpdateCount: len(in.Updates), RCAIDs: nonNil(in.RCAIDs),
		CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt}
	for _, c := range in.Components {
		s.Components = append(s.Components, c.ComponentID)
	}
	return s
}

// RCAPage is one page of RCA summaries. Next, when not empty, is the cursor
// of the following page. Total counts every match.
type RCAPage struct {
	Items []RCASummary `json:"items"`
	Total int          `json:"total"`
	// TotalCapped: a search stopped counting; Total is a lower bound.
	TotalCapped bool   `json:"total_capped,omitempty"`
	Next        string `json:"next"`
}

// IncidentPage is one page of incident summaries; see RCAPage.
type IncidentPage struct {
	Items []IncidentSummary `json:"items"`
	Total int               `json:"total"`
	Next  string            `json:"next"`
}

// ScaleStore is the list, search and bulk part of Store (area "scalesql").
//
// ListRCASummaries and ListIncidentSummaries take the same filters as
// ListRCAs and ListIncidents, plus f.Cursor (the Next of the page before;
// with a cursor, Page.Offset is ignored) and, for RCAs, f.Audience and
// f.Sort. An external audience searches, and shows snippets of, external
// text only. A cursor made for another list, filter or sort, or changed, is
// ErrBadCursor. Paging with cursors never repeats or skips a record because
// of inserts or updates made meanwhile elsewhere in the list: a record
// updated meanwhile moves to the front and is not shown again.
//
// CreateRCAs and CreateIncidents store many new records quickly (for
// seeding and imports): the same rules as CreateRCA and CreateIncident, in
// batches; a failure leaves earlier batches stored.
type ScaleStore interface {
	ListRCASummaries(ctx context.Context, f RCAFilter) (RCAPage, error)
	ListIncidentSummaries(ctx context.Context, f IncidentFilter) (IncidentPage, error)
	CreateRCAs(ctx context.Context, rs []domain.RCA, author string) error
	CreateIncidents(ctx context.Context, list []domain.Incident) error
}

// ---- end scale ----

// ---- insights (area "insights", issue 14) ----

// InsightStore answers the insights of a window: what summing
// domain.InsightTally.Add over domain.InsightFactsOf of every RCA (with its
// linked incidents as stored now) gives. Backends keep what they need of
// each RCA up to date on every RCA write (imports and bulk creates too) and
// on every write of an incident an RCA links, so the answer never reads
// whole RCAs.
type InsightStore interface {
	Insights(ctx context.Context, w domain.InsightWindow) (domain.InsightTally, error)
}

// ---- end insights ----
// ---- images (area "images", issue 15): image attachments ----

// AttachmentStore keeps the images uploaded into RCAs: a description and
// the bytes (SQLite: a table; MongoDB: GridFS).
//
// PutAttachment stores a new attachment with its bytes; an empty ID gets
// domain.NewID(), a zero CreatedAt the store's clock, and Size is set to
// len(data). An id already stored is ErrDuplicate. The store does not check
// that the RCA exists (the service does; `store copy` writes attachments
// after their RCA). GetAttachment answers ErrNotFound for an unknown id.
// ListAttachments describes an RCA's attachments, oldest first, without
// their bytes. DeleteAttachments deletes every attachment of an RCA (none is
// fine).
type AttachmentStore interface {
	PutAttachment(ctx context.Context, a *domain.Attachment, data []byte) error
	GetAttachment(ctx context.Context, id string) (domain.Attachment, []byte, error)
	ListAttachments(ctx context.Context, rcaID string) ([]domain.Attachment, error)
	DeleteAttachments(ctx context.Context, rcaID string) error
}

// ---- end images ----
// ---- collab (issue 12): presence in a document, the document counter ----

// CollabStore is what co-authors on several instances share (area collab).
//
// TouchPresence stores p (replacing the presence of the same RCA and
// client); ListPresence answers the presences of an RCA whose Until is
// after now, by user id then client; LeavePresence removes one client's
// presence and is not an error when there is none. DocChanges answers a
// counter that moves after every write of an RCA (drafts too), of its
// comments and of presence, so instances polling it learn of each
// other's saves within one poll.
type CollabStore interface {
	TouchPresence(ctx context.Context, p domain.Presence) error
	ListPresence(ctx context.Context, rcaID string, now time.Time) ([]domain.Presence, error)
	LeavePresence(ctx context.Context, rcaID, client string) error
	DocChanges(ctx context.Context) (int64, error)
}

// ---- end collab ----
