package web

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// tokenUseEvery is how often a token's use is written to the audit log: a
// script polling every second would otherwise flood it. The first use in
// each window is recorded, with its route and address.
const tokenUseEvery = time.Minute

// auditTokenUse records "token.use" for requests authenticated by an API
// token, at most once per token per tokenUseEvery (per process).
func (s *Server) auditTokenUse() gin.HandlerFunc {
	th := newUseThrottle(tokenUseEvery)
	return func(c *gin.Context) {
		if t, ok := currentToken(c); ok && th.allow(t.ID, s.now()) {
			route := c.FullPath()
			if route == "" {
				route = "unmatched"
			}
			s.audit(c.Request.Context(), t.UserID, "token.use", "token:"+t.ID,
				map[string]string{"name": t.Name, "scope": string(t.Scope), "request": c.Request.Method + " " + route})
		}
		c.Next()
	}
}

// useThrottle remembers when each key was last let through.
type useThrottle struct {
	every time.Duration
	mu    sync.Mutex
	last  map[string]time.Time
}

// maxThrottleKeys bounds the map; past it, stale keys are swept.
const maxThrottleKeys = 4096

func newUseThrottle(every time.Duration) *useThrottle {
	return &useThrottle{every: every, last: map[string]time.Time{}}
}

// allow reports whether key may be recorded at now, and if so remembers it.
func (u *useThrottle) allow(key string, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if at, ok := u.last[key]; ok && now.Sub(at) < u.every && !now.Before(at) {
		return false
	}
	if len(u.last) >= maxThrottleKeys {
		for k, at := range u.last {
			if now.Sub(at) >= u.every {
				delete(u.last, k)
			}
		}
	}
	u.last[key] = now
	return true
}

// auditIncident records an incident's creation (before nil) or change by
// actor; the detail names a changed status, impact or end as "from -> to".
func (s *Server) auditIncident(ctx context.Context, actor string, before *domain.Incident, after domain.Incident) {
	if before == nil {
		s.audit(ctx, actor, "incident.create", "incident:"+after.ID,
			map[string]string{"status": string(after.Status), "impact": string(after.Impact)})
		return
	}
	detail := map[string]string{}
	if before.Status != after.Status {
		detail["status"] = string(before.Status) + " -> " + string(after.Status)
	}
	if before.Impact != after.Impact {
		detail["impact"] = string(before.Impact) + " -> " + string(after.Impact)
	}
	if (before.ResolvedAt == nil) != (after.ResolvedAt == nil) {
		detail["resolved"] = boolString(after.ResolvedAt != nil)
	}
	if len(after.Updates) > len(before.Updates) {
		detail["updates"] = strconv.Itoa(len(after.Updates)-len(before.Updates)) + " added"
	}
	s.audit(ctx, actor, "incident.update", "incident:"+after.ID, detail)
}
