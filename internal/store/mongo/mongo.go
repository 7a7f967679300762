// Package mongo is Hindsight's MongoDB storage backend, for team deployments.
//
// It needs no multi-document transactions (FerretDB, which the tests run
// against, has none): every record is one document; versioned records are
// updated with a filter on the version read; an RCA version is claimed by
// inserting its revision document, keyed (rca id, version), before the RCA
// is replaced (see commitRCA). Incident.RCAIDs is never stored: it is
// derived from the RCAs whose incident_ids contain the incident.
//
// BSON stays in this package (docs.go); times are BSON dates, so they keep
// milliseconds, in UTC.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/history"
)

// DefaultDatabase is used when the URI names no database.
const DefaultDatabase = "hindsight"

// Short timeouts so that an outage answers 503 within seconds instead of
// hanging requests for the driver's default 30 s.
const (
	serverSelectionTimeout = 3 * time.Second
	connectTimeout         = 3 * time.Second
)

// Store is the MongoDB implementation of store.Store.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	// fast shares the database with write concern 1, for writes whose loss
	// is harmless (session and token last-seen times).
	fast *mongo.Database
	now  func() time.Time
	// claimGrace: see commitRCA.
	claimGrace time.Duration
	// textIndex: the server has the RCA text index (scalesql, see search.go).
	textIndex bool
	// revCache holds recent revisions' JSON, delta bases (scalemulti).
	revCache *history.Cache
}

var _ store.Store = (*Store)(nil)

// Collection names.
const (
	colComponents = "components"
	colIncidents  = "incidents"
	colRCAs       = "rcas"
	colRevisions  = "revisions"
	colComments   = "comments"
	colUsers      = "users"
	colTokens     = "tokens"
	colSessions   = "sessions"
	colAudit      = "audit"
	colTargets    = "targets"
	colDeliveries = "deliveries"
	colSettings   = "settings"
	// scalemulti
	colLeases   = "leases"
	colCounters = "counters"
	// tmpl (issue 14): keyed by the template's or factor's key.
	colTemplates = "templates"
	colFactors   = "factors"
)

// Open connects to the MongoDB named by uri, checks that it answers and
// creates the indexes. The database is the URI's path, or "hindsight".
func Open(ctx context.Context, uri string) (*Store, error) {
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		return nil, fmt.Errorf("mongo: parse uri: %w", err)
	}
	name := cs.Database
	if name == "" {
		name = DefaultDatabase
	}
	opts := options.Client().ApplyURI(uri).SetAppName("hindsight")
	if !cs.ServerSelectionTimeoutSet {
		opts.SetServerSelectionTimeout(serverSelectionTimeout)
	}
	if !cs.ConnectTimeoutSet {
		opts.SetConnectTimeout(connectTimeout)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	s := &Store{
		client: client,
		db:     client.Database(name, options.Database().SetWriteConcern(writeconcern.Majority())),
		fast:   client.Database(name, options.Database().SetWriteConcern(writeconcern.W1())),
		now:    time.Now,

		claimGrace: defaultClaimGrace,
		revCache:   history.NewCache(32 << 20),
	}
	if err := s.Ping(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := s.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return s, nil
}

// Ping checks that the server answers.
func (s *Store) Ping(ctx context.Context) error {
	return wrap("ping", s.client.Ping(ctx, nil))
}

// Close disconnects from the server. Closing twice is not an error.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.client.Disconnect(ctx); err != nil && !errors.Is(err, mongo.ErrClientDisconnected) {
		return fmt.Errorf("mongo: close: %w", err)
	}
	return nil
}

func (s *Store) c(name string) *mongo.Collection { return s.db.Collection(name) }

// clock returns the current time as the store keeps it.
func (s *Store) clock() time.Time { return ms(s.now()) }

