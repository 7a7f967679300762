package web

import (
	"io"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestPerRouteBodyLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxBodyBytes = 2048 })
	e.srv.setBodyLimit("POST", "/api/v1/test-big", 8192)
	read := func(c *gin.Context) {
		if _, err := io.ReadAll(c.Request.Body); err != nil {
			e.srv.apiError(c, err)
			return
		}
		c.Status(204)
	}
	e.srv.engine.POST("/api/v1/test-big", read)
	e.srv.engine.POST("/api/v1/test-small", read)
	body := strings.Repeat("x", 4096)
	if w := e.serve(req{method: "POST", path: "/api/v1/test-big", body: body}); w.Code != 204 {
		t.Fatalf("big route: %d", w.Code)
	}
	if w := e.serve(req{method: "POST", path: "/api/v1/test-small", body: body}); w.Code != 413 {
		t.Fatalf("small route: %d", w.Code)
	}
	r := newRequestNoLength("POST", "/api/v1/test-small", strings.NewReader(body))
	w := recorder()
	e.srv.Handler().ServeHTTP(w, r)
	if w.Code != 413 || decodeErr(t, w).Error.Code != codeTooLarge {
		t.Fatalf("undeclared length: %d %s", w.Code, w.Body)
	}
	if w := e.serve(req{method: "POST", path: "/api/v1/test-big", body: strings.Repeat("x", 9000)}); w.Code != 413 {
		t.Fatalf("over the route's own limit: %d", w.Code)
	}
}
