package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth/oidc"
	"github.com/hindsight-rca/hindsight/internal/auth/oidc/oidctest"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

// The authorization matrix: EVERY route registered on the gin engine, called
// by every kind of caller, with the answer class each must get. A route on
// the engine that the table lacks fails the test, and so does a table row
// for a route that no longer exists: whoever adds a route decides here who
// may call it.
//
// Callers: anonymous; a browser session of each role (cookie, CSRF token,
// same-origin); "other", an admin-scope token of a second author who owns
// none of the fixtures; "read" and "write", read- and write-scope tokens of
// the admin (a scope caps what the token may do, whatever its owner's role).
//
// Answer classes: "ok" (the guard let the request through: not 401, not 403,
// not sent to sign-in, not a server error; a 404, 409 or 422 from the
// handler is fine), "401", "403", "404" and "signin" (303 to the sign-in
// page). Every refused request must leave the stored data unchanged.

const (
	expOK     = "ok"
	exp401    = "401"
	exp403    = "403"
	exp404    = "404"
	expSignIn = "signin"
)

var matrixCallers = []string{"anonymous", "viewer", "author", "reviewer", "admin", "other", "read", "write"}

// matrixRow is one route with a concrete request.
type matrixRow struct {
	route  string      // "METHOD /pattern" as on the engine
	path   string      // the concrete path (and query)
	body   any         // JSON for the API, url.Values for pages
	need   domain.Role // "" for public routes
	fresh  bool        // sessions sign in anew for this request (sign-in and sign-out routes)
	except map[string]string
}

// expect is the answer class caller must get on row.
func (r matrixRow) expect(caller string) string {
	if e, ok := r.except[caller]; ok {
		return e
	}
	if r.need == "" {
		return expOK
	}
	method, _, _ := strings.Cut(r.route, " ")
	api := strings.HasPrefix(r.path, "/api/")
	allows := func(role domain.Role) string {
		if role.Allows(r.need) {
			return expOK
		}
		return exp403
	}
	switch caller {
	case "anonymous":
		if api {
			return exp401
		}
		return expSignIn
	case "viewer", "author", "reviewer", "admin":
		return allows(domain.Role(caller))
	case "other":
		return allows(domain.RoleAuthor)
	case "read":
		if (method == "GET" || method == "HEAD") && r.need != domain.RoleAdmin {
			return expOK
		}
		return exp403
	case "write":
		if r.need != domain.RoleAdmin {
			return expOK
		}
		return exp403
	}
	panic("unknown caller " + caller)
}

// matrixFixtures are the records the rows' paths name.
type matrixFixtures struct {
	comp, doomedComp, pageDoomedComp domain.Component
	inc, doomedInc                   domain.Incident
	rca, doomedRCA, inReview, pubRCA domain.RCA
	comment                          domain.Comment
	entryID, actionID                string
	targetID, doomedTargetID         string
	authorTokenID                    string
	bystander                        domain.User
	asset                            string
}

