package domain

import (
	"regexp"
	"time"
)

// TrackerHook is an issue tracker allowed to tell Hindsight that an issue
// was closed (area "actions", issue 14): its deliveries arrive at POST
// /api/v1/hooks/tracker/{name} and are verified with Secret.
type TrackerHook struct {
	Name string `json:"name"` // the URL's {target}: lowercase letters, digits, '-' and '_'
	Kind string `json:"kind"` // github | gitlab | jira
	// Secret is the shared webhook secret (GitHub, Jira) or token (GitLab).
	// It is stored, never returned and never logged.
	Secret    string    `json:"-"`
	HasSecret bool      `json:"has_secret"` // read-only: a secret is set
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TrackerKinds lists the trackers a hook may be.
var TrackerKinds = []string{"github", "gitlab", "jira"}

var hookName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// MinHookSecret is the shortest secret a hook accepts.
const MinHookSecret = 16

// Validate checks a hook; withSecret says the secret must be set.
func (h TrackerHook) Validate(withSecret bool) error {
	var ps problems
	if h.Name == "" {
		ps.add("name", CodeRequired, "")
	} else if !hookName.MatchString(h.Name) {
		ps.add("name", CodeInvalid, "lowercase letters, digits, - and _, at most 63")
	}
	if h.Kind == "" {
		ps.add("kind", CodeRequired, "")
	} else if !oneOf(h.Kind, TrackerKinds) {
		ps.add("kind", CodeUnknownEnum, h.Kind)
	}
	if (withSecret || h.Secret != "") && len(h.Secret) < MinHookSecret {
		ps.add("secret", CodeInvalid, "at least 16 characters")
	}
	checkText(&ps, "secret", h.Secret, false, MaxNameLen)
	return ps.err()
}
