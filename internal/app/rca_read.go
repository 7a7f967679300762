package app

import (
	"context"
	"errors"
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// GetRCA reads an RCA by id or, for links people type, by slug, in the
// edition the actor may read (viewers: external).
func (s *Service) GetRCA(ctx context.Context, a policy.Actor, idOrSlug string) (domain.RCA, error) {
	if err := policy.Can(a, policy.RCARead, nil); err != nil {
		return domain.RCA{}, err
	}
	r, err := s.st.GetRCA(ctx, idOrSlug)
	if errors.Is(err, store.ErrNotFound) {
		r, err = s.st.GetRCABySlug(ctx, idOrSlug)
	}
	if err != nil {
		return domain.RCA{}, err
	}
	return r.Edition(policy.Audience(a, &r)), nil
}

// ListRCAs lists RCAs, each in the edition the actor may read. A viewer's
// text search matches the external edition only: an RCA found only by words
// in an internal section is left out (the page's total counts it as gone).
func (s *Service) ListRCAs(ctx context.Context, a policy.Actor, f store.RCAFilter) ([]domain.RCA, int, error) {
	if err := policy.Can(a, policy.RCAList, nil); err != nil {
		return nil, 0, err
	}
	if policy.Audience(a, nil) == domain.AudienceExternal {
		f.Audience = domain.External // the store searches external text only where it can
	}
	items, total, err := s.st.ListRCAs(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]domain.RCA, 0, len(items))
	for _, r := range items {
		aud := policy.Audience(a, &r)
		ed := r.Edition(aud)
		if aud == domain.AudienceExternal && f.Query != "" && !matches(ed, f.Query) {
			total--
			continue
		}
		out = append(out, ed)
	}
	return out, total, nil
}

// matches reports whether q occurs, case-insensitively, in what the list
// search looks at: title, section titles and bodies, services and tags.
func matches(r domain.RCA, q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), q) }
	if has(r.Title) {
		return true
	}
	for _, sec := range r.Sections {
		if has(sec.Title) || has(sec.Body) {
			return true
		}
	}
	for _, v := range append(append([]string(nil), r.AffectedServices...), r.Tags...) {
		if has(v) {
			return true
		}
	}
	return false
}

// readable loads an RCA the actor may read with action, and the audience
// it reads in.
func (s *Service) readable(ctx context.Context, a policy.Actor, act policy.Action, id string) (domain.RCA, domain.Audience, error) {
	if err := policy.Can(a, act, nil); err != nil {
		return domain.RCA{}, "", err
	}
	r, err := s.st.GetRCA(ctx, id)
	if err != nil {
		return domain.RCA{}, "", err
	}
	if err := policy.Can(a, act, &r); err != nil {
		return domain.RCA{}, "", err
	}
	return r, policy.Audience(a, &r), nil
}

// Revisions lists an RCA's history, newest first. For a viewer, the notes
// of saves to internal sections no longer name the section.
func (s *Service) Revisions(ctx context.Context, a policy.Actor, id string) ([]store.RevisionInfo, error) {
	r, aud, err := s.readable(ctx, a, policy.RCARead, id)
	if err != nil {
		return nil, err
	}
	revs, err := s.st.ListRevisions(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	if aud == domain.AudienceExternal {
		for i := range revs {
			if key, ok := strings.CutPrefix(revs[i].Note, "section "); ok && !r.SectionVisible(aud, key) {
				revs[i].Note = "section"
			}
		}
	}
	return revs, nil
}

// Revision is one snapshot, in the edition the actor may read.
func (s *Service) Revision(ctx context.Context, a policy.Actor, id string, version int64) (store.Revision, error) {
	if _, _, err := s.readable(ctx, a, policy.RCARead, id); err != nil {
		return store.Revision{}, err
	}
	rev, err := s.st.GetRevision(ctx, id, version)
	if err != nil {
		return store.Revision{}, err
	}
	rev.Snapshot = rev.Snapshot.Edition(policy.Audience(a, &rev.Snapshot))
	return rev, nil
}

// Comments lists an RCA's review comments, oldest first; a viewer does not
// see comments on internal sections.
func (s *Service) Comments(ctx context.Context, a policy.Actor, id string) ([]domain.Comment, error) {
	r, aud, err := s.readable(ctx, a, policy.RCARead, id)
	if err != nil {
		return nil, err
	}
	list, err := s.st.ListComments(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, c := range list {
		if r.SectionVisible(aud, c.SectionKey) {
			out = append(out, c)
		}
	}
	return out, nil
}

// ListRCASummaries lists RCA summaries (with cursors and snippets); the
// store searches and summarizes the edition the actor may read.
func (s *Service) ListRCASummaries(ctx context.Context, a policy.Actor, f store.RCAFilter) (store.RCAPage, error) {
	if err := policy.Can(a, policy.RCAList, nil); err != nil {
		return store.RCAPage{}, err
	}
	f.Audience = domain.Internal
	if policy.Audience(a, nil) == domain.AudienceExternal {
		f.Audience = domain.External
	}
	return s.st.ListRCASummaries(ctx, f)
}
