package store

// Action items across RCAs (area "actions", issue 14): one list over every
// RCA's action items, kept by each backend in a form it can page through
// with an index (a side table on SQLite, the RCA documents' multikey
// indexes on MongoDB), plus the tracker hook targets and the record of
// deliveries a hook already handled.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Sort orders of ListActionItems.
const (
	SortDue     = "due"  // earliest due day first, items without one last (the default)
	SortDueDesc = "-due" // latest due day first, items without one first
	SortTitle   = "title"
)

// NoDueKey is the due key of an item without a due day: it sorts after
// every "YYYY-MM-DD".
const NoDueKey = "~"

// DueKey is the sort key of a due day: "YYYY-MM-DD", or NoDueKey.
func DueKey(d *domain.Date) string {
	if d == nil {
		return NoDueKey
	}
	return d.String()
}

// ActionItemFilter narrows ListActionItems. Zero values do not filter.
type ActionItemFilter struct {
	States []domain.ActionState
	// OverdueBefore keeps open (or in progress) items due before this day.
	OverdueBefore *domain.Date
	// Owner keeps items whose OwnerID is Owner or, for owners outside
	// Hindsight, whose Owner text is Owner (case-sensitive).
	Owner string
	RCAID string
	// Audience external keeps external items only.
	Audience domain.Visibility
	Sort     string // SortDue (default), SortDueDesc or SortTitle
	Limit    int    // 0: 50; at most 500
	Cursor   string // the Next of the page before
}

// SortOrder is the effective sort.
func (f ActionItemFilter) SortOrder() string {
	switch f.Sort {
	case SortDueDesc, SortTitle:
		return f.Sort
	}
	return SortDue
}

// Key names the filter for cursors.
func (f ActionItemFilter) Key() string {
	states := make([]string, len(f.States))
	for i, s := range f.States {
		states[i] = string(s)
	}
	slices.Sort(states)
	over := ""
	if f.OverdueBefore != nil {
		over = f.OverdueBefore.String()
	}
	return filterKey("actions", strings.Join(states, ","), over, f.Owner, f.RCAID, string(f.Audience), f.SortOrder())
}

// ActionItemRow is one action item in the list across RCAs.
type ActionItemRow struct {
	RCAID      string             `json:"rca_id"`
	RCATitle   string             `json:"rca_title"`
	RCASlug    string             `json:"rca_slug"`
	ID         string             `json:"id"`
	Title      string             `json:"title"`
	Owner      string             `json:"owner"`
	OwnerID    string             `json:"owner_id"`
	Due        *domain.Date       `json:"due"`
	State      domain.ActionState `json:"state"`
	TrackerURL string             `json:"tracker_url"`
	Visibility domain.Visibility  `json:"visibility"`
	DoneAt     *time.Time         `json:"done_at"`
}

// SortKey is the row's key in a sort order (the tie-breakers aside).
func (r ActionItemRow) SortKey(sort string) string {
	if sort == SortTitle {
		return r.Title
	}
	return DueKey(r.Due)
}

// ActionItemRows are the rows of r's action items.
func ActionItemRows(r *domain.RCA) []ActionItemRow {
	out := make([]ActionItemRow, 0, len(r.ActionItems))
	for _, a := range r.ActionItems {
		out = append(out, ActionItemRow{RCAID: r.ID, RCATitle: r.Title, RCASlug: r.Slug, ID: a.ID, Title: a.Title,
			Owner: a.Owner, OwnerID: a.OwnerID, Due: a.Due, State: a.State, TrackerURL: a.TrackerURL,
			Visibility: a.Visibility, DoneAt: a.DoneAt})
	}
	return out
}

// ActionItemPage is one page of the list; Next, when not empty, is the
// cursor of the following page.
type ActionItemPage struct {
	Items []ActionItemRow `json:"items"`
	Next  string          `json:"next"`
}

// ActionCursor is the position after the last row of a page.
type ActionCursor struct {
	Key, RCAID, ItemID string
}

// EncodeActionCursor makes the cursor after row for filter f.
func EncodeActionCursor(f ActionItemFilter, row ActionItemRow) string {
	return EncodeCursor(Cursor{List: "action-items", Filter: f.Key(), ID: row.RCAID + "\n" + row.ID,
		Key: row.SortKey(f.SortOrder())})
}

// DecodeActionCursor reads f.Cursor; nil when there is none.
func DecodeActionCursor(f ActionItemFilter) (*ActionCursor, error) {
	if f.Cursor == "" {
		return nil, nil
	}
	c, err := DecodeCursor(f.Cursor, "action-items", f.Key())
	if err != nil {
		return nil, err
	}
	rca, item, ok := strings.Cut(c.ID, "\n")
	if !ok {
		return nil, fmt.Errorf("%w: unreadable", ErrBadCursor)
	}
	return &ActionCursor{Key: c.Key, RCAID: rca, ItemID: item}, nil
}

// PageLimit is the effective page size.
func (f ActionItemFilter) PageLimit() int { return Page{Limit: f.Limit}.Clamp().Limit }

// ActionItemStore is the action-item part of Store (area "actions").
type ActionItemStore interface {
	// ListActionItems answers one page of the action items of every RCA
	// that match f, ordered by f's sort then RCA id and item id. A cursor
	// made for another filter, or changed, is ErrBadCursor.
	ListActionItems(ctx context.Context, f ActionItemFilter) (ActionItemPage, error)
	// ActionItemsByTracker lists the items whose TrackerURL is url (every
	// state and audience), at most 100.
	ActionItemsByTracker(ctx context.Context, url string) ([]ActionItemRow, error)
	// Claim records (scope, key) at now, once: a pair claimed already is
	// ErrDuplicate, on any instance and in any race. Tracker hooks claim
	// their delivery ids ("hook:<target>"), the reminder digest the owner of
	// each day ("digest:<YYYY-MM-DD>").
	Claim(ctx context.Context, scope, key string, now time.Time) error
	// Unclaim forgets a claim (a digest that could not be sent); an unknown
	// pair is no error.
	Unclaim(ctx context.Context, scope, key string) error
	// ListClaims answers up to limit claims after (scope, key), ordered by
	// scope then key (for `hindsight store copy`).
	ListClaims(ctx context.Context, afterScope, afterKey string, limit int) ([]ClaimRecord, error)
}

// ClaimRecord is one stored claim.
type ClaimRecord struct {
	Scope, Key string
	At         time.Time
}
