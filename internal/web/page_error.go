package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type errorPage struct {
	PageData
	Heading string
	Message string
}

// errorPage renders the HTML page for an error status; respondError calls it.
func (p *pages) errorPage(c *gin.Context, status int, code, message string) {
	loc := p.localeOf(c)
	heading := loc.T("ui.error." + code)
	if heading == "ui.error."+code {
		heading = http.StatusText(status)
	}
	if msg := loc.T("error." + code); msg != "error."+code && message == defaultMessages[code] {
		message = msg
	}
	p.render(c, status, "error", errorPage{PageData: p.base(c, ""), Heading: heading, Message: message})
}
