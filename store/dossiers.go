package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/register/values"
)

// Dossier statuses: the register's (values.Status*), under the names
// the daemon uses.
const (
	StatusOpen      = values.StatusOpen
	StatusDecided   = values.StatusDecided
	StatusClosed    = values.StatusClosed
	StatusRejected  = values.StatusRejected
	StatusMerged    = values.StatusMerged
	StatusDestroyed = values.StatusDestroyed
)

// Dossier is one complaint.
type Dossier struct {
	ID               int64
	Number           string
	Organisation     string
	Status           string
	Language         string
	Mailbox          string // intake address the complaint came in on
	ComplainantName  string
	ComplainantEmail string
	PostalAddress    []string
	Subject          string
	Description      string
	Categories       []string
	Handler          string
	Concerns         string
	Simple           bool
	ReceivedAt       time.Time
	AcknowledgeBy    time.Time
	AcknowledgeBasis string
	AcknowledgedAt   time.Time
	DecideBy         time.Time
	DecideBasis      string
	ExtensionReason  string
	Verdict          string
	Facts            string
	Position         string
	Measures         string
	DecidedAt        time.Time
	ClosedAt         time.Time
	MergedInto       string
	DestroyedAt      time.Time
	RootMessageID    string // Message-ID of the complaint that opened it
	CreatedAt        time.Time
}

// IsOpen reports whether the dossier is still being handled.
func (d *Dossier) IsOpen() bool { return d.Status == StatusOpen }

const dossierColumns = `id, number, organisation, status, language, mailbox, complainant_name,
	complainant_email, postal_address, subject, description, categories, handler, concerns,
	simple, received_at, acknowledge_by, acknowledge_basis, acknowledged_at, decide_by,
	decide_basis, extension_reason, verdict, facts, position, measures, decided_at,
	closed_at, merged_into, destroyed_at, root_message_id, created_at`

func scanDossier(r scanner) (*Dossier, error) {
	var d Dossier
	err := r.Scan(&d.ID, &d.Number, &d.Organisation, &d.Status, &d.Language, &d.Mailbox,
		&d.ComplainantName, &d.ComplainantEmail, lines(&d.PostalAddress), &d.Subject, &d.Description,
		lines(&d.Categories), &d.Handler, &d.Concerns, &d.Simple, (*sqlTime)(&d.ReceivedAt),
		(*sqlTime)(&d.AcknowledgeBy), &d.AcknowledgeBasis, (*sqlTime)(&d.AcknowledgedAt),
		(*sqlTime)(&d.DecideBy), &d.DecideBasis, &d.ExtensionReason, &d.Verdict, &d.Facts, &d.Position,
		&d.Measures, (*sqlTime)(&d.DecidedAt), (*sqlTime)(&d.ClosedAt), &d.MergedInto,
		(*sqlTime)(&d.DestroyedAt), &d.RootMessageID, (*sqlTime)(&d.CreatedAt))
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// NextNumber allocates the next dossier number PREFIX-YEAR-NNNN of an
// organisation. Numbers are gap-free within a year: the counter moves in the
// same transaction that creates the dossier.
func (tx *Tx) NextNumber(organisation, prefix string, year int) (string, error) {
	var last int
	err := tx.queryRow(`SELECT last FROM counters WHERE organisation = ? AND year = ?`, organisation, year).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: read counter: %w", err)
	}
	last++
	if _, err := tx.exec(`INSERT INTO counters (organisation, year, last) VALUES (?, ?, ?)
		ON CONFLICT (organisation, year) DO UPDATE SET last = excluded.last`, organisation, year, last); err != nil {
		return "", fmt.Errorf("store: bump counter: %w", err)
	}
	return fmt.Sprintf("%s-%d-%04d", prefix, year, last), nil
}

