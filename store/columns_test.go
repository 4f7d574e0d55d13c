package store

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// TestColumnsRoundTrip: the zero time and the zero reference are stored as
// NULL and read back as zero; other values come back as they went in (a
// time in UTC, to the millisecond); lists keep their items.
func TestColumnsRoundTrip(t *testing.T) {
	s := openTest(t)
	at := time.Date(2026, 5, 4, 10, 11, 12, 345_000_000, time.FixedZone("CEST", 2*3600))
	tests := []struct {
		name     string
		time     time.Time
		id       int64
		list     []string
		wantNull bool
	}{
		{name: "zero", wantNull: true},
		{name: "set", time: at, id: 7, list: []string{"Dorpsstraat 1", "1234 AB Utrecht"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotTime time.Time
			var gotID int64
			var gotList []string
			var nulls int
			err := s.Tx(context.Background(), func(tx *Tx) error {
				if _, err := tx.exec(`CREATE TEMP TABLE IF NOT EXISTS c (t INTEGER, id INTEGER, l TEXT)`); err != nil {
					return err
				}
				if _, err := tx.exec(`DELETE FROM c`); err != nil {
					return err
				}
				if _, err := tx.exec(`INSERT INTO c VALUES (?, ?, ?)`, sqlTime(tt.time), sqlID(tt.id), lines(&tt.list)); err != nil {
					return err
				}
				if err := tx.queryRow(`SELECT (t IS NULL) + (id IS NULL) FROM c`).Scan(&nulls); err != nil {
					return err
				}
				return tx.queryRow(`SELECT t, id, l FROM c`).Scan((*sqlTime)(&gotTime), (*sqlID)(&gotID), lines(&gotList))
			})
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantNull != (nulls == 2) {
				t.Errorf("%d NULL columns, want NULLs: %v", nulls, tt.wantNull)
			}
			if !gotTime.Equal(tt.time) || (!gotTime.IsZero() && gotTime.Location() != time.UTC) {
				t.Errorf("time = %v, want %v in UTC", gotTime, tt.time)
			}
			if gotID != tt.id || !reflect.DeepEqual(gotList, tt.list) {
				t.Errorf("id, list = %d, %q; want %d, %q", gotID, gotList, tt.id, tt.list)
			}
		})
	}
}
