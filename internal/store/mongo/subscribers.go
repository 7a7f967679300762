package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// subs: status-page subscribers, one document each; address and token are
// unique.

const colSubscribers = "subscribers"

func subscriberIndexes() map[string][]mongo.IndexModel {
	return map[string][]mongo.IndexModel{colSubscribers: {
		{Keys: bson.D{{Key: "address", Value: 1}}, Options: options.Index().SetUnique(true)},
		{Keys: bson.D{{Key: "token", Value: 1}}, Options: options.Index().SetUnique(true)},
		{Keys: bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}},
	}}
}

type subscriberDoc struct {
	ID          string     `bson:"_id"`
	Kind        string     `bson:"kind"`
	Address     string     `bson:"address"`
	Email       string     `bson:"email"`
	URL         string     `bson:"url"`
	Secret      string     `bson:"secret"`
	Private     bool       `bson:"allow_private"`
	Components  []string   `bson:"components"`
	Language    string     `bson:"language"`
	Confirmed   bool       `bson:"confirmed"`
	Token       string     `bson:"token"`
	CreatedAt   time.Time  `bson:"created_at"`
	ConfirmedAt *time.Time `bson:"confirmed_at"`
	FailedAt    *time.Time `bson:"failed_at"`
	LastError   string     `bson:"last_error"`
}

func toSubscriberDoc(s domain.Subscriber) subscriberDoc {
	addr := s.Email
	if s.Kind == domain.SubscriberWebhook {
		addr = s.URL
	}
	return subscriberDoc{
		ID: s.ID, Kind: string(s.Kind), Address: addr, Email: s.Email, URL: s.URL, Secret: s.Secret, Private: s.AllowPrivate,
		Components: s.Components, Language: s.Language, Confirmed: s.Confirmed, Token: s.Token,
		CreatedAt: ms(s.CreatedAt), ConfirmedAt: msPtr(s.ConfirmedAt), FailedAt: msPtr(s.FailedAt), LastError: s.LastError,
	}
}

func (d subscriberDoc) domain() domain.Subscriber {
	return domain.Subscriber{
		ID: d.ID, Kind: domain.SubscriberKind(d.Kind), Email: d.Email, URL: d.URL, Secret: d.Secret, AllowPrivate: d.Private,
		Components: d.Components, Language: d.Language, Confirmed: d.Confirmed, Token: d.Token,
		CreatedAt: d.CreatedAt.UTC(), ConfirmedAt: utcPtr(d.ConfirmedAt), FailedAt: utcPtr(d.FailedAt), LastError: d.LastError,
	}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

// CreateSubscriber stores a new subscriber.
func (s *Store) CreateSubscriber(ctx context.Context, sub *domain.Subscriber) error {
	n := *sub
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	if n.Token == "" {
		n.Token = domain.NewSubscriberToken()
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = s.clock()
	}
	d := toSubscriberDoc(n)
	if _, err := s.c(colSubscribers).InsertOne(ctx, d); err != nil {
		return wrap("create subscriber", err)
	}
	*sub = d.domain()
	return nil
}

// GetSubscriber loads one subscriber by id.
func (s *Store) GetSubscriber(ctx context.Context, sid string) (domain.Subscriber, error) {
	return findOne(ctx, s.c(colSubscribers), "get subscriber", id(sid), subscriberDoc.domain)
}

// GetSubscriberByToken loads the subscriber of a link token.
func (s *Store) GetSubscriberByToken(ctx context.Context, token string) (domain.Subscriber, error) {
	return findOne(ctx, s.c(colSubscribers), "get subscriber by token", bson.D{{Key: "token", Value: token}}, subscriberDoc.domain)
}

// GetSubscriberByAddress loads the subscriber of an address or webhook URL.
func (s *Store) GetSubscriberByAddress(ctx context.Context, addr string) (domain.Subscriber, error) {
	return findOne(ctx, s.c(colSubscribers), "get subscriber by address", bson.D{{Key: "address", Value: addr}}, subscriberDoc.domain)
}

// ListSubscribers lists every subscriber, oldest first.
func (s *Store) ListSubscribers(ctx context.Context) ([]domain.Subscriber, error) {
	return findAll(ctx, s.c(colSubscribers), "list subscribers", bson.D{},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}), subscriberDoc.domain)
}

// UpdateSubscriber replaces a subscriber; an empty Token or Secret keeps the
// stored one, CreatedAt stays.
func (s *Store) UpdateSubscriber(ctx context.Context, sub *domain.Subscriber) error {
	old, err := s.GetSubscriber(ctx, sub.ID)
	if err != nil {
		return err
	}
	n := *sub
	if n.Token == "" {
		n.Token = old.Token
	}
	if n.Secret == "" {
		n.Secret = old.Secret
	}
	n.CreatedAt = old.CreatedAt
	d := toSubscriberDoc(n)
	res, err := s.c(colSubscribers).ReplaceOne(ctx, id(n.ID), d)
	if err != nil {
		return wrap("update subscriber", err)
	}
	if res.MatchedCount == 0 {
		_, err := s.GetSubscriber(ctx, n.ID) // gone meanwhile: ErrNotFound
		return err
	}
	*sub = d.domain()
	return nil
}

// DeleteSubscriber removes a subscriber for good.
func (s *Store) DeleteSubscriber(ctx context.Context, sid string) error {
	return s.deleteByID(ctx, colSubscribers, "delete subscriber", sid)
}
