package domain

import (
	"strings"
	"time"
)

// Component is one part of the service shown on the status page.
type Component struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Group       string          `json:"group"`
	Description string          `json:"description"`
	Position    int             `json:"position"`
	Status      ComponentStatus `json:"status"`
	Version     int64           `json:"version"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// Validate checks a component before it is stored.
func (c *Component) Validate() error {
	var ps problems
	checkText(&ps, "name", c.Name, true, MaxNameLen)
	if strings.ContainsFunc(c.Name, bidiControl) { // hygiene: a name is a title
		ps.add("name", CodeBidi, "bidirectional control characters are not allowed in names")
	}
	checkText(&ps, "group", c.Group, false, MaxNameLen)
	checkText(&ps, "description", c.Description, false, MaxTextLen)
	if c.Status == "" {
		c.Status = ComponentOperational
	}
	if !c.Status.Valid() {
		ps.add("status", CodeUnknownEnum, string(c.Status))
	}
	return ps.err()
}
