// Package mail sends Hindsight's e-mail (subscriber notifications and
// confirmations) through an SMTP relay. MIME, encodings and the SMTP
// conversation are github.com/wneessen/go-mail's; this package adds the
// configuration, a small stable API (Message, Sender) and a classification of
// failures (a refused recipient versus a relay that is down).
//
// TLS: port 465 (or Config.ImplicitTLS) speaks TLS from the first byte;
// every other port upgrades with STARTTLS when the relay offers it. A user
// name turns on SMTP AUTH; plain-text mechanisms are only used over TLS.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Config is the SMTP relay configuration. The zero value is "mail off".
type Config struct {
	Addr     string // host:port of the relay; empty: mail is off
	From     string // envelope and header sender, e.g. "Status <status@example.com>"
	Username string // SMTP AUTH user; empty: no authentication
	Password string // SMTP AUTH password (from the environment only)
	// ImplicitTLS speaks TLS from the first byte; on by itself for port 465.
	ImplicitTLS bool
	// TLSConfig overrides the TLS settings (tests trust their own
	// certificate with it). nil: the system roots, ServerName from Addr.
	TLSConfig *tls.Config
	// Timeout bounds dialling and each command; 0: 30 seconds.
	Timeout time.Duration
}

// Enabled reports whether a relay is configured: without one nothing offers
// subscription and nothing is sent.
func (c Config) Enabled() bool { return strings.TrimSpace(c.Addr) != "" }

// Problem is one thing wrong with a Config, named by its flag.
type Problem struct {
	Field  string // smtp-addr, smtp-from, smtp-username
	Detail string
}

// Problems lists what is wrong with the configuration; a disabled one has
// none.
func (c Config) Problems() []Problem {
	if !c.Enabled() {
		return nil
	}
	var ps []Problem
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || host == "" {
		ps = append(ps, Problem{"smtp-addr", "want host:port, e.g. smtp.example.com:587"})
	} else if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
		ps = append(ps, Problem{"smtp-addr", "the port must be a number from 1 to 65535"})
	}
	if strings.TrimSpace(c.From) == "" {
		ps = append(ps, Problem{"smtp-from", "required when smtp-addr is set"})
	} else if _, err := netmail.ParseAddress(c.From); err != nil {
		ps = append(ps, Problem{"smtp-from", "not an e-mail address"})
	}
	if c.Password != "" && c.Username == "" {
		ps = append(ps, Problem{"smtp-username", "required when HINDSIGHT_SMTP_PASSWORD is set"})
	}
	return ps
}

// Validate returns the Problems as one error, or nil.
func (c Config) Validate() error {
	var errs []error
	for _, p := range c.Problems() {
		errs = append(errs, fmt.Errorf("%s: %s", p.Field, p.Detail))
	}
	return errors.Join(errs...)
}

// Message is one e-mail to one recipient.
type Message struct {
	To      string // one address
	Subject string
	Text    string // text/plain body (required)
	HTML    string // optional text/html alternative
	// Headers are extra header fields, e.g. List-Unsubscribe. Values must be
	// a single line; From, To, Subject and the MIME fields are not allowed.
	Headers map[string]string
	// Lang is the BCP 47 language of the body (Content-Language).
	Lang string
}

// Sender sends messages. Implementations are safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrDisabled is returned by the Sender of a configuration without a relay.
var ErrDisabled = errors.New("mail: no SMTP relay configured")

// ErrInvalidMessage wraps problems with a Message itself (bad address, header
// injection); sending it again cannot succeed.
var ErrInvalidMessage = errors.New("mail: invalid message")

// RecipientError says the relay refused the recipient (RCPT TO) or the
// message for it. Permanent is true for 5xx replies: the address is bad or
// the mailbox does not exist; 4xx replies are worth retrying.
type RecipientError struct {
	Addr      string
	Code      int // SMTP reply code, 0 when unknown
	Permanent bool
	Err       error
}

func (e *RecipientError) Error() string {
	kind := "temporarily"
	if e.Permanent {
		kind = "permanently"
	}
	return fmt.Sprintf("mail: relay %s refused %s (code %d): %v", kind, e.Addr, e.Code, e.Err)
}

