package statuspage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// SettingPageID is the settings key holding the page's stable v2 id.
const SettingPageID = "statuspage.page_id"

// pageID returns the configured page id, else the stored one, else makes one.
func (s *Site) pageID(ctx context.Context) (string, error) {
	if s.cfg.PageID != "" {
		return s.cfg.PageID, nil
	}
	s.mu.Lock()
	id := s.pageIDCache
	s.mu.Unlock()
	if id != "" {
		return id, nil
	}
	b, err := s.store.GetSetting(ctx, SettingPageID)
	switch {
	case err == nil && len(strings.TrimSpace(string(b))) > 0:
		id = strings.Trim(strings.TrimSpace(string(b)), `"`)
	case err == nil || errors.Is(err, store.ErrNotFound):
		id = domain.NewID()[:12]
		if err := s.store.PutSetting(ctx, SettingPageID, []byte(`"`+id+`"`)); err != nil {
			return "", fmt.Errorf("statuspage: store page id: %w", err)
		}
	default:
		return "", fmt.Errorf("statuspage: page id: %w", err)
	}
	s.mu.Lock()
	s.pageIDCache = id
	s.mu.Unlock()
	return id, nil
}

// loadSpec says which incidents a view needs.
type loadSpec struct {
	unresolved bool       // the unresolved ones
	since      *time.Time // started at or after
	until      *time.Time // started before
	newest     int        // the newest n (0: none)
	ids        []string   // these, by id
}

// load reads the components, the incidents the spec names and every
// published RCA linked to them. Nothing unpublished enters Content.RCAs.
func (s *Site) load(ctx context.Context, spec loadSpec) (*Content, error) {
	base := s.cfg.BaseURL // "" when none is configured: links stay relative
	pid, err := s.pageID(ctx)
	if err != nil {
		return nil, err
	}
	comps, err := s.store.ListComponents(ctx)
	if err != nil {
		return nil, fmt.Errorf("statuspage: components: %w", err)
	}
	c := &Content{
		Page:       V2Page{ID: pid, Name: s.cfg.Name, URL: base + "/status", TimeZone: s.cfg.TimeZone},
		BaseURL:    base,
		Components: comps,
		RCAs:       map[string]domain.RCA{},
	}
	seen := map[string]bool{}
	add := func(list []domain.Incident) {
		for _, in := range list {
			if !seen[in.ID] {
				seen[in.ID] = true
				c.Incidents = append(c.Incidents, in)
			}
		}
	}
	if spec.unresolved {
		list, err := s.allIncidents(ctx, store.IncidentFilter{Unresolved: true})
		if err != nil {
			return nil, err
		}
		add(list)
	}
	if spec.since != nil || spec.until != nil {
		list, err := s.allIncidents(ctx, store.IncidentFilter{Since: spec.since, Until: spec.until})
		if err != nil {
			return nil, err
		}
		add(list)
	}
	if spec.newest > 0 {
		list, _, err := s.store.ListIncidents(ctx, store.IncidentFilter{Page: store.Page{Limit: spec.newest}})
		if err != nil {
			return nil, fmt.Errorf("statuspage: incidents: %w", err)
		}
		add(list)
	}
	for _, id := range spec.ids {
		in, err := s.store.GetIncident(ctx, id)
		if err != nil {
			return nil, err
		}
		add([]domain.Incident{in})
	}
	sortNewestFirst(c.Incidents)
	if err := s.loadRCAs(ctx, c); err != nil {
		return nil, err
	}
	c.Page.UpdatedAt = c.updatedAt()
	return c, nil
}

// allIncidents pages through ListIncidents.
func (s *Site) allIncidents(ctx context.Context, f store.IncidentFilter) ([]domain.Incident, error) {
	var out []domain.Incident
	f.Page = store.Page{Limit: 500}
	for {
		list, total, err := s.store.ListIncidents(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("statuspage: incidents: %w", err)
		}
		out = append(out, list...)
		f.Page.Offset += len(list)
		if len(list) == 0 || f.Page.Offset >= total || len(out) >= s.cfg.MaxIncidents {
			return out, nil
		}
	}
}

// loadRCAs reads the RCAs the incidents link and keeps the published ones.
func (s *Site) loadRCAs(ctx context.Context, c *Content) error {
	for _, in := range c.Incidents {
		for _, id := range in.RCAIDs {
			if _, done := c.RCAs[id]; done {
				continue
			}
			r, err := s.store.GetRCA(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("statuspage: rca %s: %w", id, err)
			}
			if r.State == domain.StatePublished {
				c.RCAs[id] = r
			} else {
				c.RCAs[id] = domain.RCA{ID: id} // remembered as not published; filtered below
			}
		}
	}
	for id, r := range c.RCAs {
		if r.State != domain.StatePublished {
			delete(c.RCAs, id)
		}
	}
	return nil
}

func (c *Content) updatedAt() time.Time {
	var t time.Time
	for _, comp := range c.Components {
		t = latest(t, comp.UpdatedAt)
	}
	for _, in := range c.Incidents {
		t = latest(t, in.UpdatedAt)
	}
	for _, r := range c.RCAs {
		t = latest(t, publishedAt(r))
	}
	return t.UTC()
}

func sortNewestFirst(list []domain.Incident) {
	sort.SliceStable(list, func(i, j int) bool { return list[i].StartedAt.After(list[j].StartedAt) })
}
