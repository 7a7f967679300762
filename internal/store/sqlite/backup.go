package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database to dir/hindsight.db while
// the store keeps serving (VACUUM INTO: one read transaction, so the copy is
// a single moment). Copying hindsight.db by hand while the server runs is not
// safe in WAL mode: recent writes may still live in hindsight.db-wal. dir must
// not already hold a database.
func (s *Store) Backup(ctx context.Context, dir string) error {
	db, err := s.reader()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("sqlite: backup: create folder: %w", err)
	}
	dst := filepath.Join(dir, FileName)
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("sqlite: backup: %s already exists", dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	// VACUUM INTO writes, so it needs a connection without query_only.
	conn, err := db.Conn(ctx)
	if err != nil {
		return s.fail("backup", err)
	}
	defer func() { _ = conn.Close() }() // returns the connection to the pool
	if _, err := conn.ExecContext(ctx, "PRAGMA query_only = 0"); err != nil {
		return s.fail("backup", err)
	}
	// The connection returns to the read pool afterwards: make it read-only again.
	defer func() { _, _ = conn.ExecContext(context.Background(), "PRAGMA query_only = 1") }()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		_ = os.Remove(dst)
		return s.fail("backup to "+dst, err)
	}
	if err := os.Chmod(dst, 0o600); err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	return nil
}
