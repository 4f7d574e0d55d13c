// Package dossier holds the rules of the complaint procedure as they apply
// to one dossier, carried out inside the caller's transaction: registering
// a complaint with its terms, the letters and staff notices it causes
// (queued as drafts on the outbox), relaying staff replies, asking for a
// hearing, recording a verdict, sending letters to the post, and the
// notices the schedule owes (docs/procedure.md "The steps").
package dossier

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/procedure"
)

// Rules carries out the procedure for the organisations of a
// configuration. It keeps no state of its own: everything it decides is
// written in the transaction it is given.
type Rules struct {
	Cfg    *config.Config
	Secret []byte           // the key of the reply-address tokens
	Now    func() time.Time // the clock
	Log    *slog.Logger
}

// Organisation returns the organisation of a mailbox.
func (r *Rules) Organisation(mb *config.Mailbox) *config.Organisation {
	return r.Cfg.Organisation(mb.Organisation)
}

// Mailbox returns the mailbox with the given intake address, or nil.
func (r *Rules) Mailbox(address string) *config.Mailbox {
	for _, mb := range r.Cfg.Mailboxes {
		if mb.Address == address {
			return mb
		}
	}
	return nil
}

// intakeAddress returns the first intake address of an organisation.
func (r *Rules) intakeAddress(org *config.Organisation) string {
	for _, mb := range r.Cfg.Mailboxes {
		if mb.Organisation == org.ID {
			return mb.Address
		}
	}
	return ""
}

// Today is the date of now in Amsterdam, at midnight.
func (r *Rules) Today() time.Time {
	return procedure.StartOfDay(r.Now())
}

// Say picks the Dutch or English text for the organisation's language.
func Say(org *config.Organisation, nl, en string, args ...any) string {
	if org.Language == "nl" {
		return fmt.Sprintf(nl, args...)
	}
	return fmt.Sprintf(en, args...)
}
