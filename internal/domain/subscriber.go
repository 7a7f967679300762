package domain

import (
	"crypto/rand"
	"encoding/base64"
	"net/mail"
	"strings"
	"time"
)

// subs: status-page subscribers.

// SubscriberKind says how a subscriber is told.
type SubscriberKind string

// Subscriber kinds.
const (
	SubscriberEmail   SubscriberKind = "email"
	SubscriberWebhook SubscriberKind = "webhook"
)

// MaxSubscriberComponents bounds the components one subscriber may choose.
const MaxSubscriberComponents = 200

// Subscriber is someone who asked to be told when an RCA is published. An
// e-mail subscriber gets nothing but the confirmation message until
// Confirmed (double opt-in).
type Subscriber struct {
	ID   string         `json:"id"`
	Kind SubscriberKind `json:"kind"`
	// Email is the address (kind email), lower-cased domain, never shown on
	// public pages.
	Email string `json:"email,omitempty"`
	// URL is where a webhook subscriber is told (kind webhook).
	URL string `json:"url,omitempty"`
	// Secret signs webhook calls (whsec_…); never returned by the API.
	Secret string `json:"-"`
	// AllowPrivate lets an admin point a webhook subscriber at loopback or
	// private addresses (as for publish targets).
	AllowPrivate bool `json:"allow_private,omitempty"`
	// Components limits notifications to RCAs of incidents that touched one
	// of these component ids; empty: every RCA.
	Components []string `json:"components"`
	// Language is the BCP 47 tag of the page the subscriber used.
	Language  string `json:"language"`
	Confirmed bool   `json:"confirmed"`
	// Token is the secret of the confirmation and unsubscribe links; never
	// returned by the API.
	Token       string     `json:"-"`
	CreatedAt   time.Time  `json:"created_at"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
	// FailedAt marks an address the relay kept refusing (after retries);
	// LastError says why. A failed subscriber gets nothing more.
	FailedAt  *time.Time `json:"failed_at"`
	LastError string     `json:"last_error,omitempty"`
}

// Wants reports whether the subscriber should hear of an RCA whose
// incidents touched components (ids): all when it chose none.
func (s Subscriber) Wants(components []string) bool {
	if len(s.Components) == 0 {
		return true
	}
	for _, c := range s.Components {
		for _, x := range components {
			if c == x {
				return true
			}
		}
	}
	return false
}

// Active reports whether the subscriber gets notifications.
func (s Subscriber) Active() bool { return s.Confirmed && s.FailedAt == nil }

// NewSubscriberToken returns a random link secret (32 bytes, URL-safe).
func NewSubscriberToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NormalizeSubscriberEmail checks a subscriber address: one plain address (no display
// name), at most 254 bytes, with a dot in the domain. The domain is
// lower-cased. Problems come back as a *ValidationError on field.
func NormalizeSubscriberEmail(field, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	bad := func(code string) (string, error) {
		return "", &ValidationError{Problems: []Problem{{Field: field, Code: code}}}
	}
	if s == "" {
		return bad(CodeRequired)
	}
	if len(s) > 254 {
		return bad(CodeTooLong)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return bad(CodeInvalid)
	}
	local, dom, ok := strings.Cut(a.Address, "@")
	if !ok || local == "" || !strings.Contains(dom, ".") || strings.HasPrefix(dom, ".") || strings.HasSuffix(dom, ".") {
		return bad(CodeInvalid)
	}
	return local + "@" + strings.ToLower(dom), nil
}
