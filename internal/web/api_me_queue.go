package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
)

// queueAnswer is GET /api/v1/me/queue (flow).
type queueAnswer struct {
	Items []app.QueueItem `json:"items"`
}

// apiMeQueue lists what waits for the signed-in user.
func (s *Server) apiMeQueue(c *gin.Context) {
	items, err := s.app.Queue(c.Request.Context(), actorOf(c), s.orgZone())
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, queueAnswer{Items: items})
}

// noticesAnswer is GET /api/v1/me/notifications (flow).
type noticesAnswer struct {
	Items  []app.Notice `json:"items"`
	Unread int          `json:"unread"`
}

// apiMeNotifications lists the signed-in user's newest in-app notices.
func (s *Server) apiMeNotifications(c *gin.Context) {
	items, unread, err := s.app.Notices(c.Request.Context(), actorOf(c), 50)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, noticesAnswer{Items: items, Unread: unread})
}

// apiMeNotificationsSeen marks the signed-in user's notices read.
func (s *Server) apiMeNotificationsSeen(c *gin.Context) {
	if err := s.app.SeeNotices(c.Request.Context(), actorOf(c)); err != nil {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
