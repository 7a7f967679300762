package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// The last active admin must survive parallel demotions (issue 10). A
// conditional update cannot decide it: the condition is about other
// documents, and FerretDB (the test peer) applies updates without
// transactions. So every user update that may take an admin away holds a
// lock first: one document with a fixed _id, claimed by inserting it (the
// unique _id index makes exactly one insert win, on MongoDB and FerretDB
// alike, as RCA versions are claimed). Under the lock the writer counts
// the other active admins and writes. A lock left by a writer that died
// expires after adminLockTTL and is taken over by deleting exactly that
// stale document (filtered on its token).

const (
	colLocks          = "locks"
	adminLockID       = "admins"
	adminLockTTL      = 30 * time.Second
	adminLockPatience = 10 * time.Second
)

type lockDoc struct {
	ID      string    `bson:"_id"`
	Token   string    `bson:"token"`
	Expires time.Time `bson:"expires_at"`
}

// lockAdmins takes the admins lock, waiting for a holder to finish, and
// returns its release.
func (s *Store) lockAdmins(ctx context.Context) (func(), error) {
	token := domain.NewID()
	giveUp := time.Now().Add(adminLockPatience)
	locks := s.c(colLocks)
	for wait := 2 * time.Millisecond; ; wait = min(wait*2, 100*time.Millisecond) {
		_, err := locks.InsertOne(ctx, lockDoc{ID: adminLockID, Token: token, Expires: s.clock().Add(adminLockTTL)})
		if err == nil {
			return func() {
				// Released even when the caller's context ended.
				ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				_, _ = locks.DeleteOne(ctx, bson.D{{Key: "_id", Value: adminLockID}, {Key: "token", Value: token}})
			}, nil
		}
		if !isDuplicate(err) {
			return nil, wrap("lock admins", err)
		}
		var held lockDoc
		if err := locks.FindOne(ctx, bson.D{{Key: "_id", Value: adminLockID}}).Decode(&held); err == nil && s.clock().After(held.Expires) {
			_, _ = locks.DeleteOne(ctx, bson.D{{Key: "_id", Value: adminLockID}, {Key: "token", Value: held.Token}})
			continue
		}
		if time.Now().After(giveUp) {
			return nil, fmt.Errorf("mongo: lock admins: %w", store.ErrUnavailable)
		}
		select {
		case <-ctx.Done():
			return nil, wrap("lock admins", ctx.Err())
		case <-time.After(wait):
		}
	}
}

// keepAnAdmin refuses, with ErrLastAdmin, an update of uid to a non-admin
// when uid is today the only active admin. The caller holds the lock.
func (s *Store) keepAnAdmin(ctx context.Context, uid string) error {
	cur, err := s.GetUser(ctx, uid)
	if err != nil {
		return err
	}
	if cur.Role != domain.RoleAdmin || cur.Disabled {
		return nil
	}
	n, err := s.c(colUsers).CountDocuments(ctx, bson.D{
		{Key: "_id", Value: bson.D{{Key: "$ne", Value: uid}}},
		{Key: "role", Value: string(domain.RoleAdmin)},
		{Key: "disabled", Value: bson.D{{Key: "$ne", Value: true}}},
	})
	if err != nil {
		return wrap("count admins", err)
	}
	if n == 0 {
		return fmt.Errorf("mongo: update user %s: %w", uid, store.ErrLastAdmin)
	}
	return nil
}
