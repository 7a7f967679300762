package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// editable loads an RCA the actor may edit with act: known, allowed and not
// locked (approved, published and archived RCAs are).
func (s *Service) editable(ctx context.Context, a policy.Actor, act policy.Action, id string) (domain.RCA, error) {
	if err := policy.Can(a, act, nil); err != nil {
		return domain.RCA{}, err
	}
	r, err := s.st.GetRCA(ctx, id)
	if err != nil {
		return domain.RCA{}, err
	}
	if err := policy.Can(a, act, &r); err != nil {
		return domain.RCA{}, err
	}
	if !r.Editable() {
		return r, domain.ErrLocked
	}
	return r, nil
}

// credit adds the acting user to the RCA's authors.
func credit(r *domain.RCA, a policy.Actor) {
	if a.UserID != "" && !a.System && !slices.Contains(r.Authors, a.UserID) {
		r.Authors = append(r.Authors, a.UserID)
	}
}

// ReplaceRCA replaces the whole RCA with in, read at in.Version (a stale
// version is a *store.ConflictError). The state only changes through
// ChangeState; the authors and reviewers only by the owner or an admin.
func (s *Service) ReplaceRCA(ctx context.Context, a policy.Actor, id string, in domain.RCA) (domain.RCA, error) {
	if err := policy.Can(a, policy.RCAEdit, nil); err != nil {
		return domain.RCA{}, err
	}
	cur, err := s.st.GetRCA(ctx, id)
	if err != nil {
		return domain.RCA{}, err
	}
	// Read-only members may come back as read, never changed (hygiene).
	var ro domain.ValidationError
	if in.ID != "" && in.ID != cur.ID {
		ro.Problems = append(ro.Problems, domain.Problem{Field: "id", Code: domain.CodeReadOnly, Detail: "read-only; send it unchanged or leave it out"})
	}
	if !in.CreatedAt.IsZero() && !in.CreatedAt.Equal(cur.CreatedAt) {
		ro.Problems = append(ro.Problems, domain.Problem{Field: "created_at", Code: domain.CodeReadOnly, Detail: "read-only; send it unchanged or leave it out"})
	}
	if len(ro.Problems) > 0 {
		return domain.RCA{}, &ro
	}
	if in.Version < 1 {
		return domain.RCA{}, invalid("version", domain.CodeRequired, "send the version you read")
	}
	if in.Version != cur.Version {
		return domain.RCA{}, &store.ConflictError{Current: cur}
	}
	if !cur.Editable() {
		return domain.RCA{}, domain.ErrLocked
	}
	if len(in.Sections) == 0 {
		// A replace names every section; none at all is a truncated body,
		// not a wish to delete the text.
		return domain.RCA{}, invalid("sections", domain.CodeRequired, "send the RCA as read, with its sections")
	}
	if in.State != "" && in.State != cur.State {
		return domain.RCA{}, invalid("state", domain.CodeInvalid, "change the state with POST /api/v1/rcas/{id}/state")
	}
	if err := policy.CanSetTeam(a, &cur, in.Authors, in.Reviewers); err != nil {
		return domain.RCA{}, err
	}
	next := mergeRCA(cur, in)
	next.Normalize()
	if err := next.Validate(); err != nil {
		return domain.RCA{}, err
	}
	if err := s.checkFactors(ctx, cur.ContributingFactors, next.ContributingFactors); err != nil { // tmpl area
		return domain.RCA{}, err
	}
	if _, err := s.loadIncidents(ctx, next.IncidentIDs); err != nil {
		return domain.RCA{}, err
	}
	next.BumpChangedSections(&cur)
	if err := s.checkOwners(ctx, &next); err != nil { // actions: owners are users
		return domain.RCA{}, err
	}
	next.StampActionsDone(&cur, s.now())
	next.UpdatedAt = s.now()
	credit(&next, a)
	if err := s.st.UpdateRCA(ctx, &next, a.UserID, "replaced"); err != nil {
		return domain.RCA{}, err
	}
	s.audit(ctx, a.UserID, "rca.replace", "rca:"+next.ID, map[string]string{"version": fmt.Sprint(next.Version)})
	return next, nil
}

