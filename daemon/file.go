package daemon

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
)

// incoming is one fetched message on its way into the store.
type incoming struct {
	mailbox    *config.Mailbox
	parsed     *mailbox.Parsed // nil when it could not be parsed
	parseErr   error
	rawPath    string
	sha256     string
	size       int64
	receivedAt time.Time // when it reached the mailbox (INTERNALDATE)
}

// file classifies one incoming message and files it, with everything it
// causes (dossier, events, letters in the outbox), in the caller's
// transaction. It returns the row id of the filed message. The rules, in
// order (SPEC "Threading", "Automatic mail"):
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
func (d *Daemon) file(tx *store.Tx, in *incoming) (int64, error) {
	if d.fileHook != nil {
		d.fileHook(in)
	}
	if in.parsed == nil {
		m := &store.Message{Direction: store.DirectionIn, Kind: store.KindQuarantine, SHA256: in.sha256,
			Size: in.size, RawPath: in.rawPath, ReceivedAt: in.receivedAt,
			Reason: fmt.Sprintf("could not be parsed: %v", in.parseErr)}
		if err := tx.InsertMessage(m); err != nil {
			return 0, err
		}
		return m.ID, tx.AddEvent(&store.Event{Actor: "klachtd", Action: "quarantined", Detail: m.Reason, MessageRef: m.ID})
	}
	p := in.parsed
	if p.MessageID != "" {
		if id, err := tx.MessageByContent(p.MessageID, in.sha256); err != nil || id != 0 {
			return id, err
		}
	}
	m := d.messageFrom(in)
	org := d.organisation(in.mailbox)
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
			return d.fileUnattachedIn(tx, m, store.KindDuplicate, "another copy of a message filed before (same Message-ID)")
		}
	}
	from := ""
	if p.From != nil {
		from = strings.ToLower(p.From.Address)
	}

	if d.isOwnAddress(from) {
		return d.fileUnattached(tx, m, store.KindAutomatic, "mail from our own intake address (loop guard)")
	}
	// X-Loop naming our own address: the mail has been through this
	// mailbox before, and whatever answered it then must not answer again
	// (the procmail convention, procmailex(5): an autoresponder does not
	// answer mail whose X-Loop names its own address). mailbox's detection
	// lets an X-Loop naming a recipient pass as a forward's loop guard; the
	// intake address is the one recipient for which that cannot hold.
	for _, v := range p.Header.Values("X-Loop") {
		if d.isOwnAddress(strings.ToLower(strings.Trim(strings.TrimSpace(v), "<>"))) {
			return d.fileUnattached(tx, m, store.KindAutomatic, "X-Loop names our own intake address (loop guard)")
		}
	}
	if p.Auto.Is {
		if p.Auto.Bounce {
			return d.fileBounce(tx, m, p)
		}
		return d.fileUnattached(tx, m, store.KindAutomatic, p.Auto.Reason)
	}
	if plus, ok := d.tokenAddress(in); ok {
		return d.fileTokenMail(tx, in, m, org, plus)
	}
	if dos, err := tx.DossierByMessageIDs(append(append([]string(nil), p.InReplyTo...), p.References...)); err != nil {
		return 0, err
	} else if dos != nil {
		return d.fileInDossier(tx, in, m, org, dos, "thread")
	}
	for _, number := range mailbox.SubjectTags(p.Subject) {
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
		return d.fileInDossier(tx, in, m, org, dos, "subject tag")
	}
	if from == "" {
		return d.quarantineFiled(tx, in, m, org, "no usable From address")
	}
	if !sendable(from) {
		// Salvaged from a broken From header: no letter could ever reach
		// it, so it cannot be a complainant's address.
		return d.fileUnattached(tx, m, store.KindQuarantine, fmt.Sprintf("no usable From address (%q is not an address mail can be sent to)", from))
	}
	if org.IsStaff(from) {
		return d.quarantineFiled(tx, in, m, org,
			"staff mail to the intake address that belongs to no dossier (forward a complaint as an attachment, or reply within the dossier's thread)")
	}
	return d.register(tx, in, m, org)
}

