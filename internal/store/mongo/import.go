package mongo

// Importing for `hindsight store copy` (scalemulti area).

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/history"
)

var _ store.Importer = (*Store)(nil)

// ImportRCA stores the revisions, packed, then the RCA as it is.
func (s *Store) ImportRCA(ctx context.Context, r domain.RCA, revisions []store.Revision) error {
	op := "import rca " + r.ID
	if err := r.Validate(); err != nil {
		return err
	}
	if _, err := s.c(colRevisions).DeleteMany(ctx, bson.D{{Key: "rca_id", Value: r.ID}}); err != nil {
		return wrap(op, err)
	}
	s.revCache.Forget(r.ID)
	var prev []byte
	var prevVersion int64
	depth := 0
	for _, rev := range revisions {
		snap := toRCADoc(&rev.Snapshot)
		cur, err := canonJSON(&snap)
		if err != nil {
			return wrap(op, err)
		}
		base, baseVersion := prev, prevVersion
		if depth >= history.MaxDepth || prev == nil {
			base, baseVersion, depth = nil, 0, 0
		} else {
			depth++
		}
		packed, err := history.Pack(base, cur)
		if err != nil {
			return err
		}
		first := rev.FirstAt
		if first.IsZero() {
			first = rev.At
		}
		doc := revisionDoc{
			ID: revisionID(r.ID, rev.Version), RCAID: r.ID, Version: rev.Version, Author: rev.Author, At: ms(rev.At),
			Note: rev.Note, Token: domain.NewID(), Packed: packed, Base: baseVersion, Depth: depth,
			FirstAt: ms(first), Saves: max(rev.Saves, 1),
		}
		if _, err := s.c(colRevisions).ReplaceOne(ctx, id(doc.ID), doc, options.Replace().SetUpsert(true)); err != nil {
			return wrap(op, err)
		}
		prev, prevVersion = cur, rev.Version
	}
	d := toRCADoc(&r)
	if err := checkSize(&d); err != nil {
		return err
	}
	if _, err := s.c(colRCAs).ReplaceOne(ctx, id(r.ID), d, options.Replace().SetUpsert(true)); err != nil {
		return wrap(op, err)
	}
	s.changed(ctx)
	return nil
}

// SettingKeys lists every setting's key.
func (s *Store) SettingKeys(ctx context.Context) ([]string, error) {
	return findAll(ctx, s.c(colSettings), "list settings", bson.D{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(bson.D{{Key: "_id", Value: 1}}),
		func(d settingDoc) string { return d.Key })
}

// SetVersion sets the stored version of a copied component, incident or target.
func (s *Store) SetVersion(ctx context.Context, kind, docID string, version int64) error {
	col, ok := map[string]string{"components": colComponents, "incidents": colIncidents, "targets": colTargets,
		"templates": colTemplates, "factors": colFactors}[kind] // tmpl area
	if !ok {
		return fmt.Errorf("mongo: set version: unknown kind %q", kind)
	}
	res, err := s.c(col).UpdateOne(ctx, id(docID), bson.D{{Key: "$set", Value: bson.D{{Key: "version", Value: version}}}})
	if err != nil {
		return wrap("set version of "+kind+" "+docID, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongo: set version of %s %s: %w", kind, docID, store.ErrNotFound)
	}
	return nil
}
