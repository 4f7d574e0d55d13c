package dossier

import (
	"fmt"

	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register/values"
	"github.com/klachtd/klachtd/store"
)

// visibleToComplainant says which filed messages the complainant may see
// in their dossier (docs/procedure.md step 10): their own mail and what we sent
// them; not internal notes, staff notices, commands or suspicious mail.
var visibleToComplainant = map[string]bool{
	store.KindComplaint: true,
	store.KindFollowUp:  true,
	store.KindLetter:    true,
	store.KindRelay:     true,
	store.KindStaffCopy: true,
}

// Inspection is the whole dossier as the complainant may see it, as a
// letter addressed to them (`klachtd pdf NUMBER dossier`).
func (r *Rules) Inspection(tx *store.Tx, number string) (*letters.Inspection, error) {
	dos, err := tx.Dossier(number)
	if err != nil {
		return nil, err
	}
	org := r.Cfg.Organisation(dos.Organisation)
	if org == nil {
		return nil, fmt.Errorf("dossier %s: organisation %q is not in the config", dos.Number, dos.Organisation)
	}
	msgs, err := tx.Messages(dos.ID)
	if err != nil {
		return nil, err
	}
	var entries []letters.Entry
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
		entries = append(entries, letters.Entry{Date: m.ReceivedAt.In(procedure.Amsterdam), From: from, Subject: m.Subject, Text: text})
	}
	d := &letters.Inspection{Letter: r.Letter(org, dos, "dossier", r.Complainant(dos)), Complaint: r.Complaint(org, dos), Outcome: outcome(dos)}
	d.Extra.Status = values.StatusName(d.Language, dos.Status)
	d.Extra.Messages = entries
	return d, nil
}

func sameAddress(list []string, addr string) bool {
	for _, a := range list {
		if a == addr {
			return true
		}
	}
	return false
}
