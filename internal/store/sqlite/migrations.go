package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migration is one step of the schema, applied once, in order, in its own
// transaction, and recorded in schema_migrations. Steps are never edited once
// released: a change is a new step.
type migration struct {
	version int
	name    string
	up      func(ctx context.Context, tx *sql.Tx) error
}

var migrations = []migration{
	{1, "initial schema", execAll(schemaV1)},
	{10, "lists at scale: summaries, filter indexes, full-text search", migrateV10}, // scalesql
	// scalemulti: 20-29
	{20, "packed and coalesced revisions", execAll(schemaV20)},
	{21, "delivery leases and change counter", execAll(schemaV21)},
	// 30-39: area edges (issue 10).
	{30, "users: single sign-on identity", execAll([]string{
		`ALTER TABLE users ADD COLUMN oidc_key TEXT`,
		`CREATE UNIQUE INDEX users_oidc_key ON users (oidc_key) WHERE oidc_key IS NOT NULL`,
	})},
	// 40-49: area tmpl (issue 14). The id column holds the key.
	{40, "custom templates and contributing factors", execAll([]string{
		`CREATE TABLE templates (
			id      TEXT PRIMARY KEY,
			version INTEGER NOT NULL,
			doc     TEXT NOT NULL
		) STRICT`,
		`CREATE TABLE factors (
			id      TEXT PRIMARY KEY,
			version INTEGER NOT NULL,
			doc     TEXT NOT NULL
		) STRICT`,
	})},
	// 50-59: area actions (issue 14).
	{50, "action items across rcas, claims", execAll(schemaV50)},
	{51, "action items: one owner key, indexes per sort", migrateV51},
	// subs: 60-69.
	{60, "status-page subscribers", execAll([]string{
		`CREATE TABLE subscribers (
			id         TEXT PRIMARY KEY,
			address    TEXT NOT NULL UNIQUE,
			token      TEXT NOT NULL UNIQUE,
			secret     TEXT NOT NULL DEFAULT '',
			created_at TEXT NOT NULL,
			doc        TEXT NOT NULL
		) STRICT`,
	})},
	// 70-79: area images (issue 15).
	{70, "image attachments", execAll(schemaV70)},
	// 90-94: area collab (issue 12).
	{90, "presence in documents and the document counter", execAll(schemaV90)},
	// 100-109: area insights (issue 14).
	{100, "insights: per-RCA occurrence, factor and action-item rows", migrateV100},
}

func execAll(stmts []string) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%w in %.60q", err, q)
			}
		}
		return nil
	}
}

