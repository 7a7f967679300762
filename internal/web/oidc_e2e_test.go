package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/auth/oidc/oidctest"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestOIDCInChromium: a real browser clicks "Sign in with SSO", goes through
// the identity provider and comes back signed in, on the page it asked for;
// a refused sign-in shows its message on the sign-in page.
func TestOIDCInChromium(t *testing.T) {
	exe := findChromium(t)
	e := newOIDCEnv(t, false)
	e.addUser("ada@example.com", domain.RoleAuthor, false)
	browser := startBrowser(t, exe)

	ctx := tab(t, browser)
	e.idp.SetUser(oidctest.User{Subject: "sub-ada", Email: "ada@example.com", EmailVerified: true, Name: "Ada"})
	do(t, ctx, "sign in with SSO",
		chromedp.Navigate(e.url+"/incidents"), // not signed in: sent to the sign-in page, next=/incidents
		chromedp.WaitVisible(chromedp.CSS("#sso")),
		chromedp.Click(chromedp.CSS("#sso")),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
	)
	if path := eval[string](t, ctx, `location.pathname`); path != "/incidents" {
		t.Errorf("after SSO the browser is on %s; want /incidents", path)
	}
	if a, x := e.idp.Counts(); a != 1 || x != 1 {
		t.Errorf("provider saw %d authorizations and %d token exchanges; want 1 and 1", a, x)
	}
	if cookie := eval[string](t, ctx, `document.cookie`); strings.Contains(cookie, "hindsight_session") || strings.Contains(cookie, oidcCookie) {
		t.Errorf("script can read a session or flow cookie: %q", cookie)
	}

	other := tab(t, browser)
	e.idp.SetUser(oidctest.User{Subject: "sub-zed", Email: "zed@example.com", EmailVerified: true})
	do(t, other, "refused SSO",
		chromedp.Navigate(e.url+"/signin"),
		chromedp.WaitVisible(chromedp.CSS("#sso")),
		chromedp.Click(chromedp.CSS("#sso")),
		chromedp.WaitVisible(chromedp.CSS(".flash.error")),
	)
	if msg := eval[string](t, other, `document.querySelector('.flash.error').innerText`); !strings.Contains(msg, "No Hindsight account") {
		t.Errorf("refusal message = %q", msg)
	}
	if path := eval[string](t, other, `location.pathname`); path != "/signin" {
		t.Errorf("refused SSO ended on %s", path)
	}
}
