package mongo

// Revision history without bloat, the publish outbox, delivery leases and
// the change counter (scalemulti area).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/history"
)

func scalemultiIndexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		colRevisions: {{Keys: bson.D{{Key: "outbox._id", Value: 1}}, Options: options.Index().SetSparse(true)}},
		colDeliveries: {
			{Keys: bson.D{{Key: "rca_id", Value: 1}, {Key: "rca_version", Value: 1}}},
			{Keys: bson.D{{Key: "rca_id", Value: 1}, {Key: "target_id", Value: 1}, {Key: "state", Value: 1}}},
		},
		colLeases: {{Keys: bson.D{{Key: "delivery_id", Value: 1}, {Key: "epoch", Value: -1}}}},
	}
}

// SetClock replaces the store's clock (tests of time windows).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// --- change counter ---

// changed moves the change counter after a write the status page shows.
// Best effort: a lost bump delays other instances until their cache TTL.
func (s *Store) changed(ctx context.Context) {
	_, _ = s.c(colCounters).UpdateOne(context.WithoutCancel(ctx), id("changes"),
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}}, options.UpdateOne().SetUpsert(true))
}

// Changes answers the change counter (0 before the first write).
func (s *Store) Changes(ctx context.Context) (int64, error) {
	var doc struct {
		N int64 `bson:"n"`
	}
	err := s.c(colCounters).FindOne(ctx, id("changes")).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return doc.N, wrap("read change counter", err)
}

// --- history ---

// canonJSON is the JSON an RCA document has when read back from the
// server: packing and unpacking must see the same bytes.
func canonJSON(d *rcaDoc) ([]byte, error) {
	raw, err := bson.Marshal(d)
	if err != nil {
		return nil, err
	}
	var back rcaDoc
	if err := bson.Unmarshal(raw, &back); err != nil {
		return nil, err
	}
	return json.Marshal(back.domain())
}

// claim is what a writer learned while packing its revision, for
// committed.
type claim struct {
	json     []byte // the RCA's canonical JSON; nil when the claim holds a full snapshot
	place    history.Placement
	head     int64 // the revision before, folded into this one when place.Replace
	sections bool  // a section save of an unpublished RCA: nothing public changed
}

// claimRevision builds the revision document that claims d's version,
// packed against its base (folded into the revision before when both are
// autosaves of one run). Should packing fail, it holds the full snapshot,
// which every reader and roll-forward understands too.
func (s *Store) claimRevision(ctx context.Context, d *rcaDoc, author, note string) (revisionDoc, claim) {
	rev := newRevision(d, author, note)
	c := claim{sections: d.State != string(domain.StatePublished) && strings.HasPrefix(note, history.SectionNotePrefix)}
	cur, err := canonJSON(d)
	if err != nil {
		return rev, c
	}
	head := s.revisionHead(ctx, d.ID, d.Version-1, author, note, d.UpdatedAt)
	p := history.Place(head, author, note, d.UpdatedAt)
	var base []byte
	if p.Base != 0 {
		if base, err = s.materialize(ctx, d.ID, p.Base); err != nil {
			p.Base, p.Depth = 0, 0 // a keyframe is always right
		}
	}
	packed, err := history.Pack(base, cur)
	if err != nil {
		return rev, c
	}
	rev.Snapshot, rev.Packed = nil, packed
	rev.Base, rev.Depth, rev.FirstAt, rev.Saves = p.Base, p.Depth, ms(p.FirstAt), p.Saves
	c.json, c.place, c.head = cur, p, head.Version
	return rev, c
}

