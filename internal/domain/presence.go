package domain

import (
	"regexp"
	"time"
)

// Presence says that one open editor (a client: one browser tab) of a user
// is in an RCA's document, and which section it is editing (area collab,
// issue 12). It lapses at Until unless the client keeps it alive.
type Presence struct {
	RCAID   string    `json:"rca_id"`
	Client  string    `json:"client"`
	UserID  string    `json:"user_id"`
	Section string    `json:"section"` // "" when no section has the focus
	Until   time.Time `json:"until"`
}

var clientID = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// ValidClient reports whether id can name a client: 8 to 64 letters,
// digits, '-' or '_'.
func ValidClient(id string) bool { return clientID.MatchString(id) }

// Validate checks a presence before it is stored.
func (p *Presence) Validate() error {
	var ps problems
	checkID(&ps, "rca_id", p.RCAID)
	checkID(&ps, "user_id", p.UserID)
	if !ValidClient(p.Client) {
		ps.add("client", CodeInvalid, "")
	}
	checkText(&ps, "section", p.Section, false, MaxNameLen)
	return ps.err()
}
