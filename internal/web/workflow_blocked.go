package web

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// The review gates' refusals, as API answers and page blocks (flow).

const (
	codeSubmitBlocked   = "submit_blocked"
	codeApprovalBlocked = "approval_blocked"
)

// failingSection is one section that stops a submit, named by its key and
// by its heading in the reader's language.
type failingSection struct {
	Key    string         `json:"key"`
	Label  string         `json:"label"`
	Checks []failingCheck `json:"checks"`
}

type failingCheck struct {
	Check   string `json:"check"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// openComment is an unresolved comment that stops an approval.
type openComment struct {
	ID      string `json:"id"`
	Section string `json:"section"`
	Label   string `json:"label"`
	Author  string `json:"author"`
	Excerpt string `json:"excerpt"`
}

// blockedOf classifies a gate's refusal (422 with what fails).
func blockedOf(err error) (*httpError, bool) {
	var sb *app.SubmitBlockedError
	var ab *app.ApprovalBlockedError
	switch {
	case errors.As(err, &sb):
		return &httpError{Status: http.StatusUnprocessableEntity, Code: codeSubmitBlocked, Err: err}, true
	case errors.As(err, &ab):
		return &httpError{Status: http.StatusUnprocessableEntity, Code: codeApprovalBlocked, Err: err}, true
	}
	return nil, false
}

// failingSections localizes a submit refusal.
func failingSections(loc *uiLocale, sb *app.SubmitBlockedError) []failingSection {
	tpl, _ := domain.BuiltinTemplate(sb.Template)
	out := make([]failingSection, 0, len(sb.Sections))
	for _, s := range sb.Sections {
		fs := failingSection{Key: s.Key, Label: templateText(loc, tpl, s.Key, "title", s.Title), Checks: []failingCheck{}}
		if s.Title == "" { // a check no section owns: its name is the label
			fs.Label = loc.T("ui.quality." + s.Key)
		}
		for _, ch := range s.Checks {
			subject := ch.Subject
			if ch.Check == "required_sections" {
				subject = fs.Label
			}
			fs.Checks = append(fs.Checks, failingCheck{Check: ch.Check, Code: ch.Code,
				Message: loc.T("ui.quality."+ch.Check+"."+ch.Code, "Value", subject)})
		}
		out = append(out, fs)
	}
	return out
}

// openComments localizes an approval refusal.
func openComments(loc *uiLocale, ab *app.ApprovalBlockedError, names map[string]string) []openComment {
	tpl, _ := domain.BuiltinTemplate(ab.Template)
	out := make([]openComment, 0, len(ab.Comments))
	for _, cm := range ab.Comments {
		out = append(out, openComment{ID: cm.ID, Section: cm.SectionKey,
			Label:  templateText(loc, tpl, cm.SectionKey, "title", ab.Titles[cm.SectionKey]),
			Author: nameOf(cm.AuthorID, names), Excerpt: excerpt(cm.Body, 80)})
	}
	return out
}

func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// apiLocale is the UI locale of an API answer (the request's language).
func (s *Server) apiLocale(c *gin.Context) *uiLocale {
	return &uiLocale{l: s.catalog.Localizer(s.requestLang(c)), zone: time.UTC}
}

// blockedExtra is the extra members of a gate's 422: the failing sections
// or the open comments, localized.
func (s *Server) blockedExtra(c *gin.Context, err error) map[string]any {
	loc := s.apiLocale(c)
	var sb *app.SubmitBlockedError
	var ab *app.ApprovalBlockedError
	switch {
	case errors.As(err, &sb):
		return map[string]any{"sections": failingSections(loc, sb)}
	case errors.As(err, &ab):
		return map[string]any{"comments": openComments(loc, ab, s.userNamesCtx(c))}
	}
	return nil
}

// userNamesCtx maps user ids to display names.
func (s *Server) userNamesCtx(c *gin.Context) map[string]string {
	names := map[string]string{}
	users, err := s.store.ListUsers(c.Request.Context())
	if err != nil {
		return names
	}
	for _, u := range users {
		names[u.ID] = u.DisplayName()
	}
	return names
}
