package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// schemaVersion1 is the schema of the first released klachtd (user_version
// 1), as it is in databases in use. DO NOT EDIT: it is the starting point of
// TestMigrateFromVersion1, whatever later migrations do.
const schemaVersion1 = `
CREATE TABLE counters (
	organisation TEXT NOT NULL,
	year         INTEGER NOT NULL,
	last         INTEGER NOT NULL,
	PRIMARY KEY (organisation, year)
);
CREATE TABLE dossiers (
	id                INTEGER PRIMARY KEY,
	number            TEXT NOT NULL UNIQUE,
	organisation      TEXT NOT NULL,
	status            TEXT NOT NULL DEFAULT 'open',
	language          TEXT NOT NULL DEFAULT 'nl',
	mailbox           TEXT NOT NULL DEFAULT '',
	complainant_name  TEXT NOT NULL DEFAULT '',
	complainant_email TEXT NOT NULL DEFAULT '',
	postal_address    TEXT NOT NULL DEFAULT '',
	subject           TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	categories        TEXT NOT NULL DEFAULT '',
	handler           TEXT NOT NULL DEFAULT '',
	concerns          TEXT NOT NULL DEFAULT '',
	simple            INTEGER NOT NULL DEFAULT 0,
	received_at       INTEGER NOT NULL,
	acknowledge_by    INTEGER,
	acknowledge_basis TEXT NOT NULL DEFAULT '',
	acknowledged_at   INTEGER,
	decide_by         INTEGER,
	decide_basis      TEXT NOT NULL DEFAULT '',
	extension_reason  TEXT NOT NULL DEFAULT '',
	verdict           TEXT NOT NULL DEFAULT '',
	facts             TEXT NOT NULL DEFAULT '',
	position          TEXT NOT NULL DEFAULT '',
	measures          TEXT NOT NULL DEFAULT '',
	decided_at        INTEGER,
	closed_at         INTEGER,
	merged_into       TEXT NOT NULL DEFAULT '',
	destroyed_at      INTEGER,
	root_message_id   TEXT NOT NULL DEFAULT '',
	created_at        INTEGER NOT NULL
);
CREATE INDEX dossiers_status ON dossiers(status);
CREATE INDEX dossiers_email ON dossiers(complainant_email);

CREATE TABLE messages (
	id          INTEGER PRIMARY KEY,
	dossier_id  INTEGER REFERENCES dossiers(id),
	direction   TEXT NOT NULL,
	kind        TEXT NOT NULL,
	message_id  TEXT NOT NULL DEFAULT '',
	sha256      TEXT NOT NULL,
	size        INTEGER NOT NULL,
	raw_path    TEXT NOT NULL,
	from_addr   TEXT NOT NULL DEFAULT '',
	from_name   TEXT NOT NULL DEFAULT '',
	to_addrs    TEXT NOT NULL DEFAULT '',
	cc_addrs    TEXT NOT NULL DEFAULT '',
	subject     TEXT NOT NULL DEFAULT '',
	date        INTEGER,
	received_at INTEGER,
	in_reply_to TEXT NOT NULL DEFAULT '',
	refs        TEXT NOT NULL DEFAULT '',
	text_body   TEXT NOT NULL DEFAULT '',
	html_body   TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	filed_at    INTEGER NOT NULL
);
CREATE INDEX messages_message_id ON messages(message_id);
CREATE INDEX messages_dossier ON messages(dossier_id);

CREATE TABLE imap_seen (
	mailbox     TEXT NOT NULL,
	folder      TEXT NOT NULL,
	uidvalidity INTEGER NOT NULL,
	uid         INTEGER NOT NULL,
	message_ref INTEGER NOT NULL REFERENCES messages(id),
	moved_at    INTEGER,
	PRIMARY KEY (mailbox, folder, uidvalidity, uid)
);

CREATE TABLE attachments (
	id           INTEGER PRIMARY KEY,
	message_ref  INTEGER NOT NULL REFERENCES messages(id),
	filename     TEXT NOT NULL DEFAULT '',
	content_type TEXT NOT NULL DEFAULT '',
	size         INTEGER NOT NULL,
	sha256       TEXT NOT NULL DEFAULT '',
	path         TEXT NOT NULL DEFAULT '',
	too_large    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_message ON attachments(message_ref);

CREATE TABLE letters (
	id          INTEGER PRIMARY KEY,
	dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
	kind        TEXT NOT NULL,
	language    TEXT NOT NULL,
	recipient   TEXT NOT NULL DEFAULT '',
	channel     TEXT NOT NULL DEFAULT 'email',
	data        TEXT NOT NULL DEFAULT '{}',
	pdf_path    TEXT NOT NULL DEFAULT '',
	message_ref INTEGER REFERENCES messages(id),
	created_at  INTEGER NOT NULL,
	sent_at     INTEGER,
	post_wanted INTEGER NOT NULL DEFAULT 0,
	posted_at   INTEGER
);
CREATE INDEX letters_dossier ON letters(dossier_id);

CREATE TABLE events (
	id          INTEGER PRIMARY KEY,
	dossier_id  INTEGER REFERENCES dossiers(id),
	at          INTEGER NOT NULL,
	actor       TEXT NOT NULL,
	action      TEXT NOT NULL,
	detail      TEXT NOT NULL DEFAULT '',
	message_ref INTEGER REFERENCES messages(id)
);
CREATE INDEX events_dossier ON events(dossier_id);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
	BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	message_ref     INTEGER NOT NULL REFERENCES messages(id),
	letter_id       INTEGER REFERENCES letters(id),
	mailbox         TEXT NOT NULL,
	env_from        TEXT NOT NULL,
	recipients      TEXT NOT NULL,
	created_at      INTEGER NOT NULL,
	next_attempt_at INTEGER NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	sent_at         INTEGER,
	failed_at       INTEGER
);
CREATE INDEX outbox_due ON outbox(sent_at, failed_at, next_attempt_at);
`

