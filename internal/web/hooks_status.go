package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/statuspage"
	"github.com/hindsight-rca/hindsight/internal/statuspage/importer"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/templates"
)

// statusArea is the public status page and the publishing machinery of one
// Server.
type statusArea struct {
	cat    *i18n.Catalog
	site   *statuspage.Site
	worker *publish.Worker
}

func (s *Server) status() *statusArea { return s.statusArea }

// newStatusArea builds the public status page and the publish worker. New
// calls it before the routes exist, and wraps the store once, there: every
// write the status page shows goes through the store, so the page cache
// drops stale answers at once (the TTL is a safety net).
func (s *Server) newStatusArea() (*statusArea, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	a := &statusArea{cat: cat}
	a.site, err = statuspage.NewSite(s.store, cat, templates.FS, statuspage.Config{
		Name: s.cfg.StatusPageName, BaseURL: s.cfg.BaseURL, TimeZone: s.cfg.DefaultTimeZone,
		DefaultLanguage: s.cfg.DefaultLanguage, CacheTTL: 15 * time.Second,
		Now:            func() time.Time { return s.clock() },
		SubscribeToken: s.subscribeTokenFunc(), // subs: nil without an SMTP relay
	}, s.rcaMarkdown, s.log)
	if err != nil {
		return nil, err
	}
	a.worker = publish.NewWorker(s.store, s.publishReport, s.log)
	a.worker.BaseURL = s.cfg.BaseURL
	a.worker.Now = func() time.Time { return s.clock() }
	a.worker.Mail, a.worker.Compose = s.cfg.Mail, s.composeSubscriberMail // subs
	return a, nil
}

// registerStatus adds the public status page, its Statuspage-compatible JSON
// under /api/v2, and the publish, import and target routes under /api/v1.
func (s *Server) registerStatus(r *gin.Engine, api *gin.RouterGroup) {
	a := s.status()
	if a == nil {
		return // newStatusArea failed; New reports it
	}

	// Public: no login.
	public := gin.WrapH(a.site.Handler())
	for _, p := range statuspage.Routes {
		s.handle(r, "GET", p, policy.Public, public)
		s.handle(r, "HEAD", p, policy.Public, public)
	}

	// Publishing an RCA to the status page and every enabled target.
	s.handle(api, "POST", "/rcas/:id/publish", policy.RCAPublish, s.apiRCAPublish)
	s.handle(api, "POST", "/rcas/:id/unpublish", policy.RCAUnpublish, s.apiRCAUnpublish)
	s.handle(api, "GET", "/rcas/:id/deliveries", policy.RCADeliveries, s.apiRCADeliveries)

	// Importing incidents from a Statuspage page.
	s.handle(api, "POST", "/import/statuspage", policy.ImportIncidents, s.apiImportStatuspage)
	s.setBodyLimit(http.MethodPost, "/api/v1/import/statuspage", importer.MaxDocumentSize)

	// Publish targets: admins only; secrets are write-only.
	s.handle(api, "GET", "/targets", policy.TargetManage, s.apiTargetList)
	s.handle(api, "POST", "/targets", policy.TargetManage, s.apiTargetCreate)
	s.handle(api, "GET", "/targets/:id", policy.TargetManage, s.apiTargetGet)
	s.handle(api, "PUT", "/targets/:id", policy.TargetManage, s.apiTargetUpdate)
	s.handle(api, "DELETE", "/targets/:id", policy.TargetManage, s.apiTargetDelete)
	s.registerSubscribers(r, api) // subs
	s.document(statusOps()...)
}

// RunDeliveries runs the publish worker until ctx ends: pending deliveries
// (also those left from before a restart) are sent with retries. The serve
// command starts it next to the HTTP server.
func (s *Server) RunDeliveries(ctx context.Context) error {
	a := s.status()
	if a == nil {
		return errors.New("web: status area not set up")
	}
	return a.worker.Run(ctx)
}

// FollowChanges keeps the public page's cache coherent with other
// instances on the same store until ctx ends: it polls the store's change
// counter every interval (statuspage.DefaultChangePoll when zero) and drops
// the cache when another instance wrote (scalemulti).
func (s *Server) FollowChanges(ctx context.Context, every time.Duration) error {
	a := s.status()
	if a == nil {
		return errors.New("web: status area not set up")
	}
	a.site.FollowChanges(ctx, every)
	return nil
}

// SyncStatusPage polls the change counter once (FollowChanges' step).
func (s *Server) SyncStatusPage(ctx context.Context) (bool, error) {
	a := s.status()
	if a == nil {
		return false, errors.New("web: status area not set up")
	}
	return a.site.SyncChanges(ctx)
}

