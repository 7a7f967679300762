package web

// subs: status-page subscribers. Public: POST /status/subscribe (double
// opt-in by e-mail), the confirmation link and the unsubscribe link (also
// RFC 8058 one-click). Admins: list, CSV export, remove. Notifications are
// deliveries sent by the publish worker (statuspage/publish/subscribers.go);
// this file writes their text.

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/statuspage"
	"github.com/hindsight-rca/hindsight/internal/statuspage/netguard"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
	"github.com/hindsight-rca/hindsight/internal/store"
)

const (
	subsKeySetting = "subs.form_key" // HMAC key of the subscribe form's token, shared by instances
	subsTokenTTL   = 48 * time.Hour
	// SubscribeBurst and SubscribeEvery throttle POST /status/subscribe per
	// client address: a burst, then one request per interval.
	subscribeBurst = 5
	subscribeEvery = time.Minute
)

// subscriptions is the state of the public subscription routes.
type subscriptions struct {
	mu       sync.Mutex
	key      []byte
	limiters *lru.Cache[string, *rate.Limiter]
}

// mailOn reports whether a relay is configured: without one nothing offers
// subscription.
func (s *Server) mailOn() bool { return mail.Enabled(s.cfg.Mail) }

func (s *Server) subs() *subscriptions {
	s.subsOnce.Do(func() {
		c, _ := lru.New[string, *rate.Limiter](10000)
		s.subsState = &subscriptions{limiters: c}
	})
	return s.subsState
}

// subsKey loads (or creates once) the form token key from the settings.
func (s *Server) subsKey(ctx context.Context) ([]byte, error) {
	st := s.subs()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.key != nil {
		return st.key, nil
	}
	raw, err := s.store.GetSetting(ctx, subsKeySetting)
	if errors.Is(err, store.ErrNotFound) {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		raw, _ = json.Marshal(base64.StdEncoding.EncodeToString(k))
		if err := s.store.PutSetting(ctx, subsKeySetting, raw); err != nil {
			return nil, err
		}
		raw, err = s.store.GetSetting(ctx, subsKeySetting) // another instance may have won
	}
	if err != nil {
		return nil, err
	}
	var enc string
	if err := json.Unmarshal(raw, &enc); err != nil {
		return nil, err
	}
	k, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(k) < 16 {
		return nil, errors.New("web: subscribe form key setting is damaged")
	}
	st.key = k
	return k, nil
}

func subsMAC(key []byte, ts string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("subscribe." + ts))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// subscribeToken is the anti-CSRF field of the status page's form: a
// timestamp and its HMAC, valid for subsTokenTTL. The page is cached and the
// same for every reader, so the token cannot be per session; cross-site
// posts are refused by the cross-origin check as everywhere.
func (s *Server) subscribeToken() string {
	key, err := s.subsKey(context.Background())
	if err != nil {
		s.log.Warn("subscribe: form key", "err", err)
		return ""
	}
	ts := strconv.FormatInt(s.now().Unix(), 10)
	return ts + "." + subsMAC(key, ts)
}

func (s *Server) subscribeTokenOK(ctx context.Context, tok string) bool {
	ts, mac, ok := strings.Cut(tok, ".")
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	at := time.Unix(n, 0)
	if now := s.now(); at.After(now.Add(5*time.Minute)) || now.Sub(at) > subsTokenTTL {
		return false
	}
	key, err := s.subsKey(ctx)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(subsMAC(key, ts)))
}

// allowSubscribe throttles subscribe requests per client address.
func (s *Server) allowSubscribe(ip string) bool {
	st := s.subs()
	st.mu.Lock()
	defer st.mu.Unlock()
	l, ok := st.limiters.Get(ip)
	if !ok {
		l = rate.NewLimiter(rate.Every(subscribeEvery), subscribeBurst)
		st.limiters.Add(ip, l)
	}
	return l.AllowN(s.now(), 1)
}

