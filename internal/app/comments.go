package app

// Anchored, threaded review comments (area collab, issue 12).

import (
	"context"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

// CommentInput is a new comment: on the RCA ("" section) or one section,
// optionally anchored to a passage of that section (Quote), or a reply to
// a thread (ParentID: any comment of the thread).
type CommentInput struct {
	SectionKey string
	Body       string
	Quote      string
	ParentID   string
}

// AddCommentIn adds a comment. A quote must be a passage of the section as
// it reads now; a reply joins its thread's section and first comment.
func (s *Service) AddCommentIn(ctx context.Context, a policy.Actor, id string, in CommentInput) (domain.Comment, error) {
	if err := policy.Can(a, policy.RCAComment, nil); err != nil {
		return domain.Comment{}, err
	}
	r, err := s.st.GetRCA(ctx, id)
	if err != nil {
		return domain.Comment{}, err
	}
	if err := policy.Can(a, policy.RCAComment, &r); err != nil {
		return domain.Comment{}, err
	}
	var ve domain.ValidationError
	add := func(field, code, detail string) {
		ve.Problems = append(ve.Problems, domain.Problem{Field: field, Code: code, Detail: detail})
	}
	body, quote := strings.TrimSpace(in.Body), strings.TrimSpace(in.Quote)
	switch {
	case body == "":
		add("body", domain.CodeRequired, "")
	case len(in.Body) > domain.MaxTextLen:
		add("body", domain.CodeTooLong, "")
	}
	cm := domain.Comment{RCAID: r.ID, SectionKey: in.SectionKey, AuthorID: a.UserID, Body: body, CreatedAt: s.now()}
	if in.ParentID != "" {
		list, err := s.st.ListComments(ctx, r.ID)
		if err != nil {
			return domain.Comment{}, err
		}
		root := threadRoot(list, in.ParentID)
		if root == "" {
			add("parent_id", domain.CodeInvalid, "no such comment")
		} else {
			cm.ParentID = root
			for _, c := range list {
				if c.ID == root {
					cm.SectionKey = c.SectionKey
				}
			}
		}
		if quote != "" {
			add("quote", domain.CodeInvalid, "a reply quotes nothing")
		}
	}
	sec := r.Section(cm.SectionKey)
	if cm.SectionKey != "" && sec == nil {
		add("section_key", domain.CodeUnknownEnum, cm.SectionKey)
	}
	if quote != "" && cm.ParentID == "" {
		switch {
		case len(quote) > domain.MaxTextLen:
			add("quote", domain.CodeTooLong, "")
		case sec == nil:
			add("quote", domain.CodeInvalid, "a quote needs a section")
		case !quoteIn(sec.Body, quote):
			add("quote", domain.CodeInvalid, "not a passage of the section")
		default:
			cm.Quote = quote
		}
	}
	if len(ve.Problems) > 0 {
		return domain.Comment{}, &ve
	}
	if err := s.st.AddComment(ctx, &cm); err != nil {
		return domain.Comment{}, err
	}
	return cm, nil
}

// threadRoot answers the id of the first comment of id's thread, "" when
// list has no comment id.
func threadRoot(list []domain.Comment, id string) string {
	for _, c := range list {
		if c.ID == id {
			if c.ParentID != "" {
				return c.ParentID
			}
			return c.ID
		}
	}
	return ""
}

// UserNames maps every user's id to the name they are shown by.
func (s *Service) UserNames(ctx context.Context) (map[string]string, error) {
	users, err := s.st.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.DisplayName()
	}
	return names, nil
}

// IncidentTitle answers an incident's title (for naming it in the audit
// log, area collab).
func (s *Service) IncidentTitle(ctx context.Context, id string) (string, error) {
	in, err := s.st.GetIncident(ctx, id)
	return in.Title, err
}

// quoteIn reports whether quote is a passage of the Markdown body, as
// written or as read on the rendered page (without emphasis, code and link
// marks, white space folded).
func quoteIn(body, quote string) bool {
	if strings.Contains(body, quote) {
		return true
	}
	plain := func(s string) string {
		s = strings.Map(func(r rune) rune {
			if strings.ContainsRune("*_`~#>[]", r) {
				return -1
			}
			return r
		}, s)
		return strings.Join(strings.Fields(s), " ")
	}
	return strings.Contains(plain(body), plain(quote))
}
