package sqlite

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/storetest"
)

func openDir(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("Open %s: %v", dir, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openTemp(t testing.TB) *Store { return openDir(t, t.TempDir()) }

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return openTemp(b) })
}

// pragma reads one PRAGMA through the given pool.
func pragma(t *testing.T, db *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestConnectionSettings(t *testing.T) {
	s := openTemp(t)
	for _, c := range []struct {
		db        *sql.DB
		who, name string
		want      string
	}{
		{s.w, "writer", "journal_mode", "wal"},
		{s.w, "writer", "synchronous", "2"}, // FULL
		{s.w, "writer", "foreign_keys", "1"},
		{s.w, "writer", "busy_timeout", "10000"},
		{s.w, "writer", "query_only", "0"},
		{s.r, "reader", "journal_mode", "wal"},
		{s.r, "reader", "foreign_keys", "1"},
		{s.r, "reader", "busy_timeout", "10000"},
		{s.r, "reader", "query_only", "1"},
	} {
		if got := pragma(t, c.db, c.name); got != c.want {
			t.Errorf("%s: PRAGMA %s = %s, want %s", c.who, c.name, got, c.want)
		}
	}
	if _, err := s.r.Exec("DELETE FROM settings"); err == nil {
		t.Error("the reader pool accepted a write")
	}
}

func TestWALOnDisk(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	if err := s.PutSetting(t.Context(), "k", []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName+"-wal")); err != nil {
		t.Fatalf("no write-ahead log next to the database: %v", err)
	}
	// Only the owner may read the database and its log.
	for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", name, perm)
		}
	}
	// WAL is a property of the file: an unrelated connection sees it too.
	raw, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = raw.Close() }()
	if got := pragma(t, raw, "journal_mode"); got != "wal" {
		t.Fatalf("journal_mode seen by another connection: %s", got)
	}
}

// schemaOf lists the database's schema objects and recorded migrations.
func schemaOf(t *testing.T, path string) string {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = raw.Close() }()
	var b strings.Builder
	rows, err := raw.Query("SELECT type, name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ, name, q string
		if err := rows.Scan(&typ, &name, &q); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s\n", typ, name, q)
	}
	_ = rows.Close()
	rows, err = raw.Query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var v int
		var name, applied string
		if err := rows.Scan(&v, &name, &applied); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "migration %d %s %s\n", v, name, applied)
	}
	return b.String()
}

func TestMigrationsRerun(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	s, err := Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	first := schemaOf(t, path)
	if n := strings.Count(first, "migration "); n != len(migrations) {
		t.Fatalf("%d migrations recorded, want %d:\n%s", n, len(migrations), first)
	}
	for i := range 3 {
		s, err := Open(t.Context(), dir)
		if err != nil {
			t.Fatalf("reopen %d: %v", i+1, err)
		}
		_ = s.Close()
		if again := schemaOf(t, path); again != first {
			t.Fatalf("reopen %d changed the schema:\nbefore:\n%s\nafter:\n%s", i+1, first, again)
		}
	}
}