// messageFrom builds the message row of an incoming message.
func (d *Daemon) messageFrom(in *incoming) *store.Message {
	p := in.parsed
	m := &store.Message{
		Direction:  store.DirectionIn,
		MessageID:  p.MessageID,
		SHA256:     in.sha256,
		Size:       in.size,
		RawPath:    in.rawPath,
		Subject:    p.Subject,
		Date:       p.Date,
		ReceivedAt: in.receivedAt,
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
func (d *Daemon) insertWithAttachments(tx *store.Tx, m *store.Message, p *mailbox.Parsed) error {
	if err := tx.InsertMessage(m); err != nil {
		return err
	}
	if p == nil {
		return nil
	}
	for _, a := range p.Attachments {
		rel := ""
		if a.Path != "" {
			rel = relTo(d.store.DataDir(), a.Path)
		}
		if err := tx.InsertAttachment(&store.Attachment{MessageRef: m.ID, Filename: a.Filename,
			ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, Path: rel, TooLarge: a.TooLarge}); err != nil {
			return err
		}
	}
	return nil
}

// fileUnattached files a message that belongs to no dossier.
func (d *Daemon) fileUnattached(tx *store.Tx, m *store.Message, kind, reason string) (int64, error) {
	m.DossierID = 0
	return d.fileUnattachedIn(tx, m, kind, reason)
}

// fileUnattachedIn files a message that causes nothing, in m.DossierID (if set).
func (d *Daemon) fileUnattachedIn(tx *store.Tx, m *store.Message, kind, reason string) (int64, error) {
	m.Kind = kind
	m.Reason = reason
	if err := tx.InsertMessage(m); err != nil {
		return 0, err
	}
	d.log.Info("message filed without dossier", "kind", kind, "reason", reason, "message_id", m.MessageID)
	return m.ID, tx.AddEvent(&store.Event{DossierID: m.DossierID, Actor: "klachtd", Action: kind, Detail: reason + ": " + m.Subject, MessageRef: m.ID})
}

// quarantineFiled files a message that is no complaint and belongs to no
// dossier in quarantine, with the reason, and tells the officer (it is
// moved to the quarantine folder after the commit).
func (d *Daemon) quarantineFiled(tx *store.Tx, in *incoming, m *store.Message, org *config.Organisation, reason string) (int64, error) {
	id, err := d.fileUnattached(tx, m, store.KindQuarantine, reason)
	if err != nil {
		return 0, err
	}
	return id, d.tellQuarantined(tx, in.mailbox, m)
}

// fileBounce files a delivery status notification; a bounce of one of our
// letters goes into that letter's dossier.
func (d *Daemon) fileBounce(tx *store.Tx, m *store.Message, p *mailbox.Parsed) (int64, error) {
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
		return m.ID, d.letterBounced(tx, l)
	}
	return d.fileUnattached(tx, m, store.KindBounce, p.Auto.Reason+" (not about one of our letters)")
}

// isOwnAddress reports whether addr is one of klachtd's intake addresses.
func (d *Daemon) isOwnAddress(addr string) bool {
	for _, mb := range d.cfg.Mailboxes {
		if addr == mb.Address {
			return true
		}
	}
	return false
}

// tokenAddress finds a plus-address of the intake address among the
// recipients (To, Cc, Delivered-To).
func (d *Daemon) tokenAddress(in *incoming) (mailbox.Plus, bool) {
	p := in.parsed
	var addrs []string
	for _, a := range p.To {
		addrs = append(addrs, a.Address)
	}
	for _, a := range p.Cc {
		addrs = append(addrs, a.Address)
	}
	addrs = append(addrs, p.DeliveredTo...)
	for _, a := range addrs {
		if plus, ok := mailbox.ParsePlus(a, in.mailbox.Address, d.secret); ok {
			return plus, true
		}
	}
	return mailbox.Plus{}, false
}

// register opens a new dossier for a complaint, with its terms, and queues
// the acknowledgement (PROCEDURE.md steps 2 and 3) and the handler's
// notification.
func (d *Daemon) register(tx *store.Tx, in *incoming, m *store.Message, org *config.Organisation) (int64, error) {
	p := in.parsed
	year := in.receivedAt.In(procedure.Amsterdam).Year()
	number, err := tx.NextNumber(org.ID, org.NumberPrefix, year)
	if err != nil {
		return 0, err
	}
	ack := org.Calendar.After(in.receivedAt, org.Procedure.AcknowledgeWithin)
	decide := org.Calendar.After(in.receivedAt, org.Procedure.DecideWithin)
	name := strings.TrimSpace(p.From.Name)
	dos := &store.Dossier{
		Number:           number,
		Organisation:     org.ID,
		Language:         org.Language,
		Mailbox:          in.mailbox.Address,
		ComplainantName:  name,
		ComplainantEmail: strings.ToLower(p.From.Address),
		Subject:          p.Subject,
		Description:      strings.TrimSpace(p.Text),
		Handler:          d.chooseHandler(org, p),
		ReceivedAt:       in.receivedAt,
		AcknowledgeBy:    ack.Date,
		AcknowledgeBasis: ack.Basis,
		DecideBy:         decide.Date,
		DecideBasis:      decide.Basis,
		RootMessageID:    p.MessageID,
		CreatedAt:        d.Now(),
	}
	if err := tx.CreateDossier(dos); err != nil {
		return 0, err
	}
	m.DossierID = dos.ID
	m.Kind = store.KindComplaint
	if err := d.insertWithAttachments(tx, m, p); err != nil {
		return 0, err
	}
	if err := tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "registered", MessageRef: m.ID,
		Detail: fmt.Sprintf("complaint from %s registered as %s; handler %s", dos.ComplainantEmail, number, dos.Handler)}); err != nil {
		return 0, err
	}
	terms := fmt.Sprintf("acknowledge by %s: %s; decide by %s: %s", dayString(ack.Date), ack.Basis, dayString(decide.Date), decide.Basis)
	if t := org.Procedure.RejectWithin; !t.IsZero() {
		// A separate term for reporting that a complaint is not admissible
		// (procedure 003: within 4 weeks).
		reject := org.Calendar.After(in.receivedAt, t)
		terms += fmt.Sprintf("; an inadmissible complaint is to be reported by %s: %s", dayString(reject.Date), reject.Basis)
	}
	if t := org.Procedure.DecideMax; !t.IsZero() {
		limit := org.Calendar.After(in.receivedAt, t)
		terms += fmt.Sprintf("; extensions end at the latest on %s: %s", dayString(limit.Date), limit.Basis)
	}
	if err := tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "terms", Detail: terms}); err != nil {
		return 0, err
	}
	d.log.Info("complaint registered", "number", number, "organisation", org.ID, "handler", dos.Handler)
	if err := d.queueLetter(tx, org, dos, "acknowledgement", d.complainant(dos), nil); err != nil {
		return 0, err
	}
	if err := d.notifyHandler(tx, org, dos, m); err != nil {
		return 0, err
	}
	return m.ID, nil
}

