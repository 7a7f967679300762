package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Pasting many timeline lines at once (area "ui"): "09:14 Alerts fired" or
// "2024-09-25 13:10 Rolled back", one entry a line, in a zone the author
// picks, shown as a preview before anything is saved.

// pasteLineRe reads an optional date, a time and the text of one line.
var pasteLineRe = regexp.MustCompile(`^\s*(?:(\d{4}-\d{2}-\d{2})[ T]+)?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*(?:UTC|Z))?\s*(?:[-–—:|]\s*)?(.*)$`)

// pasteView is the paste form with its preview.
type pasteView struct {
	Lines, Date, Zone string
	Rows              []pasteRow
	Problems          int
}

// pasteRow is one pasted line as it would be stored.
type pasteRow struct {
	Line          int
	Local, UTC    string
	Text, Problem string
	at            time.Time
}

// Ready reports a preview with entries and no problems.
func (v *pasteView) Ready() bool { return v != nil && len(v.Rows) > 0 && v.Problems == 0 }

// parsePaste turns pasted lines into entries in loc; a line without a date
// takes the last date above it, else day.
func parsePaste(lines, day string, loc *time.Location, t func(string) string) []pasteRow {
	var rows []pasteRow
	date := strings.TrimSpace(day)
	for i, raw := range strings.Split(strings.ReplaceAll(lines, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		row := pasteRow{Line: i + 1, Text: strings.TrimSpace(raw)}
		m := pasteLineRe.FindStringSubmatch(raw)
		switch {
		case m == nil:
			row.Problem = t("ui.paste.no_time")
		case m[1] == "" && date == "":
			row.Problem, row.Text = t("ui.paste.no_date"), strings.TrimSpace(m[5])
		default:
			if m[1] != "" {
				date = m[1]
			}
			row.Text = strings.TrimSpace(m[5])
			sec := m[4]
			if sec == "" {
				sec = "00"
			}
			h, _ := strconv.Atoi(m[2])
			at, err := time.ParseInLocation("2006-01-02 15:04:05", date+" "+pad2(h)+":"+m[3]+":"+sec, loc)
			switch {
			case err != nil:
				row.Problem = t("ui.paste.bad_time")
			case row.Text == "":
				row.Problem = t("ui.paste.no_text")
			case len(row.Text) > domain.MaxTextLen:
				row.Problem = t("error.validation.too_long")
			default:
				row.at = at.UTC()
				row.Local = at.Format("2006-01-02 15:04")
				row.UTC = at.UTC().Format("2006-01-02 15:04") + " UTC"
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// timelinePaste previews pasted lines (do=preview), or adds them all when
// every line reads (do=save); a line that does not shows the preview again.
func (p *pages) timelinePaste(c *gin.Context) {
	id := c.Param("id")
	var ps formProblems
	loc := zoneFromForm(c, p.localeOf(c).zone, &ps)
	tr := func(k string) string { return p.localeOf(c).T(k) }
	v := &pasteView{Lines: c.PostForm("lines"), Date: strings.TrimSpace(c.PostForm("date")), Zone: loc.String()}
	if len(v.Lines) > domain.MaxBodyLen {
		p.s.respondError(c, http.StatusRequestEntityTooLarge, codeTooLarge, "")
		return
	}
	v.Rows = parsePaste(v.Lines, v.Date, loc, tr)
	for _, r := range v.Rows {
		if r.Problem != "" {
			v.Problems++
		}
	}
	if len(v.Rows) == 0 {
		ps.add("lines", domain.CodeRequired)
	}
	st := editState{section: p.ruleSection(c, id, domain.RuleTimeline), paste: v, problemForm: "timeline-paste"}
	keepEntryZone(c, loc)
	if c.PostForm("do") != "save" || !v.Ready() || len(ps) > 0 {
		status := http.StatusOK
		if len(ps) > 0 || (c.PostForm("do") == "save" && !v.Ready()) {
			status = http.StatusUnprocessableEntity
		}
		rc, err := p.loadRCA(c, id)
		if err != nil {
			p.s.pageError(c, err)
			return
		}
		st.problems = ps
		c.Request.URL.RawQuery = "tz=" + loc.String() // show the timeline in the pasted zone
		p.renderEdit(c, status, rc, st)
		return
	}
	r, ok := p.applyEntry(c, id, ps, st, "timeline paste", func(r *domain.RCA) error {
		for _, row := range v.Rows {
			r.Timeline = append(r.Timeline, domain.TimelineEntry{ID: domain.NewID(), At: row.at, Kind: domain.KindNote, Text: row.Text, Visibility: domain.External})
		}
		return nil
	})
	if !ok {
		return
	}
	p.setFlash(c, "ok", "ui.flash.entries_added")
	p.backToRule(c, r, domain.RuleTimeline, "timeline-heading")
}

// pasteDay is the day pasted times without a date fall on: the first
// linked incident's start in the display zone, else none.
func pasteDay(rc *rcaContext, loc *uiLocale) string {
	for _, in := range rc.Incidents {
		if !in.StartedAt.IsZero() {
			return in.StartedAt.In(loc.zone).Format(time.DateOnly)
		}
	}
	return ""
}
