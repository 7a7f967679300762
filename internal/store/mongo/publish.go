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

// CreateTarget stores a new publish target at version 1.
func (s *Store) CreateTarget(ctx context.Context, t *domain.Target) error {
	if err := t.Validate(); err != nil {
		return err
	}
	now := s.clock()
	if t.ID == "" {
		t.ID = domain.NewID()
	}
	t.Version = 1
	stamp(&t.CreatedAt, &t.UpdatedAt, now)
	d := toTargetDoc(t)
	if _, err := s.c(colTargets).InsertOne(ctx, d); err != nil {
		return wrap("create target", err)
	}
	*t = d.domain()
	return nil
}

// GetTarget loads one target, secret included.
func (s *Store) GetTarget(ctx context.Context, tid string) (domain.Target, error) {
	return findOne(ctx, s.c(colTargets), "get target "+tid, id(tid), targetDoc.domain)
}

// ListTargets returns every target by name.
func (s *Store) ListTargets(ctx context.Context) ([]domain.Target, error) {
	return findAll(ctx, s.c(colTargets), "list targets", bson.D{},
		options.Find().SetSort(bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}), targetDoc.domain)
}

// UpdateTarget replaces a target if t.Version is the stored version. An
// empty t.Secret keeps the stored secret.
func (s *Store) UpdateTarget(ctx context.Context, t *domain.Target) error {
	if err := t.Validate(); err != nil {
		return err
	}
	next := *t
	next.Version = t.Version + 1
	next.UpdatedAt = s.clock()
	d := toTargetDoc(&next)
	set := bson.D{
		{Key: "name", Value: d.Name}, {Key: "kind", Value: d.Kind}, {Key: "enabled", Value: d.Enabled},
		{Key: "url", Value: d.URL}, {Key: "page_id", Value: d.PageID}, {Key: "language", Value: d.Language},
		{Key: "notify_subscribers", Value: d.NotifySubscribers}, {Key: "notify_twitter", Value: d.NotifyTwitter},
		{Key: "allow_private", Value: d.AllowPrivate}, {Key: "incident_map", Value: d.IncidentMap},
		{Key: "version", Value: d.Version}, {Key: "updated_at", Value: d.UpdatedAt},
	}
	if d.Secret != "" {
		set = append(set, bson.E{Key: "secret", Value: d.Secret})
	}
	var got targetDoc
	err := s.c(colTargets).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: t.ID}, {Key: "version", Value: t.Version}},
		bson.D{{Key: "$set", Value: set}},
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&got)
	if err != nil {
		return s.casMiss(ctx, colTargets, "update target "+t.ID, t.ID, err)
	}
	*t = got.domain()
	return nil
}

// DeleteTarget removes a target.
func (s *Store) DeleteTarget(ctx context.Context, tid string) error {
	return s.deleteByID(ctx, colTargets, "delete target "+tid, tid)
}

// CreateDelivery stores a delivery before its first attempt. An empty
// state is pending.
func (s *Store) CreateDelivery(ctx context.Context, d *domain.Delivery) error {
	if d.State == "" {
		d.State = domain.DeliveryPending
	}
	if err := d.Validate(); err != nil {
		return err
	}
	now := s.clock()
	if d.ID == "" {
		d.ID = domain.NewID()
	}
	stamp(&d.CreatedAt, &d.UpdatedAt, now)
	doc := toDeliveryDoc(d)
	doc.Seq = bson.NewObjectID()
	if _, err := s.c(colDeliveries).InsertOne(ctx, doc); err != nil {
		return wrap("create delivery", err)
	}
	*d = doc.domain()
	return nil
}

// UpdateDelivery replaces a delivery (no version check: one worker owns
// it); CreatedAt stays as stored.
func (s *Store) UpdateDelivery(ctx context.Context, d *domain.Delivery) error {
	op := "update delivery " + d.ID
	if err := d.Validate(); err != nil {
		// An unknown delivery is reported as such, whatever it carries.
		ok, xerr := exists(ctx, s.c(colDeliveries), d.ID)
		if xerr != nil {
			return wrap(op, xerr)
		}
		if !ok {
			return fmt.Errorf("mongo: %s: %w", op, store.ErrNotFound)
		}
		return err
	}
	next := *d
	next.UpdatedAt = s.clock()
	doc := toDeliveryDoc(&next)
	set := bson.D{
		{Key: "target_id", Value: doc.TargetID}, {Key: "rca_id", Value: doc.RCAID},
		{Key: "rca_version", Value: doc.RCAVersion}, {Key: "event", Value: doc.Event},
		{Key: "state", Value: doc.State}, {Key: "attempts", Value: doc.Attempts},
		{Key: "next_attempt_at", Value: doc.NextAttemptAt}, {Key: "last_status", Value: doc.LastStatus},
		{Key: "last_error", Value: doc.LastError}, {Key: "request", Value: doc.Request},
		{Key: "updated_at", Value: doc.UpdatedAt},
	}
	var got deliveryDoc
	err := s.c(colDeliveries).FindOneAndUpdate(ctx, id(d.ID), bson.D{{Key: "$set", Value: set}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&got)
	if err != nil {
		return wrap(op, err)
	}
	*d = got.domain()
	return nil
}

// GetDelivery loads one delivery.
func (s *Store) GetDelivery(ctx context.Context, did string) (domain.Delivery, error) {
	return findOne(ctx, s.c(colDeliveries), "get delivery "+did, id(did), deliveryDoc.domain)
}

// ListDeliveries returns an RCA's deliveries, newest first.
func (s *Store) ListDeliveries(ctx context.Context, rcaID string) ([]domain.Delivery, error) {
	return findAll(ctx, s.c(colDeliveries), "list deliveries of rca "+rcaID, bson.D{{Key: "rca_id", Value: rcaID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "seq", Value: -1}}), deliveryDoc.domain)
}

// DueDeliveries returns up to limit (100 when limit <= 0) pending
// deliveries due at now, the longest waiting first.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]domain.Delivery, error) {
	if limit <= 0 {
		limit = 100
	}
	filter := bson.D{
		{Key: "state", Value: string(domain.DeliveryPending)},
		{Key: "next_attempt_at", Value: bson.D{{Key: "$lte", Value: ms(now)}}},
	}
	opts := options.Find().
		SetSort(bson.D{{Key: "next_attempt_at", Value: 1}, {Key: "created_at", Value: 1}, {Key: "seq", Value: 1}}).
		SetLimit(int64(limit))
	return findAll(ctx, s.c(colDeliveries), "due deliveries", filter, opts, deliveryDoc.domain)
}

// GetSetting returns a setting's stored value, ErrNotFound when unset.
func (s *Store) GetSetting(ctx context.Context, key string) ([]byte, error) {
	return findOne(ctx, s.c(colSettings), "get setting "+key, id(key), func(d settingDoc) []byte { return d.Value })
}

// PutSetting stores a setting's value, replacing any previous one.
func (s *Store) PutSetting(ctx context.Context, key string, value []byte) error {
	if err := domain.ValidateSettingKey(key); err != nil {
		return err
	}
	if value == nil {
		value = []byte{}
	}
	_, err := s.c(colSettings).ReplaceOne(ctx, id(key), settingDoc{Key: key, Value: value}, options.Replace().SetUpsert(true))
	if err == nil {
		s.changed(ctx)
	}
	return wrap("put setting "+key, err)
}
