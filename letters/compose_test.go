package letters

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/mailbox"
)

// TestHostileLetterMail composes the rendered acknowledgement of a
// complaint full of hostile text as mailbox.Compose does for the outbox,
// with hostile names in the addresses, and reads it back with
// mailbox.Parse: the mail is well formed (no header injected, lines within
// RFC 5322's 998), and the subject, text and HTML come back as rendered.
func TestHostileLetterMail(t *testing.T) {
	set := loadSet(t)
	l := hostileLetter("nl", "acknowledgement", hostileText)
	r := render(t, set, l)
	name := "José 😡 \u05e9\u05dc\u05d5\u05dd \"quoted\" <x@evil> \r\nBcc: victim@example.com\x00"
	raw, err := mailbox.Compose(mailbox.Outgoing{
		From:          &mail.Address{Name: "Acme Coaching ✓", Address: "klachten@example.nl"},
		To:            []*mail.Address{{Name: name, Address: "klant@example.com"}},
		ReplyTo:       &mail.Address{Name: "العربية", Address: "info+KL-2026-0001.k3f9x2@example.nl"},
		Subject:       r.Subject,
		MessageID:     "kl-2026-0001.ack@example.nl",
		AutoSubmitted: "auto-replied",
		Date:          time.Date(2026, 4, 24, 10, 15, 0, 0, time.UTC),
		Text:          r.Text,
		HTML:          r.HTML,
		Attachments:   []mailbox.OutAttachment{{Filename: "KL-2026-0001-ontvangstbevestiging 😡.pdf", ContentType: "application/pdf", Data: r.PDF}},
	})
	if err != nil {
		t.Fatalf("Compose: %v", err)
	}
	header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 {
			t.Errorf("line %d is %d octets long", i+1, len(line))
		}
		for _, c := range line {
			if c < 0x20 && c != '\t' || c >= 0x7f {
				t.Errorf("line %d has octet %#x: %q", i+1, c, line[:min(len(line), 80)])
				break
			}
		}
	}
	for _, line := range bytes.Split(header, []byte("\r\n")) {
		if bytes.HasPrefix(bytes.ToLower(line), []byte("bcc:")) {
			t.Errorf("a name injected a header: %q", line)
		}
	}
	p, err := mailbox.Parse(bytes.NewReader(raw), "", 0)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if p.Subject != r.Subject {
		t.Errorf("subject = %q, want %q", p.Subject, r.Subject)
	}
	if strings.TrimRight(p.Text, "\r\n") != strings.TrimRight(r.Text, "\n") {
		t.Errorf("text came back changed:\n%q\nwant\n%q", p.Text, r.Text)
	}
	if strings.TrimRight(p.HTML, "\r\n") != strings.TrimRight(r.HTML, "\n") {
		t.Errorf("HTML came back changed")
	}
	if len(p.To) != 1 || p.To[0].Address != "klant@example.com" {
		t.Errorf("To = %v", p.To)
	}
	if len(p.Attachments) != 1 {
		t.Errorf("%d attachments, want 1", len(p.Attachments))
	}
}
