package dossier

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/mailbox/quote"
	"github.com/klachtd/klachtd/mailbox/token"
	"github.com/klachtd/klachtd/outbox"
	"github.com/klachtd/klachtd/store"
)

// chooseHandler picks the handler of a new complaint: the default handler,
// or the alternate officer when the complaint is about the officer
// (docs/procedure.md step 4; 004 art. 5.4).
func (r *Rules) chooseHandler(org *config.Organisation, p *mailbox.Parsed) string {
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

// Addresses returns the relay and internal reply addresses of a dossier.
func (r *Rules) Addresses(dos *store.Dossier) (relay, internal string) {
	return token.PlusAddress(dos.Mailbox, dos.Number, token.PurposeRelay, r.Secret),
		token.PlusAddress(dos.Mailbox, dos.Number, token.PurposeIntern, r.Secret)
}

// Forbidden lists what must never reach a complainant: every token address
// of the dossier and the tokens themselves.
func (r *Rules) Forbidden(dos *store.Dossier) []string {
	var out []string
	for _, purpose := range []string{token.PurposeRelay, token.PurposeIntern, token.PurposeHearing} {
		out = append(out, token.PlusAddress(dos.Mailbox, dos.Number, purpose, r.Secret),
			token.Token(r.Secret, dos.Number, purpose))
	}
	return out
}

// notifyHandler tells the handler about a new complaint: the text, the
// attachments, the terms, the complainant's other open dossiers and the two
// reply addresses. Reply-To is the relay address.
func (r *Rules) notifyHandler(tx *store.Tx, org *config.Organisation, dos *store.Dossier, complaint *store.Message) error {
	return r.StaffNotice(tx, org, dos, complaint, dos.Handler, "notification")
}

// ForwardToHandler sends a later message of the complainant (or the
// hearing reply of the person concerned) to the handler.
func (r *Rules) ForwardToHandler(tx *store.Tx, org *config.Organisation, dos *store.Dossier, m *store.Message) error {
	return r.StaffNotice(tx, org, dos, m, dos.Handler, "followup")
}

func (r *Rules) StaffNotice(tx *store.Tx, org *config.Organisation, dos *store.Dossier, m *store.Message, to, kind string) error {
	relay, _ := r.Addresses(dos)
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
	files, withheld, err := r.attachments(tx, m.ID, maxForward)
	if err != nil {
		return err
	}
	d := &letters.Notice{Letter: r.Notice(org, dos, kind, to), Complaint: r.Complaint(org, dos), Staff: r.Staff(dos), OtherOpen: otherOpen}
	d.Description = m.Text
	d.Extra.Complainant = r.Complainant(dos)
	d.Extra.From = letters.Person{Name: m.FromName, Email: m.FromAddr}
	d.Extra.Hearing = m.Kind == store.KindHearing
	d.Extra.Withheld = withheld
	_, err = r.InternalMail(tx, org, dos, to, d, func(dr *outbox.Draft) {
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
func (r *Rules) attachments(tx *store.Tx, messageRef, limit int64) (out []outbox.File, withheld []string, err error) {
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
		out = append(out, outbox.File{Filename: name, ContentType: a.ContentType, Path: a.Path})
	}
	return out, withheld, nil
}

// Relay sends the new text of a staff reply to the complainant, from the
// intake address, in the complainant's thread, with the staff attachments.
func (r *Rules) Relay(tx *store.Tx, org *config.Organisation, dos *store.Dossier, staffMsg *store.Message, from, text string) error {
	files, _, err := r.attachments(tx, staffMsg.ID, 0)
	if err != nil {
		return err
	}
	irt, refs, err := r.threadHeaders(tx, dos, "")
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
		Date:       r.Now(),
		Headers:    map[string]string{"X-Klachtd-Dossier": dos.Number},
	}
	m, err := outbox.Queue(tx, dos, store.DirectionOut, store.KindRelay, outbox.Draft{Kind: "relay", Mail: out, Files: files}, r.Now())
	if err != nil {
		return err
	}
	return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: from, Action: "relayed",
		Detail: fmt.Sprintf("reply of %s relayed to %s", from, dos.ComplainantEmail), MessageRef: m.ID})
}

// stripTags removes our own subject tags and leading Re:/Fw: from a subject.
func stripTags(s string) string {
	s = token.TagPattern.ReplaceAllString(s, "")
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

// AnswerStaff sends an internal answer to a staff member's message, in its
// thread.
func (r *Rules) AnswerStaff(tx *store.Tx, org *config.Organisation, dos *store.Dossier, to string, m *store.Message, d letters.Data) error {
	_, err := r.InternalMail(tx, org, dos, to, d, func(dr *outbox.Draft) {
		dr.Mail.InReplyTo = m.MessageID
		dr.Mail.References = append(append([]string(nil), m.References...), m.MessageID)
	})
	return err
}

// HoldRelay asks the staff member about a reply that was not relayed, and
// shows what would have been sent.
func (r *Rules) HoldRelay(tx *store.Tx, org *config.Organisation, dos *store.Dossier, to string, m *store.Message, cut quote.Result) error {
	d := &letters.Held{Letter: r.Notice(org, dos, "held", to), Complaint: r.Complaint(org, dos), Staff: r.Staff(dos), Reason: cut.Reason}
	d.Extra.Reply = cut.Reply
	return r.AnswerStaff(tx, org, dos, to, m, d)
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