// CreateDossier inserts a new dossier and sets d.ID.
func (tx *Tx) CreateDossier(d *Dossier) error {
	if d.CreatedAt.IsZero() {
		d.CreatedAt = time.Now().UTC()
	}
	if d.Status == "" {
		d.Status = StatusOpen
	}
	res, err := tx.exec(`INSERT INTO dossiers (number, organisation, status, language, mailbox,
		complainant_name, complainant_email, postal_address, subject, description, categories,
		handler, concerns, simple, received_at, acknowledge_by, acknowledge_basis, decide_by,
		decide_basis, root_message_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Number, d.Organisation, d.Status, d.Language, d.Mailbox, d.ComplainantName,
		d.ComplainantEmail, lines(&d.PostalAddress), d.Subject, d.Description,
		lines(&d.Categories), d.Handler, d.Concerns, d.Simple,
		sqlTime(d.ReceivedAt), sqlTime(d.AcknowledgeBy), d.AcknowledgeBasis, sqlTime(d.DecideBy),
		d.DecideBasis, d.RootMessageID, sqlTime(d.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: create dossier %s: %w", d.Number, err)
	}
	d.ID, err = res.LastInsertId()
	if err != nil {
		return fmt.Errorf("store: create dossier %s: %w", d.Number, err)
	}
	tx.scheduleChanged = true
	return nil
}

// UpdateDossier writes every mutable field of d back.
func (tx *Tx) UpdateDossier(d *Dossier) error {
	_, err := tx.exec(`UPDATE dossiers SET status = ?, language = ?, complainant_name = ?,
		complainant_email = ?, postal_address = ?, subject = ?, description = ?, categories = ?,
		handler = ?, concerns = ?, simple = ?, acknowledge_by = ?, acknowledge_basis = ?,
		acknowledged_at = ?, decide_by = ?, decide_basis = ?, extension_reason = ?, verdict = ?,
		facts = ?, position = ?, measures = ?, decided_at = ?, closed_at = ?, merged_into = ?,
		destroyed_at = ?
		WHERE id = ?`,
		d.Status, d.Language, d.ComplainantName, d.ComplainantEmail,
		lines(&d.PostalAddress), d.Subject, d.Description,
		lines(&d.Categories), d.Handler, d.Concerns, d.Simple,
		sqlTime(d.AcknowledgeBy), d.AcknowledgeBasis, sqlTime(d.AcknowledgedAt), sqlTime(d.DecideBy),
		d.DecideBasis, d.ExtensionReason, d.Verdict, d.Facts, d.Position, d.Measures,
		sqlTime(d.DecidedAt), sqlTime(d.ClosedAt), d.MergedInto, sqlTime(d.DestroyedAt), d.ID)
	if err != nil {
		return fmt.Errorf("store: update dossier %s: %w", d.Number, err)
	}
	tx.scheduleChanged = true
	return nil
}

// Dossier returns the dossier with the given number (case-insensitive).
func (tx *Tx) Dossier(number string) (*Dossier, error) {
	return queryOne(tx, "dossier "+number, scanDossier,
		`SELECT `+dossierColumns+` FROM dossiers WHERE number = ?`, strings.ToUpper(number))
}

// DossierByID returns the dossier with the given row id.
func (tx *Tx) DossierByID(id int64) (*Dossier, error) {
	return queryOne(tx, fmt.Sprintf("dossier #%d", id), scanDossier,
		`SELECT `+dossierColumns+` FROM dossiers WHERE id = ?`, id)
}

// DossierFilter selects dossiers for Dossiers.
type DossierFilter struct {
	Statuses         []string // empty: all
	Organisation     string
	ComplainantEmail string
	ReceivedFrom     time.Time // inclusive
	ReceivedTo       time.Time // exclusive
}

// Dossiers lists dossiers in number order.
func (tx *Tx) Dossiers(f DossierFilter) ([]*Dossier, error) {
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.Statuses)), ",")+")")
		for _, s := range f.Statuses {
			args = append(args, s)
		}
	}
	if f.Organisation != "" {
		where = append(where, "organisation = ?")
		args = append(args, f.Organisation)
	}
	if f.ComplainantEmail != "" {
		where = append(where, "complainant_email = ?")
		args = append(args, strings.ToLower(f.ComplainantEmail))
	}
	if !f.ReceivedFrom.IsZero() {
		where = append(where, "received_at >= ?")
		args = append(args, sqlTime(f.ReceivedFrom))
	}
	if !f.ReceivedTo.IsZero() {
		where = append(where, "received_at < ?")
		args = append(args, sqlTime(f.ReceivedTo))
	}
	q := `SELECT ` + dossierColumns + ` FROM dossiers`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY organisation, received_at, id"
	return queryAll(tx, "list dossiers", scanDossier, q, args...)
}
