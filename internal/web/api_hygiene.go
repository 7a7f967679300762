package web

// Input hygiene of the JSON API (area "hygiene", issue 10 finding 13): every
// JSON endpoint refuses other content types (415) and unknown members (400)
// alike, endpoints without a body included; every PUT accepts the document
// its GET answered, read-only members ignored while unchanged.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// maxRCABodyBytes is the body limit of PUT /api/v1/rcas/{id}: an RCA at
// its text limit (domain.MaxRCATextBytes) must fit as JSON, escapes and
// member names included, so that the domain can answer 413 naming it.
const maxRCABodyBytes = 4 * domain.MaxRCATextBytes

// bodyless lists the API routes that take no body. Sending one anyway is
// refused like an unknown member, not silently ignored.
var bodyless = map[string]bool{
	// subs: POST /api/v1/rcas/:id/publish takes an optional {"notify"}.
	"POST /api/v1/rcas/:id/restore/:version":         true,
	"POST /api/v1/rcas/:id/comments/:cid/resolve":    true,
	"DELETE /api/v1/session":                         true,
	"DELETE /api/v1/components/:id":                  true,
	"DELETE /api/v1/incidents/:id":                   true,
	"DELETE /api/v1/rcas/:id":                        true,
	"DELETE /api/v1/rcas/:id/incidents/:incident_id": true,
	"DELETE /api/v1/tokens/:id":                      true,
	"DELETE /api/v1/targets/:id":                     true,
	// tmpl area (issue 14): DELETE retires.
	"DELETE /api/v1/templates/:key":         true,
	"DELETE /api/v1/factors/:key":           true,
	"DELETE /api/v1/subscribers/:id":        true, // subs
	"DELETE /api/v1/rcas/:id/timeline/:eid": true, // collab
	"POST /api/v1/me/notifications/seen":    true, // flow
}

// jsonBodies checks every API request that carries a body before its
// handler runs: the body must be JSON (else 415), and a route that takes
// no body accepts at most an empty object (else 400 naming the member).
func (s *Server) jsonBodies() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			c.Next()
			return
		}
		if !strings.HasPrefix(c.Request.URL.Path, "/api/") || c.Request.Body == nil || c.Request.Body == http.NoBody ||
			rawBodyRoutes[c.Request.Method+" "+c.FullPath()] { // images: a multipart upload
			c.Next()
			return
		}
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				abortJSON(c, http.StatusRequestEntityTooLarge, codeTooLarge, "")
				return
			}
			abortJSON(c, http.StatusBadRequest, codeBadRequest, "The request body could not be read.")
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		trimmedBody := bytes.TrimSpace(body)
		if len(trimmedBody) == 0 {
			c.Next()
			return
		}
		if !isJSONType(c.ContentType()) {
			abortJSON(c, http.StatusUnsupportedMediaType, codeUnsupportedMedia, "")
			return
		}
		if bodyless[c.Request.Method+" "+c.FullPath()] && !decodeStrict(c, trimmedBody, &struct{}{}) {
			return
		}
		c.Next()
	}
}

// bindReplace is bindJSON for a PUT. Members that v does not take but a
// current document carries (the resource as its GET answers it) are
// read-only: equal to the current value they are ignored, different they
// are 422 naming them. When the body's version differs from the current
// one they are ignored either way: the handler answers the stale version
// with 409. Members in neither stay unknown (400).
func (s *Server) bindReplace(c *gin.Context, v any, currents ...any) bool {
	return s.bindReplaceIgnoring(c, v, nil, currents...)
}

