package web

import (
	"net/http/httptest"

	"github.com/gin-gonic/gin"
)

func ginTestContext(w *httptest.ResponseRecorder) (*gin.Context, *gin.Engine) {
	return gin.CreateTestContext(w)
}
