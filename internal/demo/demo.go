// Package demo fills an empty store with a small, realistic data set: a
// status page's components, a handful of incidents with their updates, one
// RCA per built-in template in different review states, and three users to
// sign in with. `hindsight serve --demo` uses it.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// ErrNotEmpty is returned by Seed when the store already holds data; the demo
// never mixes with real records.
var ErrNotEmpty = errors.New("demo: the store is not empty")

// Demo sign-in addresses. All three users share the generated password.
const (
	AdminEmail    = "demo-admin@example.com"
	AuthorEmail   = "demo-author@example.com"
	ReviewerEmail = "demo-reviewer@example.com"
)

// Summary says what Seed wrote and how to sign in.
type Summary struct {
	Users      int
	Components int
	Incidents  int
	RCAs       int
	Comments   int
	// Emails of the demo users (admin, author, reviewer) and their shared password.
	Emails   []string
	Password string
	// RCAIDs by built-in template key.
	RCAIDs map[string]string
}

// Empty reports whether the store holds no users, components, incidents or RCAs.
func Empty(ctx context.Context, st store.Store) (bool, error) {
	n, err := st.CountUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("demo: count users: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	comps, err := st.ListComponents(ctx)
	if err != nil {
		return false, fmt.Errorf("demo: list components: %w", err)
	}
	if len(comps) > 0 {
		return false, nil
	}
	_, nInc, err := st.ListIncidents(ctx, store.IncidentFilter{Page: store.Page{Limit: 1}})
	if err != nil {
		return false, fmt.Errorf("demo: list incidents: %w", err)
	}
	_, nRCA, err := st.ListRCAs(ctx, store.RCAFilter{Page: store.Page{Limit: 1}})
	if err != nil {
		return false, fmt.Errorf("demo: list rcas: %w", err)
	}
	return nInc == 0 && nRCA == 0, nil
}

// Present reports whether the store holds the demo set (its admin user).
func Present(ctx context.Context, st store.Store) (bool, error) {
	_, err := st.GetUserByEmail(ctx, AdminEmail)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("demo: find demo admin: %w", err)
	}
	return true, nil
}

// Seed writes the demo set into an empty store, with times relative to now,
// and returns what it wrote. It returns ErrNotEmpty, writing nothing, when
// the store already holds data.
func Seed(ctx context.Context, st store.Store, now time.Time) (Summary, error) {
	empty, err := Empty(ctx, st)
	if err != nil {
		return Summary{}, err
	}
	if !empty {
		return Summary{}, ErrNotEmpty
	}
	s := &seeder{ctx: ctx, st: st, now: now.UTC(), sum: Summary{RCAIDs: map[string]string{}}}
	s.day = time.Date(s.now.Year(), s.now.Month(), s.now.Day(), 0, 0, 0, 0, time.UTC)
	steps := []func() error{s.users, s.components, s.incidents, s.rcas, s.comments}
	for _, step := range steps {
		if err := step(); err != nil {
			return s.sum, err
		}
	}
	return s.sum, nil
}

type seeder struct {
	ctx context.Context
	st  store.Store
	now time.Time
	day time.Time // midnight UTC of now
	sum Summary

	admin, author, reviewer domain.User
	comp                    map[string]string // component name -> id
	inc                     map[string]string // incident key -> id
	rca                     map[string]string // template key -> id
}

// at returns the instant daysAgo days before today at hh:mm UTC.
func (s *seeder) at(daysAgo, hh, mm int) time.Time {
	return s.day.AddDate(0, 0, -daysAgo).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
}

func ptr[T any](v T) *T { return &v }

