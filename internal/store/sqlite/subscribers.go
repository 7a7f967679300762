package sqlite

import (
	"context"
	"database/sql"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// subs: status-page subscribers. The address (e-mail or webhook URL) and the
// link token are unique columns; token and secret live outside the JSON doc.

func scanSubscriber(r scanner) (domain.Subscriber, error) {
	var doc, token, secret string
	var sub domain.Subscriber
	if err := r.Scan(&doc, &token, &secret); err != nil {
		return sub, err
	}
	if err := decode(doc, &sub); err != nil {
		return sub, err
	}
	sub.Token, sub.Secret = token, secret
	return sub, nil
}

func subscriberAddress(s domain.Subscriber) string {
	if s.Kind == domain.SubscriberWebhook {
		return s.URL
	}
	return s.Email
}

const subscriberCols = "SELECT doc, token, secret FROM subscribers "

// CreateSubscriber stores a new subscriber.
func (s *Store) CreateSubscriber(ctx context.Context, sub *domain.Subscriber) error {
	n := *sub
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	if n.Token == "" {
		n.Token = domain.NewSubscriberToken()
	}
	n.CreatedAt = orNow(n.CreatedAt, s.now()).UTC()
	doc, err := encode(n)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "create subscriber", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO subscribers (id, address, token, secret, created_at, doc) VALUES (?, ?, ?, ?, ?, ?)",
			n.ID, subscriberAddress(n), n.Token, n.Secret, ts(n.CreatedAt), doc)
		return err
	})
	if err == nil {
		*sub = n
	}
	return err
}

// GetSubscriber loads one subscriber by id.
func (s *Store) GetSubscriber(ctx context.Context, id string) (domain.Subscriber, error) {
	return readOne(ctx, s, "get subscriber", scanSubscriber, subscriberCols+"WHERE id = ?", id)
}

// GetSubscriberByToken loads the subscriber of a confirmation or unsubscribe link.
func (s *Store) GetSubscriberByToken(ctx context.Context, token string) (domain.Subscriber, error) {
	return readOne(ctx, s, "get subscriber by token", scanSubscriber, subscriberCols+"WHERE token = ?", token)
}

// GetSubscriberByAddress loads the subscriber of an e-mail address or webhook URL.
func (s *Store) GetSubscriberByAddress(ctx context.Context, addr string) (domain.Subscriber, error) {
	return readOne(ctx, s, "get subscriber by address", scanSubscriber, subscriberCols+"WHERE address = ?", addr)
}

// ListSubscribers lists every subscriber, oldest first.
func (s *Store) ListSubscribers(ctx context.Context) ([]domain.Subscriber, error) {
	return readAll(ctx, s, "list subscribers", scanSubscriber, subscriberCols+"ORDER BY created_at, id")
}

// UpdateSubscriber replaces a subscriber (confirmation, component choice,
// failure mark); an empty Token or Secret keeps the stored one.
func (s *Store) UpdateSubscriber(ctx context.Context, sub *domain.Subscriber) error {
	n := *sub
	err := s.tx(ctx, "update subscriber", func(tx *sql.Tx) error {
		old, err := scanSubscriber(tx.QueryRowContext(ctx, subscriberCols+"WHERE id = ?", n.ID))
		if err != nil {
			return err
		}
		if n.Token == "" {
			n.Token = old.Token
		}
		if n.Secret == "" {
			n.Secret = old.Secret
		}
		n.CreatedAt = old.CreatedAt
		doc, err := encode(n)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE subscribers SET address = ?, token = ?, secret = ?, doc = ? WHERE id = ?",
			subscriberAddress(n), n.Token, n.Secret, doc, n.ID)
		return err
	})
	if err == nil {
		*sub = n
	}
	return err
}

// DeleteSubscriber removes a subscriber for good.
func (s *Store) DeleteSubscriber(ctx context.Context, id string) error {
	return s.tx(ctx, "delete subscriber", func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, "DELETE FROM subscribers WHERE id = ?", id))
	})
}
