package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// CreateUser stores a new user; a taken email is ErrDuplicate.
func (s *Store) CreateUser(ctx context.Context, u *domain.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	now := s.clock()
	if u.ID == "" {
		u.ID = domain.NewID()
	}
	stamp(&u.CreatedAt, &u.UpdatedAt, now)
	d := toUserDoc(u)
	if _, err := s.c(colUsers).InsertOne(ctx, d); err != nil {
		return wrap("create user", err)
	}
	*u = d.domain()
	return nil
}

// GetUser loads one user.
func (s *Store) GetUser(ctx context.Context, uid string) (domain.User, error) {
	return findOne(ctx, s.c(colUsers), "get user "+uid, id(uid), userDoc.domain)
}

// GetUserByEmail loads the user with email, compared normalized.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (domain.User, error) {
	return findOne(ctx, s.c(colUsers), "get user by email",
		bson.D{{Key: "email", Value: domain.NormalizeEmail(email)}}, userDoc.domain)
}

// ListUsers returns every user by email.
func (s *Store) ListUsers(ctx context.Context) ([]domain.User, error) {
	return findAll(ctx, s.c(colUsers), "list users", bson.D{},
		options.Find().SetSort(bson.D{{Key: "email", Value: 1}}), userDoc.domain)
}

// UpdateUser replaces a user; a taken email is ErrDuplicate.
func (s *Store) UpdateUser(ctx context.Context, u *domain.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	next := *u
	if next.Role != domain.RoleAdmin || next.Disabled {
		// This update may take away an admin: decide it under the admins
		// lock (admin_lock.go), since FerretDB has no transactions.
		release, err := s.lockAdmins(ctx)
		if err != nil {
			return err
		}
		defer release()
		if err := s.keepAnAdmin(ctx, next.ID); err != nil {
			return err
		}
	}
	next.UpdatedAt = s.clock()
	d := toUserDoc(&next)
	set := bson.D{
		{Key: "email", Value: d.Email}, {Key: "name", Value: d.Name}, {Key: "role", Value: d.Role},
		{Key: "password_hash", Value: d.PasswordHash}, {Key: "language", Value: d.Language},
		{Key: "time_zone", Value: d.TimeZone}, {Key: "disabled", Value: d.Disabled},
		{Key: "updated_at", Value: d.UpdatedAt}, {Key: "password_changed_at", Value: d.PasswordChangedAt},
	}
	var got userDoc
	err := s.c(colUsers).FindOneAndUpdate(ctx, id(u.ID), bson.D{{Key: "$set", Value: set}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&got)
	if err != nil {
		return wrap("update user "+u.ID, err)
	}
	*u = got.domain()
	return nil
}

// CountUsers returns how many users exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	n, err := s.c(colUsers).CountDocuments(ctx, bson.D{})
	return int(n), wrap("count users", err)
}

// CreateToken stores a new API token; a taken hash is ErrDuplicate.
func (s *Store) CreateToken(ctx context.Context, t *domain.APIToken) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if t.ID == "" {
		t.ID = domain.NewID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.clock()
	}
	d := toTokenDoc(t)
	if _, err := s.c(colTokens).InsertOne(ctx, d); err != nil {
		return wrap("create token", err)
	}
	*t = d.domain()
	return nil
}

// GetTokenByHash loads the token whose secret hashes to hash.
func (s *Store) GetTokenByHash(ctx context.Context, hash string) (domain.APIToken, error) {
	return findOne(ctx, s.c(colTokens), "get token by hash", bson.D{{Key: "hash", Value: hash}}, tokenDoc.domain)
}

// ListTokens returns a user's tokens, oldest first.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]domain.APIToken, error) {
	return findAll(ctx, s.c(colTokens), "list tokens", bson.D{{Key: "user_id", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}, {Key: "seq", Value: 1}}), tokenDoc.domain)
}

