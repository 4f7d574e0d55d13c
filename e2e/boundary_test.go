package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// The boundary of issue 7 against the real Dovecot and Postfix: one bad
// message never blocks the next, a broken SMTP account keeps letters queued,
// and a stop between the server's 250 and the commit sends nothing twice.

// quarantined is one entry of `klachtd quarantine -json`.
type quarantined struct {
	ID         int64  `json:"id"`
	Mailbox    string `json:"mailbox"`
	ReceivedAt string `json:"received_at"`
	From       string `json:"from"`
	Subject    string `json:"subject"`
	MessageID  string `json:"message_id"`
	Size       int64  `json:"size"`
	Reason     string `json:"reason"`
	Raw        string `json:"raw"`
}

func (e *env) quarantineJSON(t *testing.T) []quarantined {
	t.Helper()
	out := e.mustKlachtd("quarantine", "-json")
	var qs []quarantined
	if err := json.Unmarshal([]byte(out), &qs); err != nil {
		t.Fatalf("decode quarantine -json: %v\n%s", err, tail(out, 2000))
	}
	return qs
}

// appendRaw puts raw bytes into info@'s INBOX as they are (IMAP APPEND, as
// a broken delivery agent or a migration tool might).
func appendRaw(t *testing.T, raw []byte) {
	t.Helper()
	c, done, err := imapLogin(intake)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	cmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Time: time.Now()})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatalf("append: %v", err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("append: %v", err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append: %v", err)
	}
}

// waitFor polls cond every 200 ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestBadMessageDoesNotBlockIntake: under `klachtd run`, a message that
// cannot be filed (no header at all) is quarantined with the reason, moved
// to the quarantine folder and listed by `klachtd quarantine -json`; a
// complaint with an emoji (issue 7: the PDF renderer panicked on it inside
// the filing transaction) is registered; and a normal complaint sent after
// both is acknowledged within seconds.
func TestBadMessageDoesNotBlockIntake(t *testing.T) {
	e := newEnv(t)
	addUser(t, bert)
	d := e.start("run")
	time.Sleep(time.Second) // logged in and idle

	appendRaw(t, []byte("\r\n\r\nThis message has no header at all.\r\n"))
	emojiID := newMessageID("emoji")
	sendMail(t, complainant, intake, plainMail{From: "Karin de Klant <" + complainant + ">", To: intake,
		Subject: "Boos 😡", MessageID: emojiID, Body: "Ik ben boos 😡😡 over de factuur. 🧾\n"}.bytes())

	sent := time.Now()
	normalID := sendBertsComplaint(t)
	second := fmt.Sprintf("KL-%d-0002", time.Now().Year())
	waitMail(t, bert, letterOf("acknowledgement", second), 15*time.Second)
	took := time.Since(sent)
	t.Logf("the complaint after the bad message was acknowledged %.2fs after it was sent", took.Seconds())
	if took > 10*time.Second {
		t.Errorf("acknowledgement after %v, want within seconds", took)
	}

	ds := e.listJSON(t)
	if len(ds) != 2 {
		t.Fatalf("list -json: %d dossiers, want 2 (the emoji complaint and the next one)", len(ds))
	}
	waitFor(t, 10*time.Second, "the bad message in quarantine", func() bool { return len(e.quarantineJSON(t)) == 1 })
	q := e.quarantineJSON(t)[0]
	if q.Mailbox != intake || !strings.Contains(q.Reason, "could not be parsed") || q.Raw == "" || q.ReceivedAt == "" || q.Size == 0 {
		t.Errorf("quarantine -json = %+v", q)
	}
	if raw, err := os.ReadFile(q.Raw); err != nil || !strings.Contains(string(raw), "no header at all") {
		t.Errorf("the quarantined bytes are not kept at %s (%v)", q.Raw, err)
	}
	waitFor(t, 10*time.Second, "the quarantine folder", func() bool { return len(mailboxUIDs(t, intake, "Quarantaine")) == 1 })
	waitFor(t, 10*time.Second, "INBOX empty", func() bool { return len(mailboxUIDs(t, intake, "INBOX")) == 0 })
	if !folderHasMessageID(t, intake, "Klachten", normalID) || !folderHasMessageID(t, intake, "Klachten", emojiID) {
		t.Error("the complaints are not in the processed folder")
	}
	alert := parseMail(t, waitMail(t, officer, both(headerIs("X-Klachtd-Notice", "alert"), containsText(t, "quarantaine")), 10*time.Second))
	if !strings.Contains(unquote(alert.Text), "could not be parsed") {
		t.Errorf("the officer's alert does not give the reason:\n%s\n%s", alert.Text, alert.HTML)
	}
	// The emoji complaint: registered; its acknowledgement either went out
	// or its failure is on record and was told.
	emoji := e.detail(t, firstNumber())
	if emoji.AcknowledgedAt == "" && !emoji.hasEvent("render failed") {
		t.Errorf("the emoji complaint is neither acknowledged nor marked as not rendered:\n  %s", emoji.eventList())
	}
	if err := d.stop(20 * time.Second); err != nil {
		t.Errorf("klachtd run after SIGTERM: %v", err)
	}
}

