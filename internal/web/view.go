package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// pages holds what the browser UI needs besides the Server: the parsed
// templates, the static assets and the message catalogs. Page handlers are
// methods on it.
type pages struct {
	s      *Server
	ui     *renderer
	assets *assetSet
	cat    *i18n.Catalog
}

// PageData is what every page template gets; page types embed it.
type PageData struct {
	Lang     string
	T        *uiLocale // the request's bound localizer (templates call T, N, enum, ...)
	CSRF     string
	Flash    *flash
	User     *domain.User
	Nav      string // the navigation entry to mark as current
	TimeZone string // IANA name of the display zone
	Demo     bool
	Version  string
	Langs    []langLink
	Unread   int // flow: unread notices, the badge on "My work"
}

// langLink is one entry of the language switch.
type langLink struct {
	Tag, Name, URL string
	Current        bool
}

// langOption is one choice of a language select.
type langOption struct{ Tag, Name string }

// flash is a one-time message shown after a redirect; Key is a catalog key.
type flash struct{ Kind, Key string }

const flashCookie = "hindsight_flash"

var flashRe = regexp.MustCompile(`^(ok|error|info):(ui\.[a-z0-9_.]+)$`)

// setFlash remembers a message for the next page the browser loads.
func (p *pages) setFlash(c *gin.Context, kind, key string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: kind + ":" + key, Path: "/",
		MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.s.secureRequest(c)})
}

// takeFlash reads and clears the pending message.
func (p *pages) takeFlash(c *gin.Context) *flash {
	v, err := c.Cookie(flashCookie)
	if err != nil || v == "" {
		return nil
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.s.secureRequest(c)})
	m := flashRe.FindStringSubmatch(v)
	if m == nil {
		return nil
	}
	return &flash{Kind: m[1], Key: m[2]}
}

// redirect answers 303 See Other, the answer to every successful form post.
func redirect(c *gin.Context, to string) {
	c.Redirect(http.StatusSeeOther, to)
	c.Abort()
}

// base fills the common page data for the request.
func (p *pages) base(c *gin.Context, nav string) PageData {
	loc := p.localeOf(c)
	d := PageData{
		Lang: loc.Lang(), T: loc, CSRF: csrfToken(c), Flash: p.takeFlash(c), Nav: nav,
		TimeZone: loc.Zone(), Demo: p.s.cfg.Demo, Version: p.s.cfg.Version,
	}
	if u, ok := currentUser(c); ok {
		d.User = &u
		d.Unread = p.s.app.UnreadNotices(c.Request.Context(), actorOf(c)) // flow
	}
	// The language links reload this page; after a form post (an error
	// page) they lead to the dashboard instead of a POST-only address.
	path, q := c.Request.URL.Path, c.Request.URL.Query()
	if c.Request.Method != http.MethodGet {
		path, q = "/", url.Values{}
	}
	for _, tag := range p.cat.Languages() {
		q.Set("lang", tag)
		d.Langs = append(d.Langs, langLink{Tag: tag, Name: p.cat.LanguageName(tag),
			URL: path + "?" + q.Encode(), Current: tag == d.Lang})
	}
	return d
}

// languages lists the catalog's languages for a select.
func (p *pages) languages() []langOption {
	var out []langOption
	for _, tag := range p.cat.Languages() {
		out = append(out, langOption{Tag: tag, Name: p.cat.LanguageName(tag)})
	}
	return out
}

// commonZones are offered in time zone selects; the user's own zone is
// added when it is not among them.
var commonZones = []string{
	"UTC", "Europe/London", "Europe/Lisbon", "Europe/Dublin", "Europe/Berlin", "Europe/Paris",
	"Europe/Madrid", "Europe/Amsterdam", "Europe/Zurich", "Europe/Vienna", "Europe/Warsaw",
	"Europe/Helsinki", "Europe/Athens", "Europe/Istanbul", "Europe/Moscow", "Africa/Johannesburg",
	"Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney",
	"Pacific/Auckland", "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/New_York",
	"America/Chicago", "America/Denver", "America/Los_Angeles", "America/Mexico_City", "America/Toronto",
}

func zoneChoices(current string) []string {
	for _, z := range commonZones {
		if z == current {
			return commonZones
		}
	}
	if current == "" {
		return commonZones
	}
	return append([]string{current}, commonZones...)
}

// pager is the pagination of a list page.
type pager struct {
	Total       int // items
	Page, Pages int // 1-based page number, number of pages
	Prev, Next  string
}

const pageSize = 25

func newPager(u *url.URL, offset, shown, total int) pager {
	pg := pager{Total: total, Page: offset/pageSize + 1, Pages: (total + pageSize - 1) / pageSize}
	if pg.Pages < pg.Page {
		pg.Pages = pg.Page
	}
	link := func(off int) string {
		q := u.Query()
		if off <= 0 {
			q.Del("offset")
		} else {
			q.Set("offset", strconv.Itoa(off))
		}
		if len(q) == 0 {
			return u.Path
		}
		return u.Path + "?" + q.Encode()
	}
	if offset > 0 {
		pg.Prev = link(offset - pageSize)
	}
	if offset+shown < total {
		pg.Next = link(offset + pageSize)
	}
	return pg
}

// userNames maps user ids to display names, for authors and reviewers.
func (p *pages) userNames(c *gin.Context) map[string]string {
	users, err := p.s.store.ListUsers(c.Request.Context())
	names := map[string]string{}
	if err != nil {
		return names
	}
	for _, u := range users {
		names[u.ID] = u.DisplayName()
	}
	return names
}

func namesOf(ids []string, names map[string]string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if n, ok := names[id]; ok {
			out = append(out, n)
		} else if id != "" {
			out = append(out, id)
		}
	}
	return out
}

// splitList turns "a, b,, c" into [a b c].
func splitList(s string) []string {
	out := []string{}
	for _, part := range strings.Split(s, ",") {
		if v := strings.TrimSpace(part); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// nameOf is one user's display name; an unknown id shows as itself and an
// empty one (a change made by automation) as a dash.
func nameOf(id string, names map[string]string) string {
	if n, ok := names[id]; ok {
		return n
	}
	if id == "" {
		return "—"
	}
	return id
}