// committed runs after a writer applied its claimed revision: it moves
// the change counter, moves the revision's outbox and folds the revision
// before into this one when they are one run of autosaves. A failure
// leaves an outbox behind (MoveOutbox moves it) or an extra revision.
func (s *Store) committed(ctx context.Context, rev *revisionDoc, c claim) {
	ctx = context.WithoutCancel(ctx)
	if !c.sections {
		s.changed(ctx)
	}
	s.docChanged(ctx) // collab: every RCA write, drafts too
	if c.json != nil {
		s.revCache.Put(rev.RCAID, rev.Version, c.json)
	}
	if len(rev.Outbox) > 0 {
		_ = s.moveOutbox(ctx, rev)
	}
	if c.place.Replace && c.head != 0 {
		_, _ = s.c(colRevisions).UpdateOne(ctx, id(revisionID(rev.RCAID, c.head)), bson.D{
			{Key: "$set", Value: bson.D{{Key: "merged_into", Value: rev.Version}}},
			{Key: "$unset", Value: bson.D{{Key: "packed", Value: ""}, {Key: "snapshot", Value: ""}}},
		})
	}
}

// revisionHead describes the listed revision of version v, or none. Only
// when a save by author with note at at would fold into it does it look
// whether a delivery names that version (which keeps it listed).
func (s *Store) revisionHead(ctx context.Context, rcaID string, v int64, author, note string, at time.Time) history.Head {
	var rev revisionDoc
	err := s.c(colRevisions).FindOne(ctx, id(revisionID(rcaID, v)),
		options.FindOne().SetProjection(bson.D{{Key: "snapshot", Value: 0}, {Key: "packed", Value: 0}})).Decode(&rev)
	if err != nil || rev.MergedInto != 0 {
		return history.Head{}
	}
	h := history.Head{Version: rev.Version, Author: rev.Author, Note: rev.Note, FirstAt: rev.FirstAt,
		Saves: max(rev.Saves, 1), Base: rev.Base, Depth: rev.Depth, Pinned: len(rev.Outbox) > 0}
	if h.FirstAt.IsZero() {
		h.FirstAt = rev.At
	}
	if history.Coalesces(h, author, note, at) {
		n, err := s.c(colDeliveries).CountDocuments(ctx, bson.D{{Key: "rca_id", Value: rcaID}, {Key: "rca_version", Value: v}},
			options.Count().SetLimit(1))
		h.Pinned = err != nil || n > 0
	}
	return h
}

// materialize returns the JSON of one revision, following its deltas.
func (s *Store) materialize(ctx context.Context, rcaID string, v int64) ([]byte, error) {
	if b, ok := s.revCache.Get(rcaID, v); ok {
		return b, nil
	}
	var rev revisionDoc
	if err := s.c(colRevisions).FindOne(ctx, id(revisionID(rcaID, v))).Decode(&rev); err != nil {
		return nil, wrap("read revision "+revisionID(rcaID, v), err)
	}
	return s.revisionJSON(ctx, &rev)
}

func (s *Store) revisionJSON(ctx context.Context, rev *revisionDoc) ([]byte, error) {
	switch {
	case rev.MergedInto != 0:
		return nil, fmt.Errorf("mongo: revision %s was folded into %d: %w", rev.ID, rev.MergedInto, store.ErrNotFound)
	case rev.Snapshot != nil:
		return canonJSON(rev.Snapshot)
	case rev.Packed == nil:
		return nil, fmt.Errorf("mongo: revision %s: %w", rev.ID, store.ErrNotFound)
	}
	var dict []byte
	if rev.Base != 0 {
		if rev.Base >= rev.Version {
			return nil, fmt.Errorf("mongo: revision %s: %w", rev.ID, history.ErrBrokenChain)
		}
		var err error
		if dict, err = s.materialize(ctx, rev.RCAID, rev.Base); err != nil {
			return nil, err
		}
	}
	out, err := history.Unpack(dict, rev.Packed)
	if err == nil {
		s.revCache.Put(rev.RCAID, rev.Version, out)
	}
	return out, err
}

func (s *Store) revisionRCA(ctx context.Context, rev *revisionDoc) (domain.RCA, error) {
	raw, err := s.revisionJSON(ctx, rev)
	if err != nil {
		return domain.RCA{}, err
	}
	var r domain.RCA
	if err := json.Unmarshal(raw, &r); err != nil {
		return domain.RCA{}, fmt.Errorf("mongo: decode revision %s: %w", rev.ID, err)
	}
	return r, nil
}