// bert is a second complainant, added to the stack by the tests that
// need him (mail to an unknown local address is refused).
const bert = "bert@example.com"

// sendBertsComplaint mails a complaint from bert and returns its Message-ID.
func sendBertsComplaint(t *testing.T) string {
	t.Helper()
	id := newMessageID("bert")
	sendMail(t, bert, intake, plainMail{From: "Bert Buiten <" + bert + ">", To: intake,
		Subject: "Klacht over de planning", MessageID: id, Body: "De afspraak is weer verzet.\n"}.bytes())
	return id
}

// TestWrongSMTPPasswordKeepsLettersQueued: with a wrong password on the
// submission port (STARTTLS and AUTH required), letters stay queued and
// nothing goes to the post; the condition shows in `klachtd list`; once
// the password is fixed (without a restart), every letter goes out exactly
// once and the officer is told once that sending was interrupted.
func TestWrongSMTPPasswordKeepsLettersQueued(t *testing.T) {
	t0 := time.Now()
	e := newEnv(t)
	addUser(t, bert)
	t.Logf("set up in %.1fs", time.Since(t0).Seconds())
	sub := submissionAddr(t)
	pwFile := filepath.Join(e.dir, "info.secret")
	setPassword := func(pw string) {
		t.Helper()
		if err := os.WriteFile(pwFile, []byte(pw+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	setPassword(stack.Password)
	mb := defaultMailbox()
	mb.SMTP = "smtp://" + sub
	mb.CAFile = stack.CACert
	e.config = e.writeConfig("config.toml", mb)
	text, err := os.ReadFile(e.config)
	if err != nil {
		t.Fatal(err)
	}
	text = []byte(strings.Replace(string(text), `password_env = "KLACHTD_INFO_PASSWORD"`, fmt.Sprintf("password_file = %q", pwFile), 1))
	if err := os.WriteFile(e.config, text, 0o600); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	mark := func(what string) { t.Logf("%5.1fs %s", time.Since(start).Seconds(), what) }
	d := e.start("run")
	waitFor(t, 20*time.Second, "klachtd logged in to IMAP", func() bool {
		return strings.Contains(d.stderr.String(), "imap session started")
	})
	setPassword("not-the-password") // the IMAP session stays; every SMTP login fails
	sendComplaint(t, "Klacht over mijn coachtraject")
	sendBertsComplaint(t)

	waitFor(t, 20*time.Second, "the condition in klachtd list", func() bool {
		out := e.mustKlachtd("list")
		return strings.Contains(out, "WARNING: sending through "+intake)
	})
	mark("the condition shows")
	if n := mailCount(t, settle) + len(mailboxUIDs(t, bert, "INBOX")); n != 0 {
		t.Fatalf("%d mail(s) went out with a wrong SMTP password", n)
	}
	for _, dj := range e.listJSON(t) {
		if dj.AcknowledgedAt != "" {
			t.Errorf("%s acknowledged with a wrong SMTP password", dj.Number)
		}
	}
	if out := e.mustKlachtd("list", "-json"); strings.Contains(out, "WARNING") {
		t.Error("list -json carries the warning; its array must stay as it is")
	}
	if out, _, _ := e.klachtd("check"); !strings.Contains(out, "BROKEN: sending through "+intake) {
		t.Errorf("klachtd check does not show the condition:\n%s", out)
	}

	mark("checked")
	fixed := time.Now()
	setPassword(stack.Password)
	second := fmt.Sprintf("KL-%d-0002", time.Now().Year())
	waitMail(t, complainant, letterOf("acknowledgement", firstNumber()), 40*time.Second)
	waitMail(t, bert, letterOf("acknowledgement", second), 20*time.Second)
	t.Logf("letters went out %.1fs after the password was fixed", time.Since(fixed).Seconds())
	interrupted := waitMail(t, officer, both(headerIs("X-Klachtd-Notice", "alert"), containsText(t, "onderbroken")), 20*time.Second)
	if p := parseMail(t, interrupted); !strings.Contains(p.Text, "vertraagd") {
		t.Errorf("the officer's notice does not say what was delayed:\n%s", p.Text)
	}
	mark("officer told")
	time.Sleep(settle)
	// Every letter exactly once; nothing to the post.
	for _, user := range append([]string{bert}, people...) {
		for id, n := range messageIDs(t, fetchAll(t, user, "INBOX")) {
			if n != 1 {
				t.Errorf("%s received <%s> %d times", user, id, n)
			}
		}
	}
	if n := countMatching(t, officer, headerIs("X-Klachtd-Notice", "topost")); n != 0 {
		t.Errorf("%d letter(s) went to the post because of the password", n)
	}
	if n := countMatching(t, officer, both(headerIs("X-Klachtd-Notice", "alert"), containsText(t, "onderbroken"))); n != 1 {
		t.Errorf("the officer was told %d times that sending was interrupted, want 1", n)
	}
	for _, dj := range e.listJSON(t) {
		if dj.AcknowledgedAt == "" {
			t.Errorf("%s not acknowledged after the password was fixed", dj.Number)
		}
	}
	if out := e.mustKlachtd("list"); strings.Contains(out, "WARNING") {
		t.Errorf("klachtd list still warns after recovery:\n%s", out)
	}
	mark("checked again")
	defer mark("stopped")
	if err := d.stop(20 * time.Second); err != nil {
		t.Errorf("klachtd run after SIGTERM: %v", err)
	}
}

// submissionAddr is the stack's submission port (STARTTLS, AUTH required).
func submissionAddr(t *testing.T) string {
	t.Helper()
	out, err := runTool(30*time.Second, mailstack, "env")
	if err != nil {
		t.Fatalf("e2e/mailstack env: %v\n%s", err, out)
	}
	addr := parseExports(out)["MAILSTACK_SUBMISSION_ADDR"]
	if addr == "" || stack.CACert == "" {
		t.Skip("the stack reports no submission address or CA certificate")
	}
	return addr
}

// TestStopBetweenAcceptAndCommit: SIGTERM arriving between Postfix's 250
// and the commit that marks the letter sent (KLACHTD_CRASH_AT=term-after-send
// makes klachtd signal itself at that instant) does not make the letter go
// out twice: the outcome is committed under a context that outlives the
// stop signal, in-flight work ends, and the next run sends only the rest.
func TestStopBetweenAcceptAndCommit(t *testing.T) {
	e := newEnv(t)
	d := e.startWith([]string{"KLACHTD_CRASH_AT=term-after-send"}, "run")
	time.Sleep(time.Second)
	sendComplaint(t, "Klacht over mijn coachtraject")
	exited, err := d.wait(30 * time.Second)
	if !exited {
		t.Fatal("klachtd did not stop after SIGTERM between 250 and commit")
	}
	if err != nil {
		t.Errorf("klachtd run stopped with %v, want exit status 0\n%s", err, tail(d.stderr.String(), 4000))
	}
	if !strings.Contains(d.stderr.String(), "fault injection: stopping the process") {
		t.Fatalf("the fault was not injected:\n%s", tail(d.stderr.String(), 4000))
	}
	e.mustKlachtd("once")
	e.mustKlachtd("once")
	waitMail(t, complainant, letterOf("acknowledgement", firstNumber()), 10*time.Second)
	waitMail(t, staffPiet, notice("notification", firstNumber()), 10*time.Second)
	time.Sleep(settle)
	for _, user := range people {
		for id, n := range messageIDs(t, fetchAll(t, user, "INBOX")) {
			if n != 1 {
				t.Errorf("%s received <%s> %d times, want once", user, id, n)
			}
		}
	}
	for _, l := range e.showJSON(t, firstNumber()).Letters {
		if l.Kind == "acknowledgement" && l.SentAt == "" {
			t.Error("the acknowledgement is not marked sent")
		}
	}
}

// unquote joins the words of a text, without quote markers and line breaks.
func unquote(s string) string {
	var words []string
	for _, w := range strings.Fields(s) {
		if w != ">" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}
