package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/templates"
)

// complaintFrom is a complaint from addr with a unique Message-ID.
func complaintFrom(addr, subject, body string) string {
	return fmt.Sprintf("From: %s\nTo: info@example.nl\nSubject: %s\nMessage-ID: <%d.%s>\nDate: Fri, 20 Nov 2026 09:14:00 +0100\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
		addr, subject, time.Now().UnixNano(), strings.ReplaceAll(addr, "@", "-at-")+"@example.com", body)
}

// letters returns the letters of a dossier.
func (w *world) letters(number string) []*store.Letter {
	w.t.Helper()
	var ls []*store.Letter
	if err := w.st.View(context.Background(), func(tx *store.Tx) error {
		d, err := tx.Dossier(number)
		if err != nil {
			return err
		}
		ls, err = tx.Letters(d.ID)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return ls
}

func (w *world) quarantined() []*store.Quarantined {
	w.t.Helper()
	var qs []*store.Quarantined
	if err := w.st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		qs, err = tx.Quarantined()
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return qs
}

// folder counts the messages in a folder of info@ on the demo server.
func (w *world) folder(name string) int {
	w.t.Helper()
	cfg, err := w.d.logins.IMAPConfig(w.cfg.Mailboxes[0], 10*time.Second, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := mailbox.Dial(context.Background(), cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Select(name); err != nil {
		return 0 // no such folder
	}
	uids, err := c.UIDs()
	if err != nil {
		w.t.Fatal(err)
	}
	return len(uids)
}

func (w *world) kinds(user string) map[string]int {
	out := map[string]int{}
	for _, p := range w.mails(user) {
		k := p.Header.Get("X-Klachtd-Letter")
		if k == "" {
			k = p.Header.Get("X-Klachtd-Notice")
		}
		out[k]++
	}
	return out
}

// TestRenderPanicDoesNotStopFiling: a letter whose rendering panics (the
// emoji of issue 7 made fpdf do so inside the filing transaction) leaves
// its complaint registered; the failure is an event and one alert to the
// officer; the next mail is filed and acknowledged; once the renderer is
// fixed, the next start renders and sends the letter, once.
func TestRenderPanicDoesNotStopFiling(t *testing.T) {
	w := newWorld(t)
	var broken atomic.Bool
	broken.Store(true)
	w.d.Render = func(set *templates.Set, l letters.Letter) (*letters.Rendered, error) {
		if broken.Load() && l.Kind == "acknowledgement" && strings.Contains(l.Description, "BOOM") {
			var a []int
			_ = a[len(l.Description)] // index out of range, like fpdf's [65536]
		}
		return letters.Render(set, l)
	}
	w.deliver(complaintFrom("klant@example.com", "Klacht", "BOOM: dit renderen gaat mis."))
	w.deliver(complaintFrom("jose@example.com", "Nog een klacht", "Een gewone klacht."))
	w.once()

	ds := w.dossiers()
	if len(ds) != 2 {
		t.Fatalf("%d dossiers, want 2 (both complaints registered)", len(ds))
	}
	first, second := ds[0], ds[1]
	if !first.AcknowledgedAt.IsZero() || second.AcknowledgedAt.IsZero() {
		t.Errorf("acknowledged: first %v (want not), second %v (want yes)", first.AcknowledgedAt, second.AcknowledgedAt)
	}
	if got := w.kinds("klant@example.com")["acknowledgement"]; got != 0 {
		t.Errorf("the complainant of the failing letter got %d acknowledgements before the fix", got)
	}
	if got := w.kinds("jose@example.com")["acknowledgement"]; got != 1 {
		t.Errorf("the next complainant got %d acknowledgements, want 1", got)
	}
	if n := len(w.notices("piet@example.nl", "notification")); n != 2 {
		t.Errorf("the handler got %d notifications, want 2", n)
	}
	if ev := w.events(first.Number); !strings.Contains(ev, "render failed:") || !strings.Contains(ev, "panic") {
		t.Errorf("no render failure event with the panic:\n%s", ev)
	}
	var ack *store.Letter
	for _, l := range w.letters(first.Number) {
		if l.Kind == "acknowledgement" {
			ack = l
		}
	}
	if ack == nil || ack.RenderError == "" || ack.PDFPath != "" || !ack.SentAt.IsZero() {
		t.Fatalf("acknowledgement letter = %+v, want marked as not rendered", ack)
	}
	alerts := w.notices("officer@example.nl", "alert")
	if len(alerts) != 1 || !strings.Contains(alerts[0].Subject, first.Number) || !strings.Contains(alerts[0].Text, "panic") {
		t.Fatalf("officer alerts = %d (%v), want 1 about %s with the panic", len(alerts), subjectsOf(alerts), first.Number)
	}

	// A cycle without a restart does not render again or alert again.
	w.once()
	if n := len(w.notices("officer@example.nl", "alert")); n != 1 {
		t.Errorf("officer alerts after a second failing cycle = %d, want still 1", n)
	}

	// Fixed: the next start renders and sends it, once.
	broken.Store(false)
	w.once()
	w.once()
	if got := w.kinds("klant@example.com")["acknowledgement"]; got != 1 {
		t.Errorf("after the fix the complainant got %d acknowledgements, want 1", got)
	}
	if d := w.dossiers()[0]; d.AcknowledgedAt.IsZero() {
		t.Error("the dossier is still not acknowledged after the fix")
	}
	for _, l := range w.letters(first.Number) {
		if l.Kind == "acknowledgement" && (l.RenderError != "" || l.PDFPath == "") {
			t.Errorf("acknowledgement after the fix = %+v", l)
		}
	}
	if n := len(w.notices("officer@example.nl", "alert")); n != 1 {
		t.Errorf("officer alerts after the fix = %d, want 1", n)
	}
}

// TestEmojiComplaint is issue 7's first case with the real renderer: a
// complaint with a rune outside the Basic Multilingual Plane is registered
// and the mail after it is filed and acknowledged, whether or not the PDF
// renderer copes with the emoji.
func TestEmojiComplaint(t *testing.T) {
	w := newWorld(t)
	w.deliver(complaintFrom("klant@example.com", "Boos 😡", "Ik ben boos 😡😡 over de factuur."))
	w.deliver(complaintFrom("jose@example.com", "Klacht", "Een gewone klacht."))
	w.once()
	ds := w.dossiers()
	if len(ds) != 2 {
		t.Fatalf("%d dossiers, want 2", len(ds))
	}
	if ds[1].AcknowledgedAt.IsZero() {
		t.Error("the complaint after the emoji was not acknowledged")
	}
	if ds[0].AcknowledgedAt.IsZero() {
		// The renderer failed: that must be on record and told.
		if ev := w.events(ds[0].Number); !strings.Contains(ev, "render failed") {
			t.Errorf("emoji letter not sent and no render failure event:\n%s", ev)
		}
		if len(w.notices("officer@example.nl", "alert")) != 1 {
			t.Error("emoji letter not sent and the officer not alerted")
		}
	}
}

// TestFilingPanicQuarantines: a panic while filing one message (and a
// message that cannot be parsed at all) ends with that message filed raw
// and quarantined with the reason, the officer told once, the message moved
// to the quarantine folder, and the next message filed.
func TestFilingPanicQuarantines(t *testing.T) {
	w := newWorld(t)
	w.d.fileHook = func(in *incoming) {
		if in.parsed != nil && strings.Contains(in.parsed.Subject, "BOOM") {
			panic("filing exploded")
		}
	}
	w.deliver(complaintFrom("klant@example.com", "BOOM", "Deze klacht laat het archiveren ontploffen."))
	w.deliver("\n\nthis message has no header at all\n")
	// Staff mail to the intake address outside any dossier is no
	// complaint: quarantined too, by classification.
	w.deliver(complaintFrom("piet@example.nl", "Doorgestuurd", "Zie hieronder."))
	w.deliver(complaintFrom("jose@example.com", "Klacht", "Een gewone klacht."))
	w.once()

	ds := w.dossiers()
	if len(ds) != 1 || ds[0].ComplainantEmail != "jose@example.com" || ds[0].AcknowledgedAt.IsZero() {
		t.Fatalf("dossiers = %d, want only jose's, acknowledged", len(ds))
	}
	qs := w.quarantined()
	if len(qs) != 3 {
		t.Fatalf("%d quarantined, want 3", len(qs))
	}
	if !strings.Contains(qs[0].Reason, "panic: filing exploded") || qs[0].Subject != "BOOM" || qs[0].RawPath == "" || qs[0].Mailbox != "info@example.nl" {
		t.Errorf("quarantined[0] = %+v", qs[0])
	}
	if !strings.Contains(qs[1].Reason, "could not be parsed") || qs[1].RawPath == "" {
		t.Errorf("quarantined[1] = %+v", qs[1])
	}
	if !strings.Contains(qs[2].Reason, "staff mail") || qs[2].FromAddr != "piet@example.nl" {
		t.Errorf("quarantined[2] = %+v", qs[2])
	}
	raw, err := w.st.ReadFile(qs[0].RawPath)
	if err != nil || !strings.Contains(string(raw), "laat het archiveren ontploffen") {
		t.Errorf("the quarantined message's bytes are not kept (%v)", err)
	}
	if n := len(w.notices("officer@example.nl", "alert")); n != 3 {
		t.Errorf("officer alerts = %d, want 3 (one per quarantined message)", n)
	}
	if in, q, k := w.folder("INBOX"), w.folder("Quarantaine"), w.folder("Klachten"); in != 0 || q != 3 || k != 1 {
		t.Errorf("INBOX holds %d, Quarantaine %d, Klachten %d; want 0, 3, 1", in, q, k)
	}
	// Quarantined messages are not fetched again.
	w.once()
	if len(w.quarantined()) != 3 || len(w.notices("officer@example.nl", "alert")) != 3 {
		t.Error("a second cycle quarantined or alerted again")
	}
}

// TestStoreErrorIsNotNotFound: a failing store while a staff reply is
// filed is not "no such dossier": the reply is not filed as suspicious, the
// officer is not alerted, nothing is quarantined, and the next cycle relays
// it.
func TestStoreErrorIsNotNotFound(t *testing.T) {
	w := newWorld(t)
	w.deliver(complaint)
	w.once()
	dos := w.dossiers()[0]
	n := w.mails("piet@example.nl")[0]
	relay, _ := w.d.addresses(dos)

	var failures atomic.Int32
	w.st.Fault = func(query string) error {
		if strings.Contains(query, "FROM dossiers WHERE number = ?") && failures.Add(1) <= 3 {
			return fmt.Errorf("injected: database is locked: %w", store.ErrUnavailable)
		}
		return nil
	}
	w.deliver(staffReply("piet@example.nl", relay, n.MessageID, "Wij lossen het op.", n.Text))
	// A follow-up by subject tag goes through the same lookup.
	w.deliver(strings.Replace(complaintFrom("klant@example.com", "Re: ["+dos.Number+"] Klacht over factuur", "Nog iets."), "Message-ID", "X-Id", 1))
	err := w.d.Once(context.Background())
	if err == nil || !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("once with a failing store = %v, want the store error", err)
	}
	var kinds []string
	_ = w.st.View(context.Background(), func(tx *store.Tx) error {
		ms, err := tx.UnfiledMessages(100)
		for _, m := range ms {
			kinds = append(kinds, m.Kind)
		}
		return err
	})
	for _, k := range kinds {
		if k == store.KindSuspicious || k == store.KindQuarantine {
			t.Errorf("a message was filed as %s because the store failed", k)
		}
	}
	if len(w.notices("officer@example.nl", "alert")) != 0 {
		t.Error("the officer was alerted about a store failure as if it were a forgery")
	}
	if len(w.dossiers()) != 1 {
		t.Errorf("%d dossiers: a follow-up became a new complaint", len(w.dossiers()))
	}
	if w.folder("INBOX") == 0 {
		t.Error("messages left INBOX although they were not filed")
	}

	w.st.Fault = nil
	w.once()
	got := w.mails("klant@example.com")
	if len(got) != 2 || !strings.Contains(got[1].Text, "Wij lossen het op.") {
		t.Errorf("the complainant got %d mails; the relay should have gone out once the store worked", len(got))
	}
	if len(w.dossiers()) != 1 || w.folder("INBOX") != 0 {
		t.Errorf("after recovery: %d dossiers, %d in INBOX", len(w.dossiers()), w.folder("INBOX"))
	}
	if len(w.notices("officer@example.nl", "alert")) != 0 {
		t.Error("officer alerted after recovery")
	}
}

// TestSMTPAuthFailureKeepsLettersQueued: a wrong SMTP password (the demo
// server refuses AUTH) keeps every letter queued and nothing goes to the
// post; the condition shows; once the password works, every letter goes
// out exactly once and the officer hears of the interruption once.
func TestSMTPAuthFailureKeepsLettersQueued(t *testing.T) {
	w := newWorld(t)
	var broken atomic.Bool
	broken.Store(true)
	t.Setenv("WRONG_PASSWORD", "wrong")
	w.d.Send = func(ctx context.Context, mb *config.Mailbox, from string, rcpts []string, raw []byte) error {
		if broken.Load() {
			wrong := *mb
			wrong.PasswordEnv = "WRONG_PASSWORD"
			mb = &wrong
		}
		return w.d.smtpSend(ctx, mb, from, rcpts, raw)
	}
	w.deliver(complaint)
	w.deliver(complaintFrom("jose@example.com", "Klacht", "Een gewone klacht."))
	w.once()
	if n := len(w.srv.Deliveries()); n != 0 {
		t.Fatalf("%d mails delivered with a wrong password", n)
	}
	var conds []*store.Condition
	var toPost []*store.Letter
	_ = w.st.View(context.Background(), func(tx *store.Tx) error {
		conds, _ = tx.ActiveConditions()
		toPost, _ = tx.LettersToPost()
		return nil
	})
	if len(conds) != 1 || conds[0].Key != "smtp:info@example.nl" || !ConditionShown(conds[0]) {
		t.Fatalf("conditions = %+v, want smtp:info@example.nl", conds)
	}
	if len(toPost) != 0 {
		t.Errorf("%d letters went to the post because the password was wrong", len(toPost))
	}
	// More cycles while broken: still nothing out, still queued.
	w.once()
	w.once()
	if n := len(w.srv.Deliveries()); n != 0 {
		t.Fatalf("%d mails delivered with a wrong password", n)
	}

	broken.Store(false)
	w.once()
	w.once()
	for _, who := range []string{"klant@example.com", "jose@example.com"} {
		if got := w.kinds(who)["acknowledgement"]; got != 1 {
			t.Errorf("%s got %d acknowledgements, want 1", who, got)
		}
	}
	if n := len(w.notices("piet@example.nl", "notification")); n != 2 {
		t.Errorf("handler got %d notifications, want 2", n)
	}
	alerts := w.notices("officer@example.nl", "alert")
	delayed := regexp.MustCompile(`(\d+) bericht\(en\) zijn vertraagd`)
	if len(alerts) != 1 || !strings.Contains(alerts[0].Subject, "onderbroken") || delayed.FindStringSubmatch(alerts[0].Text) == nil {
		t.Fatalf("officer alerts = %v, want one saying sending was interrupted and how much was delayed:\n%v", subjectsOf(alerts), textsOf(alerts))
	}
	// Everything that waited is counted: both complainants' and the
	// handler's mail (and a digest, on the days one is due).
	if n, _ := strconv.Atoi(delayed.FindStringSubmatch(alerts[0].Text)[1]); n < 4 {
		t.Errorf("%d messages counted as delayed, want at least 4", n)
	}
	if n := len(w.notices("officer@example.nl", "topost")); n != 0 {
		t.Errorf("officer got %d letters to post", n)
	}
	_ = w.st.View(context.Background(), func(tx *store.Tx) error {
		conds, _ = tx.ActiveConditions()
		return nil
	})
	if len(conds) != 0 {
		t.Errorf("conditions still active: %+v", conds)
	}
}

// TestConditionToldByAnotherRoute: while sending through one mailbox is
// broken, the officer is told at once through another mailbox that works.
func TestConditionToldByAnotherRoute(t *testing.T) {
	w := newWorld(t)
	other := *w.cfg.Mailboxes[0]
	other.Address = "klachten@example.nl"
	w.cfg.Mailboxes = append(w.cfg.Mailboxes, &other)
	ctx := context.Background()
	if _, err := w.d.raiseCondition(ctx, "smtp:info@example.nl", "smtp: 535: authentication failed"); err != nil {
		t.Fatal(err)
	}
	if err := w.d.tellConditions(ctx); err != nil {
		t.Fatal(err)
	}
	var rows []*store.Outgoing
	_ = w.st.View(ctx, func(tx *store.Tx) error {
		var err error
		rows, err = tx.ToRender(10)
		return err
	})
	if len(rows) != 1 || rows[0].Mailbox != "klachten@example.nl" || rows[0].Recipients[0] != "officer@example.nl" {
		t.Fatalf("queued = %+v, want one alert to the officer through klachten@", rows)
	}
	// Told once: a second look queues nothing.
	if err := w.d.tellConditions(ctx); err != nil {
		t.Fatal(err)
	}
	_ = w.st.View(ctx, func(tx *store.Tx) error {
		rows, _ = tx.ToRender(10)
		return nil
	})
	if len(rows) != 1 {
		t.Errorf("%d rows after telling twice, want 1", len(rows))
	}
}

// TestIMAPLoginRefusedIsACondition: a refused IMAP login becomes a
// condition once it persists, and ends with the next login that works.
func TestIMAPLoginRefusedIsACondition(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	t.Setenv("KLACHTD_DEMO_PASSWORD", "wrong")
	shown := func() bool {
		var ok bool
		_ = w.st.View(ctx, func(tx *store.Tx) error {
			c, err := tx.ActiveCondition("imap:info@example.nl")
			ok = c != nil && ConditionShown(c)
			return err
		})
		return ok
	}
	for i := 1; i <= loginRefusalsToTell; i++ {
		if err := w.d.Once(ctx); err == nil {
			t.Fatal("once with a wrong password succeeded")
		}
		if got, want := shown(), i >= loginRefusalsToTell; got != want {
			t.Fatalf("after %d refused logins the condition shows: %v, want %v", i, got, want)
		}
	}
	t.Setenv("KLACHTD_DEMO_PASSWORD", "demo")
	w.once()
	if shown() {
		t.Error("the condition is still active after a login that worked")
	}
	w.once()
	// Told once when it started (queued while the password was wrong, so
	// sent after) and once when it ended.
	var started, ended int
	for _, a := range w.notices("officer@example.nl", "alert") {
		switch {
		case strings.Contains(a.Subject, "inloggen op info@example.nl wordt geweigerd"):
			started++
		case strings.Contains(a.Subject, "inloggen op info@example.nl werkt weer"):
			ended++
		}
	}
	if started != 1 || ended != 1 {
		t.Errorf("officer alerts %v: want the start and the end of the refused login once each", subjectsOf(w.notices("officer@example.nl", "alert")))
	}
}

// TestStopBetweenAcceptAndCommit: the stop signal arriving between the
// server's 250 and the commit does not make the letter go out twice.
func TestStopBetweenAcceptAndCommit(t *testing.T) {
	w := newWorld(t)
	w.deliver(complaint)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sent := 0
	w.d.Send = func(c context.Context, mb *config.Mailbox, from string, rcpts []string, raw []byte) error {
		err := w.d.smtpSend(c, mb, from, rcpts, raw)
		sent++
		cancel() // SIGTERM right after the 250
		return err
	}
	if err := w.d.Once(ctx); err != nil {
		t.Fatalf("once: %v", err)
	}
	if sent != 1 {
		t.Fatalf("%d sends before stopping, want 1 (no new work after the stop signal)", sent)
	}
	w.d.Send = w.d.smtpSend
	w.once()
	w.once()
	seen := map[string]int{}
	for _, d := range w.srv.Deliveries() {
		p := w.mails(d.To)
		_ = p
	}
	for _, who := range []string{"klant@example.com", "piet@example.nl"} {
		for _, p := range w.mails(who) {
			seen[p.MessageID]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("<%s> delivered %d times, want 1", id, n)
		}
	}
	if len(seen) != 2 {
		t.Errorf("%d distinct mails, want 2 (acknowledgement, notification)", len(seen))
	}
}

func TestBackoffer(t *testing.T) {
	b := newBackoffer(time.Second, 5*time.Minute)
	var got []time.Duration
	for range 12 {
		got = append(got, b.Next())
	}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300}
	for i := range want {
		if got[i] != want[i]*time.Second {
			t.Fatalf("waits = %v, want %v seconds", got, want)
		}
	}
	b.Reset()
	if d := b.Next(); d != time.Second {
		t.Errorf("after Reset the wait is %v, want 1s", d)
	}
}

func subjectsOf(ps []*mailbox.Parsed) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Subject)
	}
	return out
}

