// Package sqlite is Hindsight's embedded store: one SQLite file in the data
// folder, through the pure-Go modernc.org/sqlite driver, so the binary runs on
// a bare machine.
//
// The layout is document-shaped: every entity is a table holding the columns
// it is filtered, ordered or made unique on, plus a JSON "doc" column with the
// whole record. RCA-to-incident links live in rca_incidents so that
// Incident.RCAIDs is derived, never stored twice. Secrets hidden from JSON
// (password hashes, token hashes, CSRF tokens, target secrets) get their own
// columns.
//
// Durability and concurrency: WAL mode with synchronous=FULL, so an
// acknowledged write survives a crash or kill -9; all writes go through one
// connection and begin IMMEDIATE, so concurrent writers queue instead of
// failing with SQLITE_BUSY; reads use a separate pool and never wait for
// writers.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/hindsight-rca/hindsight/internal/store"
)

// FileName is the database file's name inside the data folder.
const FileName = "hindsight.db"

// Store is the SQLite implementation of store.Store.
type Store struct {
	w      *sql.DB // the single writer connection
	r      *sql.DB // readers
	a      *sql.DB // scalesql: readers for sign-in checks (sessions, tokens, users), never behind a search
	path   string
	closed atomic.Bool
	now    func() time.Time
}

var _ store.Store = (*Store)(nil)

// Open opens (creating when needed) dir/hindsight.db and brings its schema up
// to date. dir is created with mode 0700 when it does not exist.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create data folder: %w: %w", store.ErrUnavailable, err)
	}
	path := filepath.Join(dir, FileName)
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite: data folder %q: the characters ? and # are not supported", dir)
	}
	// The file holds password hashes and publish secrets: only its owner may
	// read it. SQLite gives the -wal and -shm files the database's mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: create %s: %w: %w", path, store.ErrUnavailable, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("sqlite: create %s: %w: %w", path, store.ErrUnavailable, err)
	}
	common := "_busy_timeout=10000&_foreign_keys=1"
	w, err := sql.Open("sqlite", path+"?"+common+"&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{w: w, path: path, now: func() time.Time { return time.Now().UTC() }}
	// The writer opens first: it switches the file to WAL, which readers need.
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close() // the error below is the one to report
		return nil, s.fail("open "+path, err)
	}
	if err := s.migrate(ctx); err != nil {
		_ = w.Close() // the error below is the one to report
		return nil, err
	}
	r, err := sql.Open("sqlite", path+"?"+common+"&_query_only=1")
	if err != nil {
		_ = w.Close() // the error below is the one to report
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	if err := r.PingContext(ctx); err != nil {
		_ = w.Close() // the error below is the one to report
		_ = r.Close()
		return nil, s.fail("open "+path+" for reading", err)
	}
	s.r = r
	// scalesql: sign-in checks get their own small pool, so a burst of
	// searches holding every reader never delays a request's session lookup.
	a, err := sql.Open("sqlite", path+"?"+common+"&_query_only=1")
	if err != nil {
		_ = w.Close() // the error below is the one to report
		_ = r.Close()
		return nil, fmt.Errorf("sqlite: open %s for sign-in reads: %w", path, err)
	}
	a.SetMaxOpenConns(2)
	a.SetMaxIdleConns(2)
	s.a = a
	return s, nil
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database. Calls after Close answer ErrUnavailable; a
// second Close is a no-op.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	// Let SQLite refresh its query planner statistics; it is cheap and
	// skipped when nothing changed. A failure here does not matter.
	_, _ = s.w.Exec("PRAGMA optimize")
	return errors.Join(s.a.Close(), s.r.Close(), s.w.Close())
}

// Ping checks that the database file answers a query (SELECT 1 alone would
// not read the file).
func (s *Store) Ping(ctx context.Context) error {
	db, err := s.reader()
	if err != nil {
		return err
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil {
		return s.fail("ping", err)
	}
	return nil
}

func (s *Store) reader() (*sql.DB, error) {
	if s.closed.Load() {
		return nil, fmt.Errorf("sqlite: %w: store closed", store.ErrUnavailable)
	}
	return s.r, nil
}

// snapshot runs fn in one read transaction, so queries that belong together
// (a page and its total, an incident and its links) see the same data.
func (s *Store) snapshot(ctx context.Context, op string, fn func(q queryer) error) error {
	db, err := s.reader()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.fail(op, err)
	}
	defer func() { _ = tx.Rollback() }() // read-only: nothing to keep or lose
	return s.fail(op, fn(tx))
}

// tx runs fn in one IMMEDIATE transaction on the writer connection and
// commits when fn returns nil.
func (s *Store) tx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if s.closed.Load() {
		return fmt.Errorf("sqlite: %s: %w: store closed", op, store.ErrUnavailable)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return s.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.fail(op, err)
	}
	return nil
}

