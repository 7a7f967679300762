package store

import (
	"context"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TemplateStore keeps custom templates and the contributing-factor
// taxonomy's stored entries (area tmpl, issue 14). Both are keyed by their
// key and never deleted (retired instead), so old RCAs keep meaning.
//
//   - Create checks Validate (after Normalize for templates) and stores
//     version 1, whatever the caller sent, with the store's clock for zero
//     times; a key already stored is ErrDuplicate.
//   - Update checks Validate, replaces the record when its Version is the
//     stored one (else ErrConflict; an unknown key is ErrNotFound), keeps
//     CreatedAt, sets UpdatedAt and bumps the version.
//   - Lists are by key, retired records included, empty and non-nil when
//     there are none.
type TemplateStore interface {
	CreateTemplate(ctx context.Context, t *domain.Template) error
	GetTemplate(ctx context.Context, key string) (domain.Template, error)
	ListTemplates(ctx context.Context) ([]domain.Template, error)
	UpdateTemplate(ctx context.Context, t *domain.Template) error

	// Factors stored here are custom ones and overrides of built-in ones
	// (BuiltIn true, same key); see domain.MergeFactors.
	CreateFactor(ctx context.Context, f *domain.Factor) error
	GetFactor(ctx context.Context, key string) (domain.Factor, error)
	ListFactors(ctx context.Context) ([]domain.Factor, error)
	UpdateFactor(ctx context.Context, f *domain.Factor) error
}
