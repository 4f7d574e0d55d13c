// Package report holds the yearly complaint analysis (docs/procedure.md step 12:
// trends, causes, whether the corrective measures satisfied, whether the
// preventive measures worked, recommendations): Compute turns one Record per
// dossier into the Figures of an organisation's year, and PDF and CSV render
// those Figures for the directors. It does no I/O and keeps no state; the
// Figures are JSON-serialisable so that a frozen copy renders the same report
// after the dossiers themselves have been destroyed.
//
// No personal data goes in or out: a Record carries no names, addresses or
// complaint texts. Causes, measures and extension reasons are free texts
// typed by staff; they must be written without names (the report's notes
// say so to its readers), and Compute removes e-mail addresses, phone
// numbers and IBANs from them all the same.
package report

import "time"

// Dossier statuses (the `status` values of `list -json`).
const (
	StatusOpen      = "open"
	StatusDecided   = "decided"
	StatusClosed    = "closed"
	StatusRejected  = "rejected"
	StatusMerged    = "merged"
	StatusDestroyed = "destroyed"
)

// Verdicts (the `verdict` values of `list -json`); an empty verdict means
// none was given.
const (
	VerdictFounded       = "founded"
	VerdictPartlyFounded = "partly_founded"
	VerdictUnfounded     = "unfounded"
	VerdictInadmissible  = "inadmissible"
)

// Channels a complaint came in by (the `channel` values of `show -json`).
const (
	ChannelEmail     = "email"
	ChannelForwarded = "forwarded"
	ChannelPhone     = "phone"
	ChannelInPerson  = "in person"
	ChannelLetter    = "letter"
)

// Agreement with the complainant (register field of procedure 002).
const (
	AgreementUnknown = ""
	AgreementYes     = "yes"
	AgreementNo      = "no"
)

// Measure kinds (the `measures[].kind` values of `show -json`).
const (
	MeasureCorrective = "corrective"
	MeasurePreventive = "preventive"
)

// Record is what the analysis needs of one dossier, and nothing more: no
// names, addresses, e-mail addresses or complaint texts. Tombstones of
// destroyed dossiers are records too; they keep their dates, status,
// verdict, subjects and measures.
//
// Deadlines (AcknowledgeBy, DecideByOriginal, DecideBy, Extension.NewDecideBy)
// are dates as the procedure package computes them: 00:00 Europe/Amsterdam
// of the last day of the term. A zero deadline means the profile sets no
// such term.
type Record struct {
	Number string // PREFIX-YEAR-NNNN

	// Status is the dossier's status at the end of the year (see
	// YearEndStatus to derive it from the current status).
	Status string

	ReceivedAt     time.Time
	AcknowledgeBy  time.Time // last day of the acknowledgement term; zero: no term
	AcknowledgedAt time.Time // zero: not acknowledged

	DecideByOriginal time.Time // the decide-by date before any extension
	DecideBy         time.Time // the decide-by date after all extensions
	DecidedAt        time.Time // when the verdict was given; zero: none
	ClosedAt         time.Time // when the dossier was closed; zero: not closed

	Verdict  string   // a Verdict constant or ""
	Subjects []string // the dossier's subjects (categories)
	Channel  string   // a Channel constant; "" when not known

	Extensions []Extension
	Hearing    bool // the person concerned was heard (hoor en wederhoor)
	Appeal     bool // the complainant appealed to the external body

	Cause     string    // the cause of the complaint (register field; no names)
	Measures  []Measure // corrective and preventive measures (no names)
	Agreement string    // an Agreement constant
}

// Extension is one extension of the decision term (docs/procedure.md step 7).
type Extension struct {
	At          time.Time // when the extension was given; zero: not known
	NewDecideBy time.Time // the new decide-by date; zero: not known
	Reason      string    // free text typed by staff (no names)
}

// Measure is a corrective or preventive measure taken in a dossier.
type Measure struct {
	Kind string // MeasureCorrective or MeasurePreventive
	Text string // free text typed by staff (no names)
}

// YearEndStatus derives a dossier's status at the end of year from its
// current status and the dates it keeps, for a caller that knows only the
// current status: a dossier decided, closed or destroyed after the year
// ended was still open (or decided) at its end. A merge keeps no date and
// counts as merged; a rejection counts from its decision or closing date.
func YearEndStatus(current string, year int, decidedAt, closedAt, destroyedAt time.Time) string {
	end := yearStart(year + 1)
	// by reports whether a change dated t had happened by the end of the
	// year; a change without a date is taken as having happened.
	by := func(t time.Time) bool { return t.Before(end) }
	switch current {
	case StatusDestroyed:
		if by(destroyedAt) {
			return StatusDestroyed
		}
		switch {
		case !closedAt.IsZero() && by(closedAt):
			return StatusClosed
		case !decidedAt.IsZero() && by(decidedAt):
			return StatusDecided
		}
		return StatusOpen
	case StatusClosed:
		if by(closedAt) {
			return StatusClosed
		}
		if !decidedAt.IsZero() && by(decidedAt) {
			return StatusDecided
		}
		return StatusOpen
	case StatusDecided:
		if by(decidedAt) {
			return StatusDecided
		}
		return StatusOpen
	case StatusRejected:
		at := decidedAt
		if at.IsZero() {
			at = closedAt
		}
		if by(at) {
			return StatusRejected
		}
		return StatusOpen
	}
	return current // open, merged, or a status this package does not know
}
