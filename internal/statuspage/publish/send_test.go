package publish

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestAnswerReason(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   string
	}{
		{422, `{"error":"Body can't be blank"}`, "Body can't be blank"},
		{422, `{"error":["Incident is not resolved","Page is archived"]}`, "Incident is not resolved; Page is archived"},
		{401, `{"message":"Unauthorized"}`, "Unauthorized"},
		{404, ``, "Not Found"},
		{502, `<html><body>Bad gateway</body></html>`, "Bad Gateway"},
		{400, `plain words`, "plain words"},
		{400, strings.Repeat("x", 2000), strings.Repeat("x", 500) + "…"},
	}
	for _, tt := range tests {
		if got := answerReason(tt.status, []byte(tt.body)); got != tt.want {
			t.Errorf("answerReason(%d, %.30q) = %.60q, want %.60q", tt.status, tt.body, got, tt.want)
		}
	}
}

func TestCleanNetErrorDropsURL(t *testing.T) {
	err := &url.Error{Op: "Post", URL: "https://hooks.example.com/x?token=s3cret", Err: errors.New("dial tcp 203.0.113.9:443: connect: connection refused")}
	got := cleanNetError(err)
	if strings.Contains(got, "s3cret") || got != "cannot connect: connection refused" {
		t.Errorf("got %q", got)
	}
}

func TestRetryable(t *testing.T) {
	for status, want := range map[int]bool{400: false, 401: false, 404: false, 408: true, 409: false, 420: true, 422: false, 429: true, 500: true, 502: true, 503: true} {
		if retryable(status) != want {
			t.Errorf("retryable(%d) = %v", status, !want)
		}
	}
}
