package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// StateChange is a move through the workflow. Version is the version the
// actor read: a state change acts on the text its author saw, so a missing
// version is invalid (422) and a stale one a conflict (409).
type StateChange struct {
	To      domain.RCAState
	Comment string
	Version int64
	// OverrideReason lets a submit for review go ahead although required
	// sections or quality checks fail; it is kept in the state history
	// and the audit log (flow).
	OverrideReason string
}

// Published is the answer of a publish or unpublish: the RCA as stored and
// the deliveries queued for the publish targets.
type Published struct {
	RCA        domain.RCA        `json:"rca"`
	Deliveries []domain.Delivery `json:"deliveries"`
}

// ChangeState moves an RCA to another state. The policy decides who may
// (approving needs a reviewer who did not write it), the domain which role
// each move needs. Entering or leaving the published state queues the
// deliveries that put it on or take it off every target.
func (s *Service) ChangeState(ctx context.Context, a policy.Actor, id string, in StateChange) (domain.RCA, error) {
	var ve domain.ValidationError
	if !in.To.Valid() {
		ve.Problems = append(ve.Problems, domain.Problem{Field: "to", Code: domain.CodeUnknownEnum, Detail: string(in.To)})
	}
	if in.Version < 1 {
		ve.Problems = append(ve.Problems, domain.Problem{Field: "version", Code: domain.CodeRequired, Detail: "send the version you read"})
	}
	if len(ve.Problems) > 0 {
		return domain.RCA{}, &ve
	}
	p, err := s.changeState(ctx, a, id, in, publish.Options{})
	return p.RCA, err
}

func (s *Service) changeState(ctx context.Context, a policy.Actor, id string, in StateChange, opt publish.Options) (Published, error) {
	if err := policy.Can(a, policy.RCAState, nil); err != nil {
		return Published{}, err
	}
	r, err := s.st.GetRCA(ctx, id)
	if err != nil {
		return Published{}, err
	}
	if in.Version != 0 && in.Version != r.Version {
		return Published{}, &store.ConflictError{Current: r}
	}
	act := policy.RCAState
	switch {
	case in.To == domain.StateApproved:
		act = policy.RCAApprove
	case in.To == domain.StatePublished:
		act = policy.RCAPublish
	case r.State == domain.StatePublished:
		act = policy.RCAUnpublish
	}
	if err := policy.Can(a, act, &r); err != nil {
		return Published{}, err
	}
	from, before := r.State, r
	if err := r.Transition(in.To, a.UserID, a.EffectiveRole(), in.Comment, s.now()); err != nil {
		return Published{}, err
	}
	// flow: the review gates, once the move itself is allowed.
	override, err := s.gate(ctx, before, in.To, in.OverrideReason)
	if err != nil {
		return Published{}, err
	}
	step := &r.History[len(r.History)-1]
	step.OverrideReason = override
	if in.To == domain.StateApproved {
		step.Version = before.Version // the version read and approved
	}
	note := "state " + string(in.To)
	out := Published{Deliveries: []domain.Delivery{}}
	if ev := publish.EventOf(from, in.To); ev != "" {
		// Into or out of published: the state change and its deliveries
		// are one atomic store write (the outbox, scalemulti).
		ds, err := publish.PublishWith(ctx, s.st, &r, a.UserID, note, ev, s.now(), opt)
		if err != nil {
			return Published{}, err
		}
		out.Deliveries = s.queued(ds)
	} else if err := s.st.UpdateRCA(ctx, &r, a.UserID, note); err != nil {
		return Published{}, err
	}
	out.RCA = r
	detail := map[string]string{"from": string(from), "to": string(in.To), "version": strconv.FormatInt(r.Version, 10)}
	if c := strings.TrimSpace(in.Comment); c != "" {
		detail["comment"] = c
	}
	if override != "" {
		detail["override_reason"] = override
	}
	if in.To == domain.StateApproved {
		detail["approved_version"] = strconv.FormatInt(before.Version, 10)
	}
	s.audit(ctx, a.UserID, "rca.state", "rca:"+r.ID, detail)
	s.notifyChange(ctx, a, r, NoticeState, s.stateRecipients(ctx, r), from, in.To, strings.TrimSpace(in.Comment)) // flow
	s.changed()
	return out, nil
}

