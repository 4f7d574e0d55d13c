package filing

import (
	"errors"
	"fmt"
	"strings"

	"github.com/klachtd/klachtd/commands"
	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/dossier"
	"github.com/klachtd/klachtd/mailbox/quote"
	"github.com/klachtd/klachtd/mailbox/token"
	"github.com/klachtd/klachtd/store"
)

// fileTokenMail handles mail to a reply address: staff relays, internal
// notes, commands, and hearing replies. Who may do what (docs/spec.md "Who may
// command"): only a listed staff address through a valid token; a forged or
// mismatched token, a non-staff sender, or a staff sender failing the
// receiving server's authentication is filed as suspicious, the officer is
// alerted, and the dossier does not change.
func (f *Filer) fileTokenMail(tx *store.Tx, in *Incoming, m *store.Message, org *config.Organisation, plus token.Plus) (int64, error) {
	p := in.Parsed
	from := ""
	if p.From != nil {
		from = strings.ToLower(p.From.Address)
	}
	dos, err := tx.Dossier(plus.Number)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err // a failing store is not "no such dossier": try again, never call it suspicious
	}
	if err != nil || dos.Organisation != org.ID {
		return f.suspicious(tx, org, nil, m, fmt.Sprintf("reply address for unknown dossier %s", plus.Number))
	}
	if !plus.Valid {
		return f.suspicious(tx, org, dos, m, "the reply-address token does not match (forged or tampered)")
	}
	if plus.Purpose == token.PurposeHearing {
		if from != dos.Concerns {
			return f.suspicious(tx, org, dos, m, fmt.Sprintf("hearing address used by %s instead of %s", from, dos.Concerns))
		}
		return f.fileInDossier(tx, in, m, org, dos, "hearing address")
	}
	if !org.IsStaff(from) {
		return f.suspicious(tx, org, dos, m, fmt.Sprintf("%s is not a listed staff address", from))
	}
	if failed, why := p.AuthFailed(); failed {
		return f.suspicious(tx, org, dos, m, "staff address failed authentication: "+why)
	}
	if dos, err = f.FollowMerges(tx, dos); err != nil {
		return 0, err
	}
	m.DossierID = dos.ID
	text := p.Text
	cut := quote.Cut(text, f.Forbidden(dos))
	cmdText := text
	if !cut.Held {
		cmdText = cut.Reply
	}
	parsed := commands.Read(cmdText)
	if len(parsed.Commands) > 0 || len(parsed.Errors) > 0 {
		m.Kind = store.KindCommand
		if err := f.insertWithAttachments(tx, m, p); err != nil {
			return 0, err
		}
		return m.ID, commands.Carry(&commands.Env{Tx: tx, Rules: f.Rules, Org: org, Dossier: dos, Message: m, Actor: from, Block: parsed})
	}
	if plus.Purpose == token.PurposeIntern {
		m.Kind = store.KindNote
		m.Direction = store.DirectionInternal
		if err := f.insertWithAttachments(tx, m, p); err != nil {
			return 0, err
		}
		return m.ID, tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: from, Action: "note",
			Detail: "internal note filed", MessageRef: m.ID})
	}
	m.Kind = store.KindStaffReply
	m.Direction = store.DirectionInternal
	if err := f.insertWithAttachments(tx, m, p); err != nil {
		return 0, err
	}
	if cut.Held {
		if err := tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: from, Action: "relay held",
			Detail: cut.Reason, MessageRef: m.ID}); err != nil {
			return 0, err
		}
		return m.ID, f.HoldRelay(tx, org, dos, from, m, cut)
	}
	return m.ID, f.Relay(tx, org, dos, m, from, cut.Reply)
}

// suspicious files a message that tried to act on a dossier without the
// right to, and alerts the officer. The dossier does not change.
func (f *Filer) suspicious(tx *store.Tx, org *config.Organisation, dos *store.Dossier, m *store.Message, reason string) (int64, error) {
	m.Kind = store.KindSuspicious
	m.Reason = reason
	m.DossierID = 0
	if err := tx.InsertMessage(m); err != nil {
		return 0, err
	}
	ev := &store.Event{Actor: "klachtd", Action: "suspicious", Detail: fmt.Sprintf("%s (from %s)", reason, m.FromAddr), MessageRef: m.ID}
	if dos != nil {
		ev.DossierID = dos.ID
	}
	if err := tx.AddEvent(ev); err != nil {
		return 0, err
	}
	f.Log.Warn("suspicious message filed; officer alerted", "reason", reason, "from", m.FromAddr)
	what := dossier.Say(org, "verdacht bericht van %s (%q): %s; het dossier is niet gewijzigd",
		"suspicious message from %s (%q): %s; the dossier was not changed", m.FromAddr, m.Subject, reason)
	_, err := f.InternalMail(tx, org, dos, org.Officer, f.AlertOf(org, dos, what), nil)
	return m.ID, err
}