// fail maps an engine error to the store's sentinels and names the operation.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	var ce *store.ConflictError
	switch {
	case errors.As(err, &ce):
		return err
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict),
		errors.Is(err, store.ErrDuplicate), errors.Is(err, store.ErrUnavailable):
		return fmt.Errorf("sqlite: %s: %w", op, err)
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlite: %s: %w", op, store.ErrNotFound)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("sqlite: %s: %w", op, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code()
		switch code {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("sqlite: %s: %w: %w", op, store.ErrDuplicate, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("sqlite: %s: %w: %w", op, store.ErrNotFound, err)
		}
		switch code & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN,
			sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT,
			sqlite3.SQLITE_PERM, sqlite3.SQLITE_NOLFS:
			return fmt.Errorf("sqlite: %s: %w: %w", op, store.ErrUnavailable, err)
		}
	}
	if s.closed.Load() || errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "database is closed") {
		return fmt.Errorf("sqlite: %s: %w: %w", op, store.ErrUnavailable, err)
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// tsLayout is a fixed-width UTC layout: its strings sort like the instants
// they name, so time columns can be compared and ordered as text, and it keeps
// every nanosecond.
const tsLayout = "2006-01-02T15:04:05.000000000Z"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanner is what both *sql.Row and *sql.Rows offer.
type scanner interface {
	Scan(dest ...any) error
}

// scanDoc reads a row's JSON doc column into a T.
func scanDoc[T any](r scanner) (T, error) {
	var v, zero T
	var doc string
	if err := r.Scan(&doc); err != nil {
		return zero, err
	}
	if err := decode(doc, &v); err != nil {
		return zero, err
	}
	return v, nil
}

// scanDocAnd reads a row's JSON doc column into a T, then a second text
// column JSON never carries (a hash or a secret), which set puts on it.
func scanDocAnd[T any](r scanner, set func(*T, string)) (T, error) {
	var v, zero T
	var doc, extra string
	if err := r.Scan(&doc, &extra); err != nil {
		return zero, err
	}
	if err := decode(doc, &v); err != nil {
		return zero, err
	}
	set(&v, extra)
	return v, nil
}

func scanString(r scanner) (string, error) {
	var v string
	err := r.Scan(&v)
	return v, err
}

// queryAll runs query and reads every row into a T with scan.
func queryAll[T any](ctx context.Context, q queryer, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }() // rows.Err below reports read errors
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// getDoc loads one JSON doc column into a T.
func getDoc[T any](ctx context.Context, q queryer, query string, args ...any) (T, error) {
	return scanDoc[T](q.QueryRowContext(ctx, query, args...))
}

// listDocs loads the JSON doc column of every row into a T.
func listDocs[T any](ctx context.Context, q queryer, query string, args ...any) ([]T, error) {
	return queryAll(ctx, q, scanDoc[T], query, args...)
}

// readOne reads one row with scan on the reader pool, naming op in its error.
func readOne[T any](ctx context.Context, s *Store, op string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	db, err := s.reader()
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := scan(db.QueryRowContext(ctx, query, args...))
	return v, s.fail(op, err)
}

// readOneAuth is readOne on the sign-in pool (scalesql).
func readOneAuth[T any](ctx context.Context, s *Store, op string, scan func(scanner) (T, error), query string, args ...any) (T, error) {
	if _, err := s.reader(); err != nil {
		var zero T
		return zero, err
	}
	v, err := scan(s.a.QueryRowContext(ctx, query, args...))
	return v, s.fail(op, err)
}

// readAll reads every row with scan on the reader pool, naming op in its error.
func readAll[T any](ctx context.Context, s *Store, op string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	db, err := s.reader()
	if err != nil {
		return nil, err
	}
	list, err := queryAll(ctx, db, scan, query, args...)
	return list, s.fail(op, err)
}

// decode reads a stored JSON document into v and puts every time in it in
// UTC: JSON keeps the offset a caller's time had, the store answers in UTC.
func decode(doc string, v any) error {
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return fmt.Errorf("decode stored document: %w", err)
	}
	inUTC(reflect.ValueOf(v))
	return nil
}

var timeType = reflect.TypeOf(time.Time{})

// inUTC sets every reachable, settable time.Time in v to UTC.
func inUTC(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			inUTC(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == timeType {
			if v.CanSet() {
				v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
			}
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				inUTC(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			inUTC(v.Index(i))
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			// Map values are not addressable: fix a copy and put it back.
			c := reflect.New(iter.Value().Type()).Elem()
			c.Set(iter.Value())
			inUTC(c)
			v.SetMapIndex(iter.Key(), c)
		}
	}
}

func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode document: %w", err)
	}
	return string(b), nil
}

// mustAffect turns "no row changed" into ErrNotFound.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// where collects SQL conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// count runs SELECT COUNT(*) FROM table with the conditions.
func count(ctx context.Context, q queryer, table string, w *where) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+w.String(), w.args...).Scan(&n)
	return n, err
}

// listPage reads one page of table's docs matching w, in order, and the
// total that match, in one snapshot. fill, when not nil, completes the page
// inside the same snapshot.
func listPage[T any](ctx context.Context, s *Store, op, table string, w *where, order string, p store.Page,
	fill func(q queryer, list []T) error) ([]T, int, error) {
	p = p.Clamp()
	var list []T
	var total int
	err := s.snapshot(ctx, op, func(q queryer) error {
		var err error
		if total, err = count(ctx, q, table, w); err != nil {
			return err
		}
		list, err = listDocs[T](ctx, q, "SELECT doc FROM "+table+w.String()+
			" ORDER BY "+order+" LIMIT ? OFFSET ?", append(w.args, p.Limit, p.Offset)...)
		if err != nil || fill == nil {
			return err
		}
		return fill(q, list)
	})
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t.UTC()
}
