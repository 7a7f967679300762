package statuspage

// Cache coherence across instances (scalemulti area): every instance polls
// the store's change counter and drops its page cache when the counter
// moved, so a publish on one instance shows on every instance within one
// poll interval. (The MongoDB test peer has no change streams; a counter
// works on every backend.)

import (
	"context"
	"sync"
	"time"
)

// DefaultChangePoll is how often FollowChanges polls: well inside the 2 s
// within which another instance's publish must show.
const DefaultChangePoll = time.Second

// changeWatch is the last change counter a Site saw.
type changeWatch struct {
	mu     sync.Mutex
	last   int64
	primed bool
}

// SyncChanges reads the store's change counter once and drops the page
// cache when it moved since the last call; it reports whether it dropped
// it. The first call only remembers the counter.
func (s *Site) SyncChanges(ctx context.Context) (bool, error) {
	n, err := s.store.Changes(ctx)
	if err != nil {
		return false, err
	}
	w := &s.changes
	w.mu.Lock()
	moved := w.primed && n != w.last
	w.last, w.primed = n, true
	w.mu.Unlock()
	if moved {
		s.Invalidate()
	}
	return moved, nil
}

// FollowChanges calls SyncChanges every interval (DefaultChangePoll when
// zero or less) until ctx ends. Errors are logged and the poll goes on.
func (s *Site) FollowChanges(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = DefaultChangePoll
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.SyncChanges(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("statuspage: read the change counter", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
