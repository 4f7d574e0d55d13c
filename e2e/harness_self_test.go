package e2e

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// TestHarness checks the helpers themselves against the stack, without
// klachtd, so that a failure elsewhere is not the harness's.
func TestHarness(t *testing.T) {
	requireStack(t)
	resetStack(t)

	t.Run("send, wait, parse", func(t *testing.T) {
		id := newMessageID("harness")
		sendMail(t, complainant, staffPiet, plainMail{
			From: "Karin de Klant <" + complainant + ">", To: staffPiet,
			Subject: "Vraag over café “De Klant”", MessageID: id, Body: "Kost het € 250?\n",
		}.bytes())
		raw := waitMail(t, staffPiet, hasSubject("café “De Klant”"), 5*time.Second)
		p := parseMail(t, raw)
		if got, _ := p.Header.MessageID(); got != id {
			t.Errorf("Message-ID = %q, want %q", got, id)
		}
		if !strings.Contains(p.Text, "€ 250") {
			t.Errorf("text part = %q, want it to contain € 250", p.Text)
		}
		if uids := mailboxUIDs(t, staffPiet, "INBOX"); len(uids) != 1 {
			t.Errorf("mailboxUIDs = %v, want one", uids)
		}
		if uids := mailboxUIDs(t, staffPiet, "Bestaat-niet"); len(uids) != 0 {
			t.Errorf("mailboxUIDs of a missing folder = %v, want none", uids)
		}
		if got := foldersWithMessageID(t, staffPiet, id); len(got) != 1 || got[0] != "INBOX" {
			t.Errorf("foldersWithMessageID = %q, want [INBOX]", got)
		}

		// mutt answers it as piet; the reply threads at the complainant.
		muttReply(t, staffPiet, id, "Nee, het is gratis. Groet, Piet")
		reply := waitMail(t, complainant, func(raw []byte) bool {
			h, err := readHeader(raw)
			if err != nil {
				return false
			}
			irt, _ := h.MsgIDList("In-Reply-To")
			return contains(irt, id)
		}, 10*time.Second)
		if !strings.Contains(parseMail(t, reply).Text, "het is gratis") {
			t.Errorf("mutt reply lacks the text:\n%s", reply)
		}
	})

	t.Run("bounce envelope", func(t *testing.T) {
		id := newMessageID("dsn")
		sendMail(t, "", staffAnna, testdataMail(t, "dsn-bounce.eml", id))
		raw := waitMail(t, staffAnna, hasSubject("Undelivered Mail"), 5*time.Second)
		if rp := headerLines(raw, "Return-Path"); len(rp) != 1 || rp[0] != "<>" {
			t.Errorf("Return-Path = %q, want [<>]", rp)
		}
	})

	t.Run("pdf text", func(t *testing.T) {
		pdf := fpdf.New("P", "mm", "A4", "")
		tr := pdf.UnicodeTranslatorFromDescriptor("")
		pdf.AddPage()
		pdf.SetFont("Helvetica", "", 12)
		pdf.Cell(0, 10, tr("KL-2026-0001 José Müller € 250"))
		var b bytes.Buffer
		if err := pdf.Output(&b); err != nil {
			t.Fatal(err)
		}
		if got := pdfText(t, b.Bytes()); !strings.Contains(got, "KL-2026-0001 José Müller € 250") {
			t.Errorf("pdfText = %q", got)
		}
	})
}
