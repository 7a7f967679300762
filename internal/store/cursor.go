package store

// Keyset cursors (area "scalesql"), shared by both backends.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Cursor is the position after the last record of a page: the sort key of
// that record and its id. List and Filter bind it to one list and filter.
type Cursor struct {
	List   string    `json:"l"`
	Filter string    `json:"f"`
	Time   time.Time `json:"t,omitzero"`
	Rank   float64   `json:"r,omitempty"`
	Seq    int64     `json:"s,omitempty"` // a backend's own position number
	Floor  int64     `json:"b,omitempty"` // a backend's bound of a ranked window
	ID     string    `json:"i"`
	Key    string    `json:"k,omitempty"` // actions: the sort key of a text-sorted list
}

// cursorKey authenticates cursors against changes made by hand or by a
// client that guesses their shape. A cursor only carries a position that is
// bound as a query parameter, so the key needs no secrecy; it only makes a
// changed cursor detectable (a 400, not a silently different page).
var cursorKey = []byte("hindsight list cursor v1")

// EncodeCursor makes the opaque text of c.
func EncodeCursor(c Cursor) string {
	b, _ := json.Marshal(c)
	body := base64.RawURLEncoding.EncodeToString(b)
	return body + "." + cursorMAC(body)
}

func cursorMAC(body string) string {
	m := hmac.New(sha256.New, cursorKey)
	m.Write([]byte(body))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
}

// DecodeCursor reads a cursor made by EncodeCursor for list and filter; any
// other text is ErrBadCursor.
func DecodeCursor(text, list, filter string) (Cursor, error) {
	var c Cursor
	body, mac, ok := strings.Cut(text, ".")
	if !ok || len(text) > 4096 || !hmac.Equal([]byte(mac), []byte(cursorMAC(body))) {
		return c, fmt.Errorf("%w: not a cursor of this list", ErrBadCursor)
	}
	b, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || json.Unmarshal(b, &c) != nil {
		return Cursor{}, fmt.Errorf("%w: unreadable", ErrBadCursor)
	}
	if c.List != list || c.Filter != filter || c.ID == "" {
		return Cursor{}, fmt.Errorf("%w: made for another list or filter", ErrBadCursor)
	}
	c.Time = c.Time.UTC()
	return c, nil
}

// Key names the filter for cursors: a cursor is only valid for the same
// filter (page, offset and cursor aside).
func (f RCAFilter) Key() string {
	states := make([]string, len(f.States))
	for i, s := range f.States {
		states[i] = string(s)
	}
	slices.Sort(states)
	return filterKey(strings.Join(states, ","), f.Service, f.Tag, f.IncidentID, timeKey(f.Since), timeKey(f.Until),
		strings.TrimSpace(f.Query), string(f.Audience), f.SortOrder())
}

// SortOrder is the effective sort: relevance for a search that asks for
// it, else recent.
func (f RCAFilter) SortOrder() string {
	if strings.TrimSpace(f.Query) != "" && f.Sort == SortRelevance {
		return SortRelevance
	}
	return SortRecent
}

// Key names the filter for cursors; see RCAFilter.Key.
func (f IncidentFilter) Key() string {
	return filterKey(string(f.Status), fmt.Sprint(f.Unresolved), timeKey(f.Since), timeKey(f.Until),
		fmt.Sprint(f.WithoutRCA), strings.TrimSpace(f.Query))
}

func timeKey(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func filterKey(parts ...string) string {
	b, _ := json.Marshal(parts)
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}
