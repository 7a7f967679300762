package storecopy

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

func openSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// seed fills a store with one of everything, and RCAs with a history of
// several authors, coalesced autosaves and a publish.
func seed(t *testing.T, s *sqlite.Store, rcas int) {
	t.Helper()
	ctx := context.Background()
	clock := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return clock })
	u := domain.User{Email: "ana@example.com", Name: "Ana", Role: domain.RoleAdmin, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"}
	must(t, s.CreateUser(ctx, &u))
	must(t, s.CreateToken(ctx, &domain.APIToken{UserID: u.ID, Name: "ci", Hash: "ab12", Scope: domain.ScopeAdmin}))
	cp := domain.Component{Name: "API", Status: domain.ComponentPartialOutage}
	must(t, s.CreateComponent(ctx, &cp))
	cp.Status = domain.ComponentOperational
	must(t, s.UpdateComponent(ctx, &cp)) // version 2: the copy keeps it
	tg := domain.Target{Name: "hook", Kind: domain.TargetWebhook, URL: "https://hooks.example.com/x", Secret: "whsec_secret", Enabled: true}
	must(t, s.CreateTarget(ctx, &tg))
	must(t, s.PutSetting(ctx, "status.name", []byte(`"Acme status"`)))
	// tmpl area: a custom template at version 2, retired, and an edited built-in factor.
	ct := domain.Template{Key: "short", Name: "Short", Sections: []domain.SectionDef{{Key: "summary", Title: "Summary", Required: true,
		Translations: map[string]domain.SectionDefTranslation{"de": {Title: "Zusammenfassung"}}}}}
	must(t, s.CreateTemplate(ctx, &ct))
	ct.Retired = true
	must(t, s.UpdateTemplate(ctx, &ct))
	fc, _ := domain.BuiltinFactor(domain.FactorDeploy)
	fc.Name = "Release"
	must(t, s.CreateFactor(ctx, &fc))
	// subs: a confirmed subscriber whose links must survive the copy.
	must(t, s.CreateSubscriber(ctx, &domain.Subscriber{Kind: domain.SubscriberEmail, Email: "reader@example.com",
		Language: "de", Components: []string{cp.ID}, Confirmed: true, Token: "tok-reader"}))
	must(t, s.Claim(ctx, "hook:github", "72d3162e-cc78-11e3-81ab-4c9367dc0958", time.Now())) // actions: a handled delivery
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	for i := range rcas {
		in := domain.Incident{Title: fmt.Sprintf("Outage %d", i), Impact: domain.ImpactMajor, Status: domain.StatusResolved, StartedAt: clock.Add(-time.Hour)}
		must(t, s.CreateIncident(ctx, &in))
		r := domain.NewRCA(fmt.Sprintf("Outage %d", i), tpl, "en", []string{in.ID}, u.ID, clock)
		r.ContributingFactors = []string{domain.FactorDeploy, domain.FactorCapacity}
		must(t, s.CreateRCA(ctx, &r, u.ID))
		for j, who := range []string{"u-ana", "u-ana", "u-ben", "u-ana"} {
			clock = clock.Add(time.Minute)
			cur, err := s.GetRCA(ctx, r.ID)
			must(t, err)
			_, err = s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: fmt.Sprintf("draft %d by %s", j, who), BaseRevision: cur.Section("summary").Revision}, who)
			must(t, err)
		}
		cur, _ := s.GetRCA(ctx, r.ID)
		cur.State = domain.StatePublished
		_, err := s.PublishRCA(ctx, &cur, u.ID, "state published", []domain.Delivery{{TargetID: tg.ID, Event: "rca.published"}})
		must(t, err)
		must(t, s.AddComment(ctx, &domain.Comment{RCAID: r.ID, AuthorID: u.ID, Body: "Numbers?"}))
		must(t, s.PutAttachment(ctx, &domain.Attachment{RCAID: r.ID, ContentType: "image/png", Name: "graph.png", Width: 2, Height: 1, CreatedBy: u.ID},
			[]byte(fmt.Sprintf("\x89PNG bytes of rca %d", i)))) // images
		must(t, s.AppendAudit(ctx, &domain.AuditEvent{Actor: u.ID, Action: "rca.publish", Target: "rca:" + r.ID}))
	}
}

