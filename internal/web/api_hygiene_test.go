package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/domain/domaintest"
)

// hygieneFixtures makes one of every resource and returns the values of
// the route parameters that name them.
func hygieneFixtures(t *testing.T, e *env) map[string]string {
	t.Helper()
	cp := e.component("API")
	inc := e.incident("API down", cp.ID)
	r := e.rca("API down", "standard", inc.ID)
	var cm domain.Comment
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas/"+r.ID+"/comments", map[string]any{"body": "why?"}, 201, &cm)
	var tg targetView
	e.must(domain.RoleAdmin, "POST", "/api/v1/targets", map[string]any{
		"name": "Hook", "kind": "webhook", "url": "http://127.0.0.1:9/hook", "secret": hookSecret, "allow_private": true}, 201, &tg)
	var tok tokenCreated
	e.must(domain.RoleViewer, "POST", "/api/v1/tokens", map[string]any{"name": "ci", "scope": "read"}, 201, &tok)
	sub := domain.Subscriber{Kind: domain.SubscriberEmail, Email: "reader@example.com"} // subs
	if err := e.st.CreateSubscriber(context.Background(), &sub); err != nil {
		t.Fatal(err)
	}
	// tmpl area: routes with :key find a template and a factor "summary".
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", tmplBody("summary"), 201, nil)
	e.must(domain.RoleAdmin, "POST", "/api/v1/factors", map[string]any{"key": "summary", "name": "Summary"}, 201, nil)
	return map[string]string{"component": cp.ID, "incident": inc.ID, "rca": r.ID, "comment": cm.ID,
		"target": tg.ID, "token": tok.Token.ID, "user": e.users[domain.RoleAuthor].ID, "subscriber": sub.ID}
}

