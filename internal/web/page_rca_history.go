package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/linediff"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

type revisionRow struct {
	Version      int64
	Author, Note string
	At           time.Time
}

type historyPage struct {
	PageData
	RCA        domain.RCA
	Revisions  []revisionRow
	CanRestore bool
}

// rcaHistory lists the revisions, newest first, to compare or restore.
func (p *pages) rcaHistory(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := p.s.app.GetRCA(ctx, actorOf(c), c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	revs, err := p.s.app.Revisions(ctx, actorOf(c), r.ID)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	names := p.userNames(c)
	d := historyPage{PageData: p.base(c, ""), RCA: r,
		CanRestore: policy.Can(actorOf(c), policy.RCARestore, &r) == nil && r.Editable()}
	for _, rv := range revs {
		d.Revisions = append(d.Revisions, revisionRow{Version: rv.Version, Author: nameOf(rv.Author, names), Note: revisionNote(p.localeOf(c), r, rv.Note), At: rv.At})
	}
	p.render(c, http.StatusOK, "rca_history", d)
}

type diffPage struct {
	PageData
	RCA      domain.RCA
	From, To int64
	Hunks    []linediff.Hunk
	// collab: the sections that changed, word by word, with who changed
	// them, and who changed anything else.
	Sections []sectionDiff
	By       []string
}

// rcaDiff shows a line diff between two revisions (?from=&to=), each in the
// edition the reader may read.
func (p *pages) rcaDiff(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	from, err1 := strconv.ParseInt(c.Query("from"), 10, 64)
	to, err2 := strconv.ParseInt(c.Query("to"), 10, 64)
	if err1 != nil || err2 != nil {
		p.s.respondError(c, http.StatusBadRequest, codeBadRequest, "")
		return
	}
	if from > to {
		from, to = to, from
	}
	a, err := p.s.app.Revision(ctx, actorOf(c), id, from)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	b, err := p.s.app.Revision(ctx, actorOf(c), id, to)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	d := diffPage{PageData: p.base(c, ""), RCA: b.Snapshot, From: from, To: to,
		Hunks: linediff.Hunks(linediff.Diff(rcaText(a.Snapshot), rcaText(b.Snapshot)), 3)}
	revs, _ := p.s.app.Revisions(ctx, actorOf(c), id) // without them the diffs name nobody
	loc := p.localeOf(c)
	tpl, _ := domain.BuiltinTemplate(b.Snapshot.Template)
	d.Sections, d.By = sectionDiffs(a.Snapshot, b.Snapshot, revs, from, to, p.userNames(c),
		func(s domain.Section) string { return templateText(loc, tpl, s.Key, "title", s.Title) })
	p.render(c, http.StatusOK, "rca_diff", d)
}

// rcaText is a plain-text rendering of an RCA for diffs: every fact,
// section, timeline entry and action item on lines of its own.
func rcaText(r domain.RCA) string {
	var b strings.Builder
	line := func(parts ...string) { b.WriteString(strings.Join(parts, "")); b.WriteByte('\n') }
	line("# ", r.Title)
	if r.IncidentDate != nil {
		line("incident date: ", r.IncidentDate.String())
	}
	if r.DurationOverride != "" {
		line("duration: ", r.DurationOverride)
	}
	if r.Severity != "" {
		line("severity: ", string(r.Severity))
	}
	line("affected services: ", strings.Join(r.AffectedServices, ", "))
	line("tags: ", strings.Join(r.Tags, ", "))
	ids := append([]string(nil), r.IncidentIDs...)
	sort.Strings(ids)
	line("incidents: ", strings.Join(ids, ", "))
	for _, s := range r.Sections {
		line("")
		line("## ", s.Title, " (", string(s.Visibility), ")")
		if s.Body != "" {
			line(s.Body)
		}
	}
	line("")
	line("## timeline")
	for _, e := range r.Timeline {
		line("- ", e.At.UTC().Format(time.RFC3339), " [", string(e.Kind), ", ", string(e.Visibility), "] ", strings.ReplaceAll(e.Text, "\n", " "))
	}
	line("")
	line("## action items")
	for _, a := range r.ActionItems {
		due := ""
		if a.Due != nil {
			due = a.Due.String()
		}
		line("- ", a.Title, " | owner: ", a.Owner, " | due: ", due, " | ", string(a.State), " | ", a.TrackerURL, " | ", string(a.Visibility))
	}
	return b.String()
}

// rcaRestore makes an old revision's content current again (as a new
// version; the state, review history, links and team stay as they are).
func (p *pages) rcaRestore(c *gin.Context) {
	id := c.Param("id")
	v, err := strconv.ParseInt(c.Param("version"), 10, 64)
	if err != nil {
		p.s.respondError(c, http.StatusBadRequest, codeBadRequest, "")
		return
	}
	if _, err := p.s.app.Restore(c.Request.Context(), actorOf(c), id, v); err != nil {
		p.editFailed(c, id, err, editState{})
		return
	}
	p.setFlash(c, "ok", "ui.flash.restored")
	redirect(c, "/rcas/"+id+"/history")
}
