package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/mail"
	"github.com/hindsight-rca/hindsight/internal/statuspage/netguard"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Worker runs due deliveries. Make one with NewWorker, start Run in a
// goroutine, and call Wake after enqueuing so work starts at once.
type Worker struct {
	Store   store.Store
	Render  Renderer
	Log     *slog.Logger
	BaseURL string // public base URL of the status page, for links in webhooks
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// PollInterval is how often Run looks for due deliveries (default 5s).
	PollInterval time.Duration
	// MaxAttempts bounds retries (default 8); after it a delivery fails.
	MaxAttempts int
	// Backoff is the wait after the first failure, doubled each time up to
	// MaxBackoff (defaults 10s and 1h). A Retry-After answer waits longer.
	Backoff, MaxBackoff time.Duration
	// Timeout bounds each HTTP request (default 30s).
	Timeout time.Duration
	// Instance names this worker in delivery leases (default: host name,
	// process id and a random suffix). Several instances on one store each
	// send a delivery only while they hold its lease.
	Instance string
	// LeaseTTL is how long a lease holds before another instance may take
	// the delivery over (default 5 minutes, well above Timeout): the time a
	// crashed instance's deliveries wait.
	LeaseTTL time.Duration
	// OutboxGrace is how old a publish's outbox must be before this worker
	// moves it for a writer that stopped half-way (default 30s).
	OutboxGrace time.Duration
	// subs: Mail sends subscriber e-mail that Compose writes; MailLimiter
	// paces it (DefaultMailRate per second when nil).
	Mail        mail.Sender
	Compose     Composer
	MailLimiter *rate.Limiter

	limiter *KeyLimiter
	wake    chan struct{}
	mu      sync.Mutex
	clients map[bool]*http.Client
}

// StatuspageLimiter is shared by every Worker in the process: Statuspage
// allows one request per second per API key.
var StatuspageLimiter = NewKeyLimiter(time.Second)

// NewWorker returns a worker with defaults.
func NewWorker(st store.Store, render Renderer, log *slog.Logger) *Worker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{Store: st, Render: render, Log: log}
}

func (w *Worker) init() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.wake == nil {
		w.wake = make(chan struct{}, 1)
	}
	if w.limiter == nil {
		w.limiter = StatuspageLimiter
	}
	if w.clients == nil {
		w.clients = map[bool]*http.Client{}
	}
	if w.Instance == "" {
		host, _ := os.Hostname()
		w.Instance = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), domain.NewID()[:8])
	}
}

func (w *Worker) leaseTTL() time.Duration {
	if w.LeaseTTL > 0 {
		return w.LeaseTTL
	}
	return 5 * time.Minute
}

// SetLimiter replaces the shared Statuspage limiter (tests).
func (w *Worker) SetLimiter(l *KeyLimiter) { w.init(); w.limiter = l }

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return time.Now().UTC()
}

func (w *Worker) client(allowPrivate bool) *http.Client {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.clients[allowPrivate]
	if !ok {
		timeout := w.Timeout
		if timeout <= 0 {
			timeout = 30 * time.Second
		}
		c = netguard.Client(allowPrivate, timeout)
		w.clients[allowPrivate] = c
	}
	return c
}

// Wake makes a running Run look for due deliveries now.
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run polls for due deliveries until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	w.init()
	poll := w.PollInterval
	if poll <= 0 {
		poll = 5 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.Log.Warn("publish: run deliveries", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-w.wake:
		}
	}
}

// RunOnce runs every delivery due now and reports how many it attempted.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	w.init()
	grace := w.OutboxGrace
	if grace <= 0 {
		grace = 30 * time.Second
	}
	if _, err := w.Store.MoveOutbox(ctx, w.now(), grace); err != nil {
		return 0, fmt.Errorf("publish: move outbox: %w", err)
	}
	n := 0
	for {
		due, err := w.Store.DueDeliveries(ctx, w.now(), 20)
		if err != nil {
			return n, fmt.Errorf("publish: due deliveries: %w", err)
		}
		if len(due) == 0 {
			return n, nil
		}
		leased := 0
		for _, d := range due {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			err := w.Attempt(ctx, d)
			if errors.Is(err, store.ErrLeased) {
				continue // another instance has it
			}
			if err != nil {
				return n, err
			}
			n++
			leased++
		}
		if len(due) < 20 || leased == 0 {
			return n, nil
		}
	}
}

