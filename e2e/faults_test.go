package e2e

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Tests of what klachtd does when its servers fail (issue 7, "Server
// faults"): Dovecot stopped and started mid-session, Postfix stopped for a
// while, and a server that accepts the connection and then says nothing.
// klachtd must reconnect, resume, lose nothing and send nothing twice, and
// the officer hears of an SMTP outage once when it starts (if a route
// still works) and once when it ends.

// TestDovecotRestarts stops and starts Dovecot twice under a running
// klachtd. Each time a complaint that arrives while Dovecot is down (it
// waits in Postfix's queue) is acknowledged soon after Dovecot is back:
// the reconnect backoff starts again from one second after a session that
// worked, so the second outage is noticed as fast as the first.
func TestDovecotRestarts(t *testing.T) {
	e := newEnv(t)
	t.Cleanup(func() { restoreStack(t) })
	d := e.start("run")
	keepLogOnFailure(t, "dovecot-restarts", func() string { return d.stdout.String() + d.stderr.String() })

	ids := []string{sendComplaint(t, "Klacht voor de storing")}
	waitMail(t, complainant, ackOf(ids[0]), mailWait)

	const cycles = 2
	for i := 1; i <= cycles; i++ {
		stackCmd(t, "stop-dovecot")
		down := time.Now()
		// Mail sent now waits in Postfix's queue (Dovecot's LMTP is gone).
		id := newMessageID(fmt.Sprintf("dovecot-down-%d", i))
		if err := smtpSend(stack.SMTPAddr, complainant, []string{intake}, plainMail{
			From: "Karin de Klant <" + complainant + ">", To: intake, MessageID: id,
			Subject: fmt.Sprintf("Klacht %d tijdens de storing", i),
			Body:    "Mijn afspraak is weer niet doorgegaan.\n",
		}.bytes()); err != nil {
			t.Fatalf("cycle %d: Postfix refused mail while Dovecot was down: %v", i, err)
		}
		ids = append(ids, id)
		time.Sleep(time.Second) // klachtd's reconnects fail meanwhile
		stackCmd(t, "start-dovecot")
		up := time.Now()
		waitMail(t, complainant, ackOf(id), 45*time.Second)
		t.Logf("cycle %d: Dovecot down %.1fs; the complaint sent meanwhile was acknowledged %.1fs after Dovecot was back",
			i, up.Sub(down).Seconds(), time.Since(up).Seconds())
		if !d.running() {
			_, err := d.wait(0)
			t.Fatalf("klachtd run exited: %v", err)
		}
	}

	if err := d.stop(30 * time.Second); err != nil {
		t.Errorf("klachtd run after SIGTERM: %v, want exit status 0", err)
	}
	noPanic(t, "klachtd run", d.stderr.String())
	checkOnceEach(t, e, ids)
}

// TestPostfixOutage stops Postfix while klachtd runs. A complaint that
// arrives meanwhile (appended over IMAP, as if by another MX) is filed at
// once; its letters stay queued — nothing goes to the post — and go out
// exactly once when Postfix is back. While it lasts, `klachtd check`,
// `klachtd list` and the log say that sending is broken; afterwards the
// officer holds exactly one mail about it (with one mailbox there is no
// route to tell the start by, so the mail after the end tells both).
//
// KLACHTD_E2E_SMTP_OUTAGE sets how long Postfix stays down (default 15s;
// the minute is KLACHTD_E2E_SMTP_OUTAGE=1m).
func TestPostfixOutage(t *testing.T) {
	outage := envDuration(t, "KLACHTD_E2E_SMTP_OUTAGE", 15*time.Second)
	e := newEnv(t)
	t.Cleanup(func() { restoreStack(t) })
	d := e.start("run")
	keepLogOnFailure(t, "postfix-outage", func() string { return d.stdout.String() + d.stderr.String() })

	first := sendComplaint(t, "Klacht voor de storing")
	waitMail(t, complainant, ackOf(first), mailWait)
	waitMail(t, staffPiet, notice("notification", firstNumber()), mailWait)

	stackCmd(t, "stop-postfix")
	down := time.Now()
	second := newMessageID("postfix-down")
	appendMail(t, intake, "INBOX", plainMail{
		From: "Karin de Klant <" + complainant + ">", To: intake, MessageID: second,
		Subject: "Klacht tijdens de storing", Body: "Mijn afspraak is weer niet doorgegaan.\n",
	}.bytes())

	// klachtd files it and cannot send: check, list and the log say so.
	broken := regexp.MustCompile(`sending through ` + regexp.QuoteMeta(intake) + ` has failed since`)
	var checkOut, listOut string
	if !pollUntil(30*time.Second, time.Second, func() bool {
		stdout, stderr, _ := e.klachtd("check")
		checkOut = stdout + stderr
		listOut, _, _ = e.klachtd("list")
		return broken.MatchString(checkOut) && broken.MatchString(listOut)
	}) {
		t.Errorf("during the outage, klachtd check and list do not say that sending is broken\ncheck:\n%s\nlist:\n%s", checkOut, listOut)
	}
	if code, err := exitCodeOf(e, "check"); code == 0 {
		t.Errorf("klachtd check exits 0 while sending is broken (%v)", err)
	}
	if n := len(e.listJSON(t)); n != 2 {
		t.Errorf("list -json: %d dossiers during the outage, want 2 (the complaint is filed while sending is broken)", n)
	}
	if rest := outage - time.Since(down); rest > 0 {
		time.Sleep(rest)
	}
	stackCmd(t, "start-postfix")
	up := time.Now()
	t.Logf("Postfix was down %.1fs", up.Sub(down).Seconds())

	waitMail(t, complainant, ackOf(second), 2*time.Minute)
	t.Logf("the acknowledgement queued during the outage arrived %.1fs after Postfix was back", time.Since(up).Seconds())
	waitMail(t, officer, outageMail(intake, "end"), 30*time.Second)
	time.Sleep(settle)

	if err := d.stop(30 * time.Second); err != nil {
		t.Errorf("klachtd run after SIGTERM: %v, want exit status 0", err)
	}
	log := d.stderr.String()
	noPanic(t, "klachtd run", log)
	if !regexp.MustCompile(`level=ERROR msg="sending is broken[^"]*".* mailbox=` + regexp.QuoteMeta(intake)).MatchString(log) {
		t.Errorf("the log does not tell when sending broke")
	}
	if !strings.Contains(log, `msg="condition ended" condition=smtp:`+intake) {
		t.Errorf("the log does not tell when sending worked again")
	}
	checkOnceEach(t, e, []string{first, second})
	if n := countMatching(t, officer, outageMail(intake, "")); n != 1 {
		t.Errorf("the officer received %d mails about the outage, want 1 (one mailbox: the mail after the end tells both)", n)
	}
	if n := countMatching(t, officer, headerIs("X-Klachtd-Notice", "topost")); n != 0 {
		t.Errorf("%d letter(s) went to the post because of the outage, want none", n)
	}
}

// TestSilentServers points klachtd at servers that accept the connection
// and then say nothing (a proxy in the test, for IMAP and for SMTP) for a
// while, then answer again. klachtd gives up on the silent connections
// (its per-command timeout), reconnects, files what arrived and sends
// every letter exactly once. A second mailbox of the organisation, whose
// sending works, is the route by which the officer hears at once that
// sending through the first is broken, and once that it works again.
func TestSilentServers(t *testing.T) {
	silence := envDuration(t, "KLACHTD_E2E_SILENCE", 15*time.Second)
	e := newEnv(t)
	const second = "klachten@example.nl"
	addUsers(t, second)
	imapProxy := newFaultProxy(t, stack.IMAPAddr)
	smtpProxy := newFaultProxy(t, stack.SMTPAddr)
	mb := defaultMailbox()
	mb.IMAP = "imap+insecure://" + imapProxy.addr()
	mb.SMTP = "smtp+insecure://" + smtpProxy.addr()
	text := configText(e.dataDir, mb) + fmt.Sprintf(`
[[mailbox]]
organisation = "acme"
imap = %q
smtp = %q
username = %q
password_env = "KLACHTD_INFO_PASSWORD"
address = %q
folder = "INBOX"
processed_folder = "Klachten"
poll_interval = "1s"
`, "imap+insecure://"+stack.IMAPAddr, "smtp+insecure://"+stack.SMTPAddr, second, second)
	e.config = e.dir + "/silent.toml"
	if err := os.WriteFile(e.config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	d := e.start("run")
	keepLogOnFailure(t, "silent-servers", func() string { return d.stdout.String() + d.stderr.String() })

	first := sendComplaint(t, "Klacht voor de stilte")
	waitMail(t, complainant, ackOf(first), mailWait)

	// SMTP goes silent: the next letter hangs until klachtd's timeout.
	smtpProxy.setSilent(true)
	start := time.Now()
	during := sendComplaint(t, "Klacht terwijl de SMTP-server zwijgt")
	pollUntil(30*time.Second, 500*time.Millisecond, func() bool { return len(mailboxUIDs(t, intake, "INBOX")) == 0 })
	// Then IMAP: the open session is cut, and the new ones meet silence.
	imapProxy.setSilent(true)
	late := sendComplaint(t, "Klacht terwijl de IMAP-server zwijgt")
	if rest := silence - time.Since(start); rest > 0 {
		time.Sleep(rest)
	}
	smtpProxy.setSilent(false)
	imapProxy.setSilent(false)
	t.Logf("servers silent for %.1fs (SMTP) and %.1fs (IMAP); %d IMAP and %d SMTP connections met silence",
		time.Since(start).Seconds(), time.Since(start).Seconds(), imapProxy.silenced(), smtpProxy.silenced())
	back := time.Now()

	// The officer hears through the second mailbox that sending broke.
	waitMail(t, officer, outageMail(intake, "broken"), 2*time.Minute)
	waitMail(t, complainant, ackOf(during), 2*time.Minute)
	waitMail(t, complainant, ackOf(late), 2*time.Minute)
	t.Logf("both acknowledgements arrived %.1fs after the servers spoke again", time.Since(back).Seconds())
	waitMail(t, officer, outageMail(intake, "end"), time.Minute)
	time.Sleep(settle)

	if err := d.stop(30 * time.Second); err != nil {
		t.Errorf("klachtd run after SIGTERM: %v, want exit status 0", err)
	}
	noPanic(t, "klachtd run", d.stderr.String())
	if imapProxy.silenced() == 0 || smtpProxy.silenced() == 0 {
		t.Errorf("no connection met the silent server (IMAP %d, SMTP %d): the test tested nothing", imapProxy.silenced(), smtpProxy.silenced())
	}
	checkOnceEach(t, e, []string{first, during, late})
	broke := matching(t, officer, outageMail(intake, "broken"), 0)
	if len(broke) != 1 {
		t.Errorf("the officer was told %d times that sending broke, want once", len(broke))
	}
	for _, raw := range broke {
		if from := addrOf(headerOf(raw, "From")); from != second {
			t.Errorf("the officer was told that sending through %s broke from %s, want %s (the route that still works)", intake, from, second)
		}
	}
	if n := countMatching(t, officer, outageMail(intake, "end")); n != 1 {
		t.Errorf("the officer was told %d times that sending works again, want once", n)
	}
}

// checkOnceEach checks that each complaint (by Message-ID) has exactly one
// dossier and one acknowledgement, that the handler got one notification
// per dossier, that nothing went out twice, and that the INBOX is empty.
func checkOnceEach(t *testing.T, e *env, complaintIDs []string) {
	t.Helper()
	intakeEmpty(t)
	ds := e.listJSON(t)
	if len(ds) != len(complaintIDs) {
		t.Errorf("list -json: %d dossiers for %d complaints", len(ds), len(complaintIDs))
	}
	for _, id := range complaintIDs {
		if n := countMatching(t, complainant, ackOf(id)); n != 1 {
			t.Errorf("the complaint <%s> was acknowledged %d times, want once", id, n)
		}
	}
	for _, d := range ds {
		if n := countMatching(t, staffPiet, notice("notification", d.Number)); n != 1 {
			t.Errorf("%s: the handler got %d notifications, want 1", d.Number, n)
		}
	}
	for _, user := range people {
		for id, n := range countIDs(messageIDsIn(t, user, "INBOX")) {
			if n > 1 {
				t.Errorf("%s received <%s> %d times", user, id, n)
			}
		}
	}
}

// ackOf matches the acknowledgement of the complaint with that Message-ID.
func ackOf(complaintID string) func([]byte) bool {
	return func(raw []byte) bool {
		return headerOf(raw, "X-Klachtd-Letter") == "acknowledgement" && strings.Contains(headerOf(raw, "In-Reply-To"), bareID(complaintID))
	}
}

// outageMail matches the officer's alert about sending through address:
// which is "broken" (it does not work), "end" (it works again, or, when the
// start could not be told, it was interrupted) or "" (either).
func outageMail(address, which string) func([]byte) bool {
	return func(raw []byte) bool {
		if headerOf(raw, "X-Klachtd-Notice") != "alert" {
			return false
		}
		h, err := readHeader(raw)
		if err != nil {
			return false
		}
		subj, _ := h.Subject()
		prefix := "verzenden via " + address + " "
		broken := strings.Contains(subj, prefix+"werkt niet")
		end := strings.Contains(subj, prefix+"werkt weer") || strings.Contains(subj, prefix+"was onderbroken")
		switch which {
		case "broken":
			return broken
		case "end":
			return end
		}
		return broken || end
	}
}

// stackCmd runs an e2e/mailstack subcommand.
func stackCmd(t *testing.T, args ...string) {
	t.Helper()
	if out, err := runTool(2*time.Minute, mailstack, args...); err != nil {
		t.Fatalf("e2e/mailstack %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// restoreStack starts whatever a test stopped.
func restoreStack(t *testing.T) {
	if out, err := runTool(2*time.Minute, mailstack, "up"); err != nil {
		t.Errorf("e2e/mailstack up after the fault: %v\n%s", err, out)
	}
}

// exitCodeOf runs klachtd and returns its exit code.
func exitCodeOf(e *env, args ...string) (int, error) {
	_, _, err := e.klachtd(args...)
	return exitCode(err), err
}

// appendMail puts raw into user's folder over IMAP, as another MX would
// deliver it.
func appendMail(t *testing.T, user, folder string, raw []byte) {
	t.Helper()
	c, done, err := imapLogin(user)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Time: time.Now()})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatalf("append to %s/%s: %v", user, folder, err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("append to %s/%s: %v", user, folder, err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append to %s/%s: %v", user, folder, err)
	}
}

// faultProxy is a TCP proxy to a real server that can turn silent: it then
// cuts the connections it carries and accepts new ones without ever
// sending a byte (reading and discarding what the client says). Turning it
// loud again forwards new connections; the silent ones stay silent until
// the client gives up.
type faultProxy struct {
	t      *testing.T
	ln     net.Listener
	target string

	mu      sync.Mutex
	silent  bool
	live    map[net.Conn]bool // forwarded client connections
	nSilent int
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{t: t, ln: ln, target: target, live: map[net.Conn]bool{}}
	var conns sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for c := range p.live {
			c.Close()
		}
		p.mu.Unlock()
		conns.Wait()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				p.serve(c)
			}()
		}
	}()
	return p
}

func (p *faultProxy) addr() string { return p.ln.Addr().String() }

func (p *faultProxy) silenced() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nSilent
}

// setSilent switches the proxy; going silent cuts the forwarded
// connections.
func (p *faultProxy) setSilent(silent bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.silent = silent
	if silent {
		for c := range p.live {
			c.Close()
		}
	}
}

func (p *faultProxy) serve(c net.Conn) {
	defer c.Close()
	p.mu.Lock()
	silent := p.silent
	if silent {
		p.nSilent++
	} else {
		p.live[c] = true
	}
	p.mu.Unlock()
	if silent {
		_, _ = io.Copy(io.Discard, c) // until the client hangs up
		return
	}
	defer func() {
		p.mu.Lock()
		delete(p.live, c)
		p.mu.Unlock()
	}()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer s.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, err := io.Copy(dst, src)
		if err != nil && !errors.Is(err, net.ErrClosed) {
			_ = err // a cut connection ends the copy; nothing to report
		}
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go pipe(s, c)
	go pipe(c, s)
	<-done
	<-done
}