func matrixSetup(t *testing.T, e *env) matrixFixtures {
	t.Helper()
	ctx := context.Background()
	var f matrixFixtures
	f.comp = e.component("Database")
	f.doomedComp = e.component("Old cache")
	f.pageDoomedComp = e.component("Old queue")
	f.inc = e.incident("Slow queries", f.comp.ID)
	f.doomedInc = e.incident("Duplicate report")
	f.rca = e.rca("Slow queries", "standard", f.inc.ID)
	f.doomedRCA = e.rca("Written by mistake", "standard")
	f.inReview = e.rca("Waiting for review", "standard")
	e.must("author", "POST", "/api/v1/rcas/"+f.inReview.ID+"/state", map[string]any{"to": "in_review", "override_reason": "test: an unfinished draft"}, 200, nil)
	_, f.pubRCA = approvedRCA(t, e)
	e.must("author", "POST", "/api/v1/rcas/"+f.rca.ID+"/comments", map[string]any{"body": "Why?"}, 201, &f.comment)

	r, err := e.st.GetRCA(ctx, f.rca.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.entryID, f.actionID = domain.NewID(), domain.NewID()
	r.Timeline = append(r.Timeline, domain.TimelineEntry{ID: f.entryID, At: e.clock.Now().Add(-2 * time.Hour),
		Kind: domain.KindDetected, Text: "Alerts fired.", Visibility: domain.External})
	r.ActionItems = append(r.ActionItems, domain.ActionItem{ID: f.actionID, Title: "Add an index", Owner: "db team",
		State: domain.ActionOpen, Visibility: domain.External})
	if err := e.st.UpdateRCA(ctx, &r, e.users["author"].ID, "matrix fixtures"); err != nil {
		t.Fatal(err)
	}

	var tg struct{ ID string }
	target := map[string]any{"name": "Partner hook", "kind": "webhook", "url": "http://127.0.0.1:9/hook", "secret": hookSecret, "allow_private": true}
	e.must("admin", "POST", "/api/v1/targets", target, 201, &tg)
	f.targetID = tg.ID
	target["name"] = "Retired hook"
	e.must("admin", "POST", "/api/v1/targets", target, 201, &tg)
	f.doomedTargetID = tg.ID

	var made tokenCreated
	e.must("author", "POST", "/api/v1/tokens", map[string]any{"name": "laptop", "scope": "read"}, 201, &made)
	f.authorTokenID = made.Token.ID
	f.bystander = e.addUser("bystander@example.com", domain.RoleViewer)
	f.asset = strings.TrimPrefix(assetPath(t, e, "app", "css"), "/static/")
	return f
}

// matrixRows is the table: one row per route on the engine.
func matrixRows(e *env, f matrixFixtures) []matrixRow {
	const (
		pub      = domain.Role("")
		viewer   = domain.RoleViewer
		author   = domain.RoleAuthor
		reviewer = domain.RoleReviewer
		admin    = domain.RoleAdmin
	)
	rca, inc, comp := f.rca.ID, f.inc.ID, f.comp.ID
	start := e.clock.Now().Add(-time.Hour)
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	signIn := map[string]any{"email": "viewer@example.com", "password": testPassword}
	// Handlers that look at the record decide more than the route guard.
	notMine := map[string]string{"viewer": exp404, "reviewer": exp404, "other": exp404, "write": exp404}
	onlyOwnerOrAdmin := map[string]string{"viewer": exp403, "reviewer": exp403, "other": exp403, "read": exp403, "write": exp403}
	authorRefused := map[string]string{"author": exp403} // by then a reviewer has approved it: others get 409
	// The form of a write is the write's action (policy): a read-scope token
	// does not open it.
	formOfAWrite := map[string]string{"read": exp403}
	return []matrixRow{
		// Operations.
		{route: "GET /healthz", path: "/healthz", need: pub},
		{route: "HEAD /healthz", path: "/healthz", need: pub},
		{route: "GET /readyz", path: "/readyz", need: pub},
		{route: "GET /metrics", path: "/metrics", need: pub},

		// Public status page and its JSON.
		{route: "GET /status", path: "/status", need: pub},
		{route: "HEAD /status", path: "/status", need: pub},
		{route: "GET /status/history", path: "/status/history", need: pub},
		{route: "HEAD /status/history", path: "/status/history", need: pub},
		{route: "GET /status/incidents/:id", path: "/status/incidents/" + inc, need: pub},
		{route: "HEAD /status/incidents/:id", path: "/status/incidents/" + inc, need: pub},
		{route: "GET /status/feed.atom", path: "/status/feed.atom", need: pub},
		{route: "HEAD /status/feed.atom", path: "/status/feed.atom", need: pub},
		{route: "GET /api/v2/summary.json", path: "/api/v2/summary.json", need: pub},
		{route: "HEAD /api/v2/summary.json", path: "/api/v2/summary.json", need: pub},
		{route: "GET /api/v2/status.json", path: "/api/v2/status.json", need: pub},
		{route: "HEAD /api/v2/status.json", path: "/api/v2/status.json", need: pub},
		{route: "GET /api/v2/components.json", path: "/api/v2/components.json", need: pub},
		{route: "HEAD /api/v2/components.json", path: "/api/v2/components.json", need: pub},
		{route: "GET /api/v2/incidents.json", path: "/api/v2/incidents.json", need: pub},
		{route: "HEAD /api/v2/incidents.json", path: "/api/v2/incidents.json", need: pub},
		{route: "GET /api/v2/incidents/unresolved.json", path: "/api/v2/incidents/unresolved.json", need: pub},
		{route: "HEAD /api/v2/incidents/unresolved.json", path: "/api/v2/incidents/unresolved.json", need: pub},
		{route: "GET /static/*file", path: "/static/" + f.asset, need: pub},
		{route: "HEAD /static/*file", path: "/static/" + f.asset, need: pub},

		// API: self-description and sessions.
		{route: "GET /api/v1/openapi.json", path: "/api/v1/openapi.json", need: pub},
		{route: "POST /api/v1/session", path: "/api/v1/session", body: signIn, need: pub, fresh: true},
		{route: "DELETE /api/v1/session", path: "/api/v1/session", need: pub, fresh: true},
		{route: "GET /api/v1/me", path: "/api/v1/me", need: viewer},
		{route: "PUT /api/v1/me", path: "/api/v1/me", body: map[string]any{"time_zone": "Europe/Berlin"}, need: viewer},
		{route: "GET /api/v1/templates", path: "/api/v1/templates", need: viewer},
		// flow: the user's queue and notices, reviewers.
		{route: "GET /api/v1/me/queue", path: "/api/v1/me/queue", need: viewer},
		{route: "GET /api/v1/me/notifications", path: "/api/v1/me/notifications", need: viewer},
		{route: "POST /api/v1/me/notifications/seen", path: "/api/v1/me/notifications/seen", need: viewer},
		{route: "PUT /api/v1/rcas/:id/reviewers", path: "/api/v1/rcas/" + rca + "/reviewers", body: map[string]any{"reviewers": []string{}, "version": 99}, need: author},

		// API: components.
		{route: "GET /api/v1/components", path: "/api/v1/components", need: viewer},
		{route: "POST /api/v1/components", path: "/api/v1/components", body: map[string]any{"name": "Queue"}, need: admin},
		{route: "GET /api/v1/components/:id", path: "/api/v1/components/" + comp, need: viewer},
		{route: "PUT /api/v1/components/:id", path: "/api/v1/components/" + comp, body: map[string]any{"name": "Database", "version": 1}, need: admin},
		{route: "DELETE /api/v1/components/:id", path: "/api/v1/components/" + f.doomedComp.ID, need: admin},

		// API: incidents.
		{route: "GET /api/v1/incidents", path: "/api/v1/incidents", need: viewer},
		{route: "POST /api/v1/incidents", path: "/api/v1/incidents", body: map[string]any{"title": "New", "impact": "minor", "started_at": start}, need: author},
		{route: "GET /api/v1/incidents/:id", path: "/api/v1/incidents/" + inc, need: viewer},
		{route: "PUT /api/v1/incidents/:id", path: "/api/v1/incidents/" + inc, body: map[string]any{"title": "Slow queries", "started_at": start, "version": 99}, need: author},
		{route: "DELETE /api/v1/incidents/:id", path: "/api/v1/incidents/" + f.doomedInc.ID, need: admin},
		{route: "POST /api/v1/incidents/:id/updates", path: "/api/v1/incidents/" + inc + "/updates", body: map[string]any{"status": "identified", "body": "Found it"}, need: author},

		// API: RCAs.
		{route: "GET /api/v1/rcas", path: "/api/v1/rcas", need: viewer},
		{route: "POST /api/v1/rcas", path: "/api/v1/rcas", body: map[string]any{"title": "Another", "template": "standard"}, need: author},
		{route: "GET /api/v1/rcas/:id", path: "/api/v1/rcas/" + rca, need: viewer},
		{route: "PUT /api/v1/rcas/:id", path: "/api/v1/rcas/" + rca, body: map[string]any{"title": "x", "version": 99}, need: author},
		{route: "DELETE /api/v1/rcas/:id", path: "/api/v1/rcas/" + f.doomedRCA.ID, need: admin},
		{route: "PUT /api/v1/rcas/:id/sections/:key", path: "/api/v1/rcas/" + rca + "/sections/summary", body: map[string]any{"body": "x", "base_revision": 99}, need: author},
		// Approving needs a reviewer: the route lets authors in, the domain refuses them.
		{route: "POST /api/v1/rcas/:id/state", path: "/api/v1/rcas/" + f.inReview.ID + "/state", body: map[string]any{"to": "approved"}, need: author, except: authorRefused},
		{route: "GET /api/v1/rcas/:id/revisions", path: "/api/v1/rcas/" + rca + "/revisions", need: viewer},
		{route: "GET /api/v1/rcas/:id/revisions/:version", path: "/api/v1/rcas/" + rca + "/revisions/1", need: viewer},
		{route: "POST /api/v1/rcas/:id/restore/:version", path: "/api/v1/rcas/" + rca + "/restore/1", need: author},
		{route: "GET /api/v1/rcas/:id/comments", path: "/api/v1/rcas/" + rca + "/comments", need: viewer},
		{route: "POST /api/v1/rcas/:id/comments", path: "/api/v1/rcas/" + rca + "/comments", body: map[string]any{"body": "Looks good"}, need: author},
		// collab: without a client id the stream answers 422 once the guard let it through.
		{route: "GET /api/v1/rcas/:id/events", path: "/api/v1/rcas/" + rca + "/events", need: author, except: map[string]string{"read": exp403}}, // a write action: presence is written
		{route: "PUT /api/v1/rcas/:id/presence", path: "/api/v1/rcas/" + rca + "/presence", body: map[string]any{"client": "x", "section": ""}, need: author},
		{route: "POST /api/v1/rcas/:id/timeline", path: "/api/v1/rcas/" + rca + "/timeline", body: map[string]any{"precision": "none", "text": ""}, need: author},
		{route: "PUT /api/v1/rcas/:id/timeline/:eid", path: "/api/v1/rcas/" + rca + "/timeline/nope", body: map[string]any{"precision": "none", "text": "x"}, need: author},
		{route: "DELETE /api/v1/rcas/:id/timeline/:eid", path: "/api/v1/rcas/" + rca + "/timeline/nope", need: author},
		{route: "PUT /api/v1/rcas/:id/timeline-order", path: "/api/v1/rcas/" + rca + "/timeline-order", body: map[string]any{"ids": []string{}}, need: author},
		{route: "POST /api/v1/rcas/:id/comments/:cid/resolve", path: "/api/v1/rcas/" + rca + "/comments/" + f.comment.ID + "/resolve", need: author},
		{route: "POST /api/v1/rcas/:id/incidents", path: "/api/v1/rcas/" + rca + "/incidents", body: map[string]any{"incident_id": inc}, need: author},
		{route: "DELETE /api/v1/rcas/:id/incidents/:incident_id", path: "/api/v1/rcas/" + rca + "/incidents/" + f.doomedInc.ID, need: author},
		{route: "GET /api/v1/rcas/:id/export", path: "/api/v1/rcas/" + rca + "/export?format=md", need: viewer},
		// images (issue 15): upload, the image (404 for an unknown one), the Markdown zip.
		{route: "POST /api/v1/rcas/:id/attachments", path: "/api/v1/rcas/" + rca + "/attachments", body: map[string]any{"file": "not multipart"}, need: author},
		{route: "GET /api/v1/rcas/:id/attachments/:aid", path: "/api/v1/rcas/" + rca + "/attachments/" + domain.NewID(), need: viewer},
		{route: "GET /api/v1/rcas/:id/export.zip", path: "/api/v1/rcas/" + rca + "/export.zip", need: viewer},
		{route: "GET /attachments/:aid", path: "/attachments/" + domain.NewID(), need: pub},
		{route: "POST /api/v1/rcas/:id/publish", path: "/api/v1/rcas/" + f.pubRCA.ID + "/publish", need: reviewer},
		{route: "POST /api/v1/rcas/:id/unpublish", path: "/api/v1/rcas/" + f.pubRCA.ID + "/unpublish", body: map[string]any{"comment": "numbers were wrong"}, need: reviewer},
		{route: "GET /api/v1/rcas/:id/deliveries", path: "/api/v1/rcas/" + f.pubRCA.ID + "/deliveries", need: author},
		{route: "POST /api/v1/import/statuspage", path: "/api/v1/import/statuspage", body: map[string]any{"incidents": []any{}}, need: author},

		// API: targets, users, audit: admins only.
		{route: "GET /api/v1/targets", path: "/api/v1/targets", need: admin},
		{route: "POST /api/v1/targets", path: "/api/v1/targets", body: map[string]any{"name": "Another hook", "kind": "webhook", "url": "http://127.0.0.1:9/x", "allow_private": true}, need: admin},
		{route: "GET /api/v1/targets/:id", path: "/api/v1/targets/" + f.targetID, need: admin},
		{route: "PUT /api/v1/targets/:id", path: "/api/v1/targets/" + f.targetID, body: map[string]any{"name": "Partner hook", "kind": "webhook", "url": "http://127.0.0.1:9/hook", "allow_private": true}, need: admin},
		{route: "DELETE /api/v1/targets/:id", path: "/api/v1/targets/" + f.doomedTargetID, need: admin},
		// subs: subscribers. The public forms answer everyone (404 or a
		// message without an SMTP relay); the list and removal are admins'.
		{route: "POST /status/subscribe", path: "/status/subscribe", body: form("email", "reader@example.com"), need: pub},
		{route: "GET /status/subscribe/confirm", path: "/status/subscribe/confirm?t=nope", need: pub},
		{route: "POST /status/subscribe/confirm", path: "/status/subscribe/confirm", body: form("t", "nope"), need: pub},
		{route: "GET /status/unsubscribe", path: "/status/unsubscribe?t=nope", need: pub},
		{route: "POST /status/unsubscribe", path: "/status/unsubscribe", body: form("t", "nope"), need: pub},
		{route: "GET /api/v1/subscribers", path: "/api/v1/subscribers", need: admin},
		{route: "POST /api/v1/subscribers", path: "/api/v1/subscribers", body: map[string]any{"kind": "webhook", "url": "http://127.0.0.1:9/sub", "allow_private": true}, need: admin},
		{route: "DELETE /api/v1/subscribers/:id", path: "/api/v1/subscribers/nope", need: admin},
		{route: "GET /admin/subscribers", path: "/admin/subscribers", need: admin},
		{route: "POST /admin/subscribers/:id/delete", path: "/admin/subscribers/nope/delete", body: form(), need: admin},
		{route: "GET /api/v1/users", path: "/api/v1/users", need: admin},
		{route: "POST /api/v1/users", path: "/api/v1/users", body: map[string]any{"email": "new.person@example.com", "role": "viewer", "password": "glacier orbit lantern"}, need: admin},
		{route: "PUT /api/v1/users/:id", path: "/api/v1/users/" + f.bystander.ID, body: map[string]any{"name": "Bystander"}, need: admin},
		{route: "GET /api/v1/audit", path: "/api/v1/audit", need: admin},
		// Insights (area insights): readers of internal data.
		{route: "GET /api/v1/insights", path: "/api/v1/insights", need: domain.RoleAuthor},
		// report2 area: the organisation's report header defaults.
		{route: "GET /api/v1/settings/report-header", path: "/api/v1/settings/report-header", need: admin},
		{route: "PUT /api/v1/settings/report-header", path: "/api/v1/settings/report-header", body: map[string]any{"version": 1, "contact": "partners@example.com"}, need: admin},

		// API tokens: one's own; another user's only for admins (ids matter).
		{route: "GET /api/v1/tokens", path: "/api/v1/tokens?user_id=" + e.users["author"].ID, need: viewer, except: onlyOwnerOrAdmin},
		{route: "POST /api/v1/tokens", path: "/api/v1/tokens", body: map[string]any{"name": "ci", "scope": "read"}, need: viewer},
		{route: "DELETE /api/v1/tokens/:id", path: "/api/v1/tokens/" + f.authorTokenID, need: viewer, except: notMine},

		// Pages: signing in and out, dashboard, settings.
		{route: "GET /signin", path: "/signin", need: pub},
		{route: "POST /signin", path: "/signin", body: form("email", "viewer@example.com", "password", testPassword, "next", "/"), need: pub, fresh: true},
		// Single sign-on: public; the callback without the flow's state cookie
		// sends the browser back to the sign-in page.
		{route: "GET /auth/oidc/start", path: "/auth/oidc/start?next=/", need: pub},
		{route: "GET /auth/oidc/callback", path: "/auth/oidc/callback?state=forged&code=forged", need: pub, except: everyone(expSignIn)},
		{route: "POST /signout", path: "/signout", need: pub, fresh: true, except: everyone(expSignIn)}, // always back to the sign-in page
		{route: "GET /", path: "/", need: viewer},
		{route: "GET /settings", path: "/settings", need: viewer},
		{route: "GET /my-work", path: "/my-work", need: viewer},                                                             // flow
		{route: "POST /rcas/:id/reviewers", path: "/rcas/" + rca + "/reviewers", body: form("version", "99"), need: author}, // flow
		{route: "POST /settings", path: "/settings", body: form("language", "en", "tz", "UTC"), need: viewer},
		{route: "POST /preview", path: "/preview", body: form("body", "*hello*"), need: viewer},

		// Pages: RCAs.
		{route: "GET /rcas/new", path: "/rcas/new", need: author, except: formOfAWrite},
		{route: "POST /rcas", path: "/rcas", body: form("title", "From the page", "template", "standard"), need: author},
		{route: "GET /rcas/:id", path: "/rcas/" + rca, need: viewer},
		{route: "POST /rcas/:id/state", path: "/rcas/" + rca + "/state", body: form("to", "in_review", "override_reason", "test: an unfinished draft"), need: author},
		// The Publish button checks for a reviewer itself.
		{route: "POST /rcas/:id/publish", path: "/rcas/" + f.pubRCA.ID + "/publish", need: reviewer},
		{route: "POST /rcas/:id/comments", path: "/rcas/" + rca + "/comments", body: form("body", "A question"), need: author},
		{route: "POST /rcas/:id/comments/:cid/resolve", path: "/rcas/" + rca + "/comments/" + f.comment.ID + "/resolve", need: author},
		{route: "GET /rcas/:id/history", path: "/rcas/" + rca + "/history", need: viewer},
		{route: "GET /rcas/:id/diff", path: "/rcas/" + rca + "/diff?from=1&to=2", need: viewer},
		{route: "GET /rcas/:id/report", path: "/rcas/" + rca + "/report", need: viewer},
		{route: "POST /rcas/:id/restore/:version", path: "/rcas/" + rca + "/restore/1", need: author},
		{route: "GET /rcas/:id/edit", path: "/rcas/" + rca + "/edit", need: author, except: formOfAWrite},
		{route: "POST /rcas/:id/sections/:key", path: "/rcas/" + rca + "/sections/summary", body: form("body", "Edited", "base_revision", "99"), need: author},
		{route: "POST /rcas/:id/facts", path: "/rcas/" + rca + "/facts", body: form("title", "Slow queries"), need: author},
		{route: "POST /rcas/:id/incidents/link", path: "/rcas/" + rca + "/incidents/link", body: form("incident", inc), need: author},
		{route: "POST /rcas/:id/incidents/unlink", path: "/rcas/" + rca + "/incidents/unlink", body: form("incident", f.doomedInc.ID), need: author},
		{route: "POST /rcas/:id/timeline", path: "/rcas/" + rca + "/timeline", body: form("at", "2026-01-01T10:00", "kind", "note", "text", "A note"), need: author},
		{route: "POST /rcas/:id/timeline/import", path: "/rcas/" + rca + "/timeline/import", need: author},
		// area "ui": the document editor and pasted timeline lines
		{route: "GET /rcas/:id/write", path: "/rcas/" + rca + "/write", need: author, except: formOfAWrite},
		// area collab: the translation editor
		{route: "GET /rcas/:id/translate", path: "/rcas/" + rca + "/translate?to=de", need: author, except: formOfAWrite},
		{route: "POST /rcas/:id/translate/:key", path: "/rcas/" + rca + "/translate/summary", body: form("to", "de", "body", "Übersetzt", "base_revision", "99"), need: author},
		{route: "POST /rcas/:id/timeline/paste", path: "/rcas/" + rca + "/timeline/paste", body: form("lines", "09:14 Alerts fired", "date", "2026-01-01", "do", "preview"), need: author},
		{route: "POST /rcas/:id/timeline/:eid", path: "/rcas/" + rca + "/timeline/" + f.entryID, body: form("at", "2026-01-01T10:00", "kind", "detected", "text", "Alerts fired."), need: author},
		{route: "POST /rcas/:id/timeline/:eid/delete", path: "/rcas/" + rca + "/timeline/missing-entry/delete", need: author},
		{route: "POST /rcas/:id/actions", path: "/rcas/" + rca + "/actions", body: form("title", "Alert on slow queries", "state", "open"), need: author},
		{route: "POST /rcas/:id/actions/:aid", path: "/rcas/" + rca + "/actions/" + f.actionID, body: form("title", "Add an index", "state", "in_progress"), need: author},
		{route: "POST /rcas/:id/actions/:aid/delete", path: "/rcas/" + rca + "/actions/missing-item/delete", need: author},

		// Pages: incidents.
		{route: "GET /incidents", path: "/incidents", need: viewer},
		{route: "GET /incidents/new", path: "/incidents/new", need: author, except: formOfAWrite},
		{route: "POST /incidents", path: "/incidents", body: form("title", "From the page", "impact", "minor", "status", "investigating", "started_at", "2026-01-01T10:00", "tz", "UTC"), need: author},
		{route: "GET /incidents/:id", path: "/incidents/" + inc, need: viewer},
		{route: "GET /incidents/:id/edit", path: "/incidents/" + inc + "/edit", need: author, except: formOfAWrite},
		{route: "POST /incidents/:id", path: "/incidents/" + inc, body: form("title", "Slow queries", "version", "99"), need: author},
		{route: "POST /incidents/:id/updates", path: "/incidents/" + inc + "/updates", body: form("status", "update", "body", "Still looking"), need: author},
		{route: "POST /incidents/:id/rcas", path: "/incidents/" + inc + "/rcas", body: form("rca", rca), need: author},
		{route: "POST /incidents/:id/rcas/:rid/unlink", path: "/incidents/" + f.doomedInc.ID + "/rcas/" + rca + "/unlink", need: author},

		// Pages: administration.
		{route: "GET /admin/components", path: "/admin/components", need: admin},
		{route: "POST /admin/components", path: "/admin/components", body: form("name", "Search"), need: admin},
		{route: "POST /admin/components/:id", path: "/admin/components/" + comp, body: form("name", "Database", "version", "99"), need: admin},
		{route: "POST /admin/components/:id/delete", path: "/admin/components/" + f.pageDoomedComp.ID + "/delete", need: admin},
		{route: "GET /admin/users", path: "/admin/users", need: admin},
		{route: "POST /admin/users", path: "/admin/users", body: form("email", "page.person@example.com", "role", "viewer", "password", "glacier orbit lantern"), need: admin},
		{route: "POST /admin/users/:id", path: "/admin/users/" + f.bystander.ID, body: form("name", "Bystander", "role", "viewer"), need: admin},
		{route: "GET /admin/audit", path: "/admin/audit", need: admin},

		// area actions (issue 14): action items across RCAs, tracker hooks.
		{route: "GET /api/v1/action-items", path: "/api/v1/action-items?overdue=true", need: viewer},
		{route: "GET /api/v1/action-owners", path: "/api/v1/action-owners", need: viewer},
		{route: "POST /api/v1/rcas/:id/action-items/:aid/state", path: "/api/v1/rcas/" + rca + "/action-items/" + f.actionID + "/state", body: map[string]any{"state": "in_progress"}, need: author},
		{route: "GET /api/v1/tracker-hooks", path: "/api/v1/tracker-hooks", need: admin},
		{route: "POST /api/v1/tracker-hooks", path: "/api/v1/tracker-hooks", body: map[string]any{"name": "gh", "kind": "github", "secret": "0123456789abcdef"}, need: admin},
		{route: "PUT /api/v1/tracker-hooks/:name", path: "/api/v1/tracker-hooks/gh", body: map[string]any{"kind": "github", "version": 1}, need: admin},
		{route: "DELETE /api/v1/tracker-hooks/:name", path: "/api/v1/tracker-hooks/missing", need: admin},
		// Trackers sign their deliveries; no session or token opens the hook
		// (an unknown hook is 404 for every caller).
		{route: "POST /api/v1/hooks/tracker/:target", path: "/api/v1/hooks/tracker/missing", body: map[string]any{"action": "closed"}, need: pub, except: everyone(exp404)},
		{route: "GET /action-items", path: "/action-items?state=open", need: viewer},
		{route: "POST /action-items/state", path: "/action-items/state", body: form("rca", rca, "item", f.actionID, "state", "in_progress"), need: author},
		// Insights (area insights): readers of internal data.
		{route: "GET /insights", path: "/insights", need: domain.RoleAuthor},
		{route: "GET /insights.csv", path: "/insights.csv?chart=factors", need: domain.RoleAuthor},
		{route: "GET /admin/report", path: "/admin/report", need: admin},                                                          // report2 area
		{route: "POST /admin/report", path: "/admin/report", body: form("version", "1", "contact", "x@example.com"), need: admin}, // report2 area
	}
}

// everyone expects class for every caller.
func everyone(class string) map[string]string {
	m := map[string]string{}
	for _, c := range matrixCallers {
		m[c] = class
	}
	return m
}

// matrixCaller holds one caller's credentials.
type matrixCaller struct {
	name   string
	token  string
	cookie *http.Cookie
	csrf   string
}

func TestAuthorizationMatrix(t *testing.T) {
	// Single sign-on on, so its routes are on the engine too.
	idp := oidctest.New("hindsight-matrix", "matrix-secret")
	t.Cleanup(idp.Close)
	e := newEnv(t, func(c *Config) {
		c.BaseURL = "http://example.com"
		c.OIDC = oidc.Config{Issuer: idp.URL, ClientID: "hindsight-matrix", ClientSecret: "matrix-secret"}
	})
	f := matrixSetup(t, e)
	rows := append(matrixRows(e, f), tmplMatrixRows(e, f)...) // tmpl area

	// Coverage first: the table and the engine name the same routes.
	table := map[string]bool{}
	for _, r := range rows {
		if table[r.route] {
			t.Errorf("route %q is in the table twice", r.route)
		}
		table[r.route] = true
	}
	var missing, stale []string
	onEngine := map[string]bool{}
	for _, rt := range e.srv.engine.Routes() {
		key := rt.Method + " " + rt.Path
		onEngine[key] = true
		if !table[key] {
			missing = append(missing, key)
		}
	}
	for key := range table {
		if !onEngine[key] {
			stale = append(stale, key)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes on the engine but not in the authorization matrix (add a row saying who may call each):\n  %s", strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("matrix rows for routes the engine no longer has:\n  %s", strings.Join(stale, "\n  "))
	}
	// Every route named its policy action when it was registered (s.handle),
	// and the row's role is the one the policy gives that action: the
	// policy, not the table, decides (issue 10).
	for _, r := range rows {
		method, path, _ := strings.Cut(r.route, " ")
		act, ok := e.srv.routeAction(method, path)
		if !ok {
			if onEngine[r.route] {
				t.Errorf("route %s names no policy action", r.route)
			}
			continue
		}
		if got := policy.Role(act); got != r.need {
			t.Errorf("route %s: the matrix says role %q, the policy's action %s needs %q", r.route, r.need, act, got)
		}
	}

	callers := map[string]*matrixCaller{"anonymous": {name: "anonymous"}}
	for _, role := range domain.Roles {
		cookie, csrf := e.signInAPI(string(role) + "@example.com")
		callers[string(role)] = &matrixCaller{name: string(role), cookie: cookie, csrf: csrf}
	}
	other := e.addUser("author2@example.com", domain.RoleAuthor)
	callers["other"] = &matrixCaller{name: "other", token: e.addToken(other, domain.ScopeAdmin, nil)}
	callers["read"] = &matrixCaller{name: "read", token: e.addToken(e.users["admin"], domain.ScopeRead, nil)}
	callers["write"] = &matrixCaller{name: "write", token: e.addToken(e.users["admin"], domain.ScopeWrite, nil)}

	for _, row := range rows {
		for _, name := range matrixCallers {
			c := callers[name]
			want := row.expect(name)
			t.Run(row.route+"/"+name, func(t *testing.T) {
				if row.fresh && c.cookie != nil {
					cookie, csrf := e.signInAPI(name + "@example.com")
					c = &matrixCaller{name: name, cookie: cookie, csrf: csrf}
				}
				var before string
				check := want != expOK && !row.fresh // signing in and out writes sessions and audit events by design
				if check {
					before = e.snapshot()
				}
				w := e.serve(matrixRequest(row, c))
				got := answerClass(w.Code, w.Header().Get("Location"))
				if got != want && (want != expOK || got != exp404) {
					t.Fatalf("%s as %s: %d (%s), want %s; body %.300s", row.path, name, w.Code, got, want, w.Body)
				}
				if check && e.snapshot() != before {
					t.Fatalf("%s as %s was refused with %d but changed stored data", row.path, name, w.Code)
				}
				// Every answer, whoever asks and however it ends, carries the
				// security headers (security_headers.go).
				h := w.Header()
				if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" ||
					!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("Referrer-Policy") == "" {
					t.Fatalf("security headers missing on %d: %v", w.Code, h)
				}
				if ct := w.Header().Get("Content-Type"); w.Code == 200 && strings.HasPrefix(ct, "text/html") &&
					strings.Contains(w.Header().Get("Content-Security-Policy"), "script-src 'self'") {
					if found := inlineCode(w.Body.String()); len(found) > 0 {
						t.Fatalf("page holds code its CSP blocks: %v", found)
					}
				}
			})
		}
	}
}

// matrixRequest builds row's request as caller c.
func matrixRequest(row matrixRow, c *matrixCaller) req {
	method, _, _ := strings.Cut(row.route, " ")
	r := req{method: method, path: row.path, token: c.token, header: map[string]string{}}
	switch b := row.body.(type) {
	case nil:
	case url.Values:
		if c.csrf != "" {
			b = cloneValues(b)
			b.Set(csrfField, c.csrf)
		}
		r.body = b.Encode()
		r.header["Content-Type"] = "application/x-www-form-urlencoded"
	default:
		r.body = b
	}
	if !strings.HasPrefix(row.path, "/api/") {
		r.header["Accept"] = "text/html"
	}
	if c.cookie != nil {
		r.cookies = []*http.Cookie{c.cookie}
		r.header[csrfHeader] = c.csrf
		r.header["Sec-Fetch-Site"] = "same-origin"
	}
	return r
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// answerClass sorts an answer into the matrix's classes.
func answerClass(code int, location string) string {
	switch {
	case code == http.StatusUnauthorized:
		return exp401
	case code == http.StatusForbidden:
		return exp403
	case code == http.StatusNotFound:
		return exp404
	case code == http.StatusSeeOther && strings.HasPrefix(location, "/signin"):
		return expSignIn
	case code >= 500:
		return "server error"
	}
	return expOK
}
