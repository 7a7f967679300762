package storetest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// prose is n bytes of varied incident-report text from a fixed seed.
func prose(r *rand.Rand, n int) string {
	words := strings.Fields(`the cache replica failover database primary elected timeout connection pool
		saturated requests queued latency rose partner API returned errors engineers paged rollback
		configuration component release missing upstream provider rate limit mitigation deployed
		monitoring recovered customers affected region traffic shifted alert fired dashboard we our
		after before during because which while until between minutes hours about several`)
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		switch r.IntN(14) {
		case 0:
			fmt.Fprintf(&b, " at %02d:%02d UTC. ", r.IntN(24), r.IntN(60))
		case 1:
			b.WriteString(". ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// AutosaveRCA creates an RCA of about 45 KB of text (sections, timeline,
// action items) for storage measurements.
func AutosaveRCA(t testing.TB, s store.Store) domain.RCA {
	t.Helper()
	r := newRCA(t, "Checkout latency during the database failover")
	rnd := rand.New(rand.NewPCG(42, 1))
	for i := range r.Sections {
		r.Sections[i].Body = prose(rnd, 6000)
	}
	for i := range 40 {
		r.Timeline = append(r.Timeline, domain.TimelineEntry{At: base.Add(time.Duration(i) * time.Minute), Kind: domain.KindNote, Text: prose(rnd, 120)})
	}
	for range 12 {
		r.ActionItems = append(r.ActionItems, domain.ActionItem{Title: prose(rnd, 60), Owner: "sre"})
	}
	must(t, s.CreateRCA(ctxOf(t), &r, "u-creator"), "CreateRCA")
	return r
}

// Autosave makes n section saves of r as an editor does while someone
// types: every save adds a few words to one section. authors take turns
// save by save (one author: every save coalesces within 10 minutes; two:
// none does), every sectionEvery saves the section changes, and the saves
// are gap apart on the store's clock (clock may be nil: real time).
func Autosave(t testing.TB, s store.Store, r domain.RCA, n int, authors []string, sectionEvery int, gap time.Duration, clock func(time.Time)) {
	t.Helper()
	ctx := ctxOf(t)
	rnd := rand.New(rand.NewPCG(7, 7))
	keys := make([]string, 0, len(r.Sections))
	for _, sec := range r.Sections {
		keys = append(keys, sec.Key)
	}
	cur, err := s.GetRCA(ctx, r.ID)
	must(t, err, "GetRCA")
	at := time.Now().UTC()
	for i := range n {
		if clock != nil {
			clock(at)
			at = at.Add(gap)
		}
		key := keys[(i/sectionEvery)%len(keys)]
		sec := cur.Section(key)
		body := sec.Body + " " + prose(rnd, 40)
		got, err := s.SaveSection(ctx, r.ID, key, domain.SectionEdit{Body: body, Visibility: sec.Visibility, BaseRevision: sec.Revision}, authors[i%len(authors)])
		must(t, err, "SaveSection")
		cur = got
	}
}

// BenchAutosave measures one section save of a 45 KB RCA, two authors
// taking turns (no save coalesces: the most revision work per save).
func BenchAutosave(b *testing.B, s store.Store) {
	r := AutosaveRCA(b, s)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		Autosave(b, s, r, 1, []string{fmt.Sprintf("u-%d", n%2)}, 1, 0, nil)
		n++
	}
}