func textsOf(ps []*mailbox.Parsed) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text)
	}
	return out
}

// TestBrokenTemplatesStillAlert: with an acknowledgement template that
// fails and an alert template that fails too, the complaint is registered
// and the officer still gets the plain alert; after the templates are
// fixed, the next start sends the letter.
func TestBrokenTemplatesStillAlert(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	broken := `{{define "subject"}}[{{.Number}}] x{{end}}{{define "body"}}{{date .RespondBy}}{{end}}`
	for _, kind := range []string{"acknowledgement", "alert"} {
		if err := os.MkdirAll(filepath.Join(dir, "nl"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "nl", kind+".tmpl"), []byte(broken), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tpl, err := templates.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	good := w.d.templates
	w.d.templates = tpl
	w.deliver(complaint)
	w.once()
	ds := w.dossiers()
	if len(ds) != 1 || !ds[0].AcknowledgedAt.IsZero() {
		t.Fatalf("dossiers %d; want the complaint registered and not acknowledged", len(ds))
	}
	alerts := w.notices("officer@example.nl", "alert")
	if len(alerts) != 1 || !strings.Contains(alerts[0].Subject, "klachtd: let op") || !strings.Contains(alerts[0].Text, "date: zero time") {
		t.Fatalf("officer alerts %v, want the plain fallback alert with the cause:\n%v", subjectsOf(alerts), textsOf(alerts))
	}
	w.d.templates = good
	w.once()
	if got := w.kinds("klant@example.com")["acknowledgement"]; got != 1 {
		t.Errorf("after fixing the templates the complainant got %d acknowledgements, want 1", got)
	}
}

// TestLetterRoundTrip: a letter read back from its stored form renders
// byte-identically to the letter itself, for every shape of data the
// daemon stores (terms, persons in Extra, digest rows with dates, numbers).
func TestLetterRoundTrip(t *testing.T) {
	w := newWorld(t)
	org := w.cfg.Organisations[0]
	ams := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, procedureAmsterdam())
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	dos := &store.Dossier{Number: "KL-2026-0007", Organisation: org.ID, Language: "nl", Mailbox: "info@example.nl",
		ComplainantName: "Marieke de Vries", ComplainantEmail: "klant@example.com", Subject: "Factuur",
		Description: "Ik kreeg een factuur.", Handler: "piet@example.nl",
		ReceivedAt: ams("2026-11-20 09:14").UTC(), AcknowledgeBy: ams("2026-11-27 00:00").UTC(), DecideBy: ams("2026-12-18 00:00").UTC()}
	w.d.Now = func() time.Time { return ams("2026-11-21 10:00").UTC() }
	base := func(kind string) letters.Letter {
		l := w.d.baseLetter(org, dos, kind, w.d.complainant(dos))
		l.RelayAddress, l.InternalAddress = w.d.addresses(dos)
		return l
	}
	tests := map[string]func(*letters.Letter){
		"acknowledgement": func(*letters.Letter) {},
		"decision": func(l *letters.Letter) {
			l.Verdict, l.Facts, l.Position, l.Measures = "partly_founded", "Feiten.", "Standpunt.", "Maatregel."
		},
		"delay": func(l *letters.Letter) {
			l.OldDecideBy, l.NewDecideBy, l.Reason = dos.DecideBy, dos.DecideBy.AddDate(0, 0, 14), "Drukte."
		},
		"notification": func(l *letters.Letter) {
			l.Extra = map[string]any{"Complainant": w.d.complainant(dos), "From": letters.Person{Name: "M", Email: "klant@example.com"},
				"Hearing": false, "Withheld": []string{}}
		},
		"commanderror": func(l *letters.Letter) {
			l.Reason = "onbekend oordeel"
			l.Extra = map[string]any{"Line": 3, "Command": "Oordeel: half"}
		},
		"topost": func(l *letters.Letter) {
			l.Extra = map[string]any{"LetterKind": "decision", "Addressee": w.d.complainant(dos)}
		},
		"digest": func(l *letters.Letter) {
			row := DigestRow{Number: dos.Number, Complainant: "Marieke", DecideBy: dos.DecideBy.In(procedureAmsterdam()), Handler: "piet@example.nl"}
			l.Extra = map[string]any{"Open": []DigestRow{row}, "DueThisWeek": []DigestRow{}, "Overdue": []DigestRow{row}, "ToPost": []DigestRow{}}
		},
		"alert": func(l *letters.Letter) {
			l.Reason = "iets"
			l.Extra = map[string]any{"Subject": "kort", "See": "klachtd check"}
		},
	}
	for kind, edit := range tests {
		t.Run(kind, func(t *testing.T) {
			l := base(kind)
			edit(&l)
			localDates(&l)
			want, err := letters.Render(w.d.templates, l)
			if err != nil {
				t.Fatal(err)
			}
			data, err := encodeLetter(l)
			if err != nil {
				t.Fatal(err)
			}
			back, err := decodeLetter(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := letters.Render(w.d.templates, back)
			if err != nil {
				t.Fatalf("render the stored letter: %v", err)
			}
			if got.Subject != want.Subject || got.Text != want.Text || got.HTML != want.HTML || !bytes.Equal(got.PDF, want.PDF) {
				t.Errorf("the stored letter renders differently:\n--- direct\n%s\n--- stored\n%s", want.Text, got.Text)
			}
		})
	}
}

func procedureAmsterdam() *time.Location { return procedure.Amsterdam }

// TestUnfetchableMessageIsQuarantined: a message the server fails to
// deliver (NO to its FETCH) is tried maxFetchAttempts times without holding
// up the others, then quarantined without its bytes, with the reason, and
// moved out of INBOX.
func TestUnfetchableMessageIsQuarantined(t *testing.T) {
	w := newWorld(t)
	w.deliver(complaintFrom("klant@example.com", "Onleesbaar", "De server kan dit niet lezen."))
	w.deliver(complaintFrom("jose@example.com", "Klacht", "Een gewone klacht."))
	var tries atomic.Int32
	w.srv.FailFetch = func(user string, set imap.NumSet) error {
		if uids, ok := set.(imap.UIDSet); ok && uids.Contains(1) && user == "info@example.nl" {
			tries.Add(1)
			return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeServerBug, Text: "message file is corrupt"}
		}
		return nil
	}
	w.once()
	if ds := w.dossiers(); len(ds) != 1 || ds[0].ComplainantEmail != "jose@example.com" {
		t.Fatalf("dossiers = %d; the message after the unreadable one must be filed", len(ds))
	}
	if len(w.quarantined()) != 0 || w.folder("INBOX") != 1 {
		t.Fatal("quarantined after one failed fetch")
	}
	for range maxFetchAttempts {
		w.once()
	}
	qs := w.quarantined()
	if len(qs) != 1 || qs[0].RawPath != "" || !strings.Contains(qs[0].Reason, "message file is corrupt") || !strings.Contains(qs[0].Reason, "3 attempts") {
		t.Fatalf("quarantined = %+v, want the unreadable message without bytes, with the reason", qs)
	}
	if n := tries.Load(); n != maxFetchAttempts {
		t.Errorf("the server was asked %d times, want %d", n, maxFetchAttempts)
	}
	if in, q := w.folder("INBOX"), w.folder("Quarantaine"); in != 0 || q != 1 {
		t.Errorf("INBOX %d, Quarantaine %d; want 0, 1", in, q)
	}
	if n := len(w.notices("officer@example.nl", "alert")); n != 1 {
		t.Errorf("officer alerts = %d, want 1", n)
	}
}

// TestSendPanicDoesNotBlockOthers: a panic while one mail is sent is a
// temporary failure of that mail; the others go out.
func TestSendPanicDoesNotBlockOthers(t *testing.T) {
	w := newWorld(t)
	w.d.Send = func(ctx context.Context, mb *config.Mailbox, from string, rcpts []string, raw []byte) error {
		if rcpts[0] == "klant@example.com" {
			panic("smtp client exploded")
		}
		return w.d.smtpSend(ctx, mb, from, rcpts, raw)
	}
	w.deliver(complaint)
	w.deliver(complaintFrom("jose@example.com", "Klacht", "Een gewone klacht."))
	w.once()
	if got := w.kinds("jose@example.com")["acknowledgement"]; got != 1 {
		t.Errorf("jose got %d acknowledgements, want 1", got)
	}
	if n := len(w.notices("piet@example.nl", "notification")); n != 2 {
		t.Errorf("handler got %d notifications, want 2", n)
	}
	var o *store.Outgoing
	_ = w.st.View(context.Background(), func(tx *store.Tx) error {
		m, err := tx.IncomingByMessageID("c1@example.com")
		if err != nil || m == nil {
			return err
		}
		ls, err := tx.Letters(m.DossierID)
		if err != nil || len(ls) == 0 {
			return err
		}
		o, err = tx.OutgoingForMessage(ls[0].MessageRef)
		return err
	})
	if o == nil || !o.SentAt.IsZero() || !o.FailedAt.IsZero() || !strings.Contains(o.LastError, "panic") || !o.NextAttemptAt.After(time.Now()) {
		t.Errorf("the panicking letter's row = %+v, want waiting for a retry with the panic as its error", o)
	}
}
