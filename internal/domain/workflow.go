package domain

import (
	"fmt"
	"strings"
	"time"
)

// transitions lists the allowed moves and the role each needs.
var transitions = map[RCAState]map[RCAState]Role{
	StateDraft:     {StateInReview: RoleAuthor, StateArchived: RoleAuthor},
	StateInReview:  {StateApproved: RoleReviewer, StateDraft: RoleAuthor, StateArchived: RoleAuthor},
	StateApproved:  {StatePublished: RoleReviewer, StateDraft: RoleAuthor, StateArchived: RoleReviewer},
	StatePublished: {StateDraft: RoleReviewer, StateArchived: RoleReviewer},
	StateArchived:  {StateDraft: RoleAuthor},
}

// TransitionRole returns the role needed to move from one state to another,
// or false when the move is not allowed at all.
func TransitionRole(from, to RCAState) (Role, bool) {
	r, ok := transitions[from][to]
	return r, ok
}

// NextStates lists the states an RCA in state s may move to.
func NextStates(s RCAState) []RCAState {
	var out []RCAState
	for _, to := range RCAStates {
		if _, ok := transitions[s][to]; ok {
			out = append(out, to)
		}
	}
	return out
}

// NeedsReason reports whether a move must carry a comment: every move back
// to draft (sending back, unpublishing, un-archiving) says why.
func NeedsReason(from, to RCAState) bool { return to == StateDraft && from != StateDraft }

// Transition moves the RCA to state to on behalf of a user with role, and
// records the step. It does not touch Version: the store does.
func (r *RCA) Transition(to RCAState, by string, role Role, comment string, now time.Time) error {
	if !to.Valid() {
		return &ValidationError{Problems: []Problem{{Field: "to", Code: CodeUnknownEnum, Detail: string(to)}}}
	}
	need, ok := TransitionRole(r.State, to)
	if !ok {
		return fmt.Errorf("%w: %s to %s", ErrInvalidTransition, r.State, to)
	}
	if !role.Allows(need) {
		return fmt.Errorf("%w: %s to %s needs role %s", ErrForbidden, r.State, to, need)
	}
	comment = strings.TrimSpace(comment)
	if NeedsReason(r.State, to) && comment == "" {
		return &ValidationError{Problems: []Problem{{Field: "comment", Code: CodeRequired, Detail: "moving back to draft needs a reason"}}}
	}
	if len(comment) > MaxTextLen {
		return &ValidationError{Problems: []Problem{{Field: "comment", Code: CodeTooLong}}}
	}
	now = now.UTC()
	r.History = append(r.History, StateChange{From: r.State, To: to, By: by, At: now, Comment: comment})
	r.State = to
	r.UpdatedAt = now
	switch to {
	case StatePublished:
		r.PublishedAt = &now
	case StateDraft:
		r.PublishedAt = nil
	}
	if to == StateApproved && by != "" && !contains(r.Reviewers, by) {
		r.Reviewers = append(r.Reviewers, by)
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
