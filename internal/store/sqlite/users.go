package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
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
		_, err := tx.ExecContext(ctx, "INSERT INTO users (id, email, password_hash, doc, oidc_key) VALUES (?, ?, ?, ?, ?)",
			n.ID, n.Email, n.PasswordHash, doc, identityKey(n))
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
		n.OIDCIssuer, n.OIDCSubject = old.OIDCIssuer, old.OIDCSubject // LinkIdentity's alone
		if activeAdmin(old) && !activeAdmin(n) {
			// Decided inside the write transaction: the single writer
			// connection serializes parallel demotions.
			var others int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id <> ?
				AND json_extract(doc, '$.role') = 'admin' AND NOT coalesce(json_extract(doc, '$.disabled'), 0)`, n.ID).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return store.ErrLastAdmin
			}
		}
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
	if err := t.Validate(); err != nil {
		return err
	}
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
	if err := ss.Validate(); err != nil {
		return err
	}
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

// activeAdmin reports whether u counts towards keeping an admin.
func activeAdmin(u domain.User) bool { return u.Role == domain.RoleAdmin && !u.Disabled }

// identityKey is the oidc_key column of u: NULL when no identity is linked.
func identityKey(u domain.User) any {
	if u.OIDCIssuer == "" || u.OIDCSubject == "" {
		return nil
	}
	return domain.IdentityKey(u.OIDCIssuer, u.OIDCSubject)
}

// GetUserByIdentity loads the user linked to the OIDC identity.
func (s *Store) GetUserByIdentity(ctx context.Context, issuer, subject string) (domain.User, error) {
	return readOne(ctx, s, "get user by identity", scanUser, "SELECT doc, password_hash FROM users WHERE oidc_key = ?",
		domain.IdentityKey(issuer, subject))
}

// LinkIdentity links an OIDC identity to a user who has none, in one
// conditional UPDATE.
func (s *Store) LinkIdentity(ctx context.Context, userID, issuer, subject string) error {
	if issuer == "" || subject == "" {
		return &domain.ValidationError{Problems: []domain.Problem{{Field: "oidc_subject", Code: domain.CodeRequired}}}
	}
	return s.tx(ctx, "link identity of "+userID, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET oidc_key = ?,
			doc = json_set(doc, '$.oidc_issuer', ?, '$.oidc_subject', ?) WHERE id = ? AND oidc_key IS NULL`,
			domain.IdentityKey(issuer, subject), issuer, subject, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var key sql.NullString
		if err := tx.QueryRowContext(ctx, "SELECT oidc_key FROM users WHERE id = ?", userID).Scan(&key); err != nil {
			return err
		}
		if key.String == domain.IdentityKey(issuer, subject) {
			return nil
		}
		return store.ErrConflict
	})
}