func (e *RecipientError) Unwrap() error { return e.Err }

// Enabled reports whether s actually sends: false for nil and for the
// Sender of a disabled configuration.
func Enabled(s Sender) bool {
	if s == nil {
		return false
	}
	if _, off := s.(disabled); off {
		return false
	}
	return true
}

// New returns the Sender of cfg: a relay client when cfg is enabled, or a
// Sender whose Send returns ErrDisabled.
func New(cfg Config) (Sender, error) {
	if !cfg.Enabled() {
		return disabled{}, nil
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	host, portStr, _ := net.SplitHostPort(cfg.Addr)
	port, _ := strconv.Atoi(portStr)
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tc := cfg.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	} else if tc.ServerName == "" {
		tc = tc.Clone()
		tc.ServerName = host
	}
	opts := []gomail.Option{
		gomail.WithPort(port),
		gomail.WithTimeout(timeout),
		gomail.WithTLSConfig(tc),
	}
	if cfg.ImplicitTLS || port == 465 {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	// Validate the options once, so a bad setting stops the start.
	if _, err := gomail.NewClient(host, opts...); err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return &client{host: host, opts: opts, from: cfg.From}, nil
}

type disabled struct{}

func (disabled) Send(context.Context, Message) error { return ErrDisabled }

// client dials the relay for each message: go-mail clients hold one
// connection and are not meant to be shared between goroutines, and the
// callers (the outbox worker) pace messages anyway.
type client struct {
	host string
	opts []gomail.Option
	from string
}

// reserved header fields a Message may not set through Headers.
var reserved = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "subject": true, "sender": true,
	"reply-to": true, "date": true, "message-id": true, "mime-version": true,
	"content-type": true, "content-transfer-encoding": true, "content-language": true,
}

// build turns m into a go-mail message with From set to from, refusing
// anything that would let a caller inject header lines.
func build(from string, m Message) (*gomail.Msg, error) {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("%w: line break in To or Subject", ErrInvalidMessage)
	}
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("%w: recipient %q: %v", ErrInvalidMessage, m.To, err)
	}
	if m.Text == "" {
		return nil, fmt.Errorf("%w: empty text body", ErrInvalidMessage)
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("%w: sender: %v", ErrInvalidMessage, err)
	}
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	if m.Lang != "" {
		if strings.ContainsAny(m.Lang, "\r\n") {
			return nil, fmt.Errorf("%w: line break in Lang", ErrInvalidMessage)
		}
		msg.SetGenHeader(gomail.HeaderContentLang, m.Lang)
	}
	for k, v := range m.Headers {
		if k == "" || strings.ContainsAny(k, "\r\n: ") || strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("%w: header %q", ErrInvalidMessage, k)
		}
		if reserved[strings.ToLower(k)] {
			return nil, fmt.Errorf("%w: header %q is set by the mail package", ErrInvalidMessage, k)
		}
		if isASCII(v) {
			// Preformatted: list headers hold <URI> values that must not
			// be folded or encoded.
			msg.SetGenHeaderPreformatted(gomail.Header(k), v)
		} else {
			msg.SetGenHeader(gomail.Header(k), v)
		}
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

func (c *client) Send(ctx context.Context, m Message) error {
	msg, err := build(c.from, m)
	if err != nil {
		return err
	}
	cl, err := gomail.NewClient(c.host, c.opts...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := cl.DialAndSendWithContext(ctx, msg); err != nil {
		return classify(m.To, err)
	}
	return nil
}

// classify turns go-mail's SendError for RCPT TO (or a refused message) into
// a *RecipientError; anything else (dial, TLS, auth) stays a relay error.
func classify(to string, err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		switch se.Reason {
		case gomail.ErrSMTPRcptTo, gomail.ErrSMTPDataClose:
			code := se.ErrorCode()
			permanent := !se.IsTemp()
			if code != 0 {
				permanent = code >= 500
			}
			return &RecipientError{Addr: to, Code: code, Permanent: permanent, Err: err}
		}
	}
	return fmt.Errorf("mail: send to relay: %w", err)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
