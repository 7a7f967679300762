// Package remind sends the daily reminder digest (area "actions", issue
// 14): every user who owns overdue action items gets one e-mail a day, in
// their language, listing them.
//
// Exactly once per owner and day, across instances: before sending, a
// worker claims (store.Claim) the pair ("digest:<day>", user id); the store
// decides every race, so two workers (or two instances) never both send.
// When sending fails the claim is given back and a later run retries. A
// worker that dies between its claim and the send loses that owner's digest
// for the day (at most once, never twice).
package remind

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Config is what the digest job needs.
type Config struct {
	Store   store.Store
	Catalog *i18n.Catalog
	Sender  mail.Sender    // internal/mail: the SMTP relay
	BaseURL string         // for the link to the list; empty: no link
	Zone    *time.Location // the organisation's day (nil: UTC)
	Lang    string         // for users without a language
	Now     func() time.Time
	Log     *slog.Logger
}

// Digest runs the job.
type Digest struct{ cfg Config }

// New makes the job; Store, Catalog and Sender are required.
func New(cfg Config) (*Digest, error) {
	if cfg.Store == nil || cfg.Catalog == nil || !mail.Enabled(cfg.Sender) {
		return nil, errors.New("remind: store, catalog and an enabled mail sender are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Zone == nil {
		cfg.Zone = time.UTC
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Lang == "" {
		cfg.Lang = i18n.DefaultLanguage
	}
	return &Digest{cfg: cfg}, nil
}

// Result says what one run did.
type Result struct {
	Day     domain.Date
	Sent    int // digests sent by this run
	Skipped int // owners another run (or instance) sent to today already
	Failed  int // sends that failed (claim given back, retried later)
}

// RunOnce sends today's digests that no run has sent yet.
func (d *Digest) RunOnce(ctx context.Context) (Result, error) {
	today := domain.DateOf(d.cfg.Now().In(d.cfg.Zone))
	res := Result{Day: today}
	byOwner := map[string][]store.ActionItemRow{}
	f := store.ActionItemFilter{OverdueBefore: &today, Limit: 500}
	for {
		p, err := d.cfg.Store.ListActionItems(ctx, f)
		if err != nil {
			return res, err
		}
		for _, row := range p.Items {
			if row.OwnerID != "" { // owners outside Hindsight have no address
				byOwner[row.OwnerID] = append(byOwner[row.OwnerID], row)
			}
		}
		if p.Next == "" {
			break
		}
		f.Cursor = p.Next
	}
	owners := make([]string, 0, len(byOwner))
	for id := range byOwner {
		owners = append(owners, id)
	}
	sort.Strings(owners)
	scope := "digest:" + today.String()
	for _, id := range owners {
		u, err := d.cfg.Store.GetUser(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (u.Disabled || u.Email == "")) {
			continue
		}
		if err != nil {
			return res, err
		}
		items := readable(u, byOwner[id])
		if len(items) == 0 {
			continue
		}
		if err := d.cfg.Store.Claim(ctx, scope, id, d.cfg.Now()); err != nil {
			if errors.Is(err, store.ErrDuplicate) {
				res.Skipped++
				continue
			}
			return res, err
		}
		m := d.compose(u, items)
		if err := d.cfg.Sender.Send(ctx, m); err != nil {
			res.Failed++
			d.cfg.Log.Warn("reminder digest not sent", "user", id, "err", err)
			if uerr := d.cfg.Store.Unclaim(ctx, scope, id); uerr != nil {
				d.cfg.Log.Error("give back the digest claim", "user", id, "err", uerr)
			}
			continue
		}
		res.Sent++
	}
	return res, nil
}

// readable keeps the items u may read: a viewer owning an internal item is
// not mailed its title (policy.Audience decides, as everywhere).
func readable(u domain.User, items []store.ActionItemRow) []store.ActionItemRow {
	if policy.Audience(policy.Actor{UserID: u.ID, Role: u.Role}, nil) == domain.AudienceInternal {
		return items
	}
	var out []store.ActionItemRow
	for _, it := range items {
		if it.Visibility == domain.External {
			out = append(out, it)
		}
	}
	return out
}

// compose writes the digest of u's overdue items in u's language.
func (d *Digest) compose(u domain.User, items []store.ActionItemRow) mail.Message {
	lang := u.Language
	if lang == "" {
		lang = d.cfg.Lang
	}
	l := d.cfg.Catalog.Localizer(lang)
	n := len(items)
	var b strings.Builder
	b.WriteString(l.T("actions.digest.greeting", map[string]any{"Name": u.DisplayName()}))
	b.WriteString("\n\n")
	b.WriteString(l.N("actions.digest.intro", n, map[string]any{"Count": n}))
	b.WriteString("\n\n")
	for _, it := range items {
		due := ""
		if it.Due != nil {
			due = l.Date(it.Due.In(time.UTC), time.UTC)
		}
		b.WriteString("- ")
		b.WriteString(l.T("actions.digest.line", map[string]any{"Title": it.Title, "Due": due, "RCA": it.RCATitle}))
		b.WriteString("\n")
	}
	b.WriteString("\n")
	b.WriteString(l.T("actions.digest.outro"))
	b.WriteString("\n")
	if d.cfg.BaseURL != "" {
		b.WriteString("\n")
		b.WriteString(l.T("actions.digest.list_link", map[string]any{"URL": strings.TrimRight(d.cfg.BaseURL, "/") + "/action-items?owner=me&overdue=true"}))
		b.WriteString("\n")
	}
	return mail.Message{To: u.Email, Lang: l.Lang(),
		Subject: l.N("actions.digest.subject", n, map[string]any{"Count": n}), Text: b.String()}
}

// Run calls RunOnce now and then every interval (15 minutes when zero)
// until ctx ends: the first run after midnight in the organisation's zone
// sends the day's digests, later runs find them claimed.
func (d *Digest) Run(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = 15 * time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if res, err := d.RunOnce(ctx); err != nil {
			d.cfg.Log.Warn("reminder digest run", "err", err)
		} else if res.Sent+res.Failed > 0 {
			d.cfg.Log.Info("reminder digests", "day", res.Day.String(), "sent", res.Sent, "failed", res.Failed)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// String describes a result for logs.
func (r Result) String() string {
	return fmt.Sprintf("%s: %d sent, %d skipped, %d failed", r.Day, r.Sent, r.Skipped, r.Failed)
}
