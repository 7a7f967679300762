package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// auditActions are offered as suggestions in the action filter; any prefix
// of lowercase letters, dots and underscores is accepted.
var auditActions = []string{
	"user.", "user.signin", "user.signin_failed", "user.signout", "user.create", "user.update", "user.password",
	"token.", "token.create", "token.use", "token.revoke",
	"rca.", "rca.create", "rca.state", "rca.export", "rca.publish", "rca.unpublish", "rca.restore", "rca.delete",
	"incident.", "incident.create", "incident.update", "incident.delete", "target.", "import.",
}

var auditActionRe = regexp.MustCompile(`^[a-z_.]{1,64}$`)

// auditFilterForm is the filter as the admin typed it.
type auditFilterForm struct {
	Actor, Action, Since string
}

// auditRow is one event as shown.
type auditRow struct {
	At        time.Time
	Actor     string // display name, or "—" for anonymous
	ActorID   string
	Action    string
	Label     string // area "ui": the action in the reader's language, when known
	Target    string
	TargetURL string // a page about the target, when there is one
	IP        string
	Detail    string
}

type auditPage struct {
	PageData
	Filter   auditFilterForm
	Users    []domain.User
	Actions  []string
	Rows     []auditRow
	Pager    pager
	Problems []domain.Problem
}

// auditList shows the audit log to admins, newest first, filtered by actor,
// action prefix and a first day (in the admin's time zone), 25 a page.
func (p *pages) auditList(c *gin.Context) {
	ctx := c.Request.Context()
	offset, _ := strconv.Atoi(c.Query("offset"))
	offset = max(offset, 0)
	loc := p.localeOf(c)
	d := auditPage{PageData: p.base(c, "audit"), Actions: auditActions, Filter: auditFilterForm{
		Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")), Since: strings.TrimSpace(c.Query("since"))}}
	f := store.AuditFilter{Actor: d.Filter.Actor, Action: d.Filter.Action, Page: store.Page{Limit: pageSize, Offset: offset}}
	var ps formProblems
	if f.Action != "" && !auditActionRe.MatchString(f.Action) {
		ps.add("action", domain.CodeInvalid)
	}
	if d.Filter.Since != "" {
		day, err := time.ParseInLocation("2006-01-02", d.Filter.Since, loc.zone)
		if err != nil {
			ps.add("since", domain.CodeInvalid)
		} else {
			utc := day.UTC()
			f.Since = &utc
		}
	}
	users, err := p.s.store.ListUsers(ctx)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	d.Users = users
	if len(ps) > 0 {
		d.Problems = ps
		d.Pager = newPager(c.Request.URL, 0, 0, 0)
		p.render(c, statusInvalid, "audit", d)
		return
	}
	events, total, err := p.s.store.ListAudit(ctx, f)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	names := map[string]string{}
	for _, u := range users {
		names[u.ID] = u.DisplayName()
	}
	targets := auditTargetNames(ctx, p.s.app, names)
	for _, ev := range events {
		d.Rows = append(d.Rows, auditRow{At: ev.At, Actor: nameOf(ev.Actor, names), ActorID: ev.Actor,
			Action: ev.Action, Label: auditLabel(p.localeOf(c), ev.Action), Target: targets(ev.Target), TargetURL: auditTargetURL(ev.Target), IP: ev.IP, Detail: auditDetail(ev.Detail)})
	}
	d.Pager = newPager(c.Request.URL, offset, len(events), total)
	p.render(c, http.StatusOK, "audit", d)
}

// auditTargetURL links a target to its page: "rca:ID" to the RCA, and so on.
func auditTargetURL(target string) string {
	kind, id, ok := strings.Cut(target, ":")
	if !ok || id == "" || strings.ContainsAny(id, "/?#") {
		return ""
	}
	switch kind {
	case "rca":
		return "/rcas/" + id
	case "incident":
		return "/incidents/" + id
	case "user":
		return "/admin/users"
	}
	return ""
}

// auditDetail renders an event's detail as "key: value" pairs in key order.
func auditDetail(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + m[k]
	}
	return strings.Join(parts, "; ")
}

// auditLabel words an audit action ("rca.publish") for the reader, or ""
// when the catalog has no words for it (area "ui").
func auditLabel(loc *uiLocale, action string) string {
	key := "ui.audit.label." + strings.ReplaceAll(action, ".", "_")
	if got := loc.T(key); got != key {
		return got
	}
	return ""
}