// migrate applies the steps the database has not seen. It refuses a database
// written by a newer binary rather than guess at its schema.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`); err != nil {
		return s.fail("create schema_migrations", err)
	}
	var newest int
	if err := s.w.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&newest); err != nil {
		return s.fail("read schema version", err)
	}
	if known := migrations[len(migrations)-1].version; newest > known {
		return fmt.Errorf("sqlite: database schema version %d is newer than this binary knows (%d): upgrade Hindsight", newest, known)
	}
	for _, m := range migrations {
		err := s.tx(ctx, fmt.Sprintf("migration %d (%s)", m.version, m.name), func(tx *sql.Tx) error {
			var done int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if err := m.up(ctx, tx); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, ts(time.Now()))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// schemaV1 is the first schema. Time columns hold tsLayout text (UTC, fixed
// width), so they compare and sort as instants.
var schemaV1 = []string{
	`CREATE TABLE components (
		id       TEXT PRIMARY KEY,
		grp      TEXT NOT NULL,
		position INTEGER NOT NULL,
		name     TEXT NOT NULL,
		version  INTEGER NOT NULL,
		doc      TEXT NOT NULL
	) STRICT`,

	`CREATE TABLE incidents (
		id            TEXT PRIMARY KEY,
		status        TEXT NOT NULL,
		started_at    TEXT NOT NULL,
		resolved      INTEGER NOT NULL,
		title_lc      TEXT NOT NULL,
		source_system TEXT,
		source_id     TEXT,
		version       INTEGER NOT NULL,
		doc           TEXT NOT NULL
	) STRICT`,
	`CREATE UNIQUE INDEX incidents_source ON incidents (source_system, source_id) WHERE source_system IS NOT NULL`,
	`CREATE INDEX incidents_started ON incidents (started_at)`,

	`CREATE TABLE rcas (
		id         TEXT PRIMARY KEY,
		slug       TEXT NOT NULL UNIQUE,
		state      TEXT NOT NULL,
		version    INTEGER NOT NULL,
		updated_at TEXT NOT NULL,
		date_key   TEXT NOT NULL,
		search     TEXT NOT NULL,
		doc        TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX rcas_updated ON rcas (updated_at)`,
	`CREATE TABLE rca_incidents (
		rca_id      TEXT NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
		incident_id TEXT NOT NULL,
		PRIMARY KEY (rca_id, incident_id)
	) STRICT, WITHOUT ROWID`,
	`CREATE INDEX rca_incidents_incident ON rca_incidents (incident_id)`,
	`CREATE TABLE rca_revisions (
		rca_id  TEXT NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
		version INTEGER NOT NULL,
		author  TEXT NOT NULL,
		at      TEXT NOT NULL,
		note    TEXT NOT NULL,
		doc     TEXT NOT NULL,
		PRIMARY KEY (rca_id, version)
	) STRICT`,
	`CREATE TABLE comments (
		id         TEXT PRIMARY KEY,
		rca_id     TEXT NOT NULL REFERENCES rcas (id) ON DELETE CASCADE,
		created_at TEXT NOT NULL,
		doc        TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX comments_rca ON comments (rca_id, created_at)`,

	`CREATE TABLE users (
		id            TEXT PRIMARY KEY,
		email         TEXT NOT NULL UNIQUE,
		password_hash TEXT NOT NULL,
		doc           TEXT NOT NULL
	) STRICT`,
	`CREATE TABLE api_tokens (
		id         TEXT PRIMARY KEY,
		user_id    TEXT NOT NULL,
		hash       TEXT NOT NULL UNIQUE,
		created_at TEXT NOT NULL,
		doc        TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at)`,
	`CREATE TABLE sessions (
		id         TEXT PRIMARY KEY,
		user_id    TEXT NOT NULL,
		csrf_token TEXT NOT NULL,
		expires_at TEXT NOT NULL,
		doc        TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX sessions_user ON sessions (user_id)`,
	`CREATE INDEX sessions_expires ON sessions (expires_at)`,
	`CREATE TABLE audit_events (
		seq    INTEGER PRIMARY KEY AUTOINCREMENT,
		id     TEXT NOT NULL UNIQUE,
		at     TEXT NOT NULL,
		actor  TEXT NOT NULL,
		action TEXT NOT NULL,
		target TEXT NOT NULL,
		doc    TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX audit_at ON audit_events (at, seq)`,
	`CREATE INDEX audit_actor ON audit_events (actor, at)`,
	`CREATE INDEX audit_target ON audit_events (target, at)`,

	`CREATE TABLE targets (
		id      TEXT PRIMARY KEY,
		name    TEXT NOT NULL,
		version INTEGER NOT NULL,
		secret  TEXT NOT NULL,
		doc     TEXT NOT NULL
	) STRICT`,
	`CREATE TABLE deliveries (
		id              TEXT PRIMARY KEY,
		rca_id          TEXT NOT NULL,
		state           TEXT NOT NULL,
		next_attempt_at TEXT NOT NULL,
		created_at      TEXT NOT NULL,
		doc             TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at)`,
	`CREATE INDEX deliveries_rca ON deliveries (rca_id, created_at)`,

	`CREATE TABLE settings (
		key   TEXT PRIMARY KEY,
		value BLOB NOT NULL
	) STRICT`,
}
