package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Message directions (SPEC "show -json").
const (
	DirectionIn       = "in"
	DirectionOut      = "out"
	DirectionInternal = "internal"
)

// Message kinds: what klachtd made of a message.
const (
	KindComplaint  = "complaint"  // opened a dossier
	KindFollowUp   = "followup"   // the complainant (or anyone outside) wrote again in a dossier
	KindAutomatic  = "automatic"  // auto-reply, list or bulk mail: filed, nothing else
	KindBounce     = "bounce"     // a delivery status notification
	KindLetter     = "letter"     // a letter klachtd sent
	KindNotice     = "notice"     // an internal mail klachtd sent to staff
	KindRelay      = "relay"      // staff text relayed to the complainant
	KindStaffReply = "staffreply" // staff mail to a relay address (the original, before cutting)
	KindStaffCopy  = "staffcopy"  // staff answered the complainant directly with info@ in Cc
	KindNote       = "note"       // internal note
	KindCommand    = "command"    // a staff message carrying commands
	KindHearing    = "hearing"    // the answer of the person concerned
	KindSuspicious = "suspicious" // forged or mismatched token, failed authentication
	KindQuarantine = "quarantine" // could not be handled; kept with a reason
	KindDuplicate  = "duplicate"  // another copy of a message filed before
)

// Message is one filed message, incoming or outgoing.
type Message struct {
	ID         int64
	DossierID  int64 // 0: not in a dossier
	Direction  string
	Kind       string
	MessageID  string
	SHA256     string
	Size       int64
	RawPath    string // relative to the data directory
	FromAddr   string
	FromName   string
	To         []string
	Cc         []string
	Subject    string
	Date       time.Time
	ReceivedAt time.Time // when it reached the mailbox (IMAP INTERNALDATE), or was sent
	InReplyTo  []string
	References []string
	Text       string
	HTML       string
	Reason     string // why it was classified so (automatic, suspicious, quarantine)
	FiledAt    time.Time
}

// Attachment is one stored attachment of a message.
type Attachment struct {
	ID          int64
	MessageRef  int64
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	Path        string // relative to the data directory; "" if too large
	TooLarge    bool
}

const messageColumns = `id, dossier_id, direction, kind, message_id, sha256, size, raw_path,
	from_addr, from_name, to_addrs, cc_addrs, subject, date, received_at, in_reply_to, refs,
	text_body, html_body, reason, filed_at`

