package mongo

// Area collab (issue 12): presence in a document and the document counter
// (a second document in the counters collection, so drafts' autosaves leave
// the status page's change counter alone).

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

const colPresence = "presence"

func collabIndexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{
		colPresence: {{Keys: bson.D{{Key: "rca_id", Value: 1}, {Key: "until", Value: 1}}}},
	}
}

type presenceDoc struct {
	ID      string    `bson:"_id"` // rca id "/" client
	RCAID   string    `bson:"rca_id"`
	Client  string    `bson:"client"`
	UserID  string    `bson:"user_id"`
	Section string    `bson:"section"`
	Until   time.Time `bson:"until"`
}

func (d presenceDoc) domain() domain.Presence {
	return domain.Presence{RCAID: d.RCAID, Client: d.Client, UserID: d.UserID, Section: d.Section, Until: d.Until.UTC()}
}

// docChanged moves the document counter. Best effort, like changed: a lost
// bump delays other instances' editors until their next full refresh.
func (s *Store) docChanged(ctx context.Context) {
	_, _ = s.c(colCounters).UpdateOne(context.WithoutCancel(ctx), id("docs"),
		bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: int64(1)}}}}, options.UpdateOne().SetUpsert(true))
}

// TouchPresence stores one client's presence in an RCA.
func (s *Store) TouchPresence(ctx context.Context, p domain.Presence) error {
	if err := p.Validate(); err != nil {
		return err
	}
	op := "touch presence in rca " + p.RCAID
	ok, err := exists(ctx, s.c(colRCAs), p.RCAID)
	if err != nil {
		return wrap(op, err)
	}
	if !ok {
		return fmt.Errorf("mongo: %s: %w", op, store.ErrNotFound)
	}
	d := presenceDoc{ID: p.RCAID + "/" + p.Client, RCAID: p.RCAID, Client: p.Client, UserID: p.UserID,
		Section: p.Section, Until: ms(p.Until)}
	if _, err := s.c(colPresence).ReplaceOne(ctx, id(d.ID), d, options.Replace().SetUpsert(true)); err != nil {
		return wrap(op, err)
	}
	_, _ = s.c(colPresence).DeleteMany(ctx, bson.D{{Key: "rca_id", Value: p.RCAID},
		{Key: "until", Value: bson.D{{Key: "$lte", Value: s.clock()}}}})
	s.docChanged(ctx)
	return nil
}

// ListPresence lists the live presences in an RCA.
func (s *Store) ListPresence(ctx context.Context, rcaID string, now time.Time) ([]domain.Presence, error) {
	opts := options.Find().SetSort(bson.D{{Key: "user_id", Value: 1}, {Key: "client", Value: 1}})
	return findAll(ctx, s.c(colPresence), "list presence in rca "+rcaID,
		bson.D{{Key: "rca_id", Value: rcaID}, {Key: "until", Value: bson.D{{Key: "$gt", Value: ms(now)}}}}, opts, presenceDoc.domain)
}

// LeavePresence removes one client's presence.
func (s *Store) LeavePresence(ctx context.Context, rcaID, client string) error {
	if _, err := s.c(colPresence).DeleteOne(ctx, id(rcaID+"/"+client)); err != nil {
		return wrap("leave rca "+rcaID, err)
	}
	s.docChanged(ctx)
	return nil
}

// DocChanges answers the document counter (0 before the first write).
func (s *Store) DocChanges(ctx context.Context) (int64, error) {
	var doc struct {
		N int64 `bson:"n"`
	}
	err := s.c(colCounters).FindOne(ctx, id("docs")).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return doc.N, wrap("read document counter", err)
}
