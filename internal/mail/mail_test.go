package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/mail/mailtest"
)

func newSender(t *testing.T, cfg mail.Config) mail.Sender {
	t.Helper()
	s, err := mail.New(cfg)
	if err != nil {
		t.Fatalf("mail.New: %v", err)
	}
	if !mail.Enabled(s) {
		t.Fatal("mail.Enabled = false for a configured relay")
	}
	return s
}

func TestSendCarriesHeadersBodiesAndLanguage(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv.Config())
	err := s.Send(context.Background(), mail.Message{
		To:      "reader@example.com",
		Subject: "Störung behoben: Datenbank",
		Text:    "Zusammenfassung: die Datenbank war überlastet.",
		HTML:    "<p>Zusammenfassung: die <b>Datenbank</b> war überlastet.</p>",
		Lang:    "de",
		Headers: map[string]string{
			"List-Unsubscribe":      "<https://status.example.com/status/unsubscribe?t=abc>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Wait(t, 1)[0]
	if got.Subject != "Störung behoben: Datenbank" {
		t.Errorf("Subject = %q", got.Subject)
	}
	if !strings.Contains(got.Text, "die Datenbank war überlastet.") {
		t.Errorf("Text = %q", got.Text)
	}
	if !strings.Contains(got.HTML, "<b>Datenbank</b>") {
		t.Errorf("HTML = %q", got.HTML)
	}
	if v := got.Header.Get("Content-Language"); v != "de" {
		t.Errorf("Content-Language = %q", v)
	}
	if v := got.Header.Get("List-Unsubscribe"); v != "<https://status.example.com/status/unsubscribe?t=abc>" {
		t.Errorf("List-Unsubscribe = %q", v)
	}
	if v := got.Header.Get("List-Unsubscribe-Post"); v != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", v)
	}
	if len(got.To) != 1 || got.To[0] != "reader@example.com" || got.From != "hindsight@example.test" {
		t.Errorf("envelope = %q → %q", got.From, got.To)
	}
	if got.Header.Get("Message-Id") == "" || got.Header.Get("Date") == "" {
		t.Errorf("Message-ID or Date missing: %v", got.Header)
	}
	if got.TLS {
		t.Error("TLS without STARTTLS offered")
	}
}

func TestSendUpgradesWithStartTLSWhenOffered(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithStartTLS())
	s := newSender(t, srv.Config())
	if err := s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "x", Text: "y"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Wait(t, 1)[0]; !got.TLS {
		t.Error("the conversation was not encrypted although STARTTLS was offered")
	}
}

func TestSendImplicitTLS(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithImplicitTLS())
	s := newSender(t, srv.Config())
	if err := s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "x", Text: "y"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Wait(t, 1)[0]; !got.TLS {
		t.Error("implicit TLS conversation not encrypted")
	}
}

func TestSendAuthenticates(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithStartTLS(), mailtest.WithAuth("relayuser", "s3cret"))
	s := newSender(t, srv.Config())
	if err := s.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "x", Text: "y"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Wait(t, 1)[0]; got.AuthUser != "relayuser" || !got.TLS {
		t.Errorf("AuthUser = %q, TLS = %v", got.AuthUser, got.TLS)
	}

	cfg := srv.Config()
	cfg.Password = "wrong"
	bad := newSender(t, cfg)
	err := bad.Send(context.Background(), mail.Message{To: "b@example.com", Subject: "x", Text: "y"})
	var re *mail.RecipientError
	if err == nil || errors.As(err, &re) {
		t.Fatalf("wrong password: err = %v, want a relay error (not a recipient error)", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("messages = %d, want 1", n)
	}
}

func TestSendRefusedRecipientIsClassified(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv.Config())
	ctx := context.Background()
	srv.Refuse("gone@example.com", 550)
	srv.Refuse("busy@example.com", 450)

	err := s.Send(ctx, mail.Message{To: "gone@example.com", Subject: "x", Text: "y"})
	var re *mail.RecipientError
	if !errors.As(err, &re) || !re.Permanent || re.Code != 550 || re.Addr != "gone@example.com" {
		t.Fatalf("550: err = %#v", err)
	}
	err = s.Send(ctx, mail.Message{To: "busy@example.com", Subject: "x", Text: "y"})
	if !errors.As(err, &re) || re.Permanent || re.Code != 450 {
		t.Fatalf("450: err = %#v", err)
	}
	if srv.Attempts("busy@example.com") != 1 || len(srv.Messages()) != 0 {
		t.Fatalf("attempts = %d, messages = %d", srv.Attempts("busy@example.com"), len(srv.Messages()))
	}
	srv.Accept("busy@example.com")
	if err := s.Send(ctx, mail.Message{To: "busy@example.com", Subject: "x", Text: "y"}); err != nil {
		t.Fatalf("after Accept: %v", err)
	}
	if got := srv.To("busy@example.com"); len(got) != 1 {
		t.Errorf("messages to busy = %d", len(got))
	}
}

func TestSendRefusesInvalidMessages(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv.Config())
	for name, m := range map[string]mail.Message{
		"bad address":        {To: "not an address", Subject: "x", Text: "y"},
		"two addresses":      {To: "a@example.com, b@example.com", Subject: "x", Text: "y"},
		"subject injection":  {To: "a@example.com", Subject: "x\r\nBcc: evil@example.com", Text: "y"},
		"header injection":   {To: "a@example.com", Subject: "x", Text: "y", Headers: map[string]string{"X-A": "1\r\nBcc: evil@example.com"}},
		"reserved header":    {To: "a@example.com", Subject: "x", Text: "y", Headers: map[string]string{"Bcc": "evil@example.com"}},
		"empty body":         {To: "a@example.com", Subject: "x"},
		"language injection": {To: "a@example.com", Subject: "x", Text: "y", Lang: "de\r\nBcc: e@example.com"},
	} {
		if err := s.Send(context.Background(), m); !errors.Is(err, mail.ErrInvalidMessage) {
			t.Errorf("%s: err = %v, want ErrInvalidMessage", name, err)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

func TestDisabledSender(t *testing.T) {
	var cfg mail.Config
	if cfg.Enabled() {
		t.Fatal("zero Config enabled")
	}
	s, err := mail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if mail.Enabled(s) || mail.Enabled(nil) {
		t.Error("Enabled true for a disabled sender")
	}
	if err := s.Send(context.Background(), mail.Message{To: "a@example.com", Text: "x"}); !errors.Is(err, mail.ErrDisabled) {
		t.Errorf("err = %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  mail.Config
		want string // "" = valid
	}{
		{mail.Config{}, ""},
		{mail.Config{Addr: "smtp.example.com:587", From: "status@example.com"}, ""},
		{mail.Config{Addr: "smtp.example.com:465", From: "Status <status@example.com>", Username: "u", Password: "p"}, ""},
		{mail.Config{Addr: "smtp.example.com", From: "status@example.com"}, "smtp-addr"},
		{mail.Config{Addr: "smtp.example.com:0", From: "status@example.com"}, "smtp-addr"},
		{mail.Config{Addr: "smtp.example.com:587"}, "smtp-from"},
		{mail.Config{Addr: "smtp.example.com:587", From: "nobody"}, "smtp-from"},
		{mail.Config{Addr: "smtp.example.com:587", From: "a@example.com", Password: "p"}, "smtp-username"},
	} {
		err := tc.cfg.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", tc.cfg, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: err = %v, want one about %s", tc.cfg, err, tc.want)
		}
		if tc.want != "" {
			if _, err := mail.New(tc.cfg); err == nil {
				t.Errorf("%+v: New accepted an invalid config", tc.cfg)
			}
		}
	}
}