// memoryDB opens a private in-memory database (one connection: each
// connection to ":memory:" is a database of its own).
func memoryDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file::memory:?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// schemaOf describes every table, index and trigger of db: its columns with
// their types, defaults and constraints, and the SQL of indexes and triggers.
func schemaOf(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT type, name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var tables []string
	for rows.Next() {
		var typ, name, text string
		if err := rows.Scan(&typ, &name, &text); err != nil {
			t.Fatal(err)
		}
		if typ == "table" {
			tables = append(tables, name)
			continue
		}
		out[typ+" "+name] = text
	}
	rows.Close()
	for _, table := range tables {
		cols, err := db.Query(`SELECT name, type, "notnull", COALESCE(dflt_value, 'NULL'), pk FROM pragma_table_info(?) ORDER BY name`, table)
		if err != nil {
			t.Fatal(err)
		}
		desc := ""
		for cols.Next() {
			var name, typ, dflt string
			var notNull, pk int
			if err := cols.Scan(&name, &typ, &notNull, &dflt, &pk); err != nil {
				t.Fatal(err)
			}
			desc += fmt.Sprintf("%s %s notnull=%d default=%s pk=%d; ", name, typ, notNull, dflt, pk)
		}
		cols.Close()
		out["table "+table] = desc
	}
	return out
}

