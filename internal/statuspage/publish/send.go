package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/statuspage/netguard"
)

// sendError is a failed attempt: what the user is shown (Reason), whether
// retrying can help, and how long the server asked us to wait.
type sendError struct {
	Status     int
	Reason     string
	Permanent  bool
	RetryAfter time.Duration
	// refused: the mail relay refused the subscriber's address (subs).
	refused bool
}

func (e *sendError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("HTTP %d: %s", e.Status, e.Reason)
	}
	return e.Reason
}

func permanent(reason string) *sendError { return &sendError{Reason: reason, Permanent: true} }

// retryable reports whether an HTTP status is worth another attempt:
// timeouts, rate limits (Statuspage answers 420 or 429) and server errors.
func retryable(status int) bool {
	return status == http.StatusRequestTimeout || status == 420 || status == http.StatusTooManyRequests ||
		status == http.StatusTooEarly || status >= 500
}

// do sends one request and turns anything but a 2xx answer into a *sendError.
func do(ctx context.Context, c *http.Client, method, url string, header http.Header, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return 0, permanent("bad request: " + err.Error())
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Hindsight (+https://github.com/hindsight-rca/hindsight)")
	resp, err := c.Do(req)
	if err != nil {
		// A refused private address will not change by retrying.
		if errors.Is(err, netguard.ErrPrivateAddress) {
			var ap string
			if i := strings.LastIndex(err.Error(), ": "); i > 0 {
				ap = " (" + err.Error()[i+2:] + ")"
			}
			return 0, permanent("the target's address is not public" + ap + "; an admin can allow private addresses for this target")
		}
		return 0, &sendError{Reason: cleanNetError(err)}
	}
	defer func() { _ = resp.Body.Close() }() // read only
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, nil
	}
	e := &sendError{Status: resp.StatusCode, Reason: answerReason(resp.StatusCode, msg), Permanent: !retryable(resp.StatusCode)}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if s, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && s > 0 {
			e.RetryAfter = time.Duration(min(s, 3600)) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			e.RetryAfter = time.Until(t)
		}
	}
	return resp.StatusCode, e
}

// answerReason extracts a short reason from an error answer: the "error" or
// "message" member of a JSON body (Statuspage uses both, as a string or a
// list), else the start of the text.
func answerReason(status int, body []byte) string {
	var obj map[string]any
	if json.Unmarshal(body, &obj) == nil {
		for _, k := range []string{"error", "message", "errors"} {
			if s := flatten(obj[k]); s != "" {
				return limit(s, 500)
			}
		}
	}
	s := strings.TrimSpace(string(body))
	if s == "" || strings.HasPrefix(s, "<") {
		return http.StatusText(status)
	}
	return limit(s, 500)
}

func flatten(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		var parts []string
		for _, e := range x {
			if s := flatten(e); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "; ")
	case map[string]any:
		var parts []string
		for k, e := range x {
			if s := flatten(e); s != "" {
				parts = append(parts, k+": "+s)
			}
		}
		return strings.Join(parts, "; ")
	}
	return ""
}

func limit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// cleanNetError shortens a transport error for the user. It drops the URL
// the http package puts in front (a receiver may keep a token in its query).
func cleanNetError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	s := err.Error()
	if ue != nil && ue.Timeout() || strings.Contains(s, "Client.Timeout") || strings.Contains(s, "deadline exceeded") {
		return "timed out"
	}
	if i := strings.LastIndex(s, ": "); i > 0 && strings.Contains(s, "dial tcp") {
		return "cannot connect: " + s[i+2:]
	}
	return limit(s, 300)
}
