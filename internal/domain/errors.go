package domain

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// ErrInvalidTransition is returned when an RCA cannot move to the requested state.
var ErrInvalidTransition = errors.New("domain: invalid state transition")

// Problem is one reason a value was rejected. Code is a stable identifier that
// the web layer turns into a localized message (catalog key "error.validation.<code>").
type Problem struct {
	Field  string `json:"field"`
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"` // an English hint for logs and API clients
	Limit  int    `json:"limit,omitempty"`  // the limit exceeded, for too_long, too_many and too_large
}

// Problem codes used by Validate methods.
const (
	CodeRequired    = "required"
	CodeTooLong     = "too_long"
	CodeUnknownEnum = "unknown_value"
	CodeTimeOrder   = "time_order"
	CodeDuplicate   = "duplicate"
	CodeInvalid     = "invalid"
)

// ValidationError lists every problem found in one value.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		s := p.Field + ": " + p.Code
		if p.Detail != "" {
			s += " (" + p.Detail + ")"
		}
		parts = append(parts, s)
	}
	return "domain: invalid: " + strings.Join(parts, "; ")
}

// problems collects Problem values and turns them into an error when any exist.
type problems []Problem

func (ps *problems) add(field, code, detail string) {
	*ps = append(*ps, Problem{Field: field, Code: code, Detail: detail})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}

// IsValidation reports whether err is (or wraps) a *ValidationError.
func IsValidation(err error) bool {
	var ve *ValidationError
	return errors.As(err, &ve)
}

// Field length limits shared by every entry point.
const (
	MaxTitleLen = 300
	MaxNameLen  = 200
	MaxBodyLen  = 200_000
	MaxTextLen  = 10_000
	MaxListLen  = 1_000
	// MaxIncidentUpdates bounds an incident's updates (scalesql): a long
	// incident posts many; the stores keep them within one record.
	MaxIncidentUpdates = 10_000
)

func checkText(ps *problems, field, v string, required bool, max int) {
	if required && strings.TrimSpace(v) == "" {
		ps.add(field, CodeRequired, "")
		return
	}
	if len(v) > max {
		ps.add(field, CodeTooLong, "")
		return
	}
	if !utf8.ValidString(v) {
		ps.add(field, CodeInvalid, "not valid UTF-8")
		return
	}
	if strings.ContainsRune(v, 0) { // hygiene: NUL is refused in every text
		ps.add(field, CodeNUL, "")
	}
}

// ErrForbidden is returned when a user's role does not allow an action.
var ErrForbidden = errors.New("domain: forbidden")

// ErrLocked is returned when an approved, published or archived RCA is
// edited: what was reviewed stays as it was until it moves back to draft.
var ErrLocked = errors.New("domain: rca is locked; move it back to draft to edit")
