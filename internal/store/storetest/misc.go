package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// unicodeTexts are strings that break naive storage: emoji outside the BMP
// (with joiners and skin tones), CJK, right-to-left scripts, combining marks
// that must not be normalized, quotes and backslashes, and control characters.
var unicodeTexts = []string{
	"Überlast im Rechenzentrum – Zeitüberschreitung beim Zustellen",
	"部分的なサービス障害 (テンプレート API)",
	"انقطاع جزئي في الخدمة",
	"שיבוש חלקי בשירות",
	"👩🏽‍💻 fixed it 🚨🔥✅ 🇩🇪",
	"café (precomposed) vs cafe\u0301 (combining)",
	"quotes \" ' ` and backslash \\ and \\u0000 as text",
	"tab\tnewline\ncarriage\r\nend",
	"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters, 𠜎 CJK extension B",
}

func testUnicode(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	r := newRCA(t, unicodeTexts[4]+" "+unicodeTexts[0])
	for i := range r.Sections {
		r.Sections[i].Body = unicodeTexts[i%len(unicodeTexts)]
	}
	r.Tags = []string{"Überlast", "障害"}
	r.AffectedServices = []string{"API 🚀"}
	r.Timeline = []domain.TimelineEntry{{At: at(0), Kind: domain.KindDetected, Text: unicodeTexts[2], Translations: map[string]string{"he": unicodeTexts[3]}}}
	r.Translations = map[string]domain.RCATranslation{"ja": {Title: unicodeTexts[1]}}
	r.Normalize()
	must(t, s.CreateRCA(ctx, &r, "u-✍️"), "CreateRCA unicode")
	got, err := s.GetRCA(ctx, r.ID)
	must(t, err, "GetRCA")
	wantEqual(t, "unicode RCA", got, r)
	for i := range r.Sections {
		if got.Sections[i].Body != r.Sections[i].Body {
			t.Fatalf("section %d body changed: %q, want %q", i, got.Sections[i].Body, r.Sections[i].Body)
		}
	}
	// Unicode slugs fold to ASCII.
	bySlug, err := s.GetRCABySlug(ctx, r.Slug)
	must(t, err, "GetRCABySlug unicode title")
	if bySlug.ID != r.ID {
		t.Fatal("GetRCABySlug found another RCA")
	}
	saved, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: strings.Join(unicodeTexts, "\n\n"), BaseRevision: 1}, "u-✍️")
	must(t, err, "SaveSection unicode")
	got, _ = s.GetRCA(ctx, r.ID)
	if got.Section("summary").Body != strings.Join(unicodeTexts, "\n\n") || saved.Section("summary").Body != got.Section("summary").Body {
		t.Fatal("unicode section body did not round-trip")
	}
	infos, _ := s.ListRevisions(ctx, r.ID)
	if len(infos) == 0 || infos[0].Author != "u-✍️" {
		t.Fatalf("unicode author did not round-trip: %+v", infos)
	}
	list, _, err := s.ListRCAs(ctx, store.RCAFilter{Tag: "障害"})
	must(t, err, "ListRCAs unicode tag")
	wantIDs(t, "ListRCAs unicode tag", list, rcaID, r.ID)
	list, _, _ = s.ListRCAs(ctx, store.RCAFilter{Service: "API 🚀"})
	wantIDs(t, "ListRCAs unicode service", list, rcaID, r.ID)
	list, _, _ = s.ListRCAs(ctx, store.RCAFilter{Query: "テンプレート"})
	wantIDs(t, "ListRCAs unicode query", list, rcaID, r.ID)

	// A body near the size limit round-trips.
	big := strings.Repeat("Zeile mit Umlauten äöü und 🚨.\n", domain.MaxBodyLen/40)
	saved, err = s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: big, BaseRevision: 1}, "u")
	must(t, err, "SaveSection big body")
	got, _ = s.GetRCA(ctx, r.ID)
	if got.Section("impact").Body != big {
		t.Fatalf("big body: %d bytes back, want %d", len(got.Section("impact").Body), len(big))
	}

	for i, text := range unicodeTexts {
		in := newIncident(text, at(time.Duration(i)*time.Hour))
		in.Updates[0].Body = text
		must(t, s.CreateIncident(ctx, &in), fmt.Sprintf("CreateIncident unicode %d", i))
		gi, err := s.GetIncident(ctx, in.ID)
		must(t, err, "GetIncident")
		if gi.Title != text || gi.Updates[0].Body != text {
			t.Fatalf("incident text %d changed: %q", i, gi.Title)
		}
	}
	found, _, err := s.ListIncidents(ctx, store.IncidentFilter{Query: "障害"})
	must(t, err, "ListIncidents unicode query")
	if len(found) != 1 || found[0].Title != unicodeTexts[1] {
		t.Fatalf("ListIncidents unicode query: %d found", len(found))
	}

	c := domain.Component{Name: unicodeTexts[1], Group: unicodeTexts[0], Description: unicodeTexts[6], Status: domain.ComponentOperational}
	must(t, s.CreateComponent(ctx, &c), "CreateComponent unicode")
	gc, _ := s.GetComponent(ctx, c.ID)
	wantEqual(t, "unicode component", gc, c)

	u := domain.User{Email: "zoë@example.com", Name: unicodeTexts[3], Role: domain.RoleViewer}
	must(t, s.CreateUser(ctx, &u), "CreateUser unicode")
	gu, err := s.GetUserByEmail(ctx, "ZOË@Example.com") // domain.NormalizeEmail lowercases Unicode too
	must(t, err, "GetUserByEmail unicode")
	if gu.Name != unicodeTexts[3] {
		t.Fatalf("unicode user name changed: %q", gu.Name)
	}

	cm := domain.Comment{RCAID: r.ID, AuthorID: "u", Body: unicodeTexts[4]}
	must(t, s.AddComment(ctx, &cm), "AddComment unicode")
	cms, _ := s.ListComments(ctx, r.ID)
	if len(cms) != 1 || cms[0].Body != unicodeTexts[4] {
		t.Fatal("unicode comment did not round-trip")
	}

	e := domain.AuditEvent{Actor: "u", Action: "rca.section", Target: "rca:" + r.ID, Detail: map[string]string{"title": unicodeTexts[5], "ключ": unicodeTexts[8]}}
	must(t, s.AppendAudit(ctx, &e), "AppendAudit unicode")
	evs, _, _ := s.ListAudit(ctx, store.AuditFilter{Target: "rca:" + r.ID})
	if len(evs) != 1 {
		t.Fatalf("ListAudit: %d events", len(evs))
	}
	wantEqual(t, "unicode audit detail", evs[0].Detail, e.Detail)
}

