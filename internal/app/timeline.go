package app

// The timeline grid of the editor (area collab, issue 12): add, edit,
// reorder and delete one row at a time over the API.

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

// TimelineInput is one timeline row as an editor sends it: an instant (At),
// or a wall time (Local, "2006-01-02T15:04") in an IANA zone, or a day only
// (Precision "date", Date "YYYY-MM-DD"), or no time (Precision "none").
type TimelineInput struct {
	At         *time.Time
	Local      string
	Zone       string
	Precision  domain.TimePrecision
	Date       string
	Kind       domain.TimelineKind
	Text       string
	Visibility domain.Visibility
}

// EntryConflictError: the row changed since the editor read it (Current is
// the row as stored now). Adapters answer 409.
type EntryConflictError struct {
	Current domain.TimelineEntry
}

func (e *EntryConflictError) Error() string { return "app: timeline entry changed since it was read" }

// errEntryGone: the row was deleted meanwhile.
var errEntryGone = errors.New("app: timeline entry not found")

// ErrEntryGone reports whether err says the row is gone (adapters: 404).
func ErrEntryGone(err error) bool { return errors.Is(err, errEntryGone) }

// entry checks in and answers the row it describes (in UTC).
func (in TimelineInput) entry() (domain.TimelineEntry, error) {
	var ve domain.ValidationError
	add := func(field, code string) { ve.Problems = append(ve.Problems, domain.Problem{Field: field, Code: code}) }
	e := domain.TimelineEntry{Precision: in.Precision, Kind: in.Kind, Text: strings.TrimSpace(in.Text), Visibility: in.Visibility}
	switch in.Precision {
	case domain.PrecisionMinute:
		switch {
		case in.At != nil:
			e.At = in.At.UTC()
		case strings.TrimSpace(in.Local) == "":
			add("at", domain.CodeRequired)
		default:
			loc, err := domain.LoadZone(in.Zone)
			if err != nil {
				add("zone", domain.CodeInvalid)
				break
			}
			t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(in.Local), loc)
			if err != nil {
				add("local", domain.CodeInvalid)
				break
			}
			e.At = t.UTC()
		}
	case domain.PrecisionDay:
		d, err := domain.ParseDate(strings.TrimSpace(in.Date))
		if err != nil {
			add("date", domain.CodeInvalid)
		} else {
			e.Day = &d
		}
	case domain.PrecisionNone:
	default:
		add("precision", domain.CodeUnknownEnum)
	}
	if e.Kind == "" {
		e.Kind = domain.KindNote
	}
	if !e.Kind.Valid() {
		add("kind", domain.CodeUnknownEnum)
	}
	if e.Visibility == "" {
		e.Visibility = domain.External
	}
	if !e.Visibility.Valid() {
		add("visibility", domain.CodeUnknownEnum)
	}
	switch {
	case e.Text == "":
		add("text", domain.CodeRequired)
	case len(e.Text) > domain.MaxTextLen:
		add("text", domain.CodeTooLong)
	}
	if len(ve.Problems) > 0 {
		return e, &ve
	}
	return e, nil
}

// AddTimelineEntry adds one row and answers the RCA.
func (s *Service) AddTimelineEntry(ctx context.Context, a policy.Actor, id string, in TimelineInput) (domain.RCA, domain.TimelineEntry, error) {
	e, err := in.entry()
	if err != nil {
		return domain.RCA{}, e, err
	}
	e.ID = domain.NewID()
	r, err := s.EditRCA(ctx, a, id, "timeline add", func(r *domain.RCA) error {
		r.Timeline = append(r.Timeline, e)
		return nil
	})
	return r, e, err
}

// UpdateTimelineEntry replaces row eid, which must still read as base (the
// row the editor read); else an *EntryConflictError.
func (s *Service) UpdateTimelineEntry(ctx context.Context, a policy.Actor, id, eid string, in TimelineInput, base domain.TimelineEntry) (domain.RCA, error) {
	e, err := in.entry()
	if err != nil {
		return domain.RCA{}, err
	}
	return s.EditRCA(ctx, a, id, "timeline edit", func(r *domain.RCA) error {
		i := slices.IndexFunc(r.Timeline, func(x domain.TimelineEntry) bool { return x.ID == eid })
		if i < 0 {
			return errEntryGone
		}
		if !sameEntry(r.Timeline[i], base) {
			return &EntryConflictError{Current: r.Timeline[i]}
		}
		e.ID, e.Translations = eid, r.Timeline[i].Translations
		r.Timeline[i] = e
		return nil
	})
}

// DeleteTimelineEntry deletes row eid.
func (s *Service) DeleteTimelineEntry(ctx context.Context, a policy.Actor, id, eid string) (domain.RCA, error) {
	return s.EditRCA(ctx, a, id, "timeline delete", func(r *domain.RCA) error {
		i := slices.IndexFunc(r.Timeline, func(x domain.TimelineEntry) bool { return x.ID == eid })
		if i < 0 {
			return errEntryGone
		}
		r.Timeline = slices.Delete(r.Timeline, i, i+1)
		return nil
	})
}

// OrderTimeline puts the rows in the order of ids (rows it does not name
// follow in their order). Rows with a time still sort by it: the order
// decides among untimed rows and rows of the same time.
func (s *Service) OrderTimeline(ctx context.Context, a policy.Actor, id string, ids []string) (domain.RCA, error) {
	return s.EditRCA(ctx, a, id, "timeline order", func(r *domain.RCA) error {
		pos := make(map[string]int, len(ids))
		for i, x := range ids {
			pos[x] = i
		}
		rank := func(e domain.TimelineEntry) int {
			if p, ok := pos[e.ID]; ok {
				return p
			}
			return len(ids)
		}
		slices.SortStableFunc(r.Timeline, func(x, y domain.TimelineEntry) int { return rank(x) - rank(y) })
		// An untimed row takes the time of the row before it (Normalize);
		// a day-only or timed row keeps its own.
		return nil
	})
}

func sameEntry(a, b domain.TimelineEntry) bool {
	sameDay := (a.Day == nil) == (b.Day == nil) && (a.Day == nil || *a.Day == *b.Day)
	sameAt := a.At.Equal(b.At) || a.Precision == domain.PrecisionNone // an untimed row's time is its neighbour's
	return sameAt && a.Precision == b.Precision && sameDay && a.Kind == b.Kind &&
		a.Text == b.Text && a.Visibility == b.Visibility
}
