package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Tests for "Staff work from their own mail client" (docs/spec.md "Mail
// conventions"): staff answer klachtd's notifications in mutt, write
// internal notes and commands to the dossier's token addresses, and answer
// the complainant directly with info@ in Cc.

// mailWait is how long a test waits for mail that klachtd sent in a cycle
// that has already returned.
const mailWait = 10 * time.Second

// fullDetail is `show -json` with the fields beyond harness's dossierDetail
// that these tests read (docs/spec.md "JSON output" and cmd_show.go).
type fullDetail struct {
	Number           string   `json:"number"`
	Status           string   `json:"status"`
	Handler          string   `json:"handler"`
	Concerns         string   `json:"concerns"`
	Verdict          string   `json:"verdict"`
	ReceivedAt       string   `json:"received_at"`
	AcknowledgeBy    string   `json:"acknowledge_by"`
	AcknowledgedAt   string   `json:"acknowledged_at"`
	DecideBy         string   `json:"decide_by"`
	AcknowledgeBasis string   `json:"acknowledge_basis"`
	DecideBasis      string   `json:"decide_basis"`
	ExtensionReason  string   `json:"extension_reason"`
	Facts            string   `json:"facts"`
	ClosedAt         string   `json:"closed_at"`
	ToPost           []string `json:"to_post"`
	Messages         []struct {
		Direction string `json:"direction"`
		Kind      string `json:"kind"`
		From      string `json:"from"`
		Subject   string `json:"subject"`
		MessageID string `json:"message_id"`
		Text      string `json:"text"`
	} `json:"messages"`
	Letters []struct {
		Kind      string `json:"kind"`
		Recipient string `json:"recipient"`
		SentAt    string `json:"sent_at"`
		PostedAt  string `json:"posted_at"`
		ToPost    bool   `json:"to_post"`
		Channel   string `json:"channel"`
	} `json:"letters"`
	Events []event `json:"events"`
}

// detail decodes `klachtd show -json NUMBER`.
func (e *env) detail(t testing.TB, number string) fullDetail {
	t.Helper()
	out := e.mustKlachtd("show", "-json", number)
	var d fullDetail
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("decode show -json %s: %v\n%s", number, err, tail(out, 2000))
	}
	return d
}

// messageKinds lists the kind of every message of a dossier, for failure
// output.
func (d fullDetail) messageKinds() string {
	var s []string
	for _, m := range d.Messages {
		s = append(s, fmt.Sprintf("%s/%s from %s", m.Direction, m.Kind, m.From))
	}
	return strings.Join(s, ", ")
}

// hasMessage reports whether the dossier holds a message of that kind, from
// a sender containing from ("" for any sender).
func (d fullDetail) hasMessage(kind, from string) bool {
	for _, m := range d.Messages {
		if m.Kind == kind && strings.Contains(strings.ToLower(m.From), strings.ToLower(from)) {
			return true
		}
	}
	return false
}

// hasEvent reports whether the dossier's timeline holds an event with that
// action.
func (d fullDetail) hasEvent(action string) bool {
	for _, ev := range d.Events {
		if ev.Action == action {
			return true
		}
	}
	return false
}

// eventList summarises the timeline for failure output.
func (d fullDetail) eventList() string {
	var s []string
	for _, ev := range d.Events {
		s = append(s, ev.Action+": "+ev.Detail)
	}
	return strings.Join(s, "\n  ")
}

// listEntry is one dossier of `list -json`, with to_post.
type listEntry struct {
	Number  string   `json:"number"`
	Status  string   `json:"status"`
	Handler string   `json:"handler"`
	Verdict string   `json:"verdict"`
	ToPost  []string `json:"to_post"`
}

// listEntry returns the dossier number of `list -status all -json`.
func (e *env) listEntry(t testing.TB, number string) listEntry {
	t.Helper()
	out := e.mustKlachtd("list", "-status", "all", "-json")
	var ds []listEntry
	if err := json.Unmarshal([]byte(out), &ds); err != nil {
		t.Fatalf("decode list -json: %v\n%s", err, tail(out, 2000))
	}
	for _, d := range ds {
		if d.Number == number {
			return d
		}
	}
	t.Fatalf("list -json has no dossier %s: %s", number, tail(out, 2000))
	return listEntry{}
}