func testTimes(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	berlin := time.FixedZone("CET", 3600)
	kolkata := time.FixedZone("IST", 5*3600+1800)
	newYork := time.FixedZone("EST", -5*3600)
	start := time.Date(2026, 1, 31, 23, 45, 12, 123_456_789, kolkata) // another UTC day
	in := newIncident("Times", start)
	in.StartedAt = start
	in.ResolvedAt = ptr(start.Add(90 * time.Minute).In(newYork))
	in.Updates[0].At = start.Add(time.Minute).In(berlin)
	must(t, s.CreateIncident(ctx, &in), "CreateIncident")
	got, err := s.GetIncident(ctx, in.ID)
	must(t, err, "GetIncident")
	for _, c := range []struct {
		name      string
		got, want time.Time
	}{
		{"StartedAt", got.StartedAt, start},
		{"ResolvedAt", *got.ResolvedAt, start.Add(90 * time.Minute)},
		{"Updates[0].At", got.Updates[0].At, start.Add(time.Minute)},
		{"Components[0].From", *got.Components[0].From, start},
	} {
		wantUTC(t, c.name, c.got)
		sameInstant(t, c.name, c.got, c.want)
	}
	// Filters compare instants, not wall clocks: the incident started at
	// 18:15:12 UTC on Jan 31 although it was Feb 1 in Kolkata.
	list, _, err := s.ListIncidents(ctx, store.IncidentFilter{Since: ptr(time.Date(2026, 1, 31, 18, 15, 12, 0, time.UTC)), Until: ptr(time.Date(2026, 2, 1, 0, 0, 0, 0, berlin))})
	must(t, err, "ListIncidents by instant")
	wantIDs(t, "ListIncidents by instant", list, incidentID, in.ID)

	r := newRCA(t, "Times")
	// A calendar day stays that day whoever reads it (metrics area).
	r.IncidentDate = ptr(domain.NewDate(2026, 1, 31))
	r.Timeline = []domain.TimelineEntry{{ID: "t1", At: start.In(berlin), Kind: domain.KindDetected, Text: "x", Visibility: domain.External}}
	r.CreatedAt = time.Date(1999, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
	r.UpdatedAt = r.CreatedAt
	due := domain.NewDate(2100, 2, 28)
	r.ActionItems = []domain.ActionItem{{ID: "a1", Title: "Far future", Due: &due, State: domain.ActionOpen, Visibility: domain.External}}
	must(t, s.CreateRCA(ctx, &r, "u"), "CreateRCA")
	gr, err := s.GetRCA(ctx, r.ID)
	must(t, err, "GetRCA")
	if *gr.IncidentDate != domain.NewDate(2026, 1, 31) {
		t.Errorf("IncidentDate = %v, want 2026-01-31", *gr.IncidentDate)
	}
	wantUTC(t, "Timeline[0].At", gr.Timeline[0].At)
	sameInstant(t, "Timeline[0].At", gr.Timeline[0].At, start)
	sameInstant(t, "CreatedAt 1999", gr.CreatedAt, r.CreatedAt)
	if *gr.ActionItems[0].Due != due {
		t.Errorf("Due = %v, want %v", *gr.ActionItems[0].Due, due)
	}
	// Date filters compare the day's start in UTC.
	dayStart := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	rs, _, err := s.ListRCAs(ctx, store.RCAFilter{Since: ptr(dayStart), Until: ptr(dayStart.Add(time.Second))})
	must(t, err, "ListRCAs by incident date")
	wantIDs(t, "ListRCAs by incident date", rs, rcaID, r.ID)

	// Pointer times that were nil stay nil.
	if gr.PublishedAt != nil {
		t.Fatal("PublishedAt became non-nil")
	}
}

func testConcurrentSections(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	t.Run("different sections all succeed", func(t *testing.T) {
		r := createRCA(t, s, "Concurrent co-authors")
		n := len(r.Sections)
		var wg sync.WaitGroup
		errs := make([]error, n)
		startGun := make(chan struct{})
		for i, sec := range r.Sections {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-startGun
				_, errs[i] = s.SaveSection(ctx, r.ID, sec.Key, domain.SectionEdit{Body: "written by author " + sec.Key, BaseRevision: 1}, "u-"+sec.Key)
			}()
		}
		close(startGun)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("save of section %s failed: %v", r.Sections[i].Key, err)
			}
		}
		got, err := s.GetRCA(ctx, r.ID)
		must(t, err, "GetRCA")
		if got.Version != int64(1+n) {
			t.Fatalf("version %d after %d concurrent saves, want %d", got.Version, n, 1+n)
		}
		for _, sec := range got.Sections {
			if sec.Body != "written by author "+sec.Key || sec.Revision != 2 {
				t.Errorf("section %s: body %q revision %d", sec.Key, sec.Body, sec.Revision)
			}
		}
		infos, err := s.ListRevisions(ctx, r.ID)
		must(t, err, "ListRevisions")
		if len(infos) != 1+n {
			t.Fatalf("%d revisions, want %d", len(infos), 1+n)
		}
		for i, in := range infos {
			if in.Version != int64(1+n-i) {
				t.Fatalf("revision %d has version %d, want %d", i, in.Version, 1+n-i)
			}
		}
		// Each revision's snapshot holds exactly the sections saved up to it.
		for v := int64(2); v <= int64(1+n); v++ {
			rev, err := s.GetRevision(ctx, r.ID, v)
			must(t, err, "GetRevision")
			written := 0
			for _, sec := range rev.Snapshot.Sections {
				if sec.Body != "" {
					written++
				}
			}
			if written != int(v-1) {
				t.Fatalf("snapshot %d has %d written sections, want %d", v, written, v-1)
			}
		}
	})

	t.Run("same section exactly one wins", func(t *testing.T) {
		r := createRCA(t, s, "Concurrent same section")
		const m = 8
		var wg sync.WaitGroup
		errs := make([]error, m)
		startGun := make(chan struct{})
		for i := range m {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-startGun
				_, errs[i] = s.SaveSection(ctx, r.ID, "root_cause", domain.SectionEdit{Body: fmt.Sprintf("version by writer %d", i), BaseRevision: 1}, fmt.Sprintf("u-%d", i))
			}()
		}
		close(startGun)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Fatalf("writers %d and %d both saved from the same base", winner, i)
				}
				winner = i
			case errors.Is(err, store.ErrConflict):
				var ce *store.ConflictError
				if !errors.As(err, &ce) {
					t.Errorf("writer %d: %T is not a *store.ConflictError", i, err)
				}
			default:
				t.Errorf("writer %d: unexpected error %v", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("no writer succeeded")
		}
		got, _ := s.GetRCA(ctx, r.ID)
		if got.Version != 2 || got.Section("root_cause").Body != fmt.Sprintf("version by writer %d", winner) {
			t.Fatalf("after the race: version %d, body %q, winner %d", got.Version, got.Section("root_cause").Body, winner)
		}
	})

	t.Run("creates with one title get distinct slugs", func(t *testing.T) {
		const m = 6
		var wg sync.WaitGroup
		slugs := make([]string, m)
		errs := make([]error, m)
		startGun := make(chan struct{})
		for i := range m {
			wg.Add(1)
			r := newRCA(t, "Same title race")
			go func() {
				defer wg.Done()
				<-startGun
				errs[i] = s.CreateRCA(ctx, &r, "u")
				slugs[i] = r.Slug
			}()
		}
		close(startGun)
		wg.Wait()
		seen := map[string]bool{}
		for i, err := range errs {
			must(t, err, fmt.Sprintf("concurrent CreateRCA %d", i))
			if seen[slugs[i]] {
				t.Fatalf("two concurrent creates got slug %q", slugs[i])
			}
			seen[slugs[i]] = true
			if _, err := s.GetRCABySlug(ctx, slugs[i]); err != nil {
				t.Fatalf("GetRCABySlug %q: %v", slugs[i], err)
			}
		}
		for n := 2; n <= m; n++ {
			if !seen[fmt.Sprintf("same-title-race-%d", n)] {
				t.Fatalf("slugs %v: want same-title-race and -2 … -%d", slugs, m)
			}
		}
	})

	t.Run("whole updates from one version exactly one wins", func(t *testing.T) {
		r := createRCA(t, s, "Concurrent whole updates")
		const m = 6
		var wg sync.WaitGroup
		errs := make([]error, m)
		startGun := make(chan struct{})
		for i := range m {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := r
				c.Title = fmt.Sprintf("title %d", i)
				<-startGun
				errs[i] = s.UpdateRCA(ctx, &c, "u", "race")
			}()
		}
		close(startGun)
		wg.Wait()
		wins := 0
		for i, err := range errs {
			if err == nil {
				wins++
			} else if !errors.Is(err, store.ErrConflict) {
				t.Errorf("writer %d: unexpected error %v", i, err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d concurrent UpdateRCA calls from one version succeeded, want 1", wins)
		}
	})
}