// TestCopyBothWays copies SQLite → MongoDB (the in-process FerretDB) →
// SQLite, with revision histories, and checks each copy; refuses a
// non-empty target; and finishes a copy that was interrupted.
func TestCopyBothWays(t *testing.T) {
	ctx := context.Background()
	a := openSQLite(t)
	seed(t, a, 4)
	b, err := mongo.Open(ctx, mongotest.Start(t))
	must(t, err)
	t.Cleanup(func() { _ = b.Close() })

	rep, err := Copy(ctx, a, b, Options{})
	must(t, err)
	t.Logf("sqlite → mongo:\n%s", rep)
	for kind, want := range map[string]int{"users": 1, "tokens": 1, "components": 1, "incidents": 4, "rcas": 4, "comments": 4,
		"deliveries": 4, "audit events": 4, "targets": 1, "settings": 1, "templates": 1, "factors": 1, "subscribers": 1, "claims": 1} {
		if c := rep[kind]; c == nil || c.Source != want || c.Copied != want {
			t.Errorf("%s: %+v, want %d copied", kind, c, want)
		}
	}
	if c := rep["revisions"]; c.Copied != 4*5 { // created, ana's two saves folded into one, ben, ana, published
		t.Errorf("revisions copied %d, want 20", c.Copied)
	}
	must(t, Verify(ctx, a, b, rep, 0))

	// A second copy into the same target is refused; with Merge it adds nothing.
	if _, err := Copy(ctx, a, b, Options{}); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("copy into a non-empty target: %v, want ErrNotEmpty", err)
	}
	rep, err = Copy(ctx, a, b, Options{Merge: true})
	must(t, err)
	if rep["rcas"].Copied != 0 || rep["rcas"].Present != 4 || rep["users"].Present != 1 {
		t.Fatalf("merge copied again: %s", rep)
	}

	// Back to SQLite, interrupted after two RCAs, then run again.
	c := openSQLite(t)
	stop, cancel := context.WithCancel(ctx)
	_, err = Copy(stop, b, c, Options{Progress: func(kind string, done, total int) {
		if kind == "rcas" && done == 2 {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("the interrupted copy reported success")
	}
	rep, err = Copy(ctx, b, c, Options{})
	must(t, err)
	t.Logf("mongo → sqlite, second run:\n%s", rep)
	if rep["rcas"].Present != 2 || rep["rcas"].Copied != 2 {
		t.Errorf("resumed copy: rcas %+v, want 2 kept and 2 copied", rep["rcas"])
	}
	must(t, Verify(ctx, b, c, Report{}, 0))
	must(t, Verify(ctx, a, c, Report{}, 0))

	// People sign in as before: the password hash came along.
	u, err := c.GetUserByEmail(ctx, "ana@example.com")
	must(t, err)
	if u.PasswordHash == "" {
		t.Fatal("the password hash was not copied")
	}
	// A delivery handled before the copy is still refused as a replay.
	if err := c.Claim(ctx, "hook:github", "72d3162e-cc78-11e3-81ab-4c9367dc0958", time.Now()); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("claim after the round trip: %v, want ErrDuplicate", err)
	}
	tg, _ := c.ListTargets(ctx)
	if len(tg) != 1 || tg[0].Secret != "whsec_secret" {
		t.Fatalf("targets after the round trip: %+v", tg)
	}
	// tmpl area: templates and factors keep their versions and text.
	if tl, _ := c.ListTemplates(ctx); len(tl) != 1 || tl[0].Version != 2 || !tl[0].Retired || tl[0].Sections[0].Translations["de"].Title != "Zusammenfassung" {
		t.Fatalf("templates after the round trip: %+v", tl)
	}
	if fl, _ := c.ListFactors(ctx); len(fl) != 1 || fl[0].Name != "Release" || !fl[0].BuiltIn {
		t.Fatalf("factors after the round trip: %+v", fl)
	}
	if rl, _, _ := c.ListRCAs(ctx, store.RCAFilter{}); len(rl) == 0 || len(rl[0].ContributingFactors) != 2 {
		t.Fatalf("rca factors after the round trip: %+v", rl)
	}
	sub, err := c.GetSubscriberByToken(ctx, "tok-reader") // subs
	if err != nil || sub.Email != "reader@example.com" || sub.Language != "de" || !sub.Confirmed || len(sub.Components) != 1 {
		t.Fatalf("subscriber after the round trip: %+v, %v", sub, err)
	}
	cs, _ := c.ListComponents(ctx)
	if len(cs) != 1 || cs[0].Version != 2 || cs[0].Status != domain.ComponentOperational {
		t.Fatalf("components after the round trip: %+v", cs)
	}
	var _ store.Importer = c
}

// TestCopyAttachments copies image attachments SQLite → MongoDB (GridFS)
// with their ids, times and bytes, and a merge copies none twice (area
// images, issue 15).
func TestCopyAttachments(t *testing.T) {
	ctx := context.Background()
	a := openSQLite(t)
	seed(t, a, 2)
	b, err := mongo.Open(ctx, mongotest.Start(t))
	must(t, err)
	t.Cleanup(func() { _ = b.Close() })
	rep, err := Copy(ctx, a, b, Options{})
	must(t, err)
	if c := rep["attachments"]; c == nil || c.Source != 2 || c.Copied != 2 {
		t.Fatalf("attachments: %+v, want 2 copied", c)
	}
	must(t, Verify(ctx, a, b, rep, 0))
	ids, _, err := a.ListRCAs(ctx, store.RCAFilter{})
	must(t, err)
	for _, r := range ids {
		list, err := a.ListAttachments(ctx, r.ID)
		must(t, err)
		for _, at := range list {
			want, wantData, err := a.GetAttachment(ctx, at.ID)
			must(t, err)
			got, gotData, err := b.GetAttachment(ctx, at.ID)
			must(t, err)
			if string(gotData) != string(wantData) || got.RCAID != want.RCAID || !got.CreatedAt.Equal(want.CreatedAt.Truncate(time.Millisecond)) {
				t.Errorf("copied %+v (%q), want %+v (%q)", got, gotData, want, wantData)
			}
		}
	}
	rep, err = Copy(ctx, a, b, Options{Merge: true})
	must(t, err)
	if c := rep["attachments"]; c.Copied != 0 || c.Present != 2 {
		t.Fatalf("merge: attachments %+v, want 2 already there", c)
	}
}
