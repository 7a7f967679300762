package domain

import (
	"errors"
	"testing"
)

func TestTransitions(t *testing.T) {
	now := at("2026-03-10T12:00:00Z")
	tests := []struct {
		name    string
		from    RCAState
		to      RCAState
		role    Role
		comment string
		wantErr error // nil, ErrInvalidTransition, ErrForbidden, or errValidation
	}{
		{"author submits", StateDraft, StateInReview, RoleAuthor, "", nil},
		{"viewer cannot submit", StateDraft, StateInReview, RoleViewer, "", ErrForbidden},
		{"reviewer approves", StateInReview, StateApproved, RoleReviewer, "", nil},
		{"author cannot approve", StateInReview, StateApproved, RoleAuthor, "", ErrForbidden},
		{"admin approves", StateInReview, StateApproved, RoleAdmin, "", nil},
		{"send back needs reason", StateInReview, StateDraft, RoleReviewer, "  ", errValidation},
		{"send back with reason", StateInReview, StateDraft, RoleReviewer, "timeline lacks detection", nil},
		{"publish approved", StateApproved, StatePublished, RoleReviewer, "", nil},
		{"cannot publish a draft", StateDraft, StatePublished, RoleAdmin, "", ErrInvalidTransition},
		{"cannot skip review", StateDraft, StateApproved, RoleAdmin, "", ErrInvalidTransition},
		{"unpublish needs reason", StatePublished, StateDraft, RoleReviewer, "", errValidation},
		{"archive published", StatePublished, StateArchived, RoleReviewer, "", nil},
		{"unarchive with reason", StateArchived, StateDraft, RoleAuthor, "reopened", nil},
		{"unknown state", StateDraft, RCAState("done"), RoleAdmin, "", errValidation},
		{"same state", StateDraft, StateDraft, RoleAdmin, "x", ErrInvalidTransition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := RCA{State: tt.from}
			err := r.Transition(tt.to, "u1", tt.role, tt.comment, now)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.wantErr == errValidation:
				if !IsValidation(err) {
					t.Fatalf("err = %v, want validation error", err)
				}
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if r.State != tt.from || len(r.History) != 0 {
					t.Fatal("failed transition changed the RCA")
				}
				return
			}
			if r.State != tt.to || len(r.History) != 1 || r.History[0].From != tt.from || r.History[0].By != "u1" {
				t.Fatalf("state %s history %+v", r.State, r.History)
			}
		})
	}
}

var errValidation = errors.New("validation")

func TestTransitionSetsPublishedAtAndReviewer(t *testing.T) {
	now := at("2026-03-10T12:00:00Z")
	r := RCA{State: StateInReview}
	if err := r.Transition(StateApproved, "rev", RoleReviewer, "", now); err != nil {
		t.Fatal(err)
	}
	if len(r.Reviewers) != 1 || r.Reviewers[0] != "rev" {
		t.Errorf("reviewers %v", r.Reviewers)
	}
	if err := r.Transition(StatePublished, "rev", RoleReviewer, "", now); err != nil {
		t.Fatal(err)
	}
	if r.PublishedAt == nil || !r.PublishedAt.Equal(now) {
		t.Errorf("published_at %v", r.PublishedAt)
	}
	if err := r.Transition(StateDraft, "rev", RoleReviewer, "typo in the summary", now); err != nil {
		t.Fatal(err)
	}
	if r.PublishedAt != nil {
		t.Error("published_at kept after unpublishing")
	}
	if got := NextStates(StateApproved); len(got) != 3 {
		t.Errorf("next states of approved: %v", got)
	}
}