func testCancelledContext(t *testing.T, open Opener) {
	s := open(t)
	ctx, cancel := context.WithCancel(ctxOf(t))
	cancel()

	r := newRCA(t, "Never stored")
	if err := s.CreateRCA(ctx, &r, "u"); err == nil {
		t.Fatal("CreateRCA with a cancelled context succeeded")
	}
	if _, err := s.GetRCA(ctx, "x"); err == nil || errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetRCA with a cancelled context: %v, want a context error", err)
	}
	if _, _, err := s.ListRCAs(ctx, store.RCAFilter{}); err == nil {
		t.Fatal("ListRCAs with a cancelled context succeeded")
	}
	list, total, err := s.ListRCAs(ctxOf(t), store.RCAFilter{})
	must(t, err, "ListRCAs")
	if total != 0 || len(list) != 0 {
		t.Fatalf("a cancelled CreateRCA stored %d RCAs", total)
	}
}

func testClosed(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)
	r := createRCA(t, s, "Before close")
	must(t, s.Close(), "Close")

	wantErr(t, s.Ping(ctx), store.ErrUnavailable, "Ping after Close")
	_, err := s.GetRCA(ctx, r.ID)
	wantErr(t, err, store.ErrUnavailable, "GetRCA after Close")
	in := newIncident("After close", at(0))
	wantErr(t, s.CreateIncident(ctx, &in), store.ErrUnavailable, "CreateIncident after Close")
	_, err = s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "x", BaseRevision: 1}, "u")
	wantErr(t, err, store.ErrUnavailable, "SaveSection after Close")
}
