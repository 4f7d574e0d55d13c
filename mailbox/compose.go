package mailbox

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"time"
	"unicode"

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

	// Display names come from the mail people sent (RFC 2047 words decode
	// to anything, CR/LF included): they are made one line of text here, so
	// that a name can neither inject a header nor make a letter impossible.
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := m.FromFormat(headerName(o.From.Name), o.From.Address); err != nil {
		return nil, fmt.Errorf("compose: From: %w", err)
	}
	for _, a := range o.To {
		if err := m.AddToFormat(headerName(a.Name), a.Address); err != nil {
			return nil, fmt.Errorf("compose: To: %w", err)
		}
	}
	for _, a := range o.Cc {
		if err := m.AddCcFormat(headerName(a.Name), a.Address); err != nil {
			return nil, fmt.Errorf("compose: Cc: %w", err)
		}
	}
	if o.ReplyTo != nil {
		if err := m.ReplyToFormat(headerName(o.ReplyTo.Name), o.ReplyTo.Address); err != nil {
			return nil, fmt.Errorf("compose: Reply-To: %w", err)
		}
	}
	m.Subject(o.Subject)
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

// headerName makes a display name one line of text: every control
// character (CR and LF included, RFC 5322 section 2.2: a field body is one
// logical line), and the Unicode line and paragraph separators, becomes a
// space; runs of spaces become one, and the ends are trimmed.
func headerName(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
