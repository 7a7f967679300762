package app

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Queue reasons: why an RCA waits for the user (flow).
const (
	ReasonReviewRequested   = "review_requested"
	ReasonChangesRequested  = "changes_requested"
	ReasonDraftStale        = "draft_stale"
	ReasonActionItemOverdue = "action_item_overdue"
)

// StaleAfter is how long a draft may rest before it counts as stale.
const StaleAfter = 7 * 24 * time.Hour

// QueueItem is one thing waiting for the signed-in user.
type QueueItem struct {
	RCAID  string    `json:"rca_id"`
	Title  string    `json:"title"`
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
}

// OwnsActionItem reports whether user owns item. An item given to a user
// (owner_id, area actions) is theirs by OwnedBy, the one owner-id rule the
// action-item list and the reminder digest use too; an item with only an
// owner text (written before owners were users) matches the user's id,
// e-mail or name (case and spacing aside).
func OwnsActionItem(u domain.User, item domain.ActionItem) bool {
	if item.OwnerID != "" {
		return OwnedBy(item, u.ID)
	}
	owner := strings.ToLower(strings.Join(strings.Fields(item.Owner), " "))
	if owner == "" {
		return false
	}
	for _, v := range []string{u.ID, u.Email, u.Name} {
		if v != "" && owner == strings.ToLower(strings.Join(strings.Fields(v), " ")) {
			return true
		}
	}
	return false
}

// Queue lists what waits for the actor, oldest first: RCAs to review
// (assigned to them, or to any reviewer when none is assigned), drafts of
// theirs sent back or resting for StaleAfter, and RCAs with action items
// they own past their due day in loc, the organisation's zone.
func (s *Service) Queue(ctx context.Context, a policy.Actor, loc *time.Location) ([]QueueItem, error) {
	if err := policy.Can(a, policy.SelfRead, nil); err != nil {
		return nil, err
	}
	u, err := s.st.GetUser(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []QueueItem{}
	// Summaries first (cursor pages, no documents): only RCAs that can wait
	// for someone are read whole, those in draft or review, and those with
	// an overdue open action item.
	f := store.RCAFilter{States: []domain.RCAState{domain.StateDraft, domain.StateInReview, domain.StateApproved, domain.StatePublished},
		Page: store.Page{Limit: 500}}
	for {
		page, err := s.st.ListRCASummaries(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, sum := range page.Items {
			overdue := sum.Overdue(now, loc) > 0
			switch {
			case overdue, sum.State == domain.StateInReview:
			case sum.State == domain.StateDraft && containsID(sum.Authors, u.ID):
			default:
				continue
			}
			r, err := s.st.GetRCA(ctx, sum.ID)
			if errors.Is(err, store.ErrNotFound) {
				continue // deleted meanwhile
			}
			if err != nil {
				return nil, err
			}
			out = append(out, queueItems(a, u, r, now, loc)...)
		}
		if page.Next == "" || len(page.Items) == 0 {
			break
		}
		f.Cursor = page.Next
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out, nil
}

// queueItems are the reasons r waits for user u.
func queueItems(a policy.Actor, u domain.User, r domain.RCA, now time.Time, loc *time.Location) []QueueItem {
	var out []QueueItem
	item := func(reason string, since time.Time) {
		out = append(out, QueueItem{RCAID: r.ID, Title: r.Title, Reason: reason, Since: since.UTC()})
	}
	wrote := policy.Wrote(&r, u.ID)
	last := domain.StateChange{At: r.UpdatedAt}
	if n := len(r.History); n > 0 {
		last = r.History[n-1]
	}
	switch r.State {
	case domain.StateInReview:
		assigned := containsID(r.Reviewers, u.ID)
		open := len(r.Reviewers) == 0 && a.EffectiveRole().Allows(domain.RoleReviewer)
		if !wrote && (assigned || open) {
			item(ReasonReviewRequested, last.At)
		}
	case domain.StateDraft:
		switch {
		case !wrote:
		case last.To == domain.StateDraft && last.From != "" && last.From != domain.StateDraft:
			item(ReasonChangesRequested, last.At)
		case now.Sub(r.UpdatedAt) >= StaleAfter:
			item(ReasonDraftStale, r.UpdatedAt)
		}
	}
	var due *domain.Date
	for _, ai := range r.ActionItems {
		if OwnsActionItem(u, ai) && ai.Overdue(now, loc) && (due == nil || ai.Due.Before(*due)) {
			due = ai.Due
		}
	}
	if due != nil {
		if loc == nil {
			loc = time.UTC
		}
		item(ReasonActionItemOverdue, time.Date(due.Year, due.Month, due.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1))
	}
	return out
}

func containsID(list []string, id string) bool {
	for _, v := range list {
		if v == id {
			return true
		}
	}
	return false
}