// mergeRCA takes what an author may write from in and keeps what the server
// owns from cur. Section guidance and required flags come from the stored
// section with the same key, never from the client.
func mergeRCA(cur, in domain.RCA) domain.RCA {
	next := cur
	next.Version = in.Version
	next.Title = strings.TrimSpace(in.Title)
	if in.Slug != "" {
		next.Slug = domain.Slugify(in.Slug)
	}
	next.Language = in.Language
	next.IncidentIDs = in.IncidentIDs
	next.IncidentDate = in.IncidentDate
	next.DurationOverride = in.DurationOverride
	next.FactOverrides = in.FactOverrides // area report2: the API sets fact wording per language
	next.AffectedServices = in.AffectedServices
	next.Severity = in.Severity
	next.Tags = in.Tags
	next.Authors = in.Authors
	next.Reviewers = in.Reviewers
	next.Timeline = in.Timeline
	next.ActionItems = in.ActionItems
	next.Translations = in.Translations
	next.ContributingFactors = in.ContributingFactors // tmpl area
	next.Sections = make([]domain.Section, len(in.Sections))
	tpl, _ := domain.BuiltinTemplate(cur.Template)
	for i, sec := range in.Sections {
		sec.UpdatedBy, sec.UpdatedAt = "", nil
		if old := cur.Section(sec.Key); old != nil {
			sec.Guidance, sec.Required = old.Guidance, old.Required
			sec.UpdatedBy, sec.UpdatedAt = old.UpdatedBy, old.UpdatedAt
		} else if d, ok := tpl.Definition(sec.Key); ok {
			sec.Guidance, sec.Required = d.Guidance, d.Required
		} else {
			sec.Guidance, sec.Required = "", false
		}
		next.Sections[i] = sec
	}
	return next
}

// SaveSection saves one section edit made on e.BaseRevision (required; a
// stale one is a *store.ConflictError). The revision and the audit log
// name the acting user.
func (s *Service) SaveSection(ctx context.Context, a policy.Actor, id, key string, e domain.SectionEdit) (domain.RCA, error) {
	cur, err := s.editable(ctx, a, policy.RCAEdit, id)
	if err != nil {
		return domain.RCA{}, err
	}
	if cur.Section(key) == nil {
		return domain.RCA{}, domain.ErrUnknownSection
	}
	if e.BaseRevision < 1 {
		return domain.RCA{}, invalid("base_revision", domain.CodeRequired, "send the section revision you read")
	}
	// Validate the edit as part of the RCA it lands in.
	trial := cur
	trial.Sections = append([]domain.Section(nil), cur.Sections...)
	if err := trial.ApplySectionEdit(key, e, a.UserID, s.now()); err != nil {
		return domain.RCA{}, err
	}
	if err := trial.Validate(); err != nil {
		return domain.RCA{}, err
	}
	r, err := s.st.SaveSection(ctx, id, key, e, a.UserID)
	if err != nil {
		return domain.RCA{}, err
	}
	s.audit(ctx, a.UserID, "rca.section", "rca:"+r.ID, map[string]string{
		"section": key, "version": fmt.Sprint(r.Version)})
	return r, nil
}

// EditRCA applies change to the freshest copy of an editable RCA and stores
// it with note, crediting the actor as an author. The form edits of one
// entry (a timeline entry, an action item, a fact) do not depend on what the
// caller read, so a version conflict is retried on the new version.
func (s *Service) EditRCA(ctx context.Context, a policy.Actor, id, note string, change func(r *domain.RCA) error) (domain.RCA, error) {
	var r domain.RCA
	err := RetryConflict(func() error {
		var err error
		if r, err = s.editable(ctx, a, policy.RCAEdit, id); err != nil {
			return err
		}
		before := r
		before.Authors, before.Reviewers = slices.Clone(r.Authors), slices.Clone(r.Reviewers)
		if err := change(&r); err != nil {
			return err
		}
		if err := policy.CanSetTeam(a, &before, r.Authors, r.Reviewers); err != nil {
			return err
		}
		r.Normalize()
		if err := r.Validate(); err != nil {
			return err
		}
		if err := s.checkOwners(ctx, &r); err != nil { // actions: owners are users
			return err
		}
		r.StampActionsDone(&before, s.now())
		credit(&r, a)
		r.UpdatedAt = s.now()
		return s.st.UpdateRCA(ctx, &r, a.UserID, note)
	})
	if err != nil {
		return r, err
	}
	return r, nil
}

// LinkIncident links an incident (which must exist) to the RCA; linking
// twice changes nothing.
func (s *Service) LinkIncident(ctx context.Context, a policy.Actor, id, incidentID string) (domain.RCA, error) {
	incidentID = strings.TrimSpace(incidentID)
	if incidentID == "" {
		return domain.RCA{}, invalid("incident_id", domain.CodeRequired, "")
	}
	if _, err := s.editable(ctx, a, policy.RCAEdit, id); err != nil {
		return domain.RCA{}, err
	}
	if _, err := s.loadIncidents(ctx, []string{incidentID}); err != nil {
		if domain.IsValidation(err) {
			err = invalid("incident_id", domain.CodeUnknownEnum, "no such incident")
		}
		return domain.RCA{}, err
	}
	r, _, err := s.updateLinks(ctx, a, id, "linked "+incidentID, func(r *domain.RCA) bool {
		if slices.Contains(r.IncidentIDs, incidentID) {
			return false
		}
		r.LinkIncident(incidentID)
		return true
	})
	return r, err
}

