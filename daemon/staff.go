package daemon

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"

	"github.com/klachtd/klachtd/commands"
	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/mailbox/quote"
	"github.com/klachtd/klachtd/store"
)

// Token purposes (SPEC "Reply addresses").
const (
	purposeRelay    = ""
	purposeInternal = "intern"
	purposeHearing  = "hoor"
)

// chooseHandler picks the handler of a new complaint: the default handler,
// or the alternate officer when the complaint is about the officer
// (PROCEDURE.md step 4; 004 art. 5.4).
func (d *Daemon) chooseHandler(org *config.Organisation, p *mailbox.Parsed) string {
	if org.AlternateOfficer != "" && mentions(p.Subject+"\n"+p.Text, org.Person(org.Officer)) {
		return org.AlternateOfficer
	}
	return org.DefaultHandler
}

// mentions reports whether text names a person by address or full name.
func mentions(text string, p config.Person) bool {
	low := strings.ToLower(text)
	if p.Address != "" && strings.Contains(low, strings.ToLower(p.Address)) {
		return true
	}
	name := strings.ToLower(strings.TrimSpace(p.Name))
	return len(name) >= 4 && strings.Contains(low, name)
}

// addresses returns the relay and internal reply addresses of a dossier.
func (d *Daemon) addresses(dos *store.Dossier) (relay, internal string) {
	return mailbox.PlusAddress(dos.Mailbox, dos.Number, purposeRelay, d.secret),
		mailbox.PlusAddress(dos.Mailbox, dos.Number, purposeInternal, d.secret)
}

// forbidden lists what must never reach a complainant: every token address
// of the dossier and the tokens themselves.
func (d *Daemon) forbidden(dos *store.Dossier) []string {
	var out []string
	for _, purpose := range []string{purposeRelay, purposeInternal, purposeHearing} {
		out = append(out, mailbox.PlusAddress(dos.Mailbox, dos.Number, purpose, d.secret),
			mailbox.Token(d.secret, dos.Number, purpose))
	}
	return out
}

// notifyHandler tells the handler about a new complaint: the text, the
// attachments, the terms, the complainant's other open dossiers and the two
// reply addresses. Reply-To is the relay address.
func (d *Daemon) notifyHandler(tx *store.Tx, org *config.Organisation, dos *store.Dossier, complaint *store.Message) error {
	return d.staffNotice(tx, org, dos, complaint, dos.Handler, "notification")
}

// forwardToHandler sends a later message of the complainant (or the
// hearing reply of the person concerned) to the handler.
func (d *Daemon) forwardToHandler(tx *store.Tx, org *config.Organisation, dos *store.Dossier, m *store.Message) error {
	return d.staffNotice(tx, org, dos, m, dos.Handler, "followup")
}

func (d *Daemon) staffNotice(tx *store.Tx, org *config.Organisation, dos *store.Dossier, m *store.Message, to, kind string) error {
	relay, internal := d.addresses(dos)
	others, err := tx.Dossiers(store.DossierFilter{Statuses: []string{store.StatusOpen}, ComplainantEmail: dos.ComplainantEmail})
	if err != nil {
		return err
	}
	var otherOpen []string
	for _, o := range others {
		if o.ID != dos.ID {
			otherOpen = append(otherOpen, o.Number)
		}
	}
	files, withheld, err := d.attachments(tx, m.ID, maxForward)
	if err != nil {
		return err
	}
	_, err = d.internalMail(tx, org, dos, kind, []string{to}, func(l *letters.Letter) {
		l.RelayAddress, l.InternalAddress, l.Marker = relay, internal, quote.Marker
		l.OtherOpen = otherOpen
		l.Description = m.Text
		l.Extra = map[string]any{
			"Complainant": d.complainant(dos),
			"From":        letters.Person{Name: m.FromName, Email: m.FromAddr},
			"Hearing":     m.Kind == store.KindHearing,
			"Withheld":    withheld,
		}
	}, func(dr *draft) {
		dr.Mail.ReplyTo = &mail.Address{Name: org.Name + " " + dos.Number, Address: relay}
		dr.Files = files
	})
	if err != nil {
		return err
	}
	return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "notified",
		Detail: fmt.Sprintf("%s sent to %s", kind, to), MessageRef: m.ID})
}

// maxForward is the most attachment data a staff notice carries. Larger
// attachments stay in the dossier and are listed instead: staff mailboxes
// often refuse big mail, and the composed notice is held in memory.
const maxForward = 8 << 20

