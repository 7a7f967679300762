package web

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
)

// stateChange is the body of POST /api/v1/rcas/{id}/state.
type stateChange struct {
	To      domain.RCAState `json:"to"`
	Comment string          `json:"comment"`
	// Version, when sent, must be the version read (else 409); when omitted
	// the move applies to the RCA as it is now.
	Version int64 `json:"version"`
}

// stateHook is called after an RCA changed state, with the RCA as stored.
type stateHook func(ctx context.Context, r domain.RCA, from domain.RCAState, by domain.User)

// onStateChange registers fn to run after every successful state change (the
// publishing area uses it to notify targets). Call it from a register hook.
func (s *Server) onStateChange(fn stateHook) { s.stateHooks = append(s.stateHooks, fn) }

func (s *Server) apiRCAState(c *gin.Context) {
	var in stateChange
	if !bindJSON(c, &in) {
		return
	}
	r, err := s.transitionRCA(c.Request.Context(), mustUser(c), effectiveRole(c), c.Param("id"), in)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// transitionRCA moves an RCA to another state; the domain decides whether the
// role may. Page handlers call it too.
func (s *Server) transitionRCA(ctx context.Context, u domain.User, role domain.Role, id string, in stateChange) (domain.RCA, error) {
	var r domain.RCA
	var from domain.RCAState
	move := func() error {
		var err error
		if r, err = s.store.GetRCA(ctx, id); err != nil {
			return err
		}
		if in.Version != 0 && in.Version != r.Version {
			return conflictWith(r)
		}
		from = r.State
		if err := r.Transition(in.To, u.ID, role, in.Comment, s.now()); err != nil {
			return err
		}
		note := "state " + string(in.To)
		if ev := publish.EventOf(from, in.To); ev != "" {
			// scalemulti: into or out of published, the state change and
			// its deliveries are one atomic store write.
			_, err := publish.Publish(ctx, s.store, &r, u.ID, note, ev, s.now())
			return err
		}
		return s.store.UpdateRCA(ctx, &r, u.ID, note)
	}
	// Without a version the caller asked to move the RCA as it is now, so a
	// save that slipped in between is no reason to fail: read again and retry
	// (the domain re-checks the move against the fresh state).
	var err error
	if in.Version == 0 {
		err = retryConflict(move)
	} else {
		err = move()
	}
	if err != nil {
		return domain.RCA{}, err
	}
	detail := map[string]string{"from": string(from), "to": string(in.To)}
	if in.Comment != "" {
		detail["comment"] = trimmed(in.Comment)
	}
	s.audit(ctx, u.ID, "rca.state", "rca:"+r.ID, detail)
	for _, fn := range s.stateHooks {
		fn(ctx, r, from, u)
	}
	return r, nil
}
