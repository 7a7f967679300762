package app

// Custom templates (tmpl area, issue 14): admins create, edit, retire and
// import them; everyone signed in lists and reads them. Built-in templates
// are read-only.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// errBuiltInTemplate: built-in templates cannot be changed or retired.
var errBuiltInTemplate = invalid("key", domain.CodeReadOnly, "built-in templates are read-only; create your own under a new key")

// Templates lists the built-in templates, then the custom ones by key;
// retired custom templates only when includeRetired.
func (s *Service) Templates(ctx context.Context, a policy.Actor, includeRetired bool) ([]domain.Template, error) {
	if err := policy.Can(a, policy.TemplateRead, nil); err != nil {
		return nil, err
	}
	custom, err := s.st.ListTemplates(ctx)
	if err != nil {
		return nil, err
	}
	out := domain.BuiltinTemplates()
	for _, t := range custom {
		if includeRetired || !t.Retired {
			out = append(out, t)
		}
	}
	return out, nil
}

// Template reads one template, built-in or custom (retired too).
func (s *Service) Template(ctx context.Context, a policy.Actor, key string) (domain.Template, error) {
	if err := policy.Can(a, policy.TemplateRead, nil); err != nil {
		return domain.Template{}, err
	}
	return s.TemplateOf(ctx, key)
}

// TemplateOf is the template an RCA names, built-in or custom, retired or
// not, for rendering what the RCA already holds (no policy: the caller was
// allowed to read the RCA).
func (s *Service) TemplateOf(ctx context.Context, key string) (domain.Template, error) {
	if t, ok := domain.BuiltinTemplate(key); ok {
		return t, nil
	}
	return s.st.GetTemplate(ctx, key)
}

// templateForNew is the template a new RCA starts from: a built-in one or
// a custom one that is not retired; anything else is 422 on "template".
func (s *Service) templateForNew(ctx context.Context, key string) (domain.Template, error) {
	t, err := s.TemplateOf(ctx, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return t, invalid("template", domain.CodeUnknownEnum, key)
	case err != nil:
		return t, err
	case t.Retired:
		return t, invalid("template", domain.CodeInvalid, "the template "+key+" is retired")
	}
	return t, nil
}

// CreateTemplate stores a new custom template at version 1. A key taken by
// a built-in template is 422 on "key"; one taken by a custom template is
// store.ErrDuplicate (409).
func (s *Service) CreateTemplate(ctx context.Context, a policy.Actor, t domain.Template) (domain.Template, error) {
	return s.createTemplate(ctx, a, t, "template.create")
}

// ImportTemplate stores a template shared as JSON (see ExportTemplate) as a
// new custom template; the same rules as CreateTemplate.
func (s *Service) ImportTemplate(ctx context.Context, a policy.Actor, t domain.Template) (domain.Template, error) {
	return s.createTemplate(ctx, a, t, "template.import")
}

func (s *Service) createTemplate(ctx context.Context, a policy.Actor, t domain.Template, action string) (domain.Template, error) {
	if err := policy.Can(a, policy.TemplateManage, nil); err != nil {
		return domain.Template{}, err
	}
	t.Key = strings.TrimSpace(t.Key)
	t.BuiltIn, t.Retired, t.Version = false, false, 0
	t.CreatedAt, t.UpdatedAt = s.now(), s.now()
	t.Normalize()
	if err := t.Validate(); err != nil {
		return domain.Template{}, err
	}
	if err := s.st.CreateTemplate(ctx, &t); err != nil {
		return domain.Template{}, err
	}
	s.audit(ctx, a.UserID, action, "template:"+t.Key, map[string]string{"sections": fmt.Sprint(len(t.Sections))})
	return t, nil
}

// UpdateTemplate replaces the custom template key with t, read at
// t.Version (required; a stale one is store.ErrConflict). Retired stays as
// sent, so an admin can bring a template back. RCAs made from the template
// keep their sections.
func (s *Service) UpdateTemplate(ctx context.Context, a policy.Actor, key string, t domain.Template) (domain.Template, error) {
	if err := policy.Can(a, policy.TemplateManage, nil); err != nil {
		return domain.Template{}, err
	}
	if _, ok := domain.BuiltinTemplate(key); ok {
		return domain.Template{}, errBuiltInTemplate
	}
	if t.Key != "" && t.Key != key {
		return domain.Template{}, invalid("key", domain.CodeReadOnly, "the key names the template; send it unchanged or leave it out")
	}
	if t.Version < 1 {
		return domain.Template{}, invalid("version", domain.CodeRequired, "send the version you read")
	}
	cur, err := s.st.GetTemplate(ctx, key)
	if err != nil {
		return domain.Template{}, err
	}
	t.Key, t.BuiltIn, t.CreatedAt = key, false, cur.CreatedAt
	t.Normalize()
	if err := t.Validate(); err != nil {
		return domain.Template{}, err
	}
	if err := s.st.UpdateTemplate(ctx, &t); err != nil {
		return domain.Template{}, err
	}
	s.audit(ctx, a.UserID, "template.update", "template:"+key, map[string]string{"version": fmt.Sprint(t.Version)})
	return t, nil
}

// RetireTemplate retires a custom template: it is no longer offered for
// new RCAs; RCAs made from it keep their sections. Retiring a retired
// template changes nothing.
func (s *Service) RetireTemplate(ctx context.Context, a policy.Actor, key string) (domain.Template, error) {
	if err := policy.Can(a, policy.TemplateManage, nil); err != nil {
		return domain.Template{}, err
	}
	if _, ok := domain.BuiltinTemplate(key); ok {
		return domain.Template{}, errBuiltInTemplate
	}
	var t domain.Template
	err := RetryConflict(func() error {
		var err error
		if t, err = s.st.GetTemplate(ctx, key); err != nil || t.Retired {
			return err
		}
		t.Retired = true
		return s.st.UpdateTemplate(ctx, &t)
	})
	if err != nil {
		return domain.Template{}, err
	}
	s.audit(ctx, a.UserID, "template.retire", "template:"+key, nil)
	return t, nil
}

// TemplateExport is the portable JSON form of a template, for sharing.
type TemplateExport struct {
	Format   string          `json:"format"`
	Template domain.Template `json:"template"`
}

// TemplateExportFormat names the export format and its version.
const TemplateExportFormat = "hindsight-template/1"

// ExportTemplate answers a template, built-in or custom, without its
// installation-specific members (version, times, retired), ready for
// ImportTemplate elsewhere.
func (s *Service) ExportTemplate(ctx context.Context, a policy.Actor, key string) (TemplateExport, error) {
	t, err := s.Template(ctx, a, key)
	if err != nil {
		return TemplateExport{}, err
	}
	t.Version, t.Retired, t.BuiltIn = 0, false, false
	t.CreatedAt, t.UpdatedAt = timeZero, timeZero
	return TemplateExport{Format: TemplateExportFormat, Template: t}, nil
}

// ImportTemplateExport checks the export's format and imports its template.
func (s *Service) ImportTemplateExport(ctx context.Context, a policy.Actor, doc TemplateExport) (domain.Template, error) {
	if err := policy.Can(a, policy.TemplateManage, nil); err != nil {
		return domain.Template{}, err
	}
	if doc.Format != TemplateExportFormat {
		return domain.Template{}, invalid("format", domain.CodeUnknownEnum, "want "+TemplateExportFormat)
	}
	return s.ImportTemplate(ctx, a, doc.Template)
}
