package forward

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/mailbox"
)

// sample is what a forward in testdata must give. from lists the chain,
// outermost first, as "Name <addr>".
type sample struct {
	file     string
	attached bool     // the original is a message/rfc822 part
	none     bool     // not a forward
	clients  []string // per original
	from     []string // per original
	date     string   // RFC 3339, of the innermost original
	subject  string   // of the innermost original
	text     string   // the innermost original's text contains this…
	textEnd  string   // …and ends with this
	note     string   // the forwarder's note contains this ("" = empty note)
	problem  string   // the result is uncertain, with this problem
	auto     string   // Message() of the innermost, parsed, is automatic mail for this reason
	html     bool     // the text rendering of the HTML part gives the same
	autoSubj bool     // the innermost subject is an auto-reply's
}

var samples = []sample{
	{file: "outlook_nl.eml", clients: []string{"outlook"}, from: []string{"Jan Jansen <jan.jansen@example.nl>"},
		date: "2026-11-02T10:15:00+01:00", subject: "Klacht over de factuur van oktober",
		text: "vier sessies", textEnd: "2712 AB Zoetermeer", note: "willen jullie hem registreren?"},
	{file: "outlook_en.eml", clients: []string{"outlook"}, from: []string{"Sarah Miller <sarah.miller@example.com>"},
		date: "2026-11-02T10:15:00+01:00", subject: "Complaint about my coaching sessions",
		text: "Two of my sessions", textEnd: "Sarah Miller", note: "Please register this one", html: true},
	{file: "outlook_web_nl.eml", clients: []string{"outlook"}, from: []string{"Marieke van den Berg <m.vandenberg@example.org>"},
		date: "2026-10-23T16:40:00+02:00", subject: "klacht",
		text: "Het eindgesprek is\nnooit gevoerd", textEnd: "Tel. 06-12345678", note: "Ter registratie."},
	{file: "outlook_mac_en.eml", clients: []string{"outlook"}, from: []string{"David Evans <d.evans@example.co.uk>"},
		date: "2026-11-02T22:47:00+01:00", subject: "Unhappy with the final report",
		text: "statements I never made", textEnd: "David", note: "FYI"},
	{file: "gmail_en.eml", clients: []string{"gmail"}, from: []string{"Emily Clarke <emily.clarke@example.com>"},
		date: "2026-11-02T15:05:00+01:00", subject: "Complaint - invoice 2026-0412",
		text: "cancelled in writing", textEnd: "Phone +31 20 123 4567", note: "For the complaint register.", html: true},
	{file: "gmail_nl.eml", clients: []string{"gmail"}, from: []string{"Fatima el Amrani <fatima.elamrani@example.nl>"},
		date: "2026-11-02T21:03:00+01:00", subject: "Klacht begeleiding",
		text: "drie keer verzet", textEnd: "1071 AB Amsterdam"},
	{file: "apple_en.eml", clients: []string{"apple"}, from: []string{"Oliver Brown <oliver.brown@example.com>"},
		date: "2026-11-03T20:17:09+01:00", subject: "Formal complaint",
		text: "double booked", textEnd: "United Kingdom", note: "Complaint from yesterday evening"},
	{file: "apple_nl.eml", clients: []string{"apple"}, from: []string{"Sanne de Groot <sanne.degroot@example.nl>"},
		date: "2026-11-02T10:15:32+01:00", subject: "Klacht over intakegesprek",
		text: "andere cliënt", textEnd: "Sanne de Groot", html: true},
	{file: "thunderbird_en.eml", clients: []string{"thunderbird"}, from: []string{"Lucas Martin <lucas.martin@example.fr>"},
		date: "2026-11-02T17:30:05+01:00", subject: "Cancellation fee",
		text: "95 euro", textEnd: "Lucas Martin", note: "Another one for the register"},
	{file: "thunderbird_nl.eml", clients: []string{"thunderbird"}, from: []string{"Henk Visser <henk.visser@example.nl>"},
		date: "2026-11-02T10:15:00+01:00", subject: "Klacht",
		text: "een uur te laat", textEnd: "7411 KL Deventer"},
	{file: "mutt_en.eml", clients: []string{"mutt"}, from: []string{"Grace Taylor <grace.taylor@example.com>"},
		date: "2026-11-02T09:41:17Z", subject: "Complaint about the workshop",
		text: "partial refund", textEnd: "Grace Taylor", note: "Register please."},
	{file: "mutt_nl.eml", clients: []string{"mutt"}, from: []string{"Bram Peters <bram.peters@example.nl>"},
		date: "2026-11-01T23:59:59+01:00", subject: "Klacht over het verslag",
		text: "vervolgtraject", textEnd: "3511 AZ Utrecht"},
	{file: "fwd_of_fwd.eml", clients: []string{"outlook", "gmail"},
		from: []string{"Anna Bakker <anna.bakker.coaching@gmail.com>", "Yvonne Mulder <yvonne.mulder@example.nl>"},
		date: "2026-11-01T14:22:00+01:00", subject: "Klacht over coach",
		text: "in vertrouwen", textEnd: "Yvonne Mulder", note: "Kwam via Anna"},
	{file: "fwd_of_fwd_3.eml", clients: []string{"mutt", "outlook", "gmail"},
		from: []string{"Anna Bakker <anna@acme-coaching.nl>", "Reception Acme <reception.acme@gmail.com>", "Karin Wolf <karin.wolf@example.de>"},
		date: "2026-11-04T23:58:00+01:00", subject: "Complaint",
		text: "written offer", textEnd: "D-10115 Berlin"},
	{file: "missing_address.eml", clients: []string{"outlook"}, from: []string{"Gerrit Hoekstra <>"},
		date: "2026-11-03T09:12:00+01:00", subject: "klacht",
		text: "dubbele afschrijving", textEnd: "Gerrit Hoekstra",
		problem: "the forwarded header gives the sender's name (Gerrit Hoekstra) but no address"},
	{file: "encoded_address.eml", clients: []string{"mutt"}, from: []string{"José García <jose.garcia@example.es>"},
		date: "2026-11-02T12:00:00+01:00", subject: "Queja / complaint",
		text: "two of the five modules", textEnd: "as mutt shows it.", note: "forward_decode=no"},
	{file: "wrapped_address.eml", clients: []string{"outlook"},
		from: []string{"Jansen-van der Heijden, Johanna (Extern) <johanna.jansen-vanderheijden@example-verzekeringen.nl>"},
		date: "2026-11-03T14:47:00+01:00", subject: "Klacht namens mijn moeder",
		text: "onheus bejegend", textEnd: "Johanna Jansen-van der Heijden", note: "Graag registreren."},
	{file: "autoreply_fwd.eml", clients: []string{"mutt"}, from: []string{"Maria Jong <maria.jong@example.nl>"},
		date: "2026-11-02T08:00:01+01:00", subject: "Automatisch antwoord: Uw afspraak",
		text: "Ik ben afwezig", textEnd: "niet doorgestuurd.", note: "Is dit een klacht?",
		auto: "Auto-Submitted: auto-replied", autoSubj: true},
	{file: "autoreply_outlook.eml", clients: []string{"outlook"}, from: []string{"Tom Hughes <tom.hughes@example.com>"},
		date: "2026-11-02T16:00:00+01:00", subject: "Automatic reply: Your appointment on 2 November",
		text: "out of the office", textEnd: "access to e-mail.", note: "Is this a complaint?", autoSubj: true},
	{file: "bounce_fwd.eml", clients: []string{"gmail"}, from: []string{"Mail Delivery Subsystem <mailer-daemon@googlemail.com>"},
		date: "2026-11-03T19:40:00+01:00", subject: "Delivery Status Notification (Failure)",
		text: "Address not found", textEnd: "unable to receive mail.", note: "Wat moet ik hiermee?",
		auto: "MAILER-DAEMON"},
	{file: "attached_mutt.eml", attached: true, clients: []string{"attachment"}, from: []string{"Jan Jansen <jan.jansen@example.nl>"},
		date: "2026-11-02T10:15:00+01:00", subject: "Klacht over de factuur van oktober",
		text: "vier sessies", textEnd: "Jan Jansen"},
	{file: "attached_outlook.eml", attached: true, clients: []string{"attachment"}, from: []string{"Chloe Dubois <chloe.dubois@example.com>"},
		date: "2026-11-02T15:02:03+01:00", subject: "Complaint",
		text: "invoiced twice", textEnd: "Chloe Dubois"},
	{file: "not_forward_reply.eml", none: true},
	{file: "not_forward_signature.eml", none: true},
}

