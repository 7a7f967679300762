package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth/oidc"
	"github.com/hindsight-rca/hindsight/internal/auth/oidc/oidctest"
)

const redirect = "https://hindsight.example.com/auth/oidc/callback"

func newClient(t *testing.T, idp *oidctest.Provider, cfg oidc.Config) *oidc.Client {
	t.Helper()
	cfg.Issuer, cfg.ClientID, cfg.ClientSecret, cfg.RedirectURL = idp.URL, idp.ClientID, idp.ClientSecret, redirect
	c, err := oidc.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// authorize follows AuthURL to the provider and returns the callback's query.
func authorize(t *testing.T, c *oidc.Client, f oidc.Flow) url.Values {
	t.Helper()
	u, err := c.AuthURL(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), redirect+"?") {
		t.Fatalf("authorize answered %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query()
}

func TestAuthURLCarriesStateNonceAndPKCE(t *testing.T) {
	idp := oidctest.New("hindsight", "s3cret")
	defer idp.Close()
	c := newClient(t, idp, oidc.Config{})
	f := oidc.NewFlow()
	back := authorize(t, c, f)
	q := idp.LastAuthorize()
	if q.Get("state") != f.State || q.Get("nonce") != f.Nonce || q.Get("redirect_uri") != redirect {
		t.Errorf("authorize query = %v; want state, nonce and redirect of the flow", q)
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || strings.Contains(q.Encode(), f.Verifier) {
		t.Errorf("PKCE: query %v must carry an S256 challenge and never the verifier", q)
	}
	if !strings.Contains(q.Get("scope"), "openid") || !strings.Contains(q.Get("scope"), "email") {
		t.Errorf("scope = %q; want openid and email", q.Get("scope"))
	}
	if back.Get("state") != f.State || back.Get("code") == "" {
		t.Errorf("callback query = %v", back)
	}
	g, h := oidc.NewFlow(), oidc.NewFlow()
	if g.State == h.State || g.Nonce == h.Nonce || g.Verifier == h.Verifier || len(g.State) < 32 {
		t.Errorf("flows are not fresh random values: %+v %+v", g, h)
	}
}

func TestExchange(t *testing.T) {
	past := func() time.Time { return time.Now().Add(-time.Hour) }
	tests := []struct {
		name   string
		user   oidctest.User
		tamper func(map[string]any)
		idpNow func() time.Time
		// verifier replaces the flow's PKCE verifier at the exchange.
		verifier string
		want     error
		// unverified: the identity comes back with EmailVerified false.
		unverified bool
	}{
		{name: "success"},
		{name: "email verified as a string", tamper: func(c map[string]any) { c["email_verified"] = "true" }},
		{name: "wrong nonce", tamper: func(c map[string]any) { c["nonce"] = "another-sign-in" }, want: oidc.ErrNonce},
		{name: "no nonce", tamper: func(c map[string]any) { delete(c, "nonce") }, want: oidc.ErrNonce},
		{name: "wrong audience", tamper: func(c map[string]any) { c["aud"] = "some-other-app" }, want: oidc.ErrInvalidToken},
		{name: "wrong issuer", tamper: func(c map[string]any) { c["iss"] = "https://evil.example.com" }, want: oidc.ErrInvalidToken},
		{name: "expired", idpNow: past, want: oidc.ErrInvalidToken},
		{name: "unverified email", user: oidctest.User{Subject: "sub-42", Email: "ada@example.com", EmailVerified: false, Name: "Ada"}, unverified: true},
		{name: "email verified false as a string", tamper: func(c map[string]any) { c["email_verified"] = "false" }, unverified: true},
		{name: "no email", user: oidctest.User{Subject: "sub-42", EmailVerified: true, Name: "Ada"}, unverified: true},
		{name: "wrong PKCE verifier", verifier: oidc.NewFlow().Verifier, want: oidc.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idp := oidctest.New("hindsight", "s3cret")
			defer idp.Close()
			if tt.user.Subject != "" {
				idp.SetUser(tt.user)
			} else {
				idp.SetUser(oidctest.User{Subject: "sub-42", Email: " Ada@Example.COM ", EmailVerified: true, Name: "Ada"})
			}
			idp.Tamper(tt.tamper)
			if tt.idpNow != nil {
				idp.SetNow(tt.idpNow)
			}
			c := newClient(t, idp, oidc.Config{})
			f := oidc.NewFlow()
			back := authorize(t, c, f)
			if tt.verifier != "" {
				f.Verifier = tt.verifier
			}
			id, err := c.Exchange(context.Background(), f, back.Get("code"))
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("Exchange error = %v; want %v", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id.Subject != "sub-42" || id.Name != "Ada" || id.Issuer != idp.URL || id.EmailVerified == tt.unverified {
				t.Errorf("identity = %+v", id)
			}
			if id.EmailVerified && id.Email != "ada@example.com" {
				t.Errorf("email = %q", id.Email)
			}
			// A code is good once.
			if _, err := c.Exchange(context.Background(), f, back.Get("code")); !errors.Is(err, oidc.ErrInvalidToken) {
				t.Errorf("second exchange of one code: %v; want ErrInvalidToken", err)
			}
		})
	}
}

func TestExchangeRejectsForeignSignature(t *testing.T) {
	idp := oidctest.New("hindsight", "s3cret")
	defer idp.Close()
	other := oidctest.New("hindsight", "s3cret")
	defer other.Close()
	c := newClient(t, idp, oidc.Config{})
	f := oidc.NewFlow()
	forged, err := other.Sign(map[string]any{"iss": idp.URL, "aud": "hindsight", "sub": "x",
		"exp": time.Now().Add(time.Minute).Unix(), "iat": time.Now().Unix(), "nonce": f.Nonce,
		"email": "x@example.com", "email_verified": true})
	if err != nil {
		t.Fatal(err)
	}
	// Verify the forged token through the same path a real exchange takes.
	if _, err := c.VerifyIDToken(context.Background(), forged, f); !errors.Is(err, oidc.ErrInvalidToken) {
		t.Fatalf("token signed by a foreign key: %v; want ErrInvalidToken", err)
	}
	good, _ := idp.Sign(map[string]any{"iss": idp.URL, "aud": "hindsight", "sub": "x",
		"exp": time.Now().Add(time.Minute).Unix(), "iat": time.Now().Unix(), "nonce": f.Nonce,
		"email": "x@example.com", "email_verified": true})
	if _, err := c.VerifyIDToken(context.Background(), good, f); err != nil {
		t.Fatalf("the same token signed by the provider: %v", err)
	}
}

func TestProviderDown(t *testing.T) {
	idp := oidctest.New("hindsight", "s3cret")
	c := newClient(t, idp, oidc.Config{})
	idp.Close()
	if _, err := c.AuthURL(context.Background(), oidc.NewFlow()); !errors.Is(err, oidc.ErrProvider) {
		t.Fatalf("AuthURL with the provider down: %v; want ErrProvider", err)
	}
}

func TestConfigValidate(t *testing.T) {
	good := oidc.Config{Issuer: "https://id.example.com", ClientID: "a", ClientSecret: "b", RedirectURL: redirect}
	tests := []struct {
		name string
		edit func(*oidc.Config)
		want string
	}{
		{"good", func(*oidc.Config) {}, ""},
		{"issuer not a URL", func(c *oidc.Config) { c.Issuer = "id.example.com" }, "issuer"},
		{"no client id", func(c *oidc.Config) { c.ClientID = " " }, "client id"},
		{"no client secret", func(c *oidc.Config) { c.ClientSecret = "" }, "client secret"},
		{"relative redirect", func(c *oidc.Config) { c.RedirectURL = "/auth/oidc/callback" }, "redirect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.edit(&c)
			_, err := oidc.New(c)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("New error = %v; want mention of %q", err, tt.want)
			}
		})
	}
	if (oidc.Config{}).Enabled() || !good.Enabled() {
		t.Error("Enabled must follow the issuer")
	}
}
