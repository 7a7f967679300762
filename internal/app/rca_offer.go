package app

import (
	"slices"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

// Move is one state change offered as a button: the target state and the
// name of the move (submit, approve, send_back, publish, unpublish,
// archive, reopen), which pages use as its label.
type Move struct {
	To   domain.RCAState
	Name string
}

// Offer is what an actor may do with an RCA in its current state. Every
// page and every state offers exactly these (flow): no publish button on a
// published RCA, no submit on an approved one, no approve for its author.
type Offer struct {
	Moves   []Move
	Edit    bool // the text may be changed (draft or in review, and allowed)
	Comment bool
	// AssignReviewers: the reviewers may be changed by this actor.
	AssignReviewers bool
}

// Has reports whether the offer includes the move to state to.
func (o Offer) Has(to domain.RCAState) bool {
	for _, m := range o.Moves {
		if m.To == to {
			return true
		}
	}
	return false
}

// moveName names the move from one state to another.
func moveName(from, to domain.RCAState) string {
	switch to {
	case domain.StateInReview:
		return "submit"
	case domain.StateApproved:
		return "approve"
	case domain.StatePublished:
		return "publish"
	case domain.StateArchived:
		return "archive"
	}
	switch from { // to draft
	case domain.StatePublished:
		return "unpublish"
	case domain.StateArchived:
		return "reopen"
	}
	return "send_back"
}

// Offered decides, in one place, which actions an actor is offered on r:
// the moves the workflow allows from r's state that the actor's role and
// the policy permit.
func Offered(a policy.Actor, r *domain.RCA) Offer {
	var o Offer
	if r == nil || a.Anonymous() {
		return o
	}
	o.Edit = r.Editable() && policy.Can(a, policy.RCAEdit, r) == nil
	o.Comment = policy.Can(a, policy.RCAComment, r) == nil
	o.AssignReviewers = policy.Can(a, policy.RCAChangeTeam, r) == nil
	for _, to := range domain.NextStates(r.State) {
		need, _ := domain.TransitionRole(r.State, to)
		if !a.EffectiveRole().Allows(need) {
			continue
		}
		act := policy.RCAState
		switch {
		case to == domain.StateApproved:
			act = policy.RCAApprove
		case to == domain.StatePublished:
			act = policy.RCAPublish
		case r.State == domain.StatePublished:
			act = policy.RCAUnpublish
		}
		if policy.Can(a, policy.RCAState, r) != nil || policy.Can(a, act, r) != nil {
			continue
		}
		o.Moves = append(o.Moves, Move{To: to, Name: moveName(r.State, to)})
	}
	// The move forward first: it is the page's primary button.
	slices.SortStableFunc(o.Moves, func(x, y Move) int { return forward(y.To) - forward(x.To) })
	return o
}

func forward(to domain.RCAState) int {
	switch to {
	case domain.StateInReview, domain.StateApproved, domain.StatePublished:
		return 1
	}
	return 0
}
