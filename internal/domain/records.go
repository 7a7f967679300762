package domain

// Validate methods of the records that only the MongoDB store used to check
// (area "hygiene", issue 10: the backends drifted). Both stores call them
// in their write paths; the contract suite proves they refuse alike.

import "strings"

// checkID reports an empty or NUL-carrying reference to another record.
func checkID(ps *problems, field, v string) {
	switch {
	case strings.TrimSpace(v) == "":
		ps.add(field, CodeRequired, "")
	case strings.ContainsRune(v, 0):
		ps.add(field, CodeNUL, "")
	}
}

// Validate checks a review comment before it is stored.
func (c *Comment) Validate() error {
	var ps problems
	checkID(&ps, "rca_id", c.RCAID)
	checkText(&ps, "body", c.Body, true, MaxBodyLen)
	checkText(&ps, "section_key", c.SectionKey, false, MaxNameLen)
	checkText(&ps, "quote", c.Quote, false, MaxTextLen) // collab
	checkText(&ps, "parent_id", c.ParentID, false, MaxNameLen)
	return ps.err()
}

// Validate checks an audit event before it is stored.
func (e *AuditEvent) Validate() error {
	var ps problems
	checkText(&ps, "action", e.Action, true, MaxNameLen)
	checkText(&ps, "target", e.Target, false, MaxTextLen)
	return ps.err()
}

// Validate checks the stored shape of a publish target: a name and a known
// kind. Where it may send (URL, addresses) is checked where it is configured.
func (t *Target) Validate() error {
	var ps problems
	checkText(&ps, "name", t.Name, true, MaxNameLen)
	if t.Kind != TargetStatuspage && t.Kind != TargetWebhook {
		ps.add("kind", CodeUnknownEnum, string(t.Kind))
	}
	return ps.err()
}

// Valid reports whether st is a known delivery state.
func (st DeliveryState) Valid() bool {
	return st == DeliveryPending || st == DeliverySucceeded || st == DeliveryFailed
}

// Validate checks a delivery before it is stored.
func (d *Delivery) Validate() error {
	var ps problems
	checkID(&ps, "target_id", d.TargetID)
	checkID(&ps, "rca_id", d.RCAID)
	if !d.State.Valid() {
		ps.add("state", CodeUnknownEnum, string(d.State))
	}
	return ps.err()
}

// Validate checks an API token before it is stored.
func (t *APIToken) Validate() error {
	var ps problems
	checkID(&ps, "hash", t.Hash)
	checkID(&ps, "user_id", t.UserID)
	if !t.Scope.Valid() {
		ps.add("scope", CodeUnknownEnum, string(t.Scope))
	}
	checkText(&ps, "name", t.Name, false, MaxNameLen)
	return ps.err()
}

// Validate checks a browser session before it is stored.
func (s *Session) Validate() error {
	var ps problems
	checkID(&ps, "id", s.ID)
	checkID(&ps, "user_id", s.UserID)
	return ps.err()
}

// ValidateSettingKey checks the key of a stored setting.
func ValidateSettingKey(key string) error {
	var ps problems
	checkID(&ps, "key", key)
	return ps.err()
}
