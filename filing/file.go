package filing

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/dossier"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/mailbox/token"
	"github.com/klachtd/klachtd/store"
)

// Incoming is one fetched message on its way into the store.
type Incoming struct {
	Mailbox    *config.Mailbox
	Parsed     *mailbox.Parsed // nil when it could not be parsed
	ParseErr   error
	RawPath    string
	SHA256     string
	Size       int64
	ReceivedAt time.Time // when it reached the mailbox (INTERNALDATE)
}

// file classifies one Incoming message and files it, with everything it
// causes (dossier, events, letters in the outbox), in the caller's
// transaction. It returns the row id of the filed message. The rules, in
// order (docs/spec.md "Threading", "Automatic mail"):
//
//  1. unparseable → quarantine;
//  2. the same Message-ID with the same bytes already filed → nothing new;
//  3. mail from our own intake address → automatic (loop guard);
//  4. automatic mail (RFC 3834, RFC 3464, list and bulk mail) → filed, no
//     dossier, no letter; a bounce of one of our letters goes to its dossier;
//  5. a reply-address token → the token's dossier (staff handling);
//  6. In-Reply-To/References of a filed message → that dossier;
//  7. a [PREFIX-YEAR-NNNN] subject tag of an existing dossier → that dossier;
//  8. staff mail that belongs to no dossier → quarantine (never a complaint);
//  9. anything else → a new complaint.
func (f *Filer) File(tx *store.Tx, in *Incoming) (int64, error) {
	if in.Parsed == nil {
		m := &store.Message{Direction: store.DirectionIn, Kind: store.KindQuarantine, SHA256: in.SHA256,
			Size: in.Size, RawPath: in.RawPath, ReceivedAt: in.ReceivedAt,
			Reason: fmt.Sprintf("could not be parsed: %v", in.ParseErr)}
		if err := tx.InsertMessage(m); err != nil {
			return 0, err
		}
		return m.ID, tx.AddEvent(&store.Event{Actor: "klachtd", Action: "quarantined", Detail: m.Reason, MessageRef: m.ID})
	}
	p := in.Parsed
	if p.MessageID != "" {
		if id, err := tx.MessageByContent(p.MessageID, in.SHA256); err != nil || id != 0 {
			return id, err
		}
	}
	m := f.MessageFrom(in)
	org := f.Organisation(in.Mailbox)
	if p.MessageID != "" {
		// The same Message-ID with other bytes: typically one message
		// delivered once per recipient (reply-all to a reply address and
		// info@), each copy with its own Delivered-To. File it, act once.
		prev, err := tx.IncomingByMessageID(p.MessageID)
		if err != nil {
			return 0, err
		}
		if prev != nil {
			m.DossierID = prev.DossierID
			return f.fileUnattachedIn(tx, m, store.KindDuplicate, "another copy of a message filed before (same Message-ID)")
		}
	}
	from := ""
	if p.From != nil {
		from = strings.ToLower(p.From.Address)
	}

	if f.isOwnAddress(from) {
		return f.fileUnattached(tx, m, store.KindAutomatic, "mail from our own intake address (loop guard)")
	}
	// X-Loop naming our own address: the mail has been through this
	// mailbox before, and whatever answered it then must not answer again
	// (the procmail convention, procmailex(5): an autoresponder does not
	// answer mail whose X-Loop names its own address). mailbox's detection
	// lets an X-Loop naming a recipient pass as a forward's loop guard; the
	// intake address is the one recipient for which that cannot hold.
	for _, v := range p.Header.Values("X-Loop") {
		if f.isOwnAddress(strings.ToLower(strings.Trim(strings.TrimSpace(v), "<>"))) {
			return f.fileUnattached(tx, m, store.KindAutomatic, "X-Loop names our own intake address (loop guard)")
		}
	}
	if p.Auto.Is {
		if p.Auto.Bounce {
			return f.fileBounce(tx, m, p)
		}
		return f.fileUnattached(tx, m, store.KindAutomatic, p.Auto.Reason)
	}
	if plus, ok := f.tokenAddress(in); ok {
		return f.fileTokenMail(tx, in, m, org, plus)
	}
	if dos, err := tx.DossierByMessageIDs(append(append([]string(nil), p.InReplyTo...), p.References...)); err != nil {
		return 0, err
	} else if dos != nil {
		return f.fileInDossier(tx, in, m, org, dos, "thread")
	}
	for _, number := range token.SubjectTags(p.Subject) {
		dos, err := tx.Dossier(number)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err // a failing store is not "no such dossier"
		}
		if dos.Organisation != org.ID {
			continue
		}
		return f.fileInDossier(tx, in, m, org, dos, "subject tag")
	}
	if from == "" {
		return f.quarantineFiled(tx, in, m, org, "no usable From address")
	}
	if !sendable(from) {
		// Salvaged from a broken From header: no letter could ever reach
		// it, so it cannot be a complainant's address.
		return f.fileUnattached(tx, m, store.KindQuarantine, fmt.Sprintf("no usable From address (%q is not an address mail can be sent to)", from))
	}
	if org.IsStaff(from) {
		return f.quarantineFiled(tx, in, m, org,
			"staff mail to the intake address that belongs to no dossier (forward a complaint as an attachment, or reply within the dossier's thread)")
	}
	return f.Register(tx, dossier.Complaint{Mailbox: in.Mailbox, Message: p, ReceivedAt: in.ReceivedAt}, m,
		func(m *store.Message) error { return f.insertWithAttachments(tx, m, p) })
}

