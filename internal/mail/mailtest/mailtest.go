// Package mailtest runs an in-process SMTP server (github.com/emersion/go-smtp)
// for tests: it speaks the real protocol (EHLO, optional STARTTLS or implicit
// TLS, optional AUTH PLAIN, MAIL, RCPT, DATA), captures every accepted
// message with its headers and decoded bodies, and can refuse RCPT TO for
// chosen addresses.
//
//	srv := mailtest.Start(t)
//	sender, _ := mail.New(srv.Config())
//	_ = sender.Send(ctx, mail.Message{To: "a@example.com", Subject: "Hi", Text: "hello"})
//	got := srv.Wait(t, 1)[0] // got.Subject == "Hi", got.Text == "hello\r\n"…
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/hindsight-rca/hindsight/internal/mail"
)

// From is the sender address of Config.
const From = "Hindsight <hindsight@example.test>"

// Message is one captured message.
type Message struct {
	From     string         // envelope sender (MAIL FROM)
	To       []string       // envelope recipients accepted (RCPT TO)
	Header   netmail.Header // parsed header fields
	Subject  string         // decoded Subject
	Text     string         // decoded text/plain body
	HTML     string         // decoded text/html body, if any
	Raw      []byte         // the DATA as received
	TLS      bool           // the conversation was encrypted
	AuthUser string         // the SMTP AUTH user, if any
}

// Option changes how Start sets the server up.
type Option func(*Server)

// WithStartTLS offers STARTTLS with a self-signed certificate that
// Config().TLSConfig trusts.
func WithStartTLS() Option { return func(s *Server) { s.startTLS = true } }

// WithImplicitTLS speaks TLS from the first byte (what port 465 does);
// Config() sets ImplicitTLS.
func WithImplicitTLS() Option { return func(s *Server) { s.implicitTLS = true } }

// WithAuth requires AUTH PLAIN with this user and password before MAIL.
func WithAuth(user, password string) Option {
	return func(s *Server) { s.user, s.password = user, password }
}

// Server is a running test SMTP server; Start stops it when the test ends.
type Server struct {
	Addr string // host:port it listens on

	startTLS, implicitTLS bool
	user, password        string
	tlsClient             *tls.Config

	srv *smtp.Server

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever msgs or rcpts change
	msgs     []Message
	refused  map[string]int // lower-case address → reply code
	attempts map[string]int // lower-case address → RCPT TO seen
}

// Start listens on 127.0.0.1 on a free port and serves until the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{changed: make(chan struct{}), refused: map[string]int{}, attempts: map[string]int{}}
	for _, o := range opts {
		o(s)
	}
	be := smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, c: c}, nil })
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.AllowInsecureAuth = !s.startTLS && !s.implicitTLS
	var ln net.Listener
	var err error
	if s.startTLS || s.implicitTLS {
		serverTLS, clientTLS, cerr := selfSigned()
		if cerr != nil {
			t.Fatalf("mailtest: certificate: %v", cerr)
		}
		s.tlsClient = clientTLS
		if s.startTLS {
			srv.TLSConfig = serverTLS
		}
		if s.implicitTLS {
			ln, err = tls.Listen("tcp", "127.0.0.1:0", serverTLS)
		}
	}
	if ln == nil && err == nil {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.Addr = ln.Addr().String()
	s.srv = srv
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		_ = ln.Close() // Close misses a listener Serve has not registered yet
		<-done
	})
	return s
}

// Config is a mail.Config that sends to this server (trusting its
// certificate, with its credentials).
func (s *Server) Config() mail.Config {
	c := mail.Config{Addr: s.Addr, From: From, ImplicitTLS: s.implicitTLS, Timeout: 20 * time.Second}
	if s.tlsClient != nil {
		c.TLSConfig = s.tlsClient.Clone()
	}
	if s.user != "" {
		c.Username, c.Password = s.user, s.password
	}
	return c
}

// Refuse makes RCPT TO addr fail with code (550: permanent, 450:
// temporary) until Accept is called.
func (s *Server) Refuse(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused[strings.ToLower(addr)] = code
}

// Accept undoes Refuse.
func (s *Server) Accept(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.refused, strings.ToLower(addr))
}

// Attempts is how many times a client asked RCPT TO addr (refused or not).
func (s *Server) Attempts(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[strings.ToLower(addr)]
}

// Messages returns a copy of the messages captured so far, in arrival order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// To returns the captured messages addressed to addr.
func (s *Server) To(addr string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		for _, r := range m.To {
			if strings.EqualFold(r, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// Wait blocks until at least n messages have been captured and returns
// them; after a generous deadline (this is a liveness guard, not a timing
// assertion) it fails the test.
func (s *Server) Wait(t testing.TB, n int) []Message {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		s.mu.Lock()
		got, ch := len(s.msgs), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("mailtest: waited for %d messages, got %d", n, got)
			return nil
		}
	}
}

// WaitAttempts blocks until RCPT TO addr has been asked at least n times.
func (s *Server) WaitAttempts(t testing.TB, addr string, n int) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		s.mu.Lock()
		got, ch := s.attempts[strings.ToLower(addr)], s.changed
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("mailtest: waited for %d RCPT TO %s, got %d", n, addr, got)
			return
		}
	}
}

// notify wakes waiters; s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

type session struct {
	s        *Server
	c        *smtp.Conn
	authUser string
	from     string
	to       []string
}

func (se *session) AuthMechanisms() []string {
	if se.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || se.s.user == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != se.s.user || password != se.s.password {
			return errors.New("invalid credentials")
		}
		se.authUser = user
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.user != "" && se.authUser == "" {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s := se.s
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(to)
	s.attempts[key]++
	s.notify()
	if code, ok := s.refused[key]; ok {
		ec := smtp.EnhancedCode{5, 1, 1}
		if code < 500 {
			ec = smtp.EnhancedCode{4, 2, 1}
		}
		return &smtp.SMTPError{Code: code, EnhancedCode: ec, Message: "mailbox unavailable (mailtest)"}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := Parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	m.From, m.To, m.AuthUser = se.from, append([]string(nil), se.to...), se.authUser
	_, m.TLS = se.c.TLSConnectionState()
	s := se.s
	s.mu.Lock()
	s.msgs = append(s.msgs, m)
	s.notify()
	s.mu.Unlock()
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// Parse reads a message in Internet message format: headers, decoded
// Subject and the decoded text/plain and text/html parts (in any nesting of
// multipart bodies).
func Parse(raw []byte) (Message, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, err
	}
	out := Message{Header: msg.Header, Raw: raw}
	dec := new(mime.WordDecoder)
	if out.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Message{}, fmt.Errorf("subject: %w", err)
	}
	if err := walk(&out, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); err != nil {
		return Message{}, err
	}
	return out, nil
}

func walk(out *Message, ctype, cte string, body io.Reader) error {
	if ctype == "" {
		ctype = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Errorf("content-type %q: %w", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(out, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &crlfStripper{r: body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		out.Text += string(b)
	case "text/html":
		out.HTML += string(b)
	}
	return nil
}

// crlfStripper drops line breaks so base64 decoding sees one stream.
type crlfStripper struct{ r io.Reader }

func (c *crlfStripper) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	j := 0
	for i := 0; i < n; i++ {
		if p[i] != '\r' && p[i] != '\n' {
			p[j] = p[i]
			j++
		}
	}
	return j, err
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, returning the
// server's TLS configuration and a client one that trusts it.
func selfSigned() (*tls.Config, *tls.Config, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailtest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		IsCA:         true,

		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	server := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}}, MinVersion: tls.VersionTLS12}
	client := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return server, client, nil
}
