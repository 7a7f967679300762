package web

import (
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/policy"
)

// TestRouteWithoutActionFailsStartUp: a route added to the engine without
// naming its policy action (s.handle) stops the server from starting, and
// so does an action the policy does not know.
func TestRouteWithoutActionFailsStartUp(t *testing.T) {
	e := newEnv(t)
	if len(e.srv.setup) != 0 {
		t.Fatalf("set-up errors on a normal server: %v", e.srv.setup)
	}
	e.srv.engine.GET("/sneaky", func(c *gin.Context) { c.String(200, "ok") })
	e.srv.checkRouteActions(e.srv.engine)
	if len(e.srv.setup) != 1 || !strings.Contains(e.srv.setup[0].Error(), "GET /sneaky names no policy action") {
		t.Fatalf("set-up errors = %v", e.srv.setup)
	}
	e.srv.setup = nil
	e.srv.handle(e.srv.engine, "GET", "/made-up", policy.Action("made.up"), func(c *gin.Context) {})
	if len(e.srv.setup) != 1 || !strings.Contains(e.srv.setup[0].Error(), "unknown policy action") {
		t.Fatalf("set-up errors = %v", e.srv.setup)
	}
}
