package web

import (
	"context"
	"errors"
	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Error codes sent to clients in {"error": {"code": ...}}. They are stable:
// API clients branch on them, and the catalogs translate them as error.<code>.
const (
	codeBadRequest        = "bad_request"
	codeInvalidJSON       = "invalid_json"
	codeUnauthorized      = "unauthorized"
	codeForbidden         = "forbidden"
	codeCSRF              = "csrf"
	codeNotFound          = "not_found"
	codeMethodNotAllowed  = "method_not_allowed"
	codeConflict          = "conflict"
	codeDuplicate         = "duplicate"
	codeInvalidTransition = "invalid_transition"
	codeLocked            = "locked"
	codeTooLarge          = "too_large"
	codeInvalid           = "invalid"
	codeUnavailable       = "unavailable"
	codeInternal          = "internal"
	codePublished         = "published"              // policy area: delete a published RCA
	codeBadCursor         = "bad_cursor"             // scalesql
	codeUnsupportedMedia  = "unsupported_media_type" // hygiene
)

// defaultMessages are the English client-safe messages per code.
var defaultMessages = map[string]string{
	codeBadRequest:        "The request is malformed.",
	codeInvalidJSON:       "The request body is not valid JSON for this endpoint.",
	codeUnauthorized:      "Sign in or send a valid API token.",
	codeForbidden:         "Your role does not allow this.",
	codeCSRF:              "The form has expired or was sent from another site. Reload the page and try again.",
	codeNotFound:          "Not found.",
	codeMethodNotAllowed:  "This method is not allowed here.",
	codeConflict:          "Someone else changed this since you read it.",
	codeDuplicate:         "This already exists.",
	codeInvalidTransition: "The RCA cannot move to that state from its current state.",
	codeLocked:            "This RCA is approved, published or archived and cannot be edited. Move it back to draft first.",
	codeTooLarge:          "The request body is too large.",
	codeInvalid:           "Some values are invalid.",
	codeUnavailable:       "Storage is unavailable. Try again shortly.",
	codeInternal:          "Something went wrong on our side.",
	codePublished:         "This RCA is published. Unpublish it before deleting it.",
	codeBadCursor:         "This list position (cursor) is not valid any more. Start again from the first page.",
	codeUnsupportedMedia:  "Send the body as application/json.", // hygiene
}

// httpError separates what the client is told (Status, Code, Message, Extra)
// from what is logged (Err). Users never see Err.
type httpError struct {
	Status  int
	Code    string
	Message string         // client-safe; empty: the code's default message
	Extra   map[string]any // more members of the error object (problems, current, ...)
	Err     error          // the internal cause, logged with the request id
}

func (e *httpError) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *httpError) Unwrap() error { return e.Err }

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error map[string]any `json:"error"`
}

// abortJSON answers {"error": {"code", "message"}} with status and stops the chain.
// An empty message uses the code's default.
func abortJSON(c *gin.Context, status int, code, message string) {
	abortJSONExtra(c, status, code, message, nil)
}

func abortJSONExtra(c *gin.Context, status int, code, message string, extra map[string]any) {
	if message == "" {
		message = defaultMessages[code]
	}
	obj := map[string]any{"code": code, "message": message}
	for k, v := range extra {
		obj[k] = v
	}
	c.AbortWithStatusJSON(status, errorBody{Error: obj})
}

// classify turns any error into the httpError the client gets.
func classify(err error) *httpError {
	var he *httpError
	if errors.As(err, &he) {
		return he
	}
	if he, ok := blockedOf(err); ok { // flow: the review gates
		return he
	}
	var ce *store.ConflictError
	var ve *domain.ValidationError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ce):
		return &httpError{Status: http.StatusConflict, Code: codeConflict, Err: err,
			Extra: map[string]any{"current": ce.Current}}
	case errors.Is(err, store.ErrConflict):
		return &httpError{Status: http.StatusConflict, Code: codeConflict, Err: err}
	case errors.As(err, &ve):
		problems := ve.Problems
		if problems == nil {
			problems = []domain.Problem{}
		}
		status := http.StatusUnprocessableEntity
		if tooLarge(problems) { // hygiene: a document over its text limit is 413
			status = http.StatusRequestEntityTooLarge
		}
		return &httpError{Status: status, Code: codeInvalid, Err: err,
			Extra: map[string]any{"problems": problems}}
	case errors.Is(err, store.ErrNotFound), errors.Is(err, domain.ErrUnknownSection):
		return &httpError{Status: http.StatusNotFound, Code: codeNotFound, Err: err}
	case errors.Is(err, store.ErrDuplicate):
		return &httpError{Status: http.StatusConflict, Code: codeDuplicate, Err: err}
	case errors.Is(err, store.ErrLastAdmin): // decided atomically by the store (edges)
		return &httpError{Status: http.StatusConflict, Code: codeConflict, Err: err,
			Message: "This is the last active admin; make another user admin first."}
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return &httpError{Status: http.StatusServiceUnavailable, Code: codeUnavailable, Err: err}
	case errors.Is(err, store.ErrBadCursor): // scalesql
		return &httpError{Status: http.StatusBadRequest, Code: codeBadCursor, Err: err, Extra: map[string]any{"field": "cursor"}}
	case errors.Is(err, domain.ErrLocked):
		return &httpError{Status: http.StatusConflict, Code: codeLocked, Err: err}
	case errors.Is(err, domain.ErrInvalidTransition):
		return &httpError{Status: http.StatusConflict, Code: codeInvalidTransition, Err: err}
	case errors.Is(err, app.ErrPublished):
		return &httpError{Status: http.StatusConflict, Code: codePublished, Err: err}
	case errors.Is(err, policy.ErrUnauthenticated):
		return &httpError{Status: http.StatusUnauthorized, Code: codeUnauthorized, Err: err}
	case errors.Is(err, domain.ErrForbidden):
		return &httpError{Status: http.StatusForbidden, Code: codeForbidden, Err: err}
	case errors.As(err, &mbe):
		return &httpError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge, Err: err}
	default:
		return &httpError{Status: http.StatusInternalServerError, Code: codeInternal, Err: err}
	}
}

