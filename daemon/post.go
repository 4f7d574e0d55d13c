package daemon

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/store"
)

// queueToPost sends a letter's PDF to the officer to print and post, and
// drops a copy in data_dir/print/ (docs/procedure.md step 8: decisions by post).
func (d *Daemon) queueToPost(tx *store.Tx, org *config.Organisation, dos *store.Dossier, l *store.Letter, r *letters.Rendered) error {
	return d.sendToPost(tx, org, dos, l, r.PDF, r.Filename, "")
}

func (d *Daemon) sendToPost(tx *store.Tx, org *config.Organisation, dos *store.Dossier, l *store.Letter, pdf []byte, filename, why string) error {
	if len(pdf) == 0 {
		return fmt.Errorf("%s letter of %s has no PDF to post", l.Kind, dos.Number)
	}
	if err := tx.SetLetterPost(l.ID, true); err != nil {
		return err
	}
	printDir := filepath.Join(d.store.DataDir(), "print")
	if err := os.MkdirAll(printDir, 0o700); err != nil {
		return fmt.Errorf("create print dir: %w", err)
	}
	if filename == "" {
		filename = fmt.Sprintf("%s-%s.pdf", dos.Number, l.Kind)
	}
	if err := os.WriteFile(filepath.Join(printDir, filename), pdf, 0o600); err != nil {
		return fmt.Errorf("write print copy: %w", err)
	}
	addressee := d.complainant(dos)
	if l.Recipient != dos.ComplainantEmail {
		addressee = letters.Person{Name: l.Recipient, Email: l.Recipient}
	}
	_, err := d.internalMail(tx, org, dos, "topost", []string{org.Officer}, func(pl *letters.Letter) {
		pl.Reason = why
		pl.Extra = map[string]any{"LetterKind": l.Kind, "Addressee": addressee}
	}, func(out *mailbox.Outgoing) {
		out.Attachments = []mailbox.OutAttachment{{Filename: filename, ContentType: "application/pdf", Data: pdf}}
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
	if l.PostWanted || l.PDFPath == "" {
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
	pdf, err := d.store.ReadFile(l.PDFPath)
	if err != nil {
		return err
	}
	return d.sendToPost(tx, org, dos, l, pdf, fmt.Sprintf("%s-%s.pdf", dos.Number, l.Kind), "the email could not be delivered")
}