// attachments lists the stored attachments of a message for sending on
// (the render step reads them). With limit > 0, attachments beyond that many
// bytes in all stay in the dossier and are named in withheld instead;
// attachments too large to have been stored are always withheld.
func (d *Daemon) attachments(tx *store.Tx, messageRef, limit int64) (out []draftFile, withheld []string, err error) {
	atts, err := tx.Attachments(messageRef)
	if err != nil {
		return nil, nil, err
	}
	withheld = []string{}
	var total int64
	for _, a := range atts {
		name := a.Filename
		if name == "" {
			name = "bijlage"
		}
		if a.Path == "" || (limit > 0 && total+a.Size > limit) {
			withheld = append(withheld, fmt.Sprintf("%s (%.1f MB)", name, float64(a.Size)/(1<<20)))
			continue
		}
		total += a.Size
		out = append(out, draftFile{Filename: name, ContentType: a.ContentType, Path: a.Path})
	}
	return out, withheld, nil
}

// fileTokenMail handles mail to a reply address: staff relays, internal
// notes, commands, and hearing replies. Who may do what (SPEC "Who may
// command"): only a listed staff address through a valid token; a forged or
// mismatched token, a non-staff sender, or a staff sender failing the
// receiving server's authentication is filed as suspicious, the officer is
// alerted, and the dossier does not change.
func (d *Daemon) fileTokenMail(tx *store.Tx, in *incoming, m *store.Message, org *config.Organisation, plus mailbox.Plus) (int64, error) {
	p := in.parsed
	from := ""
	if p.From != nil {
		from = strings.ToLower(p.From.Address)
	}
	dos, err := tx.Dossier(plus.Number)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err // a failing store is not "no such dossier": try again, never call it suspicious
	}
	if err != nil || dos.Organisation != org.ID {
		return d.suspicious(tx, org, nil, m, fmt.Sprintf("reply address for unknown dossier %s", plus.Number))
	}
	if !plus.Valid {
		return d.suspicious(tx, org, dos, m, "the reply-address token does not match (forged or tampered)")
	}
	if plus.Purpose == purposeHearing {
		if from != dos.Concerns {
			return d.suspicious(tx, org, dos, m, fmt.Sprintf("hearing address used by %s instead of %s", from, dos.Concerns))
		}
		return d.fileInDossier(tx, in, m, org, dos, "hearing address")
	}
	if !org.IsStaff(from) {
		return d.suspicious(tx, org, dos, m, fmt.Sprintf("%s is not a listed staff address", from))
	}
	if failed, why := p.AuthFailed(); failed {
		return d.suspicious(tx, org, dos, m, "staff address failed authentication: "+why)
	}
	if dos, err = d.followMerges(tx, dos); err != nil {
		return 0, err
	}
	m.DossierID = dos.ID
	text := p.Text
	cut := quote.Cut(text, d.forbidden(dos))
	cmdText := text
	if !cut.Held {
		cmdText = cut.Reply
	}
	parsed := commands.Parse(cmdText, termOK)
	if len(parsed.Commands) > 0 || len(parsed.Errors) > 0 {
		m.Kind = store.KindCommand
		if err := d.insertWithAttachments(tx, m, p); err != nil {
			return 0, err
		}
		return m.ID, d.applyCommands(tx, org, dos, m, from, parsed)
	}
	if plus.Purpose == purposeInternal {
		m.Kind = store.KindNote
		m.Direction = store.DirectionInternal
		if err := d.insertWithAttachments(tx, m, p); err != nil {
			return 0, err
		}
		return m.ID, tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: from, Action: "note",
			Detail: "internal note filed", MessageRef: m.ID})
	}
	m.Kind = store.KindStaffReply
	m.Direction = store.DirectionInternal
	if err := d.insertWithAttachments(tx, m, p); err != nil {
		return 0, err
	}
	if cut.Held {
		if err := tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: from, Action: "relay held",
			Detail: cut.Reason, MessageRef: m.ID}); err != nil {
			return 0, err
		}
		return m.ID, d.holdRelay(tx, org, dos, from, m, cut)
	}
	return m.ID, d.relay(tx, org, dos, m, from, cut.Reply)
}

