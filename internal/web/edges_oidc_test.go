package web

import (
	"context"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/auth/oidc/oidctest"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestEdgesOIDCLinksBySubject (issue 10, finding 11): the first sign-in
// with a verified email links the account to (issuer, subject); from then
// on the subject names the account. Another subject presenting the same
// (verified) email does not get in, and the linked person signs in by
// subject even after their email changed at the provider.
func TestEdgesOIDCLinksBySubject(t *testing.T) {
	e := newOIDCEnv(t, false)
	ada := e.addUser("ada@example.com", domain.RoleAuthor, false)
	bob := e.addUser("bob@example.com", domain.RoleAdmin, false)

	e.idp.SetUser(oidctest.User{Subject: "sub-ada", Email: "ada@example.com", EmailVerified: true, Name: "Ada"})
	hc := e.browser()
	e.get(hc, "/auth/oidc/start")
	if email, _ := e.me(hc); email != "ada@example.com" {
		t.Fatalf("first sign-in: signed in as %q", email)
	}
	stored, err := e.st.GetUserByIdentity(context.Background(), e.idp.URL, "sub-ada")
	if err != nil || stored.ID != ada.ID {
		t.Fatalf("identity not linked: %+v %v", stored, err)
	}

	// Someone else at the provider, whose account now claims Ada's email.
	e.idp.SetUser(oidctest.User{Subject: "sub-mallory", Email: "ada@example.com", EmailVerified: true, Name: "Mallory"})
	hc = e.browser()
	path, body := e.get(hc, "/auth/oidc/start")
	if email, _ := e.me(hc); email != "" || path != "/signin" {
		t.Fatalf("another subject with Ada's email signed in as %q (at %s)", email, path)
	}
	mustContain(t, body, "flash error")

	// Ada, with a new and unverified email at the provider: still Ada.
	e.idp.SetUser(oidctest.User{Subject: "sub-ada", Email: "ada@elsewhere.example", EmailVerified: false, Name: "Ada"})
	hc = e.browser()
	e.get(hc, "/auth/oidc/start")
	if email, _ := e.me(hc); email != "ada@example.com" {
		t.Fatalf("linked subject with a changed email: signed in as %q", email)
	}

	// An unverified email never links: Bob's account stays unlinked.
	e.idp.SetUser(oidctest.User{Subject: "sub-eve", Email: "bob@example.com", EmailVerified: false})
	hc = e.browser()
	e.get(hc, "/auth/oidc/start")
	if email, _ := e.me(hc); email != "" {
		t.Fatalf("unverified email signed in as %q", email)
	}
	if u, _ := e.st.GetUser(context.Background(), bob.ID); u.OIDCSubject != "" {
		t.Fatalf("unverified email linked Bob to %q", u.OIDCSubject)
	}
}
