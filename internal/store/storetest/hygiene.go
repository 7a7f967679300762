package storetest

// Contract cases of area "hygiene" (issue 10 findings 2 and 13, and "all
// validation lives in the domain"): both stores refuse the same inputs, with
// a *domain.ValidationError naming the field, and store nothing of them.

import (
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/domain/domaintest"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// testLimits: an RCA at every limit is stored and read back whole; one over
// any limit is refused by create, update and section save alike.
func testLimits(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	big := domaintest.RCAAtLimits(base, 64)
	must(t, s.CreateRCA(ctx, &big, "u-author"), "CreateRCA at every limit")
	got, err := s.GetRCA(ctx, big.ID)
	must(t, err, "GetRCA at every limit")
	if len(got.Sections) != domain.MaxSections || len(got.Timeline) != domain.MaxTimelineEntries ||
		len(got.ActionItems) != domain.MaxActionItems || len(got.Translations) != domain.MaxTranslations || got.TextBytes() != big.TextBytes() {
		t.Fatalf("the RCA at the limits did not round-trip: %d sections, %d entries, %d items, %d translations, %d bytes",
			len(got.Sections), len(got.Timeline), len(got.ActionItems), len(got.Translations), got.TextBytes())
	}

	over := map[string]func(r *domain.RCA){
		"sections": func(r *domain.RCA) {
			for i := range domain.MaxSections + 1 {
				r.Sections = append(r.Sections, domain.Section{Key: "k" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i), Visibility: domain.External, Revision: 1})
			}
		},
		"timeline": func(r *domain.RCA) {
			for range domain.MaxTimelineEntries + 1 {
				r.Timeline = append(r.Timeline, domain.TimelineEntry{At: at(0), Kind: domain.KindNote, Text: "x", Visibility: domain.External})
			}
		},
		"action_items": func(r *domain.RCA) {
			for range domain.MaxActionItems + 1 {
				r.ActionItems = append(r.ActionItems, domain.ActionItem{Title: "x", State: domain.ActionOpen, Visibility: domain.External})
			}
		},
		"translations": func(r *domain.RCA) {
			r.Translations = map[string]domain.RCATranslation{}
			for _, tag := range []string{"de", "fr", "es", "pt-BR", "it", "nl", "pl", "sv", "da", "fi", "nb",
				"cs", "sk", "hu", "ro", "el", "tr", "ja", "ko", "zh", "ga"} {
				r.Translations[tag] = domain.RCATranslation{Title: "x"}
			}
		},
		"rca": func(r *domain.RCA) { // the text as a whole: 11 bodies just under the per-section limit
			for i := range r.Sections {
				r.Sections[i].Body = strings.Repeat("y", domain.MaxBodyLen)
			}
			for len(r.Sections) < 11 {
				r.Sections = append(r.Sections, domain.Section{Key: "extra" + itoa(len(r.Sections)), Body: strings.Repeat("y", domain.MaxBodyLen), Visibility: domain.External, Revision: 1})
			}
		},
		"title": func(r *domain.RCA) { r.Title = strings.Repeat("é", domain.MaxTitleRunes+1) },
	}
	for field, edit := range over {
		r := newRCA(t, "Over "+field)
		edit(&r)
		r.Normalize()
		wantInvalid(t, s.CreateRCA(ctx, &r, "u-author"), field, "CreateRCA over the limit of "+field)

		stored := createRCA(t, s, "Update over "+field)
		next := stored
		edit(&next)
		next.Normalize()
		wantInvalid(t, s.UpdateRCA(ctx, &next, "u-author", ""), field, "UpdateRCA over the limit of "+field)
		if again, _ := s.GetRCA(ctx, stored.ID); again.Version != stored.Version {
			t.Fatalf("an UpdateRCA over the limit of %s changed the RCA", field)
		}
	}
	if _, total, _ := s.ListRCAs(ctx, store.RCAFilter{}); total != 1+len(over) {
		t.Fatalf("RCAs over a limit were stored: %d RCAs, want %d", total, 1+len(over))
	}

	// An incident's text is bounded too (MongoDB alone refused one over 16 MiB).
	in := newIncident("Long story", at(0))
	for i := range 11 {
		in.Updates = append(in.Updates, domain.IncidentUpdate{Status: domain.UpdateProgress, Body: strings.Repeat("u", domain.MaxBodyLen), At: at(time.Duration(i) * time.Minute)})
	}
	wantInvalid(t, s.CreateIncident(ctx, &in), "incident", "CreateIncident over the text limit")
	if _, total, _ := s.ListIncidents(ctx, store.IncidentFilter{}); total != 0 {
		t.Fatalf("an incident over the text limit was stored")
	}

	// Section saves add up: a save that would pass the whole text limit is refused.
	full := got // the RCA at the limits, as stored
	sec := full.Sections[5]
	room := domain.MaxRCATextBytes - full.TextBytes() - len("u-author") // the save records its author
	_, err = s.SaveSection(ctx, full.ID, sec.Key, domain.SectionEdit{Body: sec.Body + strings.Repeat("w", room+1), BaseRevision: sec.Revision}, "u-author")
	wantInvalid(t, err, "rca", "SaveSection past the text limit")
	_, err = s.SaveSection(ctx, full.ID, sec.Key, domain.SectionEdit{Body: sec.Body + strings.Repeat("w", room), BaseRevision: sec.Revision}, "u-author")
	must(t, err, "SaveSection up to the text limit")
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// testHygiene: NUL bytes, bidi controls in titles and the "Local" zone are
// refused by both stores, and so is every record the MongoDB store alone
// used to check.
func testHygiene(t *testing.T, open Opener) {
	s := open(t)
	ctx := ctxOf(t)

	r := newRCA(t, "NUL \x00 title")
	wantInvalid(t, s.CreateRCA(ctx, &r, "u"), "title", "CreateRCA with a NUL in the title")
	r = newRCA(t, "Outage \u202Etxt.exe")
	wantInvalid(t, s.CreateRCA(ctx, &r, "u"), "title", "CreateRCA with a bidi override in the title")
	r = newRCA(t, "Tags")
	r.Tags = []string{"db\x00"}
	wantInvalid(t, s.CreateRCA(ctx, &r, "u"), "tags[0]", "CreateRCA with a NUL in a tag")
	r = newRCA(t, "Timeline keys")
	r.Timeline = []domain.TimelineEntry{{At: at(0), Kind: domain.KindNote, Text: "x", Visibility: domain.External, Translations: map[string]string{"a.b": "x"}}}
	r.Normalize()
	wantInvalid(t, s.CreateRCA(ctx, &r, "u"), "timeline[0].translations", "CreateRCA with a timeline translation key that is no tag")
	ok := createRCA(t, s, "Valid")
	_, err := s.SaveSection(ctx, ok.ID, "summary", domain.SectionEdit{Body: "a\x00b", BaseRevision: 1}, "u")
	wantInvalid(t, err, "body", "SaveSection with a NUL")
	if _, total, _ := s.ListRCAs(ctx, store.RCAFilter{}); total != 1 {
		t.Fatalf("invalid RCAs were stored: %d", total)
	}

	in := newIncident("API \u2066down\u2069", at(0))
	wantInvalid(t, s.CreateIncident(ctx, &in), "title", "CreateIncident with bidi isolates in the title")
	in = newIncident("API down", at(0))
	in.Updates = []domain.IncidentUpdate{{Status: domain.UpdateProgress, Body: "fixed\x00", At: at(time.Minute)}}
	wantInvalid(t, s.CreateIncident(ctx, &in), "updates[0].body", "CreateIncident with a NUL in an update")
	wantInvalid(t, s.CreateComponent(ctx, &domain.Component{Name: "API\x00"}), "name", "CreateComponent with a NUL")

	u := domain.User{Email: "tz@example.com", Role: domain.RoleViewer, TimeZone: "Local"}
	wantInvalid(t, s.CreateUser(ctx, &u), "time_zone", "CreateUser with the zone Local")

	// Records the MongoDB store alone checked before.
	wantInvalid(t, s.AddComment(ctx, &domain.Comment{RCAID: ok.ID, AuthorID: "u", Body: "  "}), "body", "AddComment without a body")
	wantInvalid(t, s.AddComment(ctx, &domain.Comment{RCAID: ok.ID, AuthorID: "u", Body: strings.Repeat("x", domain.MaxBodyLen+1)}), "body", "AddComment over the limit")
	wantInvalid(t, s.AddComment(ctx, &domain.Comment{RCAID: ok.ID, AuthorID: "u", Body: "a\x00"}), "body", "AddComment with a NUL")
	if cs, _ := s.ListComments(ctx, ok.ID); len(cs) != 0 {
		t.Fatalf("invalid comments were stored: %d", len(cs))
	}
	wantInvalid(t, s.AppendAudit(ctx, &domain.AuditEvent{Actor: "u"}), "action", "AppendAudit without an action")
	if _, n, _ := s.ListAudit(ctx, store.AuditFilter{}); n != 0 {
		t.Fatalf("invalid audit events were stored: %d", n)
	}
	wantInvalid(t, s.CreateTarget(ctx, &domain.Target{Kind: domain.TargetWebhook, URL: "https://example.com/h"}), "name", "CreateTarget without a name")
	wantInvalid(t, s.CreateTarget(ctx, &domain.Target{Name: "x", Kind: "pigeon"}), "kind", "CreateTarget of an unknown kind")
	if ts, _ := s.ListTargets(ctx); len(ts) != 0 {
		t.Fatalf("invalid targets were stored: %d", len(ts))
	}
	tg := domain.Target{Name: "hook", Kind: domain.TargetWebhook, URL: "https://example.com/h"}
	must(t, s.CreateTarget(ctx, &tg), "CreateTarget")
	badTg := tg
	badTg.Kind = "pigeon"
	wantInvalid(t, s.UpdateTarget(ctx, &badTg), "kind", "UpdateTarget to an unknown kind")
	wantInvalid(t, s.CreateDelivery(ctx, &domain.Delivery{RCAID: ok.ID, State: domain.DeliveryPending, NextAttemptAt: at(0)}), "target_id", "CreateDelivery without a target")
	wantInvalid(t, s.CreateDelivery(ctx, &domain.Delivery{TargetID: tg.ID, RCAID: ok.ID, State: "lost", NextAttemptAt: at(0)}), "state", "CreateDelivery in an unknown state")
	if ds, _ := s.ListDeliveries(ctx, ok.ID); len(ds) != 0 {
		t.Fatalf("invalid deliveries were stored: %d", len(ds))
	}
	d := domain.Delivery{TargetID: tg.ID, RCAID: ok.ID, State: domain.DeliveryPending, NextAttemptAt: at(0)}
	must(t, s.CreateDelivery(ctx, &d), "CreateDelivery")
	badD := d
	badD.State = "lost"
	wantInvalid(t, s.UpdateDelivery(ctx, &badD), "state", "UpdateDelivery to an unknown state")
	ghost := badD
	ghost.ID = "no-such-delivery"
	wantErr(t, s.UpdateDelivery(ctx, &ghost), store.ErrNotFound, "UpdateDelivery of an unknown, invalid delivery")

	wantInvalid(t, s.CreateToken(ctx, &domain.APIToken{UserID: "u", Scope: domain.ScopeRead}), "hash", "CreateToken without a hash")
	wantInvalid(t, s.CreateToken(ctx, &domain.APIToken{UserID: "u", Hash: "h1", Scope: "root"}), "scope", "CreateToken of an unknown scope")
	wantInvalid(t, s.CreateToken(ctx, &domain.APIToken{UserID: "u", Hash: "h2", Scope: domain.ScopeRead, Name: strings.Repeat("n", domain.MaxNameLen+1)}), "name", "CreateToken with a long name")
	if ts, _ := s.ListTokens(ctx, "u"); len(ts) != 0 {
		t.Fatalf("invalid tokens were stored: %d", len(ts))
	}
	wantInvalid(t, s.CreateSession(ctx, &domain.Session{UserID: "u", ExpiresAt: at(time.Hour)}), "id", "CreateSession without an id")
	wantInvalid(t, s.CreateSession(ctx, &domain.Session{ID: "s1", ExpiresAt: at(time.Hour)}), "user_id", "CreateSession without a user")
	if _, err := s.GetSession(ctx, "s1"); err == nil {
		t.Fatal("an invalid session was stored")
	}
	wantInvalid(t, s.PutSetting(ctx, " ", []byte("x")), "key", "PutSetting without a key")
}