// headerIs returns a predicate matching mail whose header name has the
// value want (compared without regard to case or surrounding space).
func headerIs(name, want string) func([]byte) bool {
	return func(raw []byte) bool {
		h, err := readHeader(raw)
		if err != nil {
			return false
		}
		return strings.EqualFold(strings.TrimSpace(h.Get(name)), want)
	}
}

// notice matches klachtd's internal mail of a kind about a dossier.
func notice(kind, number string) func([]byte) bool {
	return both(headerIs("X-Klachtd-Notice", kind), headerIs("X-Klachtd-Dossier", number))
}

// letterOf matches a klachtd letter of a kind about a dossier.
func letterOf(kind, number string) func([]byte) bool {
	return both(headerIs("X-Klachtd-Letter", kind), headerIs("X-Klachtd-Dossier", number))
}

func both(a, b func([]byte) bool) func([]byte) bool {
	return func(raw []byte) bool { return a(raw) && b(raw) }
}

// containsText matches mail whose raw bytes or decoded text contain s.
func containsText(t *testing.T, s string) func([]byte) bool {
	return func(raw []byte) bool {
		if strings.Contains(string(raw), s) {
			return true
		}
		return strings.Contains(parseMail(t, raw).Text, s)
	}
}

var (
	internalRe = regexp.MustCompile(`info\+[A-Z]+-\d{4}-\d{4}\.[a-z2-7]+\.intern@example\.nl`)
	relayRe    = regexp.MustCompile(`info\+[A-Z]+-\d{4}-\d{4}\.[a-z2-7]+@example\.nl`)
)

// dossierCase is a complaint registered by one `klachtd once`, with the
// handler's notification.
type dossierCase struct {
	e           *env
	number      string
	complaintID string
	noticeID    string // Message-ID of piet's notification
	relay       string // its Reply-To
	internal    string // the internal address named in its text
}

// newDossierCase sends Karin's complaint, runs one cycle and waits for the
// acknowledgement and for piet's notification.
func newDossierCase(t *testing.T) *dossierCase {
	t.Helper()
	e := newEnv(t)
	c := &dossierCase{e: e, number: firstNumber()}
	c.complaintID = sendComplaint(t, "Klacht over mijn coachtraject")
	e.mustKlachtd("once")
	waitMail(t, complainant, letterOf("acknowledgement", c.number), mailWait)
	c.readNotification(t, waitMail(t, staffPiet, notice("notification", c.number), mailWait))
	return c
}

// readNotification takes the reply addresses from a staff notification.
func (c *dossierCase) readNotification(t *testing.T, raw []byte) {
	t.Helper()
	p := parseMail(t, raw)
	id, err := p.Header.MessageID()
	if err != nil || id == "" {
		t.Fatalf("notification has no Message-ID (%q): %v", p.Header.Get("Message-ID"), err)
	}
	c.noticeID = id
	rt, err := p.Header.AddressList("Reply-To")
	if err != nil || len(rt) != 1 {
		t.Fatalf("notification Reply-To = %q (%v), want one relay address", p.Header.Get("Reply-To"), err)
	}
	c.relay = rt[0].Address
	if !relayRe.MatchString(c.relay) || !strings.Contains(c.relay, "+"+c.number+".") {
		t.Errorf("notification Reply-To %q is not the relay address info+%s.TOKEN@example.nl", c.relay, c.number)
	}
	c.internal = internalRe.FindString(p.Text)
	if c.internal == "" {
		t.Fatalf("notification text names no internal address info+%s.TOKEN.intern@example.nl:\n%s", c.number, p.Text)
	}
	if !strings.HasPrefix(c.internal, "info+"+c.number+".") {
		t.Errorf("internal address %q is not for %s", c.internal, c.number)
	}
	if !strings.Contains(p.Text, "Antwoord boven deze regel") {
		t.Errorf("notification text lacks the marker line:\n%s", p.Text)
	}
}

