package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// getUser reads a user with its password hash, which JSON never carries.
func getUser(ctx context.Context, q queryer, cond string, arg any) (domain.User, error) {
	var doc, hash string
	if err := q.QueryRowContext(ctx, "SELECT doc, password_hash FROM users WHERE "+cond, arg).Scan(&doc, &hash); err != nil {
		return domain.User{}, err
	}
	var u domain.User
	if err := decode(doc, &u); err != nil {
		return domain.User{}, err
	}
	u.PasswordHash = hash
	return u, nil
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
	db, err := s.reader()
	if err != nil {
		return domain.User{}, err
	}
	u, err := getUser(ctx, db, "id = ?", id)
	return u, s.fail("get user "+id, err)
}

// GetUserByEmail loads the user with email, compared normalized.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (domain.User, error) {
	db, err := s.reader()
	if err != nil {
		return domain.User{}, err
	}
	u, err := getUser(ctx, db, "email = ?", domain.NormalizeEmail(email))
	return u, s.fail("get user by email", err)
}

// ListUsers lists every user by email.
func (s *Store) ListUsers(ctx context.Context) ([]domain.User, error) {
	db, err := s.reader()
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, "SELECT doc, password_hash FROM users ORDER BY email")
	if err != nil {
		return nil, s.fail("list users", err)
	}
	defer rows.Close()
	out := []domain.User{}
	for rows.Next() {
		var doc, hash string
		var u domain.User
		if err := rows.Scan(&doc, &hash); err != nil {
			return nil, s.fail("list users", err)
		}
		if err := decode(doc, &u); err != nil {
			return nil, s.fail("list users", err)
		}
		u.PasswordHash = hash
		out = append(out, u)
	}
	return out, s.fail("list users", rows.Err())
}

// UpdateUser replaces a user; the email stays unique.
func (s *Store) UpdateUser(ctx context.Context, u *domain.User) error {
	n := *u
	if err := n.Validate(); err != nil { // also normalizes the email
		return err
	}
	n.PasswordChangedAt = n.PasswordChangedAt.UTC()
	err := s.tx(ctx, "update user "+u.ID, func(tx *sql.Tx) error {
		old, err := getUser(ctx, tx, "id = ?", n.ID)
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

func getToken(ctx context.Context, q queryer, cond string, arg any) (domain.APIToken, error) {
	var doc, hash string
	if err := q.QueryRowContext(ctx, "SELECT doc, hash FROM api_tokens WHERE "+cond, arg).Scan(&doc, &hash); err != nil {
		return domain.APIToken{}, err
	}
	var t domain.APIToken
	if err := decode(doc, &t); err != nil {
		return domain.APIToken{}, err
	}
	t.Hash = hash
	return t, nil
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
	db, err := s.reader()
	if err != nil {
		return domain.APIToken{}, err
	}
	t, err := getToken(ctx, db, "hash = ?", hash)
	return t, s.fail("get token by hash", err)
}

// ListTokens lists a user's tokens, oldest first.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]domain.APIToken, error) {
	db, err := s.reader()
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, "SELECT doc, hash FROM api_tokens WHERE user_id = ? ORDER BY created_at, rowid", userID)
	if err != nil {
		return nil, s.fail("list tokens", err)
	}
	defer rows.Close()
	out := []domain.APIToken{}
	for rows.Next() {
		var doc, hash string
		var t domain.APIToken
		if err := rows.Scan(&doc, &hash); err != nil {
			return nil, s.fail("list tokens", err)
		}
		if err := decode(doc, &t); err != nil {
			return nil, s.fail("list tokens", err)
		}
		t.Hash = hash
		out = append(out, t)
	}
	return out, s.fail("list tokens", rows.Err())
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
	db, err := s.reader()
	if err != nil {
		return domain.Session{}, err
	}
	var doc, csrf string
	var ss domain.Session
	err = db.QueryRowContext(ctx, "SELECT doc, csrf_token FROM sessions WHERE id = ?", id).Scan(&doc, &csrf)
	if err == nil {
		err = decode(doc, &ss)
	}
	if err != nil {
		return domain.Session{}, s.fail("get session", err)
	}
	ss.CSRFToken = csrf
	return ss, nil
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