func scanMessage(r scanner) (*Message, error) {
	var m Message
	var dossier sql.NullInt64
	var to, cc, irt, refs string
	var date, received, filed sql.NullInt64
	err := r.Scan(&m.ID, &dossier, &m.Direction, &m.Kind, &m.MessageID, &m.SHA256, &m.Size,
		&m.RawPath, &m.FromAddr, &m.FromName, &to, &cc, &m.Subject, &date, &received, &irt,
		&refs, &m.Text, &m.HTML, &m.Reason, &filed)
	if err != nil {
		return nil, err
	}
	m.DossierID = dossier.Int64
	m.To = strings.Fields(to)
	m.Cc = strings.Fields(cc)
	m.InReplyTo = strings.Fields(irt)
	m.References = strings.Fields(refs)
	m.Date = fromMS(date)
	m.ReceivedAt = fromMS(received)
	m.FiledAt = fromMS(filed)
	return &m, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// InsertMessage files a message and sets m.ID.
func (tx *Tx) InsertMessage(m *Message) error {
	if m.FiledAt.IsZero() {
		m.FiledAt = time.Now().UTC()
	}
	res, err := tx.exec(`INSERT INTO messages (dossier_id, direction, kind, message_id, sha256,
		size, raw_path, from_addr, from_name, to_addrs, cc_addrs, subject, date, received_at,
		in_reply_to, refs, text_body, html_body, reason, filed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		nullID(m.DossierID), m.Direction, m.Kind, m.MessageID, m.SHA256, m.Size, m.RawPath,
		strings.ToLower(m.FromAddr), m.FromName, strings.ToLower(strings.Join(m.To, " ")),
		strings.ToLower(strings.Join(m.Cc, " ")), m.Subject, ms(m.Date), ms(m.ReceivedAt),
		strings.Join(m.InReplyTo, " "), strings.Join(m.References, " "), m.Text, m.HTML,
		m.Reason, ms(m.FiledAt))
	if err != nil {
		return fmt.Errorf("store: file message %q: %w", m.MessageID, err)
	}
	m.ID, err = res.LastInsertId()
	if err != nil {
		return fmt.Errorf("store: file message %q: %w", m.MessageID, err)
	}
	return nil
}

// SetMessageDossier moves a filed message into a dossier (or out: 0) and
// changes its kind.
func (tx *Tx) SetMessageDossier(id, dossierID int64, kind string) error {
	if _, err := tx.exec(`UPDATE messages SET dossier_id = ?, kind = ? WHERE id = ?`, nullID(dossierID), kind, id); err != nil {
		return fmt.Errorf("store: move message #%d: %w", id, err)
	}
	return nil
}

// SetMessageContent records the stored bytes of an outgoing message that
// was rendered after its transaction, with what the render produced.
func (tx *Tx) SetMessageContent(id int64, rawPath, sum string, size int64, subject, text, html string) error {
	if _, err := tx.exec(`UPDATE messages SET raw_path = ?, sha256 = ?, size = ?, subject = ?, text_body = ?, html_body = ? WHERE id = ?`,
		rawPath, sum, size, subject, text, html, id); err != nil {
		return fmt.Errorf("store: message #%d content: %w", id, err)
	}
	return nil
}

// Message returns one message by row id.
func (tx *Tx) Message(id int64) (*Message, error) {
	m, err := scanMessage(tx.queryRow(`SELECT `+messageColumns+` FROM messages WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: message #%d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: message #%d: %w", id, err)
	}
	return m, nil
}

// Messages returns the messages of a dossier in the order they were filed.
func (tx *Tx) Messages(dossierID int64) ([]*Message, error) {
	return tx.messages(`WHERE dossier_id = ? ORDER BY COALESCE(received_at, filed_at), id`, dossierID)
}

// UnfiledMessages returns messages in no dossier (automatic, suspicious,
// quarantined), newest first.
func (tx *Tx) UnfiledMessages(limit int) ([]*Message, error) {
	return tx.messages(`WHERE dossier_id IS NULL ORDER BY id DESC LIMIT ?`, limit)
}

func (tx *Tx) messages(where string, args ...any) ([]*Message, error) {
	rows, err := tx.query(`SELECT `+messageColumns+` FROM messages `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list messages: %w", err)
	}
	defer rows.Close()
	var out []*Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MessageByContent finds an already filed incoming message with the same
// Message-ID and the same SHA-256 (the same message seen again, e.g. after a
// UIDVALIDITY change). Returns 0 if there is none.
func (tx *Tx) MessageByContent(messageID, sum string) (int64, error) {
	var id int64
	err := tx.queryRow(`SELECT id FROM messages WHERE message_id = ? AND sha256 = ? AND direction != 'out' LIMIT 1`,
		messageID, sum).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: look up message %q: %w", messageID, err)
	}
	return id, nil
}

// IncomingByMessageID returns the first filed incoming message with this
// Message-ID, or nil.
func (tx *Tx) IncomingByMessageID(messageID string) (*Message, error) {
	ms, err := tx.messages(`WHERE message_id = ? AND direction != 'out' ORDER BY id LIMIT 1`, messageID)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	return ms[0], nil
}

// DossierByMessageIDs returns the dossier of the most recently filed message
// whose Message-ID is one of ids (In-Reply-To/References threading), or nil.
func (tx *Tx) DossierByMessageIDs(ids []string) (*Dossier, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := `SELECT dossier_id FROM messages WHERE dossier_id IS NOT NULL AND message_id IN (` +
		strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + `) ORDER BY id DESC LIMIT 1`
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var dossierID int64
	err := tx.queryRow(q, args...).Scan(&dossierID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: thread lookup: %w", err)
	}
	return tx.DossierByID(dossierID)
}

// InsertAttachment stores the metadata of an attachment.
func (tx *Tx) InsertAttachment(a *Attachment) error {
	res, err := tx.exec(`INSERT INTO attachments (message_ref, filename, content_type, size, sha256, path, too_large)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, a.MessageRef, a.Filename, a.ContentType, a.Size, a.SHA256, a.Path, boolInt(a.TooLarge))
	if err != nil {
		return fmt.Errorf("store: file attachment %q: %w", a.Filename, err)
	}
	a.ID, err = res.LastInsertId()
	return err
}

// Attachments returns the attachments of a message.
func (tx *Tx) Attachments(messageRef int64) ([]*Attachment, error) {
	rows, err := tx.query(`SELECT id, message_ref, filename, content_type, size, sha256, path, too_large
		FROM attachments WHERE message_ref = ? ORDER BY id`, messageRef)
	if err != nil {
		return nil, fmt.Errorf("store: list attachments: %w", err)
	}
	defer rows.Close()
	var out []*Attachment
	for rows.Next() {
		var a Attachment
		var tooLarge int
		if err := rows.Scan(&a.ID, &a.MessageRef, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.Path, &tooLarge); err != nil {
			return nil, fmt.Errorf("store: list attachments: %w", err)
		}
		a.TooLarge = tooLarge != 0
		out = append(out, &a)
	}
	return out, rows.Err()
}

// SeenUID reports whether (mailbox, folder, uidvalidity, uid) is filed,
// whether it has been moved out of the folder already, and whether it was
// quarantined (it then goes to the quarantine folder, not the processed one).
func (tx *Tx) SeenUID(mailbox, folder string, uidValidity, uid uint32) (filed, moved, quarantined bool, err error) {
	var movedAt sql.NullInt64
	var kind string
	err = tx.queryRow(`SELECT s.moved_at, COALESCE(m.kind, '') FROM imap_seen s LEFT JOIN messages m ON m.id = s.message_ref
		WHERE s.mailbox = ? AND s.folder = ? AND s.uidvalidity = ? AND s.uid = ?`,
		mailbox, folder, uidValidity, uid).Scan(&movedAt, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, false, nil
	}
	if err != nil {
		return false, false, false, fmt.Errorf("store: look up uid %d: %w", uid, err)
	}
	return true, movedAt.Valid, kind == KindQuarantine, nil
}

// RecordUID remembers that a UID was filed as message messageRef.
func (tx *Tx) RecordUID(mailbox, folder string, uidValidity, uid uint32, messageRef int64) error {
	if _, err := tx.exec(`INSERT INTO imap_seen (mailbox, folder, uidvalidity, uid, message_ref) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, mailbox, folder, uidValidity, uid, messageRef); err != nil {
		return fmt.Errorf("store: record uid %d: %w", uid, err)
	}
	return nil
}

// MarkMoved records that UIDs were moved out of the folder.
func (tx *Tx) MarkMoved(mailbox, folder string, uidValidity uint32, uids []uint32, at time.Time) error {
	for _, uid := range uids {
		if _, err := tx.exec(`UPDATE imap_seen SET moved_at = ? WHERE mailbox = ? AND folder = ? AND uidvalidity = ? AND uid = ?`,
			ms(at), mailbox, folder, uidValidity, uid); err != nil {
			return fmt.Errorf("store: mark uid %d moved: %w", uid, err)
		}
	}
	return nil
}