// rollPacked is lostClaim for a claim already packed (or folded into a
// later one): the RCA should be past it; if FerretDB left it behind, the
// claim is applied again.
func (s *Store) rollPacked(ctx context.Context, rev revisionDoc) (domain.RCA, error) {
	if rev.MergedInto != 0 {
		var later revisionDoc
		if err := s.c(colRevisions).FindOne(ctx, id(revisionID(rev.RCAID, rev.MergedInto))).Decode(&later); err != nil || later.MergedInto != 0 {
			return s.GetRCA(ctx, rev.RCAID)
		}
		rev = later
	}
	r, err := s.revisionRCA(ctx, &rev)
	if err != nil {
		return s.GetRCA(ctx, rev.RCAID)
	}
	if s.now().Sub(rev.At) >= s.claimGrace {
		d := toRCADoc(&r)
		if _, err := s.apply(ctx, &d); err != nil && !isDuplicate(err) {
			return domain.RCA{}, wrap("roll rca "+rev.RCAID+" forward", err)
		}
	}
	return r, nil
}

// ListRevisions describes an RCA's listed revisions, newest first.
func (s *Store) ListRevisions(ctx context.Context, rcaID string) ([]store.RevisionInfo, error) {
	opts := options.Find().
		SetProjection(bson.D{{Key: "snapshot", Value: 0}, {Key: "packed", Value: 0}, {Key: "outbox", Value: 0}}).
		SetSort(bson.D{{Key: "version", Value: -1}})
	return findAll(ctx, s.c(colRevisions), "list revisions of rca "+rcaID,
		bson.D{{Key: "rca_id", Value: rcaID}, {Key: "merged_into", Value: bson.D{{Key: "$exists", Value: false}}}}, opts, revisionDoc.info)
}

// GetRevision loads one listed revision with its snapshot.
func (s *Store) GetRevision(ctx context.Context, rcaID string, version int64) (store.Revision, error) {
	op := "get revision " + revisionID(rcaID, version)
	var rev revisionDoc
	if err := s.c(colRevisions).FindOne(ctx, id(revisionID(rcaID, version))).Decode(&rev); err != nil {
		return store.Revision{}, wrap(op, err)
	}
	if rev.MergedInto != 0 || (rev.Snapshot == nil && rev.Packed == nil) {
		return store.Revision{}, fmt.Errorf("mongo: %s: %w", op, store.ErrNotFound)
	}
	snap, err := s.revisionRCA(ctx, &rev)
	if err != nil {
		return store.Revision{}, wrap(op, err)
	}
	return store.Revision{RevisionInfo: rev.info(), Snapshot: snap}, nil
}

func (d revisionDoc) info() store.RevisionInfo {
	ri := store.RevisionInfo{RCAID: d.RCAID, Version: d.Version, Author: d.Author, At: d.At, Note: d.Note,
		FirstAt: d.FirstAt, Saves: max(d.Saves, 1)}
	if ri.FirstAt.IsZero() {
		ri.FirstAt = d.At
	}
	return ri
}

// --- publish outbox ---

