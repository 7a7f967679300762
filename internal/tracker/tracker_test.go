package tracker

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"slices"
	"testing"
)

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func headers(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

const secret = "s3cr3t-hook"

func TestReadClosedIssues(t *testing.T) {
	gh := sample(t, "github_issue_closed.json")
	gl := sample(t, "gitlab_issue_closed.json")
	ji := sample(t, "jira_issue_done.json")
	cases := []struct {
		name, kind string
		h          http.Header
		body       []byte
		delivery   string
		url        string
	}{
		{"github", GitHub, headers("X-Hub-Signature-256", Sign(secret, gh), "X-GitHub-Event", "issues",
			"X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"), gh,
			"72d3162e-cc78-11e3-81ab-4c9367dc0958", "https://github.com/acme/payments/issues/42"},
		{"gitlab", GitLab, headers("X-Gitlab-Token", secret, "X-Gitlab-Event", "Issue Hook",
			"X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e", "Idempotency-Key", "f5e5f430-f57b-4e6e-9fac-d9128cd7232f"), gl,
			"f5e5f430-f57b-4e6e-9fac-d9128cd7232f", "https://gitlab.example.com/acme/search/-/issues/7"},
		{"jira", Jira, headers("X-Hub-Signature", Sign(secret, ji), "X-Atlassian-Webhook-Identifier", "9a1d2e3f-0001"), ji,
			"9a1d2e3f-0001", "https://acme.atlassian.net/browse/PAY-17"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, err := Read(c.kind, secret, c.h, c.body)
			if err != nil {
				t.Fatal(err)
			}
			if !ev.Closed || ev.DeliveryID != c.delivery || !slices.Contains(ev.IssueURLs, c.url) {
				t.Errorf("event = %+v, want closed %s by delivery %s", ev, c.url, c.delivery)
			}
		})
	}
}

func TestReadRefusesBadSignatures(t *testing.T) {
	gh := sample(t, "github_issue_closed.json")
	ji := sample(t, "jira_issue_done.json")
	tampered := bytes.Replace(gh, []byte("issues/42"), []byte("issues/43"), 1)
	cases := []struct {
		name, kind string
		h          http.Header
		body       []byte
	}{
		{"github no signature", GitHub, headers("X-GitHub-Event", "issues", "X-GitHub-Delivery", "d1"), gh},
		{"github other secret", GitHub, headers("X-Hub-Signature-256", Sign("other", gh), "X-GitHub-Event", "issues", "X-GitHub-Delivery", "d1"), gh},
		{"github tampered body", GitHub, headers("X-Hub-Signature-256", Sign(secret, gh), "X-GitHub-Event", "issues", "X-GitHub-Delivery", "d1"), tampered},
		{"github sha1 header only", GitHub, headers("X-Hub-Signature", "sha1=0000", "X-GitHub-Event", "issues", "X-GitHub-Delivery", "d1"), gh},
		{"github not hex", GitHub, headers("X-Hub-Signature-256", "sha256=zz", "X-GitHub-Delivery", "d1"), gh},
		{"gitlab wrong token", GitLab, headers("X-Gitlab-Token", secret+"x", "X-Gitlab-Event", "Issue Hook", "X-Gitlab-Event-UUID", "u1"), nil},
		{"gitlab no token", GitLab, headers("X-Gitlab-Event", "Issue Hook", "X-Gitlab-Event-UUID", "u1"), nil},
		{"jira github header", Jira, headers("X-Hub-Signature-256", Sign(secret, ji), "X-Atlassian-Webhook-Identifier", "j1"), ji},
		{"jira wrong secret", Jira, headers("X-Hub-Signature", Sign("nope", ji), "X-Atlassian-Webhook-Identifier", "j1"), ji},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Read(c.kind, secret, c.h, c.body); !errors.Is(err, ErrSignature) {
				t.Errorf("err = %v, want ErrSignature", err)
			}
		})
	}
	if _, err := Read(GitHub, "", headers("X-Hub-Signature-256", Sign("", gh)), gh); !errors.Is(err, ErrSignature) {
		t.Errorf("empty secret: err = %v, want ErrSignature", err)
	}
}

func TestReadOtherEventsAndMalformed(t *testing.T) {
	gh := sample(t, "github_issue_closed.json")
	reopened := bytes.Replace(gh, []byte(`"action": "closed"`), []byte(`"action": "reopened"`), 1)
	ev, err := Read(GitHub, secret, headers("X-Hub-Signature-256", Sign(secret, reopened), "X-GitHub-Event", "issues", "X-GitHub-Delivery", "d2"), reopened)
	if err != nil || ev.Closed || ev.DeliveryID != "d2" {
		t.Errorf("reopened: %+v %v, want verified and not closed", ev, err)
	}
	ping := []byte(`{"zen":"Keep it logically awesome.","hook_id":1}`)
	if ev, err := Read(GitHub, secret, headers("X-Hub-Signature-256", Sign(secret, ping), "X-GitHub-Event", "ping", "X-GitHub-Delivery", "d3"), ping); err != nil || ev.Closed {
		t.Errorf("ping: %+v %v", ev, err)
	}
	if _, err := Read(GitHub, secret, headers("X-Hub-Signature-256", Sign(secret, gh), "X-GitHub-Event", "issues"), gh); !errors.Is(err, ErrMalformed) {
		t.Errorf("no delivery id: err = %v, want ErrMalformed", err)
	}
	junk := []byte("{not json")
	if _, err := Read(GitHub, secret, headers("X-Hub-Signature-256", Sign(secret, junk), "X-GitHub-Event", "issues", "X-GitHub-Delivery", "d4"), junk); !errors.Is(err, ErrMalformed) {
		t.Errorf("junk: err = %v, want ErrMalformed", err)
	}
	ji := sample(t, "jira_issue_done.json")
	inProgress := bytes.Replace(ji, []byte(`"key": "done"`), []byte(`"key": "indeterminate"`), 1)
	if ev, err := Read(Jira, secret, headers("X-Hub-Signature", Sign(secret, inProgress), "X-Atlassian-Webhook-Identifier", "j2"), inProgress); err != nil || ev.Closed {
		t.Errorf("jira in progress: %+v %v, want not closed", ev, err)
	}
	gl := sample(t, "gitlab_issue_closed.json")
	if _, err := Read(GitLab, secret, headers("X-Gitlab-Token", secret, "X-Gitlab-Event", "Issue Hook"), gl); !errors.Is(err, ErrMalformed) {
		t.Errorf("gitlab without uuid: err = %v, want ErrMalformed", err)
	}
	ev, err = Read(GitLab, secret, headers("X-Gitlab-Token", secret, "X-Gitlab-Event", "Issue Hook", "X-Gitlab-Event-UUID", "u9"), gl)
	if err != nil || ev.DeliveryID != "u9" {
		t.Errorf("gitlab without idempotency key: %+v %v, want the event uuid", ev, err)
	}
}