// queued wakes the delivery worker for new deliveries and answers them.
func (s *Service) queued(ds []domain.Delivery) []domain.Delivery {
	if len(ds) > 0 && s.cfg.Enqueued != nil {
		s.cfg.Enqueued()
	}
	if ds == nil {
		ds = []domain.Delivery{}
	}
	return ds
}

// Publish puts an approved RCA on the status page and queues a delivery
// for every enabled target; a published one is sent again (targets update
// what they have). Version, when not 0, must be the version read.
func (s *Service) Publish(ctx context.Context, a policy.Actor, id string, version int64) (Published, error) {
	return s.PublishNotify(ctx, a, id, version, false)
}

// PublishNotify is Publish; notify sends the RCA to the status page's
// subscribers again although they were told of it before (subs). The first
// publish tells them without asking.
func (s *Service) PublishNotify(ctx context.Context, a policy.Actor, id string, version int64, notify bool) (Published, error) {
	opt := publish.Options{Notify: notify}
	if err := policy.Can(a, policy.RCAPublish, nil); err != nil {
		return Published{}, err
	}
	r, err := s.st.GetRCA(ctx, id)
	if err != nil {
		return Published{}, err
	}
	if version != 0 && version != r.Version {
		return Published{}, &store.ConflictError{Current: r}
	}
	var out Published
	switch r.State {
	case domain.StateApproved:
		if out, err = s.changeState(ctx, a, id, StateChange{To: domain.StatePublished, Version: r.Version}, opt); err != nil {
			return out, err
		}
	case domain.StatePublished:
		if err := policy.Can(a, policy.RCAPublish, &r); err != nil {
			return Published{}, err
		}
		// Re-publish: the version as it is now goes out as rca.updated, in
		// one atomic write with a revision of its own (scalemulti).
		ds, err := publish.PublishWith(ctx, s.st, &r, a.UserID, "republished", publish.EventPublished, s.now(), opt)
		if err != nil {
			return Published{}, err
		}
		s.changed()
		out = Published{RCA: r, Deliveries: s.queued(ds)}
	default:
		return Published{}, fmt.Errorf("%w: only an approved or published RCA can be published", domain.ErrInvalidTransition)
	}
	s.audit(ctx, a.UserID, "rca.publish", "rca:"+r.ID, map[string]string{
		"version": strconv.FormatInt(out.RCA.Version, 10), "deliveries": strconv.Itoa(len(out.Deliveries))})
	return out, nil
}

// Unpublish takes a published RCA back to draft (comment says why),
// removes it from the status page and reverts it on every target that had
// it. Version, when not 0, must be the version read.
func (s *Service) Unpublish(ctx context.Context, a policy.Actor, id, comment string, version int64) (Published, error) {
	if err := policy.Can(a, policy.RCAUnpublish, nil); err != nil {
		return Published{}, err
	}
	r, err := s.st.GetRCA(ctx, id)
	if err != nil {
		return Published{}, err
	}
	if r.State != domain.StatePublished {
		return Published{}, fmt.Errorf("%w: only a published RCA can be unpublished", domain.ErrInvalidTransition)
	}
	out, err := s.changeState(ctx, a, id, StateChange{To: domain.StateDraft, Comment: comment, Version: version}, publish.Options{})
	if err != nil {
		return out, err
	}
	s.audit(ctx, a.UserID, "rca.unpublish", "rca:"+r.ID, map[string]string{
		"version": strconv.FormatInt(out.RCA.Version, 10), "deliveries": strconv.Itoa(len(out.Deliveries))})
	return out, nil
}
