package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// entryZoneKey holds, in the gin context, the zone a timeline form was
// entered in when it differs from the user's own (area "ui").
const entryZoneKey = "ui.entry_zone"

// keepEntryZone notes the zone an entry was entered in, so the editor shows
// the timeline in it after the redirect. The user's preference is left alone.
func keepEntryZone(c *gin.Context, loc *time.Location) {
	if loc != nil {
		c.Set(entryZoneKey, loc.String())
	}
}

// withEntryZone adds ?tz= to an editor address when an entry was entered
// in a zone other than the display zone.
func withEntryZone(c *gin.Context, to string) string {
	z := c.GetString(entryZoneKey)
	if z == "" {
		return to
	}
	if l, ok := c.Get(keyLocale); ok {
		if ul, ok := l.(*uiLocale); ok && ul.Zone() == z {
			return to
		}
	}
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	return to + sep + "tz=" + url.QueryEscape(z)
}

// entryLocale is the request's locale with the display zone the editor was
// asked for (?tz=, a valid IANA name), else the request's own.
func entryLocale(c *gin.Context, loc *uiLocale) *uiLocale {
	name := c.Query("tz")
	if name == "" || name == loc.Zone() {
		return loc
	}
	z, err := domain.LoadZone(name) // hygiene: the one zone check
	if err != nil {
		return loc
	}
	out := *loc
	out.zone = z
	return &out
}
