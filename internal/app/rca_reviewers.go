package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// AssignReviewers sets the reviewers of an RCA (flow). Version is the
// version read (422 without, 409 when stale). Each reviewer must be an
// active user who may review (reviewer role or above) and did not write
// the RCA. The newly assigned are notified.
func (s *Service) AssignReviewers(ctx context.Context, a policy.Actor, id string, reviewers []string, version int64) (domain.RCA, error) {
	if err := policy.Can(a, policy.RCAChangeTeam, nil); err != nil {
		return domain.RCA{}, err
	}
	if version < 1 {
		return domain.RCA{}, invalid("version", domain.CodeRequired, "send the version you read")
	}
	r, err := s.st.GetRCA(ctx, id)
	if err != nil {
		return domain.RCA{}, err
	}
	if version != r.Version {
		return domain.RCA{}, &store.ConflictError{Current: r}
	}
	next := []string{}
	var ve domain.ValidationError
	for i, uid := range reviewers {
		uid = strings.TrimSpace(uid)
		if uid == "" || slices.Contains(next, uid) {
			continue
		}
		field := "reviewers[" + strconv.Itoa(i) + "]"
		u, err := s.st.GetUser(ctx, uid)
		switch {
		case errors.Is(err, store.ErrNotFound):
			ve.Problems = append(ve.Problems, domain.Problem{Field: field, Code: domain.CodeUnknownEnum, Detail: uid})
			continue
		case err != nil:
			return domain.RCA{}, err
		case u.Disabled || !u.Role.Allows(domain.RoleReviewer):
			ve.Problems = append(ve.Problems, domain.Problem{Field: field, Code: domain.CodeInvalid, Detail: "not an active reviewer"})
			continue
		case policy.Wrote(&r, uid):
			ve.Problems = append(ve.Problems, domain.Problem{Field: field, Code: domain.CodeInvalid, Detail: "an author cannot review their own RCA"})
			continue
		}
		next = append(next, uid)
	}
	if len(ve.Problems) > 0 {
		return domain.RCA{}, &ve
	}
	if err := policy.CanSetTeam(a, &r, r.Authors, next); err != nil {
		return domain.RCA{}, err
	}
	added := []string{}
	for _, uid := range next {
		if !slices.Contains(r.Reviewers, uid) {
			added = append(added, uid)
		}
	}
	r.Reviewers = next
	if err := s.st.UpdateRCA(ctx, &r, a.UserID, "reviewers"); err != nil {
		return domain.RCA{}, err
	}
	s.audit(ctx, a.UserID, "rca.reviewers", "rca:"+r.ID, map[string]string{
		"reviewers": strings.Join(next, ","), "version": strconv.FormatInt(r.Version, 10)})
	s.notify(ctx, a, r, NoticeAssigned, added)
	return r, nil
}
