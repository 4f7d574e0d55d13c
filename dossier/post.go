package dossier

import (
	"fmt"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/outbox"
	"github.com/klachtd/klachtd/store"
)

// sendToPost marks a letter as to be posted and queues the "to post" mail to
// the officer (docs/procedure.md step 8: decisions by post). The render step
// attaches the letter's PDF once the letter is rendered (the letter's own
// outbox row comes first), and drops a copy as filename in data_dir/print/.
func (r *Rules) sendToPost(tx *store.Tx, org *config.Organisation, dos *store.Dossier, l *store.Letter, filename, why string) error {
	if err := tx.SetLetterPost(l.ID, true); err != nil {
		return err
	}
	if filename == "" {
		filename = fmt.Sprintf("%s-%s.pdf", dos.Number, l.Kind)
	}
	addressee := r.Complainant(dos)
	if l.Recipient != dos.ComplainantEmail {
		addressee = letters.Person{Name: l.Recipient, Email: l.Recipient}
	}
	d := &letters.ToPost{Letter: r.Notice(org, dos, "topost", org.Officer), Complaint: r.Complaint(org, dos), Staff: r.Staff(dos), Reason: why}
	d.Extra.LetterKind, d.Extra.Addressee = l.Kind, addressee
	_, err := r.InternalMail(tx, org, dos, org.Officer, d, func(dr *outbox.Draft) {
		dr.PostLetter, dr.PrintName = l.ID, filename
	})
	if err != nil {
		return err
	}
	return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "to post",
		Detail: fmt.Sprintf("%s letter sent to the officer %s to print and post%s", l.Kind, org.Officer, suffix(why))})
}

func suffix(why string) string {
	if why == "" {
		return ""
	}
	return " (" + why + ")"
}

// LetterBounced sends a letter whose email could not be delivered to the
// officer to post, unless it is already on its way by post.
func (r *Rules) LetterBounced(tx *store.Tx, l *store.Letter) error {
	if l.PostWanted {
		return nil
	}
	dos, err := tx.DossierByID(l.DossierID)
	if err != nil {
		return err
	}
	org := r.Cfg.Organisation(dos.Organisation)
	if org == nil {
		return fmt.Errorf("dossier %s: organisation %q is not in the config", dos.Number, dos.Organisation)
	}
	return r.sendToPost(tx, org, dos, l, fmt.Sprintf("%s-%s.pdf", dos.Number, l.Kind), "the email could not be delivered")
}
