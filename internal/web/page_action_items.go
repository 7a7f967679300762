package web

// The /action-items page (area "actions", issue 14): the action items of
// every RCA the user may read, filtered and sorted like the API list, with
// a button that marks an item done.

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

type actionItemsFilter struct {
	State, Owner, Sort string
	Overdue            bool
}

type actionItemsPage struct {
	PageData
	Filter   actionItemsFilter
	States   []domain.ActionState
	Owners   []ownerView
	Rows     []app.ActionItemView
	Next     string // the next page's address, or ""
	Back     string // this page's query, for the mark-done form
	SortURLs map[string]string
	CanEdit  bool
	Problems []domain.Problem
}

// actionItemList renders the list with the filters of the query.
func (p *pages) actionItemList(c *gin.Context) {
	ctx := c.Request.Context()
	query := c.Request.URL.Query()
	query.Del("lang") // the language switch is the page's, not the list's
	f := actionItemsFilter{State: query.Get("state"), Owner: query.Get("owner"), Sort: query.Get("sort"),
		Overdue: query.Get("overdue") == "true"}
	status := http.StatusOK
	var problems []domain.Problem
	q, err := p.s.parseActionQuery(c, query)
	var he *httpError
	if errors.As(err, &he) {
		status = http.StatusBadRequest
		for _, name := range he.Extra["fields"].([]string) {
			problems = append(problems, domain.Problem{Field: name, Code: domain.CodeInvalid})
		}
		q = app.ActionItemQuery{Zone: p.s.orgZone()}
		f = actionItemsFilter{}
	}
	list, err := p.s.app.ListActionItems(ctx, actorOf(c), q)
	if errors.Is(err, store.ErrBadCursor) {
		status, problems = http.StatusBadRequest, append(problems, domain.Problem{Field: "cursor", Code: domain.CodeInvalid})
		q.Cursor = ""
		list, err = p.s.app.ListActionItems(ctx, actorOf(c), q)
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	owners := p.actionOwnerViews(c)
	withParam := func(name, value string) string {
		v := url.Values{}
		for k, vs := range query {
			v[k] = vs
		}
		v.Del("cursor")
		if value == "" {
			v.Del(name)
		} else {
			v.Set(name, value)
		}
		if enc := v.Encode(); enc != "" {
			return "/action-items?" + enc
		}
		return "/action-items"
	}
	page := actionItemsPage{PageData: p.base(c, "action_items"), Filter: f, States: domain.ActionStates, Owners: owners,
		Rows: list.Items, Back: query.Encode(), CanEdit: mustUser(c).Role.Allows(domain.RoleAuthor), Problems: problems,
		SortURLs: map[string]string{"due": withParam("sort", ""), "-due": withParam("sort", "-due"), "title": withParam("sort", "title")}}
	if list.Next != "" {
		v := url.Values{}
		for k, vs := range query {
			v[k] = vs
		}
		v.Set("cursor", list.Next)
		page.Next = "/action-items?" + v.Encode()
	}
	p.render(c, status, "action_items", page)
}

// actionItemState marks one item of the list (form: rca, item, state,
// back) and returns to the list as it was filtered.
func (p *pages) actionItemState(c *gin.Context) {
	_, err := p.s.app.SetActionState(c.Request.Context(), actorOf(c), c.PostForm("rca"), c.PostForm("item"),
		domain.ActionState(c.PostForm("state")))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	to := "/action-items"
	if back := c.PostForm("back"); back != "" && !strings.ContainsAny(back, "/\\#") {
		if _, err := url.ParseQuery(back); err == nil {
			to += "?" + back
		}
	}
	redirect(c, to)
}

// actionOwners lists the owner picker's users (empty when they cannot be
// read: the text field still works).
func (p *pages) actionOwnerViews(c *gin.Context) []ownerView {
	users, err := p.s.app.ActionOwners(c.Request.Context(), actorOf(c))
	if err != nil {
		p.s.log.Warn("list action owners", "err", err)
		return nil
	}
	out := make([]ownerView, 0, len(users))
	for _, u := range users {
		out = append(out, ownerView{ID: u.ID, Name: u.DisplayName()})
	}
	return out
}
