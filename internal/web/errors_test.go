package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{store.ErrNotFound, 404, codeNotFound},
		{fmt.Errorf("load: %w", store.ErrNotFound), 404, codeNotFound},
		{domain.ErrUnknownSection, 404, codeNotFound},
		{&store.ConflictError{}, 409, codeConflict},
		{store.ErrConflict, 409, codeConflict},
		{store.ErrDuplicate, 409, codeDuplicate},
		{fmt.Errorf("x: %w", store.ErrUnavailable), 503, codeUnavailable},
		{&domain.ValidationError{Problems: []domain.Problem{{Field: "f", Code: "required"}}}, 422, codeInvalid},
		{fmt.Errorf("%w: draft to published", domain.ErrInvalidTransition), 409, codeInvalidTransition},
		{fmt.Errorf("%w: needs reviewer", domain.ErrForbidden), 403, codeForbidden},
		{&http.MaxBytesError{Limit: 1}, 413, codeTooLarge},
		{errors.New("disk on fire"), 500, codeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			he := classify(tt.err)
			if he.Status != tt.status || he.Code != tt.code {
				t.Fatalf("got %d %s, want %d %s", he.Status, he.Code, tt.status, tt.code)
			}
		})
	}
}

func TestErrorsAreLocalized(t *testing.T) {
	e := newEnv(t)
	w := e.serve(req{method: "GET", path: "/api/v1/rcas/nope", token: e.tokens["viewer"], header: map[string]string{"Accept-Language": "de-DE,de;q=0.9"}})
	de := decodeErr(t, w).Error.Message
	w = e.serve(req{method: "GET", path: "/api/v1/rcas/nope", token: e.tokens["viewer"], header: map[string]string{"Accept-Language": "en"}})
	en := decodeErr(t, w).Error.Message
	if de == en || de == "" || de == "error.not_found" {
		t.Fatalf("German %q, English %q", de, en)
	}
	// Validation problems carry a localized message next to their code.
	w = e.serve(req{method: "POST", path: "/api/v1/incidents", token: e.tokens["author"], body: `{"title": ""}`,
		header: map[string]string{"Accept-Language": "fr"}})
	var body struct {
		Error struct {
			Problems []problemOut `json:"problems"`
		} `json:"error"`
	}
	if err := jsonUnmarshal(w.Body.Bytes(), &body); err != nil || len(body.Error.Problems) == 0 {
		t.Fatalf("problems: %s", w.Body)
	}
	for _, p := range body.Error.Problems {
		if p.Message == "" || p.Message == "error.validation."+p.Code {
			t.Fatalf("problem without a message: %+v", p)
		}
	}
	// A user's own language wins over the header.
	u := e.users["viewer"]
	u.Language = "de"
	if err := e.st.UpdateUser(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	w = e.serve(req{method: "GET", path: "/api/v1/rcas/nope", token: e.tokens["viewer"], header: map[string]string{"Accept-Language": "en"}})
	if got := decodeErr(t, w).Error.Message; got != de {
		t.Fatalf("user preference ignored: %q", got)
	}
}

// TestServerErrorsDoNotLeak: the client gets a generic message, the log the cause.
func TestServerErrorsDoNotLeak(t *testing.T) {
	e := newEnv(t)
	e.srv.engine.GET("/api/v1/test-fail", func(c *gin.Context) { e.srv.apiError(c, errors.New("secret table xyz is corrupt")) })
	w := e.serve(req{method: "GET", path: "/api/v1/test-fail"})
	if w.Code != 500 || strings.Contains(w.Body.String(), "xyz") {
		t.Fatalf("500 leaks: %s", w.Body)
	}
	if !strings.Contains(e.logs.String(), "secret table xyz is corrupt") {
		t.Fatal("cause not logged")
	}
}
