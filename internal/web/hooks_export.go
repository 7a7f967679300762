package web

import "github.com/gin-gonic/gin"

// registerExport adds the report export routes under /api/v1.
func (s *Server) registerExport(api *gin.RouterGroup) {}
