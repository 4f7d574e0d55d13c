package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Outgoing is one row of the outbox: a composed message waiting to be sent.
type Outgoing struct {
	ID            int64
	MessageRef    int64 // the filed outgoing message; its raw file is what is sent
	LetterID      int64
	Mailbox       string // intake address whose SMTP settings send it
	EnvFrom       string
	Recipients    []string
	CreatedAt     time.Time
	NextAttemptAt time.Time
	Attempts      int
	LastError     string
	SentAt        time.Time
	FailedAt      time.Time
}

// Enqueue adds an outbox row in the current transaction. The outbox sender
// is kicked after the commit.
func (tx *Tx) Enqueue(o *Outgoing) error {
	if o.CreatedAt.IsZero() {
		o.CreatedAt = time.Now().UTC()
	}
	if o.NextAttemptAt.IsZero() {
		o.NextAttemptAt = o.CreatedAt
	}
	if len(o.Recipients) == 0 {
		return fmt.Errorf("store: outbox row without recipients")
	}
	res, err := tx.exec(`INSERT INTO outbox (message_ref, letter_id, mailbox, env_from, recipients,
		created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		o.MessageRef, sqlID(o.LetterID), o.Mailbox, o.EnvFrom, words(&o.Recipients),
		sqlTime(o.CreatedAt), sqlTime(o.NextAttemptAt))
	if err != nil {
		return fmt.Errorf("store: enqueue: %w", err)
	}
	o.ID, err = res.LastInsertId()
	if err != nil {
		return fmt.Errorf("store: enqueue: %w", err)
	}
	tx.outboxChanged = true
	return nil
}

const outboxColumns = `id, message_ref, letter_id, mailbox, env_from, recipients, created_at,
	next_attempt_at, attempts, last_error, sent_at, failed_at`

func scanOutgoing(r scanner) (*Outgoing, error) {
	var o Outgoing
	if err := r.Scan(&o.ID, &o.MessageRef, (*sqlID)(&o.LetterID), &o.Mailbox, &o.EnvFrom, words(&o.Recipients),
		(*sqlTime)(&o.CreatedAt), (*sqlTime)(&o.NextAttemptAt), &o.Attempts, &o.LastError,
		(*sqlTime)(&o.SentAt), (*sqlTime)(&o.FailedAt)); err != nil {
		return nil, err
	}
	return &o, nil
}

// DueOutgoing returns unsent rows due at or before now, oldest first.
func (tx *Tx) DueOutgoing(now time.Time, limit int) ([]*Outgoing, error) {
	rows, err := tx.query(`SELECT `+outboxColumns+` FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL
		AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, sqlTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due outbox: %w", err)
	}
	defer rows.Close()
	var out []*Outgoing
	for rows.Next() {
		o, err := scanOutgoing(rows)
		if err != nil {
			return nil, fmt.Errorf("store: due outbox: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// NextOutgoingAt returns when the next unsent row is due (zero if none).
func (tx *Tx) NextOutgoingAt() (time.Time, error) {
	var next time.Time
	if err := tx.queryRow(`SELECT MIN(next_attempt_at) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL`).Scan((*sqlTime)(&next)); err != nil {
		return time.Time{}, fmt.Errorf("store: next outbox time: %w", err)
	}
	return next, nil
}

// MarkSent records that a row was accepted by the SMTP server, and the
// letter it carried (if any) as sent.
func (tx *Tx) MarkSent(id int64, at time.Time) error {
	o, err := tx.outgoing(id)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?`, sqlTime(at), id); err != nil {
		return fmt.Errorf("store: mark outbox #%d sent: %w", id, err)
	}
	if o.LetterID != 0 {
		if _, err := tx.exec(`UPDATE letters SET sent_at = ? WHERE id = ? AND sent_at IS NULL`, sqlTime(at), o.LetterID); err != nil {
			return fmt.Errorf("store: mark letter #%d sent: %w", o.LetterID, err)
		}
	}
	return nil
}

// MarkRetry records a failed attempt and when to try again.
func (tx *Tx) MarkRetry(id int64, errText string, next time.Time) error {
	if _, err := tx.exec(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`,
		errText, sqlTime(next), id); err != nil {
		return fmt.Errorf("store: mark outbox #%d retry: %w", id, err)
	}
	return nil
}

// MarkFailed records that a row will not be tried again.
func (tx *Tx) MarkFailed(id int64, errText string, at time.Time) error {
	if _, err := tx.exec(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, failed_at = ? WHERE id = ?`,
		errText, sqlTime(at), id); err != nil {
		return fmt.Errorf("store: mark outbox #%d failed: %w", id, err)
	}
	return nil
}

// Outgoing returns one outbox row.
func (tx *Tx) outgoing(id int64) (*Outgoing, error) {
	o, err := scanOutgoing(tx.queryRow(`SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: outbox #%d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: outbox #%d: %w", id, err)
	}
	return o, nil
}

// OutgoingForMessage returns the outbox row that sends a filed message, or nil.
func (tx *Tx) OutgoingForMessage(messageRef int64) (*Outgoing, error) {
	o, err := scanOutgoing(tx.queryRow(`SELECT `+outboxColumns+` FROM outbox WHERE message_ref = ? ORDER BY id DESC LIMIT 1`, messageRef))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: outbox for message #%d: %w", messageRef, err)
	}
	return o, nil
}

// SetOutboxLetter links the outbox row of a message to the letter it carries.
func (tx *Tx) SetOutboxLetter(messageRef, letterID int64) error {
	if _, err := tx.exec(`UPDATE outbox SET letter_id = ? WHERE message_ref = ?`, letterID, messageRef); err != nil {
		return fmt.Errorf("store: link letter #%d: %w", letterID, err)
	}
	return nil
}

// NoticeSent reports whether a scheduled notice (scope, kind, key) was
// already sent.
func (tx *Tx) NoticeSent(scope, kind, key string) (bool, error) {
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM notices WHERE scope = ? AND kind = ? AND key = ?`, scope, kind, key).Scan(&n); err != nil {
		return false, fmt.Errorf("store: notice lookup: %w", err)
	}
	return n > 0, nil
}

// RecordNotice records that a scheduled notice was queued. It reports false
// if it had been recorded before (and then nothing must be sent).
func (tx *Tx) RecordNotice(scope, kind, key string, at time.Time) (bool, error) {
	res, err := tx.exec(`INSERT INTO notices (scope, kind, key, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, scope, kind, key, sqlTime(at))
	if err != nil {
		return false, fmt.Errorf("store: record notice: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