// waitIntake waits until info@'s INBOX holds at least n messages: the
// staff mail that the next cycle is to file.
func waitIntake(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(mailboxUIDs(t, intake, "INBOX")) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s INBOX did not reach %d message(s) within 20s", intake, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// muttAnswer has user answer the message with that Message-ID in mutt, with
// text above the quote, the way e2e/mailstack mutt-reply does (limit to the
// Message-ID, reply, send) but with reply_to=yes: the message is a klachtd
// notice with a Reply-To, and mutt asks whether to reply there, which the
// person answers with yes. mutt-reply as it stands leaves that prompt
// unanswered and times out (the generated muttrc does not set reply_to).
func muttAnswer(t *testing.T, user, messageID, text string) {
	t.Helper()
	id := bareID(messageID)
	rc, err := runTool(30*time.Second, mailstack, "muttrc", user)
	if err != nil {
		t.Fatalf("mailstack muttrc %s: %v\n%s", user, err, rc)
	}
	dir := t.TempDir()
	body := filepath.Join(dir, "reply.txt")
	if err := os.WriteFile(body, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	pattern := "^." + regexp.MustCompile(`[^A-Za-z0-9@]`).ReplaceAllString(id, "[$0]") + ".$"
	cmds := filepath.Join(dir, "cmds")
	push := fmt.Sprintf("push '<limit>~i \"%s\"<enter><reply><send-message><quit>'\n", pattern)
	if err := os.WriteFile(cmds, []byte(push), 0o600); err != nil {
		t.Fatal(err)
	}
	before := sentReplies(t, user, id)
	muttCmd := fmt.Sprintf("mutt -F %s -f =INBOX -e 'set reply_to=yes' -e 'source %s'", strings.TrimSpace(rc), cmds)
	screen := filepath.Join(dir, "screen")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "script", "-qefc", muttCmd, screen)
	cmd.Env = append(os.Environ(), "TERM=xterm", "MAILSTACK_REPLY_FILE="+body)
	out, runErr := cmd.CombinedOutput()
	if after := sentReplies(t, user, id); after <= before {
		transcript, _ := os.ReadFile(screen)
		t.Fatalf("mutt as %s did not send a reply to <%s> (%v)\n%s\nscreen:\n%s", user, id, runErr, out, tail(string(transcript), 3000))
	}
}

// sentReplies counts the messages in user's Sent folder that answer id.
func sentReplies(t *testing.T, user, id string) int {
	t.Helper()
	c, done, err := imapLogin(user)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	uids, _, err := selectUIDs(c, "Sent", &imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: "In-Reply-To", Value: id}},
	})
	if err != nil {
		t.Fatalf("%s: %v", user, err)
	}
	return len(uids)
}

// draft is a message composed in mutt's draft mode (mutt -H).
type draft struct {
	To, Cc, Subject, InReplyTo, Body string
}

// muttDraft sends a draft as user through mutt in batch mode; mutt exits
// once Postfix has accepted it.
func muttDraft(t *testing.T, user string, d draft) {
	t.Helper()
	rc, err := runTool(30*time.Second, mailstack, "muttrc", user)
	if err != nil {
		t.Fatalf("mailstack muttrc %s: %v\n%s", user, err, rc)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "To: %s\n", d.To)
	if d.Cc != "" {
		fmt.Fprintf(&b, "Cc: %s\n", d.Cc)
	}
	fmt.Fprintf(&b, "Subject: %s\n", d.Subject)
	if d.InReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\nReferences: <%s>\n", bareID(d.InReplyTo), bareID(d.InReplyTo))
	}
	b.WriteString("\n" + d.Body)
	file := filepath.Join(t.TempDir(), "draft.eml")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runTool(time.Minute, "mutt", "-F", strings.TrimSpace(rc), "-H", file); err != nil {
		t.Fatalf("mutt -H as %s: %v\n%s", user, err, out)
	}
}

// command sends a message from user to the dossier's internal address in
// mutt and waits until it is in info@'s INBOX.
func (c *dossierCase) command(t *testing.T, user, body string) {
	t.Helper()
	muttDraft(t, user, draft{To: c.internal, Subject: "[" + c.number + "] opdracht", Body: body})
	waitIntake(t, 1)
}

// countMatching counts the messages of user's INBOX that satisfy pred,
// after settle.
func countMatching(t *testing.T, user string, pred func([]byte) bool) int {
	t.Helper()
	return len(matching(t, user, pred, settle))
}