// UnlinkIncident removes a link; an incident that is not linked is
// store.ErrNotFound.
func (s *Service) UnlinkIncident(ctx context.Context, a policy.Actor, id, incidentID string) (domain.RCA, error) {
	r, changed, err := s.updateLinks(ctx, a, id, "unlinked "+incidentID, func(r *domain.RCA) bool {
		if !slices.Contains(r.IncidentIDs, incidentID) {
			return false
		}
		r.UnlinkIncident(incidentID)
		return true
	})
	if err == nil && !changed {
		return domain.RCA{}, store.ErrNotFound
	}
	return r, err
}

func (s *Service) updateLinks(ctx context.Context, a policy.Actor, id, note string, change func(*domain.RCA) bool) (domain.RCA, bool, error) {
	var r domain.RCA
	changed := false
	err := RetryConflict(func() error {
		var err error
		if r, err = s.editable(ctx, a, policy.RCAEdit, id); err != nil {
			return err
		}
		if changed = change(&r); !changed {
			return nil
		}
		r.UpdatedAt = s.now()
		return s.st.UpdateRCA(ctx, &r, a.UserID, note)
	})
	if err != nil {
		return domain.RCA{}, false, err
	}
	if changed {
		s.audit(ctx, a.UserID, "rca.link", "rca:"+r.ID, map[string]string{"change": note})
	}
	return r, changed, nil
}

// Restore makes an old revision's content the newest revision, credited to
// the actor. The RCA's workflow (state, history, publication), its incident
// links and its team stay as they are now: restoring text must not
// un-approve, unlink or re-staff anything.
func (s *Service) Restore(ctx context.Context, a policy.Actor, id string, version int64) (domain.RCA, error) {
	cur, err := s.editable(ctx, a, policy.RCARestore, id)
	if err != nil {
		return domain.RCA{}, err
	}
	rev, err := s.st.GetRevision(ctx, cur.ID, version)
	if err != nil {
		return domain.RCA{}, err
	}
	next := rev.Snapshot
	next.ID, next.Version = cur.ID, cur.Version
	next.State, next.History, next.PublishedAt = cur.State, cur.History, cur.PublishedAt
	next.IncidentIDs = cur.IncidentIDs
	next.Authors, next.Reviewers = cur.Authors, cur.Reviewers
	next.CreatedBy, next.CreatedAt = cur.CreatedBy, cur.CreatedAt
	next.UpdatedAt = s.now()
	next.Normalize()
	next.BumpChangedSections(&cur)
	credit(&next, a)
	if err := s.st.UpdateRCA(ctx, &next, a.UserID, fmt.Sprintf("restored %d", version)); err != nil {
		return domain.RCA{}, err
	}
	s.audit(ctx, a.UserID, "rca.restore", "rca:"+cur.ID, map[string]string{"version": fmt.Sprint(version)})
	return next, nil
}

// DeleteRCA deletes an RCA with its revisions and comments. A published RCA
// is refused with ErrPublished: unpublishing first retracts it from the
// status page and every target.
func (s *Service) DeleteRCA(ctx context.Context, a policy.Actor, id string) error {
	if err := policy.Can(a, policy.RCADelete, nil); err != nil {
		return err
	}
	r, err := s.st.GetRCA(ctx, id)
	if err != nil {
		return err
	}
	if r.State == domain.StatePublished {
		return ErrPublished
	}
	if err := s.st.DeleteRCA(ctx, id); err != nil {
		return err
	}
	s.deleteAttachments(ctx, id) // images
	s.audit(ctx, a.UserID, "rca.delete", "rca:"+id, nil)
	s.changed()
	return nil
}

// AddComment adds a review comment on the RCA ("" section) or one section.
func (s *Service) AddComment(ctx context.Context, a policy.Actor, id, sectionKey, body string) (domain.Comment, error) {
	return s.AddCommentIn(ctx, a, id, CommentInput{SectionKey: sectionKey, Body: body})
}

// ResolveComment resolves the thread a comment belongs to (its first
// comment) and answers that comment.
func (s *Service) ResolveComment(ctx context.Context, a policy.Actor, id, commentID string) (domain.Comment, error) {
	if err := policy.Can(a, policy.RCAComment, nil); err != nil {
		return domain.Comment{}, err
	}
	list, err := s.st.ListComments(ctx, id)
	if err != nil {
		return domain.Comment{}, err
	}
	root := threadRoot(list, commentID)
	if root == "" {
		return domain.Comment{}, store.ErrNotFound
	}
	if err := s.st.ResolveComment(ctx, id, root, s.now()); err != nil {
		return domain.Comment{}, err
	}
	if list, err = s.st.ListComments(ctx, id); err != nil {
		return domain.Comment{}, err
	}
	for _, cm := range list {
		if cm.ID == root {
			return cm, nil
		}
	}
	return domain.Comment{}, store.ErrNotFound
}
