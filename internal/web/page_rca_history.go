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
	r, err := p.s.store.GetRCA(ctx, c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	revs, err := p.s.store.ListRevisions(ctx, r.ID)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	names := p.userNames(c)
	u, _ := currentUser(c)
	d := historyPage{PageData: p.base(c, ""), RCA: r, CanRestore: u.Role.Allows(domain.RoleAuthor) && r.Editable()}
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
}

// rcaDiff shows a line diff between two revisions (?from=&to=).
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
	a, err := p.s.store.GetRevision(ctx, id, from)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	b, err := p.s.store.GetRevision(ctx, id, to)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	d := diffPage{PageData: p.base(c, ""), RCA: b.Snapshot, From: from, To: to,
		Hunks: linediff.Hunks(linediff.Diff(rcaText(a.Snapshot), rcaText(b.Snapshot)), 3)}
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
// version; the state and review history stay as they are).
func (p *pages) rcaRestore(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	v, err := strconv.ParseInt(c.Param("version"), 10, 64)
	if err != nil {
		p.s.respondError(c, http.StatusBadRequest, codeBadRequest, "")
		return
	}
	rev, err := p.s.store.GetRevision(ctx, id, v)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	_, err = p.mutateRCA(c, id, "restored "+strconv.FormatInt(v, 10), func(r *domain.RCA) error {
		restoreContent(r, rev.Snapshot)
		return nil
	})
	if err != nil {
		p.editFailed(c, id, err, editState{})
		return
	}
	p.setFlash(c, "ok", "ui.flash.restored")
	redirect(c, "/rcas/"+id+"/history")
}

// restoreContent copies old's content into r, keeping r's identity, state,
// review history; sections whose text changes get a new revision, so an
// editor still open on the old text meets a conflict instead of overwriting.
func restoreContent(r *domain.RCA, old domain.RCA) {
	r.Title, r.IncidentIDs, r.IncidentDate, r.DurationOverride = old.Title, old.IncidentIDs, old.IncidentDate, old.DurationOverride
	r.AffectedServices, r.Severity, r.Tags, r.Translations = old.AffectedServices, old.Severity, old.Tags, old.Translations
	r.Timeline, r.ActionItems = old.Timeline, old.ActionItems
	prev := domain.RCA{Sections: r.Sections}
	r.Sections = make([]domain.Section, len(old.Sections))
	copy(r.Sections, old.Sections)
	r.BumpChangedSections(&prev)
}
