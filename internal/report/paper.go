package report

import (
	"golang.org/x/text/language"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// Paper is a PDF page size.
type Paper string

// Page sizes.
const (
	A4     Paper = "a4"
	Letter Paper = "letter"
)

// Papers lists the page sizes an export accepts.
var Papers = []Paper{A4, Letter}

// Valid reports whether p is empty (the locale's default) or a known size.
func (p Paper) Valid() bool { return p == "" || p == A4 || p == Letter }

// letterRegions use US Letter paper (CLDR's measurement data); everyone
// else uses A4.
var letterRegions = map[string]bool{
	"US": true, "CA": true, "MX": true, "PR": true, "CL": true, "CO": true, "CR": true, "GT": true,
	"PA": true, "PH": true, "SV": true, "VE": true, "BZ": true, "DO": true, "NI": true, "UM": true, "VI": true,
}

// DefaultPaper is the usual paper for a BCP 47 tag: Letter where its
// region uses it ("en-US", "en-CA", "es-MX"), A4 elsewhere and for a tag
// without a region ("en", "es": the language says nothing of the paper).
func DefaultPaper(tag string) Paper {
	t, err := language.Parse(tag)
	if err != nil {
		return A4
	}
	if reg, conf := t.Region(); conf == language.Exact && letterRegions[reg.String()] {
		return Letter
	}
	return A4
}

func (p Paper) orDefault(tag string) Paper {
	if p != "" {
		return p
	}
	return DefaultPaper(tag)
}

// size is the page size in millimetres.
func (p Paper) size() (w, h float64) {
	if p == Letter {
		return 215.9, 279.4
	}
	return 210, 297
}

// draftNotice says a report is not approved yet, naming its state unless
// that would repeat the notice's own first word ("Draft: … (Draft)").
func draftNotice(l *i18n.Localizer, state domain.RCAState) string {
	if state == domain.StateDraft || state == "" {
		return l.T("report.draft_notice_plain")
	}
	return l.T("report.draft_notice", map[string]any{"State": l.T("enum.rca_state." + string(state))})
}
