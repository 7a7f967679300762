package app

// Action items that get done (area "actions", issue 14): the list across
// RCAs, owners who are users, marking an item done from anywhere (also on an
// approved or published RCA: follow-through happens after the review).

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// OwnedBy reports whether userID owns the action item: the one matching
// rule of "whose item is this" (the list's owner filter, "My work", the
// reminder digest). Owners outside Hindsight (free text only) match nobody.
func OwnedBy(a domain.ActionItem, userID string) bool {
	return userID != "" && a.OwnerID == userID
}

// ActionItemQuery is what the list across RCAs asks for.
type ActionItemQuery struct {
	States  []domain.ActionState
	Overdue bool           // open or in progress, due before today in Zone
	Zone    *time.Location // the organisation's time zone (nil: UTC)
	Owner   string         // a user id, or an owner's name as written
	RCAID   string
	Sort    string // store.SortDue (default), store.SortDueDesc, store.SortTitle
	Limit   int
	Cursor  string
}

// ActionItemView is one row of the list, with the owner's display name.
type ActionItemView struct {
	store.ActionItemRow
	OwnerName string `json:"owner_name"`
	Overdue   bool   `json:"overdue"`
}

// ActionItemList is one page of the list.
type ActionItemList struct {
	Items []ActionItemView `json:"items"`
	Next  string           `json:"next"`
}

// today is the organisation's calendar day now.
func (s *Service) today(loc *time.Location) domain.Date {
	if loc == nil {
		loc = time.UTC
	}
	return domain.DateOf(s.now().In(loc))
}

// ListActionItems lists the action items of every RCA the actor may read, in
// the edition it may read (viewers: external items only).
func (s *Service) ListActionItems(ctx context.Context, a policy.Actor, q ActionItemQuery) (ActionItemList, error) {
	if err := policy.Can(a, policy.RCAList, nil); err != nil {
		return ActionItemList{}, err
	}
	f := store.ActionItemFilter{States: q.States, Owner: q.Owner, RCAID: q.RCAID, Sort: q.Sort, Limit: q.Limit, Cursor: q.Cursor}
	if policy.Audience(a, nil) == domain.AudienceExternal {
		f.Audience = domain.External
	}
	today := s.today(q.Zone)
	if q.Overdue {
		f.OverdueBefore = &today
	}
	p, err := s.st.ListActionItems(ctx, f)
	if err != nil {
		return ActionItemList{}, err
	}
	names, err := s.userNames(ctx)
	if err != nil {
		return ActionItemList{}, err
	}
	out := ActionItemList{Items: make([]ActionItemView, 0, len(p.Items)), Next: p.Next}
	for _, row := range p.Items {
		v := ActionItemView{ActionItemRow: row, OwnerName: row.Owner}
		if n, ok := names[row.OwnerID]; ok {
			v.OwnerName = n
		}
		v.Overdue = row.Due != nil && (row.State == domain.ActionOpen || row.State == domain.ActionInProgress) && row.Due.Before(today)
		out.Items = append(out.Items, v)
	}
	return out, nil
}

// userNames maps user ids to display names.
func (s *Service) userNames(ctx context.Context) (map[string]string, error) {
	users, err := s.st.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(users))
	for _, u := range users {
		out[u.ID] = u.DisplayName()
	}
	return out, nil
}

// ActionOwners lists the users an action item may be given to (enabled
// users, by email), for the owner picker.
func (s *Service) ActionOwners(ctx context.Context, a policy.Actor) ([]domain.User, error) {
	if err := policy.Can(a, policy.RCAList, nil); err != nil {
		return nil, err
	}
	users, err := s.st.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]domain.User, 0, len(users))
	for _, u := range users {
		if !u.Disabled {
			out = append(out, u)
		}
	}
	return out, nil
}

// checkOwners refuses an owner_id that names no user (422) and sets the
// owner text of an item owned by a user to that user's name, so reports
// that print the owner show who it is.
func (s *Service) checkOwners(ctx context.Context, r *domain.RCA) error {
	var ps []domain.Problem
	seen := map[string]domain.User{}
	for i := range r.ActionItems {
		it := &r.ActionItems[i]
		if it.OwnerID == "" {
			continue
		}
		u, ok := seen[it.OwnerID]
		if !ok {
			var err error
			u, err = s.st.GetUser(ctx, it.OwnerID)
			if errors.Is(err, store.ErrNotFound) {
				ps = append(ps, domain.Problem{Field: "action_items[" + strconv.Itoa(i) + "].owner_id", Code: domain.CodeInvalid,
					Detail: "no user with this id"})
				continue
			}
			if err != nil {
				return err
			}
			seen[it.OwnerID] = u
		}
		it.Owner = u.DisplayName() // the owner text follows the chosen user
	}
	if len(ps) > 0 {
		return &domain.ValidationError{Problems: ps}
	}
	return nil
}

// SetActionState moves one action item to state, on any RCA the actor may
// edit, locked ones included: only the item's state (and DoneAt) changes.
func (s *Service) SetActionState(ctx context.Context, a policy.Actor, rcaID, itemID string, state domain.ActionState) (domain.RCA, error) {
	if !state.Valid() {
		return domain.RCA{}, invalid("state", domain.CodeUnknownEnum, string(state))
	}
	if err := policy.Can(a, policy.RCAEdit, nil); err != nil {
		return domain.RCA{}, err
	}
	var r domain.RCA
	changed := false
	err := RetryConflict(func() error {
		var err error
		if r, err = s.st.GetRCA(ctx, rcaID); err != nil {
			return err
		}
		if err := policy.Can(a, policy.RCAEdit, &r); err != nil {
			return err
		}
		changed, err = s.setItemState(ctx, &r, itemID, state, a.UserID, "action "+itemID+" "+string(state))
		return err
	})
	if err != nil {
		return domain.RCA{}, err
	}
	if changed {
		s.audit(ctx, a.UserID, "rca.action_state", "rca:"+r.ID, map[string]string{"item": itemID, "state": string(state),
			"version": fmt.Sprint(r.Version)})
	}
	return r, nil
}

// setItemState stores r with item itemID in state, when it is not in it
// already; the store's conflict comes back for a retry.
func (s *Service) setItemState(ctx context.Context, r *domain.RCA, itemID string, state domain.ActionState, author, note string) (bool, error) {
	prev := *r
	prev.ActionItems = append([]domain.ActionItem(nil), r.ActionItems...)
	i := -1
	for j := range r.ActionItems {
		if r.ActionItems[j].ID == itemID {
			i = j
		}
	}
	if i < 0 {
		return false, fmt.Errorf("app: action item %s: %w", itemID, store.ErrNotFound)
	}
	if r.ActionItems[i].State == state {
		return false, nil
	}
	next := append([]domain.ActionItem(nil), r.ActionItems...)
	next[i].State = state
	r.ActionItems = next
	r.StampActionsDone(&prev, s.now())
	r.UpdatedAt = s.now()
	if err := s.st.UpdateRCA(ctx, r, author, note); err != nil {
		return false, err
	}
	if r.State == domain.StatePublished {
		s.changed()
	}
	return true, nil
}
