// Package history keeps RCA revision history small, for both stores
// (scalemulti area): it decides when an autosave coalesces with the
// revision before it, and packs revision snapshots.
//
// A packed snapshot is the RCA's JSON compressed with zstd. A keyframe is
// compressed on its own; a delta is compressed with its base revision's
// JSON as a raw zstd dictionary, so the text both share costs a few bytes
// of back-references. Chains are bounded: after MaxDepth deltas the next
// revision is a keyframe again, so restoring any revision decodes at most
// MaxDepth+1 blobs.
package history

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// CoalesceWindow is how long a run of autosaves by one author on one
// section keeps folding into one revision, counted from its first save.
const CoalesceWindow = 10 * time.Minute

// MaxDepth is the longest chain of deltas before a keyframe.
const MaxDepth = 15

// SectionNotePrefix starts the note of a section save ("section <key>").
const SectionNotePrefix = "section "

// Head is what coalescing needs to know of the newest listed revision.
type Head struct {
	Version int64
	Author  string
	Note    string
	FirstAt time.Time // the first save folded into it
	Saves   int       // how many saves it holds (at least 1)
	Base    int64     // the version its delta is against; 0 for a keyframe
	Depth   int       // deltas between it and its keyframe
	Pinned  bool      // something (a delivery) refers to its version
}

// Coalesces reports whether a save by author with note at now folds into
// head instead of making a new revision: both are saves of the same
// section by the same author, and head's run began less than
// CoalesceWindow before now. A pinned head never coalesces.
func Coalesces(head Head, author, note string, now time.Time) bool {
	return !head.Pinned && head.Version > 0 && author != "" &&
		strings.HasPrefix(note, SectionNotePrefix) && note == head.Note && author == head.Author &&
		!head.FirstAt.IsZero() && now.Sub(head.FirstAt) < CoalesceWindow && !now.Before(head.FirstAt)
}

// Placement says how a new revision is stored.
type Placement struct {
	Base    int64     // version whose JSON is the dictionary; 0 for a keyframe
	Depth   int       // chain length below it
	FirstAt time.Time // first save of its run
	Saves   int
	Replace bool // it replaces head (head's row goes away)
}

// Place decides how the revision of a save goes in, given the newest
// listed revision (head.Version == 0 when there is none).
func Place(head Head, author, note string, now time.Time) Placement {
	if Coalesces(head, author, note, now) {
		return Placement{Base: head.Base, Depth: head.Depth, FirstAt: head.FirstAt, Saves: max(head.Saves, 1) + 1, Replace: true}
	}
	p := Placement{FirstAt: now, Saves: 1}
	if head.Version > 0 && head.Depth < MaxDepth {
		p.Base, p.Depth = head.Version, head.Depth+1
	}
	return p
}

var (
	plainOnce sync.Once
	plainEnc  *zstd.Encoder
	plainDec  *zstd.Decoder
	plainErr  error
)

func plain() (*zstd.Encoder, *zstd.Decoder, error) {
	plainOnce.Do(func() {
		plainEnc, plainErr = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
		if plainErr == nil {
			plainDec, plainErr = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20))
		}
	})
	return plainEnc, plainDec, plainErr
}

// dictID is the id written in delta frames; it has no meaning beyond
// telling a delta from a keyframe.
const dictID = 0x48534431 // "HSD1"

// Pack compresses cur, against base when base is not nil.
func Pack(base, cur []byte) ([]byte, error) {
	if base == nil {
		enc, _, err := plain()
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		return enc.EncodeAll(cur, nil), nil
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(windowFor(len(base)+len(cur))), zstd.WithEncoderDictRaw(dictID, base), zstd.WithLowerEncoderMem(true))
	if err != nil {
		return nil, fmt.Errorf("history: delta encoder: %w", err)
	}
	defer func() { _ = enc.Close() }() // EncodeAll only: nothing buffered to flush
	return enc.EncodeAll(cur, nil), nil
}

// Unpack restores what Pack was given; base must be the same bytes.
func Unpack(base, packed []byte) ([]byte, error) {
	if base == nil {
		_, dec, err := plain()
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		out, err := dec.DecodeAll(packed, nil)
		if err != nil {
			return nil, fmt.Errorf("history: unpack keyframe: %w", err)
		}
		return out, nil
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20),
		zstd.WithDecoderDictRaw(dictID, base), zstd.WithDecoderMaxWindow(uint64(windowFor(len(base)+16<<20))))
	if err != nil {
		return nil, fmt.Errorf("history: delta decoder: %w", err)
	}
	defer dec.Close()
	out, err := dec.DecodeAll(packed, nil)
	if err != nil {
		return nil, fmt.Errorf("history: unpack delta: %w", err)
	}
	return out, nil
}

// windowFor is the smallest power of two window (at least 64 KiB) that
// lets a frame refer back across n bytes.
func windowFor(n int) int {
	w := 1 << 16
	for w < n && w < zstd.MaxWindowSize {
		w <<= 1
	}
	return w
}

// ErrBrokenChain is returned when a delta's base cannot be found.
var ErrBrokenChain = errors.New("history: the base of a delta is missing")

// Cache keeps the JSON of recently written or read revisions, so that the
// next save finds its delta base without decoding a chain. Revisions never
// change once written, so entries never go stale; Forget drops a deleted
// RCA's. It is bounded by bytes, dropping the oldest entries first.
type Cache struct {
	mu    sync.Mutex
	max   int
	size  int
	order []cacheKey
	m     map[cacheKey][]byte
}

type cacheKey struct {
	rca     string
	version int64
}

// NewCache returns a cache holding at most maxBytes of JSON.
func NewCache(maxBytes int) *Cache {
	return &Cache{max: maxBytes, m: map[cacheKey][]byte{}}
}

// Get returns the JSON of a revision, if cached.
func (c *Cache) Get(rcaID string, version int64) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[cacheKey{rcaID, version}]
	return b, ok
}

// Put remembers the JSON of a revision; the caller must not change b.
func (c *Cache) Put(rcaID string, version int64, b []byte) {
	if c == nil || len(b) > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := cacheKey{rcaID, version}
	if _, ok := c.m[k]; ok {
		return
	}
	c.m[k] = b
	c.order = append(c.order, k)
	c.size += len(b)
	for c.size > c.max && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		if v, ok := c.m[old]; ok {
			c.size -= len(v)
			delete(c.m, old)
		}
	}
}

// Forget drops every cached revision of an RCA.
func (c *Cache) Forget(rcaID string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, v := range c.m {
		if k.rca == rcaID {
			c.size -= len(v)
			delete(c.m, k)
		}
	}
	kept := c.order[:0]
	for _, k := range c.order {
		if _, ok := c.m[k]; ok {
			kept = append(kept, k)
		}
	}
	c.order = kept
}