// bindReplaceIgnoring is bindReplace where the members named in ignore are
// taken whatever their value: they describe the request that read the
// document (GET /me's token and CSRF token), not the resource.
func (s *Server) bindReplaceIgnoring(c *gin.Context, v any, ignore []string, currents ...any) bool {
	body, ok := readJSONBody(c)
	if !ok {
		return false
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(body, &members) != nil || members == nil {
		return decodeStrict(c, body, v) // the strict decoder explains what is wrong
	}
	known := jsonMembers(reflect.TypeOf(v))
	docs := make([]map[string]json.RawMessage, 0, len(currents))
	for _, cur := range currents {
		raw, err := json.Marshal(cur)
		if err != nil {
			s.apiError(c, err)
			return false
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			s.apiError(c, err)
			return false
		}
		docs = append(docs, m)
	}
	stale := false
	if bv, ok := members["version"]; ok {
		for _, d := range docs {
			if dv, ok := d["version"]; ok && !sameJSON(bv, dv) {
				stale = true
			}
		}
	}
	var ps []domain.Problem
	for name, val := range members {
		if known[strings.ToLower(name)] {
			continue
		}
		if slices.Contains(ignore, name) {
			delete(members, name)
			continue
		}
		inDoc, equal := false, false
		for _, d := range docs {
			if dv, ok := d[name]; ok {
				inDoc = true
				equal = equal || sameJSON(val, dv)
			}
		}
		if !inDoc {
			continue // unknown: the strict decoder refuses it
		}
		delete(members, name)
		if !equal && !stale {
			ps = append(ps, domain.Problem{Field: name, Code: domain.CodeReadOnly, Detail: "read-only; send it unchanged or leave it out"})
		}
	}
	if len(ps) > 0 {
		s.apiError(c, &domain.ValidationError{Problems: ps})
		return false
	}
	rest, err := json.Marshal(members)
	if err != nil {
		s.apiError(c, err)
		return false
	}
	return decodeStrict(c, rest, v)
}

// jsonMembers is the set of member names (lowercased, as encoding/json
// matches them) that decoding into a value of type t takes.
func jsonMembers(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			name, _, _ := strings.Cut(tag, ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				walk(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			out[strings.ToLower(name)] = true
		}
	}
	walk(t)
	return out
}

// sameJSON reports whether two JSON values are equal; strings that are
// RFC 3339 times compare as instants.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return sameValue(x, y)
}

func sameValue(x, y any) bool {
	switch xv := x.(type) {
	case string:
		yv, ok := y.(string)
		if !ok {
			return false
		}
		if xv == yv {
			return true
		}
		tx, errx := time.Parse(time.RFC3339Nano, xv)
		ty, erry := time.Parse(time.RFC3339Nano, yv)
		return errx == nil && erry == nil && tx.Equal(ty)
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok || len(xv) != len(yv) {
			return false
		}
		for k, v := range xv {
			if w, ok := yv[k]; !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	case []any:
		yv, ok := y.([]any)
		if !ok || len(xv) != len(yv) {
			return false
		}
		for i := range xv {
			if !sameValue(xv[i], yv[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(x, y)
}

// tooLarge reports whether a problem is a document over its text limit.
func tooLarge(ps []domain.Problem) bool {
	for _, p := range ps {
		if p.Code == domain.CodeTooLarge {
			return true
		}
	}
	return false
}

// translateProblem is a problem's message in the request's language; the
// catalog text may name the field and the limit ({{.Field}}, {{.Limit}}).
func (s *Server) translateProblem(c *gin.Context, p domain.Problem) (string, bool) {
	key := "error.validation." + p.Code
	if s.catalog == nil || !s.catalog.Has(i18n.DefaultLanguage, key) {
		return "", false
	}
	return s.catalog.Localizer(s.requestLang(c)).T(key, map[string]any{"Field": p.Field, "Limit": p.Limit}), true
}

// changedReadOnly refuses a replace body whose id or created_at names
// another value than the stored record's, for inputs that embed the whole
// domain type (incidents, RCAs) and so take those members. Unchanged or
// absent they are ignored.
func changedReadOnly(id, curID string, created, curCreated time.Time) error {
	var ps []domain.Problem
	if id != "" && id != curID {
		ps = append(ps, domain.Problem{Field: "id", Code: domain.CodeReadOnly, Detail: "read-only; send it unchanged or leave it out"})
	}
	if !created.IsZero() && !created.Equal(curCreated) {
		ps = append(ps, domain.Problem{Field: "created_at", Code: domain.CodeReadOnly, Detail: "read-only; send it unchanged or leave it out"})
	}
	if len(ps) > 0 {
		return &domain.ValidationError{Problems: ps}
	}
	return nil
}
