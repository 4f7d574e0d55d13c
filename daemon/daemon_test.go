package daemon

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/demo"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/templates"
)

// world is a daemon wired to the in-process demo servers. The end-to-end
// tests in e2e/ do the same against a real Dovecot and Postfix.
type world struct {
	t   testing.TB
	d   *Daemon
	st  *store.Store
	srv *demo.Servers
	cfg *config.Config
}

func newWorld(t testing.TB) *world {
	t.Helper()
	srv, err := demo.Start("127.0.0.1:0", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	file := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(file, []byte(demo.Config(filepath.Join(dir, "var"), srv.IMAPAddr, srv.SMTPAddr)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KLACHTD_DEMO_PASSWORD", demo.Password)
	cfg, err := config.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tpl, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	d := New(cfg, st, tpl, []byte("0123456789abcdef0123456789abcdef"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	d.IMAPTimeout = 10 * time.Second
	return &world{t: t, d: d, st: st, srv: srv, cfg: cfg}
}

func (w *world) once() {
	w.t.Helper()
	if err := w.d.Once(context.Background()); err != nil {
		w.t.Fatalf("once: %v", err)
	}
}

func (w *world) deliver(raw string) {
	w.t.Helper()
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	if err := w.srv.Append("info@example.nl", "INBOX", []byte(raw), time.Now()); err != nil {
		w.t.Fatal(err)
	}
}

// mails parses everything delivered to a user.
func (w *world) mails(user string) []*mailbox.Parsed {
	w.t.Helper()
	var out []*mailbox.Parsed
	for _, raw := range w.srv.DeliveredTo(user) {
		p, err := mailbox.Parse(bytes.NewReader(raw), w.t.TempDir(), 10<<20)
		if err != nil {
			w.t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// notices returns the internal mails of one kind delivered to a user.
func (w *world) notices(user, kind string) []*mailbox.Parsed {
	var out []*mailbox.Parsed
	for _, p := range w.mails(user) {
		if p.Header.Get("X-Klachtd-Notice") == kind {
			out = append(out, p)
		}
	}
	return out
}

func (w *world) dossiers() []*store.Dossier {
	w.t.Helper()
	var ds []*store.Dossier
	if err := w.st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		ds, err = tx.Dossiers(store.DossierFilter{})
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return ds
}

func (w *world) events(number string) string {
	w.t.Helper()
	var b strings.Builder
	_ = w.st.View(context.Background(), func(tx *store.Tx) error {
		d, err := tx.Dossier(number)
		if err != nil {
			return err
		}
		evs, err := tx.Events(d.ID)
		for _, e := range evs {
			fmt.Fprintf(&b, "%s: %s\n", e.Action, e.Detail)
		}
		return err
	})
	return b.String()
}

const complaint = `From: Marieke de Vries <klant@example.com>
To: info@example.nl
Subject: Klacht over factuur
Message-ID: <c1@example.com>
Date: Fri, 20 Nov 2026 09:14:00 +0100
Content-Type: text/plain; charset=utf-8

Ik kreeg een factuur van 1.250 euro voor gesprekken die niet doorgingen.
`

func TestSamplesAreRegisteredAndAcknowledged(t *testing.T) {
	w := newWorld(t)
	samples, err := demo.Samples()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Feed(samples); err != nil {
		t.Fatal(err)
	}
	w.once()
	ds := w.dossiers()
	if len(ds) != 3 {
		t.Fatalf("%d dossiers, want 3 (the auto-reply must not open one)", len(ds))
	}
	year := time.Now().Year()
	names := map[string]string{}
	for _, d := range ds {
		names[d.Number] = d.ComplainantName
		if d.AcknowledgedAt.IsZero() {
			t.Errorf("%s not acknowledged", d.Number)
		}
	}
	if names[fmt.Sprintf("KL-%d-0002", year)] != "José Müller-Çelik" {
		t.Errorf("windows-1252 name = %q", names[fmt.Sprintf("KL-%d-0002", year)])
	}
	acks := w.mails("jose@example.com")
	if len(acks) != 1 {
		t.Fatalf("jose got %d mails, want 1", len(acks))
	}
	ack := acks[0]
	if !strings.Contains(ack.Subject, fmt.Sprintf("[KL-%d-0002]", year)) {
		t.Errorf("subject %q lacks the tag", ack.Subject)
	}
	if got := ack.Header.Get("Auto-Submitted"); got != "auto-replied" {
		t.Errorf("Auto-Submitted = %q", got)
	}
	if len(ack.InReplyTo) != 1 || ack.InReplyTo[0] != "demo-jose-1@example.com" {
		t.Errorf("In-Reply-To = %v", ack.InReplyTo)
	}
	if len(ack.Attachments) != 1 || ack.Attachments[0].ContentType != "application/pdf" {
		t.Errorf("attachments = %+v, want one PDF", ack.Attachments)
	}
	if len(w.mails("piet@example.nl")) != 3 {
		t.Errorf("handler got %d notifications, want 3", len(w.mails("piet@example.nl")))
	}
	// A second cycle files nothing new and sends nothing.
	before := len(w.srv.Deliveries())
	w.once()
	if len(w.dossiers()) != 3 || len(w.srv.Deliveries()) != before {
		t.Errorf("second cycle changed something: %d dossiers, %d → %d deliveries", len(w.dossiers()), before, len(w.srv.Deliveries()))
	}
}

// staffReply builds a reply as mutt writes it: new text, attribution line,
// the notification quoted with "> ".
func staffReply(from, to, inReplyTo, text, quoted string) string {
	var q strings.Builder
	for _, l := range strings.Split(strings.TrimRight(quoted, "\n"), "\n") {
		q.WriteString("> " + l + "\n")
	}
	return fmt.Sprintf(`From: Piet Jansen <%s>
To: %s
Subject: Re: notification
In-Reply-To: <%s>
References: <%s>
Message-ID: <reply-%d@example.nl>
Content-Type: text/plain; charset=utf-8

%s

On Sat, Nov 21, 2026 at 10:00:00AM +0100, klachtd Acme Coaching wrote:
%s`, from, to, inReplyTo, inReplyTo, time.Now().UnixNano(), text, q.String())
}

func TestStaffRelayNotesAndCommands(t *testing.T) {
	w := newWorld(t)
	w.deliver(complaint)
	w.once()
	ds := w.dossiers()
	if len(ds) != 1 {
		t.Fatalf("%d dossiers", len(ds))
	}
	dos := ds[0]
	notes := w.mails("piet@example.nl")
	if len(notes) != 1 {
		t.Fatalf("handler got %d mails", len(notes))
	}
	n := notes[0]
	relay, internal := w.d.addresses(dos)
	if len(n.ReplyTo) != 1 || n.ReplyTo[0].Address != relay {
		t.Fatalf("notification Reply-To = %v, want %s", n.ReplyTo, relay)
	}
	if !strings.Contains(n.Text, relay) || !strings.Contains(n.Text, internal) {
		t.Fatalf("notification lacks the reply addresses:\n%s", n.Text)
	}

	// 1. A reply to the relay address reaches the complainant without quote or tokens.
	w.deliver(staffReply("piet@example.nl", relay, n.MessageID, "Beste mevrouw De Vries,\n\nWij sturen u een nieuwe factuur.\n\nPiet", n.Text))
	w.once()
	got := w.mails("klant@example.com")
	if len(got) != 2 {
		t.Fatalf("complainant got %d mails, want acknowledgement + relay", len(got))
	}
	rel := got[1]
	if !strings.Contains(rel.Text, "Wij sturen u een nieuwe factuur") {
		t.Errorf("relay lacks the reply:\n%s", rel.Text)
	}
	for _, leak := range []string{"Antwoord boven", "+" + dos.Number, "wrote:", ">"} {
		if strings.Contains(rel.Text, leak) {
			t.Errorf("relay leaks %q:\n%s", leak, rel.Text)
		}
	}
	if !strings.Contains(rel.Subject, "["+dos.Number+"]") || len(rel.InReplyTo) == 0 {
		t.Errorf("relay not in the complainant's thread: %q %v", rel.Subject, rel.InReplyTo)
	}

	// 1b. The same reply delivered again (reply-all: once per recipient,
	// each copy with its own Delivered-To) is filed but not relayed twice.
	reply := staffReply("piet@example.nl", relay, n.MessageID, "Tweede keer hetzelfde antwoord.", n.Text)
	w.deliver("Delivered-To: " + relay + "\n" + reply)
	w.deliver("Delivered-To: info@example.nl\n" + reply)
	w.once()
	if got := len(w.mails("klant@example.com")); got != 3 {
		t.Fatalf("complainant got %d mails after a doubly delivered reply, want 3", got)
	}

	// 2. An internal note never leaves the house.
	w.deliver(staffReply("piet@example.nl", internal, n.MessageID, "Intern: klant belde al twee keer.", n.Text))
	w.once()
	if len(w.mails("klant@example.com")) != 3 {
		t.Fatal("an internal note reached the complainant")
	}

	// 3. A bad command gets an error reply and changes nothing.
	w.deliver(staffReply("piet@example.nl", internal, n.MessageID, "Oordeel: half", n.Text))
	w.once()
	if len(w.mails("piet@example.nl")) != 2 {
		t.Fatalf("no error reply to a bad command")
	}
	if d := w.dossiers()[0]; d.Verdict != "" {
		t.Fatalf("bad command changed the verdict to %q", d.Verdict)
	}

	// 4. A forged command (right token, non-staff sender) changes nothing and alerts the officer.
	forged := strings.Replace(staffReply("piet@example.nl", internal, n.MessageID, "Status: afgehandeld", n.Text), "From: Piet Jansen <piet@example.nl>", "From: Boze Buur <klant@example.com>", 1)
	w.deliver(forged)
	w.once()
	if d := w.dossiers()[0]; d.Status != store.StatusOpen {
		t.Fatalf("forged command changed status to %s", d.Status)
	}
	if n := len(w.notices("officer@example.nl", "alert")); n != 1 {
		t.Fatalf("officer got %d alerts, want 1", n)
	}

	// 5. A verdict produces the decision letter and the PDF for the officer to post.
	w.deliver(staffReply("piet@example.nl", internal, n.MessageID, "Oordeel: gegrond\n\nFeiten: Twee gesprekken zijn afgezegd.\nStandpunt: U had die niet moeten betalen.\nMaatregelen: Nieuwe factuur.", n.Text))
	w.once()
	d := w.dossiers()[0]
	if d.Verdict != "founded" || d.Status != store.StatusDecided {
		t.Fatalf("verdict %q status %q; events:\n%s", d.Verdict, d.Status, w.events(d.Number))
	}
	got = w.mails("klant@example.com")
	if len(got) != 4 || !strings.Contains(got[3].Header.Get("X-Klachtd-Letter"), "decision") {
		t.Fatalf("complainant did not get the decision letter (%d mails)", len(got))
	}
	// 6. The complainant's view of the dossier has the relay, not the note.
	view, err := w.d.DossierPDF(context.Background(), d.Number)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(view.PDF, []byte("%PDF")) {
		t.Error("dossier view is not a PDF")
	}
	if !strings.Contains(view.Text, "Wij sturen u een nieuwe factuur") || strings.Contains(view.Text, "klant belde al twee keer") {
		t.Errorf("dossier view should show the relay and hide the internal note:\n%s", view.Text)
	}

	off := w.notices("officer@example.nl", "topost")
	if len(off) != 1 || len(off[0].Attachments) != 1 || off[0].Attachments[0].ContentType != "application/pdf" {
		t.Fatalf("officer did not get the PDF to post (%d mails)", len(off))
	}
}

// TestComplaintAboutTheOfficer: a complaint that names the officer goes to
// the alternate officer (PROCEDURE.md step 4).
func TestComplaintAboutTheOfficer(t *testing.T) {
	w := newWorld(t)
	w.deliver(strings.Replace(complaint, "Ik kreeg een factuur", "Mevrouw Olga Visser heeft mij onheus bejegend. Ik kreeg een factuur", 1))
	w.deliver(strings.NewReplacer("<c1@example.com>", "<c2@example.com>", "klant@example.com", "jose@example.com").Replace(complaint))
	w.once()
	ds := w.dossiers()
	if len(ds) != 2 {
		t.Fatalf("%d dossiers", len(ds))
	}
	if ds[0].Handler != "anna@example.nl" || ds[1].Handler != "piet@example.nl" {
		t.Errorf("handlers %s, %s; want anna@ (about the officer) and piet@ (default)", ds[0].Handler, ds[1].Handler)
	}
	if len(w.notices("anna@example.nl", "notification")) != 1 {
		t.Error("the alternate officer got no notification")
	}
}
