package forward

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/klachtd/klachtd/mailbox"
)

// Attached reads a forward sent as an attachment: raw is the message/rfc822
// part (RFC 2046 §5.2.1), as mutt with mime_forward=yes and Outlook's
// "forward as attachment" send it. The error is non-nil only when raw has
// no header at all. A caller that also wants the original's attachments and
// automatic-mail verdict parses raw with mailbox.Parse itself and calls
// FromParsed.
func Attached(raw []byte) (Original, error) {
	p, err := mailbox.Parse(bytes.NewReader(raw), "", 0)
	if err != nil {
		return Original{}, fmt.Errorf("forwarded attachment: %w", err)
	}
	return FromParsed(p), nil
}

// FromParsed returns the Original of an attached message parsed by
// mailbox.Parse. Its header is the real one, so the sender and date are
// certain unless missing or unparseable.
func FromParsed(p *mailbox.Parsed) Original {
	o := Original{Client: ClientAttachment, Text: strings.TrimSpace(p.Text)}
	o.Subject = p.Subject
	o.To = addressList(p.To)
	o.Cc = addressList(p.Cc)
	for f := p.Header.Fields(); f.Next(); {
		v, err := f.Text()
		if err != nil {
			v = f.Value()
		}
		o.Fields = append(o.Fields, Field{Name: f.Key(), Value: v})
	}
	raw := p.Header.Get("From")
	switch {
	case p.From != nil && p.From.Address != "":
		o.FromName, o.FromAddr = p.From.Name, p.From.Address
		for _, pr := range p.Problems {
			if strings.HasPrefix(pr, "From header unparseable") {
				o.Problems = append(o.Problems, fmt.Sprintf("the sender field %q is malformed", raw))
			}
		}
	case strings.TrimSpace(raw) != "":
		var pr []string
		o.FromName, o.FromAddr, pr = parseAddress(raw)
		o.Problems = append(o.Problems, pr...)
		if len(pr) == 0 {
			o.Problems = append(o.Problems, fmt.Sprintf("the sender field %q is malformed", raw))
		}
	default:
		o.Problems = append(o.Problems, "the forwarded message has no sender")
	}
	o.DateText = p.Header.Get("Date")
	switch {
	case !p.Date.IsZero():
		o.Date = p.Date
	case strings.TrimSpace(o.DateText) == "":
		o.Problems = append(o.Problems, "the forwarded message has no date")
	default:
		if t, err := parseDate(o.DateText); err == nil {
			o.Date = t
		} else {
			o.Problems = append(o.Problems, fmt.Sprintf("the date %q could not be read: %v", o.DateText, err))
		}
	}
	return o
}

func addressList(list []*mail.Address) string {
	var out []string
	for _, a := range list {
		if a.Name != "" {
			out = append(out, a.Name+" <"+a.Address+">")
		} else {
			out = append(out, a.Address)
		}
	}
	return strings.Join(out, ", ")
}

// headerNames are the RFC 5322 names of the roles of a forwarded block's
// fields, for Message.
var headerNames = map[string]string{
	"from": "From", "date": "Date", "to": "To", "cc": "Cc", "bcc": "Bcc",
	"subject": "Subject", "reply-to": "Reply-To",
}

var fieldNameRe = regexp.MustCompile(`^[!-9;-~]+$`)

// Message rebuilds the original as an RFC 5322 message from what the
// forward shows: From, To, Cc, Subject and Date as read, every other
// visible field (Auto-Submitted, Precedence, …) as written, and Text as a
// text/plain body. Parsed with mailbox.Parse, it lets the automatic-mail
// rules (RFC 3834, RFC 3464) judge the original; a forwarded header block
// usually shows fewer fields than the original had.
func (o *Original) Message() []byte {
	var b bytes.Buffer
	w := func(name, value string) {
		value = strings.Join(strings.Fields(value), " ")
		if value == "" {
			return
		}
		b.WriteString(name + ": " + mime.QEncoding.Encode("utf-8", value) + "\r\n")
	}
	if o.FromAddr != "" {
		a := mail.Address{Name: o.FromName, Address: o.FromAddr}
		b.WriteString("From: " + a.String() + "\r\n")
	} else if o.FromName != "" {
		w("From", o.FromName)
	}
	w("To", o.To)
	w("Cc", o.Cc)
	w("Subject", o.Subject)
	if !o.Date.IsZero() {
		b.WriteString("Date: " + o.Date.Format(time.RFC1123Z) + "\r\n")
	}
	for _, f := range o.Fields {
		lower := strings.ToLower(f.Name)
		role := canonical[lower]
		if _, ok := headerNames[role]; ok || headerNames[lower] != "" {
			continue
		}
		switch lower {
		case "mime-version", "content-type", "content-transfer-encoding":
			continue
		}
		if !fieldNameRe.MatchString(f.Name) {
			continue
		}
		w(f.Name, f.Value)
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(o.Text, "\r\n", "\n"), "\n", "\r\n"))
	b.WriteString("\r\n")
	return b.Bytes()
}
