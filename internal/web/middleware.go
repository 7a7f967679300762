package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/auth"
)

// ctxKey keys values Hindsight puts in a request's context.Context, so code
// that only has the context (the audit log, the store) can read them.
type ctxKey int

const (
	ctxRequestID ctxKey = iota
	ctxClientIP
)

// gin context keys set by the middleware.
const (
	keyRequestID = "hindsight.request_id"
)

// recovery turns a panic into a logged 500 in the usual error shape. A panic
// with http.ErrAbortHandler is passed on: it means "drop the connection".
func (s *Server) recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if err, ok := rec.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(rec)
			}
			s.log.Error("panic", "request_id", requestID(c), "method", c.Request.Method,
				"path", c.Request.URL.Path, "panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
			if c.Writer.Written() {
				c.Abort()
				return
			}
			s.respondError(c, http.StatusInternalServerError, codeInternal, "")
		}()
		c.Next()
	}
}

// requestID gives every request an id: the caller's X-Request-ID when it is
// short and plain, else a fresh one. It is echoed in the response, logged
// with every line about the request and put in the request's context.
func (s *Server) requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !plainID(id) {
			id = auth.RandomString(12)
		}
		c.Set(keyRequestID, id)
		c.Header("X-Request-ID", id)
		ctx := context.WithValue(c.Request.Context(), ctxRequestID, id)
		ctx = context.WithValue(ctx, ctxClientIP, c.ClientIP())
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

func plainID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}

// requestID returns the id the requestID middleware gave c.
func requestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// clientIPFrom returns the client address stored in ctx by the middleware.
func clientIPFrom(ctx context.Context) string {
	ip, _ := ctx.Value(ctxClientIP).(string)
	return ip
}

// accessLog writes one structured line per request after it is answered.
func (s *Server) accessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := []slog.Attr{
			slog.String("request_id", requestID(c)),
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.String("route", c.FullPath()),
			slog.Int("status", status),
			slog.Int("bytes", c.Writer.Size()),
			slog.Duration("duration", time.Since(start)),
			slog.String("ip", c.ClientIP()),
		}
		if u, ok := currentUser(c); ok {
			attrs = append(attrs, slog.String("user_id", u.ID))
		}
		s.log.LogAttrs(c.Request.Context(), level, "request", attrs...)
	}
}

// bodyLimit refuses bodies over cfg.MaxBodyBytes (or the route's own limit,
// see setBodyLimit) with 413: at once when the declared length is too large,
// else when a handler reads past the limit (bindJSON turns the read error
// into 413).
func (s *Server) bodyLimit() gin.HandlerFunc {
	return func(c *gin.Context) {
		limit := s.cfg.MaxBodyBytes
		if n, ok := s.bodyLimits[c.Request.Method+" "+c.FullPath()]; ok {
			limit = n
		}
		if c.Request.ContentLength > limit {
			s.respondError(c, http.StatusRequestEntityTooLarge, codeTooLarge, "")
			return
		}
		if c.Request.Body != nil && c.Request.Body != http.NoBody {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}

// setBodyLimit gives one route its own body limit (an import of a large
// Statuspage export, say). pattern is the route as registered, e.g.
// "/api/v1/import/statuspage". Call it from a register hook.
func (s *Server) setBodyLimit(method, pattern string, n int64) {
	if s.bodyLimits == nil {
		s.bodyLimits = map[string]int64{}
	}
	s.bodyLimits[method+" "+pattern] = n
}

// securityHeaders sets headers every answer carries (security_headers.go).
func (s *Server) securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		setSecurityHeaders(c.Writer.Header(), s.secureContext(c))
		c.Next()
	}
}

// notFound answers unknown routes: JSON for the API, a page for browsers.
func (s *Server) notFound(c *gin.Context) {
	s.respondError(c, http.StatusNotFound, codeNotFound, "")
}

// methodNotAllowed answers a known path with the wrong method.
func (s *Server) methodNotAllowed(c *gin.Context) {
	s.respondError(c, http.StatusMethodNotAllowed, codeMethodNotAllowed, "")
}
