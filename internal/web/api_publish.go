package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
)

// publishResult is the answer of publish and unpublish: the RCA as stored
// and the deliveries queued for the targets.
type publishResult struct {
	RCA        domain.RCA        `json:"rca"`
	Deliveries []domain.Delivery `json:"deliveries"`
}

// unpublishRequest is the body of POST /api/v1/rcas/{id}/unpublish.
type unpublishRequest struct {
	Comment string `json:"comment"`
	Version int64  `json:"version"`
}

// apiRCAPublish publishes an approved RCA (or re-publishes a published one
// after an edit) to the status page and queues a delivery for every enabled
// target. Re-publishing updates each target instead of duplicating it.
func (s *Server) apiRCAPublish(c *gin.Context) {
	ctx := c.Request.Context()
	u := mustUser(c)
	r, err := s.store.GetRCA(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	switch r.State {
	case domain.StateApproved:
		r, err = s.transitionRCA(ctx, u, effectiveRole(c), r.ID, stateChange{To: domain.StatePublished, Version: r.Version})
	case domain.StatePublished:
		// re-publish: the version as it is now goes out as rca.updated, in
		// one atomic write with a revision of its own (scalemulti)
		_, err = publish.Publish(ctx, s.store, &r, u.ID, "republished", publish.EventPublished, s.now())
	default:
		s.apiError(c, &httpError{Status: http.StatusConflict, Code: codeInvalidTransition,
			Message: "Only an approved or published RCA can be published.", Err: domain.ErrInvalidTransition})
		return
	}
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.enqueueAndAnswer(ctx, c, u, r, "rca.publish")
}

// enqueueAndAnswer ends a publish or unpublish, whose deliveries the store
// wrote with the RCA's version r: it audits action, refreshes the status
// page, wakes the worker and answers with the RCA and those deliveries.
func (s *Server) enqueueAndAnswer(ctx context.Context, c *gin.Context, u domain.User, r domain.RCA, action string) {
	all, err := s.store.ListDeliveries(ctx, r.ID)
	if err != nil {
		s.apiError(c, err)
		return
	}
	ds := []domain.Delivery{}
	for i := len(all) - 1; i >= 0; i-- { // oldest first, as they were planned
		if all[i].RCAVersion == r.Version {
			ds = append(ds, all[i])
		}
	}
	s.audit(ctx, u.ID, action, "rca:"+r.ID, map[string]string{
		"version": strconv.FormatInt(r.Version, 10), "deliveries": strconv.Itoa(len(ds)),
	})
	if a := s.status(); a != nil {
		a.site.Invalidate()
		if len(ds) > 0 {
			a.worker.Wake()
		}
	}
	c.JSON(http.StatusOK, publishResult{RCA: r, Deliveries: ds})
}
