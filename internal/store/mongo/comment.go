package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// AddComment stores a review comment on an existing RCA.
func (s *Store) AddComment(ctx context.Context, c *domain.Comment) error {
	if err := c.Validate(); err != nil {
		return err
	}
	ok, err := exists(ctx, s.c(colRCAs), c.RCAID)
	if err != nil {
		return wrap("add comment", err)
	}
	if !ok {
		return fmt.Errorf("mongo: add comment to rca %s: %w", c.RCAID, store.ErrNotFound)
	}
	if c.ID == "" {
		c.ID = domain.NewID()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.clock()
	}
	d := toCommentDoc(c)
	if _, err := s.c(colComments).InsertOne(ctx, d); err != nil {
		return wrap("add comment", err)
	}
	*c = d.domain()
	s.docChanged(ctx) // collab
	return nil
}

// ListComments returns an RCA's comments, oldest first.
func (s *Store) ListComments(ctx context.Context, rcaID string) ([]domain.Comment, error) {
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "seq", Value: 1}})
	return findAll(ctx, s.c(colComments), "list comments of rca "+rcaID,
		bson.D{{Key: "rca_id", Value: rcaID}}, opts, commentDoc.domain)
}

// ResolveComment marks a comment resolved at at.
func (s *Store) ResolveComment(ctx context.Context, rcaID, commentID string, at time.Time) error {
	op := "resolve comment " + commentID
	res, err := s.c(colComments).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: commentID}, {Key: "rca_id", Value: rcaID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "resolved_at", Value: ms(at)}}}})
	if err != nil {
		return wrap(op, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongo: %s: %w", op, store.ErrNotFound)
	}
	s.docChanged(ctx) // collab
	return nil
}
