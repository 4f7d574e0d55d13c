package store

import (
	"context"
	"fmt"
)

// migrations is the ordered list of schema changes. Entry i brings the schema
// from user_version i to i+1. Never edit an entry once released: append.
var migrations = []string{
	// 1: the core record.
	`
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
`,
	// 2: scheduled notices (reminders, alerts, digests) are sent once each.
	`
CREATE TABLE notices (
	scope TEXT NOT NULL,
	kind  TEXT NOT NULL,
	key   TEXT NOT NULL,
	at    INTEGER NOT NULL,
	PRIMARY KEY (scope, kind, key)
);
`,
	// 3: rendering after the commit, conditions, fetch failures.
	//
	// An outbox row may hold a draft (the mail as its transaction fixed it)
	// that the render step turns into bytes after the commit; rendered_at
	// says the stored bytes exist. Rows from before are rendered already.
	`
ALTER TABLE outbox ADD COLUMN draft TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN rendered_at INTEGER;
ALTER TABLE outbox ADD COLUMN render_error TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN render_failed_at INTEGER;
UPDATE outbox SET rendered_at = created_at;
CREATE INDEX outbox_render ON outbox(rendered_at, render_failed_at);
ALTER TABLE letters ADD COLUMN render_error TEXT NOT NULL DEFAULT '';

CREATE TABLE conditions (
	id            INTEGER PRIMARY KEY,
	key           TEXT NOT NULL,
	detail        TEXT NOT NULL DEFAULT '',
	started_at    INTEGER NOT NULL,
	last_seen_at  INTEGER NOT NULL,
	failures      INTEGER NOT NULL DEFAULT 1,
	ended_at      INTEGER,
	start_told_at INTEGER,
	end_told_at   INTEGER
);
CREATE UNIQUE INDEX conditions_active ON conditions(key) WHERE ended_at IS NULL;

CREATE TABLE fetch_failures (
	mailbox     TEXT NOT NULL,
	folder      TEXT NOT NULL,
	uidvalidity INTEGER NOT NULL,
	uid         INTEGER NOT NULL,
	attempts    INTEGER NOT NULL,
	last_error  TEXT NOT NULL DEFAULT '',
	last_at     INTEGER NOT NULL,
	PRIMARY KEY (mailbox, folder, uidvalidity, uid)
);
`,
	// 4: the officer's desk: sign-in links and sessions, stored as SHA-256
	// hashes of the secret only; the channel an event came by.
	`
CREATE TABLE web_tokens (
	hash       TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	email      TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER,
	seen_at    INTEGER
);
CREATE INDEX web_tokens_expiry ON web_tokens(expires_at);
ALTER TABLE events ADD COLUMN channel TEXT NOT NULL DEFAULT '';
`,
}

// migrate applies the missing migrations in one transaction, tracked with
// PRAGMA user_version, and refuses a database from a newer klachtd.
func (s *Store) migrate(ctx context.Context) error {
	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	if version > len(migrations) {
		return fmt.Errorf("store: schema version %d, this klachtd knows %d: %w", version, len(migrations), ErrNewerSchema)
	}
	if version == len(migrations) {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin migration: %w", err)
	}
	defer tx.Rollback()
	for i := version; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("store: migration %d: %w", i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return fmt.Errorf("store: set schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit migration: %w", err)
	}
	return nil
}
