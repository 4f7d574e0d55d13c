package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Condition is a lasting failure of the world that people must hear about
// once when it starts and once when it ends: sending through a mailbox is
// broken ("smtp:info@example.nl"), its IMAP login keeps failing
// ("imap:info@example.nl"). At most one condition per key is active (not
// ended) at a time; ended ones stay as the record of the interruption.
type Condition struct {
	ID          int64
	Key         string
	Detail      string // the latest failure, for people
	StartedAt   time.Time
	LastSeenAt  time.Time // the latest failure
	Failures    int       // failures seen while it lasted
	EndedAt     time.Time // zero while active
	StartToldAt time.Time // when the start was told (zero: not yet)
	EndToldAt   time.Time // when the end was told (zero: not yet)
}

// Active reports whether the condition has not ended.
func (c *Condition) Active() bool { return c.EndedAt.IsZero() }

const conditionColumns = `id, key, detail, started_at, last_seen_at, failures, ended_at, start_told_at, end_told_at`

func scanCondition(r scanner) (*Condition, error) {
	var c Condition
	var started, seen, ended, startTold, endTold sql.NullInt64
	if err := r.Scan(&c.ID, &c.Key, &c.Detail, &started, &seen, &c.Failures, &ended, &startTold, &endTold); err != nil {
		return nil, err
	}
	c.StartedAt, c.LastSeenAt, c.EndedAt = fromMS(started), fromMS(seen), fromMS(ended)
	c.StartToldAt, c.EndToldAt = fromMS(startTold), fromMS(endTold)
	return &c, nil
}

func (tx *Tx) conditions(what, where string, args ...any) ([]*Condition, error) {
	rows, err := tx.query(`SELECT `+conditionColumns+` FROM conditions `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []*Condition
	for rows.Next() {
		c, err := scanCondition(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// ActiveCondition returns the active condition with key, or nil.
func (tx *Tx) ActiveCondition(key string) (*Condition, error) {
	c, err := scanCondition(tx.queryRow(`SELECT `+conditionColumns+` FROM conditions WHERE key = ? AND ended_at IS NULL`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: condition %s: %w", key, err)
	}
	return c, nil
}

// ActiveConditions returns every active condition, oldest first.
func (tx *Tx) ActiveConditions() ([]*Condition, error) {
	return tx.conditions("active conditions", `WHERE ended_at IS NULL ORDER BY started_at, id`)
}

// ConditionsToTell returns the conditions whose start or end has not been
// told yet, oldest first.
func (tx *Tx) ConditionsToTell() ([]*Condition, error) {
	return tx.conditions("conditions to tell", `WHERE start_told_at IS NULL
		OR (ended_at IS NOT NULL AND end_told_at IS NULL) ORDER BY started_at, id`)
}

// RaiseCondition records a failure of key: it starts the condition if none
// is active (started true), or adds the failure to the active one.
func (tx *Tx) RaiseCondition(key, detail string, at time.Time) (c *Condition, started bool, err error) {
	c, err = tx.ActiveCondition(key)
	if err != nil {
		return nil, false, err
	}
	if c != nil {
		if _, err := tx.exec(`UPDATE conditions SET detail = ?, last_seen_at = ?, failures = failures + 1 WHERE id = ?`,
			detail, ms(at), c.ID); err != nil {
			return nil, false, fmt.Errorf("store: condition %s: %w", key, err)
		}
		c.Detail, c.LastSeenAt = detail, at
		c.Failures++
		return c, false, nil
	}
	res, err := tx.exec(`INSERT INTO conditions (key, detail, started_at, last_seen_at) VALUES (?, ?, ?, ?)`,
		key, detail, ms(at), ms(at))
	if err != nil {
		return nil, false, fmt.Errorf("store: start condition %s: %w", key, err)
	}
	c = &Condition{Key: key, Detail: detail, StartedAt: at, LastSeenAt: at, Failures: 1}
	if c.ID, err = res.LastInsertId(); err != nil {
		return nil, false, fmt.Errorf("store: start condition %s: %w", key, err)
	}
	return c, true, nil
}

// EndCondition ends the active condition with key and returns it, or nil if
// none was active.
func (tx *Tx) EndCondition(key string, at time.Time) (*Condition, error) {
	c, err := tx.ActiveCondition(key)
	if err != nil || c == nil {
		return nil, err
	}
	if _, err := tx.exec(`UPDATE conditions SET ended_at = ? WHERE id = ?`, ms(at), c.ID); err != nil {
		return nil, fmt.Errorf("store: end condition %s: %w", key, err)
	}
	c.EndedAt = at
	return c, nil
}

// MarkConditionTold records that the start and/or the end of a condition
// was told.
func (tx *Tx) MarkConditionTold(id int64, start, end bool, at time.Time) error {
	if start {
		if _, err := tx.exec(`UPDATE conditions SET start_told_at = ? WHERE id = ? AND start_told_at IS NULL`, ms(at), id); err != nil {
			return fmt.Errorf("store: condition #%d told: %w", id, err)
		}
	}
	if end {
		if _, err := tx.exec(`UPDATE conditions SET end_told_at = ? WHERE id = ? AND end_told_at IS NULL`, ms(at), id); err != nil {
			return fmt.Errorf("store: condition #%d told: %w", id, err)
		}
	}
	return nil
}
