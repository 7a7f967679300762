package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// CreateComponent stores a new component at version 1.
func (s *Store) CreateComponent(ctx context.Context, c *domain.Component) error {
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.clock()
	if c.ID == "" {
		c.ID = domain.NewID()
	}
	c.Version = 1
	stamp(&c.CreatedAt, &c.UpdatedAt, now)
	d := toComponentDoc(c)
	if _, err := s.c(colComponents).InsertOne(ctx, d); err != nil {
		return wrap("create component", err)
	}
	*c = d.domain()
	s.changed(ctx)
	return nil
}

// GetComponent loads one component.
func (s *Store) GetComponent(ctx context.Context, cid string) (domain.Component, error) {
	return findOne(ctx, s.c(colComponents), "get component "+cid, id(cid), componentDoc.domain)
}

// ListComponents returns every component by group, position and name.
func (s *Store) ListComponents(ctx context.Context) ([]domain.Component, error) {
	opts := options.Find().SetSort(bson.D{{Key: "group", Value: 1}, {Key: "position", Value: 1}, {Key: "name", Value: 1}, {Key: "_id", Value: 1}})
	return findAll(ctx, s.c(colComponents), "list components", bson.D{}, opts, componentDoc.domain)
}

// UpdateComponent replaces a component if c.Version is the stored version.
func (s *Store) UpdateComponent(ctx context.Context, c *domain.Component) error {
	if err := c.Validate(); err != nil {
		return err
	}
	next := *c
	next.Version = c.Version + 1
	next.UpdatedAt = s.clock()
	d := toComponentDoc(&next)
	set := bson.D{
		{Key: "name", Value: d.Name}, {Key: "group", Value: d.Group}, {Key: "description", Value: d.Description},
		{Key: "position", Value: d.Position}, {Key: "status", Value: d.Status},
		{Key: "version", Value: d.Version}, {Key: "updated_at", Value: d.UpdatedAt},
	}
	var got componentDoc
	err := s.c(colComponents).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: c.ID}, {Key: "version", Value: c.Version}},
		bson.D{{Key: "$set", Value: set}},
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&got)
	if err != nil {
		return s.casMiss(ctx, colComponents, "update component "+c.ID, c.ID, err)
	}
	*c = got.domain()
	s.changed(ctx)
	return nil
}

// DeleteComponent removes a component.
func (s *Store) DeleteComponent(ctx context.Context, cid string) error {
	return s.deleteByID(ctx, colComponents, "delete component "+cid, cid)
}

// casMiss explains why a compare-and-swap on {_id, version} matched nothing:
// the record is gone (ErrNotFound) or its version moved on (ErrConflict).
func (s *Store) casMiss(ctx context.Context, col, op, docID string, err error) error {
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return wrap(op, err)
	}
	ok, err := exists(ctx, s.c(col), docID)
	switch {
	case err != nil:
		return wrap(op, err)
	case !ok:
		return fmt.Errorf("mongo: %s: %w", op, store.ErrNotFound)
	default:
		return fmt.Errorf("mongo: %s: %w", op, store.ErrConflict)
	}
}

// deleteByID removes one document, ErrNotFound when there was none.
func (s *Store) deleteByID(ctx context.Context, col, op, docID string) error {
	res, err := s.c(col).DeleteOne(ctx, id(docID))
	if err != nil {
		return wrap(op, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("mongo: %s: %w", op, store.ErrNotFound)
	}
	s.changed(ctx)
	return nil
}
