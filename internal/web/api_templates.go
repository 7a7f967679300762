package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// apiTemplateList lists the built-in templates with their sections and guidance.
func (s *Server) apiTemplateList(c *gin.Context) {
	list := domain.BuiltinTemplates()
	c.JSON(http.StatusOK, gin.H{"items": list, "total": len(list)})
}
