package domain

import "time"

// Comment is a reviewer's remark on one section of an RCA.
type Comment struct {
	ID         string     `json:"id"`
	RCAID      string     `json:"rca_id"`
	SectionKey string     `json:"section_key"` // "" for the RCA as a whole
	AuthorID   string     `json:"author_id"`
	Body       string     `json:"body"` // Markdown
	CreatedAt  time.Time  `json:"created_at"`
	ResolvedAt *time.Time `json:"resolved_at"`
	// collab (issue 12): Quote is the passage of the section the comment
	// is anchored to ("" for the whole section); ParentID names the thread's
	// first comment for a reply ("" for a thread's start). Resolving a
	// thread resolves its first comment.
	Quote    string `json:"quote"`
	ParentID string `json:"parent_id"`
}

// TargetKind names where an RCA can be published besides our own status page.
type TargetKind string

// Target kinds.
const (
	TargetStatuspage TargetKind = "statuspage"
	TargetWebhook    TargetKind = "webhook"
)

// Target is an external place RCAs are published to.
type Target struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Kind    TargetKind `json:"kind"`
	Enabled bool       `json:"enabled"`
	URL     string     `json:"url"`     // webhook URL, or the Statuspage API base URL
	PageID  string     `json:"page_id"` // Statuspage page id
	// Secret is the Statuspage API key or the webhook's whsec_ secret. It is
	// stored, never returned by the API and never logged.
	Secret            string `json:"-"`
	Language          string `json:"language"`
	NotifySubscribers bool   `json:"notify_subscribers"`
	NotifyTwitter     bool   `json:"notify_twitter"`
	// AllowPrivate lets an admin point this target at loopback or private addresses.
	AllowPrivate bool `json:"allow_private"`
	// IncidentMap maps our incident ids to the target's incident ids.
	IncidentMap map[string]string `json:"incident_map"`
	Version     int64             `json:"version"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// DeliveryState is where one delivery to a target stands.
type DeliveryState string

// Delivery states.
const (
	DeliveryPending   DeliveryState = "pending"
	DeliverySucceeded DeliveryState = "succeeded"
	DeliveryFailed    DeliveryState = "failed" // gave up: a permanent error or retries exhausted
)

// Delivery is one attempt-series of sending an RCA event to a target. It is
// stored before the first attempt so it survives a restart.
type Delivery struct {
	ID            string        `json:"id"` // also the webhook-id, so receivers can dedupe
	TargetID      string        `json:"target_id"`
	RCAID         string        `json:"rca_id"`
	RCAVersion    int64         `json:"rca_version"`
	Event         string        `json:"event"` // rca.published, rca.updated, rca.unpublished
	State         DeliveryState `json:"state"`
	Attempts      int           `json:"attempts"`
	NextAttemptAt time.Time     `json:"next_attempt_at"`
	LastStatus    int           `json:"last_status"`
	LastError     string        `json:"last_error"`
	Request       string        `json:"request"` // a summary: method, URL, size; never secrets
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
}
