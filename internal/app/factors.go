package app

// The contributing-factor taxonomy (tmpl area, issue 14): built-in factors
// plus the admins' own; admins rename, describe, translate and retire any.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

var timeZero time.Time

// Factors lists the taxonomy: built-in factors first (edited ones as
// edited), then custom ones by key; retired ones only when includeRetired.
func (s *Service) Factors(ctx context.Context, a policy.Actor, includeRetired bool) ([]domain.Factor, error) {
	if err := policy.Can(a, policy.FactorRead, nil); err != nil {
		return nil, err
	}
	all, err := s.taxonomy(ctx)
	if err != nil || includeRetired {
		return all, err
	}
	return slices.DeleteFunc(all, func(f domain.Factor) bool { return f.Retired }), nil
}

// Factor reads one factor of the taxonomy.
func (s *Service) Factor(ctx context.Context, a policy.Actor, key string) (domain.Factor, error) {
	if err := policy.Can(a, policy.FactorRead, nil); err != nil {
		return domain.Factor{}, err
	}
	return s.factor(ctx, key)
}

func (s *Service) factor(ctx context.Context, key string) (domain.Factor, error) {
	f, err := s.st.GetFactor(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		if b, ok := domain.BuiltinFactor(key); ok {
			return b, nil
		}
	}
	return f, err
}

func (s *Service) taxonomy(ctx context.Context) ([]domain.Factor, error) {
	stored, err := s.st.ListFactors(ctx)
	if err != nil {
		return nil, err
	}
	return domain.MergeFactors(stored), nil
}

// CreateFactor adds a custom factor at version 1. A built-in key is 422 on
// "key"; a custom key already taken is store.ErrDuplicate (409).
func (s *Service) CreateFactor(ctx context.Context, a policy.Actor, f domain.Factor) (domain.Factor, error) {
	if err := policy.Can(a, policy.FactorManage, nil); err != nil {
		return domain.Factor{}, err
	}
	f.Key = strings.TrimSpace(f.Key)
	f.BuiltIn, f.Version = false, 0
	f.CreatedAt, f.UpdatedAt = s.now(), s.now()
	if err := f.Validate(); err != nil {
		return domain.Factor{}, err
	}
	if err := s.st.CreateFactor(ctx, &f); err != nil {
		return domain.Factor{}, err
	}
	s.audit(ctx, a.UserID, "factor.create", "factor:"+f.Key, nil)
	return f, nil
}

// UpdateFactor replaces the name, description, translations and retired
// flag of factor key, read at f.Version: 0 for a built-in factor nobody has
// edited yet, else the version read. A stale version is store.ErrConflict.
func (s *Service) UpdateFactor(ctx context.Context, a policy.Actor, key string, f domain.Factor) (domain.Factor, error) {
	if err := policy.Can(a, policy.FactorManage, nil); err != nil {
		return domain.Factor{}, err
	}
	if f.Key != "" && f.Key != key {
		return domain.Factor{}, invalid("key", domain.CodeReadOnly, "the key names the factor; send it unchanged or leave it out")
	}
	if err := s.saveFactor(ctx, key, &f); err != nil {
		return domain.Factor{}, err
	}
	s.audit(ctx, a.UserID, "factor.update", "factor:"+key, map[string]string{"version": fmt.Sprint(f.Version), "retired": fmt.Sprint(f.Retired)})
	return f, nil
}

// saveFactor writes f as factor key at f.Version: the first edit of a
// built-in factor stores it (version 0 → 1), later edits update it.
func (s *Service) saveFactor(ctx context.Context, key string, f *domain.Factor) error {
	cur, err := s.factor(ctx, key)
	if err != nil {
		return err
	}
	f.Key, f.BuiltIn, f.CreatedAt = key, cur.BuiltIn, cur.CreatedAt
	if err := f.Validate(); err != nil {
		return err
	}
	if f.Version != cur.Version {
		return store.ErrConflict
	}
	if cur.Version == 0 { // an unedited built-in factor: its first edit stores it
		err := s.st.CreateFactor(ctx, f)
		if errors.Is(err, store.ErrDuplicate) {
			return fmt.Errorf("app: factor %s was edited meanwhile: %w", key, store.ErrConflict)
		}
		return err
	}
	return s.st.UpdateFactor(ctx, f)
}

// RetireFactor retires a factor: it is no longer offered for RCAs; RCAs
// that carry it keep it. Retiring a retired factor changes nothing.
func (s *Service) RetireFactor(ctx context.Context, a policy.Actor, key string) (domain.Factor, error) {
	if err := policy.Can(a, policy.FactorManage, nil); err != nil {
		return domain.Factor{}, err
	}
	var f domain.Factor
	err := RetryConflict(func() error {
		var err error
		if f, err = s.factor(ctx, key); err != nil || f.Retired {
			return err
		}
		f.Retired = true
		return s.saveFactor(ctx, key, &f)
	})
	if err != nil {
		return domain.Factor{}, err
	}
	s.audit(ctx, a.UserID, "factor.retire", "factor:"+key, nil)
	return f, nil
}

// checkFactors checks an RCA's factor keys against the taxonomy (see
// domain.CheckFactorKeys): before is what the RCA carried already.
func (s *Service) checkFactors(ctx context.Context, before, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	all, err := s.taxonomy(ctx)
	if err != nil {
		return err
	}
	return domain.CheckFactorKeys(all, before, keys)
}

// SetRCAFactors replaces an RCA's contributing factors (the editor's
// multi-select); unknown keys and newly chosen retired ones are 422.
func (s *Service) SetRCAFactors(ctx context.Context, a policy.Actor, id string, keys []string) (domain.RCA, error) {
	return s.EditRCA(ctx, a, id, "contributing factors", func(r *domain.RCA) error {
		if err := s.checkFactors(ctx, r.ContributingFactors, keys); err != nil {
			return err
		}
		r.ContributingFactors = slices.Clone(keys)
		return nil
	})
}
