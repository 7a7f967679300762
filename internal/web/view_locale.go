package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

const (
	langCookie = "hindsight_lang"
	keyLocale  = "hindsight.ui_locale"
)

// uiLocale is one request's language and time zone, with the template
// functions bound to them.
type uiLocale struct {
	l    *i18n.Localizer
	zone *time.Location
}

// Lang returns the BCP 47 tag of the UI language.
func (u *uiLocale) Lang() string { return u.l.Lang() }

// Zone returns the IANA name of the display time zone.
func (u *uiLocale) Zone() string { return u.zone.String() }

// T translates key; args are name/value pairs for the message's placeholders.
func (u *uiLocale) T(key string, args ...any) string {
	return u.l.T(key, pairs(args))
}

// N translates a counted message.
func (u *uiLocale) N(key string, count int, args ...any) string {
	return u.l.N(key, count, pairs(args))
}

// Enum labels a domain enum value ("enum.rca_state.draft"); an unset
// severity reads as enum.severity.none.
func (u *uiLocale) Enum(kind string, v any) string {
	s := fmt.Sprint(v)
	if s == "" {
		s = "none"
	}
	return u.l.T("enum." + kind + "." + s)
}

// Problem is the localized message of a validation problem.
func (u *uiLocale) Problem(p domain.Problem) string {
	msg := u.problemMessage(p)
	label := u.fieldLabel(p.Field)
	if label == "" || strings.Contains(msg, p.Field) {
		return msg
	}
	return label + ": " + msg
}

// fieldLabel names a problem's field for users: the last path element,
// looked up as ui.field.<name>; unknown fields are left unnamed.
func (u *uiLocale) fieldLabel(field string) string {
	// area "ui": a form's own label first ("timeline.text" is "What happened").
	if path := indexRe.ReplaceAllString(field, ""); strings.Contains(path, ".") {
		if got := u.l.T("ui.field." + path); got != "ui.field."+path {
			return got
		}
	}
	name := field
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	key := "ui.field." + name
	if got := u.l.T(key); got != key {
		return got
	}
	return ""
}

// FieldError returns the message of the first problem with field, or "".
func (u *uiLocale) FieldError(ps []domain.Problem, field string) string {
	for _, p := range ps {
		if p.Field == field || strings.HasSuffix(p.Field, "."+field) {
			return u.problemMessage(p)
		}
	}
	return ""
}

// DateTime formats t in the display zone.
func (u *uiLocale) DateTime(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return u.l.DateTime(t, u.zone)
}

// Date formats t's day in the display zone.
func (u *uiLocale) Date(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return u.l.Date(t, u.zone)
}

// Day formats a calendar day (due dates, incident dates): a domain.Date,
// never moved by the display zone.
func (u *uiLocale) Day(v any) string {
	switch d := v.(type) {
	case domain.Date:
		return u.l.Date(d.In(time.UTC), time.UTC)
	case *domain.Date:
		if d == nil {
			return ""
		}
		return u.l.Date(d.In(time.UTC), time.UTC)
	}
	t, ok := timeOf(v)
	if !ok {
		return ""
	}
	return u.l.Date(t, time.UTC)
}

func timeOf(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t == nil {
			return time.Time{}, false
		}
		return *t, !t.IsZero()
	}
	return time.Time{}, false
}

func (u *uiLocale) funcs() template.FuncMap {
	return template.FuncMap{
		"T":          u.T,
		"N":          u.N,
		"enum":       u.Enum,
		"problem":    u.Problem,
		"fieldError": u.FieldError,
		"date":       u.Date,
		"day":        u.Day,
		"datetime":   u.DateTime,
		"dur":        u.l.Duration,
	}
}

// pairs turns name/value arguments into a message's template data.
func pairs(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		m[fmt.Sprint(args[i])] = args[i+1]
	}
	return m
}

// localeMiddleware picks the UI language (?lang=, then the cookie, then the
// user's preference, then Accept-Language) and the display zone (the user's,
// else the server default). A ?lang= choice is remembered in a cookie.
func (p *pages) localeMiddleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		u, _ := currentUser(c)
		var prefs []string
		if q := c.Query("lang"); q != "" && p.cat.Supported(q) {
			prefs = append(prefs, q)
			http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: q, Path: "/",
				MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.s.secureRequest(c)})
		}
		if ck, err := c.Cookie(langCookie); err == nil && p.cat.Supported(ck) {
			prefs = append(prefs, ck)
		}
		prefs = append(prefs, u.Language, c.GetHeader("Accept-Language"), p.s.cfg.DefaultLanguage)
		lang := p.cat.Match(prefs...)
		c.Set(keyLocale, &uiLocale{l: p.cat.Localizer(lang), zone: p.zoneFor(u)})
		c.Next()
	}
}

func (p *pages) zoneFor(u domain.User) *time.Location {
	for _, name := range []string{u.TimeZone, p.s.cfg.DefaultTimeZone} {
		if name == "" {
			continue
		}
		if loc, err := domain.LoadZone(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// localeOf returns the request's locale; outside the middleware (error
// pages for unknown routes) it negotiates from Accept-Language alone.
func (p *pages) localeOf(c *gin.Context) *uiLocale {
	if v, ok := c.Get(keyLocale); ok {
		if l, ok := v.(*uiLocale); ok {
			return l
		}
	}
	u, _ := currentUser(c)
	lang := p.cat.Match(u.Language, c.GetHeader("Accept-Language"), p.s.cfg.DefaultLanguage)
	return &uiLocale{l: p.cat.Localizer(lang), zone: p.zoneFor(u)}
}

// problemMessage localizes a problem code; a stale form version has its own
// UI message, everything else is a domain validation code.
func (u *uiLocale) problemMessage(p domain.Problem) string {
	switch p.Code {
	case "conflict":
		return u.l.T("ui.form.conflict")
	case "self":
		return u.l.T("ui.validation.self")
	}
	// hygiene: limit messages name the field and the limit
	return u.l.T("error.validation."+p.Code, map[string]any{"Field": p.Field, "Limit": p.Limit})
}
