package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/quality"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// The review gates (flow): a submit for review needs the template's
// required sections and the quality checks to pass, unless the author gives
// an override reason; an approval needs every comment resolved.

// SectionFailure is one section that stops a submit: its key, its stored
// title (adapters show the heading in the reader's language) and the
// checks it fails.
type SectionFailure struct {
	Key    string
	Title  string
	Checks []CheckFailure
}

// CheckFailure is one failed quality check on a section: the check code
// (quality.Check*), the finding's code and its subject.
type CheckFailure struct {
	Check, Code, Subject string
}

// SubmitBlockedError refuses a submit for review while sections fail and no
// override reason was given. Adapters answer 422 listing the sections.
type SubmitBlockedError struct {
	Template string // the RCA's template key, for localized headings
	Sections []SectionFailure
}

func (e *SubmitBlockedError) Error() string {
	keys := make([]string, len(e.Sections))
	for i, s := range e.Sections {
		keys[i] = s.Key
	}
	return "app: submit blocked by sections " + strings.Join(keys, ", ")
}

// ApprovalBlockedError refuses an approval while comments are unresolved.
// Adapters answer 422 naming them.
type ApprovalBlockedError struct {
	Template string            // the RCA's template key, for localized headings
	Titles   map[string]string // stored section titles by key
	Comments []domain.Comment
}

func (e *ApprovalBlockedError) Error() string {
	return fmt.Sprintf("app: approval blocked by %d unresolved comments", len(e.Comments))
}

// IsBlocked reports whether err is a review gate's refusal.
func IsBlocked(err error) bool {
	var sb *SubmitBlockedError
	var ab *ApprovalBlockedError
	return errors.As(err, &sb) || errors.As(err, &ab)
}

// Checks runs the quality checks on r the way its pages and the submit gate
// see them: its template, linked incidents and the people whose names a
// blameless root cause should not carry.
func (s *Service) Checks(ctx context.Context, r domain.RCA) (quality.Report, error) {
	tpl, _ := domain.BuiltinTemplate(r.Template)
	in := quality.Input{RCA: r, Template: tpl}
	for _, id := range r.IncidentIDs {
		inc, err := s.st.GetIncident(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // a deleted incident: the RCA skips it when reading
		}
		if err != nil {
			return quality.Report{}, err
		}
		in.Incidents = append(in.Incidents, inc)
	}
	users, err := s.st.ListUsers(ctx)
	if err != nil {
		return quality.Report{}, err
	}
	for _, u := range users {
		if u.Name != "" {
			in.People = append(in.People, u.Name)
		}
	}
	for _, a := range r.ActionItems {
		if a.Owner != "" {
			in.People = append(in.People, a.Owner)
		}
	}
	return quality.Run(in), nil
}

// SubmitFailures lists the sections that stop r from going to review, in
// the RCA's section order; a failure no section owns is listed under its
// check code.
func SubmitFailures(r domain.RCA, rep quality.Report) []SectionFailure {
	var out []SectionFailure
	at := map[string]int{}
	for _, c := range rep.Checks {
		if c.OK {
			continue
		}
		for _, f := range c.Findings {
			key := f.SectionKey
			if key == "" {
				key = c.Code
			}
			i, ok := at[key]
			if !ok {
				title := ""
				if s := r.Section(key); s != nil {
					title = s.Title
				}
				i = len(out)
				at[key] = i
				out = append(out, SectionFailure{Key: key, Title: title})
			}
			out[i].Checks = append(out[i].Checks, CheckFailure{Check: c.Code, Code: f.Code, Subject: f.Subject})
		}
	}
	order := map[string]int{}
	for i, s := range r.Sections {
		order[s.Key] = i
	}
	pos := func(k string) int {
		if i, ok := order[k]; ok {
			return i
		}
		return len(order)
	}
	// Stable insertion sort: few sections.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && pos(out[j].Key) < pos(out[j-1].Key); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// gate checks the workflow's requirements for moving r to state to: it
// answers the override reason to record (only when one was needed).
func (s *Service) gate(ctx context.Context, r domain.RCA, to domain.RCAState, override string) (string, error) {
	override = strings.TrimSpace(override)
	if len(override) > domain.MaxTextLen {
		return "", invalid("override_reason", domain.CodeTooLong, "")
	}
	switch {
	case to == domain.StateInReview && r.State == domain.StateDraft:
		rep, err := s.Checks(ctx, r)
		if err != nil {
			return "", err
		}
		failing := SubmitFailures(r, rep)
		if len(failing) == 0 {
			return "", nil
		}
		if override == "" {
			return "", &SubmitBlockedError{Template: r.Template, Sections: failing}
		}
		return override, nil
	case to == domain.StateApproved:
		comments, err := s.st.ListComments(ctx, r.ID)
		if err != nil {
			return "", err
		}
		var open []domain.Comment
		for _, c := range comments {
			if c.ResolvedAt == nil {
				open = append(open, c)
			}
		}
		if len(open) > 0 {
			titles := map[string]string{}
			for _, sec := range r.Sections {
				titles[sec.Key] = sec.Title
			}
			return "", &ApprovalBlockedError{Template: r.Template, Titles: titles, Comments: open}
		}
	}
	return "", nil
}
