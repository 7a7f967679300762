package web

// Routes of area "actions" (issue 14): action items across RCAs, tracker
// hooks, the /action-items page.

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/remind"
	"github.com/hindsight-rca/hindsight/internal/tracker"
)

// registerActions adds the action-item API and the tracker hooks.
func (s *Server) registerActions(api *gin.RouterGroup) {
	s.handle(api, "GET", "/action-items", policy.RCAList, s.apiActionItemList)
	s.handle(api, "GET", "/action-owners", policy.RCAList, s.apiActionOwners)
	s.handle(api, "POST", "/rcas/:id/action-items/:aid/state", policy.RCAEdit, s.apiActionItemState)

	// Tracker hooks: admins configure them (secrets write-only); trackers
	// call the hook with their own signature, no session or token.
	s.handle(api, "GET", "/tracker-hooks", policy.TargetManage, s.apiTrackerHookList)
	s.handle(api, "POST", "/tracker-hooks", policy.TargetManage, s.apiTrackerHookCreate)
	s.handle(api, "PUT", "/tracker-hooks/:name", policy.TargetManage, s.apiTrackerHookUpdate)
	s.handle(api, "DELETE", "/tracker-hooks/:name", policy.TargetManage, s.apiTrackerHookDelete)
	s.handle(api, "POST", "/hooks/tracker/:target", policy.Public, s.apiTrackerHook)
	s.setBodyLimit(http.MethodPost, "/api/v1/hooks/tracker/:target", tracker.MaxBody)
	s.document(actionOps()...)
}

// registerActionPages adds the /action-items page and its form.
func (p *pages) registerActionPages(ui *gin.RouterGroup) {
	p.s.handle(ui, "GET", "/action-items", policy.RCAList, p.actionItemList)
	p.s.handle(ui, "POST", "/action-items/state", policy.RCAEdit, p.actionItemState)
}

func actionOps() []apiOp {
	q := []queryParam{
		{Name: "state", Type: "string", Description: "open, in_progress, done or wont_do; comma-separated or repeated"},
		{Name: "overdue", Type: "boolean", Description: "open or in progress and due before today (the organisation's time zone)"},
		{Name: "owner", Type: "string", Description: "a user id (owner_id), \"me\", or an owner's name as written for people outside Hindsight"},
		{Name: "rca", Type: "string", Description: "one RCA's id"},
		{Name: "sort", Type: "string", Description: "due (default), -due or title"},
		{Name: "limit", Type: "integer", Description: "page size, default 50, at most 500"},
		cursorQuery,
	}
	hook := map[string]any{"name": "github", "kind": "github", "secret": "write-only", "version": 1}
	return []apiOp{
		{Method: "GET", Path: "/action-items", Tag: "action-items", Role: domain.RoleViewer, Query: q,
			Summary:  "Action items of every RCA the caller may read (viewers: external items), keyset paged; bad parameters are 400 naming them",
			Response: app.ActionItemList{}},
		{Method: "GET", Path: "/action-owners", Tag: "action-items", Role: domain.RoleViewer,
			Summary: "Users an action item may be given to (owner_id)", Response: map[string]any{"items": []ownerView{}}},
		{Method: "POST", Path: "/rcas/{id}/action-items/{aid}/state", Tag: "action-items", Role: domain.RoleAuthor,
			Summary: "Move one action item to a state (also on approved or published RCAs); done sets done_at",
			Request: actionStateInput{}, Response: map[string]any{"rca_id": "", "version": 0, "item": domain.ActionItem{}}},
		{Method: "GET", Path: "/tracker-hooks", Tag: "action-items", Role: domain.RoleAdmin,
			Summary: "Tracker hooks (secrets never answered)", Response: map[string]any{"items": []domain.TrackerHook{}}},
		{Method: "POST", Path: "/tracker-hooks", Tag: "action-items", Role: domain.RoleAdmin, Status: http.StatusCreated,
			Summary: "Add a tracker hook {name, kind: github|gitlab|jira, secret}", Request: hook, Response: domain.TrackerHook{}},
		{Method: "PUT", Path: "/tracker-hooks/{name}", Tag: "action-items", Role: domain.RoleAdmin,
			Summary: "Change a hook's kind or secret (empty keeps it); names the version read (stale: 409)", Request: hook, Response: domain.TrackerHook{}},
		{Method: "DELETE", Path: "/tracker-hooks/{name}", Tag: "action-items", Role: domain.RoleAdmin, Status: http.StatusNoContent,
			Summary: "Remove a tracker hook"},
		{Method: "POST", Path: "/hooks/tracker/{target}", Tag: "action-items",
			Summary: "A tracker's issue-closed delivery (GitHub X-Hub-Signature-256, GitLab X-Gitlab-Token, Jira X-Hub-Signature); " +
				"marks the items whose tracker_url is the issue done. 401 bad signature, 409 a delivery id seen before, 413 over 1 MiB",
			Request: map[string]any{}, Response: app.HookResult{}},
	}
}

func init() { bodyless["DELETE /api/v1/tracker-hooks/:name"] = true } // hygiene rule for the route above

// RunReminders sends the daily overdue digests (internal/remind) until ctx
// ends, checking every interval (15 minutes when zero). Without an SMTP
// relay it does nothing and returns nil at once.
func (s *Server) RunReminders(ctx context.Context, every time.Duration) error {
	if !mail.Enabled(s.cfg.Mail) {
		return nil
	}
	d, err := remind.New(remind.Config{Store: s.store, Catalog: s.catalog, Sender: s.cfg.Mail, BaseURL: s.cfg.BaseURL,
		Zone: s.orgZone(), Lang: s.cfg.DefaultLanguage, Now: s.now, Log: s.log})
	if err != nil {
		return err
	}
	err = d.Run(ctx, every)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
