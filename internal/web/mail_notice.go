package web

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/mail"
)

// noticeMailer sends the workflow's notices by e-mail (flow), in the
// recipient's language, through the SMTP relay of Config.Mail. Sending runs
// beside the request (a relay may take seconds); failures are logged.
type noticeMailer struct {
	s    *Server
	send mail.Sender
	wg   sync.WaitGroup
}

// SendNotice implements app.Mailer.
func (m *noticeMailer) SendNotice(ctx context.Context, to domain.User, n app.Notice) error {
	msg := m.message(ctx, to, n)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if err := m.send.Send(c, msg); err != nil {
			m.s.log.Warn("notice e-mail not sent", "to", to.ID, "rca", n.RCAID, "kind", n.Kind, "err", err)
		}
	}()
	return nil
}

// message words a notice for its recipient.
func (m *noticeMailer) message(ctx context.Context, to domain.User, n app.Notice) mail.Message {
	lang, ok := m.s.catalog.Lookup(to.Language)
	if !ok {
		lang = m.s.catalog.Match(m.s.cfg.DefaultLanguage)
	}
	loc := &uiLocale{l: m.s.catalog.Localizer(lang), zone: time.UTC}
	actor := n.Actor
	if u, err := m.s.store.GetUser(ctx, n.Actor); err == nil {
		actor = u.DisplayName()
	}
	link := m.s.cfg.BaseURL + "/rcas/" + n.RCAID
	args := []any{"Actor", actor, "Title", n.Title, "From", loc.Enum("rca_state", n.From), "To", loc.Enum("rca_state", n.To)}
	kind := n.Kind
	if kind != app.NoticeAssigned {
		kind = app.NoticeState
	}
	var b strings.Builder
	b.WriteString(loc.T("ui.mail."+kind+".text", args...))
	b.WriteString("\n")
	if n.Comment != "" {
		b.WriteString("\n" + loc.T("ui.mail.comment") + " " + n.Comment + "\n")
	}
	b.WriteString("\n" + loc.T("ui.mail.open") + " " + link + "\n")
	return mail.Message{To: to.Email, Subject: loc.T("ui.mail."+kind+".subject", args...), Text: b.String(), Lang: lang}
}
