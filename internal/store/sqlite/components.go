package sqlite

import (
	"context"
	"database/sql"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// CreateComponent stores a new component at version 1.
func (s *Store) CreateComponent(ctx context.Context, c *domain.Component) error {
	n := *c
	if err := n.Validate(); err != nil {
		return err
	}
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	n.CreatedAt = orNow(n.CreatedAt, s.now())
	n.UpdatedAt = orNow(n.UpdatedAt, n.CreatedAt)
	n.Version = 1
	doc, err := encode(n)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "create component", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO components (id, grp, position, name, version, doc) VALUES (?, ?, ?, ?, ?, ?)",
			n.ID, n.Group, n.Position, n.Name, n.Version, doc)
		return err
	})
	if err == nil {
		*c = n
	}
	return err
}

// GetComponent loads one component.
func (s *Store) GetComponent(ctx context.Context, id string) (domain.Component, error) {
	return readOne(ctx, s, "get component "+id, scanDoc[domain.Component], "SELECT doc FROM components WHERE id = ?", id)
}

// ListComponents lists every component by group, position and name.
func (s *Store) ListComponents(ctx context.Context) ([]domain.Component, error) {
	return readAll(ctx, s, "list components", scanDoc[domain.Component], "SELECT doc FROM components ORDER BY grp, position, name, id")
}

// UpdateComponent replaces a component read at c.Version.
func (s *Store) UpdateComponent(ctx context.Context, c *domain.Component) error {
	n := *c
	if err := n.Validate(); err != nil {
		return err
	}
	err := s.tx(ctx, "update component "+c.ID, func(tx *sql.Tx) error {
		old, err := getDoc[domain.Component](ctx, tx, "SELECT doc FROM components WHERE id = ?", n.ID)
		if err != nil {
			return err
		}
		if old.Version != n.Version {
			return store.ErrConflict
		}
		n.CreatedAt = old.CreatedAt
		n.UpdatedAt = s.now()
		n.Version = old.Version + 1
		doc, err := encode(n)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE components SET grp = ?, position = ?, name = ?, version = ?, doc = ? WHERE id = ?",
			n.Group, n.Position, n.Name, n.Version, doc, n.ID)
		return err
	})
	if err == nil {
		*c = n
	}
	return err
}

// DeleteComponent removes a component.
func (s *Store) DeleteComponent(ctx context.Context, id string) error {
	return s.tx(ctx, "delete component "+id, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, "DELETE FROM components WHERE id = ?", id))
	})
}
