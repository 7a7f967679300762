package report

import (
	"errors"
	"net/url"
	"sort"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// ExportParams are the parameters an export request may carry (API query,
// page preview query, CLI flags). Anything else is an error, so a typo or
// an option this version lacks never goes unnoticed.
var ExportParams = append([]string{"format", "lang", "tz", "audience", "paper"},
	HeaderParams...) // partner header (metrics area, facts.go)

// ExportRequest is a checked export request.
type ExportRequest struct {
	Format string // "pdf", "html" or "md"
	// Options carry the language tag (empty: the RCA's own), time zone,
	// audience and paper; Now and Branding are the caller's to set.
	Options Options
}

// ExportDefaults fill parameters a request leaves out.
type ExportDefaults struct {
	Format   string // empty: pdf
	TimeZone string // empty: UTC
}

// ParseOptions checks an export's parameters: format (pdf, html, md),
// lang (any BCP 47 tag whose language has a catalog: en-GB, de-AT, pt-BR),
// tz (an IANA name), audience (external, internal) and paper (a4, letter;
// empty: the language's usual paper). Each bad, repeated or unknown
// parameter is a problem of the *domain.ValidationError it returns, with
// the parameter as its field. Whether the caller may read the audience is
// the policy's call, not this function's.
func ParseOptions(cat *i18n.Catalog, params url.Values, def ExportDefaults) (ExportRequest, error) {
	var ps []domain.Problem
	known := map[string]bool{}
	for _, k := range ExportParams {
		known[k] = true
	}
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch {
		case !known[k]:
			ps = append(ps, domain.Problem{Field: k, Code: domain.CodeInvalid, Detail: "unknown export parameter; use " + strings.Join(ExportParams, ", ")})
		case len(params[k]) > 1:
			ps = append(ps, domain.Problem{Field: k, Code: domain.CodeInvalid, Detail: "given more than once"})
		}
	}
	get := func(k, dflt string) string {
		v := strings.TrimSpace(params.Get(k))
		if v == "" {
			return dflt
		}
		return v
	}
	format := get("format", def.Format)
	if format == "" {
		format = "pdf"
	}
	format = strings.ToLower(format)
	req := ExportRequest{Format: format}
	if !ValidFormat(format) {
		ps = append(ps, domain.Problem{Field: "format", Code: domain.CodeUnknownEnum, Detail: "use " + strings.Join(Formats, ", ")})
	}
	if lang := get("lang", ""); lang != "" {
		tag, _, err := cat.ParseTag(lang)
		if err != nil {
			ps = append(ps, domain.Problem{Field: "lang", Code: domain.CodeUnknownEnum, Detail: "use a BCP 47 tag of " + cat.SupportedTags()})
		}
		req.Options.Lang = tag
	}
	tz := get("tz", def.TimeZone)
	if tz != "" {
		if _, err := domain.LoadZone(tz); err != nil { // hygiene: the one zone check
			ps = append(ps, domain.Problem{Field: "tz", Code: domain.CodeInvalid, Detail: "not an IANA time zone name or an offset such as UTC+1"})
		}
	}
	req.Options.TimeZone = tz
	req.Options.Audience = Audience(strings.ToLower(get("audience", string(External))))
	if !req.Options.Audience.Valid() {
		ps = append(ps, domain.Problem{Field: "audience", Code: domain.CodeUnknownEnum, Detail: "use external or internal"})
	}
	req.Options.Paper = Paper(strings.ToLower(get("paper", "")))
	if !req.Options.Paper.Valid() {
		ps = append(ps, domain.Problem{Field: "paper", Code: domain.CodeUnknownEnum, Detail: "use a4 or letter"})
	}
	// Partner header parameters (metrics area).
	header, err := ParseHeader(func(name string) (string, bool) {
		v, ok := params[name]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	})
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		ps = append(ps, ve.Problems...)
	}
	req.Options.Header = header
	if len(ps) > 0 {
		return req, &domain.ValidationError{Problems: ps}
	}
	return req, nil
}
