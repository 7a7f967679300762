package remind

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/mail/mailtest"
)

// TestDigestOverSMTP runs two workers, each with its own SMTP client,
// against an in-process SMTP server speaking the real protocol (STARTTLS):
// each owner receives exactly one digest that day, in their language
// (Content-Language), and a run the next day sends the next digests.
func TestDigestOverSMTP(t *testing.T) {
	st, cat := fixture(t)
	srv := mailtest.Start(t, mailtest.WithStartTLS())
	now := day1
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	workers := make([]*Digest, 2)
	for i := range workers {
		sender, err := mail.New(srv.Config())
		if err != nil {
			t.Fatal(err)
		}
		if workers[i], err = New(Config{Store: st, Catalog: cat, Sender: sender, Now: clock, BaseURL: "https://hindsight.example.com"}); err != nil {
			t.Fatal(err)
		}
	}
	run := func() {
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Go(func() {
				for range 3 { // each worker runs several times, as its ticker would
					if _, err := w.RunOnce(context.Background()); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
	}
	run()
	msgs := srv.Messages()
	if len(msgs) != 2 || len(srv.To("ana@example.com")) != 1 || len(srv.To("jonas@example.com")) != 1 {
		t.Fatalf("%d messages (ana %d, jonas %d), want one each", len(msgs), len(srv.To("ana@example.com")), len(srv.To("jonas@example.com")))
	}
	jonas := srv.To("jonas@example.com")[0]
	if !jonas.TLS || jonas.Header.Get("Content-Language") != "de" || jonas.Subject != "Hindsight: 1 überfällige Maßnahme" ||
		!strings.Contains(jonas.Text, "Zertifikate prüfen") {
		t.Errorf("jonas's digest: tls %v, lang %q, subject %q\n%s", jonas.TLS, jonas.Header.Get("Content-Language"), jonas.Subject, jonas.Text)
	}
	ana := srv.To("ana@example.com")[0]
	if ana.Subject != "Hindsight: 2 overdue action items" || strings.Contains(ana.Text, "Vendor fix") || strings.Contains(ana.Text, "Later") {
		t.Errorf("ana's digest: %q\n%s", ana.Subject, ana.Text)
	}
	if len(srv.To("li@example.com"))+len(srv.To("gone@example.com")) != 0 {
		t.Error("a digest went to an owner without overdue items or to a disabled user")
	}
	if len(srv.To("vera@example.com")) != 0 {
		t.Error("a viewer was mailed the title of an internal item")
	}
	mu.Lock()
	now = day1.Add(24 * time.Hour)
	mu.Unlock()
	run()
	if n := len(srv.Messages()); n != 4 {
		t.Errorf("after the second day %d messages, want 4", n)
	}
}

// TestDigestRefusedRecipientRetried: a relay that refuses a recipient
// (450) makes that digest fail and be retried by a later run; the other
// owner's digest is not sent twice.
func TestDigestRefusedRecipientRetried(t *testing.T) {
	st, cat := fixture(t)
	srv := mailtest.Start(t)
	srv.Refuse("ana@example.com", 450)
	sender, err := mail.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Config{Store: st, Catalog: cat, Sender: sender, Now: func() time.Time { return day1 }})
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.RunOnce(context.Background())
	if err != nil || res.Sent != 1 || res.Failed != 1 {
		t.Fatalf("first run: %v %v", res, err)
	}
	srv.Accept("ana@example.com")
	res, err = d.RunOnce(context.Background())
	if err != nil || res.Sent != 1 || res.Skipped != 1 {
		t.Fatalf("retry: %v %v", res, err)
	}
	if len(srv.To("ana@example.com")) != 1 || len(srv.To("jonas@example.com")) != 1 {
		t.Errorf("ana %d, jonas %d messages", len(srv.To("ana@example.com")), len(srv.To("jonas@example.com")))
	}
}

// TestDigestNeedsMail: without an enabled relay there is no job.
func TestDigestNeedsMail(t *testing.T) {
	st, cat := fixture(t)
	off, _ := mail.New(mail.Config{})
	if _, err := New(Config{Store: st, Catalog: cat, Sender: off}); err == nil {
		t.Error("a digest job without SMTP")
	}
}
