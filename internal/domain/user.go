package domain

import (
	"net/mail"
	"strings"
	"time"
)

// User is a person who signs in.
type User struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"-"`
	Language     string    `json:"language"`  // preferred UI language, BCP 47; empty: the browser's
	TimeZone     string    `json:"time_zone"` // IANA name; empty: UTC
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// PasswordChangedAt invalidates sessions created before it.
	PasswordChangedAt time.Time `json:"password_changed_at"`
	// OIDCIssuer and OIDCSubject name the single sign-on identity linked to
	// the user (issuer URL, the provider's subject id); empty when none.
	// Only the store's LinkIdentity (or CreateUser) sets them.
	OIDCIssuer  string `json:"oidc_issuer,omitempty"`
	OIDCSubject string `json:"oidc_subject,omitempty"`
}

// IdentityKey is the stored key of an OIDC identity: issuer and subject,
// which together name one person at one provider.
func IdentityKey(issuer, subject string) string { return issuer + "\x00" + subject }

// NormalizeEmail lowercases and trims an address so lookups are stable.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks a user before it is stored.
func (u *User) Validate() error {
	var ps problems
	u.Email = NormalizeEmail(u.Email)
	if u.Email == "" {
		ps.add("email", CodeRequired, "")
	} else if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		ps.add("email", CodeInvalid, "not an email address")
	}
	checkText(&ps, "name", u.Name, false, MaxNameLen)
	if !u.Role.Valid() {
		ps.add("role", CodeUnknownEnum, string(u.Role))
	}
	if u.TimeZone != "" {
		if _, err := LoadZone(u.TimeZone); err != nil {
			ps.add("time_zone", CodeInvalid, "not an IANA time zone")
		}
	}
	return ps.err()
}

// DisplayName is the name, or the email when no name is set.
func (u User) DisplayName() string {
	if strings.TrimSpace(u.Name) != "" {
		return u.Name
	}
	return u.Email
}

// TokenScope limits what an API token may do.
type TokenScope string

// Token scopes.
const (
	ScopeRead  TokenScope = "read"
	ScopeWrite TokenScope = "write"
	ScopeAdmin TokenScope = "admin"
)

// Valid reports whether s is a known scope.
func (s TokenScope) Valid() bool { return s == ScopeRead || s == ScopeWrite || s == ScopeAdmin }

// APIToken lets automation call the API as a user. Only its SHA-256 hash is stored.
type APIToken struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	Name       string     `json:"name"`
	Hash       string     `json:"-"` // hex SHA-256 of the secret
	Scope      TokenScope `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Active reports whether the token may be used at now.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// Session is a signed-in browser. ID is the hash of the cookie's secret.
type Session struct {
	ID         string    `json:"id"`
	UserID     string    `json:"user_id"`
	CSRFToken  string    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
}

// AuditEvent records who did what, when and from where.
type AuditEvent struct {
	ID     string            `json:"id"`
	At     time.Time         `json:"at"`
	Actor  string            `json:"actor"`  // user id, or "" for anonymous
	Action string            `json:"action"` // e.g. "rca.state", "user.signin"
	Target string            `json:"target"` // e.g. "rca:<id>"
	IP     string            `json:"ip"`
	Detail map[string]string `json:"detail,omitempty"`
}