// relay sends the new text of a staff reply to the complainant, from the
// intake address, in the complainant's thread, with the staff attachments.
func (d *Daemon) relay(tx *store.Tx, org *config.Organisation, dos *store.Dossier, staffMsg *store.Message, from, text string) error {
	files, _, err := d.attachments(tx, staffMsg.ID, 0)
	if err != nil {
		return err
	}
	irt, refs, err := d.threadHeaders(tx, dos, "")
	if err != nil {
		return err
	}
	// The complaint's subject as it came in may hold line breaks (an RFC
	// 2047 word decodes to anything): one line of it.
	subject := "[" + dos.Number + "] " + stripTags(oneLine(dos.Subject))
	if !strings.HasPrefix(strings.ToLower(subject), "re:") {
		subject = "Re: " + subject
	}
	out := mailbox.Outgoing{
		From:       &mail.Address{Name: org.Name, Address: dos.Mailbox},
		To:         []*mail.Address{{Name: dos.ComplainantName, Address: dos.ComplainantEmail}},
		Subject:    subject,
		MessageID:  newMessageID(dos.Number, "relay", dos.Mailbox),
		InReplyTo:  irt,
		References: refs,
		Text:       text,
		Date:       d.Now(),
		Headers:    map[string]string{"X-Klachtd-Dossier": dos.Number},
	}
	m, err := d.queueDraft(tx, dos, store.DirectionOut, store.KindRelay, draft{Kind: "relay", Mail: out, Files: files})
	if err != nil {
		return err
	}
	return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: from, Action: "relayed",
		Detail: fmt.Sprintf("reply of %s relayed to %s", from, dos.ComplainantEmail), MessageRef: m.ID})
}

// stripTags removes our own subject tags and leading Re:/Fw: from a subject.
func stripTags(s string) string {
	s = mailbox.TagPattern.ReplaceAllString(s, "")
	for {
		t := strings.TrimSpace(s)
		low := strings.ToLower(t)
		switch {
		case strings.HasPrefix(low, "re:"), strings.HasPrefix(low, "fw:"):
			s = t[3:]
		case strings.HasPrefix(low, "fwd:"), strings.HasPrefix(low, "antw:"):
			s = t[strings.Index(t, ":")+1:]
		default:
			return t
		}
	}
}

// suspicious files a message that tried to act on a dossier without the
// right to, and alerts the officer. The dossier does not change.
func (d *Daemon) suspicious(tx *store.Tx, org *config.Organisation, dos *store.Dossier, m *store.Message, reason string) (int64, error) {
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
	d.log.Warn("suspicious message filed; officer alerted", "reason", reason, "from", m.FromAddr)
	what := say(org, "verdacht bericht van %s (%q): %s; het dossier is niet gewijzigd",
		"suspicious message from %s (%q): %s; the dossier was not changed", m.FromAddr, m.Subject, reason)
	_, err := d.internalMail(tx, org, dos, "alert", []string{org.Officer}, func(l *letters.Letter) {
		l.Reason = what
	}, nil)
	return m.ID, err
}

// answerStaff sends an internal answer to a staff member's message, in its
// thread.
func (d *Daemon) answerStaff(tx *store.Tx, org *config.Organisation, dos *store.Dossier, to string, m *store.Message, kind string, edit func(*letters.Letter)) error {
	_, err := d.internalMail(tx, org, dos, kind, []string{to}, edit, func(dr *draft) {
		dr.Mail.InReplyTo = m.MessageID
		dr.Mail.References = append(append([]string(nil), m.References...), m.MessageID)
	})
	return err
}

// holdRelay asks the staff member about a reply that was not relayed, and
// shows what would have been sent.
func (d *Daemon) holdRelay(tx *store.Tx, org *config.Organisation, dos *store.Dossier, to string, m *store.Message, cut quote.Result) error {
	return d.answerStaff(tx, org, dos, to, m, "held", func(l *letters.Letter) {
		l.Reason = cut.Reason
		l.Extra = map[string]any{"Reply": cut.Reply}
	})
}

// commandError tells the sender which command lines could not be carried
// out and why, in the organisation's language.
func (d *Daemon) commandError(tx *store.Tx, org *config.Organisation, dos *store.Dossier, to string, m *store.Message, errs []commands.LineError) error {
	return d.answerStaff(tx, org, dos, to, m, "commanderror", func(l *letters.Letter) {
		var reasons []string
		for _, e := range errs {
			r := e.Reason
			if l.Language == "nl" && e.ReasonNL != "" {
				r = e.ReasonNL
			}
			if len(errs) > 1 {
				r = fmt.Sprintf("%s (%s %d)", r, say(org, "regel", "line"), e.Line)
			}
			reasons = append(reasons, r)
		}
		l.Reason = strings.Join(reasons, "; ")
		l.Extra = map[string]any{"Line": errs[0].Line, "Command": errs[0].Raw}
	})
}

// say picks the Dutch or English text for the organisation's language.
func say(org *config.Organisation, nl, en string, args ...any) string {
	if org.Language == "nl" {
		return fmt.Sprintf(nl, args...)
	}
	return fmt.Sprintf(en, args...)
}

// oneLine makes s one line of header text: control characters (CR and LF
// included, RFC 5322 section 2.2) and the Unicode line and paragraph
// separators become spaces, runs of spaces one.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
