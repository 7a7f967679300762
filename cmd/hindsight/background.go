package main

import (
	"context"
	"sync"

	"github.com/hindsight-rca/hindsight/internal/web"
)

// startBackground starts the server's background work: the publish worker,
// which sends pending deliveries to external status pages and webhooks
// (also those left over from before a restart). It stops when ctx is done;
// the returned function waits for it.
func (a *app) startBackground(ctx context.Context, srv *web.Server) (wait func()) {
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := srv.RunDeliveries(ctx); err != nil {
			a.log.Error("publish worker stopped", "err", err)
		}
	})
	// scalemulti: drop the status page cache when another instance writes.
	wg.Go(func() {
		if err := srv.FollowChanges(ctx, 0); err != nil {
			a.log.Error("status page change follower stopped", "err", err)
		}
	})
	// actions (issue 14): the daily overdue digest, when SMTP is configured.
	wg.Go(func() {
		if err := srv.RunReminders(ctx, 0); err != nil {
			a.log.Error("reminder digests stopped", "err", err)
		}
	})
	return wg.Wait
}