// publicFormRoute: the public subscription forms act with no one's
// authority, so a signed-in reader's session token is not asked for (the
// cross-origin check still applies).
func publicFormRoute(path string) bool {
	return path == "/status/subscribe" || path == "/status/subscribe/confirm" || path == "/status/unsubscribe"
}

// registerPublicSubscribers adds the public subscription routes to the
// public listener's engine (cross-origin posts refused there too).
func (s *Server) registerPublicSubscribers(r *gin.Engine) {
	r.POST("/status/subscribe", s.crossOrigin(), s.statusSubscribe)
	r.GET("/status/subscribe/confirm", s.statusConfirmPage)
	r.POST("/status/subscribe/confirm", s.crossOrigin(), s.statusConfirm)
	r.GET("/status/unsubscribe", s.statusUnsubscribePage)
	r.POST("/status/unsubscribe", s.crossOrigin(), s.statusUnsubscribe)
}

// registerSubscribers adds the public subscription routes and the admin API.
func (s *Server) registerSubscribers(r *gin.Engine, api *gin.RouterGroup) {
	s.handle(r, "POST", "/status/subscribe", policy.Public, s.statusSubscribe)
	s.handle(r, "GET", "/status/subscribe/confirm", policy.Public, s.statusConfirmPage)
	s.handle(r, "POST", "/status/subscribe/confirm", policy.Public, s.statusConfirm)
	s.handle(r, "GET", "/status/unsubscribe", policy.Public, s.statusUnsubscribePage)
	s.handle(r, "POST", "/status/unsubscribe", policy.Public, s.statusUnsubscribe)

	s.handle(api, "GET", "/subscribers", policy.SubscriberManage, s.apiSubscriberList)
	s.handle(api, "POST", "/subscribers", policy.SubscriberManage, s.apiSubscriberCreate)
	s.handle(api, "DELETE", "/subscribers/:id", policy.SubscriberManage, s.apiSubscriberDelete)
}

// subsLang is the page language the form was sent from.
func (s *Server) subsLang(c *gin.Context) string {
	a := s.status()
	lang := c.PostForm("lang")
	if lang == "" {
		lang = c.Query("lang")
	}
	for _, l := range a.site.Languages() {
		if l == lang {
			return l
		}
	}
	return a.site.DefaultLanguage()
}

func (s *Server) subsMessage(c *gin.Context, status int, lang, key, detailKey string, form *statuspage.MessageForm) {
	l := s.status().cat.Localizer(lang)
	detail := ""
	if detailKey != "" {
		detail = l.T(detailKey)
	}
	s.status().site.Message(c.Writer, status, lang, l.T(key), detail, form)
	c.Abort()
}