func parseFile(t *testing.T, name, filesDir string) *mailbox.Parsed {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := mailbox.Parse(f, filesDir, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return p
}

func TestSamples(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.eml")
	if len(files) != len(samples) {
		t.Errorf("%d samples in testdata, %d in the table", len(files), len(samples))
	}
	for _, s := range samples {
		t.Run(s.file, func(t *testing.T) {
			dir := t.TempDir()
			p := parseFile(t, s.file, dir)
			r, ok := Inline(p.Text)
			if s.attached {
				if ok {
					t.Fatalf("the note of an attached forward read as an inline forward: %+v", r)
				}
				r = attachedResult(t, p)
			} else if ok != !s.none {
				t.Fatalf("Inline ok = %v, want %v (%+v)", ok, !s.none, r)
			}
			if s.none {
				return
			}
			checkResult(t, s, r)
			if s.html {
				if p.HTML == "" {
					t.Fatal("no HTML part")
				}
				rh, ok := Inline(mailbox.HTMLToText(p.HTML))
				if !ok {
					t.Fatal("HTML rendering: not a forward")
				}
				checkResult(t, s, rh)
			}
		})
	}
}

// attachedResult reads the message/rfc822 attachment of p.
func attachedResult(t *testing.T, p *mailbox.Parsed) Result {
	t.Helper()
	for _, a := range p.Attachments {
		if a.ContentType != "message/rfc822" {
			continue
		}
		raw, err := os.ReadFile(a.Path)
		if err != nil {
			t.Fatal(err)
		}
		o, err := Attached(raw)
		if err != nil {
			t.Fatal(err)
		}
		return Result{Chain: []Original{o}, Certain: o.Certain(), Problems: o.Problems}
	}
	t.Fatal("no message/rfc822 attachment")
	return Result{}
}

func checkResult(t *testing.T, s sample, r Result) {
	t.Helper()
	if len(r.Chain) != len(s.from) {
		for _, o := range r.Chain {
			t.Logf("chain: %s %s <%s> %q", o.Client, o.FromName, o.FromAddr, o.Subject)
		}
		t.Fatalf("chain of %d, want %d", len(r.Chain), len(s.from))
	}
	for i, o := range r.Chain {
		if got := o.FromName + " <" + o.FromAddr + ">"; got != s.from[i] {
			t.Errorf("original %d from %q, want %q", i+1, got, s.from[i])
		}
		if o.Client != s.clients[i] {
			t.Errorf("original %d client %q, want %q", i+1, o.Client, s.clients[i])
		}
	}
	in := r.Chain[len(r.Chain)-1]
	want, err := time.Parse(time.RFC3339, s.date)
	if err != nil {
		t.Fatal(err)
	}
	if !in.Date.Equal(want) {
		t.Errorf("date %s (%q), want %s", in.Date.Format(time.RFC3339), in.DateText, s.date)
	}
	if in.Subject != s.subject {
		t.Errorf("subject %q, want %q", in.Subject, s.subject)
	}
	if !strings.Contains(in.Text, s.text) || !strings.HasSuffix(in.Text, s.textEnd) {
		t.Errorf("text %q: want it to contain %q and end with %q", in.Text, s.text, s.textEnd)
	}
	if (s.note == "") != (r.Note == "") || !strings.Contains(r.Note, s.note) {
		t.Errorf("note %q, want %q", r.Note, s.note)
	}
	if s.problem == "" {
		if !r.Certain || len(r.Problems) > 0 {
			t.Errorf("uncertain: %q", r.Problems)
		}
	} else if r.Certain || !containsAny(r.Problems, s.problem) || in.Certain() {
		t.Errorf("certain %v, problems %q; want uncertain with %q", r.Certain, r.Problems, s.problem)
	}
	// The original rebuilt from what the forward shows goes through the
	// automatic-mail rules of package mailbox.
	p, err := mailbox.Parse(bytes.NewReader(in.Message()), "", 0)
	if err != nil {
		t.Fatalf("parse Message(): %v", err)
	}
	if p.Auto.Is != (s.auto != "") || !strings.Contains(p.Auto.Reason, s.auto) {
		t.Errorf("automatic %v (%q), want %q", p.Auto.Is, p.Auto.Reason, s.auto)
	}
	if AutoReplySubject(in.Subject) != s.autoSubj {
		t.Errorf("AutoReplySubject(%q) = %v", in.Subject, !s.autoSubj)
	}
	if in.FromAddr != "" && (p.From == nil || p.From.Address != in.FromAddr || p.From.Name != in.FromName) {
		t.Errorf("Message() From %v, want %s <%s>", p.From, in.FromName, in.FromAddr)
	}
	if p.Subject != in.Subject || !p.Date.Equal(in.Date) || strings.TrimSpace(p.Text) != in.Text {
		t.Errorf("Message() gives subject %q date %s text %q", p.Subject, p.Date, p.Text)
	}
}

func containsAny(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestAttachedAttachments checks that a caller parsing the attached message
// itself gets the original's own attachments and the same Original.
func TestAttachedAttachments(t *testing.T) {
	dir := t.TempDir()
	p := parseFile(t, "attached_outlook.eml", dir)
	var raw []byte
	for _, a := range p.Attachments {
		if a.ContentType == "message/rfc822" {
			var err error
			if raw, err = os.ReadFile(a.Path); err != nil {
				t.Fatal(err)
			}
		}
	}
	inner, err := mailbox.Parse(bytes.NewReader(raw), dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(inner.Attachments) != 1 || inner.Attachments[0].Filename != "invoice.jpg" {
		t.Fatalf("attachments of the original: %+v", inner.Attachments)
	}
	o := FromParsed(inner)
	if o.FromAddr != "chloe.dubois@example.com" || !o.Certain() || o.To != "Anna Bakker <anna@acme-coaching.nl>" {
		t.Errorf("FromParsed: %+v", o)
	}
	if len(o.Fields) < 5 || o.Fields[0].Name != "Received" {
		t.Errorf("fields: %+v", o.Fields)
	}
}

func TestAttachedProblems(t *testing.T) {
	tests := []struct {
		name, raw, problem string
	}{
		{"no sender", "Subject: x\r\nDate: Mon, 2 Nov 2026 10:15:00 +0100\r\n\r\nbody\r\n", "has no sender"},
		{"no date", "From: Jan <jan@example.nl>\r\nSubject: x\r\n\r\nbody\r\n", "has no date"},
		{"name only", "From: Jan Jansen\r\nDate: Mon, 2 Nov 2026 10:15:00 +0100\r\n\r\nbody\r\n", "no address"},
		{"bad date", "From: jan@example.nl\r\nDate: someday\r\n\r\nbody\r\n", `the date "someday" could not be read`},
		{"client date", "From: jan@example.nl\r\nDate: maandag 2 november 2026 10:15\r\n\r\nbody\r\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Attached([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if tt.problem == "" {
				if !o.Certain() || o.Date.IsZero() {
					t.Errorf("problems %q, date %s", o.Problems, o.Date)
				}
				return
			}
			if o.Certain() || !containsAny(o.Problems, tt.problem) {
				t.Errorf("problems %q, want %q", o.Problems, tt.problem)
			}
		})
	}
	if _, err := Attached(nil); err == nil {
		t.Error("Attached(nil): no error")
	}
}

func TestAutoReplySubject(t *testing.T) {
	for subject, want := range map[string]bool{
		"Automatisch antwoord: Klacht over de factuur": true,
		"Automatic reply: Complaint":                   true,
		"Out of Office: Complaint":                     true,
		"Out of office reply: Complaint":               true,
		"AutoReply: Complaint":                         true,
		"Auto-Reply: Complaint":                        true,
		"Afwezig: Uw klacht":                           true,
		"Abwesenheitsnotiz: Beschwerde":                true,
		"Réponse automatique : Plainte":                true,
		"Klacht over de factuur":                       false,
		"RE: Automatisch antwoord":                     false,
		"Afwezigheid van de coach":                     false,
		"Out of order: the lift":                       false,
	} {
		if got := AutoReplySubject(subject); got != want {
			t.Errorf("AutoReplySubject(%q) = %v, want %v", subject, got, want)
		}
	}
}