// InvalidateStatusPage drops the public page's cache (after writes made
// outside this server, such as a CLI import into the same data folder).
func (s *Server) InvalidateStatusPage() {
	if a := s.status(); a != nil {
		a.site.Invalidate()
	}
}

// invalidatingStore calls invalidate after every successful write of
// something the public status page shows.
type invalidatingStore struct {
	store.Store
	invalidate func()
}

func (s *invalidatingStore) after(err error) error {
	if err == nil {
		s.invalidate()
	}
	return err
}

func (s *invalidatingStore) CreateComponent(ctx context.Context, c *domain.Component) error {
	return s.after(s.Store.CreateComponent(ctx, c))
}

func (s *invalidatingStore) UpdateComponent(ctx context.Context, c *domain.Component) error {
	return s.after(s.Store.UpdateComponent(ctx, c))
}

func (s *invalidatingStore) DeleteComponent(ctx context.Context, id string) error {
	return s.after(s.Store.DeleteComponent(ctx, id))
}

func (s *invalidatingStore) CreateIncident(ctx context.Context, in *domain.Incident) error {
	return s.after(s.Store.CreateIncident(ctx, in))
}

func (s *invalidatingStore) UpdateIncident(ctx context.Context, in *domain.Incident) error {
	return s.after(s.Store.UpdateIncident(ctx, in))
}

func (s *invalidatingStore) DeleteIncident(ctx context.Context, id string) error {
	return s.after(s.Store.DeleteIncident(ctx, id))
}

func (s *invalidatingStore) UpdateRCA(ctx context.Context, r *domain.RCA, author, note string) error {
	return s.after(s.Store.UpdateRCA(ctx, r, author, note))
}

func (s *invalidatingStore) SaveSection(ctx context.Context, rcaID, key string, e domain.SectionEdit, author string) (domain.RCA, error) {
	r, err := s.Store.SaveSection(ctx, rcaID, key, e, author)
	return r, s.after(err)
}

func (s *invalidatingStore) DeleteRCA(ctx context.Context, id string) error {
	return s.after(s.Store.DeleteRCA(ctx, id))
}

func (s *invalidatingStore) PutSetting(ctx context.Context, key string, value []byte) error {
	return s.after(s.Store.PutSetting(ctx, key, value))
}

// externalReport builds the EXTERNAL report of a published RCA: internal
// sections, entries and action items never reach the status page or a target.
func (s *Server) externalReport(ctx context.Context, r domain.RCA, incidents []domain.Incident, lang, tz string) (report.Report, error) {
	a := s.status()
	if a == nil {
		return report.Report{}, errors.New("web: status area not set up")
	}
	comps, err := s.store.ListComponents(ctx)
	if err != nil {
		return report.Report{}, err
	}
	now := s.now()
	if r.PublishedAt != nil {
		now = *r.PublishedAt // the same text renders the same way: stable ETags and payloads
	}
	return report.Build(r, incidents, comps, nil, a.cat, report.Options{Lang: lang, TimeZone: tz, Audience: report.External, Now: now, Branding: s.cfg.Branding})
}

// rcaMarkdown is the public page's RCA text: the external report as Markdown.
func (s *Server) rcaMarkdown(ctx context.Context, r domain.RCA, incidents []domain.Incident, lang string, loc *time.Location) (string, error) {
	rep, err := s.externalReport(ctx, r, incidents, lang, loc.String())
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := report.RenderMarkdown(&b, rep); err != nil {
		return "", err
	}
	return b.String(), nil
}

// publishReport is what targets receive: the external report in Markdown
// and HTML, in the target's language, times in the default time zone.
func (s *Server) publishReport(ctx context.Context, r domain.RCA, incidents []domain.Incident, lang string) (publish.Report, error) {
	rep, err := s.externalReport(ctx, r, incidents, lang, s.cfg.DefaultTimeZone)
	if err != nil {
		return publish.Report{}, err
	}
	var md, html bytes.Buffer
	if err := report.RenderMarkdown(&md, rep); err != nil {
		return publish.Report{}, err
	}
	if err := report.RenderHTML(&html, rep); err != nil {
		return publish.Report{}, err
	}
	return publish.Report{Title: rep.Title, Markdown: md.String(), HTML: html.String()}, nil
}

// PublishRCA refreshes the page after an atomic publish (scalemulti).
func (s *invalidatingStore) PublishRCA(ctx context.Context, r *domain.RCA, author, note string, ds []domain.Delivery) ([]domain.Delivery, error) {
	out, err := s.Store.PublishRCA(ctx, r, author, note, ds)
	return out, s.after(err)
}