// TestEveryPutAcceptsItsGet: a resource read with GET and sent back with PUT
// as it came is accepted (read-only members ignored while unchanged); a
// changed read-only member is 422 naming it.
func TestEveryPutAcceptsItsGet(t *testing.T) {
	e := newEnv(t)
	ids := hygieneFixtures(t, e)
	getRaw := func(role domain.Role, path string) map[string]json.RawMessage {
		t.Helper()
		w := e.as(role, "GET", path, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	userFromList := func() map[string]json.RawMessage {
		var list struct {
			Items []map[string]json.RawMessage `json:"items"`
		}
		w := e.as(domain.RoleAdmin, "GET", "/api/v1/users", nil)
		if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Items) == 0 {
			var plain []map[string]json.RawMessage
			if err := json.Unmarshal(w.Body.Bytes(), &plain); err != nil {
				t.Fatalf("GET /users: %s", w.Body)
			}
			list.Items = plain
		}
		for _, u := range list.Items {
			if string(u["id"]) == `"`+ids["user"]+`"` {
				return u
			}
		}
		t.Fatal("the author is not listed")
		return nil
	}
	cases := []struct {
		name, path string
		role       domain.Role
		doc        func() map[string]json.RawMessage
		edit       string // a member that may change, and its new value
		value      string
	}{
		{"component", "/api/v1/components/" + ids["component"], domain.RoleAdmin,
			func() map[string]json.RawMessage {
				return getRaw(domain.RoleAdmin, "/api/v1/components/"+ids["component"])
			}, "name", `"Public API"`},
		{"incident", "/api/v1/incidents/" + ids["incident"], domain.RoleAuthor,
			func() map[string]json.RawMessage {
				return getRaw(domain.RoleAuthor, "/api/v1/incidents/"+ids["incident"])
			}, "title", `"API was down"`},
		{"rca", "/api/v1/rcas/" + ids["rca"], domain.RoleAuthor,
			func() map[string]json.RawMessage { return getRaw(domain.RoleAuthor, "/api/v1/rcas/"+ids["rca"]) }, "title", `"API was down for an hour"`},
		{"target", "/api/v1/targets/" + ids["target"], domain.RoleAdmin,
			func() map[string]json.RawMessage { return getRaw(domain.RoleAdmin, "/api/v1/targets/"+ids["target"]) }, "name", `"Partner hook"`},
		{"user (as listed)", "/api/v1/users/" + ids["user"], domain.RoleAdmin, userFromList, "name", `"Ada"`},
		// tmpl area (issue 14)
		{"template", "/api/v1/templates/summary", domain.RoleAdmin,
			func() map[string]json.RawMessage { return getRaw(domain.RoleAdmin, "/api/v1/templates/summary") }, "name", `"Summary first"`},
		{"factor", "/api/v1/factors/summary", domain.RoleAdmin,
			func() map[string]json.RawMessage { return getRaw(domain.RoleAdmin, "/api/v1/factors/summary") }, "name", `"Summing up"`},
		{"built-in factor", "/api/v1/factors/deploy", domain.RoleAdmin,
			func() map[string]json.RawMessage { return getRaw(domain.RoleAdmin, "/api/v1/factors/deploy") }, "name", `"Release"`},
		{"me (GET /me)", "/api/v1/me", domain.RoleReviewer,
			func() map[string]json.RawMessage { return getRaw(domain.RoleReviewer, "/api/v1/me") }, "", ""},
		{"me (its user)", "/api/v1/me", domain.RoleReviewer, func() map[string]json.RawMessage {
			var u map[string]json.RawMessage
			if err := json.Unmarshal(getRaw(domain.RoleReviewer, "/api/v1/me")["user"], &u); err != nil {
				t.Fatal(err)
			}
			return u
		}, "name", `"Rita"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.doc()
			w := e.as(tc.role, "PUT", tc.path, doc)
			if w.Code != http.StatusOK {
				t.Fatalf("PUT of the GET document: %d %s", w.Code, w.Body)
			}
			if tc.edit != "" {
				doc = tc.doc()
				doc[tc.edit] = json.RawMessage(tc.value)
				w = e.as(tc.role, "PUT", tc.path, doc)
				if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), strings.Trim(tc.value, `"`)) {
					t.Fatalf("PUT with %s changed: %d %s", tc.edit, w.Code, w.Body)
				}
			}
			doc = tc.doc()
			field := "id"
			if _, ok := doc["id"]; !ok {
				field = "auth" // GET /me: the envelope's members are read-only
				if _, ok := doc["key"]; ok {
					field = "key" // tmpl area: templates and factors are named by their key
				}
			}
			doc[field] = json.RawMessage(`"something-else"`)
			was := e.snapshot()
			w = e.as(tc.role, "PUT", tc.path, doc)
			if w.Code != http.StatusUnprocessableEntity {
				t.Fatalf("PUT with %s changed: %d %s", field, w.Code, w.Body)
			}
			ae := decodeErr(t, w)
			if len(ae.Error.Problems) != 1 || ae.Error.Problems[0].Field != field || ae.Error.Problems[0].Code != domain.CodeReadOnly {
				t.Fatalf("problems %+v, want %s read_only", ae.Error.Problems, field)
			}
			if e.snapshot() != was {
				t.Fatal("a refused PUT changed the store")
			}
			doc = tc.doc()
			doc["no_such_member"] = json.RawMessage(`1`)
			if w := e.as(tc.role, "PUT", tc.path, doc); w.Code != http.StatusBadRequest || decodeErr(t, w).Error.Field != "no_such_member" {
				t.Fatalf("PUT with an unknown member: %d %s", w.Code, w.Body)
			}
		})
	}
}