// fileInDossier files a message that threads into an existing dossier.
func (d *Daemon) fileInDossier(tx *store.Tx, in *incoming, m *store.Message, org *config.Organisation, dos *store.Dossier, how string) (int64, error) {
	dos, err := d.followMerges(tx, dos)
	if err != nil {
		return 0, err
	}
	from := strings.ToLower(m.FromAddr)
	m.DossierID = dos.ID
	action := "followup"
	switch {
	case org.IsStaff(from):
		// A staff member answered the complainant directly with the intake
		// address in Cc: filed, never relayed again (SPEC "Staff copies").
		m.Kind = store.KindStaffCopy
		m.Direction = store.DirectionOut
		action = "staff copy"
	case from == dos.Concerns:
		m.Kind = store.KindHearing
		action = "hearing reply"
	default:
		m.Kind = store.KindFollowUp
	}
	if err := d.insertWithAttachments(tx, m, in.parsed); err != nil {
		return 0, err
	}
	if err := tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: from, Action: action, MessageRef: m.ID,
		Detail: fmt.Sprintf("filed by %s: %s", how, m.Subject)}); err != nil {
		return 0, err
	}
	if m.Kind == store.KindFollowUp || m.Kind == store.KindHearing {
		if err := d.forwardToHandler(tx, org, dos, m); err != nil {
			return 0, err
		}
	}
	return m.ID, nil
}

// followMerges follows merged_into links to the dossier that lives on.
func (d *Daemon) followMerges(tx *store.Tx, dos *store.Dossier) (*store.Dossier, error) {
	for i := 0; i < 10 && dos.MergedInto != ""; i++ {
		next, err := tx.Dossier(dos.MergedInto)
		if err != nil {
			return nil, err
		}
		dos = next
	}
	return dos, nil
}

func dayString(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(procedure.Amsterdam).Format("Mon 2006-01-02")
}

// sendable reports whether addr is an addr-spec a letter can be sent to
// (RFC 5322 section 3.4.1): it parses as one address, exactly as it is.
func sendable(addr string) bool {
	a, err := mail.ParseAddress("<" + addr + ">")
	return err == nil && strings.EqualFold(a.Address, addr)
}
