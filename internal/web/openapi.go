package web

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// apiOp describes one API operation for /api/v1/openapi.json. Path uses
// OpenAPI's {param} form and is relative to /api/v1. Request and Response
// are zero values of the Go types sent and answered (nil for none); their
// schemas are derived from the json tags, so the document follows the code.
type apiOp struct {
	Method   string
	Path     string
	Summary  string
	Tag      string
	Role     domain.Role // "" for public operations
	Query    []queryParam
	Request  any
	Response any
	Status   int    // success status; default 200
	Produces string // success media type when not JSON (e.g. application/pdf)
}

type queryParam struct {
	Name, Type, Description string
	Array                   bool
}

// document adds operations to the API description. Register hooks of other
// areas call it for the routes they add under /api/v1; a test fails when a
// route is not described.
func (s *Server) document(ops ...apiOp) { s.apiOps = append(s.apiOps, ops...) }

// cursorQuery is the keyset cursor of the lists at scale (scalesql).
var cursorQuery = queryParam{Name: "cursor", Type: "string", Description: "the next of the page before, with the same filters; a changed cursor is 400"}

var pageQuery = []queryParam{
	{Name: "limit", Type: "integer", Description: "page size, default 50, at most 500"},
	{Name: "offset", Type: "integer", Description: "items to skip"},
}

