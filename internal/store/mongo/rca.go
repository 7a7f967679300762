package mongo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// maxDocBytes keeps a record (and the revision that wraps an RCA) under
// MongoDB's 16 MiB document limit. Validate's per-field limits alone allow
// more (many translations of long sections, a thousand long incident
// updates).
const maxDocBytes = 16<<20 - 64<<10

// cloneRCA copies the lists of an RCA that Normalize, BumpChangedSections
// and ApplySectionEdit change in place, so that a write never touches
// memory the caller may share (a struct copy shares its slices).
func cloneRCA(r *domain.RCA) domain.RCA {
	c := *r
	c.IncidentIDs = slices.Clone(r.IncidentIDs)
	c.AffectedServices = slices.Clone(r.AffectedServices)
	c.Tags = slices.Clone(r.Tags)
	c.Authors = slices.Clone(r.Authors)
	c.Reviewers = slices.Clone(r.Reviewers)
	c.ContributingFactors = slices.Clone(r.ContributingFactors) // tmpl area
	c.Sections = slices.Clone(r.Sections)
	c.Timeline = slices.Clone(r.Timeline)
	c.ActionItems = slices.Clone(r.ActionItems)
	c.History = slices.Clone(r.History)
	return c
}

// checkSize refuses an RCA too large to store, with a validation error
// rather than the server's.
func checkSize(d *rcaDoc) error { return checkDocSize("rca", d.ID, d) }

// checkDocSize refuses a document larger than maxDocBytes once encoded.
func checkDocSize(field, docID string, doc any) error {
	raw, err := bson.Marshal(doc)
	if err != nil {
		return fmt.Errorf("mongo: encode %s %s: %w", field, docID, err)
	}
	if len(raw) > maxDocBytes {
		return invalid(field, domain.CodeTooLong, fmt.Sprintf("%d bytes stored, at most %d", len(raw), maxDocBytes))
	}
	return nil
}

// slugAttempts is how often CreateRCA retries when other writers keep
// taking the slug it picked.
const slugAttempts = 10

// sectionPatience bounds how long SaveSection keeps retrying when other
// writes keep getting in first.
const sectionPatience = 30 * time.Second

// defaultClaimGrace is how long a claimed RCA version is left to its owner
// before other writers apply it themselves (see commitRCA).
const defaultClaimGrace = 2 * time.Second

// CreateRCA stores a new RCA at version 1 and its first revision. A taken
// slug gets -2, -3, … appended.
func (s *Store) CreateRCA(ctx context.Context, in *domain.RCA, author string) error {
	c := cloneRCA(in)
	r := &c
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	now := s.clock()
	if r.ID == "" {
		r.ID = domain.NewID()
	}
	if r.CreatedBy == "" {
		r.CreatedBy = author
	}
	r.Version = 1
	stamp(&r.CreatedAt, &r.UpdatedAt, now)
	base := r.Slug

	// Try the slug as it is first: most titles are new, and looking for
	// taken slugs costs a query (a full scan on FerretDB).
	slug := base
	for range slugAttempts {
		r.Slug = slug
		d := toRCADoc(r)
		if err := checkSize(&d); err != nil {
			return err
		}
		_, err := s.c(colRCAs).InsertOne(ctx, d)
		if err == nil {
			*in = d.domain()
			s.changed(ctx)
			s.docChanged(ctx) // collab
			return s.putRevision(ctx, &d, author, "created")
		}
		if !isDuplicate(err) {
			return wrap("create rca", err)
		}
		// Either the id is taken (a real duplicate) or the slug is: then
		// look for the first free suffix and try that.
		taken, err := exists(ctx, s.c(colRCAs), r.ID)
		if err != nil {
			return wrap("create rca", err)
		}
		if taken {
			return fmt.Errorf("mongo: create rca %s: %w", r.ID, store.ErrDuplicate)
		}
		if slug, err = s.freeSlug(ctx, base); err != nil {
			return err
		}
	}
	return fmt.Errorf("mongo: create rca: no free slug for %q: %w", base, store.ErrDuplicate)
}

