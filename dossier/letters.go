package dossier

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/mailbox/quote"
	"github.com/klachtd/klachtd/outbox"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
)

// newMessageID makes a Message-ID (without <>) in the intake address's domain.
func newMessageID(number, kind, address string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	domain := "klachtd.invalid"
	if i := strings.LastIndex(address, "@"); i >= 0 {
		domain = address[i+1:]
	}
	if number == "" {
		number = "klachtd"
	}
	return fmt.Sprintf("%s.%s.%s@%s", number, kind, hex.EncodeToString(b[:]), domain)
}

// Complainant returns the complainant as a letter recipient.
func (r *Rules) Complainant(dos *store.Dossier) letters.Person {
	return letters.Person{Name: dos.ComplainantName, Email: dos.ComplainantEmail, Address: dos.PostalAddress}
}

// person returns a staff member as a letter person.
func person(org *config.Organisation, addr string) letters.Person {
	p := org.Person(addr)
	name := p.Name
	if name == "" {
		name = addr
	}
	return letters.Person{Name: name, Email: p.Address, Function: p.Function}
}

// Letter is the envelope of a letter of a dossier to to, dated now and
// signed by the dossier's handler.
func (r *Rules) Letter(org *config.Organisation, dos *store.Dossier, kind string, to letters.Person) letters.Letter {
	lang := dos.Language
	if lang == "" {
		lang = org.Language
	}
	return letters.Letter{
		Kind:       kind,
		Language:   lang,
		Number:     dos.Number,
		Date:       r.Now().In(procedure.Amsterdam),
		Org:        letters.Org{Name: org.Name, Address: org.PostalAddress, LogoFile: org.LogoFile},
		Recipient:  to,
		Signer:     person(org, dos.Handler),
		ReceivedAt: dos.ReceivedAt.In(procedure.Amsterdam),
	}
}

// Complaint is what letters and notices say about the complaint of a
// dossier (nothing for a notice about no dossier).
func (r *Rules) Complaint(org *config.Organisation, dos *store.Dossier) letters.Complaint {
	if dos == nil {
		return letters.Complaint{}
	}
	return letters.Complaint{Subject: dos.Subject, Description: dos.Description,
		AcknowledgeBy: dos.AcknowledgeBy, DecideBy: dos.DecideBy, Handler: person(org, dos.Handler)}
}

// outcome is the decision of a dossier as letters state it.
func outcome(dos *store.Dossier) letters.Outcome {
	return letters.Outcome{Verdict: dos.Verdict, Facts: dos.Facts, Position: dos.Position, Measures: dos.Measures}
}

// Notice is the envelope of an internal mail to a staff member about a
// dossier (nil: about none), with its link on the officer's desk.
func (r *Rules) Notice(org *config.Organisation, dos *store.Dossier, kind, to string) letters.Letter {
	if dos == nil {
		return letters.Letter{Kind: kind, Language: org.Language, Date: r.Now().In(procedure.Amsterdam),
			Org: letters.Org{Name: org.Name, Address: org.PostalAddress}, Recipient: person(org, to), DeskURL: r.deskURL(nil)}
	}
	l := r.Letter(org, dos, kind, person(org, to))
	l.DeskURL = r.deskURL(dos)
	return l
}

// Staff are the reply addresses of a dossier in a notice to staff (none
// for a notice about no dossier).
func (r *Rules) Staff(dos *store.Dossier) letters.Staff {
	if dos == nil {
		return letters.Staff{}
	}
	relay, internal := r.Addresses(dos)
	return letters.Staff{RelayAddress: relay, InternalAddress: internal, Marker: quote.Marker}
}

// LetterOptions tunes QueueLetter.
type LetterOptions struct {
	Post       bool   // also to the officer to print and post
	NoPost     bool   // never to the post (copies to third parties)
	InReplyTo  string // Message-ID to answer; default: the dossier's thread
	Standalone bool   // not in the complainant's thread (letters to others)
	ReplyTo    string // Reply-To address
}

// QueueLetter files the letter d of a dossier (its kind and recipient are
// in its envelope) and puts it in the outbox, in the caller's transaction: the letter row with its typed data, the outgoing
// message with its Message-ID, Date and headers fixed, and an outbox row
// that waits for the render step (after the commit), which makes the text,
// the HTML and the PDF.
func (r *Rules) QueueLetter(tx *store.Tx, org *config.Organisation, dos *store.Dossier, d letters.Data, opt *LetterOptions) error {
	if opt == nil {
		opt = &LetterOptions{}
	}
	l := d.Envelope()
	kind, to := l.Kind, l.Recipient
	letters.LocalDates(d)
	data, err := letters.Encode(d)
	if err != nil {
		return err
	}
	auto := "auto-generated"
	if kind == "acknowledgement" {
		auto = "auto-replied" // RFC 3834 §5: a response to a message
	}
	var irt string
	var refs []string
	if !opt.Standalone {
		if irt, refs, err = r.threadHeaders(tx, dos, opt.InReplyTo); err != nil {
			return err
		}
	}
	out := mailbox.Outgoing{
		From:          &mail.Address{Name: org.Name, Address: dos.Mailbox},
		To:            []*mail.Address{{Name: to.Name, Address: to.Email}},
		MessageID:     newMessageID(dos.Number, kind, dos.Mailbox),
		InReplyTo:     irt,
		References:    refs,
		AutoSubmitted: auto,
		Date:          r.Now(),
		Headers:       map[string]string{"X-Klachtd-Dossier": dos.Number, "X-Klachtd-Letter": kind},
	}
	if opt.ReplyTo != "" {
		out.ReplyTo = &mail.Address{Name: org.Name + " " + dos.Number, Address: opt.ReplyTo}
	}
	m, err := outbox.Queue(tx, dos, store.DirectionOut, store.KindLetter, outbox.Draft{Kind: kind, Mail: out}, r.Now())
	if err != nil {
		return err
	}
	letter := &store.Letter{DossierID: dos.ID, Kind: kind, Language: l.Language, Recipient: to.Email,
		Channel: "email", Data: string(data), MessageRef: m.ID, CreatedAt: r.Now()}
	if err := tx.InsertLetter(letter); err != nil {
		return err
	}
	if err := tx.SetOutboxLetter(m.ID, letter.ID); err != nil {
		return err
	}
	if err := tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "letter",
		Detail: fmt.Sprintf("%s letter to %s queued", kind, to.Email), MessageRef: m.ID}); err != nil {
		return err
	}
	if opt.Post || (r.postWanted(org, kind) && !opt.NoPost) {
		return r.sendToPost(tx, org, dos, letter, letters.Filename(l.Language, dos.Number, kind), "")
	}
	return nil
}