// MessageFrom builds the message row of an Incoming message.
func (f *Filer) MessageFrom(in *Incoming) *store.Message {
	p := in.Parsed
	m := &store.Message{
		Direction:  store.DirectionIn,
		MessageID:  p.MessageID,
		SHA256:     in.SHA256,
		Size:       in.Size,
		RawPath:    in.RawPath,
		Subject:    p.Subject,
		Date:       p.Date,
		ReceivedAt: in.ReceivedAt,
		InReplyTo:  p.InReplyTo,
		References: p.References,
		Text:       p.Text,
		HTML:       p.HTML,
	}
	if p.From != nil {
		m.FromAddr, m.FromName = p.From.Address, p.From.Name
	}
	for _, a := range p.To {
		m.To = append(m.To, a.Address)
	}
	for _, a := range p.Cc {
		m.Cc = append(m.Cc, a.Address)
	}
	if len(p.Problems) > 0 {
		m.Reason = strings.Join(p.Problems, "; ")
	}
	return m
}

// insertWithAttachments files m and the attachments of the parsed message.
func (f *Filer) insertWithAttachments(tx *store.Tx, m *store.Message, p *mailbox.Parsed) error {
	if err := tx.InsertMessage(m); err != nil {
		return err
	}
	if p == nil {
		return nil
	}
	for _, a := range p.Attachments {
		if err := tx.InsertAttachment(&store.Attachment{MessageRef: m.ID, Filename: a.Filename,
			ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, Path: a.Path, TooLarge: a.TooLarge}); err != nil {
			return err
		}
	}
	return nil
}

// fileUnattached files a message that belongs to no dossier.
func (f *Filer) fileUnattached(tx *store.Tx, m *store.Message, kind, reason string) (int64, error) {
	m.DossierID = 0
	return f.fileUnattachedIn(tx, m, kind, reason)
}

// fileUnattachedIn files a message that causes nothing, in m.DossierID (if set).
func (f *Filer) fileUnattachedIn(tx *store.Tx, m *store.Message, kind, reason string) (int64, error) {
	m.Kind = kind
	m.Reason = reason
	if err := tx.InsertMessage(m); err != nil {
		return 0, err
	}
	f.Log.Info("message filed without dossier", "kind", kind, "reason", reason, "message_id", m.MessageID)
	return m.ID, tx.AddEvent(&store.Event{DossierID: m.DossierID, Actor: "klachtd", Action: kind, Detail: reason + ": " + m.Subject, MessageRef: m.ID})
}