// statusSubscribe is POST /status/subscribe: form fields email, component
// (repeated; none: all), lang and csrf_token. The answer is the same
// whether the address was new, pending or confirmed, so the form tells no
// one who subscribed.
func (s *Server) statusSubscribe(c *gin.Context) {
	lang := s.subsLang(c)
	if !s.mailOn() {
		s.subsMessage(c, http.StatusNotFound, lang, "subs.off", "", nil)
		return
	}
	if !s.allowSubscribe(c.ClientIP()) {
		c.Header("Retry-After", strconv.Itoa(int(subscribeEvery/time.Second)))
		s.subsMessage(c, http.StatusTooManyRequests, lang, "subs.throttled", "", nil)
		return
	}
	ctx := c.Request.Context()
	if !s.subscribeTokenOK(ctx, c.PostForm(csrfField)) {
		s.subsMessage(c, http.StatusForbidden, lang, "subs.bad_form", "", nil)
		return
	}
	email, err := domain.NormalizeSubscriberEmail("email", c.PostForm("email"))
	if err != nil {
		s.subsMessage(c, http.StatusUnprocessableEntity, lang, "subs.bad_email", "", nil)
		return
	}
	chosen := c.PostFormArray("component")
	if len(chosen) > domain.MaxSubscriberComponents {
		s.subsMessage(c, http.StatusUnprocessableEntity, lang, "subs.bad_component", "", nil)
		return
	}
	if len(chosen) > 0 {
		comps, err := s.store.ListComponents(ctx)
		if err != nil {
			s.pageError(c, err)
			return
		}
		known := map[string]bool{}
		for _, cp := range comps {
			known[cp.ID] = true
		}
		seen := map[string]bool{}
		var uniq []string
		for _, id := range chosen {
			if !known[id] {
				s.subsMessage(c, http.StatusUnprocessableEntity, lang, "subs.bad_component", "", nil)
				return
			}
			if !seen[id] {
				seen[id] = true
				uniq = append(uniq, id)
			}
		}
		chosen = uniq
	}
	sub, err := s.store.GetSubscriberByAddress(ctx, email)
	switch {
	case err == nil && sub.Confirmed:
		// Already subscribed: nothing changes, nothing is sent (anyone may
		// type anyone's address).
	case err == nil:
		sub.Components, sub.Language = chosen, lang
		if err := s.store.UpdateSubscriber(ctx, &sub); err != nil {
			s.pageError(c, err)
			return
		}
		s.sendConfirmation(ctx, sub)
	case errors.Is(err, store.ErrNotFound):
		sub = domain.Subscriber{Kind: domain.SubscriberEmail, Email: email, Components: chosen, Language: lang,
			Token: domain.NewSubscriberToken(), CreatedAt: s.now()}
		if err := s.store.CreateSubscriber(ctx, &sub); err != nil && !errors.Is(err, store.ErrDuplicate) {
			s.pageError(c, err)
			return
		} else if err == nil {
			s.audit(ctx, "", "subscriber.create", "subscriber:"+sub.ID, map[string]string{"language": lang})
			s.sendConfirmation(ctx, sub)
		}
	default:
		s.pageError(c, err)
		return
	}
	s.subsMessage(c, http.StatusOK, lang, "subs.check_mail", "subs.check_mail.detail", nil)
}

// publicURL is the absolute URL of path on this server (BaseURL when set,
// else the request's host is not trusted: a relative link).
func (s *Server) publicURL(path string, q url.Values) string {
	u := strings.TrimRight(s.cfg.BaseURL, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func (s *Server) statusName() string {
	if s.cfg.StatusPageName != "" {
		return s.cfg.StatusPageName
	}
	return "Status"
}

// sendConfirmation mails the double opt-in link. A relay failure is
// logged, not shown: the form answers the same either way.
func (s *Server) sendConfirmation(ctx context.Context, sub domain.Subscriber) {
	l := s.status().cat.Localizer(sub.Language)
	link := s.publicURL("/status/subscribe/confirm", url.Values{"t": {sub.Token}, "lang": {sub.Language}})
	name := s.statusName()
	text := l.T("subs.mail.confirm.body", map[string]any{"Name": name}) + "\n\n" +
		l.T("subs.mail.confirm.link", map[string]any{"URL": link}) + "\n\n" +
		l.T("subs.mail.confirm.ignore") + "\n"
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := s.cfg.Mail.Send(ctx, mail.Message{To: sub.Email, Subject: l.T("subs.mail.confirm.subject", map[string]any{"Name": name}),
		Text: text, Lang: sub.Language})
	if err != nil {
		s.log.Warn("subscribe: confirmation mail not sent", "subscriber", sub.ID, "err", err)
	}
}

func (s *Server) subscriberOfLink(c *gin.Context) (domain.Subscriber, bool) {
	tok := c.Query("t")
	if tok == "" {
		tok = c.PostForm("t")
	}
	if tok == "" || len(tok) > 100 {
		return domain.Subscriber{}, false
	}
	sub, err := s.store.GetSubscriberByToken(c.Request.Context(), tok)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.pageError(c, err)
			c.Abort()
		}
		return domain.Subscriber{}, false
	}
	return sub, true
}

