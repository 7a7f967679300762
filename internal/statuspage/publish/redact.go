package publish

import (
	"regexp"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Delivery logs (the request summary and the last error) are shown to the
// RCA's authors, who may not see the targets' secrets. Error texts come from
// many places (net/http's url.Error quotes the whole URL, a partner's answer
// may echo a header), so they are redacted when shown, not trusted when made.

var (
	// urlQuery matches the query and fragment of a URL inside free text.
	urlQuery = regexp.MustCompile(`(?i)(https?://[^\s"'<>?#]*)[?#][^\s"'<>]*`)
	// urlUser matches credentials inside a URL.
	urlUser = regexp.MustCompile(`(?i)(https?://)[^\s"'<>/@]*@`)
	// credential matches secrets by their shape: webhook signing secrets
	// and Authorization header values.
	credential = regexp.MustCompile(`(?i)(whsec_[A-Za-z0-9+/=]+)|((?:bearer|oauth|basic)\s+)[^\s"',;]+`)
)

// Redacted is what a removed secret reads as.
const Redacted = "[redacted]"

// RedactText removes query strings, URL credentials, anything shaped like a
// credential and every given secret from a log text.
func RedactText(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	s = urlQuery.ReplaceAllString(s, "${1}?"+Redacted)
	s = urlUser.ReplaceAllString(s, "${1}"+Redacted+"@")
	return credential.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(strings.ToLower(m), "whsec_") {
			return Redacted
		}
		i := strings.IndexAny(m, " \t")
		return m[:i+1] + Redacted
	})
}

// RedactDeliveries returns the deliveries with their logs redacted; secrets
// maps a target id to its stored secret.
func RedactDeliveries(ds []domain.Delivery, secrets map[string]string) []domain.Delivery {
	out := make([]domain.Delivery, len(ds))
	for i, d := range ds {
		sec := secrets[d.TargetID]
		d.Request = RedactText(d.Request, sec)
		d.LastError = RedactText(d.LastError, sec)
		out[i] = d
	}
	return out
}