func (s *seeder) users() error {
	s.sum.Password = "demo-" + auth.RandomString(9)
	hash, err := auth.HashPassword(s.sum.Password)
	if err != nil {
		return fmt.Errorf("demo: hash password: %w", err)
	}
	mk := func(email, name string, role domain.Role, lang, tz string) (domain.User, error) {
		u := domain.User{Email: email, Name: name, Role: role, PasswordHash: hash, Language: lang, TimeZone: tz,
			CreatedAt: s.now, UpdatedAt: s.now, PasswordChangedAt: s.now}
		if err := u.Validate(); err != nil {
			return u, fmt.Errorf("demo: user %s: %w", email, err)
		}
		if err := s.st.CreateUser(s.ctx, &u); err != nil {
			return u, fmt.Errorf("demo: create user %s: %w", email, err)
		}
		s.sum.Users++
		s.sum.Emails = append(s.sum.Emails, email)
		return u, nil
	}
	if s.admin, err = mk(AdminEmail, "Demo Admin", domain.RoleAdmin, "en", "UTC"); err != nil {
		return err
	}
	if s.author, err = mk(AuthorEmail, "Noor Haddad", domain.RoleAuthor, "en", "Europe/Lisbon"); err != nil {
		return err
	}
	s.reviewer, err = mk(ReviewerEmail, "Jonas Weber", domain.RoleReviewer, "de", "Europe/Berlin")
	return err
}

func (s *seeder) components() error {
	s.comp = map[string]string{}
	groups := []struct {
		group string
		items [][2]string // name, description
	}{
		{"Platform", [][2]string{
			{"API", "The public REST API."},
			{"Dashboard", "The web app customers sign in to."},
			{"Webhooks", "Outgoing event deliveries to customer endpoints."},
		}},
		{"Partner integrations", [][2]string{
			{"Templates API", "Template rendering for partner integrations."},
			{"Partner Portal", "Where partners manage their keys and usage."},
		}},
		{"Notifications", [][2]string{
			{"Email", "Transactional email."},
			{"SMS", "Text messages, sent through an external SMS provider."},
		}},
	}
	for _, g := range groups {
		for i, it := range g.items {
			c := domain.Component{Name: it[0], Group: g.group, Description: it[1], Position: i,
				Status: domain.ComponentOperational, CreatedAt: s.now, UpdatedAt: s.now}
			if err := c.Validate(); err != nil {
				return fmt.Errorf("demo: component %s: %w", c.Name, err)
			}
			if err := s.st.CreateComponent(s.ctx, &c); err != nil {
				return fmt.Errorf("demo: create component %s: %w", c.Name, err)
			}
			s.comp[c.Name] = c.ID
			s.sum.Components++
		}
	}
	return nil
}

type update struct {
	status domain.UpdateStatus
	at     time.Time
	body   string
}

// incident stores one resolved incident. started is when impact began, which
// is before the first update: the page is updated once someone noticed.
func (s *seeder) incident(key, title string, impact domain.Impact, started time.Time, comps map[string]domain.ComponentStatus, ups []update) error {
	in := domain.Incident{Title: title, Impact: impact, Status: domain.StatusInvestigating, StartedAt: started}
	for name, st := range comps {
		id, ok := s.comp[name]
		if !ok {
			return fmt.Errorf("demo: incident %s: unknown component %s", key, name)
		}
		in.Components = append(in.Components, domain.AffectedComponent{ComponentID: id, Status: st,
			From: ptr(started), To: ptr(ups[len(ups)-1].at)})
	}
	for _, u := range ups {
		in.AddUpdate(domain.IncidentUpdate{Status: u.status, At: u.at, Body: u.body})
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return fmt.Errorf("demo: incident %s: %w", key, err)
	}
	if err := s.st.CreateIncident(s.ctx, &in); err != nil {
		return fmt.Errorf("demo: create incident %s: %w", key, err)
	}
	s.inc[key] = in.ID
	s.sum.Incidents++
	return nil
}

