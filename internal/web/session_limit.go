package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth/throttle"
)

// Sign-in throttling, one implementation for the form, the API session and
// single sign-on (internal/auth/throttle). Every attempt reserves a token
// before the password is checked, from three buckets:
//
//   - per address: stops one client trying many accounts;
//   - per (account, address): stops one client guessing one password;
//   - per account, looser: slows guessing spread over many addresses,
//     without letting one address lock the account for everyone else.
//
// A successful sign-in gives its tokens back.
var (
	signInPerIP        = throttle.Rule{Burst: 30, Every: 30 * time.Second}
	signInPerAccountIP = throttle.Rule{Burst: 5, Every: 2 * time.Minute}
	signInPerAccount   = throttle.Rule{Burst: 50, Every: 20 * time.Second}
)

// signInKeys bounds each bucket set; the least recently used keys go first.
const signInKeys = 10_000

const codeTooManyRequests = "too_many_requests"

func init() {
	defaultMessages[codeTooManyRequests] = "Too many sign-in attempts. Wait a few minutes and try again."
}

// signInThrottle is the server's set of sign-in buckets.
type signInThrottle struct {
	ip, accountIP, account *throttle.Limiter
}

func newSignInThrottle() *signInThrottle {
	return &signInThrottle{
		ip:        throttle.New(signInPerIP, signInKeys),
		accountIP: throttle.New(signInPerAccountIP, signInKeys),
		account:   throttle.New(signInPerAccount, signInKeys),
	}
}

// password reserves one password attempt for account from ip.
func (t *signInThrottle) password(account, ip string, now time.Time) (*throttle.Reservation, error) {
	res, ok, wait := throttle.Reserve(now,
		throttle.Check{L: t.ip, Key: ip},
		throttle.Check{L: t.accountIP, Key: account + "\x00" + ip},
		throttle.Check{L: t.account, Key: account})
	if !ok {
		return nil, tooManySignIns(wait)
	}
	return res, nil
}

// sso reserves one single sign-on callback from ip.
func (t *signInThrottle) sso(ip string, now time.Time) (*throttle.Reservation, error) {
	res, ok, wait := throttle.Reserve(now, throttle.Check{L: t.ip, Key: ip})
	if !ok {
		return nil, tooManySignIns(wait)
	}
	return res, nil
}

// tooManySignIns is the 429 answer, with the wait in seconds.
func tooManySignIns(wait time.Duration) error {
	secs := int(min(wait, time.Hour).Seconds()) + 1
	return &httpError{Status: http.StatusTooManyRequests, Code: codeTooManyRequests,
		Extra: map[string]any{"retry_after": secs}}
}

// retryAfterHeader sets Retry-After for a 429 error.
func retryAfterHeader(h http.Header, he *httpError) {
	if secs, ok := he.Extra["retry_after"].(int); ok && he.Status == http.StatusTooManyRequests {
		h.Set("Retry-After", strconv.Itoa(secs))
	}
}
