package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// NewRCA is what a new RCA starts from.
type NewRCA struct {
	Title       string
	Template    string   // a built-in key; empty: standard
	Language    string   // BCP 47; empty: the default language
	IncidentIDs []string // linked and used to pre-fill the first draft
	// ContributingFactors are taxonomy keys (tmpl area); unknown or
	// retired ones are 422.
	ContributingFactors []string
}

// CreateRCA makes a draft from a template (built-in, or a custom one that
// is not retired), with exactly its sections in order. Each named incident must
// exist (else 422 on incident_ids[i]); the draft is pre-filled from them: the
// links, the incident date, the affected services and a timeline made from
// their starts and updates.
func (s *Service) CreateRCA(ctx context.Context, a policy.Actor, in NewRCA) (domain.RCA, error) {
	if err := policy.Can(a, policy.RCACreate, nil); err != nil {
		return domain.RCA{}, err
	}
	key := strings.TrimSpace(in.Template)
	if key == "" {
		key = domain.TemplateStandard
	}
	tpl, err := s.templateForNew(ctx, key) // tmpl area: built-in or custom, not retired
	if err != nil {
		return domain.RCA{}, err
	}
	lang := strings.TrimSpace(in.Language)
	if lang == "" {
		lang = s.cfg.DefaultLanguage
	}
	if !tpl.BuiltIn {
		tpl = tpl.Localized(lang) // a custom template's own translations
	}
	if err := s.checkFactors(ctx, nil, in.ContributingFactors); err != nil {
		return domain.RCA{}, err
	}
	r := domain.NewRCA(in.Title, tpl, lang, nil, a.UserID, s.now())
	r.ContributingFactors = slices.Clone(in.ContributingFactors)
	incidents, err := s.loadIncidents(ctx, in.IncidentIDs)
	if err != nil {
		return domain.RCA{}, err
	}
	if len(incidents) > 0 {
		names, err := s.componentNames(ctx)
		if err != nil {
			return domain.RCA{}, err
		}
		for _, inc := range incidents {
			PrefillFromIncident(&r, inc, names)
		}
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		return domain.RCA{}, err
	}
	if err := s.st.CreateRCA(ctx, &r, a.UserID); err != nil {
		return domain.RCA{}, err
	}
	s.audit(ctx, a.UserID, "rca.create", "rca:"+r.ID, map[string]string{"template": key})
	return r, nil
}

// loadIncidents loads incidents by id; an unknown id is a 422 problem on
// incident_ids[i].
func (s *Service) loadIncidents(ctx context.Context, ids []string) ([]domain.Incident, error) {
	var out []domain.Incident
	var ve domain.ValidationError
	for i, id := range ids {
		inc, err := s.st.GetIncident(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			ve.Problems = append(ve.Problems, domain.Problem{
				Field: fmt.Sprintf("incident_ids[%d]", i), Code: domain.CodeUnknownEnum, Detail: "no such incident"})
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	if len(ve.Problems) > 0 {
		return nil, &ve
	}
	return out, nil
}

// componentNames maps component ids to names.
func (s *Service) componentNames(ctx context.Context) (map[string]string, error) {
	comps, err := s.st.ListComponents(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(comps))
	for _, c := range comps {
		out[c.ID] = c.Name
	}
	return out, nil
}

// PrefillFromIncident copies what an incident already knows into a new RCA:
// the link, the affected services and a
// draft timeline made from its start and its updates.
func PrefillFromIncident(r *domain.RCA, in domain.Incident, componentNames map[string]string) {
	r.LinkIncident(in.ID)
	// The incident date is not copied: it derives from the linked
	// incidents (a range once several are linked) unless an author writes one.
	for _, ac := range in.Components {
		name := componentNames[ac.ComponentID]
		if name == "" {
			name = ac.ComponentID
		}
		if !slices.Contains(r.AffectedServices, name) {
			r.AffectedServices = append(r.AffectedServices, name)
		}
	}
	r.Timeline = append(r.Timeline, TimelineFromIncident(in, r.Timeline)...)
}

// TimelineFromIncident turns an incident's start and updates into timeline
// entries, skipping ones already present (same time and text).
func TimelineFromIncident(in domain.Incident, existing []domain.TimelineEntry) []domain.TimelineEntry {
	have := map[string]bool{}
	for _, e := range existing {
		have[e.At.UTC().String()+"\x00"+e.Text] = true
		have[e.ID] = true // an imported entry keeps its id when edited
	}
	var out []domain.TimelineEntry
	add := func(e domain.TimelineEntry) {
		k := e.At.UTC().String() + "\x00" + e.Text
		if have[k] || have[e.ID] || strings.TrimSpace(e.Text) == "" {
			return
		}
		have[k], have[e.ID] = true, true
		out = append(out, e)
	}
	if !in.StartedAt.IsZero() {
		add(domain.TimelineEntry{ID: ImportedEntryID(in.ID, in.StartedAt, "start"), At: in.StartedAt.UTC(), Kind: domain.KindImpactStart, Text: in.Title, Visibility: domain.External})
	}
	for _, u := range in.Updates {
		add(domain.TimelineEntry{ID: ImportedEntryID(in.ID, u.At, string(u.Status)), At: u.At.UTC(), Kind: kindForUpdate(u.Status), Text: u.Body, Visibility: domain.External})
	}
	return out
}

// kindForUpdate maps a status-page update to the timeline kind it marks.
func kindForUpdate(s domain.UpdateStatus) domain.TimelineKind {
	switch s {
	case domain.UpdateInvestigating:
		return domain.KindDetected
	case domain.UpdateIdentified:
		return domain.KindIdentified
	case domain.UpdateMonitoring:
		return domain.KindMitigated
	case domain.UpdateResolved:
		return domain.KindResolved
	}
	return domain.KindNote
}

// ImportedEntryID is the stable id of the timeline entry made from one
// moment of an incident (its start, or an update), so importing it again
// finds it even after its text was edited.
func ImportedEntryID(incidentID string, at time.Time, what string) string {
	sum := sha256.Sum256([]byte(incidentID + "\x00" + at.UTC().Format(time.RFC3339Nano) + "\x00" + what))
	return hex.EncodeToString(sum[:16])
}