// PublishRCA writes the RCA with its deliveries in the revision document
// that claims its version, then moves them into the deliveries.
func (s *Store) PublishRCA(ctx context.Context, r *domain.RCA, author, note string, deliveries []domain.Delivery) ([]domain.Delivery, error) {
	var out []domain.Delivery
	err := s.updateRCA(ctx, r, author, note, func(version int64, now time.Time) ([]deliveryDoc, error) {
		box := make([]deliveryDoc, len(deliveries))
		out = make([]domain.Delivery, len(deliveries))
		for i, d := range deliveries {
			if d.ID != "" {
				// Moving treats a delivery already there as moved before, so
				// a taken id must be refused now, before the RCA is written.
				taken, err := exists(ctx, s.c(colDeliveries), d.ID)
				if err != nil {
					return nil, wrap("publish rca "+r.ID, err)
				}
				if taken {
					return nil, fmt.Errorf("mongo: publish rca %s: delivery %s: %w", r.ID, d.ID, store.ErrDuplicate)
				}
			}
			d = store.NewDelivery(d, r.ID, version, now)
			if err := d.Validate(); err != nil {
				return nil, err
			}
			box[i] = toDeliveryDoc(&d)
			box[i].Seq = bson.NewObjectID()
			out[i] = box[i].domain()
		}
		return box, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// moveOutbox inserts the deliveries of rev's outbox (a delivery already
// there was moved before), supersedes older pending ones, and empties the
// outbox.
func (s *Store) moveOutbox(ctx context.Context, rev *revisionDoc) error {
	for _, d := range rev.Outbox {
		newer, err := s.c(colDeliveries).CountDocuments(ctx, bson.D{
			{Key: "rca_id", Value: d.RCAID}, {Key: "target_id", Value: d.TargetID},
			{Key: "created_at", Value: bson.D{{Key: "$gt", Value: d.CreatedAt}}},
		}, options.Count().SetLimit(1))
		if err != nil {
			return wrap("move outbox of "+rev.ID, err)
		}
		if newer > 0 && d.State == string(domain.DeliveryPending) {
			// A later publish got out first: this one must not go after it.
			d.State, d.LastError = string(domain.DeliveryFailed), "superseded by a newer delivery"
		}
		if _, err := s.c(colDeliveries).InsertOne(ctx, d); err != nil && !isDuplicate(err) {
			return wrap("move outbox of "+rev.ID, err)
		}
		_, err = s.c(colDeliveries).UpdateMany(ctx, bson.D{
			{Key: "rca_id", Value: d.RCAID}, {Key: "target_id", Value: d.TargetID},
			{Key: "state", Value: string(domain.DeliveryPending)}, {Key: "_id", Value: bson.D{{Key: "$ne", Value: d.ID}}},
			{Key: "created_at", Value: bson.D{{Key: "$lte", Value: d.CreatedAt}}},
		}, bson.D{{Key: "$set", Value: bson.D{
			{Key: "state", Value: string(domain.DeliveryFailed)}, {Key: "last_error", Value: "superseded by delivery " + d.ID},
			{Key: "updated_at", Value: s.clock()},
		}}})
		if err != nil {
			return wrap("supersede deliveries of rca "+d.RCAID, err)
		}
	}
	_, err := s.c(colRevisions).UpdateOne(ctx, bson.D{{Key: "_id", Value: rev.ID}, {Key: "token", Value: rev.Token}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "outbox", Value: ""}}}})
	return wrap("empty outbox of "+rev.ID, err)
}

// MoveOutbox finishes publishes whose writer stopped before moving their
// deliveries: the claim is applied (rolled forward) first, then moved.
func (s *Store) MoveOutbox(ctx context.Context, now time.Time, grace time.Duration) (int, error) {
	cur, err := s.c(colRevisions).Find(ctx, bson.D{
		{Key: "outbox._id", Value: bson.D{{Key: "$exists", Value: true}}},
		{Key: "at", Value: bson.D{{Key: "$lte", Value: ms(now.Add(-grace))}}},
	}, options.Find().SetLimit(100))
	if err != nil {
		return 0, wrap("find outboxes", err)
	}
	var revs []revisionDoc
	if err := cur.All(ctx, &revs); err != nil {
		return 0, wrap("find outboxes", err)
	}
	moved := 0
	for _, rev := range revs {
		snap := rev.Snapshot
		if snap == nil {
			r, err := s.revisionRCA(ctx, &rev)
			if err != nil {
				return moved, err
			}
			d := toRCADoc(&r)
			snap = &d
		}
		if _, err := s.apply(ctx, snap); isDuplicate(err) {
			s.dropClaim(ctx, rev.ID, rev.Token) // can never be applied: no publish, no deliveries
			continue
		} else if err != nil {
			return moved, wrap("roll rca "+rev.RCAID+" forward", err)
		}
		if err := s.moveOutbox(ctx, &rev); err != nil {
			return moved, err
		}
		moved += len(rev.Outbox)
	}
	return moved, nil
}

// --- delivery leases ---

