package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Letter is a letter of a dossier (acknowledgement, delay, decision, …).
type Letter struct {
	ID         int64
	DossierID  int64
	Kind       string
	Language   string
	Recipient  string // email address
	Channel    string // email | post | email+post
	Data       string // JSON of the letters.Letter it was rendered from, for reprints
	PDFPath    string // relative to the data directory
	MessageRef int64  // the outgoing message that carried it
	CreatedAt  time.Time
	SentAt     time.Time
	PostWanted bool // the officer is to print and post it
	PostedAt   time.Time
	// RenderError says why the letter could not be rendered (it waits for
	// the next start); "" once rendered or while waiting for the first try.
	RenderError string
}

// InsertLetter files a letter and sets l.ID.
func (tx *Tx) InsertLetter(l *Letter) error {
	if l.CreatedAt.IsZero() {
		l.CreatedAt = time.Now().UTC()
	}
	if l.Channel == "" {
		l.Channel = "email"
	}
	res, err := tx.exec(`INSERT INTO letters (dossier_id, kind, language, recipient, channel, data,
		pdf_path, message_ref, created_at, post_wanted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.DossierID, l.Kind, l.Language, strings.ToLower(l.Recipient), l.Channel, l.Data, l.PDFPath,
		nullID(l.MessageRef), ms(l.CreatedAt), boolInt(l.PostWanted))
	if err != nil {
		return fmt.Errorf("store: file %s letter: %w", l.Kind, err)
	}
	l.ID, err = res.LastInsertId()
	return err
}

const letterColumns = `id, dossier_id, kind, language, recipient, channel, data, pdf_path,
	message_ref, created_at, sent_at, post_wanted, posted_at, render_error`

func scanLetter(r scanner) (*Letter, error) {
	var l Letter
	var msgRef, created, sent, posted sql.NullInt64
	var post int
	if err := r.Scan(&l.ID, &l.DossierID, &l.Kind, &l.Language, &l.Recipient, &l.Channel, &l.Data,
		&l.PDFPath, &msgRef, &created, &sent, &post, &posted, &l.RenderError); err != nil {
		return nil, err
	}
	l.MessageRef = msgRef.Int64
	l.CreatedAt = fromMS(created)
	l.SentAt = fromMS(sent)
	l.PostWanted = post != 0
	l.PostedAt = fromMS(posted)
	return &l, nil
}

// Letter returns one letter by row id.
func (tx *Tx) Letter(id int64) (*Letter, error) {
	l, err := scanLetter(tx.queryRow(`SELECT `+letterColumns+` FROM letters WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: letter #%d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: letter #%d: %w", id, err)
	}
	return l, nil
}

// SetLetterRendered records the stored PDF of a letter rendered after its
// transaction (rel "" for a letter without PDF) and clears a render error.
func (tx *Tx) SetLetterRendered(id int64, pdfPath string) error {
	if _, err := tx.exec(`UPDATE letters SET pdf_path = ?, render_error = '' WHERE id = ?`, pdfPath, id); err != nil {
		return fmt.Errorf("store: letter #%d rendered: %w", id, err)
	}
	return nil
}

// SetLetterRenderError records why a letter could not be rendered.
func (tx *Tx) SetLetterRenderError(id int64, errText string) error {
	if _, err := tx.exec(`UPDATE letters SET render_error = ? WHERE id = ?`, errText, id); err != nil {
		return fmt.Errorf("store: letter #%d render error: %w", id, err)
	}
	return nil
}

// Letters returns the letters of a dossier, oldest first.
func (tx *Tx) Letters(dossierID int64) ([]*Letter, error) {
	return tx.letters(`WHERE dossier_id = ? ORDER BY id`, dossierID)
}

// LettersToPost returns letters the officer still has to post.
func (tx *Tx) LettersToPost() ([]*Letter, error) {
	return tx.letters(`WHERE post_wanted = 1 AND posted_at IS NULL ORDER BY id`)
}

