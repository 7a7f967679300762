package app

import (
	"bytes"
	"context"
	"errors"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/export"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// ExportRequest says which report of an RCA to make. The caller has
// checked the values' shape (format, language, time zone, audience).
type ExportRequest struct {
	Format   string          // pdf, html or md
	Lang     string          // a catalog language; empty: the RCA's own
	TimeZone string          // IANA name
	Audience report.Audience // external or internal (authors and above only)
	Paper    report.Paper    // the PDF's paper; zero: the report's default
	Header   report.Header   // the partner header's facts (metrics area)
	Branding *report.Branding
	Via      string // the audit log's "via" (e.g. "preview"); empty: none
}

// Exported is a rendered report.
type Exported struct {
	RCA         domain.RCA
	Body        []byte
	ContentType string
	FileName    string
	// Images are the pictures the report shows (images area): a Markdown
	// export names them by Image.FileName(), to be written next to it.
	Images []report.Image
}

// ExportRCA renders one RCA (by id or slug) as a report file. The internal
// audience is for authors and above (a *policy.Denied otherwise).
func (s *Service) ExportRCA(ctx context.Context, a policy.Actor, idOrSlug string, in ExportRequest) (Exported, error) {
	if err := policy.Can(a, policy.RCAExport, nil); err != nil {
		return Exported{}, err
	}
	if in.Audience == report.Internal {
		if err := policy.Can(a, policy.RCAExportInternal, nil); err != nil {
			return Exported{}, err
		}
	}
	r, err := s.st.GetRCA(ctx, idOrSlug)
	if errors.Is(err, store.ErrNotFound) {
		r, err = s.st.GetRCABySlug(ctx, idOrSlug)
	}
	if err != nil {
		return Exported{}, err
	}
	return s.ExportLoaded(ctx, a, r, in)
}

// ExportLoaded renders an RCA already read (the command line exports many).
func (s *Service) ExportLoaded(ctx context.Context, a policy.Actor, r domain.RCA, in ExportRequest) (Exported, error) {
	act := policy.RCAExport
	if in.Audience == report.Internal {
		act = policy.RCAExportInternal
	}
	if err := policy.Can(a, act, &r); err != nil {
		return Exported{}, err
	}
	if policy.Audience(a, &r) == domain.AudienceExternal && in.Audience != report.External {
		in.Audience = report.External
	}
	if in.Lang == "" {
		in.Lang = r.Language // its regional formats too, when it has a region
		if _, _, err := s.cfg.Catalog.ParseTag(in.Lang); err != nil {
			in.Lang = s.cfg.Catalog.Match(r.Language)
		}
	}
	loaded, err := export.Load(ctx, s.st, r, in.Audience)
	if err != nil {
		return Exported{}, err
	}
	br := s.cfg.Branding
	if in.Branding != nil {
		br = *in.Branding
	}
	// tmpl area: a custom template's rules and header; its factors.
	tpl, err := s.TemplateOf(ctx, r.Template)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Exported{}, err
	}
	var custom *domain.Template
	if err == nil && !tpl.BuiltIn {
		custom = &tpl
	}
	factors, err := s.reportFactors(ctx, r, tpl, in)
	if err != nil {
		return Exported{}, err
	}
	// report2 area: the organisation's header defaults (a custom template's
	// own defaults come with Template and win over them).
	org, err := s.orgHeader(ctx)
	if err != nil {
		return Exported{}, err
	}
	rep, err := report.Build(r, loaded.Incidents, loaded.Components, loaded.Authors, s.cfg.Catalog, report.Options{
		Lang: in.Lang, TimeZone: in.TimeZone, Audience: in.Audience, Paper: in.Paper, Header: in.Header, Now: s.now(), Branding: br,
		Factors: factors, Template: custom, OrgHeader: org.HeaderDefaults,
	})
	if err != nil {
		return Exported{}, err
	}
	if rep.Images, err = s.reportImages(ctx, r.ID, rep.ImageIDs()); err != nil { // images
		return Exported{}, err
	}
	var buf bytes.Buffer
	ct, err := report.Render(&buf, rep, in.Format)
	if err != nil {
		return Exported{}, err
	}
	detail := map[string]string{"format": in.Format, "lang": in.Lang, "audience": string(in.Audience)}
	if in.Via != "" {
		detail["via"] = in.Via
	}
	s.audit(ctx, a.UserID, "rca.export", "rca:"+r.ID, detail)
	return Exported{RCA: r, Body: buf.Bytes(), ContentType: ct, FileName: report.FileName(rep, in.Format), Images: sortedImages(rep.Images)}, nil
}

// reportFactors names the RCA's contributing factors in the report's
// language when its template shows them (show_factors) and the edition is
// internal; external editions never get them (tmpl area, issue 14).
func (s *Service) reportFactors(ctx context.Context, r domain.RCA, tpl domain.Template, in ExportRequest) ([]report.FactorLine, error) {
	if in.Audience != report.Internal || len(r.ContributingFactors) == 0 || !tpl.ShowFactors {
		return nil, nil
	}
	all, err := s.taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]domain.Factor, len(all))
	for _, f := range all {
		byKey[f.Key] = f
	}
	out := make([]report.FactorLine, 0, len(r.ContributingFactors))
	for _, k := range r.ContributingFactors {
		f, ok := byKey[k]
		if !ok {
			out = append(out, report.FactorLine{Name: k})
			continue
		}
		name, desc := f.Localized(in.Lang)
		out = append(out, report.FactorLine{Name: name, Description: desc})
	}
	return out, nil
}
