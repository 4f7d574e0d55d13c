package daemon

import (
	"fmt"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/store"
)

// sendToPost marks a letter as to be posted and queues the "to post" mail to
// the officer (PROCEDURE.md step 8: decisions by post). The render step
// attaches the letter's PDF once the letter is rendered (the letter's own
// outbox row comes first), and drops a copy as filename in data_dir/print/.
func (d *Daemon) sendToPost(tx *store.Tx, org *config.Organisation, dos *store.Dossier, l *store.Letter, filename, why string) error {
	if err := tx.SetLetterPost(l.ID, true); err != nil {
		return err
	}
	if filename == "" {
		filename = fmt.Sprintf("%s-%s.pdf", dos.Number, l.Kind)
	}
	addressee := d.complainant(dos)
	if l.Recipient != dos.ComplainantEmail {
		addressee = letters.Person{Name: l.Recipient, Email: l.Recipient}
	}
	_, err := d.internalMail(tx, org, dos, "topost", []string{org.Officer}, func(pl *letters.Letter) {
		pl.Reason = why
		pl.Extra = map[string]any{"LetterKind": l.Kind, "Addressee": addressee}
	}, func(dr *draft) {
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

// letterBounced sends a letter whose email could not be delivered to the
// officer to post, unless it is already on its way by post.
func (d *Daemon) letterBounced(tx *store.Tx, l *store.Letter) error {
	if l.PostWanted {
		return nil
	}
	dos, err := tx.DossierByID(l.DossierID)
	if err != nil {
		return err
	}
	org := d.cfg.Organisation(dos.Organisation)
	if org == nil {
		return fmt.Errorf("dossier %s: organisation %q is not in the config", dos.Number, dos.Organisation)
	}
	return d.sendToPost(tx, org, dos, l, fmt.Sprintf("%s-%s.pdf", dos.Number, l.Kind), "the email could not be delivered")
}