func (s *seeder) incidents() error {
	s.inc = map[string]string{}
	type C = map[string]domain.ComponentStatus
	list := []struct {
		key, title string
		impact     domain.Impact
		started    time.Time
		comps      C
		ups        []update
	}{
		{"templates-1", "Templates API partial service disruption", domain.ImpactMajor, s.at(16, 8, 14),
			C{"Templates API": domain.ComponentPartialOutage, "Partner Portal": domain.ComponentDegraded},
			[]update{
				{domain.UpdateInvestigating, s.at(16, 8, 21), "We are investigating elevated error rates on the Templates API. Some partner requests fail with HTTP 503."},
				{domain.UpdateIdentified, s.at(16, 8, 47), "The errors started with this morning's release. We are rolling the release back."},
				{domain.UpdateMonitoring, s.at(16, 9, 6), "The rollback is complete and error rates are back to normal. We are watching the service closely."},
				{domain.UpdateResolved, s.at(16, 9, 40), "The Templates API has been stable for over half an hour. This incident is resolved; a root cause analysis will follow."},
			}},
		{"templates-2", "Templates API partial service disruption (recurrence)", domain.ImpactMajor, s.at(13, 17, 2),
			C{"Templates API": domain.ComponentPartialOutage},
			[]update{
				{domain.UpdateInvestigating, s.at(13, 17, 9), "Partners are again seeing HTTP 503 errors from the Templates API. We are investigating."},
				{domain.UpdateIdentified, s.at(13, 17, 25), "This looks like a recurrence of Monday's disruption: instances added by autoscaling picked up an outdated setting. We are replacing them."},
				{domain.UpdateProgress, s.at(13, 17, 31), "Half of the affected instances have been replaced; the error rate is falling."},
				{domain.UpdateMonitoring, s.at(13, 17, 38), "All affected instances have been replaced. We are monitoring."},
				{domain.UpdateResolved, s.at(13, 18, 15), "The Templates API is operating normally. This incident is resolved."},
			}},
		{"sms", "Delayed SMS notifications", domain.ImpactMinor, s.at(6, 14, 3),
			C{"SMS": domain.ComponentDegraded},
			[]update{
				{domain.UpdateInvestigating, s.at(6, 14, 11), "Some text messages are arriving late. We are looking into it together with our SMS provider."},
				{domain.UpdateIdentified, s.at(6, 14, 29), "Our SMS provider is limiting how many messages we may send per second. Messages are queued, not lost."},
				{domain.UpdateMonitoring, s.at(6, 14, 52), "The provider has raised the limit and the queue is draining."},
				{domain.UpdateResolved, s.at(6, 15, 10), "All queued messages have been delivered. This incident is resolved."},
			}},
		{"dashboard", "Dashboard slow to load", domain.ImpactMinor, s.at(3, 10, 30),
			C{"Dashboard": domain.ComponentDegraded, "API": domain.ComponentDegraded},
			[]update{
				{domain.UpdateInvestigating, s.at(3, 10, 38), "Pages in the dashboard take much longer than usual to load. We are investigating."},
				{domain.UpdateIdentified, s.at(3, 11, 2), "A slow database query is the cause. We are adding the missing index."},
				{domain.UpdateMonitoring, s.at(3, 11, 21), "The index is in place and page load times are back to normal."},
				{domain.UpdateResolved, s.at(3, 11, 45), "This incident is resolved."},
			}},
		{"webhooks", "Webhook deliveries delayed", domain.ImpactMinor, s.at(1, 2, 5),
			C{"Webhooks": domain.ComponentDegraded},
			[]update{
				{domain.UpdateInvestigating, s.at(1, 2, 12), "Webhook deliveries are running a few minutes behind. We are investigating."},
				{domain.UpdateMonitoring, s.at(1, 2, 24), "A stuck worker was restarted and the backlog is clearing."},
				{domain.UpdateResolved, s.at(1, 2, 35), "All delayed webhooks have been delivered. This incident is resolved."},
			}},
	}
	for _, it := range list {
		if err := s.incident(it.key, it.title, it.impact, it.started, it.comps, it.ups); err != nil {
			return err
		}
	}
	return nil
}

