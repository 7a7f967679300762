package statuspage

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

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

// pageCache keeps rendered answers until Invalidate or the TTL, and makes
// concurrent requests for the same missing key wait for one render.
type pageCache struct {
	ttl time.Duration
	max int

	mu       sync.Mutex
	gen      uint64
	entries  map[string]*cached
	inflight map[string]*flight
}

type flight struct {
	done chan struct{}
	res  *cached
	err  error
}

func newPageCache(ttl time.Duration, max int) *pageCache {
	return &pageCache{ttl: ttl, max: max, entries: map[string]*cached{}, inflight: map[string]*flight{}}
}

// invalidate drops every entry; renders already running do not store theirs.
func (c *pageCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.entries = map[string]*cached{}
	c.mu.Unlock()
}

// get returns the entry for key, rendering it with build when missing or stale.
func (c *pageCache) get(key string, now time.Time, build func() (*cached, error)) (*cached, error) {
	c.mu.Lock()
	stale := c.entries[key]
	if stale != nil && now.Sub(stale.at) < c.ttl {
		c.mu.Unlock()
		return stale, nil
	}
	if f, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-f.done
		return f.res, f.err
	}
	f := &flight{done: make(chan struct{})}
	c.inflight[key] = f
	gen := c.gen
	c.mu.Unlock()

	f.res, f.err = build()
	fresh := f.err == nil
	if fresh {
		f.res.at = now
		f.res.etag = etagOf(f.res.body)
		f.res.gz = gzipped(f.res.body)
	} else if stale != nil && errors.Is(f.err, store.ErrUnavailable) {
		// Storage is down: the last good answer beats an error on the page
		// people read during an incident. It stays expired, so the next
		// request tries storage again.
		f.res, f.err = stale, nil
	}

	c.mu.Lock()
	delete(c.inflight, key)
	if fresh && gen == c.gen && f.res.status == http.StatusOK {
		if len(c.entries) >= c.max {
			c.entries = map[string]*cached{}
		}
		c.entries[key] = f.res
	}
	c.mu.Unlock()
	close(f.done)
	return f.res, f.err
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
