package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrUnavailable marks a failure of the store itself rather than of what
// was asked of it (Transient reports it). Fault injection in tests wraps it.
var ErrUnavailable = errors.New("store unavailable")

// transientCodes are the SQLite primary result codes that say the database
// or the machine is in trouble (busy, locked, full, broken I/O), not that
// the statement or its data was wrong (https://sqlite.org/rescode.html).
var transientCodes = map[int]bool{
	sqlite3.SQLITE_BUSY:      true,
	sqlite3.SQLITE_LOCKED:    true,
	sqlite3.SQLITE_NOMEM:     true,
	sqlite3.SQLITE_READONLY:  true,
	sqlite3.SQLITE_INTERRUPT: true,
	sqlite3.SQLITE_IOERR:     true,
	sqlite3.SQLITE_CORRUPT:   true,
	sqlite3.SQLITE_FULL:      true,
	sqlite3.SQLITE_CANTOPEN:  true,
	sqlite3.SQLITE_PROTOCOL:  true,
	sqlite3.SQLITE_NOTADB:    true,
}

// transientErrnos are system errors of the data directory's disk or of the
// machine (disk full, quota, read-only, I/O error, out of file handles).
var transientErrnos = []syscall.Errno{
	syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.EIO,
	syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM, syscall.EAGAIN,
}

// Transient reports whether err is a failure of the world rather than of the
// work: the database is busy, locked, full or broken, the disk is full or
// failing, or the context was cancelled. Such an error says nothing about the
// message or letter being handled; the step should end and be tried again
// later. Any other error (a constraint, a bad value, a missing row) is about
// the work itself. ErrNotFound is never transient.
func Transient(err error) bool {
	if err == nil || errors.Is(err, ErrNotFound) {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, sql.ErrConnDone) || errors.Is(err, sql.ErrTxDone) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) && transientCodes[se.Code()&0xff] {
		return true
	}
	for _, errno := range transientErrnos {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}