// freeSlug returns base, or base-N with the smallest N >= 2 not yet used.
func (s *Store) freeSlug(ctx context.Context, base string) (string, error) {
	pattern := "^" + regexp.QuoteMeta(base) + "(-[0-9]+)?$"
	cur, err := s.c(colRCAs).Find(ctx,
		bson.D{{Key: "slug", Value: bson.D{{Key: "$regex", Value: pattern}}}},
		options.Find().SetProjection(bson.D{{Key: "slug", Value: 1}}))
	if err != nil {
		return "", wrap("find free slug", err)
	}
	var docs []struct {
		Slug string `bson:"slug"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return "", wrap("find free slug", err)
	}
	taken := make(map[string]bool, len(docs))
	for _, d := range docs {
		taken[d.Slug] = true
	}
	if !taken[base] {
		return base, nil
	}
	for n := 2; ; n++ {
		if c := base + "-" + strconv.Itoa(n); !taken[c] {
			return c, nil
		}
	}
}

// GetRCA loads one RCA.
func (s *Store) GetRCA(ctx context.Context, rid string) (domain.RCA, error) {
	return findOne(ctx, s.c(colRCAs), "get rca "+rid, id(rid), rcaDoc.domain)
}

// GetRCABySlug loads the RCA with slug.
func (s *Store) GetRCABySlug(ctx context.Context, slug string) (domain.RCA, error) {
	return findOne(ctx, s.c(colRCAs), "get rca by slug "+slug, bson.D{{Key: "slug", Value: slug}}, rcaDoc.domain)
}

// ListRCAs returns one page of RCAs, most recently updated first, and how
// many match the filter.
func (s *Store) ListRCAs(ctx context.Context, f store.RCAFilter) ([]domain.RCA, int, error) {
	filter := s.rcaFilter(f) // scalesql
	total, err := s.c(colRCAs).CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, wrap("count rcas", err)
	}
	opts := page(options.Find().SetSort(bson.D{{Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}), f.Page)
	out, err := findAll(ctx, s.c(colRCAs), "list rcas", filter, opts, rcaDoc.domain)
	if err != nil {
		return nil, 0, err
	}
	return out, int(total), nil
}

// UpdateRCA replaces the whole RCA when r.Version is the stored version,
// bumps the version and the revision of every section whose content
// changed, and stores a revision. A stale version is a *store.ConflictError.
func (s *Store) UpdateRCA(ctx context.Context, r *domain.RCA, author, note string) error {
	return s.updateRCA(ctx, r, author, note, nil)
}

// updateRCA is UpdateRCA; outbox, when not nil, makes the deliveries for
// the new version and goes into its revision document (PublishRCA).
func (s *Store) updateRCA(ctx context.Context, r *domain.RCA, author, note string, outbox func(version int64, now time.Time) ([]deliveryDoc, error)) error {
	cur, err := s.GetRCA(ctx, r.ID)
	if err != nil {
		return err
	}
	if r.Version != cur.Version {
		return fmt.Errorf("mongo: update rca %s: %w", r.ID, &store.ConflictError{Current: cur})
	}
	next := cloneRCA(r)
	if strings.TrimSpace(next.Slug) == "" {
		next.Slug = cur.Slug
	}
	next.Normalize()
	if err := next.Validate(); err != nil {
		return err
	}
	if next.Slug != cur.Slug {
		if err := s.slugFree(ctx, next.Slug, next.ID); err != nil {
			return err
		}
	}
	next.BumpChangedSections(&cur)
	next.CreatedAt, next.CreatedBy = cur.CreatedAt, cur.CreatedBy
	next.UpdatedAt = s.clock()

	var box []deliveryDoc
	if outbox != nil {
		if box, err = outbox(cur.Version+1, next.UpdatedAt); err != nil {
			return err
		}
	}
	d, err := s.commitRCA(ctx, &next, cur.Version, author, note, box...)
	if err != nil {
		return err
	}
	*r = d.domain()
	return nil
}

// slugFree returns ErrDuplicate when another RCA than rcaID has slug.
func (s *Store) slugFree(ctx context.Context, slug, rcaID string) error {
	n, err := s.c(colRCAs).CountDocuments(ctx, bson.D{
		{Key: "slug", Value: slug},
		{Key: "_id", Value: bson.D{{Key: "$ne", Value: rcaID}}},
	}, options.Count().SetLimit(1))
	if err != nil {
		return wrap("check slug "+slug, err)
	}
	if n > 0 {
		return fmt.Errorf("mongo: rca slug %q: %w", slug, store.ErrDuplicate)
	}
	return nil
}

// SaveSection applies one section edit. The section's revision is checked
// against e.BaseRevision; the write itself is a compare-and-swap on the
// whole RCA's version, retried on a miss, so that co-authors editing
// different sections never conflict while two edits of one section do.
func (s *Store) SaveSection(ctx context.Context, rcaID, key string, e domain.SectionEdit, author string) (domain.RCA, error) {
	op := "save section " + key + " of rca " + rcaID
	// Give up after a while (or when ctx ends). Every round of colliding
	// writers lets at least one through, but a slow server makes rounds
	// long, and a claim left by a writer that died waits for claimGrace.
	giveUp := time.Now().Add(s.claimGrace + sectionPatience)
	for attempt := 0; ; attempt++ {
		cur, err := s.GetRCA(ctx, rcaID)
		if err != nil {
			return domain.RCA{}, err
		}
		sec := cur.Section(key)
		if sec == nil {
			return domain.RCA{}, fmt.Errorf("mongo: %s: %w", op, domain.ErrUnknownSection)
		}
		if e.BaseRevision != sec.Revision {
			return domain.RCA{}, fmt.Errorf("mongo: %s: %w", op, &store.ConflictError{Current: cur})
		}
		next := cloneRCA(&cur)
		if err := next.ApplySectionEdit(key, e, author, s.now()); err != nil {
			return domain.RCA{}, err
		}
		next.Normalize()
		if err := next.Validate(); err != nil {
			return domain.RCA{}, err
		}
		next.UpdatedAt = s.clock()

		d, err := s.commitRCA(ctx, &next, cur.Version, author, "section "+key)
		if err == nil {
			return d.domain(), nil
		}
		if !errors.Is(err, store.ErrConflict) || time.Now().After(giveUp) {
			return domain.RCA{}, err
		}
		// Another write (most likely of another section) got in first: read
		// again and re-check this section. A little jitter spreads out
		// writers that keep colliding.
		wait := time.Duration(1+rand.IntN(min(2*attempt+1, 20))) * time.Millisecond
		select {
		case <-ctx.Done():
			return domain.RCA{}, wrap(op, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// commitRCA writes next as version read+1 of an RCA stored at version read.
//
// Neither MongoDB without transactions nor FerretDB can update two documents
// atomically, and FerretDB's conditional updates are not even atomic for one
// document (it finds, then writes by _id). Inserting a document with a
// unique _id is atomic everywhere, so the revision document keyed (rca id,
// version) is the lock: whoever inserts revision read+1 owns that version,
// and only the owner of read+1 may move the RCA off read. The owner then
// replaces the RCA. If it dies in between, the revision holds the full
// snapshot, and a writer that finds the claim older than claimGrace applies
// it ("rolls it forward"), so a claimed version is never lost. Younger
// claims are left to their owner: two writers applying the same version at
// once could, on FerretDB, land the older write last; should the stored
// RCA lag behind its revisions anyway, the next writer repairs it.
//
// A lost claim is a *store.ConflictError carrying the newest committed RCA.
func (s *Store) commitRCA(ctx context.Context, next *domain.RCA, read int64, author, note string, outbox ...deliveryDoc) (rcaDoc, error) {
	op := "update rca " + next.ID
	next.Version = read + 1
	d := toRCADoc(next)
	if err := checkSize(&d); err != nil {
		return d, err
	}
	rev, claim := s.claimRevision(ctx, &d, author, note) // history.go
	rev.Outbox = outbox
	if _, err := s.c(colRevisions).InsertOne(ctx, rev); err != nil {
		if !isDuplicate(err) {
			return d, wrap(op, err)
		}
		cur, err := s.lostClaim(ctx, next.ID, next.Version)
		if err != nil {
			return d, err
		}
		return d, fmt.Errorf("mongo: %s: %w", op, &store.ConflictError{Current: cur})
	}

	res, err := s.apply(ctx, &d)
	switch {
	case isDuplicate(err):
		// The new slug was taken after slugFree looked: give the version back.
		s.dropClaim(ctx, rev.ID, rev.Token)
		return d, fmt.Errorf("mongo: %s: slug %q: %w", op, d.Slug, store.ErrDuplicate)
	case err != nil:
		// The claim stays; a later writer rolls it forward.
		return d, wrap(op, err)
	case res.MatchedCount == 1:
		s.committed(ctx, &rev, claim)
		return d, nil
	}
	// Nothing older than our version: another writer already rolled our
	// claim forward (and maybe more), or the RCA was deleted.
	if _, err := s.GetRCA(ctx, d.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.dropClaim(ctx, rev.ID, rev.Token)
		}
		return d, err
	}
	s.committed(ctx, &rev, claim)
	return d, nil
}

// apply replaces the stored RCA with the snapshot d if the stored version
// is older. A snapshot holds everything committed up to its version, so
// applying it over any older version is right; on MongoDB the stored
// version is then always d.Version-1, but FerretDB, whose conditional
// writes are not atomic, can leave an older one behind, which the next
// apply repairs.
func (s *Store) apply(ctx context.Context, d *rcaDoc) (*mongo.UpdateResult, error) {
	return s.c(colRCAs).ReplaceOne(ctx, bson.D{
		{Key: "_id", Value: d.ID},
		{Key: "version", Value: bson.D{{Key: "$lt", Value: d.Version}}},
	}, d)
}

// lostClaim is called when another writer holds version v of an RCA. It
// rolls an abandoned claim forward and returns the newest committed RCA:
// the claimed snapshot, or the stored RCA when the claim is gone.
func (s *Store) lostClaim(ctx context.Context, rcaID string, v int64) (domain.RCA, error) {
	op := "read claim " + revisionID(rcaID, v)
	var rev revisionDoc
	err := s.c(colRevisions).FindOne(ctx, id(revisionID(rcaID, v))).Decode(&rev)
	if err == nil && rev.Snapshot == nil && (rev.Packed != nil || rev.MergedInto != 0) {
		// Applied and packed (scalemulti): normally the RCA is past it, but
		// FerretDB's non-atomic writes can leave the RCA behind; roll
		// forward from the packed snapshot.
		return s.rollPacked(ctx, rev)
	}
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && rev.Snapshot == nil) {
		return s.GetRCA(ctx, rcaID) // dropped in between
	}
	if err != nil {
		return domain.RCA{}, wrap(op, err)
	}
	if s.now().Sub(rev.At) < s.claimGrace {
		return rev.Snapshot.domain(), nil // its owner is applying it
	}
	_, err = s.apply(ctx, rev.Snapshot)
	if isDuplicate(err) {
		// The claimed snapshot can never be applied (its slug is taken);
		// drop it so the RCA can move on.
		s.dropClaim(ctx, rev.ID, rev.Token)
		return s.GetRCA(ctx, rcaID)
	}
	if err != nil {
		return domain.RCA{}, wrap("roll rca "+rcaID+" forward", err)
	}
	return rev.Snapshot.domain(), nil
}

// dropClaim removes a claimed revision that will not be applied. Best
// effort: a claim left behind is rolled forward or dropped by the next writer.
func (s *Store) dropClaim(ctx context.Context, revID, token string) {
	_, _ = s.c(colRevisions).DeleteOne(ctx, bson.D{{Key: "_id", Value: revID}, {Key: "token", Value: token}})
}

func newRevision(d *rcaDoc, author, note string) revisionDoc {
	return revisionDoc{
		ID: revisionID(d.ID, d.Version), RCAID: d.ID, Version: d.Version,
		Author: author, At: d.UpdatedAt, Note: note, Snapshot: d, Token: domain.NewID(),
	}
}

// putRevision stores the snapshot of d's version. It is an upsert keyed by
// (rca id, version), so repeating it after a failure is harmless.
func (s *Store) putRevision(ctx context.Context, d *rcaDoc, author, note string) error {
	rev := newRevision(d, author, note)
	_, err := s.c(colRevisions).ReplaceOne(ctx, id(rev.ID), rev, options.Replace().SetUpsert(true))
	return wrap("store revision "+rev.ID, err)
}

func revisionID(rcaID string, version int64) string {
	return rcaID + "/" + strconv.FormatInt(version, 10)
}

// DeleteRCA removes an RCA with its revisions and review comments.
func (s *Store) DeleteRCA(ctx context.Context, rid string) error {
	defer s.revCache.Forget(rid)
	if err := s.deleteByID(ctx, colRCAs, "delete rca "+rid, rid); err != nil {
		return err
	}
	if _, err := s.c(colRevisions).DeleteMany(ctx, bson.D{{Key: "rca_id", Value: rid}}); err != nil {
		return wrap("delete revisions of rca "+rid, err)
	}
	if _, err := s.c(colComments).DeleteMany(ctx, bson.D{{Key: "rca_id", Value: rid}}); err != nil {
		return wrap("delete comments of rca "+rid, err)
	}
	if _, err := s.c(colPresence).DeleteMany(ctx, bson.D{{Key: "rca_id", Value: rid}}); err != nil { // collab
		return wrap("delete presence in rca "+rid, err)
	}
	s.docChanged(ctx)
	return nil
}
