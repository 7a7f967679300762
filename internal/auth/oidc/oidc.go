// Package oidc signs users in with an OpenID Connect identity provider:
// the authorization code flow with PKCE, a state against request forgery and
// a nonce against ID token replay. It knows nothing of users or sessions;
// the web package maps the verified identity to a Hindsight user.
package oidc

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Config says which identity provider to use and who Hindsight is to it.
type Config struct {
	Issuer       string // the provider's issuer URL; its discovery document is read from there
	ClientID     string
	ClientSecret string
	RedirectURL  string // <base-url>/auth/oidc/callback
	// AutoCreate lets a verified email that names no user sign in as a new viewer.
	AutoCreate bool
	// HTTPClient talks to the provider; nil uses a client with a 15 s timeout.
	HTTPClient *http.Client
	// Now is the clock for token expiry; nil is time.Now. Tests replace it.
	Now func() time.Time
}

// Enabled reports whether single sign-on is configured at all.
func (c Config) Enabled() bool { return strings.TrimSpace(c.Issuer) != "" }

// Validate checks a configuration that is Enabled.
func (c Config) Validate() error {
	var errs []error
	u, err := url.Parse(c.Issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("oidc: issuer %q: must be an absolute http or https URL", c.Issuer))
	}
	if strings.TrimSpace(c.ClientID) == "" {
		errs = append(errs, errors.New("oidc: client id is required"))
	}
	if strings.TrimSpace(c.ClientSecret) == "" {
		errs = append(errs, errors.New("oidc: client secret is required"))
	}
	if r, err := url.Parse(c.RedirectURL); err != nil || !r.IsAbs() || r.Host == "" {
		errs = append(errs, fmt.Errorf("oidc: redirect url %q: must be absolute (set the base URL)", c.RedirectURL))
	}
	return errors.Join(errs...)
}

// Errors of a callback, branched with errors.Is. None of them says more
// than the user needs; the wrapped cause is for the log.
var (
	// ErrInvalidToken: the ID token failed verification (signature, issuer,
	// audience, expiry) or the code exchange failed.
	ErrInvalidToken = errors.New("oidc: the identity provider's answer is not valid")
	// ErrNonce: the ID token was not issued for this sign-in.
	ErrNonce = errors.New("oidc: the ID token's nonce does not match this sign-in")
	// ErrEmailUnverified: the provider does not vouch for the email address,
	// so it cannot name an account (Identity.EmailVerified is false).
	ErrEmailUnverified = errors.New("oidc: the email address is not verified")
	// ErrProvider: the provider could not be reached or described itself badly.
	ErrProvider = errors.New("oidc: the identity provider is unavailable")
)

// Identity is what a verified ID token says about the user. Issuer and
// Subject name the person; the email is only a hint, to be trusted once
// (to link an existing account) and only when EmailVerified.
type Identity struct {
	Issuer        string
	Subject       string
	Email         string // normalized: trimmed and lower case
	EmailVerified bool   // email present and email_verified true
	Name          string
}

// Client runs the flow against one provider. The provider's discovery
// document is fetched at the first sign-in (and again after a failure), so a
// provider that is down at start-up does not stop the server.
type Client struct {
	cfg Config

	mu       sync.Mutex
	oauth    *oauth2.Config
	verifier *gooidc.IDTokenVerifier
}

// New checks cfg and returns a client; it does not contact the provider.
func New(cfg Config) (*Client, error) {
	cfg.Issuer = strings.TrimSpace(cfg.Issuer)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{cfg: cfg}, nil
}

// AutoCreate reports whether unknown verified users may be created.
func (c *Client) AutoCreate() bool { return c.cfg.AutoCreate }

// Flow is the per-sign-in secrets kept by the browser between the redirect
// to the provider and the callback.
type Flow struct {
	State    string
	Nonce    string
	Verifier string // PKCE code verifier; only its S256 challenge leaves Hindsight
}

// NewFlow makes fresh random secrets for one sign-in.
func NewFlow() Flow {
	return Flow{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
}

func random() string {
	b := make([]byte, 24)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// AuthURL is where to send the browser to sign in.
func (c *Client) AuthURL(ctx context.Context, f Flow) (string, error) {
	o, _, err := c.discover(ctx)
	if err != nil {
		return "", err
	}
	return o.AuthCodeURL(f.State, gooidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), nil
}

// Exchange trades the callback's code for tokens, verifies the ID token
// (signature, issuer, audience, expiry) and its nonce against f. Whether
// the email is verified is reported in the Identity, not refused here: an
// account already linked to the subject signs in by the subject alone.
func (c *Client) Exchange(ctx context.Context, f Flow, code string) (Identity, error) {
	o, v, err := c.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.cfg.HTTPClient)
	tok, err := o.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("%w: code exchange: %w", ErrInvalidToken, err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Identity{}, fmt.Errorf("%w: no id_token in the token response", ErrInvalidToken)
	}
	return c.verify(ctx, v, raw, f)
}

// VerifyIDToken checks a raw ID token as Exchange does.
func (c *Client) VerifyIDToken(ctx context.Context, raw string, f Flow) (Identity, error) {
	_, v, err := c.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	return c.verify(ctx, v, raw, f)
}

func (c *Client) verify(ctx context.Context, v *gooidc.IDTokenVerifier, raw string, f Flow) (Identity, error) {
	ctx = gooidc.ClientContext(ctx, c.cfg.HTTPClient)
	idt, err := v.Verify(ctx, raw)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if idt.Nonce == "" || !equal(idt.Nonce, f.Nonce) {
		return Identity{}, ErrNonce
	}
	var claims struct {
		Email         string          `json:"email"`
		EmailVerified json.RawMessage `json:"email_verified"`
		Name          string          `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("%w: claims: %w", ErrInvalidToken, err)
	}
	if idt.Subject == "" {
		return Identity{}, fmt.Errorf("%w: no subject", ErrInvalidToken)
	}
	email := strings.ToLower(strings.TrimSpace(claims.Email))
	return Identity{Issuer: idt.Issuer, Subject: idt.Subject, Email: email,
		EmailVerified: email != "" && verified(claims.EmailVerified), Name: strings.TrimSpace(claims.Name)}, nil
}

// verified reads email_verified, which some providers send as a string.
func verified(raw json.RawMessage) bool {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b
	}
	var s string
	return json.Unmarshal(raw, &s) == nil && strings.EqualFold(s, "true")
}

// equal compares two secrets without leaking where they differ.
func equal(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var d byte
	for i := range len(a) {
		d |= a[i] ^ b[i]
	}
	return d == 0
}

// EqualState compares a callback's state with the one sent, in constant time.
func EqualState(a, b string) bool { return a != "" && equal(a, b) }

func (c *Client) discover(ctx context.Context) (*oauth2.Config, *gooidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.oauth != nil {
		return c.oauth, c.verifier, nil
	}
	ctx = gooidc.ClientContext(ctx, c.cfg.HTTPClient)
	p, err := gooidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrProvider, err)
	}
	c.oauth = &oauth2.Config{
		ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{gooidc.ScopeOpenID, "email", "profile"},
	}
	// The provider's key set keeps only the HTTP client of ctx, not its
	// deadline, so it can refresh keys on later requests.
	c.verifier = p.Verifier(&gooidc.Config{ClientID: c.cfg.ClientID, Now: c.cfg.Now})
	return c.oauth, c.verifier, nil
}