func TestMuttReplyIsRelayed(t *testing.T) {
	c := newDossierCase(t)
	text := "Beste mevrouw De Klant,\n\nIk heb uw klacht gelezen en bel u morgen om een nieuwe afspraak te maken.\n\nMet vriendelijke groet,\nPiet"
	muttAnswer(t, staffPiet, c.noticeID, text)
	waitIntake(t, 1)

	c.e.mustKlachtd("once")

	fromInfo := func(raw []byte) bool {
		h, err := readHeader(raw)
		if err != nil {
			return false
		}
		from, err := h.AddressList("From")
		return err == nil && len(from) == 1 && from[0].Address == intake && h.Get("X-Klachtd-Letter") == ""
	}
	raw := waitMail(t, complainant, both(fromInfo, containsText(t, "bel u morgen")), mailWait)
	p := parseMail(t, raw)
	subj, _ := p.Header.Subject()
	if !strings.Contains(subj, "["+c.number+"]") {
		t.Errorf("relayed subject %q lacks [%s]", subj, c.number)
	}
	if irt, _ := p.Header.MsgIDList("In-Reply-To"); len(irt) != 1 || irt[0] != c.complaintID {
		t.Errorf("relayed In-Reply-To = %q, want <%s> (the complaint)", p.Header.Get("In-Reply-To"), c.complaintID)
	}
	if refs, _ := p.Header.MsgIDList("References"); !contains(refs, c.complaintID) {
		t.Errorf("relayed References = %q, want it to contain <%s>", p.Header.Get("References"), c.complaintID)
	}
	for _, want := range []string{"Ik heb uw klacht gelezen", "Piet"} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("relayed text lacks %q:\n%s", want, p.Text)
		}
	}
	for _, leak := range []string{"Antwoord boven", "+KL-", "wrote:", "Nieuwe klacht", c.relay, c.internal} {
		if strings.Contains(p.Text, leak) || strings.Contains(p.HTML, leak) {
			t.Errorf("relayed mail contains %q:\n%s", leak, p.Text)
		}
	}
	for _, line := range strings.Split(p.Text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), ">") {
			t.Errorf("relayed text has a quoted line %q:\n%s", line, p.Text)
		}
	}
	if strings.Contains(string(raw), "+KL-") {
		t.Errorf("relayed mail carries a token address in its raw bytes")
	}
	if n := countMatching(t, complainant, fromInfo); n != 1 {
		t.Errorf("%s received %d relayed mails, want 1", complainant, n)
	}

	d := c.e.detail(t, c.number)
	if !d.hasMessage("relay", intake) {
		t.Errorf("show -json has no relay message: %s", d.messageKinds())
	}
	if !d.hasEvent("relayed") {
		t.Errorf("show -json events lack relayed:\n  %s", d.eventList())
	}
}

func TestInternalNoteStaysInside(t *testing.T) {
	c := newDossierCase(t)
	before := len(fetchAll(t, complainant, "INBOX"))
	c.command(t, staffPiet, "Ik heb de coach gebeld; hij neemt deze week contact op met de klant.\n\nPiet\n")

	c.e.mustKlachtd("once")

	d := c.e.detail(t, c.number)
	if !d.hasMessage("note", staffPiet) {
		t.Errorf("show -json has no note from %s: %s", staffPiet, d.messageKinds())
	}
	for _, m := range d.Messages {
		if m.Kind == "note" && m.Direction != "internal" {
			t.Errorf("note has direction %q, want internal", m.Direction)
		}
	}
	time.Sleep(settle)
	if after := len(fetchAll(t, complainant, "INBOX")); after != before {
		t.Errorf("%s had %d message(s) before the note and %d after: %s", complainant, before, after, subjects(fetchAll(t, complainant, "INBOX")))
	}
	if d.Status != "open" || d.Handler != staffPiet {
		t.Errorf("status %q handler %q after a note, want open and %s", d.Status, d.Handler, staffPiet)
	}
}

