package store

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"
)

// NULL is handled here only, at the edge of the database: a column type that
// can be absent is a Go type that scans and binds itself, so the rows read
// into plain struct fields.

// sqlTime is a time column: Unix milliseconds, the zero time as NULL. It is
// read back in UTC. Bind sqlTime(t); scan into (*sqlTime)(&t).
type sqlTime time.Time

// Value implements driver.Valuer.
func (t sqlTime) Value() (driver.Value, error) {
	if time.Time(t).IsZero() {
		return nil, nil
	}
	return time.Time(t).UnixMilli(), nil
}

// Scan implements sql.Scanner.
func (t *sqlTime) Scan(v any) error {
	n, err := nullInt(v, "time")
	*t = sqlTime{}
	if err == nil && n != nil {
		*t = sqlTime(time.UnixMilli(*n).UTC())
	}
	return err
}

// sqlID is a reference to another row that may be absent: 0 as NULL. Bind
// sqlID(id); scan into (*sqlID)(&id).
type sqlID int64

// Value implements driver.Valuer.
func (id sqlID) Value() (driver.Value, error) {
	if id == 0 {
		return nil, nil
	}
	return int64(id), nil
}

// Scan implements sql.Scanner.
func (id *sqlID) Scan(v any) error {
	n, err := nullInt(v, "reference")
	*id = 0
	if err == nil && n != nil {
		*id = sqlID(*n)
	}
	return err
}

// nullInt reads an INTEGER column that may be NULL (nil).
func nullInt(v any, what string) (*int64, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case int64:
		return &v, nil
	}
	return nil, fmt.Errorf("store: a %s column holds %T", what, v)
}

// sqlList is a list of strings in one text column, joined by sep ("\n" for
// lines, " " for addresses and Message-IDs). Bind sqlList{sep, items}; scan
// into &sqlList{sep, &items}.
type sqlList struct {
	sep   string
	items *[]string
}

// Value implements driver.Valuer.
func (l sqlList) Value() (driver.Value, error) { return strings.Join(*l.items, l.sep), nil }

// Scan implements sql.Scanner.
func (l sqlList) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case nil:
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("store: a list column holds %T", v)
	}
	switch {
	case s == "":
		*l.items = nil
	case l.sep == " ":
		*l.items = strings.Fields(s)
	default:
		*l.items = strings.Split(s, l.sep)
	}
	return nil
}

// lines is a list column of lines (postal address, categories).
func lines(items *[]string) sqlList { return sqlList{"\n", items} }

// words is a list column of space-separated words (addresses, Message-IDs).
func words(items *[]string) sqlList { return sqlList{" ", items} }
