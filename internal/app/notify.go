package app

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// In-app notices (flow). A notice is an audit event addressed to a user
// (target "user:<id>", action "notify.<kind>"): the audit log is the one
// append-only record both stores keep, copy and page already, so a notice
// needs no table of its own. What a user has seen is a setting holding
// the time they last opened their notices.

// Notice kinds.
const (
	NoticeAssigned = "assigned" // you were asked to review an RCA
	NoticeState    = "state"    // an RCA you write or review changed state
)

// Notice is one in-app notification.
type Notice struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	RCAID   string          `json:"rca_id"`
	Title   string          `json:"title"`
	Actor   string          `json:"actor"` // user id
	From    domain.RCAState `json:"from,omitempty"`
	To      domain.RCAState `json:"to,omitempty"`
	Comment string          `json:"comment,omitempty"`
	At      time.Time       `json:"at"`
	Unread  bool            `json:"unread"`
}

// Mailer sends a notice by e-mail to a user; nil in Config: none.
type Mailer interface {
	SendNotice(ctx context.Context, to domain.User, n Notice) error
}

func noticeTarget(uid string) string { return "user:" + uid }

func seenKey(uid string) string { return "flow.seen." + uid }

// notify records a notice for each recipient (never the actor) and mails
// it when a mailer is configured.
func (s *Service) notify(ctx context.Context, a policy.Actor, r domain.RCA, kind string, recipients []string) {
	s.notifyChange(ctx, a, r, kind, recipients, "", "", "")
}

func (s *Service) notifyChange(ctx context.Context, a policy.Actor, r domain.RCA, kind string, recipients []string, from, to domain.RCAState, comment string) {
	done := []string{}
	for _, uid := range recipients {
		if uid == "" || uid == a.UserID || slices.Contains(done, uid) {
			continue
		}
		done = append(done, uid)
		n := Notice{Kind: kind, RCAID: r.ID, Title: r.Title, Actor: a.UserID, From: from, To: to, Comment: comment, At: s.now()}
		detail := map[string]string{"rca_id": r.ID, "title": r.Title}
		if from != "" {
			detail["from"], detail["to"] = string(from), string(to)
		}
		if comment != "" {
			detail["comment"] = comment
		}
		s.audit(ctx, a.UserID, "notify."+kind, noticeTarget(uid), detail)
		if s.cfg.Mailer == nil {
			continue
		}
		u, err := s.st.GetUser(ctx, uid)
		if err != nil || u.Disabled || u.Email == "" {
			continue
		}
		if err := s.cfg.Mailer.SendNotice(ctx, u, n); err != nil {
			s.cfg.Log.Warn("notice e-mail failed", "user", uid, "rca", r.ID, "err", err)
		}
	}
}

// stateRecipients are who hear of a state change: the authors and the
// reviewers (every reviewer when none is assigned and it went to review).
func (s *Service) stateRecipients(ctx context.Context, r domain.RCA) []string {
	out := append([]string{r.CreatedBy}, r.Authors...)
	out = append(out, r.Reviewers...)
	if r.State == domain.StateInReview && len(r.Reviewers) == 0 {
		out = append(out, s.openReviewers(ctx, r)...)
	}
	return out
}

// openReviewers are the active users who may review r and did not write it.
func (s *Service) openReviewers(ctx context.Context, r domain.RCA) []string {
	users, err := s.st.ListUsers(ctx)
	if err != nil {
		return nil
	}
	var out []string
	for _, u := range users {
		if !u.Disabled && u.Role.Allows(domain.RoleReviewer) && !policy.Wrote(&r, u.ID) {
			out = append(out, u.ID)
		}
	}
	return out
}

// Notices lists the actor's newest notices (at most limit) and how many
// are unread.
func (s *Service) Notices(ctx context.Context, a policy.Actor, limit int) ([]Notice, int, error) {
	if err := policy.Can(a, policy.SelfRead, nil); err != nil {
		return nil, 0, err
	}
	events, _, err := s.st.ListAudit(ctx, store.AuditFilter{Target: noticeTarget(a.UserID), Action: "notify.", Page: store.Page{Limit: limit}})
	if err != nil {
		return nil, 0, err
	}
	seen := s.seen(ctx, a.UserID)
	out := make([]Notice, 0, len(events))
	unread := 0
	for _, e := range events {
		n := Notice{ID: e.ID, Kind: e.Action[len("notify."):], RCAID: e.Detail["rca_id"], Title: e.Detail["title"], Actor: e.Actor,
			From: domain.RCAState(e.Detail["from"]), To: domain.RCAState(e.Detail["to"]), Comment: e.Detail["comment"], At: e.At,
			Unread: e.At.After(seen)}
		if n.Unread {
			unread++
		}
		out = append(out, n)
	}
	return out, unread, nil
}

// UnreadNotices counts the actor's unread notices.
func (s *Service) UnreadNotices(ctx context.Context, a policy.Actor) int {
	if a.UserID == "" {
		return 0
	}
	since := s.seen(ctx, a.UserID).Add(time.Millisecond)
	_, n, err := s.st.ListAudit(ctx, store.AuditFilter{Target: noticeTarget(a.UserID), Action: "notify.", Since: &since, Page: store.Page{Limit: 1}})
	if err != nil {
		return 0
	}
	return n
}

// SeeNotices marks every notice of the actor read.
func (s *Service) SeeNotices(ctx context.Context, a policy.Actor) error {
	if err := policy.Can(a, policy.SelfWrite, nil); err != nil {
		return err
	}
	return s.st.PutSetting(ctx, seenKey(a.UserID), []byte(strconv.FormatInt(s.now().UnixMilli(), 10)))
}

func (s *Service) seen(ctx context.Context, uid string) time.Time {
	b, err := s.st.GetSetting(ctx, seenKey(uid))
	if err != nil {
		return time.Time{}
	}
	ms, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
