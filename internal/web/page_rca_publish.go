package web

import (
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// rcaPublish is the Publish button. Publishing (status page, external
// targets, deliveries) belongs to the JSON API's POST /api/v1/rcas/:id/publish;
// the button calls that handler in-process with the browser's own session
// and CSRF token, so the rules are the API's, and answers with a redirect
// and a message instead of JSON.
func (p *pages) rcaPublish(c *gin.Context) {
	id := c.Param("id")
	u, _ := currentUser(c)
	if !u.Role.Allows(domain.RoleReviewer) {
		p.s.respondError(c, http.StatusForbidden, codeForbidden, "")
		return
	}
	req := httptest.NewRequestWithContext(c.Request.Context(), http.MethodPost, "/api/v1/rcas/"+id+"/publish", nil)
	req.RemoteAddr = c.Request.RemoteAddr
	// The audit log names the client: keep what a trusted proxy said.
	for _, h := range []string{"X-Forwarded-For", "X-Real-IP", "X-Forwarded-Proto"} {
		if v := c.GetHeader(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	for _, ck := range c.Request.Cookies() {
		req.AddCookie(ck)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set(csrfHeader, csrfToken(c))
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	p.s.engine.ServeHTTP(rec, req)
	switch {
	case rec.Code >= 200 && rec.Code < 300:
		p.setFlash(c, "ok", "ui.flash.published")
	case rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed:
		p.setFlash(c, "error", "ui.flash.publish_unavailable")
	case rec.Code == http.StatusConflict:
		p.setFlash(c, "error", "ui.flash.invalid_transition")
	default:
		p.s.log.Warn("publish from page failed", "request_id", requestID(c), "status", rec.Code, "body", rec.Body.String())
		p.setFlash(c, "error", "ui.flash.publish_failed")
	}
	redirect(c, "/rcas/"+id)
}