func TestReassignNotifiesNewHandler(t *testing.T) {
	c := newDossierCase(t)
	c.command(t, staffPiet, "Behandelaar: anna@example.nl\n\nAnna, wil jij dit oppakken? Jij kent de coach.\n")

	c.e.mustKlachtd("once")

	raw := waitMail(t, staffAnna, notice("notification", c.number), mailWait)
	p := parseMail(t, raw)
	if rt, err := p.Header.AddressList("Reply-To"); err != nil || len(rt) != 1 || rt[0].Address != c.relay {
		t.Errorf("anna's notification Reply-To = %q, want %s", p.Header.Get("Reply-To"), c.relay)
	}
	// The notification states the same decide-by date as show -json.
	want := dutchDate(t, "decide_by", c.e.detail(t, c.number).DecideBy)
	if !strings.Contains(p.Text, "Beslissing uiterlijk:  "+want) && !strings.Contains(normalise(p.Text), "Beslissing uiterlijk: "+want) {
		t.Errorf("anna's notification does not give the decide-by date %s:\n%s", want, p.Text)
	}
	if got := c.e.listEntry(t, c.number).Handler; got != staffAnna {
		t.Errorf("list -json handler = %q, want %s", got, staffAnna)
	}
	if n := countMatching(t, staffPiet, headerIs("X-Klachtd-Notice", "commanderror")); n != 0 {
		t.Errorf("piet received %d command error(s)", n)
	}
}

func TestHearing(t *testing.T) {
	const jan = "jan@example.nl"
	addUser(t, jan)
	c := newDossierCase(t)
	c.command(t, staffPiet, "Betrokkene: Jan Coach <jan@example.nl>\n\n")

	c.e.mustKlachtd("once")

	raw := waitMail(t, jan, letterOf("hearing", c.number), mailWait)
	p := parseMail(t, raw)
	rt, err := p.Header.AddressList("Reply-To")
	if err != nil || len(rt) != 1 || !strings.HasSuffix(rt[0].Address, ".hoor@example.nl") || !strings.HasPrefix(rt[0].Address, "info+"+c.number+".") {
		t.Errorf("hearing Reply-To = %q, want info+%s.TOKEN.hoor@example.nl", p.Header.Get("Reply-To"), c.number)
	}
	if p.PDF == nil {
		t.Error("hearing letter has no PDF attached")
	} else if text := pdfText(t, p.PDF); !strings.Contains(text, c.number) || !strings.Contains(text, "Jan Coach") {
		t.Errorf("hearing PDF lacks %s or Jan Coach:\n%s", c.number, text)
	}
	if !strings.Contains(p.Text, "drie keer afgezegd") {
		t.Errorf("hearing letter does not quote the complaint:\n%s", p.Text)
	}
	if d := c.e.detail(t, c.number); d.Concerns != jan {
		t.Errorf("show -json concerns = %q, want %s", d.Concerns, jan)
	}

	hearingID, _ := p.Header.MessageID()
	muttAnswer(t, jan, hearingID, "Ik heb de afspraken afgezegd omdat ik ziek was. Ik heb de klant steeds gebeld.\n\nJan")
	waitIntake(t, 1)

	c.e.mustKlachtd("once")

	d := c.e.detail(t, c.number)
	if !d.hasMessage("hearing", jan) {
		t.Errorf("show -json has no hearing message from %s: %s", jan, d.messageKinds())
	}
	fu := parseMail(t, waitMail(t, staffPiet, notice("followup", c.number), mailWait))
	if !strings.Contains(fu.Text, "omdat ik ziek was") {
		t.Errorf("piet's followup does not carry jan's reply:\n%s", fu.Text)
	}
	if n := countMatching(t, complainant, containsText(t, "omdat ik ziek was")); n != 0 {
		t.Errorf("the complainant received jan's hearing reply (%d mail(s))", n)
	}
}

