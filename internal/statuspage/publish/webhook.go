package publish

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// WebhookEvent is the JSON body of a webhook, in the Standard Webhooks
// shape {type, timestamp, data}.
type WebhookEvent struct {
	Type      string      `json:"type"`
	Timestamp time.Time   `json:"timestamp"`
	Data      WebhookData `json:"data"`
}

// WebhookData is what a webhook says about the RCA.
type WebhookData struct {
	RCA       WebhookRCA        `json:"rca"`
	Report    *WebhookReport    `json:"report,omitempty"` // absent for rca.unpublished
	Links     map[string]string `json:"links"`
	Incidents []WebhookIncident `json:"incidents"`
}

// WebhookRCA identifies the RCA and its published version.
type WebhookRCA struct {
	ID               string     `json:"id"`
	Slug             string     `json:"slug"`
	Title            string     `json:"title"`
	Version          int64      `json:"version"`
	Language         string     `json:"language"`
	AffectedServices []string   `json:"affected_services"`
	PublishedAt      *time.Time `json:"published_at"`
}

// WebhookReport is the external report, in Markdown and HTML.
type WebhookReport struct {
	Language string `json:"language"`
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
}

// WebhookIncident is one incident the RCA explains.
type WebhookIncident struct {
	ID         string     `json:"id"`
	Title      string     `json:"title"`
	Impact     string     `json:"impact"`
	StartedAt  time.Time  `json:"started_at"`
	ResolvedAt *time.Time `json:"resolved_at"`
	URL        string     `json:"url"`
}

// Sign returns the Standard Webhooks signature header value for one
// message: "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
// where key is the base64-decoded part of secret after "whsec_".
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := webhookKey(secret)
	if err != nil {
		return "", fmt.Errorf("publish: webhook secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + strconv.FormatInt(timestamp, 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Verify checks a webhook-signature header (one or more space-separated
// "v1,<sig>" values) against the message: what a receiver does.
func Verify(secret, id string, timestamp int64, body []byte, header string) bool {
	want, err := Sign(secret, id, timestamp, body)
	if err != nil {
		return false
	}
	for _, s := range strings.Fields(header) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return true
		}
	}
	return false
}

func (w *Worker) webhookEvent(d domain.Delivery, r domain.RCA, lang string, incidents []domain.Incident, rep *Report) WebhookEvent {
	base := strings.TrimRight(w.BaseURL, "/")
	ev := WebhookEvent{Type: d.Event, Timestamp: w.now(), Data: WebhookData{
		RCA: WebhookRCA{ID: r.ID, Slug: r.Slug, Title: r.Title, Version: d.RCAVersion, Language: r.Language,
			AffectedServices: r.AffectedServices, PublishedAt: r.PublishedAt},
		Links:     map[string]string{"status_page": base + "/status"},
		Incidents: []WebhookIncident{},
	}}
	if ev.Data.RCA.AffectedServices == nil {
		ev.Data.RCA.AffectedServices = []string{}
	}
	if rep != nil {
		if rep.Title != "" {
			ev.Data.RCA.Title = rep.Title
		}
		ev.Data.Report = &WebhookReport{Language: lang, Markdown: rep.Markdown, HTML: rep.HTML}
	}
	for i, in := range incidents {
		u := base + "/status/incidents/" + in.ID
		ev.Data.Incidents = append(ev.Data.Incidents, WebhookIncident{ID: in.ID, Title: in.Title, Impact: string(in.Impact),
			StartedAt: in.StartedAt, ResolvedAt: in.ResolvedAt, URL: u})
		if i == 0 && rep != nil {
			ev.Data.Links["rca"] = u
		}
	}
	return ev
}

// sendWebhook posts the signed event. The webhook-id is the delivery id, the
// same on every retry, so receivers can drop duplicates.
func (w *Worker) sendWebhook(ctx context.Context, t domain.Target, d domain.Delivery, ev WebhookEvent) (string, int, error) {
	body, err := json.Marshal(ev)
	if err != nil {
		return "", 0, permanent("encode event: " + err.Error())
	}
	ts := w.now().Unix()
	sig, err := Sign(t.Secret, d.ID, ts, body)
	if err != nil {
		return "", 0, permanent("the target's signing secret is not a valid whsec_ secret")
	}
	header := http.Header{
		"Webhook-Id":        {d.ID},
		"Webhook-Timestamp": {strconv.FormatInt(ts, 10)},
		"Webhook-Signature": {sig},
	}
	summary := fmt.Sprintf("POST %s (%d bytes)", redactURL(t.URL), len(body))
	st, err := do(ctx, w.client(t.AllowPrivate), http.MethodPost, t.URL, header, body)
	if err != nil {
		if se, ok := err.(*sendError); ok && st == http.StatusGone {
			se.Permanent = true
			se.Reason = "the receiver answered 410 Gone: it no longer accepts these events"
		}
	}
	return summary, st, err
}

// redactURL drops the query string, where some receivers put tokens.
func redactURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i] + "?…"
	}
	return u
}
