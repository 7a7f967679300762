// Package app is Hindsight's service layer: one method per use case. Each
// takes the acting user (a policy.Actor), asks internal/policy, validates
// through the domain and calls the store; it answers domain values or
// errors the adapters map to status codes (store and domain sentinels, a
// *policy.Denied, ErrPublished). The HTTP handlers and the command line are
// thin adapters over it; it never imports them.
package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// ErrPublished: the RCA is on the status page (and maybe on targets); it
// must be unpublished before it is deleted. Adapters answer 409.
var ErrPublished = errors.New("app: rca is published; unpublish it first")

// AuditFunc appends one audit event; ctx may carry the client's address.
type AuditFunc func(ctx context.Context, actor, action, target string, detail map[string]string)

// Config is what the service needs.
type Config struct {
	Store           store.Store
	Catalog         *i18n.Catalog // report labels
	Branding        report.Branding
	DefaultLanguage string // a new RCA's language when none is given
	Now             func() time.Time
	Log             *slog.Logger
	Audit           AuditFunc // nil: events are written to the store directly
	// Changed is called after every write the public status page shows
	// (state changes, publish, unpublish, deletes, imports); nil: nothing.
	Changed func()
	// Enqueued is called after deliveries were queued for publish targets
	// (the worker wakes up); nil: nothing.
	Enqueued func()
	// Mailer sends notices by e-mail (flow); nil: in-app only.
	Mailer Mailer
	// CollabPoll is how often open documents poll the store's document
	// counter (area collab); zero: DefaultCollabPoll.
	CollabPoll time.Duration
}

// Service runs Hindsight's use cases.
type Service struct {
	cfg    Config
	st     store.Store
	collab *Collab // area collab
}

// New makes a service; cfg.Store is required.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("app: nil store")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.DefaultLanguage == "" {
		cfg.DefaultLanguage = "en"
	}
	if cfg.Catalog == nil {
		cat, err := i18n.Load()
		if err != nil {
			return nil, err
		}
		cfg.Catalog = cat
	}
	s := &Service{cfg: cfg, st: cfg.Store}
	s.collab = newCollab(s, cfg.CollabPoll)
	return s, nil
}

func (s *Service) now() time.Time { return s.cfg.Now().UTC() }

func (s *Service) audit(ctx context.Context, actor, action, target string, detail map[string]string) {
	if s.cfg.Audit != nil {
		s.cfg.Audit(ctx, actor, action, target, detail)
		return
	}
	e := domain.AuditEvent{ID: domain.NewID(), At: s.now(), Actor: actor, Action: action, Target: target, Detail: detail}
	if err := s.st.AppendAudit(ctx, &e); err != nil {
		s.cfg.Log.Error("append audit event", "action", action, "target", target, "err", err)
	}
}

func (s *Service) changed() {
	if s.cfg.Changed != nil {
		s.cfg.Changed()
	}
}

// invalid builds a one-problem validation error.
func invalid(field, code, detail string) error {
	return &domain.ValidationError{Problems: []domain.Problem{{Field: field, Code: code, Detail: detail}}}
}

// RetryConflict runs fn again when it fails with store.ErrConflict, up to
// five tries in all: for writes that do not depend on what the caller read
// (linking an incident, appending an update). Each conflict means another
// write landed, so only a burst of more than four concurrent writers to one
// record can still fail with a conflict.
func RetryConflict(fn func() error) error {
	var err error
	for range 5 {
		if err = fn(); !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return err
}
