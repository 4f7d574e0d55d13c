package daemon

import (
	"strings"
	"testing"
)

// A complainant's name and subject are whatever their mail said, control
// characters and line breaks included (decoded from RFC 2047 words, or
// mislabelled charsets that yield SUB characters). They must never make a
// letter impossible to compose: the acknowledgement and the relay go out,
// on one header line, without the injected header.
func TestControlCharactersInNameAndSubject(t *testing.T) {
	cases := []struct {
		name, from, subject string
	}{
		{"CRLF Bcc in the display name", "=?utf-8?Q?Karin=0D=0ABcc=3A_victim=40example=2Ecom?= <klant@example.com>", "Klacht"},
		{"bare LF in the display name", "=?utf-8?B?S2FyaW4KVG86IHZpY3RpbUBleGFtcGxlLmNvbQ==?= <klant@example.com>", "Klacht"},
		{"SUB and C0 controls in the display name", "=?utf-8?Q?St=1A=01=1Bnost?= <klant@example.com>", "Klacht"},
		{"CRLF Bcc in the subject", "Karin <klant@example.com>", "=?utf-8?Q?Klacht=0D=0ABcc=3A_victim=40example=2Ecom?="},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.deliver("From: " + c.from + "\nTo: info@example.nl\nSubject: " + c.subject + "\nMessage-ID: <ctl@example.com>\nContent-Type: text/plain; charset=utf-8\n\nMijn afspraak is drie keer afgezegd.\n")
			w.once()
			ds := w.dossiers()
			if len(ds) != 1 {
				t.Fatalf("%d dossiers, want 1", len(ds))
			}
			acks := w.mails("klant@example.com")
			if len(acks) != 1 {
				t.Fatalf("the complainant got %d mails, want the acknowledgement; events:\n%s", len(acks), w.events(ds[0].Number))
			}
			notes := w.mails("piet@example.nl")
			if len(notes) != 1 {
				t.Fatalf("the handler got %d mails, want the notification", len(notes))
			}
			relay, _ := w.d.rules.Addresses(ds[0])
			w.deliver(staffReply("piet@example.nl", relay, notes[0].MessageID, "Wij bellen u morgen.", notes[0].Text))
			w.once()
			got := w.mails("klant@example.com")
			if len(got) != 2 {
				t.Fatalf("the complainant got %d mails, want the acknowledgement and the relay; events:\n%s", len(got), w.events(ds[0].Number))
			}
			for _, raw := range w.srv.DeliveredTo("klant@example.com") {
				head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
				for _, line := range strings.Split(head, "\r\n") {
					if strings.HasPrefix(strings.ToLower(line), "bcc:") || strings.HasPrefix(strings.ToLower(line), "to: victim") {
						t.Errorf("injected header line %q in:\n%s", line, head)
					}
				}
			}
			if d := w.srv.DeliveredTo("victim@example.com"); len(d) != 0 {
				t.Errorf("victim@example.com got %d mails", len(d))
			}
		})
	}
}

// X-Loop naming the intake address: the mail has been through this mailbox
// before (procmailex(5)); it is filed as automatic and nobody gets a
// letter. An X-Loop naming another recipient (a forward's loop guard) does
// not stop a complaint.
func TestXLoopNamingOurAddress(t *testing.T) {
	w := newWorld(t)
	w.deliver("From: Karin <klant@example.com>\nTo: info@example.nl\nX-Loop: info@example.nl\nSubject: Re: Klacht\nMessage-ID: <xloop1@example.com>\nContent-Type: text/plain\n\nAfwezig.\n")
	w.deliver("From: Jose <jose@example.com>\nTo: klachten@example.com, info@example.nl\nX-Loop: klachten@example.com\nSubject: Klacht\nMessage-ID: <xloop2@example.com>\nContent-Type: text/plain\n\nMijn afspraak is afgezegd.\n")
	w.once()
	ds := w.dossiers()
	if len(ds) != 1 || ds[0].ComplainantEmail != "jose@example.com" {
		t.Fatalf("dossiers %v, want one, for jose@example.com (the forward)", ds)
	}
	if got := w.mails("klant@example.com"); len(got) != 0 {
		t.Errorf("the sender of mail with X-Loop: info@example.nl got %d letter(s)", len(got))
	}
}