// TestMigrateFromVersion1 upgrades a database of the first schema, with a
// dossier, its messages, a letter, an outbox row and events in it, to the
// current schema: the result has the schema of a new database, and what
// was stored reads back the same (soju database/sqlite_test.go,
// TestSqliteMigrations, tests its upgrades so).
func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	db := memoryDB(t)
	if _, err := db.Exec(schemaVersion1); err != nil {
		t.Fatalf("frozen schema: %v", err)
	}
	if _, err := db.Exec("PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	received := time.Date(2026, 5, 4, 8, 30, 0, 0, time.UTC)
	for _, q := range []string{
		`INSERT INTO counters VALUES ('acme', 2026, 1)`,
		fmt.Sprintf(`INSERT INTO dossiers (id, number, organisation, complainant_email, postal_address, categories,
			simple, received_at, acknowledge_by, decide_by, created_at)
			VALUES (1, 'KL-2026-0001', 'acme', 'klant@example.com', 'Dorpsstraat 1
1234 AB Utrecht', 'factuur', 1, %d, %d, %d, %d)`,
			received.UnixMilli(), received.AddDate(0, 0, 7).UnixMilli(), received.AddDate(0, 0, 42).UnixMilli(), received.UnixMilli()),
		fmt.Sprintf(`INSERT INTO messages (id, dossier_id, direction, kind, message_id, sha256, size, raw_path, from_addr,
			to_addrs, subject, received_at, in_reply_to, refs, text_body, filed_at)
			VALUES (1, 1, 'in', 'complaint', 'a@example.com', 'ab', 10, 'mail/ab/ab.eml', 'klant@example.com',
			'info@example.nl', 'Klacht', %d, '', 'x@example.com y@example.com', 'Mijn klacht.', %d)`, received.UnixMilli(), received.UnixMilli()),
		`INSERT INTO messages (id, direction, kind, sha256, size, raw_path, filed_at)
			VALUES (2, 'out', 'letter', 'cd', 20, 'mail/cd/cd.eml', 1)`,
		`INSERT INTO attachments (message_ref, filename, size, too_large) VALUES (1, 'foto.jpg', 99, 1)`,
		`INSERT INTO letters (id, dossier_id, kind, language, recipient, data, message_ref, created_at, post_wanted)
			VALUES (1, 1, 'acknowledgement', 'nl', 'klant@example.com', '{}', 2, 5, 1)`,
		`INSERT INTO outbox (message_ref, letter_id, mailbox, env_from, recipients, created_at, next_attempt_at)
			VALUES (2, 1, 'info@example.nl', 'info@example.nl', 'klant@example.com', 5, 5)`,
		`INSERT INTO events (dossier_id, at, actor, action) VALUES (1, 5, 'klachtd', 'registered')`,
		`INSERT INTO imap_seen VALUES ('info@example.nl', 'INBOX', 7, 42, 1, NULL)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	if err := migrate(ctx, db); err != nil {
		t.Fatalf("migrate from version 1: %v", err)
	}
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != len(migrations) {
		t.Fatalf("user_version = %d (%v), want %d", version, err, len(migrations))
	}
	fresh := memoryDB(t)
	if err := migrate(ctx, fresh); err != nil {
		t.Fatalf("migrate a new database: %v", err)
	}
	if got, want := schemaOf(t, db), schemaOf(t, fresh); !reflect.DeepEqual(got, want) {
		for k := range want {
			if got[k] != want[k] {
				t.Errorf("%s after the upgrade:\n  %s\nin a new database:\n  %s", k, got[k], want[k])
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s after the upgrade is not in a new database", k)
			}
		}
	}

	s := &Store{db: db}
	err := s.View(ctx, func(tx *Tx) error {
		d, err := tx.Dossier("kl-2026-0001")
		if err != nil {
			return err
		}
		if !d.ReceivedAt.Equal(received) || !d.AcknowledgedAt.IsZero() || !d.Simple ||
			!reflect.DeepEqual(d.PostalAddress, []string{"Dorpsstraat 1", "1234 AB Utrecht"}) ||
			!reflect.DeepEqual(d.Categories, []string{"factuur"}) {
			return fmt.Errorf("dossier after the upgrade: %+v", d)
		}
		msgs, err := tx.Messages(d.ID)
		if err != nil {
			return err
		}
		if len(msgs) != 1 || !reflect.DeepEqual(msgs[0].References, []string{"x@example.com", "y@example.com"}) ||
			msgs[0].InReplyTo != nil || !msgs[0].Date.IsZero() {
			return fmt.Errorf("messages after the upgrade: %+v", msgs)
		}
		unfiled, err := tx.UnfiledMessages(10)
		if err != nil || len(unfiled) != 1 || unfiled[0].DossierID != 0 {
			return fmt.Errorf("unfiled messages after the upgrade: %+v %v", unfiled, err)
		}
		atts, err := tx.Attachments(1)
		if err != nil || len(atts) != 1 || !atts[0].TooLarge {
			return fmt.Errorf("attachments after the upgrade: %+v %v", atts, err)
		}
		ls, err := tx.LettersToPost()
		if err != nil || len(ls) != 1 || ls[0].MessageRef != 2 || !ls[0].SentAt.IsZero() {
			return fmt.Errorf("letters after the upgrade: %+v %v", ls, err)
		}
		due, err := tx.DueOutgoing(received, 10)
		if err != nil || len(due) != 1 || due[0].LetterID != 1 || due[0].Recipients[0] != "klant@example.com" {
			return fmt.Errorf("outbox after the upgrade: %+v %v", due, err)
		}
		evs, err := tx.Events(d.ID)
		if err != nil || len(evs) != 1 || evs[0].MessageRef != 0 {
			return fmt.Errorf("events after the upgrade: %+v %v", evs, err)
		}
		filed, moved, _, err := tx.SeenUID("info@example.nl", "INBOX", 7, 42)
		if err != nil || !filed || moved {
			return fmt.Errorf("imap state after the upgrade: %v %v %v", filed, moved, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMigrationRunsGo: a migration's Go step runs in the migration's
// transaction after its SQL, and a failing step leaves the database as it
// was, at its old version.
func TestMigrationRunsGo(t *testing.T) {
	ctx := context.Background()
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	boom := errors.New("boom")
	var ran []string
	migrations = []migration{
		{sql: `CREATE TABLE t (v TEXT NOT NULL)`},
		{sql: `ALTER TABLE t ADD COLUMN w TEXT NOT NULL DEFAULT ''`, run: func(ctx context.Context, tx *sql.Tx) error {
			ran = append(ran, "2")
			_, err := tx.ExecContext(ctx, `INSERT INTO t (v, w) VALUES ('from go', 'after the sql')`)
			return err
		}},
	}
	db := memoryDB(t)
	if err := migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	var v, w string
	if err := db.QueryRow(`SELECT v, w FROM t`).Scan(&v, &w); err != nil || v != "from go" || w != "after the sql" || len(ran) != 1 {
		t.Fatalf("after the Go step: %q %q %v, ran %v", v, w, err, ran)
	}

	migrations = append(migrations, migration{sql: `CREATE TABLE u (x INTEGER)`, run: func(context.Context, *sql.Tx) error { return boom }})
	if err := migrate(ctx, db); !errors.Is(err, boom) {
		t.Fatalf("a failing Go step: err = %v, want boom", err)
	}
	var version, tables int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil || version != 2 {
		t.Fatalf("user_version after a failed migration = %d (%v), want 2", version, err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'u'`).Scan(&tables); err != nil || tables != 0 {
		t.Fatalf("the failed migration's table is there (%d, %v)", tables, err)
	}
}
