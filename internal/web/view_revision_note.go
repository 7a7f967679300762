package web

import (
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// revisionNote words a revision's stored note ("section summary",
// "timeline add", "state approved", "restored 3") in the reader's language
// (area "ui"); a note it does not know, such as an API caller's own, is
// shown as written.
func revisionNote(loc *uiLocale, r domain.RCA, note string) string {
	verb, rest, _ := strings.Cut(note, " ")
	switch verb {
	case "section":
		title := rest
		if s := r.Section(rest); s != nil {
			tpl, _ := domain.BuiltinTemplate(r.Template)
			title = templateText(loc, tpl, s.Key, "title", s.Title)
		}
		return loc.T("ui.history.note.section", "Value", title)
	case "restored":
		return loc.T("ui.history.note.restored", "Value", rest)
	case "state":
		return loc.T("ui.history.note.state", "Value", loc.Enum("rca_state", rest))
	}
	key := "ui.history.note." + strings.ReplaceAll(note, " ", "_")
	if got := loc.T(key); got != key {
		return got
	}
	return note
}
