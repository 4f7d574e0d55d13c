package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// scanner is a row to scan: *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryAll runs a query and reads every row with scan. what names the list
// in errors.
func queryAll[T any](tx *Tx, what string, scan func(scanner) (*T, error), query string, args ...any) ([]*T, error) {
	rows, err := tx.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// queryOne runs a query for one row and reads it with scan. No row is
// ErrNotFound; what names the row in errors.
func queryOne[T any](tx *Tx, what string, scan func(scanner) (*T, error), query string, args ...any) (*T, error) {
	v, err := scan(tx.queryRow(query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return v, nil
}

// orNil turns ErrNotFound into a nil result, for lookups where absence is
// an answer, not an error.
func orNil[T any](v *T, err error) (*T, error) {
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return v, err
}
