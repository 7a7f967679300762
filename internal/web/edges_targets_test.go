package web

import (
	"context"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestEdgesTargetSSRFRanges (issue 10, finding 9): targets in special-purpose
// ranges that embed or are non-public addresses are refused with 422 naming
// the url, on create and on update.
func TestEdgesTargetSSRFRanges(t *testing.T) {
	e := newEnv(t)
	var tg targetView
	e.must(domain.RoleAdmin, "POST", "/api/v1/targets", map[string]any{"name": "hook", "kind": "webhook",
		"url": "https://hooks.example.com/x", "secret": hookSecret}, 201, &tg)
	for _, u := range []string{"http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::1]/", "http://240.0.0.1/", "http://2130706433/"} {
		w := e.as(domain.RoleAdmin, "POST", "/api/v1/targets", map[string]any{"name": "x", "kind": "webhook", "url": u, "secret": hookSecret})
		if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "url") {
			t.Errorf("create %s: %d %s", u, w.Code, w.Body.String())
		}
		w = e.as(domain.RoleAdmin, "PUT", "/api/v1/targets/"+tg.ID, map[string]any{"name": "hook", "kind": "webhook", "url": u,
			"secret": hookSecret, "version": tg.Version})
		if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "url") {
			t.Errorf("update to %s: %d %s", u, w.Code, w.Body.String())
		}
	}
}

// TestEdgesTargetURLChangeNeedsSecret (issue 10, finding 8): moving a target
// to another URL without sending its secret again is 422 on "secret", and
// the stored target is unchanged; with the secret it goes through.
func TestEdgesTargetURLChangeNeedsSecret(t *testing.T) {
	e := newEnv(t)
	var tg targetView
	e.must(domain.RoleAdmin, "POST", "/api/v1/targets", map[string]any{"name": "hook", "kind": "webhook",
		"url": "https://hooks.example.com/x", "secret": hookSecret}, 201, &tg)
	w := e.as(domain.RoleAdmin, "PUT", "/api/v1/targets/"+tg.ID, map[string]any{"name": "hook", "kind": "webhook",
		"url": "https://attacker.example.net/collect", "version": tg.Version})
	if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "secret") {
		t.Fatalf("url change without secret: %d %s", w.Code, w.Body.String())
	}
	stored, err := e.st.GetTarget(context.Background(), tg.ID)
	if err != nil || stored.URL != "https://hooks.example.com/x" {
		t.Fatalf("stored target changed: %+v %v", stored.URL, err)
	}
	// Same URL, no secret: kept (renames stay easy).
	e.must(domain.RoleAdmin, "PUT", "/api/v1/targets/"+tg.ID, map[string]any{"name": "hook 2", "kind": "webhook",
		"url": "https://hooks.example.com/x", "version": tg.Version}, 200, &tg)
	const other = "whsec_QWxhZGRpbjpvcGVuIHNlc2FtZSBhbmQgbW9yZQ=="
	e.must(domain.RoleAdmin, "PUT", "/api/v1/targets/"+tg.ID, map[string]any{"name": "hook 2", "kind": "webhook",
		"url": "https://hooks2.example.com/x", "secret": other, "version": tg.Version}, 200, &tg)
	if stored, _ := e.st.GetTarget(context.Background(), tg.ID); stored.Secret != other {
		t.Errorf("secret not replaced")
	}
}

// TestEdgesDeliveryLogRedacted (issue 10, finding 8): delivery logs shown to
// authors hide the target's secret, credentials and query strings.
func TestEdgesDeliveryLogRedacted(t *testing.T) {
	e := newEnv(t)
	var tg targetView
	e.must(domain.RoleAdmin, "POST", "/api/v1/targets", map[string]any{"name": "hook", "kind": "webhook",
		"url": "https://hooks.example.com/x?token=QUERYSECRET", "secret": hookSecret}, 201, &tg)
	r := e.rca("Redaction", "standard")
	d := domain.Delivery{ID: domain.NewID(), TargetID: tg.ID, RCAID: r.ID, RCAVersion: r.Version, Event: "rca.published",
		State: domain.DeliveryFailed, CreatedAt: e.clock.Now(), UpdatedAt: e.clock.Now(), NextAttemptAt: e.clock.Now(),
		Request:   "POST https://hooks.example.com/x?token=QUERYSECRET (12 bytes)",
		LastError: `Post "https://user:PASSWORD@hooks.example.com/x?token=QUERYSECRET": partner said: bad signature for ` + hookSecret + ", Authorization: OAuth APIKEYSECRET"}
	if err := e.st.CreateDelivery(context.Background(), &d); err != nil {
		t.Fatal(err)
	}
	w := e.as(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID+"/deliveries", nil)
	if w.Code != 200 {
		t.Fatalf("deliveries: %d %s", w.Code, w.Body.String())
	}
	body := w.Body.String()
	for _, leak := range []string{"QUERYSECRET", "PASSWORD", strings.TrimPrefix(hookSecret, "whsec_"), "APIKEYSECRET"} {
		if strings.Contains(body, leak) {
			t.Errorf("delivery log shows %q: %s", leak, body)
		}
	}
	if !strings.Contains(body, "hooks.example.com/x") {
		t.Errorf("redaction removed the useful part: %s", body)
	}
}