func TestMigrationsOrdered(t *testing.T) {
	// Areas own ranges of versions (1 the initial schema, 10-19 lists at
	// scale, …), so versions ascend with gaps.
	for i, m := range migrations {
		if m.version < 1 || (i > 0 && m.version <= migrations[i-1].version) {
			t.Fatalf("migration %d has version %d: versions must ascend", i, m.version)
		}
		if m.name == "" || m.up == nil {
			t.Fatalf("migration %d lacks a name or a step", m.version)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	if _, err := s.w.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 'x')"); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	_, err := Open(t.Context(), dir)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a database from a newer binary: %v, want a clear refusal", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := domain.BuiltinTemplate("standard")
	in := domain.Incident{Title: "Überlast 🚨", StartedAt: time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)}
	in.Normalize()
	if err := s.CreateIncident(ctx, &in); err != nil {
		t.Fatal(err)
	}
	r := domain.NewRCA("Persisted RCA", tpl, "de", []string{in.ID}, "u-1", time.Now())
	if err := s.CreateRCA(ctx, &r, "u-1"); err != nil {
		t.Fatal(err)
	}
	saved, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "Zusammenfassung.", BaseRevision: 1}, "u-2")
	if err != nil {
		t.Fatal(err)
	}
	u := domain.User{Email: "ann@example.com", Role: domain.RoleAdmin, PasswordHash: "h"}
	if err := s.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSetting(ctx, "status_page", []byte(`{"name":"Status"}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openDir(t, dir)
	got, err := s.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatalf("GetRCA after reopen: %v", err)
	}
	if got.Version != 2 || got.Section("summary").Body != "Zusammenfassung." || !got.UpdatedAt.Equal(saved.UpdatedAt) {
		t.Fatalf("RCA after reopen: version %d, summary %q", got.Version, got.Section("summary").Body)
	}
	revs, err := s.ListRevisions(ctx, r.ID)
	if err != nil || len(revs) != 2 {
		t.Fatalf("revisions after reopen: %v, %v", revs, err)
	}
	gi, err := s.GetIncident(ctx, in.ID)
	if err != nil || gi.Title != "Überlast 🚨" || len(gi.RCAIDs) != 1 || gi.RCAIDs[0] != r.ID {
		t.Fatalf("incident after reopen: %+v, %v", gi, err)
	}
	gu, err := s.GetUserByEmail(ctx, "ann@example.com")
	if err != nil || gu.PasswordHash != "h" {
		t.Fatalf("user after reopen: %+v, %v", gu, err)
	}
	v, err := s.GetSetting(ctx, "status_page")
	if err != nil || string(v) != `{"name":"Status"}` {
		t.Fatalf("setting after reopen: %s, %v", v, err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("data folder is a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(t.Context(), file)
		if !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("Open on a file: %v, want ErrUnavailable", err)
		}
	})
	t.Run("not a database", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(strings.Repeat("not sqlite at all ", 100)), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(t.Context(), dir)
		if !errors.Is(err, store.ErrUnavailable) {
			t.Fatalf("Open on garbage: %v, want ErrUnavailable", err)
		}
	})
	t.Run("creates missing folders", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "b", "data")
		s := openDir(t, dir)
		if err := s.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("close twice", func(t *testing.T) {
		s := openTemp(t)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
	})
}

// Two stores on one file stand for two processes (the server and a CLI
// command): their writers must queue on the file lock, not fail with BUSY.
func TestTwoWritersOnOneFile(t *testing.T) {
	dir := t.TempDir()
	a, b := openDir(t, dir), openDir(t, dir)
	ctx := t.Context()
	tpl, _ := domain.BuiltinTemplate("standard")
	r := domain.NewRCA("Shared", tpl, "en", nil, "u", time.Now())
	if err := a.CreateRCA(ctx, &r, "u"); err != nil {
		t.Fatal(err)
	}
	const perStore = 20
	var wg sync.WaitGroup
	errs := make(chan error, 4*perStore)
	for si, s := range []*Store{a, b} {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range perStore {
				in := domain.Incident{Title: fmt.Sprintf("store %d incident %d", si, i), StartedAt: time.Now()}
				in.Normalize()
				errs <- s.CreateIncident(ctx, &in)
			}
		}()
		go func() {
			defer wg.Done()
			for i := range perStore {
				cur, err := s.GetRCA(ctx, r.ID)
				if err != nil {
					errs <- err
					continue
				}
				key := cur.Sections[(si*perStore+i)%len(cur.Sections)].Key
				_, err = s.SaveSection(ctx, r.ID, key, domain.SectionEdit{Body: fmt.Sprint(si, i), BaseRevision: cur.Section(key).Revision}, fmt.Sprintf("u%d-%d", si, i)) // one author per save: nothing coalesces
				if errors.Is(err, store.ErrConflict) {
					err = nil // the other store saved the same section in between: a real conflict, not a failure
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent write: %v", err)
		}
	}
	_, total, err := b.ListIncidents(ctx, store.IncidentFilter{})
	if err != nil || total != 2*perStore {
		t.Fatalf("incidents: %d, %v; want %d", total, err, 2*perStore)
	}
	got, _ := a.GetRCA(ctx, r.ID)
	revs, _ := b.ListRevisions(ctx, r.ID)
	if int64(len(revs)) != got.Version {
		t.Fatalf("%d revisions for version %d", len(revs), got.Version)
	}
}

// TestKillNineKeepsAcknowledgedWrites runs a writer in a child process, kills
// it with SIGKILL in the middle of its writes and checks that every write it
// acknowledged is there after reopening.
func TestKillNineKeepsAcknowledgedWrites(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "HINDSIGHT_SQLITE_CHILD_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if id, ok := strings.CutPrefix(line, "ACK "); ok {
			acked = append(acked, id)
			if len(acked) == 60 {
				break
			}
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = bufio.NewReader(out).WriteTo(devNull{}) }()
	_ = cmd.Wait()
	if len(acked) < 60 {
		t.Fatalf("child acknowledged only %d writes before exiting", len(acked))
	}

	s := openDir(t, dir)
	for _, id := range acked {
		r, err := s.GetRCA(t.Context(), id)
		if err != nil {
			t.Fatalf("acknowledged RCA %s lost after kill -9: %v", id, err)
		}
		if r.Section("summary").Body != "saved" || r.Version != 2 {
			t.Fatalf("acknowledged RCA %s incomplete after kill -9: version %d", id, r.Version)
		}
	}
	if err := s.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
}

type devNull struct{}

func (devNull) Write(p []byte) (int, error) { return len(p), nil }

// TestMain turns the test binary into the child writer of
// TestKillNineKeepsAcknowledgedWrites when that test starts it.
func TestMain(m *testing.M) {
	if dir := os.Getenv("HINDSIGHT_SQLITE_CHILD_DIR"); dir != "" {
		childWriter(dir)
		return
	}
	os.Exit(m.Run())
}

// childWriter creates RCAs and saves a section of each, printing "ACK id"
// after each acknowledged save, until it is killed.
func childWriter(dir string) {
	s, err := Open(context.Background(), dir)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(2)
	}
	tpl, _ := domain.BuiltinTemplate("standard")
	for i := 0; ; i++ {
		r := domain.NewRCA(fmt.Sprintf("Crash test %d", i), tpl, "en", nil, "u", time.Now())
		if err := s.CreateRCA(context.Background(), &r, "u"); err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		if _, err := s.SaveSection(context.Background(), r.ID, "summary", domain.SectionEdit{Body: "saved", BaseRevision: 1}, "u"); err != nil {
			fmt.Println("ERR", err)
			os.Exit(2)
		}
		fmt.Println("ACK", r.ID)
	}
}

// TestRCAWriteIsAtomic makes the last statement of an RCA write (the
// revision insert) fail and checks that the row and the links written before
// it in the same transaction were rolled back.
func TestRCAWriteIsAtomic(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	tpl, _ := domain.BuiltinTemplate("standard")
	r := domain.NewRCA("Atomic", tpl, "en", []string{"inc-old"}, "u", time.Now())
	if err := s.CreateRCA(ctx, &r, "u"); err != nil {
		t.Fatal(err)
	}
	// A stray revision 2 makes the next write's revision insert fail.
	if _, err := s.w.Exec("INSERT INTO rca_revisions (rca_id, version, author, at, note, doc) VALUES (?, 2, 'x', 'x', 'x', '{}')", r.ID); err != nil {
		t.Fatal(err)
	}
	cur := r
	cur.Title = "Changed"
	cur.IncidentIDs = []string{"inc-new"}
	if err := s.UpdateRCA(ctx, &cur, "u", "n"); err == nil {
		t.Fatal("UpdateRCA succeeded although its revision could not be stored")
	}
	if _, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "x", BaseRevision: 1}, "u"); err == nil {
		t.Fatal("SaveSection succeeded although its revision could not be stored")
	}
	got, err := s.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || got.Title != "Atomic" || got.Section("summary").Body != "" {
		t.Fatalf("a failed write left changes: version %d title %q", got.Version, got.Title)
	}
	for inc, want := range map[string]int{"inc-old": 1, "inc-new": 0} {
		list, _, err := s.ListRCAs(ctx, store.RCAFilter{IncidentID: inc})
		if err != nil || len(list) != want {
			t.Fatalf("links of %s after a failed write: %d, %v; want %d", inc, len(list), err, want)
		}
	}
}

// TestReadsDoNotWaitForWriters holds the write lock with an uncommitted
// change and checks that reads go on, and see only committed data.
func TestReadsDoNotWaitForWriters(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	if err := s.PutSetting(ctx, "k", []byte("committed")); err != nil {
		t.Fatal(err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.Exec("UPDATE settings SET value = CAST('uncommitted' AS BLOB) WHERE key = 'k'"); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	v, err := s.GetSetting(rctx, "k")
	if err != nil {
		t.Fatalf("read while a write transaction is open: %v", err)
	}
	if string(v) != "committed" {
		t.Fatalf("read saw %q, want the committed value", v)
	}
	// A second writer queues behind the first instead of failing.
	done := make(chan error, 1)
	go func() { done <- s.PutSetting(ctx, "k2", []byte("later")) }()
	select {
	case err := <-done:
		t.Fatalf("a second write finished while the first held the lock: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("queued write: %v", err)
	}
}

// TestListPageMatchesTotal lists while another goroutine keeps inserting: a
// page and its total come from one snapshot, so a page holding everything has
// exactly total entries. (Without the snapshot this fails now and then, not
// always: the race needs an insert between the two queries.)
func TestListPageMatchesTotal(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			in := domain.Incident{Title: fmt.Sprint("incident ", i), StartedAt: time.Now()}
			in.Normalize()
			if err := s.CreateIncident(ctx, &in); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	deadline := time.Now().Add(400 * time.Millisecond)
	lists := 0
	for time.Now().Before(deadline) {
		list, total, err := s.ListIncidents(ctx, store.IncidentFilter{Page: store.Page{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		if total <= 500 && len(list) != total {
			t.Fatalf("page of %d incidents with total %d", len(list), total)
		}
		lists++
	}
	close(stop)
	wg.Wait()
	if lists < 5 {
		t.Fatalf("only %d lists ran", lists)
	}
}

// TestMigrationUpgrade adds a step to an existing database the way a new
// release would: it runs once, a failing step rolls back and is retried on
// the next open, and data written before survives.
func TestMigrationUpgrade(t *testing.T) {
	dir := t.TempDir()
	ctx := t.Context()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutSetting(ctx, "before", []byte("kept")); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()

	saved := migrations
	t.Cleanup(func() { migrations = saved })
	runs := 0
	fail := true
	migrations = append(append([]migration(nil), saved...), migration{
		version: saved[len(saved)-1].version + 1,
		name:    "test step",
		up: func(ctx context.Context, tx *sql.Tx) error {
			runs++
			if _, err := tx.ExecContext(ctx, "CREATE TABLE upgrade_probe (x INTEGER) STRICT"); err != nil {
				return err
			}
			if fail {
				return errors.New("step failed halfway")
			}
			return nil
		},
	})

	if _, err := Open(ctx, dir); err == nil || !strings.Contains(err.Error(), "step failed halfway") {
		t.Fatalf("Open with a failing step: %v", err)
	}
	fail = false
	for i := range 2 {
		s, err := Open(ctx, dir)
		if err != nil {
			t.Fatalf("open %d after fixing the step: %v", i+1, err)
		}
		var n int
		if err := s.r.QueryRow("SELECT COUNT(*) FROM upgrade_probe").Scan(&n); err != nil {
			t.Fatalf("the step's table is missing: %v", err)
		}
		v, err := s.GetSetting(ctx, "before")
		if err != nil || string(v) != "kept" {
			t.Fatalf("data from before the upgrade: %q, %v", v, err)
		}
		_ = s.Close()
	}
	if runs != 2 {
		t.Fatalf("the step ran %d times, want 2 (the failed try and the one that stuck)", runs)
	}
}

// TestCloseWhileBusy closes the store under readers and writers: every call
// either succeeds or answers ErrUnavailable, none panics or hangs.
func TestCloseWhileBusy(t *testing.T) {
	s, err := Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	tpl, _ := domain.BuiltinTemplate("standard")
	r := domain.NewRCA("Busy", tpl, "en", nil, "u", time.Now())
	if err := s.CreateRCA(ctx, &r, "u"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	unavailable := 0
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				var err error
				if g%2 == 0 {
					_, err = s.GetRCA(ctx, r.ID)
				} else {
					in := domain.Incident{Title: fmt.Sprint("busy ", g, i), StartedAt: time.Now()}
					in.Normalize()
					err = s.CreateIncident(ctx, &in)
				}
				if err != nil {
					if !errors.Is(err, store.ErrUnavailable) {
						t.Errorf("call during Close: %v, want ErrUnavailable", err)
					}
					mu.Lock()
					unavailable++
					mu.Unlock()
					return
				}
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatalf("Close under load: %v", err)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("callers still running 10s after Close")
	}
	if unavailable != 4 {
		t.Fatalf("%d of 4 callers saw ErrUnavailable", unavailable)
	}
}

func TestBackup(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	tpl, _ := domain.BuiltinTemplate("standard")
	r := domain.NewRCA("Backed up", tpl, "en", nil, "u", time.Now())
	if err := s.CreateRCA(ctx, &r, "u"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "in the WAL, maybe not yet in the main file", BaseRevision: 1}, "u"); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "backup")
	if err := s.Backup(ctx, dst); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := s.Backup(ctx, dst); err == nil {
		t.Fatal("a second Backup into the same folder overwrote the first")
	}
	fi, err := os.Stat(filepath.Join(dst, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("backup has mode %v", fi.Mode().Perm())
	}
	// The store keeps working, its readers stay read-only.
	if _, err := s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: "after the backup", BaseRevision: 1}, "u"); err != nil {
		t.Fatal(err)
	}
	// Hold every reader connection at once and ask each.
	var conns []*sql.Conn
	for range 4 {
		c, err := s.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		var v string
		if err := c.QueryRowContext(ctx, "PRAGMA query_only").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != "1" {
			t.Fatalf("reader connection %d is writable after Backup", i)
		}
		_ = c.Close()
	}

	b := openDir(t, dst)
	got, err := b.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatalf("GetRCA from the backup: %v", err)
	}
	if got.Version != 2 || got.Section("summary").Body != "in the WAL, maybe not yet in the main file" || got.Section("impact").Body != "" {
		t.Fatalf("backup holds version %d", got.Version)
	}
	if revs, _ := b.ListRevisions(ctx, r.ID); len(revs) != 2 {
		t.Fatalf("backup holds %d revisions", len(revs))
	}
}
