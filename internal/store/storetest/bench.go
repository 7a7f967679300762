package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Bench measures the hot paths of a backend: creating an RCA (with its first
// revision), reading one, and saving a section (read, check, write, revision).
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	b.Run("CreateRCA", func(b *testing.B) {
		s := open(b)
		ctx := b.Context()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r := benchRCA(b, fmt.Sprintf("Bench outage %d", i))
			if err := s.CreateRCA(ctx, &r, "u-bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetRCA", func(b *testing.B) {
		s := open(b)
		ctx := b.Context()
		ids := make([]string, 100)
		for i := range ids {
			r := benchRCA(b, fmt.Sprintf("Bench outage %d", i))
			if err := s.CreateRCA(ctx, &r, "u-bench"); err != nil {
				b.Fatal(err)
			}
			ids[i] = r.ID
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := s.GetRCA(ctx, ids[i%len(ids)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetRCAParallel", func(b *testing.B) {
		s := open(b)
		ctx := b.Context()
		r := benchRCA(b, "Bench parallel reads")
		if err := s.CreateRCA(ctx, &r, "u-bench"); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.GetRCA(ctx, r.ID); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("ListRCAsQuery", func(b *testing.B) {
		s := open(b)
		ctx := b.Context()
		for i := range 200 {
			r := benchRCA(b, fmt.Sprintf("Bench outage %d", i))
			if i%10 == 0 {
				r.Sections[0].Body += " The upstream provider's rate limit was reached."
			}
			if err := s.CreateRCA(ctx, &r, "u-bench"); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			list, total, err := s.ListRCAs(ctx, store.RCAFilter{Query: "RATE LIMIT", Page: store.Page{Limit: 10}})
			if err != nil {
				b.Fatal(err)
			}
			if total != 20 || len(list) != 10 {
				b.Fatalf("query found %d (page %d), want 20 (page 10)", total, len(list))
			}
		}
	})
	b.Run("SaveSection", func(b *testing.B) {
		s := open(b)
		ctx := b.Context()
		r := benchRCA(b, "Bench section saves")
		if err := s.CreateRCA(ctx, &r, "u-bench"); err != nil {
			b.Fatal(err)
		}
		keys := make([]string, len(r.Sections))
		revs := map[string]int64{}
		for i, sec := range r.Sections {
			keys[i] = sec.Key
			revs[sec.Key] = sec.Revision
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			key := keys[i%len(keys)]
			got, err := s.SaveSection(ctx, r.ID, key, domain.SectionEdit{Body: fmt.Sprintf("Edit %d of %s: the cache was cold after the failover.", i, key), BaseRevision: revs[key]}, "u-bench")
			if err != nil {
				b.Fatal(err)
			}
			revs[key] = got.Section(key).Revision
		}
	})
}

// benchRCA is a realistic RCA: every section written, a timeline and action items.
func benchRCA(b *testing.B, title string) domain.RCA {
	r := newRCA(b, title)
	for i := range r.Sections {
		r.Sections[i].Body = "Between 09:26 and 10:13 UTC the Templates API answered 5xx to about 4% of requests. " +
			"A configuration component was not updated in the release, so new pods read stale limits.\n\n- detection took 4 minutes\n- rollback took 12 minutes\n"
	}
	for i := range 12 {
		r.Timeline = append(r.Timeline, domain.TimelineEntry{At: at(time.Duration(i) * 5 * time.Minute), Kind: domain.KindNote, Text: fmt.Sprintf("Step %d of the response.", i)})
	}
	for i := range 4 {
		r.ActionItems = append(r.ActionItems, domain.ActionItem{Title: fmt.Sprintf("Preventive measure %d", i), Owner: "team-platform"})
	}
	r.Normalize()
	return r
}
