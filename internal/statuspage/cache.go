package statuspage

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/hindsight-rca/hindsight/internal/store"
)

// cached is one rendered answer.
type cached struct {
	status int
	body   []byte
	gz     []byte // body gzipped, when that is smaller
	ctype  string
	etag   string
	at     time.Time
}

// pageCache keeps rendered answers until Invalidate or the TTL. Concurrent
// requests for the same missing key share one render (singleflight); the
// render runs detached from every caller's context, under its own timeout,
// so a reader who disconnects fails no one else, and a panic in it becomes
// an error for every waiter instead of leaving them hanging.
type pageCache struct {
	ttl     time.Duration
	timeout time.Duration // bound on one render
	max     int

	group singleflight.Group

	mu      sync.Mutex
	gen     uint64
	entries map[string]*cached
}

// renderTimeout bounds one render when the site sets none.
const renderTimeout = 30 * time.Second

// errRenderPanic wraps a panic recovered from a render.
var errRenderPanic = errors.New("statuspage: render panicked")

func newPageCache(ttl time.Duration, max int) *pageCache {
	return &pageCache{ttl: ttl, timeout: renderTimeout, max: max, entries: map[string]*cached{}}
}

// invalidate drops every entry; renders already running do not store theirs.
func (c *pageCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.entries = map[string]*cached{}
	c.mu.Unlock()
}

// get returns the entry for key, rendering it with build when missing or
// stale. build gets a context that keeps ctx's values but not its
// cancellation. get returns early with ctx's error when ctx ends first; the
// render goes on for the others.
func (c *pageCache) get(ctx context.Context, key string, now time.Time, build func(context.Context) (*cached, error)) (*cached, error) {
	c.mu.Lock()
	stale := c.entries[key]
	c.mu.Unlock()
	if stale != nil && now.Sub(stale.at) < c.ttl {
		return stale, nil
	}
	detached := context.WithoutCancel(ctx)
	ch := c.group.DoChan(key, func() (any, error) { return c.fill(detached, key, now, stale, build) })
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*cached), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fill renders key once for every waiter and stores a good answer.
func (c *pageCache) fill(ctx context.Context, key string, now time.Time, stale *cached, build func(context.Context) (*cached, error)) (*cached, error) {
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	res, err := c.build(ctx, build)
	if err != nil {
		if stale != nil && errors.Is(err, store.ErrUnavailable) {
			// Storage is down: the last good answer beats an error on the
			// page people read during an incident. It stays expired, so the
			// next request tries storage again.
			return stale, nil
		}
		return nil, err
	}
	res.at = now
	res.etag = etagOf(res.body)
	res.gz = gzipped(res.body)
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen && res.status == http.StatusOK {
		if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
			c.evictOldest()
		}
		c.entries[key] = res
	}
	return res, nil
}

// build runs one render under the cache's timeout, turning a panic into
// an error.
func (c *pageCache) build(ctx context.Context, build func(context.Context) (*cached, error)) (res *cached, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("%w: %v\n%s", errRenderPanic, p, debug.Stack())
		}
	}()
	return build(ctx)
}

// evictOldest drops the entry rendered longest ago; the caller holds mu.
// Keys are bounded by the request checks (paths, months, languages), so
// this runs rarely and a scan is cheap.
func (c *pageCache) evictOldest() {
	var oldest string
	var at time.Time
	for k, e := range c.entries {
		if oldest == "" || e.at.Before(at) {
			oldest, at = k, e.at
		}
	}
	delete(c.entries, oldest)
}

// gzipped compresses b once per render, so every reader that accepts gzip
// gets the small copy for free; nil when compression does not pay.
func gzipped(b []byte) []byte {
	if len(b) < 1024 {
		return nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	if zw.Close() != nil || buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

// matchETag reports whether an If-None-Match header names etag (or is *).
func matchETag(header, etag string) bool {
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		part = strings.TrimPrefix(part, "W/")
		if part == "*" || part == etag {
			return true
		}
	}
	return false
}
