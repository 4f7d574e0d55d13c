package mailbox

import (
	"bytes"
	"io"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	msgmail "github.com/emersion/go-message/mail"
)

func testOutgoing() Outgoing {
	return Outgoing{
		From:          &mail.Address{Name: "Klachtenbalie Acme", Address: "info@example.nl"},
		To:            []*mail.Address{{Name: "José Müller", Address: "jose@example.com"}},
		Cc:            []*mail.Address{{Address: "piet@example.nl"}},
		ReplyTo:       &mail.Address{Address: "info@example.nl"},
		Subject:       "[KL-2026-0001] Ontvangstbevestiging van uw klacht – “factuur” €",
		MessageID:     "KL-2026-0001.ack.1@example.nl",
		InReplyTo:     "cp1252-1@mail.example.com",
		References:    []string{"root@example.com", "cp1252-1@mail.example.com"},
		AutoSubmitted: "auto-replied",
		Date:          time.Date(2026, 11, 2, 10, 20, 0, 0, time.FixedZone("CET", 3600)),
		Text:          "Geachte heer Müller,\n\nWij hebben uw klacht ontvangen.\n",
		HTML:          "<p>Geachte heer Müller,</p><p>Wij hebben uw klacht ontvangen.</p>",
		Attachments: []OutAttachment{{
			Filename: "ontvangstbevestiging KL-2026-0001.pdf", ContentType: "application/pdf",
			Data: []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\nfake pdf\n%%EOF\n"),
		}},
		Headers: map[string]string{"X-Klachtd-Dossier": "KL-2026-0001", "X-Klachtd-Letter": "acknowledgement"},
	}
}

func TestCompose(t *testing.T) {
	o := testOutgoing()
	raw, err := Compose(o)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("bare LF in output; want CRLF line ends")
	}
	for _, h := range []string{"User-Agent", "X-Mailer"} {
		if regexp.MustCompile(`(?mi)^` + h + `:`).Match(raw) {
			t.Errorf("output carries %s", h)
		}
	}

	mr, err := msgmail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h := mr.Header
	checks := []struct{ name, got, want string }{
		{"Message-ID", must(h.MessageID()), o.MessageID},
		{"Subject", must(h.Subject()), o.Subject},
		{"In-Reply-To", strings.Join(must(h.MsgIDList("In-Reply-To")), " "), o.InReplyTo},
		{"References", strings.Join(must(h.MsgIDList("References")), " "), "root@example.com cp1252-1@mail.example.com"},
		{"Auto-Submitted", h.Get("Auto-Submitted"), "auto-replied"},
		{"X-Klachtd-Dossier", h.Get("X-Klachtd-Dossier"), "KL-2026-0001"},
		{"X-Klachtd-Letter", h.Get("X-Klachtd-Letter"), "acknowledgement"},
		{"Date", must(h.Date()).Format(time.RFC3339), "2026-11-02T10:20:00+01:00"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	to := must(h.AddressList("To"))
	if len(to) != 1 || to[0].Name != "José Müller" || to[0].Address != "jose@example.com" {
		t.Errorf("To = %v", to)
	}
	from := must(h.AddressList("From"))
	if len(from) != 1 || from[0].Address != "info@example.nl" {
		t.Errorf("From = %v", from)
	}
	if cc := must(h.AddressList("Cc")); len(cc) != 1 || cc[0].Address != "piet@example.nl" {
		t.Errorf("Cc = %v", cc)
	}

	var plain, html string
	var pdf []byte
	var pdfName string
	var altSeen bool
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	err = e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		mt, _, _ := part.Header.ContentType()
		switch mt {
		case "multipart/alternative":
			altSeen = true
		case "text/plain":
			b, _ := io.ReadAll(part.Body)
			plain = string(b)
		case "text/html":
			b, _ := io.ReadAll(part.Body)
			html = string(b)
		case "application/pdf":
			pdf, _ = io.ReadAll(part.Body)
			ah := msgmail.AttachmentHeader{Header: part.Header}
			pdfName, _ = ah.Filename()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !altSeen {
		t.Error("no multipart/alternative")
	}
	if strings.ReplaceAll(plain, "\r\n", "\n") != o.Text {
		t.Errorf("text = %q", plain)
	}
	if html != o.HTML {
		t.Errorf("html = %q", html)
	}
	if !bytes.Equal(pdf, o.Attachments[0].Data) || pdfName != o.Attachments[0].Filename {
		t.Errorf("pdf %q = %q", pdfName, pdf)
	}

	// Our own parser reads it back too, and it is automatic mail.
	p, err := Parse(bytes.NewReader(raw), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Auto.Is || len(p.Problems) > 0 || len(p.Attachments) != 1 {
		t.Errorf("Parse: Auto %+v, Problems %q, %d attachments", p.Auto, p.Problems, len(p.Attachments))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestComposeVariants(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Outgoing)
		wantErr bool
		check   func(t *testing.T, raw string)
	}{
		{name: "text only, no Auto-Submitted", edit: func(o *Outgoing) {
			o.HTML, o.Attachments, o.AutoSubmitted, o.InReplyTo, o.References = "", nil, "", "", nil
		}, check: func(t *testing.T, raw string) {
			for _, s := range []string{"Auto-Submitted", "In-Reply-To", "References", "multipart"} {
				if strings.Contains(raw, s) {
					t.Errorf("output contains %q", s)
				}
			}
		}},
		{name: "auto-generated", edit: func(o *Outgoing) { o.AutoSubmitted = "auto-generated" },
			check: func(t *testing.T, raw string) {
				if !strings.Contains(raw, "Auto-Submitted: auto-generated\r\n") {
					t.Error("no Auto-Submitted: auto-generated")
				}
			}},
		{name: "html only gets a text part", edit: func(o *Outgoing) { o.Text = "" },
			check: func(t *testing.T, raw string) {
				p, err := Parse(strings.NewReader(raw), "", 0)
				if err != nil || !strings.Contains(p.Text, "Wij hebben uw klacht ontvangen.") {
					t.Errorf("Text = %q, %v", p.Text, err)
				}
			}},
		{name: "missing Message-ID", edit: func(o *Outgoing) { o.MessageID = "" }, wantErr: true},
		{name: "Message-ID with brackets", edit: func(o *Outgoing) { o.MessageID = "<a@b>" }, wantErr: true},
		{name: "missing From", edit: func(o *Outgoing) { o.From = nil }, wantErr: true},
		{name: "no recipients", edit: func(o *Outgoing) { o.To, o.Cc = nil, nil }, wantErr: true},
		{name: "bad Auto-Submitted", edit: func(o *Outgoing) { o.AutoSubmitted = "yes" }, wantErr: true},
		{name: "header injection", edit: func(o *Outgoing) { o.Headers = map[string]string{"X-A": "b\r\nBcc: x@y"} }, wantErr: true},
		{name: "reserved header", edit: func(o *Outgoing) { o.Headers = map[string]string{"Content-Type": "text/html"} }, wantErr: true},
		{name: "subject injection", edit: func(o *Outgoing) { o.Subject = "a\r\nBcc: x@y" }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOutgoing()
			tt.edit(&o)
			raw, err := Compose(o)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Compose succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, string(raw))
			}
		})
	}
}