// postWanted says whether the organisation's `post` setting sends this kind
// of letter to the officer to print and post.
func (r *Rules) postWanted(org *config.Organisation, kind string) bool {
	switch org.Post {
	case "all":
		return !letters.IsInternal(kind)
	case "decision":
		return kind == "decision"
	}
	return false
}

// threadHeaders returns In-Reply-To and References for a mail in the
// Complainant's thread: answering the given Message-ID, or else the latest
// message from the complainant.
func (r *Rules) threadHeaders(tx *store.Tx, dos *store.Dossier, answer string) (string, []string, error) {
	msgs, err := tx.Messages(dos.ID)
	if err != nil {
		return "", nil, err
	}
	var refs []string
	if dos.RootMessageID != "" {
		refs = append(refs, dos.RootMessageID)
	}
	irt := answer
	if irt == "" {
		for i := len(msgs) - 1; i >= 0; i-- {
			m := msgs[i]
			if m.Direction == store.DirectionIn && strings.EqualFold(m.FromAddr, dos.ComplainantEmail) && m.MessageID != "" {
				irt = m.MessageID
				break
			}
		}
	}
	if irt != "" && (len(refs) == 0 || refs[len(refs)-1] != irt) {
		refs = append(refs, irt)
	}
	return irt, refs, nil
}

// InternalMail queues the internal mail d (notification, reminder, alert,
// …) to the staff member to; the render step makes it after the commit. extra may change the
// draft (Reply-To, threading, attachments, the sending mailbox).
func (r *Rules) InternalMail(tx *store.Tx, org *config.Organisation, dos *store.Dossier, to string, d letters.Data, extra func(*outbox.Draft)) (*store.Message, error) {
	intake := r.intakeAddress(org)
	if dos != nil {
		intake = dos.Mailbox
	}
	kind := d.Envelope().Kind
	letters.LocalDates(d)
	data, err := letters.Encode(d)
	if err != nil {
		return nil, err
	}
	number := ""
	if dos != nil {
		number = dos.Number
	}
	dr := outbox.Draft{Kind: kind, Notice: data, Mail: mailbox.Outgoing{
		From:          &mail.Address{Name: "klachtd " + org.Name, Address: intake},
		MessageID:     newMessageID(number, kind, intake),
		AutoSubmitted: "auto-generated",
		Date:          r.Now(),
		Headers:       map[string]string{"X-Klachtd-Notice": kind},
	}}
	if number != "" {
		dr.Mail.Headers["X-Klachtd-Dossier"] = number
	}
	dr.Mail.To = []*mail.Address{{Name: person(org, to).Name, Address: to}}
	if a, ok := d.(*letters.Alert); ok {
		// The officer must hear of trouble even when the alert template
		// cannot be rendered.
		dr.Fallback = a.Reason + "\n"
	}
	if extra != nil {
		extra(&dr)
	}
	return outbox.Queue(tx, dos, store.DirectionInternal, store.KindNotice, dr, r.Now())
}

// deskURL is the page of a dossier on the officer's desk (the register
// when dos is nil), or "" when [web] base_url is not set.
func (r *Rules) deskURL(dos *store.Dossier) string {
	base := r.Cfg.Web.BaseURL
	if base == "" {
		return ""
	}
	if dos == nil {
		return base + "/"
	}
	return base + "/dossiers/" + url.PathEscape(dos.Number)
}

// SignInMinutes is how long a sign-in link of the desk is valid.
const SignInMinutes = 15

// QueueSignIn puts a mail with a one-time sign-in link for the officer's
// desk to a staff member of org in the outbox, in the caller's transaction
// (the desk stores the link's hash in the same one). The mail is filed
// like every internal mail; the link in it is dead after its first use or
// SignInMinutes.
func (r *Rules) QueueSignIn(tx *store.Tx, org *config.Organisation, to, link string) error {
	if r.intakeAddress(org) == "" {
		return fmt.Errorf("organisation %s has no [[mailbox]] to send the sign-in link from", org.ID)
	}
	d := &letters.SignIn{Letter: r.Notice(org, nil, "signin", to)}
	d.DeskURL = "" // the link is the way in
	d.Extra.Link, d.Extra.Minutes = link, SignInMinutes
	_, err := r.InternalMail(tx, org, nil, to, d, nil)
	return err
}
