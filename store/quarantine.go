package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Quarantined is a message that could not be filed, with the intake
// mailbox and folder it came from.
type Quarantined struct {
	*Message
	Mailbox string // intake address; "" if not known
	Folder  string
}

// Quarantined returns the quarantined messages, oldest first.
func (tx *Tx) Quarantined() ([]*Quarantined, error) {
	rows, err := tx.query(`SELECT `+prefixed("m.", messageColumns)+`, COALESCE(s.mailbox, ''), COALESCE(s.folder, '')
		FROM messages m LEFT JOIN imap_seen s ON s.message_ref = m.id
		WHERE m.kind = ? ORDER BY m.id`, KindQuarantine)
	if err != nil {
		return nil, fmt.Errorf("store: list quarantine: %w", err)
	}
	defer rows.Close()
	var out []*Quarantined
	seen := map[int64]bool{}
	for rows.Next() {
		var q Quarantined
		var mb, folder string
		m, err := scanMessage(scanFunc(func(dest ...any) error {
			return rows.Scan(append(dest, &mb, &folder)...)
		}))
		if err != nil {
			return nil, fmt.Errorf("store: list quarantine: %w", err)
		}
		if seen[m.ID] {
			continue // the same message seen under two UIDs
		}
		seen[m.ID] = true
		q.Message, q.Mailbox, q.Folder = m, mb, folder
		out = append(out, &q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list quarantine: %w", err)
	}
	return out, nil
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// FetchFailed records a failed attempt to fetch a UID and returns how many
// attempts have failed so far.
func (tx *Tx) FetchFailed(mailbox, folder string, uidValidity, uid uint32, errText string, at time.Time) (int, error) {
	if _, err := tx.exec(`INSERT INTO fetch_failures (mailbox, folder, uidvalidity, uid, attempts, last_error, last_at)
		VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (mailbox, folder, uidvalidity, uid)
		DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error, last_at = excluded.last_at`,
		mailbox, folder, uidValidity, uid, errText, ms(at)); err != nil {
		return 0, fmt.Errorf("store: record fetch failure of uid %d: %w", uid, err)
	}
	n, _, err := tx.FetchFailures(mailbox, folder, uidValidity, uid)
	return n, err
}

// FetchFailures returns how many attempts to fetch a UID failed, and the
// last error.
func (tx *Tx) FetchFailures(mailbox, folder string, uidValidity, uid uint32) (int, string, error) {
	var n int
	var last string
	err := tx.queryRow(`SELECT attempts, last_error FROM fetch_failures WHERE mailbox = ? AND folder = ? AND uidvalidity = ? AND uid = ?`,
		mailbox, folder, uidValidity, uid).Scan(&n, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("store: fetch failures of uid %d: %w", uid, err)
	}
	return n, last, nil
}

// ClearFetchFailures forgets the failed attempts of a UID (it was fetched).
func (tx *Tx) ClearFetchFailures(mailbox, folder string, uidValidity, uid uint32) error {
	if _, err := tx.exec(`DELETE FROM fetch_failures WHERE mailbox = ? AND folder = ? AND uidvalidity = ? AND uid = ?`,
		mailbox, folder, uidValidity, uid); err != nil {
		return fmt.Errorf("store: clear fetch failures of uid %d: %w", uid, err)
	}
	return nil
}