// addUser adds a user to the stack and waits until Dovecot lets it log in:
// adduser waits only for Postfix, and Dovecot may read the new passwd-file
// a moment later (a login or LMTP delivery in that moment fails).
func addUser(t *testing.T, addr string) {
	t.Helper()
	if out, err := runTool(time.Minute, mailstack, "adduser", addr, stack.Password); err != nil {
		t.Fatalf("mailstack adduser %s: %v\n%s", addr, err, out)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, done, err := imapLogin(addr)
		if err == nil {
			done()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s cannot log in 15s after adduser: %v", addr, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// tamper changes one character of the token in a token address.
func tamper(t *testing.T, addr string) string {
	t.Helper()
	local, domain, _ := strings.Cut(addr, "@")
	parts := strings.Split(local, ".")
	if len(parts) < 2 || parts[1] == "" {
		t.Fatalf("no token in %q", addr)
	}
	tok := []byte(parts[1])
	if tok[0] == 'a' {
		tok[0] = 'b'
	} else {
		tok[0] = 'a'
	}
	parts[1] = string(tok)
	return strings.Join(parts, ".") + "@" + domain
}

func TestForgedCommands(t *testing.T) {
	c := newDossierCase(t)
	alerts := 0
	cases := []struct {
		name, from, to string
	}{
		{"right token from a non-staff address", complainant, c.internal},
		{"staff address with a tampered token", staffPiet, tamper(t, c.internal)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sendMail(t, tc.from, tc.to, plainMail{
				From:      tc.from,
				To:        tc.to,
				Subject:   "Re: [" + c.number + "] Klacht over mijn coachtraject",
				MessageID: newMessageID("forged"),
				Body:      "Status: afgehandeld\n\nDeze klacht is afgehandeld.\n",
			}.bytes())

			c.e.mustKlachtd("once")

			d := c.e.detail(t, c.number)
			if d.Status != "open" || d.ClosedAt != "" {
				t.Errorf("status = %q after a forged command, want open", d.Status)
			}
			if d.hasEvent("status") {
				t.Errorf("events hold a status change:\n  %s", d.eventList())
			}
			alerts++
			raw := waitMail(t, officer, notice("alert", c.number), mailWait)
			if !strings.Contains(parseMail(t, raw).Text, tc.from) {
				t.Errorf("the alert does not name the sender %s:\n%s", tc.from, parseMail(t, raw).Text)
			}
			if n := countMatching(t, officer, headerIs("X-Klachtd-Notice", "alert")); n != alerts {
				t.Errorf("officer has %d alert(s), want %d", n, alerts)
			}
		})
	}
}

func TestBadCommandGetsErrorReply(t *testing.T) {
	c := newDossierCase(t)
	c.command(t, staffPiet, "Oordeel: half\n\nFeiten: De coach zegde drie keer af.\nStandpunt: Half terecht.\n")

	c.e.mustKlachtd("once")

	raw := waitMail(t, staffPiet, notice("commanderror", c.number), mailWait)
	p := parseMail(t, raw)
	if !strings.Contains(p.Text, "Oordeel: half") {
		t.Errorf("command error does not name the line \"Oordeel: half\":\n%s", p.Text)
	}
	d := c.e.detail(t, c.number)
	if d.Verdict != "" || d.Status != "open" {
		t.Errorf("verdict %q status %q after a refused command, want empty and open", d.Verdict, d.Status)
	}
	for _, l := range d.Letters {
		if l.Kind == "decision" {
			t.Errorf("a decision letter was made after a refused command: %+v", l)
		}
	}
	if n := countMatching(t, complainant, headerIs("X-Klachtd-Letter", "decision")); n != 0 {
		t.Errorf("the complainant received %d decision letter(s)", n)
	}
}

func TestStaffCopyIsFiledNotRelayed(t *testing.T) {
	c := newDossierCase(t)
	muttDraft(t, staffPiet, draft{
		To:        complainant,
		Cc:        intake,
		Subject:   "Re: Klacht over mijn coachtraject",
		InReplyTo: c.complaintID,
		Body:      "Beste Karin,\n\nDe coach neemt vandaag contact met u op voor een nieuwe afspraak.\n\nGroet,\nPiet\n",
	})
	waitIntake(t, 1)
	waitMail(t, complainant, containsText(t, "neemt vandaag contact"), mailWait)

	c.e.mustKlachtd("once")

	d := c.e.detail(t, c.number)
	if !d.hasMessage("staffcopy", staffPiet) {
		t.Errorf("show -json has no staffcopy from %s: %s", staffPiet, d.messageKinds())
	}
	if d.hasMessage("relay", "") {
		t.Errorf("the staff copy was relayed: %s", d.messageKinds())
	}
	copies := matching(t, complainant, containsText(t, "neemt vandaag contact"), settle)
	if len(copies) != 1 {
		t.Fatalf("%s received %d copies of piet's answer, want 1: %s", complainant, len(copies), subjects(copies))
	}
	h, _ := readHeader(copies[0])
	if from, err := h.AddressList("From"); err != nil || len(from) != 1 || from[0].Address != staffPiet {
		t.Errorf("the copy the complainant has is From %q, want piet's own", h.Get("From"))
	}
}