// apiWrites lists every API route that takes a request body or could be
// sent one, with its parameters filled from ids.
func apiWrites(t *testing.T, e *env, ids map[string]string) []string {
	t.Helper()
	var out []string
	for _, rt := range e.srv.engine.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/") || rt.Method == "GET" || rt.Method == "HEAD" || rt.Method == "OPTIONS" {
			continue
		}
		if rawBodyRoutes[rt.Method+" "+rt.Path] {
			// images: a multipart upload, not JSON; TestAttachmentUpload
			// checks that JSON and other types are 415 there.
			continue
		}
		if rt.Path == "/api/v1/import/statuspage" {
			// It takes Statuspage's own documents, whose many members it
			// does not use by design; content types are checked all the same.
			continue
		}
		if rt.Path == "/api/v1/hooks/tracker/:target" {
			// actions: a tracker's own payload, verified by its signature
			// before it is read (tested in TestAPITrackerHook).
			continue
		}
		parts := strings.Split(rt.Path, "/")
		for i, p := range parts {
			if !strings.HasPrefix(p, ":") {
				continue
			}
			switch p {
			case ":id":
				kind := strings.TrimSuffix(parts[i-1], "s")
				parts[i] = ids[kind]
			case ":key":
				parts[i] = "summary"
			case ":version":
				parts[i] = "1"
			case ":cid":
				parts[i] = ids["comment"]
			case ":incident_id":
				parts[i] = ids["incident"]
			case ":eid": // collab: the body is refused before the row is looked up
				parts[i] = "any-entry"
			case ":aid", ":name": // actions: an action item, a tracker hook
				parts[i] = "any"
			default:
				t.Fatalf("no fixture for parameter %s of %s", p, rt.Path)
			}
		}
		out = append(out, rt.Method+" "+strings.Join(parts, "/"))
	}
	if len(out) < 20 {
		t.Fatalf("only %d API write routes found", len(out))
	}
	return out
}

// TestEveryJSONEndpointRefusesUnknownMembersAndOtherTypes: every API write
// route answers an unknown member with 400 naming it, and a body that is
// not JSON (or has no type) with 415, changing nothing. Routes that take no
// body (publish, restore, resolve, deletes) are no exception.
func TestEveryJSONEndpointRefusesUnknownMembersAndOtherTypes(t *testing.T) {
	e := newEnv(t)
	ids := hygieneFixtures(t, e)
	ids["user"] = e.users[domain.RoleAuthor].ID
	for _, route := range apiWrites(t, e, ids) {
		method, path, _ := strings.Cut(route, " ")
		t.Run(route, func(t *testing.T) {
			was := e.snapshot()
			w := e.serve(req{method: method, path: path, token: e.tokens[domain.RoleAdmin], body: `{"zz_unknown": 1}`})
			if w.Code != http.StatusBadRequest || decodeErr(t, w).Error.Field != "zz_unknown" {
				t.Fatalf("unknown member: %d %s", w.Code, w.Body)
			}
			for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", ""} {
				w = e.serve(req{method: method, path: path, token: e.tokens[domain.RoleAdmin], body: `{}`,
					header: map[string]string{"Content-Type": ct}})
				if w.Code != http.StatusUnsupportedMediaType || decodeErr(t, w).Error.Code != codeUnsupportedMedia {
					t.Fatalf("content type %q: %d %s", ct, w.Code, w.Body)
				}
			}
			if e.snapshot() != was {
				t.Fatal("a refused request changed the store")
			}
		})
	}
}