func (tx *Tx) letters(where string, args ...any) ([]*Letter, error) {
	rows, err := tx.query(`SELECT `+letterColumns+` FROM letters `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list letters: %w", err)
	}
	defer rows.Close()
	var out []*Letter
	for rows.Next() {
		l, err := scanLetter(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list letters: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LetterByMessageID returns the letter carried by the outgoing message with
// this Message-ID (bounce handling), or nil.
func (tx *Tx) LetterByMessageID(messageID string) (*Letter, error) {
	l, err := scanLetter(tx.queryRow(`SELECT `+prefixed("l.", letterColumns)+` FROM letters l
		JOIN messages m ON m.id = l.message_ref WHERE m.message_id = ? ORDER BY l.id DESC LIMIT 1`, messageID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: letter for %q: %w", messageID, err)
	}
	return l, nil
}

// SetLetterPost marks a letter as to be posted (or not).
func (tx *Tx) SetLetterPost(id int64, wanted bool) error {
	if _, err := tx.exec(`UPDATE letters SET post_wanted = ?, channel = CASE WHEN ? = 1 AND channel = 'email' THEN 'email+post' ELSE channel END WHERE id = ?`,
		boolInt(wanted), boolInt(wanted), id); err != nil {
		return fmt.Errorf("store: letter #%d: %w", id, err)
	}
	return nil
}

// SetLetterPosted records the date a letter went out by post.
func (tx *Tx) SetLetterPosted(id int64, at time.Time) error {
	if _, err := tx.exec(`UPDATE letters SET posted_at = ? WHERE id = ?`, ms(at), id); err != nil {
		return fmt.Errorf("store: letter #%d posted: %w", id, err)
	}
	return nil
}

// RecordPosted records that the latest letter of a kind waiting to be posted
// went out by post on a date, with an event by actor.
func (tx *Tx) RecordPosted(d *Dossier, kind string, at time.Time, actor string, messageRef int64) error {
	ls, err := tx.Letters(d.ID)
	if err != nil {
		return err
	}
	for i := len(ls) - 1; i >= 0; i-- {
		if l := ls[i]; l.Kind == kind && l.PostWanted {
			if err := tx.SetLetterPosted(l.ID, at); err != nil {
				return err
			}
			return tx.AddEvent(&Event{DossierID: d.ID, Actor: actor, Action: "posted",
				Detail: fmt.Sprintf("%s letter posted on %s", kind, at.Format("2006-01-02")), MessageRef: messageRef})
		}
	}
	return fmt.Errorf("no %s letter of %s is waiting to be posted", kind, d.Number)
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// Event is one entry of the append-only event log.
type Event struct {
	ID         int64
	DossierID  int64 // 0: not about one dossier
	At         time.Time
	Actor      string // "klachtd", a staff address, "complainant", …
	Action     string // registered, acknowledged, relayed, handler, verdict, …
	Detail     string
	MessageRef int64
	// Channel is how the action reached klachtd when a person did it
	// somewhere else than by mail: "web" (the officer's desk); "" for mail
	// and klachtd itself. Empty takes the transaction's (Tx.SetChannel).
	Channel string
}

// AddEvent appends an event.
func (tx *Tx) AddEvent(e *Event) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if e.Channel == "" {
		e.Channel = tx.channel
	}
	res, err := tx.exec(`INSERT INTO events (dossier_id, at, actor, action, detail, message_ref, channel) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		nullID(e.DossierID), ms(e.At), e.Actor, e.Action, e.Detail, nullID(e.MessageRef), e.Channel)
	if err != nil {
		return fmt.Errorf("store: log event %s: %w", e.Action, err)
	}
	e.ID, err = res.LastInsertId()
	return err
}

// Events returns the events of a dossier in order.
func (tx *Tx) Events(dossierID int64) ([]*Event, error) {
	return tx.events(`WHERE dossier_id = ? ORDER BY at, id`, dossierID)
}

// EventsOfNoDossier returns the newest events that are about no one
// dossier (sign-ins, quarantined mail, digests), newest first.
func (tx *Tx) EventsOfNoDossier(limit int) ([]*Event, error) {
	return tx.events(`WHERE dossier_id IS NULL ORDER BY id DESC LIMIT ?`, limit)
}

func (tx *Tx) events(where string, args ...any) ([]*Event, error) {
	rows, err := tx.query(`SELECT id, dossier_id, at, actor, action, detail, message_ref, channel FROM events `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list events: %w", err)
	}
	defer rows.Close()
	var out []*Event
	for rows.Next() {
		var e Event
		var d, at, ref sql.NullInt64
		if err := rows.Scan(&e.ID, &d, &at, &e.Actor, &e.Action, &e.Detail, &ref, &e.Channel); err != nil {
			return nil, fmt.Errorf("store: list events: %w", err)
		}
		e.DossierID, e.At, e.MessageRef = d.Int64, fromMS(at), ref.Int64
		out = append(out, &e)
	}
	return out, rows.Err()
}
