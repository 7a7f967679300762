package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// scanUser reads a user with its password hash, which JSON never carries.
func scanUser(r scanner) (domain.User, error) {
	return scanDocAnd(r, func(u *domain.User, hash string) { u.PasswordHash = hash })
}

// CreateUser stores a new user under the normalized email.
func (s *Store) CreateUser(ctx context.Context, u *domain.User) error {
	n := *u
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	if err := n.Validate(); err != nil { // also normalizes the email
		return err
	}
	n.CreatedAt = orNow(n.CreatedAt, s.now())
	n.UpdatedAt = orNow(n.UpdatedAt, n.CreatedAt)
	n.PasswordChangedAt = n.PasswordChangedAt.UTC()
	doc, err := encode(n)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "create user", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO users (id, email, password_hash, doc) VALUES (?, ?, ?, ?)",
			n.ID, n.Email, n.PasswordHash, doc)
		return err
	})
	if err == nil {
		*u = n
	}
	return err
}

// GetUser loads one user.
func (s *Store) GetUser(ctx context.Context, id string) (domain.User, error) {
	return readOneAuth(ctx, s, "get user "+id, scanUser, "SELECT doc, password_hash FROM users WHERE id = ?", id)
}

// GetUserByEmail loads the user with email, compared normalized.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (domain.User, error) {
	return readOneAuth(ctx, s, "get user by email", scanUser, "SELECT doc, password_hash FROM users WHERE email = ?", domain.NormalizeEmail(email))
}

// ListUsers lists every user by email.
func (s *Store) ListUsers(ctx context.Context) ([]domain.User, error) {
	return readAll(ctx, s, "list users", scanUser, "SELECT doc, password_hash FROM users ORDER BY email")
}

// UpdateUser replaces a user; the email stays unique.
func (s *Store) UpdateUser(ctx context.Context, u *domain.User) error {
	n := *u
	if err := n.Validate(); err != nil { // also normalizes the email
		return err
	}
	n.PasswordChangedAt = n.PasswordChangedAt.UTC()
	err := s.tx(ctx, "update user "+u.ID, func(tx *sql.Tx) error {
		old, err := scanUser(tx.QueryRowContext(ctx, "SELECT doc, password_hash FROM users WHERE id = ?", n.ID))
		if err != nil {
			return err
		}
		n.CreatedAt = old.CreatedAt
		n.UpdatedAt = s.now()
		doc, err := encode(n)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE users SET email = ?, password_hash = ?, doc = ? WHERE id = ?",
			n.Email, n.PasswordHash, doc, n.ID)
		return err
	})
	if err == nil {
		*u = n
	}
	return err
}

// CountUsers counts every user, so set-up can tell a fresh install.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	db, err := s.reader()
	if err != nil {
		return 0, err
	}
	n, err := count(ctx, db, "users", &where{})
	return n, s.fail("count users", err)
}

// scanToken reads a token with the hash of its secret.
func scanToken(r scanner) (domain.APIToken, error) {
	return scanDocAnd(r, func(t *domain.APIToken, hash string) { t.Hash = hash })
}

// CreateToken stores a new API token; its hash is unique.
func (s *Store) CreateToken(ctx context.Context, t *domain.APIToken) error {
	n := *t
	if n.ID == "" {
		n.ID = domain.NewID()
	}
	n.CreatedAt = orNow(n.CreatedAt, s.now())
	doc, err := encode(n)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "create token", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO api_tokens (id, user_id, hash, created_at, doc) VALUES (?, ?, ?, ?, ?)",
			n.ID, n.UserID, n.Hash, ts(n.CreatedAt), doc)
		return err
	})
	if err == nil {
		*t = n
	}
	return err
}

// GetTokenByHash loads the token whose secret hashes to hash.
func (s *Store) GetTokenByHash(ctx context.Context, hash string) (domain.APIToken, error) {
	return readOneAuth(ctx, s, "get token by hash", scanToken, "SELECT doc, hash FROM api_tokens WHERE hash = ?", hash)
}

// ListTokens lists a user's tokens, oldest first.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]domain.APIToken, error) {
	return readAll(ctx, s, "list tokens", scanToken, "SELECT doc, hash FROM api_tokens WHERE user_id = ? ORDER BY created_at, rowid", userID)
}

// RevokeToken marks a token revoked at at.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	return s.tx(ctx, "revoke token "+id, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, "UPDATE api_tokens SET doc = json_set(doc, '$.revoked_at', ?) WHERE id = ?", ts(at), id))
	})
}

// TouchToken records that a token was used at at.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	return s.tx(ctx, "touch token "+id, func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, "UPDATE api_tokens SET doc = json_set(doc, '$.last_used_at', ?) WHERE id = ?", ts(at), id))
	})
}

// CreateSession stores a new browser session.
func (s *Store) CreateSession(ctx context.Context, ss *domain.Session) error {
	n := *ss
	n.CreatedAt = orNow(n.CreatedAt, s.now())
	n.LastSeenAt = orNow(n.LastSeenAt, n.CreatedAt)
	n.ExpiresAt = n.ExpiresAt.UTC()
	doc, err := encode(n)
	if err != nil {
		return err
	}
	err = s.tx(ctx, "create session", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (id, user_id, csrf_token, expires_at, doc) VALUES (?, ?, ?, ?, ?)",
			n.ID, n.UserID, n.CSRFToken, ts(n.ExpiresAt), doc)
		return err
	})
	if err == nil {
		*ss = n
	}
	return err
}

// GetSession loads one session by the hash of its cookie secret.
func (s *Store) GetSession(ctx context.Context, id string) (domain.Session, error) {
	return readOneAuth(ctx, s, "get session", func(r scanner) (domain.Session, error) {
		return scanDocAnd(r, func(ss *domain.Session, csrf string) { ss.CSRFToken = csrf })
	}, "SELECT doc, csrf_token FROM sessions WHERE id = ?", id)
}

// TouchSession records activity and slides the expiry.
func (s *Store) TouchSession(ctx context.Context, id string, seen, expires time.Time) error {
	return s.tx(ctx, "touch session", func(tx *sql.Tx) error {
		return mustAffect(tx.ExecContext(ctx, `UPDATE sessions SET expires_at = ?,
			doc = json_set(doc, '$.last_seen_at', ?, '$.expires_at', ?) WHERE id = ?`,
			ts(expires), ts(seen), ts(expires), id))
	})
}

// DeleteSession removes a session; removing one that is gone is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.tx(ctx, "delete session", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE id = ?", id)
		return err
	})
}

// DeleteUserSessions signs a user out everywhere.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	return s.tx(ctx, "delete sessions of user "+userID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		return err
	})
}

// DeleteExpiredSessions removes sessions whose ExpiresAt <= now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	return s.tx(ctx, "delete expired sessions", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ?", ts(now))
		return err
	})
}
