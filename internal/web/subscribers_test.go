package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/mail/mailtest"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
)

// subs: status-page subscribers, end to end over a real SMTP conversation
// with the in-process relay of mailtest.

const subsBase = "https://status.example.com"

type subsEnv struct {
	*env
	relay *mailtest.Server
}

func newSubsEnv(t *testing.T) *subsEnv {
	t.Helper()
	relay := mailtest.Start(t)
	sender, err := mail.New(relay.Config())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *Config) { c.Mail = sender; c.BaseURL = subsBase; c.StatusPageName = "Acme" })
	return &subsEnv{env: e, relay: relay}
}

var formTokenRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// formToken reads the anti-CSRF field of the status page's subscribe form.
func (e *subsEnv) formToken(lang string) string {
	e.t.Helper()
	page := e.public("/status?lang=" + lang)
	m := formTokenRe.FindStringSubmatch(page)
	if m == nil {
		e.t.Fatalf("the status page offers no subscribe form:\n%s", page)
	}
	return m[1]
}

func (e *subsEnv) postForm(path string, form url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.serve(req{method: "POST", path: path, body: form.Encode(),
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
}

// subscribe sends the status page's form as a reader of lang would.
func (e *subsEnv) subscribe(email, lang string, components ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	f := url.Values{"email": {email}, "lang": {lang}, "csrf_token": {e.formToken(lang)}}
	for _, c := range components {
		f.Add("component", c)
	}
	return e.postForm("/status/subscribe", f)
}

var confirmLinkRe = regexp.MustCompile(`https://status\.example\.com/status/subscribe/confirm\?\S+`)

// confirm follows the confirmation mail sent to email: the link shows a
// button, the button confirms.
func (e *subsEnv) confirm(email string) {
	e.t.Helper()
	msgs := e.relay.To(email)
	if len(msgs) == 0 {
		e.t.Fatalf("no confirmation mail to %s", email)
	}
	link := confirmLinkRe.FindString(msgs[len(msgs)-1].Text)
	if link == "" {
		e.t.Fatalf("no confirmation link in %q", msgs[len(msgs)-1].Text)
	}
	u, _ := url.Parse(link)
	page := e.public(u.RequestURI())
	if !strings.Contains(page, `action="/status/subscribe/confirm"`) {
		e.t.Fatalf("the confirmation link shows no button:\n%s", page)
	}
	w := e.postForm("/status/subscribe/confirm", url.Values{"t": {u.Query().Get("t")}})
	if w.Code != 200 {
		e.t.Fatalf("confirm: %d %s", w.Code, w.Body.String())
	}
}

func (e *subsEnv) publish(id string, body any) app.Published {
	e.t.Helper()
	var out app.Published
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+id+"/publish", body, 200, &out)
	return out
}

func subscriberDeliveries(ds []domain.Delivery) []domain.Delivery {
	var out []domain.Delivery
	for _, d := range ds {
		if _, ok := publish.SubscriberOf(d.TargetID); ok {
			out = append(out, d)
		}
	}
	return out
}

// Double opt-in, per-component choice and the subscriber's language: only
// confirmed subscribers of an affected component (or of all) get the RCA,
// each in the language of the page they subscribed on, with the external
// summary, the incident link and one-click unsubscribe headers.
func TestSubscribersOptInComponentsLanguage(t *testing.T) {
	e := newSubsEnv(t)
	inc, r := approvedRCA(t, e.env) // its incident touched "Upload API"
	other := e.component("Search")

	for _, s := range []struct{ email, lang, comp string }{
		{"anna@example.com", "de", inc.Components[0].ComponentID},
		{"belle@example.com", "fr", ""},
		{"carl@example.com", "en", other.ID},
		{"dora@example.com", "es", ""}, // never confirms
	} {
		var comps []string
		if s.comp != "" {
			comps = append(comps, s.comp)
		}
		if w := e.subscribe(s.email, s.lang, comps...); w.Code != 200 {
			t.Fatalf("subscribe %s: %d %s", s.email, w.Code, w.Body.String())
		}
	}
	e.relay.Wait(t, 4)
	if got := e.relay.To("anna@example.com")[0]; !strings.Contains(got.Subject, "Bestätigen") || got.Header.Get("Content-Language") != "de" {
		t.Errorf("German confirmation: %q %v", got.Subject, got.Header)
	}
	for _, who := range []string{"anna@example.com", "belle@example.com", "carl@example.com"} {
		e.confirm(who)
	}

	out := e.publish(r.ID, nil)
	if n := len(subscriberDeliveries(out.Deliveries)); n != 2 {
		t.Fatalf("publish queued %d subscriber deliveries, want 2 (anna: her component; belle: all)", n)
	}
	e.runDeliveries() // sends synchronously: the relay has the messages when it returns
	// Other areas may mail staff on publish; only the subscribers count here.
	byTo := map[string]mailtest.Message{}
	for _, a := range []string{"anna@example.com", "belle@example.com", "carl@example.com", "dora@example.com"} {
		if got := e.relay.To(a); len(got) > 1 {
			byTo[a] = got[len(got)-1]
		}
	}
	if len(byTo) != 2 || len(e.relay.To("carl@example.com")) != 1 || len(e.relay.To("dora@example.com")) != 1 {
		t.Fatalf("notified %v; carl (other component) and dora (unconfirmed) must get only their confirmation", keysOf(byTo))
	}
	de, fr := byTo["anna@example.com"], byTo["belle@example.com"]
	if !strings.Contains(de.Subject, "Ursachenanalyse") || de.Header.Get("Content-Language") != "de" {
		t.Errorf("German notification: %q", de.Subject)
	}
	if !strings.Contains(fr.Subject, "analyse des causes") || fr.Header.Get("Content-Language") != "fr" {
		t.Errorf("French notification: %q", fr.Subject)
	}
	for _, m := range []mailtest.Message{de, fr} {
		assertNoLeak(t, "subscriber mail", m.Text+m.Subject)
		if !strings.Contains(m.Text, "Customers saw failures in summary PUBLICTEXT.") {
			t.Errorf("no external summary in %q", m.Text)
		}
		if !strings.Contains(m.Text, subsBase+"/status/incidents/"+inc.ID) {
			t.Errorf("no incident link in %q", m.Text)
		}
		lu := m.Header.Get("List-Unsubscribe")
		if !strings.HasPrefix(lu, "<"+subsBase+"/status/unsubscribe?t=") || m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("one-click headers: %q / %q", lu, m.Header.Get("List-Unsubscribe-Post"))
		}
		if !strings.Contains(m.Text, strings.Trim(lu, "<>")) {
			t.Errorf("no unsubscribe link in the text")
		}
	}
	// Progress is visible on the RCA's deliveries.
	var ds struct {
		Items []domain.Delivery `json:"items"`
	}
	e.must(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID+"/deliveries", nil, 200, &ds)
	sd := subscriberDeliveries(ds.Items)
	if len(sd) != 2 || sd[0].State != domain.DeliverySucceeded || sd[1].State != domain.DeliverySucceeded {
		t.Fatalf("subscriber deliveries: %+v", sd)
	}
	// Addresses never appear on public pages.
	for _, p := range []string{"/status", "/status/incidents/" + inc.ID, "/status/feed.atom", "/api/v2/summary.json"} {
		if body := e.public(p); strings.Contains(body, "@example.com") {
			t.Errorf("%s shows a subscriber address", p)
		}
	}
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Publishing again sends nothing unless the publisher asks; asking sends the
// update once more to every confirmed subscriber.
func TestSubscribersOnceOnlyAndNotifyAgain(t *testing.T) {
	e := newSubsEnv(t)
	_, r := approvedRCA(t, e.env)
	e.subscribe("reader@example.com", "en")
	e.relay.Wait(t, 1)
	e.confirm("reader@example.com")

	e.publish(r.ID, nil)
	e.runDeliveries()
	if n := len(e.relay.To("reader@example.com")); n != 2 {
		t.Fatalf("reader got %d messages after the first publish, want 2", n)
	}

	again := e.publish(r.ID, nil) // re-publish without asking
	if n := len(subscriberDeliveries(again.Deliveries)); n != 0 {
		t.Fatalf("re-publish queued %d subscriber deliveries, want 0", n)
	}
	e.runDeliveries()
	if n := len(e.relay.To("reader@example.com")); n != 2 {
		t.Fatalf("reader got %d messages after a re-publish, want 2 (confirmation, first notice)", n)
	}

	asked := e.publish(r.ID, map[string]any{"notify": true})
	if n := len(subscriberDeliveries(asked.Deliveries)); n != 1 {
		t.Fatalf("notify:true queued %d subscriber deliveries, want 1", n)
	}
	e.runDeliveries()
	mine := e.relay.To("reader@example.com")
	if len(mine) != 3 {
		t.Fatalf("reader got %d messages after notify:true, want 3", len(mine))
	}
	got := mine[2]
	if !strings.Contains(got.Subject, "updated root cause analysis") {
		t.Errorf("notify-again subject %q", got.Subject)
	}
	// Unknown members of the optional body are refused as everywhere.
	if w := e.as(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/publish", map[string]any{"notfy": true}); w.Code != 400 && w.Code != 422 {
		t.Errorf("unknown member: %d", w.Code)
	}
}

// The unsubscribe link works without signing in: its page has a button;
// the RFC 8058 one-click POST removes the address too; either way it is
// gone for good and gets nothing more.
func TestSubscribersUnsubscribe(t *testing.T) {
	e := newSubsEnv(t)
	_, r := approvedRCA(t, e.env)
	for _, a := range []string{"one@example.com", "two@example.com"} {
		e.subscribe(a, "en")
	}
	e.relay.Wait(t, 2)
	e.confirm("one@example.com")
	e.confirm("two@example.com")
	e.publish(r.ID, nil)
	e.runDeliveries()
	for _, a := range []string{"one@example.com", "two@example.com"} {
		if n := len(e.relay.To(a)); n != 2 {
			t.Fatalf("%s got %d messages, want confirmation and notice", a, n)
		}
	}

	link := func(addr string) *url.URL {
		m := e.relay.To(addr)
		u, err := url.Parse(strings.Trim(m[len(m)-1].Header.Get("List-Unsubscribe"), "<>"))
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	// one: the page's button.
	u1 := link("one@example.com")
	page := e.public(u1.RequestURI())
	if !strings.Contains(page, `action="/status/unsubscribe"`) {
		t.Fatalf("unsubscribe page without a button:\n%s", page)
	}
	if w := e.postForm("/status/unsubscribe", url.Values{"t": {u1.Query().Get("t")}}); w.Code != 200 {
		t.Fatalf("unsubscribe button: %d", w.Code)
	}
	// two: a mail client's one-click POST to the header's URL.
	u2 := link("two@example.com")
	if w := e.postForm(u2.RequestURI(), url.Values{"List-Unsubscribe": {"One-Click"}}); w.Code != 200 {
		t.Fatalf("one-click: %d %s", w.Code, w.Body.String())
	}
	subs, err := e.st.ListSubscribers(context.Background())
	if err != nil || len(subs) != 0 {
		t.Fatalf("subscribers after unsubscribing: %+v %v", subs, err)
	}
	if w := e.serve(req{method: "GET", path: u1.RequestURI()}); w.Code != 200 || !strings.Contains(w.Body.String(), "no longer valid") || strings.Contains(w.Body.String(), "<form") {
		t.Errorf("a used unsubscribe link answers %d without saying it is no longer valid", w.Code)
	}
	e.publish(r.ID, map[string]any{"notify": true})
	e.runDeliveries()
	if n := len(e.relay.To("one@example.com")) + len(e.relay.To("two@example.com")); n != 4 {
		t.Fatalf("%d messages to them after unsubscribing, want still 4", n)
	}
}

// A refused RCPT is retried with backoff; an address refused past the last
// attempt is marked and gets nothing more. A temporary refusal that clears
// is delivered on the retry.
func TestSubscribersRefusedRecipientRetriedThenMarked(t *testing.T) {
	e := newSubsEnv(t)
	w := e.srv.status().worker
	w.MaxAttempts = 3
	_, r := approvedRCA(t, e.env)
	for _, a := range []string{"gone@example.com", "busy@example.com"} {
		e.subscribe(a, "en")
	}
	e.relay.Wait(t, 2)
	e.confirm("gone@example.com")
	e.confirm("busy@example.com")
	e.relay.Refuse("gone@example.com", 550)
	e.relay.Refuse("busy@example.com", 450)

	// Each address had one RCPT for its confirmation.
	e.publish(r.ID, nil)
	e.runDeliveries()
	if e.relay.Attempts("gone@example.com") != 2 || e.relay.Attempts("busy@example.com") != 2 {
		t.Fatalf("first attempts: %d, %d", e.relay.Attempts("gone@example.com"), e.relay.Attempts("busy@example.com"))
	}
	e.runDeliveries() // nothing due before the backoff
	if e.relay.Attempts("gone@example.com") != 2 {
		t.Fatal("retried before the backoff")
	}
	e.relay.Accept("busy@example.com")
	for i := 0; i < 4; i++ {
		e.clock.Advance(2 * time.Hour)
		e.runDeliveries()
	}
	if n := e.relay.Attempts("gone@example.com"); n != 1+3 {
		t.Errorf("gone@ was tried %d times, want confirmation + MaxAttempts 3", n)
	}
	if n := len(e.relay.To("busy@example.com")); n != 2 {
		t.Errorf("busy@ got %d messages, want confirmation + the notice on retry", n)
	}
	gone, err := e.st.GetSubscriberByAddress(context.Background(), "gone@example.com")
	if err != nil || gone.FailedAt == nil || !strings.Contains(gone.LastError, "refused") {
		t.Fatalf("gone@ not marked: %+v %v", gone, err)
	}
	var list struct {
		Subscribers []struct {
			Email string `json:"email"`
			State string `json:"state"`
		} `json:"subscribers"`
	}
	e.must(domain.RoleAdmin, "GET", "/api/v1/subscribers", nil, 200, &list)
	for _, s := range list.Subscribers {
		if s.Email == "gone@example.com" && s.State != "failed" {
			t.Errorf("admin list shows gone@ as %q", s.State)
		}
	}
	// Marked: a later notice skips it.
	e.publish(r.ID, map[string]any{"notify": true})
	e.runDeliveries()
	if n := e.relay.Attempts("gone@example.com"); n != 1+3 {
		t.Errorf("a marked address was tried again (%d)", n)
	}
}

// Bad input gets a clear, localized answer and changes nothing.
func TestSubscribeBadInput(t *testing.T) {
	e := newSubsEnv(t)
	cp := e.component("API")
	tok := e.formToken("de")
	for _, tc := range []struct {
		name string
		form url.Values
		code int
		want string
	}{
		{"bad address", url.Values{"email": {"not-an-address"}, "lang": {"de"}, "csrf_token": {tok}}, 422, "keine gültige E-Mail-Adresse"},
		{"display name", url.Values{"email": {"Eve <eve@example.com>"}, "lang": {"de"}, "csrf_token": {tok}}, 422, "keine gültige E-Mail-Adresse"},
		{"empty", url.Values{"email": {""}, "lang": {"fr"}, "csrf_token": {tok}}, 422, "pas une adresse e-mail valide"},
		{"unknown component", url.Values{"email": {"a@example.com"}, "lang": {"de"}, "csrf_token": {tok}, "component": {cp.ID, "nope"}}, 422, "Komponenten aus der Liste"},
		{"no form token", url.Values{"email": {"a@example.com"}, "lang": {"de"}}, 403, "Formular ist abgelaufen"},
		{"forged form token", url.Values{"email": {"a@example.com"}, "lang": {"de"}, "csrf_token": {"1." + strings.Repeat("A", 43)}}, 403, "Formular ist abgelaufen"},
	} {
		e.srv.subs().limiters.Purge() // one client sends every case: keep the throttle out of it
		w := e.postForm("/status/subscribe", tc.form)
		if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s: %d, want %d with %q:\n%s", tc.name, w.Code, tc.code, tc.want, snippet(w.Body.String()))
		}
	}
	// An expired token is refused too.
	e.clock.Advance(49 * time.Hour)
	if w := e.postForm("/status/subscribe", url.Values{"email": {"a@example.com"}, "lang": {"en"}, "csrf_token": {tok}}); w.Code != 403 {
		t.Errorf("expired token: %d", w.Code)
	}
	subs, _ := e.st.ListSubscribers(context.Background())
	if len(subs) != 0 || len(e.relay.Messages()) != 0 {
		t.Fatalf("bad input stored %d subscribers, sent %d messages", len(subs), len(e.relay.Messages()))
	}
	if w := e.serve(req{method: "GET", path: "/status/subscribe/confirm?t=nope&lang=fr"}); w.Code != 200 || !strings.Contains(w.Body.String(), "n’est plus valide") {
		t.Errorf("unknown confirmation token: %d %s", w.Code, snippet(w.Body.String()))
	}
	if w := e.postForm("/status/subscribe/confirm", url.Values{"t": {"nope"}}); w.Code != 404 {
		t.Errorf("confirming an unknown token: %d", w.Code)
	}
}

// Without SMTP nothing offers subscription.
func TestSubscribeOffWithoutSMTP(t *testing.T) {
	e := newEnv(t)
	if page := e.public("/status"); strings.Contains(page, "/status/subscribe") {
		t.Fatal("the status page offers subscription without an SMTP relay")
	}
	w := e.serve(req{method: "POST", path: "/status/subscribe", body: "email=a%40example.com",
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if w.Code != 404 {
		t.Fatalf("POST /status/subscribe without SMTP: %d", w.Code)
	}
	var list struct {
		MailEnabled bool `json:"mail_enabled"`
	}
	e.must(domain.RoleAdmin, "GET", "/api/v1/subscribers", nil, 200, &list)
	if list.MailEnabled {
		t.Error("mail_enabled true without SMTP")
	}
}

// Subscribe requests are throttled per client address; a pending address
// asking again gets a new confirmation, a confirmed one nothing (and the
// answer is the same, so the form tells no one who subscribed).
func TestSubscribeThrottleAndRepeat(t *testing.T) {
	e := newSubsEnv(t)
	e.subscribe("x@example.com", "en")
	e.subscribe("x@example.com", "en")
	e.relay.Wait(t, 2)
	e.confirm("x@example.com")
	w := e.subscribe("x@example.com", "de")
	if w.Code != 200 || len(e.relay.To("x@example.com")) != 2 {
		t.Fatalf("a confirmed address asking again: %d, %d messages", w.Code, len(e.relay.To("x@example.com")))
	}
	sub, _ := e.st.GetSubscriberByAddress(context.Background(), "x@example.com")
	if sub.Language != "en" || !sub.Confirmed {
		t.Fatalf("a repeated request changed a confirmed subscriber: %+v", sub)
	}
	codes := []int{}
	for i := 0; i < subscribeBurst; i++ {
		codes = append(codes, e.subscribe("y@example.com", "en").Code)
	}
	if codes[len(codes)-1] != http.StatusTooManyRequests {
		t.Fatalf("codes past the burst: %v, want the last 429", codes)
	}
}

// Admins see, export and remove subscribers; others may not.
func TestSubscribersAdmin(t *testing.T) {
	e := newSubsEnv(t)
	e.subscribe("=cmd@example.com", "pt-BR")
	e.subscribe("plain@example.com", "es")
	e.relay.Wait(t, 2)
	e.confirm("plain@example.com")

	for _, role := range []domain.Role{domain.RoleViewer, domain.RoleAuthor, domain.RoleReviewer} {
		if w := e.as(role, "GET", "/api/v1/subscribers", nil); w.Code != 403 {
			t.Errorf("%s lists subscribers: %d", role, w.Code)
		}
	}
	var list struct {
		Subscribers []map[string]any `json:"subscribers"`
		MailEnabled bool             `json:"mail_enabled"`
	}
	e.must(domain.RoleAdmin, "GET", "/api/v1/subscribers", nil, 200, &list)
	if len(list.Subscribers) != 2 || !list.MailEnabled {
		t.Fatalf("list: %+v", list)
	}
	for _, s := range list.Subscribers {
		if _, leak := s["token"]; leak {
			t.Error("the API returns the link token")
		}
	}
	w := e.serve(req{method: "GET", path: "/api/v1/subscribers?format=csv", token: e.tokens[domain.RoleAdmin]})
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv rows: %v %v", rows, err)
	}
	byAddr := map[string][]string{}
	for _, row := range rows[1:] {
		byAddr[row[2]] = row
	}
	if c, p := byAddr["'=cmd@example.com"], byAddr["plain@example.com"]; c == nil || p == nil || p[5] != "confirmed" || c[5] != "pending" || c[3] != "pt-BR" {
		t.Errorf("csv (formula cells defused, states, languages): %v", rows)
	}
	id := list.Subscribers[0]["id"].(string)
	e.must(domain.RoleAdmin, "DELETE", "/api/v1/subscribers/"+id, nil, 204, nil)
	e.must(domain.RoleAdmin, "DELETE", "/api/v1/subscribers/"+id, nil, 404, nil)
	if w := e.as(domain.RoleAuthor, "DELETE", "/api/v1/subscribers/"+id, nil); w.Code != 403 {
		t.Errorf("author deletes: %d", w.Code)
	}
}

// Webhook subscribers: added by an admin (the URL under the SSRF rules),
// told of a published RCA of their component with a signed event in their
// language, once.
func TestSubscribersWebhook(t *testing.T) {
	e := newSubsEnv(t)
	inc, r := approvedRCA(t, e.env)
	hook := newHookReceiver(t)

	w := e.as(domain.RoleAdmin, "POST", "/api/v1/subscribers", map[string]any{"kind": "webhook", "url": hook.URL + "/in", "language": "de"})
	if ae := decodeErr(t, w); w.Code != 422 || !hasProblemOn(ae, "url") {
		t.Fatalf("a loopback URL without allow_private: %d %s", w.Code, w.Body.String())
	}
	w = e.as(domain.RoleAdmin, "POST", "/api/v1/subscribers", map[string]any{"kind": "email", "url": "x"})
	if ae := decodeErr(t, w); w.Code != 422 || !hasProblemOn(ae, "kind") {
		t.Fatalf("kind email through the API: %d %s", w.Code, w.Body.String())
	}
	if w := e.as(domain.RoleAuthor, "POST", "/api/v1/subscribers", map[string]any{"kind": "webhook", "url": "https://hooks.example.com/x"}); w.Code != 403 {
		t.Fatalf("author adds a subscriber: %d", w.Code)
	}
	var created struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
		State  string `json:"state"`
	}
	e.must(domain.RoleAdmin, "POST", "/api/v1/subscribers", map[string]any{"kind": "webhook", "url": hook.URL + "/in", "language": "de",
		"allow_private": true, "components": []string{inc.Components[0].ComponentID}}, 201, &created)
	if !strings.HasPrefix(created.Secret, "whsec_") || created.State != "confirmed" {
		t.Fatalf("created: %+v", created)
	}
	var list struct {
		Subscribers []map[string]any `json:"subscribers"`
	}
	e.must(domain.RoleAdmin, "GET", "/api/v1/subscribers", nil, 200, &list)
	if strings.Contains(fmtJSON(list), created.Secret) {
		t.Fatal("the list answers the webhook secret")
	}

	e.publish(r.ID, nil)
	e.runDeliveries()
	calls := hook.got()
	if len(calls) != 1 {
		t.Fatalf("webhook subscriber got %d calls, want 1", len(calls))
	}
	c := calls[0]
	ts, _ := strconv.ParseInt(c.header.Get("Webhook-Timestamp"), 10, 64)
	if !publish.Verify(created.Secret, c.header.Get("Webhook-Id"), ts, c.body, c.header.Get("Webhook-Signature")) {
		t.Fatal("the subscriber's webhook is not signed with its secret")
	}
	var ev publish.WebhookEvent
	if err := jsonUnmarshal(c.body, &ev); err != nil || ev.Type != publish.EventPublished || ev.Data.Report == nil || ev.Data.Report.Language != "de" {
		t.Fatalf("event: %+v %v", ev, err)
	}
	assertNoLeak(t, "subscriber webhook", string(c.body))
	e.publish(r.ID, nil)
	e.runDeliveries()
	if n := len(hook.got()); n != 1 {
		t.Fatalf("a re-publish called the subscriber again (%d calls)", n)
	}
}

func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// The public listener serves the subscription forms too (cross-site posts
// refused), so links in e-mail work where only the status page is exposed.
func TestSubscribeOnPublicHandler(t *testing.T) {
	e := newSubsEnv(t)
	pub, err := e.srv.PublicHandler()
	if err != nil {
		t.Fatal(err)
	}
	send := func(method, path string, form url.Values, hdr map[string]string) *httptest.ResponseRecorder {
		var body *strings.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		} else {
			body = strings.NewReader("")
		}
		r := httptest.NewRequest(method, path, body)
		r.Host = "status.example.com"
		if form != nil {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		pub.ServeHTTP(w, r)
		return w
	}
	tok := e.formToken("en")
	f := url.Values{"email": {"pub@example.com"}, "lang": {"en"}, "csrf_token": {tok}}
	if w := send("POST", "/status/subscribe", f, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}); w.Code != 403 {
		t.Fatalf("cross-site subscribe on the public listener: %d", w.Code)
	}
	if w := send("POST", "/status/subscribe", f, map[string]string{"Sec-Fetch-Site": "same-origin"}); w.Code != 200 {
		t.Fatalf("subscribe on the public listener: %d %s", w.Code, snippet(w.Body.String()))
	}
	m := e.relay.Wait(t, 1)[0]
	u, _ := url.Parse(confirmLinkRe.FindString(m.Text))
	if w := send("GET", u.RequestURI(), nil, nil); w.Code != 200 || !strings.Contains(w.Body.String(), "<form") {
		t.Fatalf("confirmation link on the public listener: %d", w.Code)
	}
	if w := send("POST", "/status/subscribe/confirm", url.Values{"t": {u.Query().Get("t")}}, nil); w.Code != 200 {
		t.Fatalf("confirm on the public listener: %d", w.Code)
	}
	sub, err := e.st.GetSubscriberByAddress(context.Background(), "pub@example.com")
	if err != nil || !sub.Confirmed {
		t.Fatalf("after confirming: %+v %v", sub, err)
	}
	if w := send("POST", "/status/unsubscribe?t="+sub.Token, url.Values{"List-Unsubscribe": {"One-Click"}}, nil); w.Code != 200 {
		t.Fatalf("one-click on the public listener: %d", w.Code)
	}
	if _, err := e.st.GetSubscriber(context.Background(), sub.ID); err == nil {
		t.Fatal("still subscribed")
	}
}
