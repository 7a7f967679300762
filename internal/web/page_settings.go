package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

type settingsForm struct{ Language, TZ string }

type settingsPage struct {
	PageData
	Form      settingsForm
	Languages []langOption
	Zones     []string
	Problems  []domain.Problem
}

// settingsForm shows the user's language and time zone.
func (p *pages) settingsForm(c *gin.Context) {
	u, _ := currentUser(c)
	f := settingsForm{Language: u.Language, TZ: u.TimeZone}
	if f.TZ == "" {
		f.TZ = "UTC"
	}
	p.render(c, http.StatusOK, "settings", settingsPage{PageData: p.base(c, "settings"), Form: f, Languages: p.languages(), Zones: zoneChoices(f.TZ)})
}

// settingsSave stores the user's language and time zone.
func (p *pages) settingsSave(c *gin.Context) {
	u, _ := currentUser(c)
	f := settingsForm{Language: c.PostForm("language"), TZ: c.PostForm("tz")}
	var ps formProblems
	if f.Language != "" && !p.cat.Supported(f.Language) {
		ps.add("language", domain.CodeUnknownEnum)
	}
	if _, err := domain.LoadZone(f.TZ); err != nil {
		ps.add("time_zone", domain.CodeInvalid)
	}
	if len(ps) > 0 {
		p.render(c, statusInvalid, "settings", settingsPage{PageData: p.base(c, "settings"), Form: f, Languages: p.languages(), Zones: zoneChoices(f.TZ), Problems: ps})
		return
	}
	// Re-read the user so a role or name changed meanwhile is not written back.
	u, err := p.s.store.GetUser(c.Request.Context(), u.ID)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	u.Language, u.TimeZone = f.Language, f.TZ
	if f.TZ == "UTC" {
		u.TimeZone = ""
	}
	if err := p.s.store.UpdateUser(c.Request.Context(), &u); err != nil {
		p.s.pageError(c, err)
		return
	}
	// An explicit preference replaces a language picked earlier with ?lang=.
	http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.s.secureRequest(c)})
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/settings")
}