// TestLimitsOverTheAPI: past a document limit the API answers 422 (a list)
// or 413 (the text as a whole), with a localized message naming the field.
func TestLimitsOverTheAPI(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Limits", "standard")
	var cur domain.RCA
	e.must(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID, nil, 200, &cur)

	many := cur
	many.Timeline = nil
	for range domain.MaxTimelineEntries + 1 {
		many.Timeline = append(many.Timeline, domain.TimelineEntry{At: e.clock.Now(), Kind: domain.KindNote, Text: "x"})
	}
	w := e.serve(req{method: "PUT", path: "/api/v1/rcas/" + r.ID, token: e.tokens[domain.RoleAuthor], body: many,
		header: map[string]string{"Accept-Language": "de"}})
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("too many entries: %d %.300s", w.Code, w.Body)
	}
	var ans struct {
		Error struct {
			Problems []problemOut `json:"problems"`
		} `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || len(ans.Error.Problems) != 1 {
		t.Fatalf("answer %.300s", w.Body)
	}
	p := ans.Error.Problems[0]
	if p.Field != "timeline" || p.Code != domain.CodeTooMany || p.Limit != domain.MaxTimelineEntries ||
		p.Message != "timeline hat zu viele Einträge: höchstens 2000." {
		t.Fatalf("problem %+v", p)
	}

	big := domaintest.RCAAtLimits(e.clock.Now(), 0)
	full := cur
	full.Sections = big.Sections
	for i := range full.Sections { // the timeline and action items are left out: make up for them
		full.Sections[i].Body += strings.Repeat("y", 4<<10)
	}
	w = e.serve(req{method: "PUT", path: "/api/v1/rcas/" + r.ID, token: e.tokens[domain.RoleAuthor], body: full})
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("too much text: %d %.300s", w.Code, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || len(ans.Error.Problems) != 1 ||
		ans.Error.Problems[0].Field != "rca" || !strings.Contains(ans.Error.Problems[0].Message, "2097152") {
		t.Fatalf("answer %.300s", w.Body)
	}

	// At the limits the whole RCA goes through a PUT and comes back with GET.
	full.Sections = domaintest.RCAAtLimits(e.clock.Now(), 64<<10).Sections
	full.Timeline = big.Timeline
	full.ActionItems = big.ActionItems
	full.Translations = big.Translations
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID, full, 200, &cur)
	if len(cur.Sections) != domain.MaxSections || len(cur.Timeline) != domain.MaxTimelineEntries {
		t.Fatalf("stored %d sections, %d entries", len(cur.Sections), len(cur.Timeline))
	}
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID, cur, 200, nil)
}

// TestZoneLocalRefusedEverywhere: "Local" (the server's own zone) is no
// IANA name: every place that takes a zone refuses it, and nothing changes.
func TestZoneLocalRefusedEverywhere(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Zones", "standard")
	for _, tc := range []struct {
		name, method, path string
		role               domain.Role
		body               any
		want               int
		field              string
	}{
		{"PUT /me", "PUT", "/api/v1/me", domain.RoleViewer, map[string]any{"time_zone": "Local"}, 422, "time_zone"},
		{"PUT /users", "PUT", "/api/v1/users/" + e.users[domain.RoleAuthor].ID, domain.RoleAdmin, map[string]any{"time_zone": "local"}, 422, "time_zone"},
		{"export", "GET", "/api/v1/rcas/" + r.ID + "/export?format=md&tz=Local", domain.RoleAuthor, nil, 400, "tz"},
	} {
		was := e.snapshot()
		w := e.as(tc.role, tc.method, tc.path, tc.body)
		if w.Code != tc.want || !strings.Contains(w.Body.String(), `"`+tc.field+`"`) {
			t.Errorf("%s: %d %s", tc.name, w.Code, w.Body)
		}
		if e.snapshot() != was {
			t.Errorf("%s changed the store", tc.name)
		}
	}
	if _, err := New(Config{Version: "test", DefaultTimeZone: "Local"}, openTestStore(t), nil); err == nil {
		t.Error("a server with the default zone Local started")
	}

	ui := newUIEnv(t)
	c := ui.as(domain.RoleAuthor)
	c.post("/settings", url.Values{"language": {"en"}, "tz": {"Local"}}, http.StatusUnprocessableEntity)
	rc := ui.rca("Zones")
	c.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {"2026-03-04T10:00"}, "tz": {"Local"}, "kind": {"note"}, "text": {"x"}}, http.StatusUnprocessableEntity)
	if got := ui.getRCA(rc.ID); len(got.Timeline) != 0 {
		t.Fatalf("a timeline entry in zone Local was stored: %+v", got.Timeline)
	}
}

// TestPageShowsHygieneProblems: a form refused for a NUL byte says so,
// naming the field, in the page's language.
func TestPageShowsHygieneProblems(t *testing.T) {
	ui := newUIEnv(t)
	c := ui.as(domain.RoleAuthor)
	rc := ui.rca("Pages")
	r := c.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {"2026-03-04T10:00"}, "tz": {"UTC"}, "kind": {"note"}, "text": {"a\x00b"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "contains a NUL character")
	mustNotContain(t, r.body, "no value")
	if got := ui.getRCA(rc.ID); len(got.Timeline) != 0 {
		t.Fatalf("a timeline entry with a NUL was stored")
	}
}

// TestOpenAPINames415: the description lists 415 on every write.
func TestOpenAPINames415(t *testing.T) {
	e := newEnv(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	e.must(domain.RoleViewer, "GET", "/api/v1/openapi.json", nil, 200, &doc)
	n := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "get" || method == "head" {
				continue
			}
			n++
			if _, ok := op.Responses["415"]; !ok {
				t.Errorf("%s %s does not list 415", method, path)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d write operations described", n)
	}
}
