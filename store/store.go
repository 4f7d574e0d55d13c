// Package store is klachtd's record: a SQLite database (modernc, no cgo)
// holding dossiers, every message, attachments, letters, the event log, the
// outbox and the IMAP sync state, plus a content-addressed file area for raw
// message bytes. Every change goes through one transaction (Store.Tx).
package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // driver "sqlite"
)

// Sentinel errors.
var (
	// ErrNotFound is returned when a dossier, message or letter does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNewerSchema is returned when the database was written by a newer klachtd.
	ErrNewerSchema = errors.New("database schema is newer than this klachtd")
)

// Store is the dossier of record.
type Store struct {
	db      *sql.DB
	dataDir string
	// OnOutbox, when set, is called after a transaction that added outbox
	// rows has committed (the outbox sender's kick).
	OnOutbox func()
	// OnSchedule, when set, is called after a transaction that changed terms
	// has committed (the scheduler's kick).
	OnSchedule func()
	// Fault is fault injection for tests: when set, every statement first
	// calls it with its SQL text, and an error it returns becomes the
	// statement's error (see Transient and ErrUnavailable).
	Fault func(query string) error
}

// Open opens (creating if needed) the database in dataDir and migrates it.
// Directories are created 0700, files 0600.
func Open(ctx context.Context, dataDir string) (*Store, error) {
	for _, d := range []string{dataDir, filepath.Join(dataDir, "mail"), filepath.Join(dataDir, "files"), filepath.Join(dataDir, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("store: create %s: %w", d, err)
		}
		if err := os.Chmod(d, 0o700); err != nil {
			return nil, fmt.Errorf("store: chmod %s: %w", d, err)
		}
	}
	path := filepath.Join(dataDir, "klachtd.db")
	// Create the file ourselves so that it is 0600 from the start.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	f.Close()
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// One writer at a time; SQLite serialises writers anyway, and a single
	// connection rules out read→write lock upgrades failing with SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, dataDir: dataDir}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// WAL and SHM files are created by SQLite with the umask; tighten them.
	for _, suffix := range []string{"-wal", "-shm"} {
		_ = os.Chmod(path+suffix, 0o600)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DataDir returns the data directory.
func (s *Store) DataDir() string { return s.dataDir }

// Path turns a path relative to the data directory into an absolute one.
func (s *Store) Path(rel string) string { return filepath.Join(s.dataDir, rel) }

// Tx runs fn in one immediate transaction and commits it. Kicks registered
// with the transaction run after the commit. If fn fails or panics, the
// transaction is rolled back (and the panic goes on up): the one database
// connection is never left inside an open transaction.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = sqlTx.Rollback()
		}
	}()
	tx := &Tx{tx: sqlTx, ctx: ctx, store: s}
	if err := fn(tx); err != nil {
		return err
	}
	done = true
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if tx.outboxChanged && s.OnOutbox != nil {
		s.OnOutbox()
	}
	if tx.scheduleChanged && s.OnSchedule != nil {
		s.OnSchedule()
	}
	return nil
}

// Tx is one open transaction.
type Tx struct {
	tx              *sql.Tx
	ctx             context.Context
	store           *Store
	outboxChanged   bool
	scheduleChanged bool
	channel         string // see SetChannel
}

// SetChannel names the channel every event of this transaction came by
// ("web"), so that the one implementation of an action, shared with the
// mail command, records where it was done without a parameter of its own.
func (tx *Tx) SetChannel(channel string) { tx.channel = channel }

// Store returns the store the transaction belongs to.
func (tx *Tx) Store() *Store { return tx.store }

// ScheduleChanged marks that terms changed so the scheduler is kicked after
// the commit.
func (tx *Tx) ScheduleChanged() { tx.scheduleChanged = true }

func (tx *Tx) fault(query string) error {
	if f := tx.store.Fault; f != nil {
		return f(query)
	}
	return nil
}

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	if err := tx.fault(query); err != nil {
		return nil, err
	}
	return tx.tx.ExecContext(tx.ctx, query, args...)
}

func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	if err := tx.fault(query); err != nil {
		return nil, err
	}
	return tx.tx.QueryContext(tx.ctx, query, args...)
}

// row is one result row, or the error that kept it from being read.
type row struct {
	r   *sql.Row
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.r.Scan(dest...)
}

func (tx *Tx) queryRow(query string, args ...any) scanner {
	if err := tx.fault(query); err != nil {
		return row{err: err}
	}
	return row{r: tx.tx.QueryRowContext(tx.ctx, query, args...)}
}

// View runs fn in a read transaction.
func (s *Store) View(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer sqlTx.Rollback() // also when fn panics
	return fn(&Tx{tx: sqlTx, ctx: ctx, store: s})
}

// PutFile copies r into the content-addressed area dir ("mail" for raw
// messages, "letters" for letter PDFs, "files" for attachments)
// and returns its path relative to the data directory, its SHA-256 and size.
// The file is written to a temporary name, synced and renamed, so a crash
// leaves either nothing or the whole file.
func (s *Store) PutFile(area string, r io.Reader) (rel, sum string, size int64, err error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dataDir, "tmp"), "put-*")
	if err != nil {
		return "", "", 0, fmt.Errorf("store: temp file: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		tmp.Close()
		return "", "", 0, fmt.Errorf("store: write file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", "", 0, fmt.Errorf("store: sync file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", "", 0, fmt.Errorf("store: close file: %w", err)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	rel, err = s.AdoptFile(area, tmp.Name(), sum)
	return rel, sum, size, err
}

// AdoptFile moves a finished file (already synced) with the given SHA-256
// into the content-addressed area and returns its relative path.
func (s *Store) AdoptFile(area, path, sum string) (string, error) {
	ext := map[string]string{"mail": ".eml", "letters": ".pdf"}[area]
	rel := filepath.Join(area, sum[:2], sum+ext)
	abs := filepath.Join(s.dataDir, rel)
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return "", fmt.Errorf("store: create dir: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return "", fmt.Errorf("store: chmod: %w", err)
	}
	if err := os.Rename(path, abs); err != nil {
		return "", fmt.Errorf("store: rename into place: %w", err)
	}
	return rel, nil
}

// ReadFile returns the bytes of a stored file (relative path).
func (s *Store) ReadFile(rel string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(s.dataDir, rel))
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", rel, err)
	}
	return b, nil
}

// TempDir is where callers stage files before PutFile/AdoptFile.
func (s *Store) TempDir() string { return filepath.Join(s.dataDir, "tmp") }

// FilesDir is the content-addressed area for attachments.
func (s *Store) FilesDir() string { return filepath.Join(s.dataDir, "files") }

// ms converts a time to the stored form (Unix milliseconds); zero → NULL.
func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMS converts a stored time back; NULL → zero time.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}
