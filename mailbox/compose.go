package mailbox

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// OutAttachment is a file attached to an outgoing message.
type OutAttachment struct {
	Filename    string
	ContentType string // e.g. "application/pdf"; "" = application/octet-stream
	Data        []byte
}

// Outgoing describes a message klachtd sends.
type Outgoing struct {
	From          *mail.Address
	To, Cc        []*mail.Address
	ReplyTo       *mail.Address
	Subject       string
	MessageID     string   // without <>; required
	InReplyTo     string   // without <>
	References    []string // without <>
	AutoSubmitted string   // "auto-replied" | "auto-generated" | "" (omit)
	Date          time.Time
	Text, HTML    string // HTML optional → multipart/alternative
	Attachments   []OutAttachment
	Headers       map[string]string // extra headers, e.g. "X-Klachtd-Dossier"
}

// reservedHeaders may not be set through Outgoing.Headers: they are
// structural or set from the other fields.
var reservedHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "reply-to": true, "subject": true,
	"message-id": true, "in-reply-to": true, "references": true, "auto-submitted": true,
	"date": true, "mime-version": true, "content-type": true, "content-transfer-encoding": true,
	"content-disposition": true, "sender": true, "return-path": true,
}

// Compose renders o as an RFC 5322 message with CRLF line ends, without
// User-Agent or X-Mailer. Text is required unless HTML is given, in which case
// a text rendering of the HTML is used. Outgoing letters set AutoSubmitted
// (RFC 3834 §5): "auto-replied" for the acknowledgement, "auto-generated" for
// the others, so that well-behaved responders do not answer them.
func Compose(o Outgoing) ([]byte, error) {
	if o.From == nil || o.From.Address == "" {
		return nil, errors.New("compose: From is required")
	}
	if len(o.To) == 0 && len(o.Cc) == 0 {
		return nil, errors.New("compose: no recipients")
	}
	if err := checkMsgID(o.MessageID); err != nil {
		return nil, fmt.Errorf("compose: Message-ID: %w", err)
	}
	switch o.AutoSubmitted {
	case "", "auto-replied", "auto-generated":
	default:
		return nil, fmt.Errorf("compose: Auto-Submitted %q: want auto-replied or auto-generated", o.AutoSubmitted)
	}
	if strings.ContainsAny(o.Subject, "\r\n") {
		return nil, errors.New("compose: Subject contains a line break")
	}

	// go-mail's *Format methods quote a display name by putting it in
	// double quotes unescaped, so a name holding a double quote or a
	// backslash (a complainant's "Jan \"de Man\" Jansen") could not be
	// sent. The addresses are checked here and handed over as
	// mail.Address, which net/mail writes as a quoted-string or an RFC 2047
	// encoded-word, whatever the name holds.
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	from, err := headerAddress(o.From)
	if err != nil {
		return nil, fmt.Errorf("compose: From: %w", err)
	}
	m.FromMailAddress(from)
	for _, list := range []struct {
		header gomail.AddrHeader
		addrs  []*mail.Address
	}{{gomail.HeaderTo, o.To}, {gomail.HeaderCc, o.Cc}} {
		var addrs []*mail.Address
		for _, a := range list.addrs {
			addr, err := headerAddress(a)
			if err != nil {
				return nil, fmt.Errorf("compose: %s: %w", list.header, err)
			}
			addrs = append(addrs, addr)
		}
		if len(addrs) > 0 {
			m.SetAddrHeaderFromMailAddress(list.header, addrs...)
		}
	}
	if o.ReplyTo != nil {
		replyTo, err := headerAddress(o.ReplyTo)
		if err != nil {
			return nil, fmt.Errorf("compose: Reply-To: %w", err)
		}
		m.ReplyToMailAddress(replyTo)
	}
	m.Subject(headerText(o.Subject))
	m.SetMessageIDWithValue(o.MessageID)
	date := o.Date
	if date.IsZero() {
		date = time.Now()
	}
	m.SetDateWithValue(date)

	// RFC 5322 §3.6.4: In-Reply-To and References hold msg-ids in <>.
	if o.InReplyTo != "" {
		if err := checkMsgID(o.InReplyTo); err != nil {
			return nil, fmt.Errorf("compose: In-Reply-To: %w", err)
		}
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+o.InReplyTo+">")
	}
	if len(o.References) > 0 {
		refs := make([]string, 0, len(o.References))
		for _, id := range o.References {
			if err := checkMsgID(id); err != nil {
				return nil, fmt.Errorf("compose: References: %w", err)
			}
			refs = append(refs, "<"+id+">")
		}
		m.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
	if o.AutoSubmitted != "" {
		m.SetGenHeader(gomail.Header("Auto-Submitted"), o.AutoSubmitted)
	}
	keys := make([]string, 0, len(o.Headers))
	for k := range o.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := o.Headers[k]
		if !validHeaderName(k) {
			return nil, fmt.Errorf("compose: bad header name %q", k)
		}
		if reservedHeaders[strings.ToLower(k)] {
			return nil, fmt.Errorf("compose: header %s is set from the message fields", k)
		}
		if strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("compose: header %s contains a line break", k)
		}
		m.SetGenHeader(gomail.Header(k), v)
	}

	text := o.Text
	if text == "" && o.HTML != "" {
		text = HTMLToText(o.HTML)
	}
	m.SetBodyString(gomail.TypeTextPlain, text)
	if o.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, o.HTML)
	}
	for _, a := range o.Attachments {
		if a.Filename == "" {
			return nil, errors.New("compose: attachment without a file name")
		}
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		m.AttachReadSeeker(a.Filename, bytes.NewReader(a.Data),
			gomail.WithFileContentType(gomail.ContentType(ct)))
	}

	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("compose: render: %w", err)
	}
	return buf.Bytes(), nil
}

// headerAddress checks that a holds a bare addr-spec (RFC 5322 §3.4.1)
// and returns it with its display name made fit for a header (headerText).
func headerAddress(a *mail.Address) (*mail.Address, error) {
	if a == nil {
		return nil, errors.New("no address")
	}
	p, err := mail.ParseAddress(a.Address)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", a.Address, err)
	}
	if p.Name != "" {
		return nil, fmt.Errorf("address %q: want a bare address", a.Address)
	}
	return &mail.Address{Name: headerText(a.Name), Address: p.Address}, nil
}

// headerText drops the control characters (C0, DEL, C1) from a header
// text such as a display name or a subject, which has no place for them
// (RFC 5322 §2.2; net/mail would encode them, and a mail reader show them
// as boxes), and joins the words with single spaces.
func headerText(s string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\r' || r == '\n':
			return ' '
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Join(strings.FieldsFunc(clean, func(r rune) bool { return r == ' ' }), " ")
}

// checkMsgID accepts an id-left "@" id-right without brackets or blanks.
func checkMsgID(id string) error {
	switch {
	case id == "":
		return errors.New("empty")
	case strings.ContainsAny(id, "<> \t\r\n"):
		return fmt.Errorf("%q: no brackets or blanks allowed", id)
	case !strings.Contains(id, "@"):
		return fmt.Errorf("%q: no @", id)
	}
	return nil
}

func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}