// statusConfirmPage is the link in the confirmation mail: a button, so that
// a mail scanner following links confirms nothing. An unknown link answers
// 200 with a message, like every public page (the page is not an API).
func (s *Server) statusConfirmPage(c *gin.Context) {
	lang := s.subsLang(c)
	sub, ok := s.subscriberOfLink(c)
	if c.IsAborted() {
		return
	}
	if !ok {
		s.subsMessage(c, http.StatusOK, lang, "subs.link_invalid", "", nil)
		return
	}
	if sub.Confirmed {
		s.subsMessage(c, http.StatusOK, sub.Language, "subs.confirmed", "subs.confirmed.detail", nil)
		return
	}
	l := s.status().cat.Localizer(sub.Language)
	s.subsMessage(c, http.StatusOK, sub.Language, "subs.confirm.title", "", &statuspage.MessageForm{
		Action: "/status/subscribe/confirm", Button: l.T("subs.confirm.button"),
		Fields: map[string]string{"t": sub.Token, "lang": sub.Language}})
}

// statusConfirm confirms the subscription of the link's token.
func (s *Server) statusConfirm(c *gin.Context) {
	lang := s.subsLang(c)
	sub, ok := s.subscriberOfLink(c)
	if c.IsAborted() {
		return
	}
	if !ok {
		s.subsMessage(c, http.StatusNotFound, lang, "subs.link_invalid", "", nil)
		return
	}
	if !sub.Confirmed {
		now := s.now()
		sub.Confirmed, sub.ConfirmedAt = true, &now
		if err := s.store.UpdateSubscriber(c.Request.Context(), &sub); err != nil {
			s.pageError(c, err)
			return
		}
		s.audit(c.Request.Context(), "", "subscriber.confirm", "subscriber:"+sub.ID, nil)
	}
	s.subsMessage(c, http.StatusOK, sub.Language, "subs.confirmed", "subs.confirmed.detail", nil)
}

// statusUnsubscribePage is the unsubscribe link of every message.
func (s *Server) statusUnsubscribePage(c *gin.Context) {
	lang := s.subsLang(c)
	sub, ok := s.subscriberOfLink(c)
	if c.IsAborted() {
		return
	}
	if !ok {
		s.subsMessage(c, http.StatusOK, lang, "subs.link_invalid", "", nil)
		return
	}
	l := s.status().cat.Localizer(sub.Language)
	s.subsMessage(c, http.StatusOK, sub.Language, "subs.unsubscribe.title", "", &statuspage.MessageForm{
		Action: "/status/unsubscribe", Button: l.T("subs.unsubscribe.button"),
		Fields: map[string]string{"t": sub.Token, "lang": sub.Language}})
}

// statusUnsubscribe removes the link's subscriber for good: the page's
// button, or a mail client's RFC 8058 one-click POST
// (List-Unsubscribe=One-Click) to the List-Unsubscribe URL.
func (s *Server) statusUnsubscribe(c *gin.Context) {
	lang := s.subsLang(c)
	sub, ok := s.subscriberOfLink(c)
	if c.IsAborted() {
		return
	}
	if ok {
		lang = sub.Language
		if err := s.store.DeleteSubscriber(c.Request.Context(), sub.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.pageError(c, err)
			return
		}
		s.audit(c.Request.Context(), "", "subscriber.unsubscribe", "subscriber:"+sub.ID, nil)
	}
	// Unknown token: already gone; the answer is the same.
	s.subsMessage(c, http.StatusOK, lang, "subs.unsubscribed", "subs.unsubscribed.detail", nil)
}

