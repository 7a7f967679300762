package history

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// prose makes n bytes of varied English-like text from a fixed seed.
func prose(seed uint64, n int) string {
	words := strings.Fields(`the cache replica failover database primary elected timeout connection pool
		saturated requests queued latency rose partner API returned errors engineers paged rollback
		configuration component release missing upstream provider rate limit mitigation deployed
		monitoring recovered customers affected region traffic shifted alert fired dashboard`)
	r := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(12) == 0 {
			fmt.Fprintf(&b, " %d.%d. ", r.IntN(1000), r.IntN(100))
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func TestPackRoundTrip(t *testing.T) {
	base := []byte(`{"title":"x","sections":[{"body":"` + prose(1, 45_000) + `"}]}`)
	cur := bytes.Replace(base, []byte("rollback"), []byte("roll-back"), 1)
	for _, tc := range []struct {
		name      string
		base, cur []byte
		wantBelow int
	}{
		{"keyframe", nil, base, len(base) / 2},
		{"delta", base, cur, 1024},
		{"empty", nil, []byte{}, 64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Pack(tc.base, tc.cur)
			if err != nil {
				t.Fatal(err)
			}
			if len(p) >= tc.wantBelow {
				t.Errorf("packed %d bytes into %d, want fewer than %d", len(tc.cur), len(p), tc.wantBelow)
			}
			got, err := Unpack(tc.base, p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.cur) {
				t.Fatalf("round trip changed the bytes")
			}
		})
	}
	// A delta needs its base: the wrong one does not restore the text.
	p, _ := Pack(base, cur)
	if got, err := Unpack(cur, p); err == nil && bytes.Equal(got, cur) {
		t.Fatalf("a delta unpacked against the wrong base restored the text")
	}
}

func TestCoalesces(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	head := Head{Version: 7, Author: "alice", Note: "section summary", FirstAt: t0, Saves: 3, Base: 5, Depth: 2}
	cases := []struct {
		name   string
		head   Head
		author string
		note   string
		now    time.Time
		want   bool
	}{
		{"same author, section, within window", head, "alice", "section summary", t0.Add(9 * time.Minute), true},
		{"window counted from the first save", head, "alice", "section summary", t0.Add(10 * time.Minute), false},
		{"other author", head, "bob", "section summary", t0.Add(time.Minute), false},
		{"other section", head, "alice", "section impact", t0.Add(time.Minute), false},
		{"not a section save", Head{Version: 7, Author: "alice", Note: "state published", FirstAt: t0}, "alice", "state published", t0.Add(time.Minute), false},
		{"pinned head", Head{Version: 7, Author: "alice", Note: "section summary", FirstAt: t0, Pinned: true}, "alice", "section summary", t0.Add(time.Minute), false},
		{"no head", Head{}, "alice", "section summary", t0, false},
		{"anonymous", Head{Version: 7, Note: "section summary", FirstAt: t0}, "", "section summary", t0, false},
		{"clock went back", head, "alice", "section summary", t0.Add(-time.Minute), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Coalesces(c.head, c.author, c.note, c.now); got != c.want {
				t.Fatalf("Coalesces = %v, want %v", got, c.want)
			}
		})
	}
	p := Place(head, "alice", "section summary", t0.Add(time.Minute))
	if !p.Replace || p.Base != 5 || p.Depth != 2 || p.Saves != 4 || !p.FirstAt.Equal(t0) {
		t.Fatalf("coalesced placement %+v", p)
	}
	p = Place(head, "bob", "section summary", t0.Add(time.Minute))
	if p.Replace || p.Base != 7 || p.Depth != 3 || p.Saves != 1 {
		t.Fatalf("delta placement %+v", p)
	}
	p = Place(Head{Version: 9, Depth: MaxDepth}, "bob", "x", t0)
	if p.Base != 0 || p.Depth != 0 {
		t.Fatalf("after MaxDepth deltas want a keyframe, got %+v", p)
	}
}
