package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestTransient: only failures of the world are transient; a missing row,
// a constraint or a bad statement is about the work.
func TestTransient(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()

	// A real SQLITE_BUSY: another connection holds the write lock and ours
	// does not wait.
	other, err := sql.Open("sqlite", "file:"+filepath.Join(s.DataDir(), "klachtd.db")+"?_pragma=busy_timeout(0)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	lock, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(`INSERT INTO counters (organisation, year, last) VALUES ('x', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	third, err := sql.Open("sqlite", "file:"+filepath.Join(s.DataDir(), "klachtd.db")+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	_, busyErr := third.Exec(`INSERT INTO counters (organisation, year, last) VALUES ('y', 1, 1)`)
	if busyErr == nil {
		t.Fatal("no SQLITE_BUSY while another connection writes")
	}
	_ = lock.Rollback()

	// A real constraint violation.
	err = s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO counters (organisation, year, last) VALUES ('z', 1, 1)`)
		if err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO counters (organisation, year, last) VALUES ('z', 1, 2)`)
		return err
	})
	constraintErr := err
	var notFound error
	_ = s.View(ctx, func(tx *Tx) error {
		_, notFound = tx.Dossier("KL-2026-9999")
		return nil
	})
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	cancelErr := s.Tx(cancelled, func(*Tx) error { return nil })

	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"SQLITE_BUSY", fmt.Errorf("store: begin: %w", busyErr), true},
		{"constraint", constraintErr, false},
		{"not found", notFound, false},
		{"cancelled", cancelErr, true},
		{"disk full", fmt.Errorf("store: write file: %w", &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}), true},
		{"read-only disk", &fs.PathError{Op: "open", Path: "x", Err: syscall.EROFS}, true},
		{"missing file", &fs.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}, false},
		{"injected", fmt.Errorf("injected: %w", ErrUnavailable), true},
		{"plain", errors.New("render: template failed"), false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := Transient(tt.err); got != tt.want {
			t.Errorf("%s: Transient(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

// TestTxPanicRollsBack: a panic inside a transaction rolls it back and
// leaves the store usable (it has one connection; an open transaction
// left behind would block every later one).
func TestTxPanicRollsBack(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	func() {
		defer func() { _ = recover() }()
		_ = s.Tx(ctx, func(tx *Tx) error {
			if _, err := tx.NextNumber("acme", "KL", 2026); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	done := make(chan error, 1)
	go func() {
		done <- s.Tx(ctx, func(tx *Tx) error {
			n, err := tx.NextNumber("acme", "KL", 2026)
			if err == nil && n != "KL-2026-0001" {
				err = fmt.Errorf("number %s after a rolled back transaction, want KL-2026-0001", n)
			}
			return err
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the store is stuck after a panic inside a transaction")
	}
}

func TestConditions(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	err := s.Tx(ctx, func(tx *Tx) error {
		c, started, err := tx.RaiseCondition("smtp:info@example.nl", "535 first", t0)
		if err != nil || !started || c.Failures != 1 {
			return fmt.Errorf("first raise: %+v %v %v", c, started, err)
		}
		c, started, err = tx.RaiseCondition("smtp:info@example.nl", "535 second", t0.Add(time.Minute))
		if err != nil || started || c.Failures != 2 || c.Detail != "535 second" {
			return fmt.Errorf("second raise: %+v %v %v", c, started, err)
		}
		tell, err := tx.ConditionsToTell()
		if err != nil || len(tell) != 1 {
			return fmt.Errorf("to tell: %d %v", len(tell), err)
		}
		if err := tx.MarkConditionTold(c.ID, true, false, t0); err != nil {
			return err
		}
		if tell, _ := tx.ConditionsToTell(); len(tell) != 0 {
			return fmt.Errorf("%d to tell after telling the start", len(tell))
		}
		ended, err := tx.EndCondition("smtp:info@example.nl", t0.Add(time.Hour))
		if err != nil || ended == nil || ended.EndedAt.IsZero() {
			return fmt.Errorf("end: %+v %v", ended, err)
		}
		if again, err := tx.EndCondition("smtp:info@example.nl", t0.Add(2*time.Hour)); err != nil || again != nil {
			return fmt.Errorf("ending twice: %+v %v", again, err)
		}
		if tell, _ := tx.ConditionsToTell(); len(tell) != 1 || tell[0].Active() {
			return fmt.Errorf("the end is not to be told: %+v", tell)
		}
		// A new failure later is a new condition.
		c2, started, err := tx.RaiseCondition("smtp:info@example.nl", "421", t0.Add(3*time.Hour))
		if err != nil || !started || c2.ID == c.ID {
			return fmt.Errorf("new episode: %+v %v %v", c2, started, err)
		}
		active, err := tx.ActiveConditions()
		if err != nil || len(active) != 1 || active[0].ID != c2.ID {
			return fmt.Errorf("active: %+v %v", active, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRenderQueue: a drafted row is not sent before it is rendered; a
// failed render waits for ResetRenderFailures; the first failure is
// reported as first.
func TestRenderQueue(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	var id int64
	err := s.Tx(ctx, func(tx *Tx) error {
		m := &Message{Direction: DirectionOut, Kind: KindLetter, MessageID: "a@b"}
		if err := tx.InsertMessage(m); err != nil {
			return err
		}
		o := &Outgoing{MessageRef: m.ID, Mailbox: "info@example.nl", EnvFrom: "info@example.nl", Recipients: []string{"x@example.com"}, CreatedAt: now, Draft: `{"kind":"acknowledgement"}`}
		if err := tx.Enqueue(o); err != nil {
			return err
		}
		id = o.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	check := func(wantDue, wantRender int) {
		t.Helper()
		_ = s.View(ctx, func(tx *Tx) error {
			due, _ := tx.DueOutgoing(now.Add(time.Hour), 10)
			render, _ := tx.ToRender(10)
			if len(due) != wantDue || len(render) != wantRender {
				t.Errorf("due %d, to render %d; want %d, %d", len(due), len(render), wantDue, wantRender)
			}
			return nil
		})
	}
	check(0, 1)
	for i, wantFirst := range []bool{true, false} {
		_ = s.Tx(ctx, func(tx *Tx) error {
			first, err := tx.MarkRenderFailed(id, "boom", now)
			if err != nil || first != wantFirst {
				t.Errorf("failure %d: first %v (%v), want %v", i+1, first, err, wantFirst)
			}
			return nil
		})
		check(0, 0)
		_ = s.Tx(ctx, func(tx *Tx) error {
			n, err := tx.ResetRenderFailures()
			if err != nil || n != 1 {
				t.Errorf("reset: %d %v", n, err)
			}
			return nil
		})
		check(0, 1)
	}
	for i, want := range []bool{true, false} {
		_ = s.Tx(ctx, func(tx *Tx) error {
			first, err := tx.MarkRendered(id, now)
			if err != nil || first != want {
				t.Errorf("MarkRendered #%d = %v, %v; want %v", i+1, first, err, want)
			}
			return err
		})
	}
	check(1, 0)
}