// composeSubscriberMail writes the notification of a published RCA: the
// external edition's summary in the subscriber's language, a link to the
// incident page, an unsubscribe link and the one-click headers.
func (s *Server) composeSubscriberMail(ctx context.Context, sub domain.Subscriber, r domain.RCA, incidents []domain.Incident, event string) (mail.Message, error) {
	rep, err := s.externalReport(ctx, r, incidents, sub.Language, s.cfg.DefaultTimeZone)
	if err != nil {
		return mail.Message{}, err
	}
	l := s.status().cat.Localizer(sub.Language)
	name := s.statusName()
	key := "subs.mail.rca.subject"
	if event == publish.EventUpdated {
		key = "subs.mail.rca.updated_subject"
	}
	summary := ""
	for _, sec := range rep.Sections {
		if sec.Key == "summary" && !sec.Internal {
			summary = strings.TrimSpace(sec.Markdown)
		}
	}
	link := s.publicURL("/status", url.Values{"lang": {sub.Language}})
	if len(incidents) > 0 {
		link = s.publicURL("/status/incidents/"+url.PathEscape(incidents[0].ID), url.Values{"lang": {sub.Language}})
	}
	unsub := s.publicURL("/status/unsubscribe", url.Values{"t": {sub.Token}})
	var b strings.Builder
	b.WriteString(rep.Title + "\n\n")
	b.WriteString(l.T("subs.mail.rca.intro") + "\n\n")
	if summary != "" {
		b.WriteString(summary + "\n\n")
	}
	b.WriteString(l.T("subs.mail.rca.read", map[string]any{"URL": link}) + "\n\n-- \n")
	b.WriteString(l.T("subs.mail.unsubscribe", map[string]any{"URL": unsub}) + "\n")
	return mail.Message{
		To:      sub.Email,
		Subject: l.T(key, map[string]any{"Name": name, "Title": rep.Title}),
		Text:    b.String(),
		Lang:    sub.Language,
		Headers: map[string]string{
			"List-Unsubscribe":      "<" + unsub + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"Auto-Submitted":        "auto-generated",
		},
	}, nil
}

// subscriberRow is what admins see of a subscriber.
type subscriberRow struct {
	domain.Subscriber
	State string `json:"state"` // pending, confirmed, failed
}

func rowOf(sub domain.Subscriber) subscriberRow {
	st := "pending"
	switch {
	case sub.FailedAt != nil:
		st = "failed"
	case sub.Confirmed:
		st = "confirmed"
	}
	if sub.Components == nil {
		sub.Components = []string{}
	}
	return subscriberRow{Subscriber: sub, State: st}
}

