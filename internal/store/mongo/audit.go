package mongo

import (
	"context"
	"regexp"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// AppendAudit records one event.
func (s *Store) AppendAudit(ctx context.Context, e *domain.AuditEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = domain.NewID()
	}
	if e.At.IsZero() {
		e.At = s.clock()
	}
	d := toAuditDoc(e)
	if _, err := s.c(colAudit).InsertOne(ctx, d); err != nil {
		return wrap("append audit", err)
	}
	*e = d.domain()
	return nil
}

// ListAudit returns one page of events, newest first, and how many match.
func (s *Store) ListAudit(ctx context.Context, f store.AuditFilter) ([]domain.AuditEvent, int, error) {
	filter := bson.D{}
	if f.Actor != "" {
		filter = append(filter, bson.E{Key: "actor", Value: f.Actor})
	}
	if f.Action != "" {
		filter = append(filter, bson.E{Key: "action", Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(f.Action)}}})
	}
	if f.Target != "" {
		filter = append(filter, bson.E{Key: "target", Value: f.Target})
	}
	if f.Since != nil {
		filter = append(filter, bson.E{Key: "at", Value: bson.D{{Key: "$gte", Value: ms(*f.Since)}}})
	}
	total, err := s.c(colAudit).CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, wrap("count audit", err)
	}
	opts := page(options.Find().SetSort(bson.D{{Key: "at", Value: -1}, {Key: "seq", Value: -1}}), f.Page)
	out, err := findAll(ctx, s.c(colAudit), "list audit", filter, opts, auditDoc.domain)
	if err != nil {
		return nil, 0, err
	}
	return out, int(total), nil
}