// coreOps describes the routes of routes.go.
func coreOps() []apiOp {
	incidentQuery := append([]queryParam{
		{Name: "status", Type: "string", Description: "investigating, identified, monitoring or resolved"},
		{Name: "unresolved", Type: "boolean"}, {Name: "without_rca", Type: "boolean"},
		{Name: "q", Type: "string", Description: "text in the title"},
		{Name: "since", Type: "string", Description: "RFC 3339; started at or after"},
		{Name: "until", Type: "string", Description: "RFC 3339; started before"},
		cursorQuery,
	}, pageQuery...)
	rcaQuery := append([]queryParam{
		{Name: "state", Type: "string", Array: true, Description: "repeatable"},
		{Name: "service", Type: "string"}, {Name: "tag", Type: "string"}, {Name: "incident_id", Type: "string"},
		{Name: "q", Type: "string", Description: "text search: the words in a row, as whole words; items then carry a snippet with the match between U+E000 and U+E001"},
		{Name: "since", Type: "string"}, {Name: "until", Type: "string"},
		{Name: "sort", Type: "string", Description: "recent (default) or relevance (with q: the newest matches ranked)"},
		cursorQuery,
	}, pageQuery...)
	auditQuery := append([]queryParam{
		{Name: "actor", Type: "string"}, {Name: "action", Type: "string", Description: "prefix, e.g. rca."},
		{Name: "target", Type: "string"}, {Name: "since", Type: "string"},
	}, pageQuery...)
	return []apiOp{
		{Method: "GET", Path: "/openapi.json", Tag: "meta", Summary: "This document", Response: map[string]any{}},
		{Method: "POST", Path: "/session", Tag: "auth", Summary: "Sign in with email and password (sets the session cookie)",
			Request: signInInput{}, Response: struct {
				User      domain.User `json:"user"`
				CSRFToken string      `json:"csrf_token"`
			}{}},
		{Method: "DELETE", Path: "/session", Tag: "auth", Summary: "Sign out", Status: http.StatusNoContent},
		{Method: "GET", Path: "/me", Tag: "auth", Role: domain.RoleViewer, Summary: "The caller", Response: map[string]any{}},
		{Method: "PUT", Path: "/me", Tag: "auth", Role: domain.RoleViewer, Summary: "Change the caller's name, language, time zone or password", Request: meUpdate{}, Response: map[string]any{}},
		{Method: "GET", Path: "/templates", Tag: "templates", Role: domain.RoleViewer, Summary: "Built-in (read-only, built_in true) and custom templates with sections and guidance", Response: listOf[domain.Template]{},
			Query: []queryParam{{Name: "include_retired", Type: "boolean", Description: "also list retired custom templates"}}}, // tmpl area

		{Method: "GET", Path: "/components", Tag: "components", Role: domain.RoleViewer, Summary: "List components", Response: listOf[domain.Component]{}},
		{Method: "POST", Path: "/components", Tag: "components", Role: domain.RoleAdmin, Summary: "Create a component", Request: componentInput{}, Response: domain.Component{}, Status: http.StatusCreated},
		{Method: "GET", Path: "/components/{id}", Tag: "components", Role: domain.RoleViewer, Summary: "Read a component", Response: domain.Component{}},
		{Method: "PUT", Path: "/components/{id}", Tag: "components", Role: domain.RoleAdmin, Summary: "Replace a component (with version)", Request: componentInput{}, Response: domain.Component{}},
		{Method: "DELETE", Path: "/components/{id}", Tag: "components", Role: domain.RoleAdmin, Summary: "Delete a component", Status: http.StatusNoContent},

		{Method: "GET", Path: "/incidents", Tag: "incidents", Role: domain.RoleViewer, Summary: "List incidents (summaries), newest first", Query: incidentQuery, Response: cursorEnvelope[store.IncidentSummary]{}},
		{Method: "POST", Path: "/incidents", Tag: "incidents", Role: domain.RoleAuthor, Summary: "Create an incident", Request: incidentCreate{}, Response: domain.Incident{}, Status: http.StatusCreated},
		{Method: "GET", Path: "/incidents/{id}", Tag: "incidents", Role: domain.RoleViewer, Summary: "Read an incident", Response: domain.Incident{}},
		{Method: "PUT", Path: "/incidents/{id}", Tag: "incidents", Role: domain.RoleAuthor, Summary: "Replace an incident (with version)", Request: domain.Incident{}, Response: domain.Incident{}},
		{Method: "DELETE", Path: "/incidents/{id}", Tag: "incidents", Role: domain.RoleAdmin, Summary: "Delete an incident", Status: http.StatusNoContent},
		{Method: "POST", Path: "/incidents/{id}/updates", Tag: "incidents", Role: domain.RoleAuthor, Summary: "Append an update", Request: updateInput{}, Response: domain.Incident{}, Status: http.StatusCreated},

		{Method: "GET", Path: "/rcas", Tag: "rcas", Role: domain.RoleViewer, Summary: "List or search RCAs (summaries), most recently updated first", Query: rcaQuery, Response: cursorEnvelope[store.RCASummary]{}},
		{Method: "POST", Path: "/rcas", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Create an RCA from a template", Request: rcaCreate{}, Response: domain.RCA{}, Status: http.StatusCreated},
		{Method: "GET", Path: "/rcas/{id}", Tag: "rcas", Role: domain.RoleViewer, Summary: "Read an RCA (by id or slug), with its derived metrics", Response: rcaWithMetrics{}},
		{Method: "PUT", Path: "/rcas/{id}", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Replace an RCA (with version; 409 with the current document when stale)", Request: domain.RCA{}, Response: rcaWithMetrics{}},
		{Method: "DELETE", Path: "/rcas/{id}", Tag: "rcas", Role: domain.RoleAdmin, Summary: "Delete an RCA with its revisions and comments", Status: http.StatusNoContent},
		{Method: "PUT", Path: "/rcas/{id}/sections/{key}", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Save one section (409 with the current section when base_revision is stale)", Request: sectionSave{}, Response: domain.RCA{}},
		{Method: "POST", Path: "/rcas/{id}/state", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Move to another workflow state; send the version read (422 without it, 409 when stale). A submit needs the required sections and quality checks (422 submit_blocked listing each failing section by key and label) unless override_reason is given; an approval needs every comment resolved (422 approval_blocked naming them)", Request: stateChange{}, Response: domain.RCA{}},
		{Method: "PUT", Path: "/rcas/{id}/reviewers", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Assign the reviewers (owner or admin; version read: 422 without, 409 when stale); the newly assigned are notified", Request: reviewersBody{}, Response: domain.RCA{}},
		{Method: "GET", Path: "/me/queue", Tag: "auth", Role: domain.RoleViewer, Summary: "What waits for the caller: review_requested, changes_requested, draft_stale, action_item_overdue", Response: queueAnswer{}},
		{Method: "GET", Path: "/me/notifications", Tag: "auth", Role: domain.RoleViewer, Summary: "The caller's newest in-app notifications and how many are unread", Response: noticesAnswer{}},
		{Method: "POST", Path: "/me/notifications/seen", Tag: "auth", Role: domain.RoleViewer, Summary: "Mark the caller's notifications read", Status: http.StatusNoContent},
		{Method: "GET", Path: "/rcas/{id}/revisions", Tag: "rcas", Role: domain.RoleViewer, Summary: "Revision history, newest first", Response: listOf[store.RevisionInfo]{}},
		{Method: "GET", Path: "/rcas/{id}/revisions/{version}", Tag: "rcas", Role: domain.RoleViewer, Summary: "One revision with its snapshot", Response: store.Revision{}},
		{Method: "POST", Path: "/rcas/{id}/restore/{version}", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Restore an old revision's content as a new revision", Response: domain.RCA{}},
		{Method: "GET", Path: "/rcas/{id}/comments", Tag: "rcas", Role: domain.RoleViewer, Summary: "Review comments, oldest first", Response: listOf[commentAnswer]{}},
		{Method: "POST", Path: "/rcas/{id}/comments", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Add a review comment", Request: commentInput{}, Response: commentAnswer{}, Status: http.StatusCreated},
		{Method: "POST", Path: "/rcas/{id}/comments/{cid}/resolve", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Resolve a comment", Response: commentAnswer{}},
		{Method: "POST", Path: "/rcas/{id}/incidents", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Link an incident", Request: linkInput{}, Response: domain.RCA{}},
		{Method: "DELETE", Path: "/rcas/{id}/incidents/{incident_id}", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Unlink an incident", Response: domain.RCA{}},

		{Method: "GET", Path: "/users", Tag: "users", Role: domain.RoleAdmin, Summary: "List users", Response: listOf[domain.User]{}},
		{Method: "POST", Path: "/users", Tag: "users", Role: domain.RoleAdmin, Summary: "Create a user", Request: userCreate{}, Response: domain.User{}, Status: http.StatusCreated},
		{Method: "PUT", Path: "/users/{id}", Tag: "users", Role: domain.RoleAdmin, Summary: "Change a user's role, name, password or disabled flag", Request: userUpdate{}, Response: domain.User{}},
		{Method: "GET", Path: "/audit", Tag: "users", Role: domain.RoleAdmin, Summary: "Audit log, newest first", Query: auditQuery, Response: listOf[domain.AuditEvent]{}},

		{Method: "GET", Path: "/tokens", Tag: "tokens", Role: domain.RoleViewer, Summary: "The caller's API tokens (admins: ?user_id=)",
			Query: []queryParam{{Name: "user_id", Type: "string"}}, Response: listOf[domain.APIToken]{}},
		{Method: "POST", Path: "/tokens", Tag: "tokens", Role: domain.RoleViewer, Summary: "Create an API token; the secret is shown once", Request: tokenCreate{}, Response: tokenCreated{}, Status: http.StatusCreated},
		{Method: "DELETE", Path: "/tokens/{id}", Tag: "tokens", Role: domain.RoleViewer, Summary: "Revoke a token", Status: http.StatusNoContent},
	}
}

// listOf is the documented shape of a list answer.
type listOf[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit,omitempty"`
	Offset int `json:"offset,omitempty"`
}

// apiOpenAPI serves the OpenAPI 3.0 document, built once.
func (s *Server) apiOpenAPI(c *gin.Context) {
	s.openapiOnce.Do(func() { s.openapiDoc = buildOpenAPI(s.cfg, s.apiOps) })
	c.JSON(http.StatusOK, s.openapiDoc)
}

func buildOpenAPI(cfg Config, ops []apiOp) map[string]any {
	sb := newSchemaBuilder()
	paths := map[string]map[string]any{}
	for _, op := range ops {
		item := paths[op.Path]
		if item == nil {
			item = map[string]any{}
			paths[op.Path] = item
		}
		item[strings.ToLower(op.Method)] = sb.operation(op)
	}
	server := "/api/v1"
	if cfg.BaseURL != "" {
		server = cfg.BaseURL + "/api/v1"
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "Hindsight API",
			"version":     cfg.Version,
			"description": "Write, review, export and publish RCAs. Send `Authorization: Bearer hst_...` or use the browser session (then send X-CSRF-Token on unsafe methods). Errors are `{\"error\": {\"code\", \"message\"}}`.",
		},
		"servers": []any{map[string]any{"url": server}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": sb.schemas,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "An API token, hst_..."},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
			"responses": map[string]any{
				"Error": map[string]any{"description": "An error", "content": jsonContent(map[string]any{"$ref": "#/components/schemas/Error"})},
			},
		},
	}
}

func jsonContent(schema any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

func (sb *schemaBuilder) operation(op apiOp) map[string]any {
	o := map[string]any{
		"summary":     op.Summary,
		"tags":        []string{op.Tag},
		"operationId": operationID(op.Method, op.Path),
	}
	var params []any
	for _, name := range pathParams(op.Path) {
		params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range op.Query {
		schema := map[string]any{"type": q.Type}
		if q.Array {
			schema = map[string]any{"type": "array", "items": map[string]any{"type": q.Type}}
		}
		p := map[string]any{"name": q.Name, "in": "query", "schema": schema}
		if q.Description != "" {
			p["description"] = q.Description
		}
		params = append(params, p)
	}
	if params != nil {
		o["parameters"] = params
	}
	if op.Request != nil {
		o["requestBody"] = map[string]any{"required": true, "content": jsonContent(sb.schema(reflect.TypeOf(op.Request)))}
	}
	status := op.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	if op.Response != nil {
		media := op.Produces
		if media == "" {
			ok["content"] = jsonContent(sb.schema(reflect.TypeOf(op.Response)))
		} else {
			ok["content"] = map[string]any{media: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
		}
	}
	responses := map[string]any{strconv.Itoa(status): ok}
	errRef := map[string]any{"$ref": "#/components/responses/Error"}
	if op.Role != "" {
		o["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}
		o["description"] = "Needs role " + string(op.Role) + " or higher."
		responses["401"], responses["403"] = errRef, errRef
	}
	if op.Request != nil {
		responses["400"], responses["413"], responses["422"] = errRef, errRef, errRef
	}
	if op.Method != "GET" && op.Method != "HEAD" {
		responses["415"] = errRef // hygiene: a body that is not JSON
	}
	if strings.Contains(op.Path, "{") {
		responses["404"] = errRef
	}
	if op.Method == "PUT" || op.Method == "POST" {
		responses["409"] = errRef
	}
	responses["503"] = errRef
	o["responses"] = responses
	return o
}

func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, part := range strings.Split(path, "/") {
		part = strings.Trim(part, "{}")
		part = strings.ReplaceAll(strings.ReplaceAll(part, ".", "_"), "-", "_")
		for _, w := range strings.Split(part, "_") {
			if w != "" {
				b.WriteString(strings.ToUpper(w[:1]) + w[1:])
			}
		}
	}
	return b.String()
}

func pathParams(path string) []string {
	var out []string
	for _, part := range strings.Split(path, "/") {
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			out = append(out, part[1:len(part)-1])
		}
	}
	return out
}

// schemaBuilder derives JSON schemas from Go types by their json tags.
// Named struct types become components; the rest are inlined.
type schemaBuilder struct {
	schemas map[string]any
}

func newSchemaBuilder() *schemaBuilder {
	sb := &schemaBuilder{schemas: map[string]any{}}
	sb.schemas["Error"] = map[string]any{
		"type": "object", "required": []string{"error"},
		"properties": map[string]any{"error": map[string]any{
			"type": "object", "required": []string{"code", "message"},
			"properties": map[string]any{
				"code":     map[string]any{"type": "string"},
				"message":  map[string]any{"type": "string"},
				"problems": map[string]any{"type": "array", "items": sb.schema(reflect.TypeOf(domain.Problem{}))},
				"current":  map[string]any{"type": "object", "description": "the record as stored now (409)"},
			},
		}},
	}
	return sb
}

var (
	timeType = reflect.TypeOf(time.Time{})
	dateType = reflect.TypeOf(domain.Date{})
	// enumValues lists the values of the domain's string enums.
	enumValues = map[reflect.Type][]string{
		reflect.TypeOf(domain.Impact("")):          stringsOf(domain.Impacts),
		reflect.TypeOf(domain.IncidentStatus("")):  stringsOf(domain.IncidentStatuses),
		reflect.TypeOf(domain.UpdateStatus("")):    stringsOf(domain.UpdateStatuses),
		reflect.TypeOf(domain.ComponentStatus("")): stringsOf(domain.ComponentStatuses),
		reflect.TypeOf(domain.RCAState("")):        stringsOf(domain.RCAStates),
		reflect.TypeOf(domain.Visibility("")):      stringsOf(domain.Visibilities),
		reflect.TypeOf(domain.TimelineKind("")):    stringsOf(domain.TimelineKinds),
		reflect.TypeOf(domain.ActionState("")):     stringsOf(domain.ActionStates),
		reflect.TypeOf(domain.Severity("")):        append([]string{""}, stringsOf(domain.Severities)...),
		reflect.TypeOf(domain.Role("")):            stringsOf(domain.Roles),
		reflect.TypeOf(domain.TokenScope("")):      {"read", "write", "admin"},
		reflect.TypeOf(domain.TimePrecision("")):   stringsOf(domain.TimePrecisions),
	}
)

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func (sb *schemaBuilder) schema(t reflect.Type) map[string]any {
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	var out map[string]any
	switch {
	case t == timeType:
		out = map[string]any{"type": "string", "format": "date-time"}
	case t == dateType: // metrics area: calendar days
		out = map[string]any{"type": "string", "format": "date"}
	case enumValues[t] != nil:
		out = map[string]any{"type": "string", "enum": enumValues[t]}
	default:
		switch t.Kind() {
		case reflect.String:
			out = map[string]any{"type": "string"}
		case reflect.Bool:
			out = map[string]any{"type": "boolean"}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			out = map[string]any{"type": "integer"}
		case reflect.Float32, reflect.Float64:
			out = map[string]any{"type": "number"}
		case reflect.Slice, reflect.Array:
			out = map[string]any{"type": "array", "items": sb.schema(t.Elem())}
		case reflect.Map:
			out = map[string]any{"type": "object", "additionalProperties": sb.schema(t.Elem())}
		case reflect.Interface:
			out = map[string]any{}
		case reflect.Struct:
			out = sb.structSchema(t)
		default:
			out = map[string]any{}
		}
	}
	if nullable {
		if _, isRef := out["$ref"]; isRef {
			out = map[string]any{"allOf": []any{out}, "nullable": true}
		} else {
			out["nullable"] = true
		}
	}
	return out
}

func (sb *schemaBuilder) structSchema(t reflect.Type) map[string]any {
	name := schemaName(t)
	if name != "" {
		if _, done := sb.schemas[name]; done {
			return map[string]any{"$ref": "#/components/schemas/" + name}
		}
		sb.schemas[name] = map[string]any{} // placeholder against recursion
	}
	props := map[string]any{}
	sb.addFields(t, props)
	obj := map[string]any{"type": "object", "properties": props}
	if name == "" {
		return obj
	}
	sb.schemas[name] = obj
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

func (sb *schemaBuilder) addFields(t reflect.Type, props map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				sb.addFields(ft, props)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = sb.schema(f.Type)
	}
}

// schemaName names a struct type for components; anonymous and generic
// types are inlined.
func schemaName(t reflect.Type) string {
	n := t.Name()
	if n == "" || strings.Contains(n, "[") {
		return ""
	}
	pkg := t.PkgPath()
	switch {
	case strings.HasSuffix(pkg, "/domain"):
		return n
	case strings.HasSuffix(pkg, "/store"):
		return n
	}
	return strings.ToUpper(n[:1]) + n[1:]
}