// apiSubscriberList is GET /api/v1/subscribers (JSON), or the CSV export
// with ?format=csv or Accept: text/csv.
func (s *Server) apiSubscriberList(c *gin.Context) {
	list, err := s.store.ListSubscribers(c.Request.Context())
	if err != nil {
		s.apiError(c, err)
		return
	}
	if c.Query("format") == "csv" || strings.Contains(c.GetHeader("Accept"), "text/csv") {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="subscribers.csv"`)
		c.Header("Cache-Control", "no-store")
		w := csv.NewWriter(c.Writer)
		_ = w.Write([]string{"id", "kind", "address", "language", "components", "state", "created_at", "confirmed_at"})
		for _, sub := range list {
			row := rowOf(sub)
			addr := sub.Email
			if sub.Kind == domain.SubscriberWebhook {
				addr = sub.URL
			}
			confirmed := ""
			if sub.ConfirmedAt != nil {
				confirmed = sub.ConfirmedAt.UTC().Format(time.RFC3339)
			}
			_ = w.Write([]string{sub.ID, string(sub.Kind), csvSafe(addr), sub.Language, strings.Join(sub.Components, " "),
				row.State, sub.CreatedAt.UTC().Format(time.RFC3339), confirmed})
		}
		w.Flush()
		return
	}
	out := make([]subscriberRow, 0, len(list))
	for _, sub := range list {
		out = append(out, rowOf(sub))
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"subscribers": out, "mail_enabled": s.mailOn()})
}

// apiSubscriberDelete removes a subscriber for good.
func (s *Server) apiSubscriberDelete(c *gin.Context) {
	id := c.Param("id")
	if err := s.store.DeleteSubscriber(c.Request.Context(), id); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(c.Request.Context(), actorOf(c).UserID, "subscriber.delete", "subscriber:"+id, nil)
	c.Status(http.StatusNoContent)
}

// subscribeTokenFunc is the status page's form token source, nil (no form)
// without a relay.
func (s *Server) subscribeTokenFunc() func() string {
	if !s.mailOn() {
		return nil
	}
	return s.subscribeToken
}

// subscriberInput is the body of POST /api/v1/subscribers: admins add
// webhook subscribers (e-mail subscribers confirm through the status page).
type subscriberInput struct {
	Kind         string   `json:"kind"` // "webhook"
	URL          string   `json:"url"`
	Components   []string `json:"components"`
	Language     string   `json:"language"`
	AllowPrivate bool     `json:"allow_private"`
}

// subscriberCreated answers the new webhook subscriber with its signing
// secret, shown this once.
type subscriberCreated struct {
	subscriberRow
	Secret string `json:"secret"`
}

// apiSubscriberCreate adds a webhook subscriber: confirmed at once (an
// admin added it), signed like publish targets, its URL under the same SSRF
// rules (netguard; allow_private for loopback and private networks).
func (s *Server) apiSubscriberCreate(c *gin.Context) {
	var in subscriberInput
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	var ps []domain.Problem
	add := func(field, code, detail string) {
		ps = append(ps, domain.Problem{Field: field, Code: code, Detail: detail})
	}
	if in.Kind != string(domain.SubscriberWebhook) {
		add("kind", domain.CodeUnknownEnum, "webhook (e-mail subscribers confirm their address on the status page)")
	}
	in.URL = strings.TrimSpace(in.URL)
	switch {
	case in.URL == "":
		add("url", domain.CodeRequired, "")
	case len(in.URL) > 2048:
		add("url", domain.CodeTooLong, "")
	default:
		if err := netguard.CheckURL(in.URL, in.AllowPrivate); err != nil {
			add("url", domain.CodeInvalid, strings.TrimPrefix(err.Error(), "netguard: "))
		}
	}
	if in.Language == "" {
		in.Language = s.status().site.DefaultLanguage()
	} else if !s.status().cat.Supported(in.Language) {
		add("language", domain.CodeUnknownEnum, strings.Join(s.status().site.Languages(), ", "))
	}
	if len(in.Components) > domain.MaxSubscriberComponents {
		add("components", domain.CodeTooMany, "")
	} else if len(in.Components) > 0 {
		comps, err := s.store.ListComponents(ctx)
		if err != nil {
			s.apiError(c, err)
			return
		}
		known := map[string]bool{}
		for _, cp := range comps {
			known[cp.ID] = true
		}
		for i, id := range in.Components {
			if !known[id] {
				add("components."+strconv.Itoa(i), domain.CodeInvalid, "not a component id")
			}
		}
	}
	if len(ps) > 0 {
		s.apiError(c, &domain.ValidationError{Problems: ps})
		return
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	now := s.now()
	sub := domain.Subscriber{Kind: domain.SubscriberWebhook, URL: in.URL, Secret: "whsec_" + base64.StdEncoding.EncodeToString(key),
		Components: in.Components, Language: in.Language, AllowPrivate: in.AllowPrivate, Confirmed: true, ConfirmedAt: &now,
		Token: domain.NewSubscriberToken(), CreatedAt: now}
	if err := s.store.CreateSubscriber(ctx, &sub); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, actorOf(c).UserID, "subscriber.create", "subscriber:"+sub.ID, map[string]string{"kind": "webhook"})
	c.JSON(http.StatusCreated, subscriberCreated{subscriberRow: rowOf(sub), Secret: sub.Secret})
}
