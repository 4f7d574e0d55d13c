package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
)

// dossierEntry is one message in the complainant's view of the dossier.
type dossierEntry struct {
	Date                time.Time
	From, Subject, Text string
}

// visibleToComplainant says which filed messages the complainant may see
// in their dossier (PROCEDURE.md step 10): their own mail and what we sent
// them; not internal notes, staff notices, commands or suspicious mail.
var visibleToComplainant = map[string]bool{
	store.KindComplaint: true,
	store.KindFollowUp:  true,
	store.KindLetter:    true,
	store.KindRelay:     true,
	store.KindStaffCopy: true,
}

// DossierPDF renders the whole dossier as the complainant may see it, as a
// letter addressed to them (`klachtd pdf NUMBER dossier`).
func (d *Daemon) DossierPDF(ctx context.Context, number string) (*letters.Rendered, error) {
	var out *letters.Rendered
	err := d.store.View(ctx, func(tx *store.Tx) error {
		dos, err := tx.Dossier(number)
		if err != nil {
			return err
		}
		org := d.cfg.Organisation(dos.Organisation)
		if org == nil {
			return fmt.Errorf("dossier %s: organisation %q is not in the config", dos.Number, dos.Organisation)
		}
		msgs, err := tx.Messages(dos.ID)
		if err != nil {
			return err
		}
		var entries []dossierEntry
		for _, m := range msgs {
			if !visibleToComplainant[m.Kind] || (m.Kind == store.KindLetter && !sameAddress(m.To, dos.ComplainantEmail)) {
				continue
			}
			from := m.FromName
			if m.Direction == store.DirectionOut {
				from = org.Name
			}
			if from == "" {
				from = m.FromAddr
			}
			text := m.Text
			if m.Kind == store.KindComplaint || m.Kind == store.KindLetter {
				// The complaint stands in full above; letters are listed by
				// their subject (each can be reprinted as it was sent).
				text = ""
			}
			entries = append(entries, dossierEntry{Date: m.ReceivedAt.In(procedure.Amsterdam), From: from, Subject: m.Subject, Text: text})
		}
		l := d.baseLetter(org, dos, "dossier", d.complainant(dos))
		status := dos.Status
		if l.Language == "nl" {
			status = statusNL(dos.Status)
		}
		l.Extra = map[string]any{"Status": status, "Messages": entries}
		out, err = d.render(l)
		return err
	})
	return out, err
}

func sameAddress(list []string, addr string) bool {
	for _, a := range list {
		if a == addr {
			return true
		}
	}
	return false
}
