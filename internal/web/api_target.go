package web

import (
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// targetInput is the body of target create and update. The secret is
// write-only: it is never answered, and an empty one on update keeps the
// stored secret.
type targetInput struct {
	Name              string            `json:"name"`
	Kind              domain.TargetKind `json:"kind"`
	Enabled           *bool             `json:"enabled"`
	URL               string            `json:"url"`
	PageID            string            `json:"page_id"`
	Secret            string            `json:"secret"`
	Language          string            `json:"language"`
	NotifySubscribers bool              `json:"notify_subscribers"`
	NotifyTwitter     bool              `json:"notify_twitter"`
	AllowPrivate      bool              `json:"allow_private"`
	IncidentMap       map[string]string `json:"incident_map"`
	Version           int64             `json:"version"`
}

// targetView is a target as answered: everything but the secret.
type targetView struct {
	domain.Target
	HasSecret bool `json:"has_secret"`
}

func viewTarget(t domain.Target) targetView {
	v := targetView{Target: t, HasSecret: t.Secret != ""}
	v.Secret = ""
	if v.IncidentMap == nil {
		v.IncidentMap = map[string]string{}
	}
	return v
}

func (in targetInput) apply(t *domain.Target) {
	t.Name, t.Kind, t.URL, t.PageID, t.Secret = in.Name, in.Kind, in.URL, in.PageID, in.Secret
	t.Language, t.NotifySubscribers, t.NotifyTwitter = in.Language, in.NotifySubscribers, in.NotifyTwitter
	t.AllowPrivate, t.IncidentMap = in.AllowPrivate, in.IncidentMap
	if in.Enabled != nil {
		t.Enabled = *in.Enabled
	}
}