// Attempt takes the lease of d, makes one attempt and stores the outcome.
// It returns store.ErrLeased when another worker holds d (or d is no longer
// due), and other errors only when the outcome cannot be stored.
func (w *Worker) Attempt(ctx context.Context, d domain.Delivery) error {
	w.init()
	d, lease, err := w.Store.LeaseDelivery(ctx, d.ID, w.Instance, w.now(), w.leaseTTL())
	if err != nil {
		return err
	}
	summary, status, err := w.send(ctx, d)
	if ctx.Err() != nil && err != nil {
		// Stopping: leave the delivery due, untouched, and free for the
		// next start or another instance.
		untouched := d
		_ = w.Store.FinishDelivery(context.WithoutCancel(ctx), &untouched, lease)
		return ctx.Err()
	}
	now := w.now()
	d.Attempts++
	d.LastStatus = status
	d.UpdatedAt = now
	if summary != "" {
		d.Request = summary
	}
	var se *sendError
	switch {
	case err == nil:
		d.State = domain.DeliverySucceeded
		d.LastError = ""
	case errors.As(err, &se) && !se.Permanent && d.Attempts < w.maxAttempts():
		d.LastError = se.Error()
		d.NextAttemptAt = now.Add(max(w.backoff(d.Attempts), se.RetryAfter))
	default:
		d.State = domain.DeliveryFailed
		d.LastError = err.Error()
		if errors.As(err, &se) && !se.Permanent {
			d.LastError = fmt.Sprintf("gave up after %d attempts: %s", d.Attempts, se.Error())
		}
		if errors.As(err, &se) && se.refused { // subs
			w.markFailed(ctx, d, d.LastError)
		}
	}
	w.Log.Info("publish: delivery attempt", "delivery", d.ID, "target", d.TargetID, "rca", d.RCAID,
		"event", d.Event, "attempt", d.Attempts, "state", d.State, "status", status, "error", d.LastError)
	if err := w.Store.FinishDelivery(ctx, &d, lease); err != nil {
		if errors.Is(err, store.ErrLeased) {
			w.Log.Warn("publish: lease of delivery lost during the attempt; the new holder stores the outcome", "delivery", d.ID)
			return nil
		}
		return fmt.Errorf("publish: store delivery %s: %w", d.ID, err)
	}
	return nil
}

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts > 0 {
		return w.MaxAttempts
	}
	return 8
}

func (w *Worker) backoff(attempts int) time.Duration {
	base, ceil := w.Backoff, w.MaxBackoff
	if base <= 0 {
		base = 10 * time.Second
	}
	if ceil <= 0 {
		ceil = time.Hour
	}
	d := base
	for i := 1; i < attempts && d < ceil; i++ {
		d *= 2
	}
	return min(d, ceil)
}

// send prepares the content of d and sends it to its target.
func (w *Worker) send(ctx context.Context, d domain.Delivery) (string, int, error) {
	if id, ok := SubscriberOf(d.TargetID); ok { // subs
		return w.sendSubscriber(ctx, d, id)
	}
	t, err := w.Store.GetTarget(ctx, d.TargetID)
	if errors.Is(err, store.ErrNotFound) {
		return "", 0, permanent("the target was deleted")
	}
	if err != nil {
		return "", 0, &sendError{Reason: "storage: target unavailable"}
	}
	if !t.Enabled {
		return "", 0, permanent("the target is disabled")
	}
	r, err := w.snapshot(ctx, d)
	if err != nil {
		return "", 0, err
	}
	incidents := map[string]domain.Incident{}
	var ordered []domain.Incident
	for _, id := range r.IncidentIDs {
		in, err := w.Store.GetIncident(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", 0, &sendError{Reason: "storage: incident unavailable"}
		}
		incidents[id] = in
		ordered = append(ordered, in)
	}
	lang := t.Language
	if lang == "" {
		lang = r.Language
	}
	var rep *Report
	if d.Event != EventUnpublished {
		if w.Render == nil {
			return "", 0, permanent("no report renderer configured")
		}
		out, err := w.Render(ctx, r, ordered, lang)
		if err != nil {
			return "", 0, permanent("render report: " + err.Error())
		}
		rep = &out
	}
	switch t.Kind {
	case domain.TargetStatuspage:
		if rep == nil {
			rep = &Report{}
		}
		return w.sendStatuspage(ctx, t, d, r.IncidentIDs, incidents, *rep)
	case domain.TargetWebhook:
		return w.sendWebhook(ctx, t, d, w.webhookEvent(d, r, lang, ordered, rep))
	}
	return "", 0, permanent("unknown target kind " + string(t.Kind))
}

// snapshot is the RCA as it was at the delivery's version: what was
// published, even if it has been edited since. For rca.unpublished only the
// identity matters, and a deleted RCA still gets its retraction.
func (w *Worker) snapshot(ctx context.Context, d domain.Delivery) (domain.RCA, error) {
	if d.Event == EventUnpublished {
		r, err := w.Store.GetRCA(ctx, d.RCAID)
		if errors.Is(err, store.ErrNotFound) {
			rev, rerr := w.Store.GetRevision(ctx, d.RCAID, d.RCAVersion)
			if rerr != nil {
				return domain.RCA{ID: d.RCAID}, nil
			}
			return rev.Snapshot, nil
		}
		if err != nil {
			return r, &sendError{Reason: "storage: rca unavailable"}
		}
		return r, nil
	}
	rev, err := w.Store.GetRevision(ctx, d.RCAID, d.RCAVersion)
	if errors.Is(err, store.ErrNotFound) {
		return domain.RCA{}, permanent(fmt.Sprintf("version %d of the RCA no longer exists", d.RCAVersion))
	}
	if err != nil {
		return domain.RCA{}, &sendError{Reason: "storage: rca unavailable"}
	}
	r := rev.Snapshot
	if r.State != domain.StatePublished {
		return r, permanent(fmt.Sprintf("version %d of the RCA is not published", d.RCAVersion))
	}
	return r, nil
}
