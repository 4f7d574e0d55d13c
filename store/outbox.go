package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

	// Draft is the mail as the transaction that caused it fixed it (JSON,
	// read by the daemon's render step); "" for rows composed at once.
	Draft string
	// RenderedAt is when the exact bytes were stored; only rendered rows
	// are sent.
	RenderedAt     time.Time
	RenderError    string    // why the last render failed
	RenderFailedAt time.Time // set while a failed render waits for the next start
}

// Enqueue adds an outbox row in the current transaction. The outbox sender
// is kicked after the commit. A row without a Draft must refer to a message
// whose bytes are stored; a row with one waits for the render step.
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
	if o.Draft == "" && o.RenderedAt.IsZero() {
		o.RenderedAt = o.CreatedAt
	}
	res, err := tx.exec(`INSERT INTO outbox (message_ref, letter_id, mailbox, env_from, recipients,
		created_at, next_attempt_at, draft, rendered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.MessageRef, nullID(o.LetterID), o.Mailbox, o.EnvFrom, strings.Join(o.Recipients, " "),
		ms(o.CreatedAt), ms(o.NextAttemptAt), o.Draft, ms(o.RenderedAt))
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
	next_attempt_at, attempts, last_error, sent_at, failed_at, draft, rendered_at, render_error,
	render_failed_at`

func scanOutgoing(r scanner) (*Outgoing, error) {
	var o Outgoing
	var letter, created, next, sent, failed, rendered, renderFailed sql.NullInt64
	var rcpts string
	if err := r.Scan(&o.ID, &o.MessageRef, &letter, &o.Mailbox, &o.EnvFrom, &rcpts, &created, &next,
		&o.Attempts, &o.LastError, &sent, &failed, &o.Draft, &rendered, &o.RenderError, &renderFailed); err != nil {
		return nil, err
	}
	o.LetterID = letter.Int64
	o.Recipients = strings.Fields(rcpts)
	o.CreatedAt, o.NextAttemptAt = fromMS(created), fromMS(next)
	o.SentAt, o.FailedAt = fromMS(sent), fromMS(failed)
	o.RenderedAt, o.RenderFailedAt = fromMS(rendered), fromMS(renderFailed)
	return &o, nil
}

func (tx *Tx) outgoingRows(what, where string, args ...any) ([]*Outgoing, error) {
	rows, err := tx.query(`SELECT `+outboxColumns+` FROM outbox `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []*Outgoing
	for rows.Next() {
		o, err := scanOutgoing(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// DueOutgoing returns unsent rendered rows due at or before now, oldest
// first.
func (tx *Tx) DueOutgoing(now time.Time, limit int) ([]*Outgoing, error) {
	return tx.outgoingRows("due outbox", `WHERE sent_at IS NULL AND failed_at IS NULL AND rendered_at IS NOT NULL
		AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, ms(now), limit)
}

// ToRender returns rows waiting for the render step, in the order they were
// queued (a letter before the to-post notice that carries its PDF). Rows
// whose render failed wait for ResetRenderFailures.
func (tx *Tx) ToRender(limit int) ([]*Outgoing, error) {
	return tx.outgoingRows("outbox to render", `WHERE rendered_at IS NULL AND render_failed_at IS NULL
		AND sent_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT ?`, limit)
}

// ResetRenderFailures makes rows whose render failed wait for the render
// step again (at the start of run and once, after templates were fixed). It
// returns how many there are.
func (tx *Tx) ResetRenderFailures() (int64, error) {
	res, err := tx.exec(`UPDATE outbox SET render_failed_at = NULL WHERE rendered_at IS NULL AND render_failed_at IS NOT NULL
		AND sent_at IS NULL AND failed_at IS NULL`)
	if err != nil {
		return 0, fmt.Errorf("store: reset render failures: %w", err)
	}
	n, err := res.RowsAffected()
	if n > 0 {
		tx.outboxChanged = true
	}
	return n, err
}

// MarkRendered records that the bytes of a row are stored (SetMessageContent
// in the same transaction): from now on they are what is sent. It reports
// false if the row was rendered already (by another klachtd process at the
// same time); the caller then keeps the bytes that were stored first.
func (tx *Tx) MarkRendered(id int64, at time.Time) (bool, error) {
	res, err := tx.exec(`UPDATE outbox SET rendered_at = ?, render_error = '', render_failed_at = NULL WHERE id = ? AND rendered_at IS NULL`, ms(at), id)
	if err != nil {
		return false, fmt.Errorf("store: mark outbox #%d rendered: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: mark outbox #%d rendered: %w", id, err)
	}
	tx.outboxChanged = n > 0
	return n > 0, nil
}

// MarkRenderFailed records that a row could not be rendered. It reports
// whether this is its first failure (so that the officer is told once).
func (tx *Tx) MarkRenderFailed(id int64, errText string, at time.Time) (first bool, err error) {
	o, err := tx.outgoing(id)
	if err != nil {
		return false, err
	}
	if _, err := tx.exec(`UPDATE outbox SET render_error = ?, render_failed_at = ? WHERE id = ?`, errText, ms(at), id); err != nil {
		return false, fmt.Errorf("store: mark outbox #%d render failed: %w", id, err)
	}
	return o.RenderError == "", nil
}

// RetryNow makes every waiting row of a mailbox due at now (sending works
// again, or a new start probes a broken server at once).
func (tx *Tx) RetryNow(mailbox string, now time.Time) error {
	res, err := tx.exec(`UPDATE outbox SET next_attempt_at = ? WHERE mailbox = ? AND sent_at IS NULL AND failed_at IS NULL
		AND next_attempt_at > ?`, ms(now), mailbox, ms(now))
	if err != nil {
		return fmt.Errorf("store: retry outbox of %s: %w", mailbox, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		tx.outboxChanged = true
	}
	return nil
}

// Postpone moves every waiting row of a mailbox that is due before until to
// until, without counting an attempt (sending through it is broken).
func (tx *Tx) Postpone(mailbox string, until time.Time) error {
	if _, err := tx.exec(`UPDATE outbox SET next_attempt_at = ? WHERE mailbox = ? AND sent_at IS NULL AND failed_at IS NULL
		AND next_attempt_at < ?`, ms(until), mailbox, ms(until)); err != nil {
		return fmt.Errorf("store: postpone outbox of %s: %w", mailbox, err)
	}
	return nil
}

// Waiting counts the rows of a mailbox that were waiting to be sent at some
// instant between from and to: queued before to, and not sent or failed
// before from.
func (tx *Tx) Waiting(mailbox string, from, to time.Time) (int, error) {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM outbox WHERE mailbox = ? AND created_at <= ?
		AND (sent_at IS NULL OR sent_at >= ?) AND (failed_at IS NULL OR failed_at >= ?)`,
		mailbox, ms(to), ms(from), ms(from)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count waiting mail of %s: %w", mailbox, err)
	}
	return n, nil
}

// Unsent counts the rows of a mailbox not sent yet (and not given up).
func (tx *Tx) Unsent(mailbox string) (int, error) {
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM outbox WHERE mailbox = ? AND sent_at IS NULL AND failed_at IS NULL`, mailbox).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count unsent mail of %s: %w", mailbox, err)
	}
	return n, nil
}

// NextOutgoingAt returns when the next unsent rendered row is due (zero if
// none).
func (tx *Tx) NextOutgoingAt() (time.Time, error) {
	var next sql.NullInt64
	if err := tx.queryRow(`SELECT MIN(next_attempt_at) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL
		AND rendered_at IS NOT NULL`).Scan(&next); err != nil {
		return time.Time{}, fmt.Errorf("store: next outbox time: %w", err)
	}
	return fromMS(next), nil
}

// MarkSent records that a row was accepted by the SMTP server, and the
// letter it carried (if any) as sent.
func (tx *Tx) MarkSent(id int64, at time.Time) error {
	o, err := tx.outgoing(id)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?`, ms(at), id); err != nil {
		return fmt.Errorf("store: mark outbox #%d sent: %w", id, err)
	}
	if o.LetterID != 0 {
		if _, err := tx.exec(`UPDATE letters SET sent_at = ? WHERE id = ? AND sent_at IS NULL`, ms(at), o.LetterID); err != nil {
			return fmt.Errorf("store: mark letter #%d sent: %w", o.LetterID, err)
		}
	}
	return nil
}

// MarkRetry records a failed attempt and when to try again.
func (tx *Tx) MarkRetry(id int64, errText string, next time.Time) error {
	if _, err := tx.exec(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`,
		errText, ms(next), id); err != nil {
		return fmt.Errorf("store: mark outbox #%d retry: %w", id, err)
	}
	return nil
}

// MarkFailed records that a row will not be tried again.
func (tx *Tx) MarkFailed(id int64, errText string, at time.Time) error {
	if _, err := tx.exec(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, failed_at = ? WHERE id = ?`,
		errText, ms(at), id); err != nil {
		return fmt.Errorf("store: mark outbox #%d failed: %w", id, err)
	}
	return nil
}

// Outgoing returns one outbox row.
func (tx *Tx) Outgoing(id int64) (*Outgoing, error) { return tx.outgoing(id) }

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
	res, err := tx.exec(`INSERT INTO notices (scope, kind, key, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, scope, kind, key, ms(at))
	if err != nil {
		return false, fmt.Errorf("store: record notice: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
