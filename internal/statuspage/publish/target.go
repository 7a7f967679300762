package publish

import (
	"encoding/base64"
	"strings"

	"golang.org/x/text/language"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/statuspage/netguard"
)

// DefaultStatuspageAPI is Atlassian Statuspage's management API base URL.
const DefaultStatuspageAPI = "https://api.statuspage.io"

// NormalizeTarget fills defaults and checks a target before it is stored.
// creating says whether a secret is required (an update with an empty
// secret keeps the stored one). Problems come back as a *domain.ValidationError.
func NormalizeTarget(t *domain.Target, creating bool) error {
	var ps []domain.Problem
	add := func(field, code, detail string) {
		ps = append(ps, domain.Problem{Field: field, Code: code, Detail: detail})
	}
	t.Name = strings.TrimSpace(t.Name)
	t.URL = strings.TrimSpace(t.URL)
	t.PageID = strings.TrimSpace(t.PageID)
	t.Secret = strings.TrimSpace(t.Secret)
	if t.Name == "" {
		add("name", domain.CodeRequired, "")
	} else if len(t.Name) > domain.MaxNameLen {
		add("name", domain.CodeTooLong, "")
	}
	switch t.Kind {
	case domain.TargetStatuspage:
		if t.URL == "" {
			t.URL = DefaultStatuspageAPI
		}
		if t.PageID == "" {
			add("page_id", domain.CodeRequired, "the Statuspage page id")
		} else if strings.ContainsAny(t.PageID, "/?#% ") || len(t.PageID) > 64 {
			add("page_id", domain.CodeInvalid, "letters and digits only")
		}
		if creating && t.Secret == "" {
			add("secret", domain.CodeRequired, "the Statuspage API key")
		}
	case domain.TargetWebhook:
		if t.URL == "" {
			add("url", domain.CodeRequired, "")
		}
		if creating && t.Secret == "" {
			add("secret", domain.CodeRequired, "a whsec_ signing secret")
		}
		if t.Secret != "" {
			if _, err := webhookKey(t.Secret); err != nil {
				add("secret", domain.CodeInvalid, "must be whsec_ followed by base64 of 24 to 64 random bytes")
			}
		}
	default:
		add("kind", domain.CodeUnknownEnum, string(t.Kind))
	}
	if t.URL != "" {
		if err := netguard.CheckURL(t.URL, t.AllowPrivate); err != nil {
			add("url", domain.CodeInvalid, strings.TrimPrefix(err.Error(), "netguard: "))
		}
	}
	if t.Language != "" {
		if tag, err := language.Parse(t.Language); err != nil {
			add("language", domain.CodeInvalid, "not a BCP 47 tag")
		} else {
			t.Language = tag.String()
		}
	}
	if len(t.IncidentMap) > domain.MaxListLen {
		add("incident_map", domain.CodeTooLong, "")
	}
	for k, v := range t.IncidentMap {
		if strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" || strings.ContainsAny(v, "/?#% ") {
			add("incident_map."+k, domain.CodeInvalid, "incident ids must be plain ids")
		}
	}
	if t.IncidentMap == nil {
		t.IncidentMap = map[string]string{}
	}
	if len(ps) > 0 {
		return &domain.ValidationError{Problems: ps}
	}
	return nil
}

// webhookKey decodes a Standard Webhooks secret: "whsec_" then base64.
func webhookKey(secret string) ([]byte, error) {
	raw := strings.TrimPrefix(secret, "whsec_")
	key, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, err
	}
	if len(key) < 24 || len(key) > 64 {
		return nil, errKeyLength
	}
	return key, nil
}

var errKeyLength = errorString("publish: webhook key must be 24 to 64 bytes")

type errorString string

func (e errorString) Error() string { return string(e) }

// CheckSecretFollows refuses an update that sends a target somewhere else
// (another URL or kind) while keeping the stored secret: whoever may edit
// the address would otherwise receive the secret with the next delivery.
// next is the normalized update, whose Secret is empty when none was sent.
func CheckSecretFollows(prev, next domain.Target) error {
	if next.Secret != "" || (prev.URL == next.URL && prev.Kind == next.Kind) {
		return nil
	}
	return &domain.ValidationError{Problems: []domain.Problem{{Field: "secret", Code: domain.CodeRequired,
		Detail: "the target's address changed: send its secret again"}}}
}
