// Package tracker reads the webhooks issue trackers send when an issue is
// closed (GitHub, GitLab, Jira), each verified with that tracker's own
// signature scheme (area "actions", issue 14). It does no I/O: the caller
// bounds the body, looks up the secret and acts on the Event.
package tracker

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Kinds of tracker.
const (
	GitHub = "github"
	GitLab = "gitlab"
	Jira   = "jira"
)

// Kinds lists every kind.
var Kinds = []string{GitHub, GitLab, Jira}

// MaxBody is the largest hook body read (GitHub caps payloads at 25 MB;
// issue events are a few kilobytes, so 1 MiB leaves room for long issue
// bodies and refuses floods).
const MaxBody = 1 << 20

// Errors.
var (
	// ErrSignature: the signature (or token) is missing or wrong: 401.
	ErrSignature = errors.New("tracker: bad or missing signature")
	// ErrMalformed: signed, but not a delivery this reader understands
	// (no delivery id, unreadable JSON): 400.
	ErrMalformed = errors.New("tracker: malformed delivery")
)

// Event is what a verified delivery says.
type Event struct {
	// DeliveryID is the tracker's id of this delivery, the same on a
	// redelivery: replays are refused by it.
	DeliveryID string
	// Closed: the delivery reports an issue closed (done). Other events
	// (a ping, an issue edited or reopened) are verified and ignored.
	Closed bool
	// IssueURLs are the web addresses the closed issue is known by, the
	// way people paste them into an action item's tracker_url.
	IssueURLs []string
}

// Read verifies and reads one delivery of a tracker of kind with secret.
// The signature is checked before the body is parsed.
func Read(kind, secret string, h http.Header, body []byte) (Event, error) {
	if secret == "" {
		return Event{}, ErrSignature
	}
	switch kind {
	case GitHub:
		if !validHMAC(h.Get("X-Hub-Signature-256"), secret, body) {
			return Event{}, ErrSignature
		}
		return readGitHub(h, body)
	case GitLab:
		tok := h.Get("X-Gitlab-Token")
		if subtle.ConstantTimeCompare([]byte(tok), []byte(secret)) != 1 {
			return Event{}, ErrSignature
		}
		return readGitLab(h, body)
	case Jira:
		if !validHMAC(h.Get("X-Hub-Signature"), secret, body) {
			return Event{}, ErrSignature
		}
		return readJira(h, body)
	}
	return Event{}, errors.New("tracker: unknown kind " + kind)
}

// Sign is the "sha256=<hex>" signature of body with secret, as GitHub
// (X-Hub-Signature-256) and Jira Cloud (X-Hub-Signature) send it.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func validHMAC(header, secret string, body []byte) bool {
	hexSum, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

func readGitHub(h http.Header, body []byte) (Event, error) {
	ev := Event{DeliveryID: h.Get("X-GitHub-Delivery")}
	if ev.DeliveryID == "" {
		return Event{}, ErrMalformed
	}
	if h.Get("X-GitHub-Event") != "issues" {
		return ev, nil // "ping" and every other event: nothing to do
	}
	var p struct {
		Action string `json:"action"`
		Issue  struct {
			HTMLURL string `json:"html_url"`
		} `json:"issue"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return Event{}, ErrMalformed
	}
	if p.Action == "closed" && p.Issue.HTMLURL != "" {
		ev.Closed, ev.IssueURLs = true, variants(p.Issue.HTMLURL)
	}
	return ev, nil
}

func readGitLab(h http.Header, body []byte) (Event, error) {
	// Idempotency-Key stays the same when GitLab retries a delivery;
	// X-Gitlab-Event-UUID names the event.
	ev := Event{DeliveryID: h.Get("Idempotency-Key")}
	if ev.DeliveryID == "" {
		ev.DeliveryID = h.Get("X-Gitlab-Event-UUID")
	}
	if ev.DeliveryID == "" {
		return Event{}, ErrMalformed
	}
	if h.Get("X-Gitlab-Event") != "Issue Hook" {
		return ev, nil
	}
	var p struct {
		ObjectKind       string `json:"object_kind"`
		ObjectAttributes struct {
			Action string `json:"action"`
			URL    string `json:"url"`
		} `json:"object_attributes"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return Event{}, ErrMalformed
	}
	if p.ObjectKind == "issue" && p.ObjectAttributes.Action == "close" && p.ObjectAttributes.URL != "" {
		ev.Closed, ev.IssueURLs = true, variants(p.ObjectAttributes.URL)
	}
	return ev, nil
}

func readJira(h http.Header, body []byte) (Event, error) {
	ev := Event{DeliveryID: h.Get("X-Atlassian-Webhook-Identifier")}
	if ev.DeliveryID == "" {
		return Event{}, ErrMalformed
	}
	var p struct {
		WebhookEvent string `json:"webhookEvent"`
		Issue        struct {
			Self   string `json:"self"`
			Key    string `json:"key"`
			Fields struct {
				Status struct {
					StatusCategory struct {
						Key string `json:"key"`
					} `json:"statusCategory"`
				} `json:"status"`
			} `json:"fields"`
		} `json:"issue"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return Event{}, ErrMalformed
	}
	if p.WebhookEvent != "jira:issue_updated" || p.Issue.Fields.Status.StatusCategory.Key != "done" || p.Issue.Key == "" {
		return ev, nil
	}
	// The payload names the issue by its REST address; people paste the
	// browse address: https://<site>/browse/<KEY>.
	u, err := url.Parse(p.Issue.Self)
	if err != nil || u.Host == "" {
		return Event{}, ErrMalformed
	}
	ev.Closed = true
	ev.IssueURLs = variants(u.Scheme + "://" + u.Host + "/browse/" + p.Issue.Key)
	return ev, nil
}

// variants are the forms of an issue address an action item may hold: as
// sent, and with or without a trailing slash.
func variants(u string) []string {
	u = strings.TrimRight(strings.TrimSpace(u), "/")
	return []string{u, u + "/"}
}
