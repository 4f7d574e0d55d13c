package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/store/files"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestNumbersAreGapFreePerOrganisationAndYear(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var got []string
	for _, c := range []struct {
		org  string
		year int
	}{{"acme", 2026}, {"acme", 2026}, {"other", 2026}, {"acme", 2027}, {"acme", 2026}} {
		err := s.Tx(ctx, func(tx *Tx) error {
			n, err := tx.NextNumber(c.org, strings.ToUpper(c.org[:2]), c.year)
			got = append(got, n)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A rolled back transaction must not consume a number.
	_ = s.Tx(ctx, func(tx *Tx) error {
		if _, err := tx.NextNumber("acme", "AC", 2026); err != nil {
			return err
		}
		return errors.New("abort")
	})
	_ = s.Tx(ctx, func(tx *Tx) error {
		n, err := tx.NextNumber("acme", "AC", 2026)
		got = append(got, n)
		return err
	})
	want := []string{"AC-2026-0001", "AC-2026-0002", "OT-2026-0001", "AC-2027-0001", "AC-2026-0003", "AC-2026-0004"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("numbers = %v, want %v", got, want)
	}
}

func TestPermissions(t *testing.T) {
	s := openTest(t)
	f, err := s.Files().Put(files.Mail, strings.NewReader("Subject: x\r\n\r\nhi\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	rel, sum, size := f.Rel, f.Sum, f.Size
	if size != 18 || len(sum) != 64 || !strings.HasPrefix(rel, filepath.Join("mail", sum[:2])) {
		t.Fatalf("PutFile = %q %q %d", rel, sum, size)
	}
	for path, want := range map[string]os.FileMode{
		s.DataDir():                              0o700,
		filepath.Join(s.DataDir(), "mail"):       0o700,
		filepath.Dir(s.Files().Path(rel)):        0o700,
		s.Files().Path(rel):                      0o600,
		filepath.Join(s.DataDir(), "klachtd.db"): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", path, got, want)
		}
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(context.Background(), dir); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("open newer schema: err = %v, want ErrNewerSchema", err)
	}
}

func TestEventsAreAppendOnly(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	err := s.Tx(ctx, func(tx *Tx) error { return tx.AddEvent(&Event{Actor: "klachtd", Action: "test"}) })
	if err != nil {
		t.Fatal(err)
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.exec(`UPDATE events SET detail = 'changed'`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update of an event: err = %v, want append-only refusal", err)
	}
}

func TestOutboxLifecycle(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	kicks := 0
	s.OnOutbox = func() { kicks++ }
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	var row Outgoing
	err := s.Tx(ctx, func(tx *Tx) error {
		d := &Dossier{Number: "KL-2026-0001", Organisation: "acme", ReceivedAt: now}
		if err := tx.CreateDossier(d); err != nil {
			return err
		}
		m := &Message{DossierID: d.ID, Direction: DirectionOut, Kind: KindLetter, MessageID: "a@b", SHA256: "00", RawPath: "mail/x"}
		if err := tx.InsertMessage(m); err != nil {
			return err
		}
		l := &Letter{DossierID: d.ID, Kind: "acknowledgement", Language: "nl", MessageRef: m.ID}
		if err := tx.InsertLetter(l); err != nil {
			return err
		}
		row = Outgoing{MessageRef: m.ID, LetterID: l.ID, Mailbox: "info@example.nl", EnvFrom: "info@example.nl",
			Recipients: []string{"klant@example.com"}, CreatedAt: now}
		return tx.Enqueue(&row)
	})
	if err != nil {
		t.Fatal(err)
	}
	if kicks != 1 {
		t.Fatalf("kicks = %d, want 1", kicks)
	}
	due := func(at time.Time) int {
		var n int
		_ = s.View(ctx, func(tx *Tx) error {
			rows, err := tx.DueOutgoing(at, 10)
			n = len(rows)
			return err
		})
		return n
	}
	if due(now) != 1 {
		t.Fatal("row not due at creation time")
	}
	if err := s.Tx(ctx, func(tx *Tx) error { return tx.MarkRetry(row.ID, "421 try later", now.Add(time.Minute)) }); err != nil {
		t.Fatal(err)
	}
	if due(now) != 0 || due(now.Add(time.Minute)) != 1 {
		t.Fatal("retry not respected")
	}
	if err := s.Tx(ctx, func(tx *Tx) error { return tx.MarkSent(row.ID, now.Add(time.Minute)) }); err != nil {
		t.Fatal(err)
	}
	if due(now.Add(time.Hour)) != 0 {
		t.Fatal("sent row still due")
	}
	_ = s.View(ctx, func(tx *Tx) error {
		d, err := tx.Dossier("kl-2026-0001")
		if err != nil {
			t.Fatal(err)
		}
		ls, err := tx.Letters(d.ID)
		if err != nil || len(ls) != 1 || ls[0].SentAt.IsZero() {
			t.Fatalf("letter not marked sent: %v %+v", err, ls)
		}
		return nil
	})
}
