package domain

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrBadZone is returned for a name that is neither an IANA zone nor a
// fixed offset.
var ErrBadZone = errors.New("domain: not a time zone (an IANA name such as Europe/Berlin, or UTC+1)")

var offsetRe = regexp.MustCompile(`^(?i:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$`)

// LoadZone reads a display zone: an IANA name ("Europe/Berlin", "UTC") or a
// fixed offset as people write it ("UTC+1", "UTC-03:30", "GMT+5:30"), which
// becomes a zone named by that offset ("UTC+1"). "Local" (the machine's
// zone) is refused: output must not depend on where it runs.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.EqualFold(name, "local") {
		return nil, ErrBadZone
	}
	if m := offsetRe.FindStringSubmatch(name); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins := 0
		if m[3] != "" {
			mins, _ = strconv.Atoi(m[3])
		}
		if h > 14 || mins > 59 || (h == 14 && mins > 0) {
			return nil, ErrBadZone
		}
		secs := h*3600 + mins*60
		label := "UTC" + m[1] + strconv.Itoa(h)
		if mins != 0 {
			label += ":" + m[3]
		}
		if secs == 0 {
			return time.UTC, nil
		}
		if m[1] == "-" {
			secs = -secs
		}
		return time.FixedZone(label, secs), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, ErrBadZone
	}
	return loc, nil
}