// leaseDoc is one lease of a delivery. Its _id, "<delivery id>/<epoch>",
// makes taking it an insert under a unique key, which is atomic on MongoDB
// and FerretDB alike (FerretDB's conditional updates are not). Leases are
// never reused: a takeover inserts the next epoch.
type leaseDoc struct {
	ID         string    `bson:"_id"`
	DeliveryID string    `bson:"delivery_id"`
	Epoch      int64     `bson:"epoch"`
	Owner      string    `bson:"owner"`
	Until      time.Time `bson:"until"`
	Released   bool      `bson:"released"`
}

func (s *Store) latestLease(ctx context.Context, deliveryID string) (leaseDoc, bool, error) {
	var l leaseDoc
	err := s.c(colLeases).FindOne(ctx, bson.D{{Key: "delivery_id", Value: deliveryID}},
		options.FindOne().SetSort(bson.D{{Key: "epoch", Value: -1}})).Decode(&l)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return l, false, nil
	}
	return l, err == nil, wrap("read lease of delivery "+deliveryID, err)
}

func due(d domain.Delivery, now time.Time) bool {
	return d.State == domain.DeliveryPending && !d.NextAttemptAt.After(ms(now))
}

// LeaseDelivery takes the next lease epoch of a due delivery.
func (s *Store) LeaseDelivery(ctx context.Context, did, owner string, now time.Time, ttl time.Duration) (domain.Delivery, store.Lease, error) {
	op := "lease delivery " + did
	d, err := s.GetDelivery(ctx, did)
	if err != nil {
		return d, store.Lease{}, err
	}
	if !due(d, now) {
		return d, store.Lease{}, fmt.Errorf("mongo: %s: %w", op, store.ErrLeased)
	}
	last, found, err := s.latestLease(ctx, did)
	if err != nil {
		return d, store.Lease{}, err
	}
	if found && !last.Released && last.Until.After(now) {
		return d, store.Lease{}, fmt.Errorf("mongo: %s: %w", op, store.ErrLeased)
	}
	l := leaseDoc{DeliveryID: did, Epoch: last.Epoch + 1, Owner: owner, Until: ms(now.Add(ttl))}
	l.ID = fmt.Sprintf("%s/%d", did, l.Epoch)
	if _, err := s.c(colLeases).InsertOne(ctx, l); err != nil {
		if isDuplicate(err) {
			return d, store.Lease{}, fmt.Errorf("mongo: %s: %w", op, store.ErrLeased)
		}
		return d, store.Lease{}, wrap(op, err)
	}
	lease := store.Lease{DeliveryID: did, Owner: owner, Token: l.ID, Until: l.Until}
	// Read again under the lease: a worker that finished the delivery
	// released its lease only after storing the outcome.
	if d, err = s.GetDelivery(ctx, did); err != nil || !due(d, now) {
		s.release(ctx, lease, false)
		if err == nil {
			err = fmt.Errorf("mongo: %s: %w", op, store.ErrLeased)
		}
		return d, store.Lease{}, err
	}
	return d, lease, nil
}

func (s *Store) release(ctx context.Context, l store.Lease, final bool) {
	ctx = context.WithoutCancel(ctx)
	if final {
		// Nothing can lease a finished delivery: its leases can go.
		_, _ = s.c(colLeases).DeleteMany(ctx, bson.D{{Key: "delivery_id", Value: l.DeliveryID}})
		return
	}
	_, _ = s.c(colLeases).UpdateOne(ctx, id(l.Token), bson.D{{Key: "$set", Value: bson.D{{Key: "released", Value: true}}}})
}

// FinishDelivery stores the outcome unless a later lease took over.
func (s *Store) FinishDelivery(ctx context.Context, d *domain.Delivery, l store.Lease) error {
	op := "finish delivery " + d.ID
	last, found, err := s.latestLease(ctx, d.ID)
	if err != nil {
		return err
	}
	if !found || last.ID != l.Token || last.Released {
		return fmt.Errorf("mongo: %s: %w", op, store.ErrLeased)
	}
	if err := s.UpdateDelivery(ctx, d); err != nil {
		return err
	}
	s.release(ctx, l, d.State != domain.DeliveryPending)
	return nil
}