// apiError answers err as a JSON error and stops the chain. Server-side
// failures are logged with the request id; the client gets a generic message.
func (s *Server) apiError(c *gin.Context, err error) {
	he := classify(err)
	s.logError(c, he)
	retryAfterHeader(c.Writer.Header(), he)
	extra := he.Extra
	if ps, ok := extra["problems"].([]domain.Problem); ok {
		extra = map[string]any{"problems": s.localizeProblems(c, ps)}
	}
	if he.Code == codeSubmitBlocked || he.Code == codeApprovalBlocked { // flow
		extra = s.blockedExtra(c, err)
	}
	abortJSONExtra(c, he.Status, he.Code, s.message(c, he), extra)
}

// pageError answers err as an HTML error page (or JSON for API clients).
// Page handlers use it the same way API handlers use apiError.
func (s *Server) pageError(c *gin.Context, err error) {
	he := classify(err)
	s.logError(c, he)
	retryAfterHeader(c.Writer.Header(), he)
	s.respondError(c, he.Status, he.Code, s.message(c, he))
}

// respondError answers JSON to API clients and an HTML page to browsers.
func (s *Server) respondError(c *gin.Context, status int, code, message string) {
	if message == "" {
		message = s.message(c, &httpError{Code: code})
	}
	if wantsJSON(c) || s.errorPage == nil {
		if wantsJSON(c) {
			abortJSON(c, status, code, message)
			return
		}
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.Header("X-Content-Type-Options", "nosniff")
		c.AbortWithStatus(status)
		_, _ = c.Writer.WriteString(message + "\n")
		return
	}
	s.errorPage(c, status, code, message)
	c.Abort()
}

// message is the client-safe message for he in the request's language.
func (s *Server) message(c *gin.Context, he *httpError) string {
	if he.Message != "" {
		return he.Message
	}
	if m, ok := s.translate(c, "error."+he.Code); ok {
		return m
	}
	if m, ok := defaultMessages[he.Code]; ok {
		return m
	}
	return defaultMessages[codeInternal]
}

// catalogKeys maps error codes whose catalog key differs from error.<code>.
var catalogKeys = map[string]string{codeInvalidJSON: "error.bad_json"}

// translate looks key up in the request's language (see requestLang). It
// reports false when no catalog has the key, so callers use their English
// default instead of showing a raw key.
func (s *Server) translate(c *gin.Context, key string) (string, bool) {
	if k, ok := catalogKeys[strings.TrimPrefix(key, "error.")]; ok {
		key = k
	}
	if s.catalog == nil || !s.catalog.Has(i18n.DefaultLanguage, key) {
		return "", false
	}
	return s.catalog.Localizer(s.requestLang(c)).T(key), true
}

// requestLang is the language API answers are written in: the user's
// preference, else the Accept-Language header, else the server default.
func (s *Server) requestLang(c *gin.Context) string {
	if s.catalog == nil {
		return s.cfg.DefaultLanguage
	}
	var pref string
	if u, ok := currentUser(c); ok {
		pref = u.Language
	}
	if lang, ok := s.catalog.Lookup(pref); ok {
		return lang
	}
	if lang, ok := s.catalog.Lookup(c.GetHeader("Accept-Language")); ok {
		return lang
	}
	return s.catalog.Match(s.cfg.DefaultLanguage)
}

// problemOut is a validation problem as answered, with a localized message.
type problemOut struct {
	domain.Problem
	Message string `json:"message"`
}

func (s *Server) localizeProblems(c *gin.Context, ps []domain.Problem) []problemOut {
	out := make([]problemOut, len(ps))
	for i, p := range ps {
		msg, ok := s.translateProblem(c, p)
		if !ok {
			msg = p.Detail
		}
		out[i] = problemOut{Problem: p, Message: msg}
	}
	return out
}

func (s *Server) logError(c *gin.Context, he *httpError) {
	level := slog.LevelDebug
	if he.Status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(c.Request.Context(), level, "request failed",
		"request_id", requestID(c), "method", c.Request.Method, "path", c.Request.URL.Path,
		"status", he.Status, "code", he.Code, "err", he.Err)
}

// wantsJSON reports whether the client should get JSON rather than HTML:
// every API path, and any request that prefers JSON.
func wantsJSON(c *gin.Context) bool {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/api/") || p == "/metrics" || p == "/healthz" || p == "/readyz" {
		return true
	}
	accept := c.GetHeader("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// apiErrorWithCurrent is apiError for writes of records whose conflicts do
// not carry the current record (components, incidents): on a conflict it
// loads the record so the 409 answer includes it as "current".
func (s *Server) apiErrorWithCurrent(c *gin.Context, err error, load func() (any, error)) {
	var ce *store.ConflictError
	if errors.Is(err, store.ErrConflict) && !errors.As(err, &ce) {
		if cur, lerr := load(); lerr == nil {
			err = &httpError{Status: http.StatusConflict, Code: codeConflict, Err: err,
				Extra: map[string]any{"current": cur}}
		}
	}
	s.apiError(c, err)
}

// errNotFound is a plain 404 for handlers that find nothing without a store error.
var errNotFound = &httpError{Status: http.StatusNotFound, Code: codeNotFound}