// ensureIndexes creates every index the store relies on. Creating an index
// that exists with the same options does nothing, so this runs at every start.
func (s *Store) ensureIndexes(ctx context.Context) error {
	// A fresh options value per index: the driver records the generated
	// index name in the options it is given.
	unique := func() *options.IndexOptionsBuilder { return options.Index().SetUnique(true) }
	idx := map[string][]mongo.IndexModel{
		colUsers: {
			{Keys: bson.D{{Key: "email", Value: 1}}, Options: unique()},
			// Sparse: unlinked users have no oidc_key (area edges).
			{Keys: bson.D{{Key: "oidc_key", Value: 1}}, Options: unique().SetSparse(true)},
		},
		// scalesql: every list filter, then the list's sort with its
		// tie-breaker (updated_at, _id), so a page is an index range.
		colRCAs: {
			{Keys: bson.D{{Key: "slug", Value: 1}}, Options: unique()},
			{Keys: bson.D{{Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}},
			{Keys: bson.D{{Key: "state", Value: 1}, {Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}},
			{Keys: bson.D{{Key: "affected_services", Value: 1}, {Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}},
			{Keys: bson.D{{Key: "tags", Value: 1}, {Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}},
			{Keys: bson.D{{Key: "incident_ids", Value: 1}, {Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}},
			{Keys: bson.D{{Key: "sort_date", Value: 1}, {Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}},
		},
		// Sparse: incidents without a source have no source_key. (FerretDB
		// ignores sparse but treats missing fields as distinct, which has
		// the same effect.)
		colIncidents: {
			{Keys: bson.D{{Key: "source_key", Value: 1}}, Options: unique().SetSparse(true)},
			// scalesql: filters, then started_at with its tie-breaker.
			{Keys: bson.D{{Key: "started_at", Value: -1}, {Key: "_id", Value: -1}}},
			{Keys: bson.D{{Key: "status", Value: 1}, {Key: "started_at", Value: -1}, {Key: "_id", Value: -1}}},
			{Keys: bson.D{{Key: "resolved_at", Value: 1}, {Key: "started_at", Value: -1}, {Key: "_id", Value: -1}}},
		},
		colTokens: {
			{Keys: bson.D{{Key: "hash", Value: 1}}, Options: unique()},
			{Keys: bson.D{{Key: "user_id", Value: 1}}},
		},
		colRevisions: {{Keys: bson.D{{Key: "rca_id", Value: 1}, {Key: "version", Value: 1}}, Options: unique()}},
		colComments:  {{Keys: bson.D{{Key: "rca_id", Value: 1}, {Key: "created_at", Value: 1}}}},
		colSessions: {
			{Keys: bson.D{{Key: "user_id", Value: 1}}},
			{Keys: bson.D{{Key: "expires_at", Value: 1}}},
		},
		colAudit: {{Keys: bson.D{{Key: "at", Value: -1}}}},
		colDeliveries: {
			{Keys: bson.D{{Key: "rca_id", Value: 1}, {Key: "created_at", Value: -1}}},
			{Keys: bson.D{{Key: "state", Value: 1}, {Key: "next_attempt_at", Value: 1}}},
		},
		colComponents: {{Keys: bson.D{{Key: "group", Value: 1}, {Key: "position", Value: 1}, {Key: "name", Value: 1}}}},
	}
	for col, models := range scalemultiIndexes() {
		idx[col] = append(idx[col], models...)
	}
	for col, models := range actionIndexes() { // actions (issue 14)
		idx[col] = append(idx[col], models...)
	}
	for col, models := range subscriberIndexes() { // subs
		idx[col] = append(idx[col], models...)
	}
	for col, models := range collabIndexes() { // collab
		idx[col] = append(idx[col], models...)
	}
	// One at a time: FerretDB 1.24 panics on a createIndexes command that
	// names several indexes which all exist already.
	for col, models := range idx {
		for _, m := range models {
			if _, err := s.c(col).Indexes().CreateOne(ctx, m); err != nil {
				return wrap("create index on "+col, err)
			}
		}
	}
	if err := s.backfillDueKeys(ctx); err != nil { // actions (issue 14)
		return err
	}
	if err := s.ensureAttachmentIndexes(ctx); err != nil { // images
		return err
	}
	return s.ensureTextIndex(ctx) // scalesql
}

// wrap maps driver errors onto the store's sentinels, prefixed with what
// was being done.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("mongo: %s: %w", op, store.ErrNotFound)
	case isDuplicate(err):
		return fmt.Errorf("mongo: %s: %w: %w", op, store.ErrDuplicate, err)
	case unreachable(err):
		return fmt.Errorf("mongo: %s: %w: %w", op, store.ErrUnavailable, err)
	default:
		return fmt.Errorf("mongo: %s: %w", op, err)
	}
}

// isDuplicate reports whether err is a unique index violation. FerretDB
// reports one on update as an internal error carrying SQLite's message
// instead of MongoDB's code 11000.
func isDuplicate(err error) bool {
	return err != nil && (mongo.IsDuplicateKeyError(err) || strings.Contains(err.Error(), "UNIQUE constraint failed"))
}

// unreachable reports whether err means the server could not be reached
// (as opposed to refusing the operation).
func unreachable(err error) bool {
	var (
		sel  topology.ServerSelectionError
		conn topology.ConnectionError
		// The driver's "connection pool was cleared" error, raised when
		// another operation on the same pool lost its connection, is
		// unexported and wraps nothing; it is known by this interface.
		pool driver.RetryablePoolError
	)
	return errors.As(err, &sel) ||
		errors.As(err, &conn) ||
		(errors.As(err, &pool) && pool.Retryable()) ||
		mongo.IsNetworkError(err) ||
		mongo.IsTimeout(err) ||
		errors.Is(err, mongo.ErrClientDisconnected) ||
		errors.Is(err, context.DeadlineExceeded)
}

// id is a filter on _id.
func id(v string) bson.D { return bson.D{{Key: "_id", Value: v}} }

// containsFold is a case-insensitive substring match.
func containsFold(s string) bson.D {
	return bson.D{{Key: "$regex", Value: regexp.QuoteMeta(s)}, {Key: "$options", Value: "i"}}
}

// findAll runs a query and decodes every document with conv.
func findAll[D any, T any](ctx context.Context, col *mongo.Collection, op string, filter any, opts *options.FindOptionsBuilder, conv func(D) T) ([]T, error) {
	cur, err := col.Find(ctx, filter, opts)
	if err != nil {
		return nil, wrap(op, err)
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrap(op, err)
	}
	out := make([]T, 0, len(docs))
	for _, d := range docs {
		out = append(out, conv(d))
	}
	return out, nil
}

// findOne loads one document by filter and converts it.
func findOne[D any, T any](ctx context.Context, col *mongo.Collection, op string, filter any, conv func(D) T) (T, error) {
	var d D
	if err := col.FindOne(ctx, filter).Decode(&d); err != nil {
		var zero T
		return zero, wrap(op, err)
	}
	return conv(d), nil
}

// exists reports whether a document with _id v exists. (A find on _id
// alone is the one query FerretDB's SQLite handler answers from an index.)
func exists(ctx context.Context, col *mongo.Collection, v string) (bool, error) {
	err := col.FindOne(ctx, id(v), options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, err
}

// page applies a store.Page to find options.
func page(opts *options.FindOptionsBuilder, p store.Page) *options.FindOptionsBuilder {
	p = p.Clamp()
	return opts.SetSkip(int64(p.Offset)).SetLimit(int64(p.Limit))
}

// stamp fills the times of a new record: created defaults to now, updated
// to created. Times a caller set (imports, fixtures) are kept.
func stamp(created, updated *time.Time, now time.Time) {
	if created.IsZero() {
		*created = now
	}
	if updated.IsZero() {
		*updated = *created
	}
}

// invalid builds a validation error with one problem.
func invalid(field, code, detail string) error {
	return &domain.ValidationError{Problems: []domain.Problem{{Field: field, Code: code, Detail: detail}}}
}
