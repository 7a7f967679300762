package web

import "github.com/gin-gonic/gin"

// registerPages adds the browser pages (dashboard, RCA editor, incidents,
// components, settings, users, sign-in). It may set s.errorPage and report
// start-up failures with s.setupError.
func (s *Server) registerPages(r *gin.Engine) {}
