package report

import (
	"bytes"
	"io"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Formats lists the export formats Render understands.
var Formats = []string{"pdf", "html", "md"}

// ContentType returns the MIME type of format, or "" for an unknown one.
func ContentType(format string) string {
	switch format {
	case "md":
		return "text/markdown; charset=utf-8"
	case "html":
		return "text/html; charset=utf-8"
	case "pdf":
		return "application/pdf"
	}
	return ""
}

// ValidFormat reports whether format is one Render understands.
func ValidFormat(format string) bool { return ContentType(format) != "" }

// Render writes rep in format ("md", "html" or "pdf") to w and returns the
// content type. The whole document is rendered before the first byte is
// written, so a failure never leaves half a file behind.
func Render(w io.Writer, rep Report, format string) (contentType string, err error) {
	ct := ContentType(format)
	if ct == "" {
		return "", &domain.ValidationError{Problems: []domain.Problem{{Field: "format", Code: domain.CodeUnknownEnum, Detail: "use " + strings.Join(Formats, ", ")}}}
	}
	var buf bytes.Buffer
	switch format {
	case "md":
		err = RenderMarkdown(&buf, rep)
	case "html":
		err = RenderHTML(&buf, rep)
	case "pdf":
		err = RenderPDF(&buf, rep)
	}
	if err != nil {
		return "", err
	}
	if _, err := buf.WriteTo(w); err != nil {
		return "", err
	}
	return ct, nil
}

// FileName names an export: the incident date, the title's slug, the
// language and, for the internal edition, "internal", as in
// "2026-03-09-templates-api-partial-service-disruption-de.pdf".
func FileName(rep Report, format string) string {
	day := rep.Generated
	if rep.IncidentDate != nil {
		day = rep.IncidentDate.In(rep.Location())
	}
	name := day.Format("2006-01-02") + "-" + domain.Slugify(rep.Title) + "-" + strings.ToLower(rep.Lang)
	if rep.Audience == Internal {
		name += "-internal"
	}
	ext := format
	if !ValidFormat(format) {
		ext = "bin"
	}
	return name + "." + ext
}