// RevokeToken marks a token revoked at at. Revoking it again keeps the
// first time.
func (s *Store) RevokeToken(ctx context.Context, tid string, at time.Time) error {
	op := "revoke token " + tid
	res, err := s.c(colTokens).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: tid}, {Key: "revoked_at", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked_at", Value: ms(at)}}}})
	if err != nil {
		return wrap(op, err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	ok, err := exists(ctx, s.c(colTokens), tid)
	if err != nil {
		return wrap(op, err)
	}
	if !ok {
		return fmt.Errorf("mongo: %s: %w", op, store.ErrNotFound)
	}
	return nil
}

// TouchToken records that a token was used at at.
func (s *Store) TouchToken(ctx context.Context, tid string, at time.Time) error {
	return s.setFields(ctx, s.fast, colTokens, "touch token "+tid, tid, bson.D{{Key: "last_used_at", Value: ms(at)}})
}

// CreateSession stores a new browser session; ID is the hash of its secret.
func (s *Store) CreateSession(ctx context.Context, ss *domain.Session) error {
	if err := ss.Validate(); err != nil {
		return err
	}
	if ss.CreatedAt.IsZero() {
		ss.CreatedAt = s.clock()
	}
	if ss.LastSeenAt.IsZero() {
		ss.LastSeenAt = ss.CreatedAt
	}
	d := toSessionDoc(ss)
	if _, err := s.c(colSessions).InsertOne(ctx, d); err != nil {
		return wrap("create session", err)
	}
	*ss = d.domain()
	return nil
}

// GetSession loads one session, expired or not.
func (s *Store) GetSession(ctx context.Context, sid string) (domain.Session, error) {
	return findOne(ctx, s.c(colSessions), "get session", id(sid), sessionDoc.domain)
}

// TouchSession records activity and slides the expiry.
func (s *Store) TouchSession(ctx context.Context, sid string, seen, expires time.Time) error {
	return s.setFields(ctx, s.fast, colSessions, "touch session", sid,
		bson.D{{Key: "last_seen_at", Value: ms(seen)}, {Key: "expires_at", Value: ms(expires)}})
}

// DeleteSession removes one session (signing out). A session already gone
// is not an error.
func (s *Store) DeleteSession(ctx context.Context, sid string) error {
	_, err := s.c(colSessions).DeleteOne(ctx, id(sid))
	return wrap("delete session", err)
}

// DeleteUserSessions signs a user out everywhere.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := s.c(colSessions).DeleteMany(ctx, bson.D{{Key: "user_id", Value: userID}})
	return wrap("delete sessions of user "+userID, err)
}

// DeleteExpiredSessions removes every session whose expiry is not after now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := s.c(colSessions).DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lte", Value: ms(now)}}}})
	return wrap("delete expired sessions", err)
}

// setFields sets fields on one document, ErrNotFound when there is none.
func (s *Store) setFields(ctx context.Context, db *mongo.Database, col, op, docID string, set bson.D) error {
	res, err := db.Collection(col).UpdateOne(ctx, id(docID), bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return wrap(op, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongo: %s: %w", op, store.ErrNotFound)
	}
	return nil
}

// GetUserByIdentity loads the user linked to the OIDC identity.
func (s *Store) GetUserByIdentity(ctx context.Context, issuer, subject string) (domain.User, error) {
	return findOne(ctx, s.c(colUsers), "get user by identity",
		bson.D{{Key: "oidc_key", Value: domain.IdentityKey(issuer, subject)}}, userDoc.domain)
}

// LinkIdentity links an OIDC identity to a user who has none. The unique
// index on oidc_key keeps one identity on one user even where conditional
// updates are not atomic (FerretDB).
func (s *Store) LinkIdentity(ctx context.Context, userID, issuer, subject string) error {
	if issuer == "" || subject == "" {
		return invalid("oidc_subject", domain.CodeRequired, "")
	}
	key := domain.IdentityKey(issuer, subject)
	res, err := s.c(colUsers).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: userID}, {Key: "oidc_key", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "oidc_key", Value: key}, {Key: "oidc_issuer", Value: issuer}, {Key: "oidc_subject", Value: subject}}}})
	if err != nil {
		return wrap("link identity of "+userID, err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	u, err := s.GetUser(ctx, userID)
	if err != nil {
		return err
	}
	if u.OIDCIssuer == issuer && u.OIDCSubject == subject {
		return nil
	}
	return fmt.Errorf("mongo: link identity of %s: %w", userID, store.ErrConflict)
}