// rcaSpec is one RCA of the demo, written in full before it is stored.
type rcaSpec struct {
	template  string
	title     string
	incidents []string
	severity  domain.Severity
	services  []string
	tags      []string
	sections  map[string]string
	internal  []string // section keys made internal beyond the template's default
	timeline  []domain.TimelineEntry
	actions   []domain.ActionItem
	states    []domain.RCAState // moves from draft, in order
	written   time.Time         // when the author wrote the sections
	translate func(r *domain.RCA)
}

func (s *seeder) rcas() error {
	s.rca = map[string]string{}
	for _, spec := range s.specs() {
		if err := s.writeRCA(spec); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) writeRCA(spec rcaSpec) error {
	tpl, ok := domain.BuiltinTemplate(spec.template)
	if !ok {
		return fmt.Errorf("demo: no built-in template %q", spec.template)
	}
	var ids []string
	for _, k := range spec.incidents {
		ids = append(ids, s.inc[k])
	}
	r := domain.NewRCA(spec.title, tpl, "en", ids, s.author.ID, spec.written)
	r.Severity = spec.severity
	r.AffectedServices = spec.services
	r.Tags = spec.tags
	r.Timeline = spec.timeline
	r.ActionItems = spec.actions
	for _, sec := range tpl.Sections {
		body, ok := spec.sections[sec.Key]
		if !ok {
			continue
		}
		if err := r.ApplySectionEdit(sec.Key, domain.SectionEdit{Body: body}, s.author.ID, spec.written); err != nil {
			return fmt.Errorf("demo: rca %s: section %s: %w", spec.template, sec.Key, err)
		}
	}
	for _, key := range spec.internal {
		if sec := r.Section(key); sec != nil {
			sec.Visibility = domain.Internal
		}
	}
	if spec.translate != nil {
		spec.translate(&r)
	}
	at := spec.written
	for _, to := range spec.states {
		at = at.Add(5 * time.Hour)
		by, role, comment := s.author.ID, domain.RoleAuthor, ""
		if to == domain.StateApproved || to == domain.StatePublished {
			by, role = s.reviewer.ID, domain.RoleReviewer
		}
		if to == domain.StateApproved {
			comment = "Clear and complete. Approved for partners."
		}
		if err := r.Transition(to, by, role, comment, at); err != nil {
			return fmt.Errorf("demo: rca %s: %w", spec.template, err)
		}
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		return fmt.Errorf("demo: rca %s: %w", spec.template, err)
	}
	if err := s.st.CreateRCA(s.ctx, &r, s.author.ID); err != nil {
		return fmt.Errorf("demo: create rca %s: %w", spec.template, err)
	}
	s.rca[spec.template] = r.ID
	s.sum.RCAIDs[spec.template] = r.ID
	s.sum.RCAs++
	return nil
}

func (s *seeder) comments() error {
	list := []domain.Comment{
		{RCAID: s.rca[domain.TemplateThirdParty], SectionKey: "cause", AuthorID: s.reviewer.ID, CreatedAt: s.at(4, 9, 15),
			Body: "Can we say how long the provider took to answer our ticket? Partners asked about it."},
		{RCAID: s.rca[domain.TemplateThirdParty], SectionKey: "prevention", AuthorID: s.reviewer.ID, CreatedAt: s.at(4, 9, 20),
			Body: "Please add a due date to the failover item before this goes out."},
		{RCAID: s.rca[domain.TemplatePartner], SectionKey: "root_cause", AuthorID: s.reviewer.ID, CreatedAt: s.at(10, 15, 0),
			Body:       "Good explanation. Maybe drop the name of the internal config service; partners cannot place it.",
			ResolvedAt: ptr(s.at(10, 16, 30))},
	}
	for _, c := range list {
		resolved := c.ResolvedAt
		c.ResolvedAt = nil
		if err := s.st.AddComment(s.ctx, &c); err != nil {
			return fmt.Errorf("demo: add comment: %w", err)
		}
		if resolved != nil {
			if err := s.st.ResolveComment(s.ctx, c.RCAID, c.ID, *resolved); err != nil {
				return fmt.Errorf("demo: resolve comment: %w", err)
			}
		}
		s.sum.Comments++
	}
	return nil
}
