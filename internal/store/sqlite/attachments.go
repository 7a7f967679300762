package sqlite

// Image attachments of RCAs (area images, issue 15): one table holds each
// image's description (a JSON doc, like every other record) and its bytes.

import (
	"context"
	"database/sql"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// schemaV70 adds the attachments table.
var schemaV70 = []string{
	`CREATE TABLE attachments (
		id         TEXT PRIMARY KEY,
		rca_id     TEXT NOT NULL,
		created_at TEXT NOT NULL,
		doc        TEXT NOT NULL,
		data       BLOB NOT NULL
	) STRICT`,
	`CREATE INDEX attachments_rca ON attachments (rca_id, created_at, id)`,
}

// PutAttachment stores a new attachment and its bytes.
func (s *Store) PutAttachment(ctx context.Context, a *domain.Attachment, data []byte) error {
	n := *a
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	n.CreatedAt = orNow(n.CreatedAt, s.now()).UTC()
	n.Size = int64(len(data))
	doc, err := encode(n)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "put attachment", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO attachments (id, rca_id, created_at, doc, data) VALUES (?, ?, ?, ?, ?)",
			n.ID, n.RCAID, ts(n.CreatedAt), doc, data)
		return err
	})
	if err == nil {
		*a = n
	}
	return err
}

// GetAttachment loads one attachment with its bytes.
func (s *Store) GetAttachment(ctx context.Context, id string) (domain.Attachment, []byte, error) {
	var data []byte
	a, err := readOne(ctx, s, "get attachment "+id, func(r scanner) (domain.Attachment, error) {
		var doc string
		if err := r.Scan(&doc, &data); err != nil {
			return domain.Attachment{}, err
		}
		var a domain.Attachment
		err := decode(doc, &a)
		return a, err
	}, "SELECT doc, data FROM attachments WHERE id = ?", id)
	if err != nil {
		return domain.Attachment{}, nil, err
	}
	return a, data, nil
}

// ListAttachments describes an RCA's attachments, oldest first.
func (s *Store) ListAttachments(ctx context.Context, rcaID string) ([]domain.Attachment, error) {
	return readAll(ctx, s, "list attachments", scanDoc[domain.Attachment],
		"SELECT doc FROM attachments WHERE rca_id = ? ORDER BY created_at, id", rcaID)
}

// DeleteAttachments deletes every attachment of an RCA.
func (s *Store) DeleteAttachments(ctx context.Context, rcaID string) error {
	return s.tx(ctx, "delete attachments", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM attachments WHERE rca_id = ?", rcaID)
		return err
	})
}
