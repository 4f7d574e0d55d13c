package daemon

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/mailbox/quote"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
)

// relTo returns path relative to base (paths from mailbox.Parse are absolute).
func relTo(base, path string) string {
	if rel, err := filepath.Rel(base, path); err == nil {
		return rel
	}
	return path
}

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

// complainant returns the complainant as a letter recipient.
func (d *Daemon) complainant(dos *store.Dossier) letters.Person {
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

// baseLetter fills the fields every letter of a dossier shares.
func (d *Daemon) baseLetter(org *config.Organisation, dos *store.Dossier, kind string, to letters.Person) letters.Letter {
	handler := person(org, dos.Handler)
	l := letters.Letter{
		Kind:          kind,
		Language:      dos.Language,
		Number:        dos.Number,
		Date:          d.Now().In(procedure.Amsterdam),
		Org:           letters.Org{Name: org.Name, Address: org.PostalAddress, LogoFile: org.LogoFile},
		Recipient:     to,
		Signer:        handler,
		Description:   dos.Description,
		Subject:       dos.Subject,
		ReceivedAt:    dos.ReceivedAt.In(procedure.Amsterdam),
		AcknowledgeBy: dos.AcknowledgeBy,
		DecideBy:      dos.DecideBy,
		Handler:       handler,
		Verdict:       dos.Verdict,
		Facts:         dos.Facts,
		Position:      dos.Position,
		Measures:      dos.Measures,
		Appeal:        org.Appeal,
	}
	if !org.Procedure.AppealWithin.IsZero() {
		l.AppealWithin = org.Procedure.AppealWithin
	}
	if l.Language == "" {
		l.Language = org.Language
	}
	return l
}

// localDates puts every date of a letter in Europe/Amsterdam. Dates come
// back from the store in UTC, where the midnight that starts an Amsterdam
// day is still the day before; letters print the date in the time's own zone.
func localDates(l *letters.Letter) {
	for _, t := range []*time.Time{&l.Date, &l.ReceivedAt, &l.AcknowledgeBy, &l.DecideBy, &l.OldDecideBy, &l.NewDecideBy, &l.RespondBy} {
		if !t.IsZero() {
			*t = t.In(procedure.Amsterdam)
		}
	}
}

// letterOptions tunes queueLetter.
type letterOptions struct {
	edit       func(*letters.Letter) // set kind-specific fields
	post       bool                  // also to the officer to print and post
	noPost     bool                  // never to the post (copies to third parties)
	inReplyTo  string                // Message-ID to answer; default: the dossier's thread
	standalone bool                  // not in the complainant's thread (letters to others)
	replyTo    string                // Reply-To address
}

// queueLetter files a letter of a dossier and puts it in the outbox, in the
// caller's transaction: the letter row with its typed data, the outgoing
// message with its Message-ID, Date and headers fixed, and an outbox row
// that waits for the render step (after the commit), which makes the text,
// the HTML and the PDF.
func (d *Daemon) queueLetter(tx *store.Tx, org *config.Organisation, dos *store.Dossier, kind string, to letters.Person, opt *letterOptions) error {
	if opt == nil {
		opt = &letterOptions{}
	}
	l := d.baseLetter(org, dos, kind, to)
	if opt.edit != nil {
		opt.edit(&l)
	}
	localDates(&l)
	data, err := encodeLetter(l)
	if err != nil {
		return err
	}
	auto := "auto-generated"
	if kind == "acknowledgement" {
		auto = "auto-replied" // RFC 3834 §5: a response to a message
	}
	var irt string
	var refs []string
	if !opt.standalone {
		if irt, refs, err = d.threadHeaders(tx, dos, opt.inReplyTo); err != nil {
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
		Date:          d.Now(),
		Headers:       map[string]string{"X-Klachtd-Dossier": dos.Number, "X-Klachtd-Letter": kind},
	}
	if opt.replyTo != "" {
		out.ReplyTo = &mail.Address{Name: org.Name + " " + dos.Number, Address: opt.replyTo}
	}
	m, err := d.queueDraft(tx, dos, store.DirectionOut, store.KindLetter, draft{Kind: kind, Mail: out})
	if err != nil {
		return err
	}
	letter := &store.Letter{DossierID: dos.ID, Kind: kind, Language: l.Language, Recipient: to.Email,
		Channel: "email", Data: string(data), MessageRef: m.ID, CreatedAt: d.Now()}
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
	if opt.post || (d.postWanted(org, kind) && !opt.noPost) {
		return d.sendToPost(tx, org, dos, letter, letters.Filename(l.Language, dos.Number, kind), "")
	}
	return nil
}

// postWanted says whether the organisation's `post` setting sends this kind
// of letter to the officer to print and post.
func (d *Daemon) postWanted(org *config.Organisation, kind string) bool {
	switch org.Post {
	case "all":
		return !letters.IsInternal(kind)
	case "decision":
		return kind == "decision"
	}
	return false
}

// threadHeaders returns In-Reply-To and References for a mail in the
// complainant's thread: answering the given Message-ID, or else the latest
// message from the complainant.
func (d *Daemon) threadHeaders(tx *store.Tx, dos *store.Dossier, answer string) (string, []string, error) {
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

// queueDraft files an outgoing mail as a message of the dossier (dos may
// be nil), without its bytes, and enqueues it with its draft for the render
// step.
func (d *Daemon) queueDraft(tx *store.Tx, dos *store.Dossier, direction, kind string, dr draft) (*store.Message, error) {
	out := &dr.Mail
	if out.Date.IsZero() {
		out.Date = d.Now()
	}
	if out.From == nil || out.From.Address == "" {
		return nil, fmt.Errorf("queue %s: no From address", kind)
	}
	// The thread is made of the Message-IDs people's mail carried; one
	// that is not a msg-id (RFC 5322 section 3.6.4: no "@", blanks inside)
	// cannot be written into In-Reply-To or References, and would make the
	// mail impossible to compose. The thread does without it.
	if !threadable(out.InReplyTo) {
		out.InReplyTo = ""
	}
	var refs []string
	for _, id := range out.References {
		if threadable(id) {
			refs = append(refs, id)
		}
	}
	out.References = refs
	m := &store.Message{Direction: direction, Kind: kind, MessageID: out.MessageID,
		FromAddr: out.From.Address, FromName: out.From.Name, Subject: out.Subject, Date: out.Date,
		ReceivedAt: out.Date, InReplyTo: nonEmpty(out.InReplyTo), References: out.References, Text: out.Text}
	var rcpts []string
	for _, a := range out.To {
		m.To = append(m.To, a.Address)
		rcpts = append(rcpts, a.Address)
	}
	for _, a := range out.Cc {
		m.Cc = append(m.Cc, a.Address)
		rcpts = append(rcpts, a.Address)
	}
	if dos != nil {
		m.DossierID = dos.ID
	}
	if err := tx.InsertMessage(m); err != nil {
		return nil, err
	}
	b, err := json.Marshal(dr)
	if err != nil {
		return nil, fmt.Errorf("queue %s: %w", kind, err)
	}
	mb := out.From.Address
	if err := tx.Enqueue(&store.Outgoing{MessageRef: m.ID, Mailbox: mb, EnvFrom: mb, Recipients: rcpts,
		CreatedAt: d.Now(), Draft: string(b)}); err != nil {
		return nil, err
	}
	return m, nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// internalMail queues an internal kind (notification, reminder, alert, …)
// to staff; the render step makes it after the commit. extra may change the
// draft (Reply-To, threading, attachments, the sending mailbox).
func (d *Daemon) internalMail(tx *store.Tx, org *config.Organisation, dos *store.Dossier, kind string, to []string, edit func(*letters.Letter), extra func(*draft)) (*store.Message, error) {
	var l letters.Letter
	intake := d.intakeAddress(org)
	if dos != nil {
		l = d.baseLetter(org, dos, kind, person(org, to[0]))
		intake = dos.Mailbox
		l.RelayAddress, l.InternalAddress = d.addresses(dos)
		l.Marker = quote.Marker
	} else {
		l = letters.Letter{Kind: kind, Language: org.Language, Date: d.Now().In(procedure.Amsterdam),
			Org: letters.Org{Name: org.Name, Address: org.PostalAddress}, Recipient: person(org, to[0])}
	}
	l.DeskURL = d.deskURL(dos)
	if edit != nil {
		edit(&l)
	}
	localDates(&l)
	data, err := encodeLetter(l)
	if err != nil {
		return nil, err
	}
	number := ""
	if dos != nil {
		number = dos.Number
	}
	dr := draft{Kind: kind, Notice: data, Mail: mailbox.Outgoing{
		From:          &mail.Address{Name: "klachtd " + org.Name, Address: intake},
		MessageID:     newMessageID(number, kind, intake),
		AutoSubmitted: "auto-generated",
		Date:          d.Now(),
		Headers:       map[string]string{"X-Klachtd-Notice": kind},
	}}
	if number != "" {
		dr.Mail.Headers["X-Klachtd-Dossier"] = number
	}
	for _, a := range to {
		dr.Mail.To = append(dr.Mail.To, &mail.Address{Name: person(org, a).Name, Address: a})
	}
	if kind == "alert" {
		// The officer must hear of trouble even when the alert template
		// cannot be rendered.
		dr.Fallback = l.Reason + "\n"
	}
	if extra != nil {
		extra(&dr)
	}
	return d.queueDraft(tx, dos, store.DirectionInternal, store.KindNotice, dr)
}

// intakeAddress returns the first intake address of an organisation.
func (d *Daemon) intakeAddress(org *config.Organisation) string {
	for _, mb := range d.cfg.Mailboxes {
		if mb.Organisation == org.ID {
			return mb.Address
		}
	}
	return ""
}

// nowDate is today's date in Amsterdam at midnight.
func (d *Daemon) nowDate() time.Time {
	t := d.Now().In(procedure.Amsterdam)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, procedure.Amsterdam)
}

// threadable reports whether id (without angle brackets) can stand in
// In-Reply-To or References: id-left "@" id-right, without brackets,
// blanks or control characters (RFC 5322 section 3.6.4).
func threadable(id string) bool {
	if !strings.Contains(id, "@") {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' {
			return false
		}
	}
	return true
}

// deskURL is the page of a dossier on the officer's desk (the register
// when dos is nil), or "" when [web] base_url is not set.
func (d *Daemon) deskURL(dos *store.Dossier) string {
	base := d.cfg.Web.BaseURL
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
func (d *Daemon) QueueSignIn(tx *store.Tx, org *config.Organisation, to, link string) error {
	if d.intakeAddress(org) == "" {
		return fmt.Errorf("organisation %s has no [[mailbox]] to send the sign-in link from", org.ID)
	}
	_, err := d.internalMail(tx, org, nil, "signin", []string{to}, func(l *letters.Letter) {
		l.DeskURL = ""
		l.Extra = map[string]any{"Link": link, "Minutes": SignInMinutes}
	}, nil)
	return err
}