// quarantineFiled files a message that is no complaint and belongs to no
// dossier in quarantine, with the reason, and tells the officer (it is
// moved to the quarantine folder after the commit).
func (f *Filer) quarantineFiled(tx *store.Tx, in *Incoming, m *store.Message, org *config.Organisation, reason string) (int64, error) {
	id, err := f.fileUnattached(tx, m, store.KindQuarantine, reason)
	if err != nil {
		return 0, err
	}
	return id, f.TellQuarantined(tx, in.Mailbox, m)
}

// fileBounce files a delivery status notification; a bounce of one of our
// letters goes into that letter's dossier.
func (f *Filer) fileBounce(tx *store.Tx, m *store.Message, p *mailbox.Parsed) (int64, error) {
	for _, id := range p.Auto.BouncedMessageIDs {
		l, err := tx.LetterByMessageID(id)
		if err != nil {
			return 0, err
		}
		if l == nil {
			continue
		}
		m.DossierID = l.DossierID
		m.Kind = store.KindBounce
		m.Reason = p.Auto.Reason
		if err := tx.InsertMessage(m); err != nil {
			return 0, err
		}
		if err := tx.AddEvent(&store.Event{DossierID: l.DossierID, Actor: "klachtd", Action: "bounced",
			Detail:     fmt.Sprintf("the %s letter could not be delivered by email (%s)", l.Kind, strings.Join(p.Auto.BouncedRecipients, ", ")),
			MessageRef: m.ID}); err != nil {
			return 0, err
		}
		return m.ID, f.LetterBounced(tx, l)
	}
	return f.fileUnattached(tx, m, store.KindBounce, p.Auto.Reason+" (not about one of our letters)")
}

// isOwnAddress reports whether addr is one of klachtd's intake addresses.
func (f *Filer) isOwnAddress(addr string) bool {
	for _, mb := range f.Cfg.Mailboxes {
		if addr == mb.Address {
			return true
		}
	}
	return false
}

// tokenAddress finds a plus-address of the intake address among the
// recipients (To, Cc, Delivered-To).
func (f *Filer) tokenAddress(in *Incoming) (token.Plus, bool) {
	p := in.Parsed
	var addrs []string
	for _, a := range p.To {
		addrs = append(addrs, a.Address)
	}
	for _, a := range p.Cc {
		addrs = append(addrs, a.Address)
	}
	addrs = append(addrs, p.DeliveredTo...)
	for _, a := range addrs {
		if plus, ok := token.ParsePlus(a, in.Mailbox.Address, f.Secret); ok {
			return plus, true
		}
	}
	return token.Plus{}, false
}

// fileInDossier files a message that threads into an existing dossier.
func (f *Filer) fileInDossier(tx *store.Tx, in *Incoming, m *store.Message, org *config.Organisation, dos *store.Dossier, how string) (int64, error) {
	dos, err := f.FollowMerges(tx, dos)
	if err != nil {
		return 0, err
	}
	from := strings.ToLower(m.FromAddr)
	m.DossierID = dos.ID
	action := "followup"
	switch {
	case org.IsStaff(from):
		// A staff member answered the complainant directly with the intake
		// address in Cc: filed, never relayed again (docs/spec.md "Staff copies").
		m.Kind = store.KindStaffCopy
		m.Direction = store.DirectionOut
		action = "staff copy"
	case from == dos.Concerns:
		m.Kind = store.KindHearing
		action = "hearing reply"
	default:
		m.Kind = store.KindFollowUp
	}
	if err := f.insertWithAttachments(tx, m, in.Parsed); err != nil {
		return 0, err
	}
	if err := tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: from, Action: action, MessageRef: m.ID,
		Detail: fmt.Sprintf("filed by %s: %s", how, m.Subject)}); err != nil {
		return 0, err
	}
	if m.Kind == store.KindFollowUp || m.Kind == store.KindHearing {
		if err := f.ForwardToHandler(tx, org, dos, m); err != nil {
			return 0, err
		}
	}
	return m.ID, nil
}

// sendable reports whether addr is an addr-spec a letter can be sent to
// (RFC 5322 section 3.4.1): it parses as one address, exactly as it is.
func sendable(addr string) bool {
	a, err := mail.ParseAddress("<" + addr + ">")
	return err == nil && strings.EqualFold(a.Address, addr)
}
