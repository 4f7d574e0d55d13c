package e2e

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on machines without a zoneinfo database

	"github.com/emersion/go-imap/v2"
)

// Tests for "The procedure on schedule" (docs/spec.md "Terms", docs/procedure.md
// steps 3, 6, 7 and 8): terms run from the moment the complaint reached the
// mailbox (IMAP INTERNALDATE), so the complaints are put into info@'s INBOX
// by APPEND with a chosen date, and `klachtd once -now` plays the clock.

var amsterdam = mustLocation("Europe/Amsterdam")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// complaintText is Karin's complaint as raw mail, dated date, from the
// complainant addr with display name name (RFC 2047-encoded if needed).
func complaintText(name, addr, id string, date time.Time) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", (&mail.Address{Name: name, Address: addr}).String())
	fmt.Fprintf(&b, "To: %s\r\n", intake)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", "Klacht over mijn coachtraject"))
	fmt.Fprintf(&b, "Date: %s\r\n", date.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\r\n", id)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString("Geachte heer, mevrouw,\r\n\r\nMijn coachtraject is drie keer afgezegd en ik heb nog steeds geen nieuwe afspraak.\r\n" +
		"Ik wil graag dat u hier iets aan doet.\r\n\r\nMet vriendelijke groet,\r\n" + name + "\r\n")
	return b.Bytes()
}

// appendComplaint puts a complaint into info@'s INBOX with INTERNALDATE at
// (RFC 9051 section 6.3.12) and returns its Message-ID.
func appendComplaint(t *testing.T, name, addr string, at time.Time) string {
	t.Helper()
	id := newMessageID("klacht")
	raw := complaintText(name, addr, id, at)
	c, done, err := imapLogin(intake)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	cmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Time: at})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatalf("append: %v", err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("append: %v", err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatalf("append: %v", err)
	}
	return id
}

// day is the Amsterdam date of an RFC 3339 time from -json output.
func day(t *testing.T, field, s string) string {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("%s = %q: %v", field, s, err)
	}
	return tm.In(amsterdam).Format("2006-01-02")
}

// Dovecot clamps an APPEND date in the future to the present (a
// 22-Apr-2027 INTERNALDATE is stored as the time of the APPEND), so the
// scenarios use dates that have passed: -now moves klachtd's clock back.

// thursday is Thu 2026-04-23 10:00 in Amsterdam: five working days later
// crosses Koningsdag (Mon 27-04-2026) and ends on Fri 01-05; four weeks later
// is Thu 21-05-2026.
var thursday = time.Date(2026, 4, 23, 10, 0, 0, 0, amsterdam)

const numberApril = "KL-2026-0001"

// newCaseApril appends Karin's complaint received on thursday, runs `once`
// a few minutes later and reads piet's notification.
func newCaseApril(t *testing.T) *dossierCase {
	t.Helper()
	e := newEnv(t)
	c := &dossierCase{e: e, number: numberApril}
	c.complaintID = appendComplaint(t, "Karin de Klant", complainant, thursday)
	e.mustKlachtd("once", "-now", "2026-04-23T10:05:00+02:00")
	waitMail(t, complainant, letterOf("acknowledgement", c.number), mailWait)
	c.readNotification(t, waitMail(t, staffPiet, notice("notification", c.number), mailWait))
	return c
}

// TestScheduleAcrossKoningsdag follows two dossiers through their terms:
// KL-2026-0001 (received Thu 23-04-2026) acknowledges across Koningsdag;
// KL-2026-0002 (received Thu 30-04-2026, decide by Thu 28-05-2026) has its
// reminder three working days before the decide-by date on Fri 22-05,
// because Mon 25-05-2026 is Tweede Pinksterdag.
func TestScheduleAcrossKoningsdag(t *testing.T) {
	c := newCaseApril(t)
	e := c.e

	d := e.detail(t, c.number)
	if got := day(t, "received_at", d.ReceivedAt); got != "2026-04-23" {
		t.Errorf("received_at %s, want the INTERNALDATE 2026-04-23", got)
	}
	if got := day(t, "acknowledge_by", d.AcknowledgeBy); got != "2026-05-01" {
		t.Errorf("acknowledge_by = %s, want 2026-05-01 (5 werkdagen, Koningsdag 27-04 skipped)", got)
	}
	if got := day(t, "decide_by", d.DecideBy); got != "2026-05-21" {
		t.Errorf("decide_by = %s, want 2026-05-21 (4 weken)", got)
	}
	if !strings.Contains(d.AcknowledgeBasis, "27-04") || !strings.Contains(d.AcknowledgeBasis, "2026-05-01") {
		t.Errorf("acknowledge_basis %q does not show Koningsdag 27-04 skipped and the end 2026-05-01", d.AcknowledgeBasis)
	}
	if !strings.Contains(d.DecideBasis, "2026-05-21") {
		t.Errorf("decide_basis %q does not name 2026-05-21", d.DecideBasis)
	}
	if d.AcknowledgedAt == "" {
		t.Error("acknowledged_at is empty after the first cycle")
	}
	ack := parseMail(t, waitMail(t, complainant, letterOf("acknowledgement", c.number), mailWait))
	if !strings.Contains(ack.Text, "21 mei 2026") {
		t.Errorf("the acknowledgement does not promise the decision by 21 mei 2026:\n%s", ack.Text)
	}

	const second = "KL-2026-0002"
	appendComplaint(t, "Karin de Klant", complainant, time.Date(2026, 4, 30, 10, 0, 0, 0, amsterdam))
	e.mustKlachtd("once", "-now", "2026-04-30T10:05:00+02:00")
	waitMail(t, complainant, letterOf("acknowledgement", second), mailWait)
	d2 := e.detail(t, second)
	if got := day(t, "acknowledge_by", d2.AcknowledgeBy); got != "2026-05-08" {
		t.Errorf("%s acknowledge_by = %s, want 2026-05-08 (Bevrijdingsdag 05-05 skipped)", second, got)
	}
	if got := day(t, "decide_by", d2.DecideBy); got != "2026-05-28" {
		t.Errorf("%s decide_by = %s, want 2026-05-28", second, got)
	}

	steps := []struct {
		now                 string
		reminders1, alerts1 int // for c.number
		reminders2, alerts2 int // for second
	}{
		{"2026-05-15", 0, 0, 0, 0},
		{"2026-05-18", 1, 0, 0, 0}, // 3 werkdagen before Thu 21-05
		{"2026-05-18", 1, 0, 0, 0}, // no second reminder
		{"2026-05-21", 1, 1, 0, 0}, // decide-by reached: the officer is alerted
		{"2026-05-22", 1, 1, 1, 0}, // 3 werkdagen before Thu 28-05, Pinksteren skipped
		{"2026-05-22", 1, 1, 1, 0},
		{"2026-05-25", 1, 1, 1, 0},
		{"2026-05-28", 1, 1, 1, 1},
		{"2026-05-29", 1, 1, 1, 1},
	}
	for _, st := range steps {
		e.mustKlachtd("once", "-now", st.now)
		time.Sleep(settle)
		for _, w := range []struct {
			user, kind, number string
			want               int
		}{
			{staffPiet, "reminder", c.number, st.reminders1},
			{officer, "alert", c.number, st.alerts1},
			{staffPiet, "reminder", second, st.reminders2},
			{officer, "alert", second, st.alerts2},
		} {
			got := 0
			for _, m := range fetchAll(t, w.user, "INBOX") {
				if notice(w.kind, w.number)(m) {
					got++
				}
			}
			if got != w.want {
				t.Errorf("after once -now %s: %s has %d %s notice(s) for %s, want %d", st.now, w.user, got, w.kind, w.number, w.want)
			}
		}
	}
	raw := waitMail(t, staffPiet, notice("reminder", c.number), mailWait)
	if text := parseMail(t, raw).Text; !strings.Contains(text, "21 mei 2026") {
		t.Errorf("the reminder does not name the decide-by date 21 mei 2026:\n%s", text)
	}
	// list computes overdue against the real clock; the timeline shows it.
	d = e.detail(t, c.number)
	if !d.hasEvent("alert") || !d.hasEvent("reminder") {
		t.Errorf("show -json events lack the reminder or the alert:\n  %s", d.eventList())
	}
}

func TestChristmasTerm(t *testing.T) {
	// Tue 2025-12-23: 5 working days skip Christmas (25 and 26 Dec), the
	// weekend and Nieuwjaarsdag; a closed 31 Dec then pushes the term past
	// the next weekend.
	received := time.Date(2025, 12, 23, 10, 0, 0, 0, amsterdam)
	cases := []struct {
		name       string
		closedDays string
		want       string
	}{
		{"public holidays", "", "2026-01-02"},
		{"closed on 31 December", `closed_days = ["2025-12-31"]`, "2026-01-05"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.closedDays != "" {
				cfg, err := os.ReadFile(e.config)
				if err != nil {
					t.Fatal(err)
				}
				text := strings.Replace(string(cfg), "default_handler = ", tc.closedDays+"\ndefault_handler = ", 1)
				e.config = filepath.Join(e.dir, "closed.toml")
				if err := os.WriteFile(e.config, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			appendComplaint(t, "Karin de Klant", complainant, received)
			e.mustKlachtd("once", "-now", "2025-12-23T10:05:00+01:00")
			d := e.detail(t, "KL-2025-0001")
			if got := day(t, "acknowledge_by", d.AcknowledgeBy); got != tc.want {
				t.Errorf("acknowledge_by = %s, want %s (basis: %s)", got, tc.want, d.AcknowledgeBasis)
			}
			waitMail(t, complainant, letterOf("acknowledgement", "KL-2025-0001"), mailWait)
		})
	}
}

func TestDelayLetterByMutt(t *testing.T) {
	c := newCaseApril(t)
	const reason = "Wij wachten op de reactie van de coach."
	muttAnswer(t, staffPiet, c.noticeID, "Uitstel: 2 weken\nReden: "+reason+"\n\n")
	waitIntake(t, 1)

	c.e.mustKlachtd("once", "-now", "2026-04-24")

	raw := waitMail(t, complainant, letterOf("delay", c.number), mailWait)
	p := parseMail(t, raw)
	for _, want := range []string{reason, "4 juni 2026", "21 mei 2026"} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("delay letter text lacks %q:\n%s", want, p.Text)
		}
	}
	if p.PDF != nil {
		if text := strings.Join(strings.Fields(pdfText(t, p.PDF)), " "); !strings.Contains(text, "4 juni 2026") {
			t.Errorf("delay letter PDF lacks the new date 4 juni 2026:\n%s", text)
		}
	}
	if irt, _ := p.Header.MsgIDList("In-Reply-To"); len(irt) != 1 || irt[0] != c.complaintID {
		t.Errorf("delay letter In-Reply-To = %q, want <%s>", p.Header.Get("In-Reply-To"), c.complaintID)
	}
	d := c.e.detail(t, c.number)
	if got := day(t, "decide_by", d.DecideBy); got != "2026-06-04" {
		t.Errorf("decide_by = %s after Uitstel: 2 weken, want 2026-06-04", got)
	}
	if d.ExtensionReason != reason {
		t.Errorf("extension_reason = %q, want %q", d.ExtensionReason, reason)
	}
	// The reminder follows the new term: none on Mon 2026-05-18 any more.
	c.e.mustKlachtd("once", "-now", "2026-05-18")
	if n := countMatching(t, staffPiet, notice("reminder", c.number)); n != 0 {
		t.Errorf("piet has %d reminder(s) for the old term, want 0", n)
	}
	if n := countMatching(t, staffPiet, headerIs("X-Klachtd-Notice", "held")); n != 0 {
		t.Errorf("piet's command reply was held (%d held notice(s))", n)
	}
}

// dutchDate writes the Amsterdam date of an RFC 3339 time from -json
// output the way the Dutch letters do ("21 mei 2026").
func dutchDate(t *testing.T, field, s string) string {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("%s = %q: %v", field, s, err)
	}
	months := []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
	tm = tm.In(amsterdam)
	return fmt.Sprintf("%d %s %d", tm.Day(), months[tm.Month()-1], tm.Year())
}

// normalise joins the words of a text with single spaces, so that line
// breaks of pdftotext do not matter.
func normalise(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func TestDecisionLetterAndPost(t *testing.T) {
	e := newEnv(t)
	const name = "José Müller-Çelik"
	number := firstNumber()
	id := newMessageID("klacht")
	sendMail(t, complainant, intake, complaintText(name, complainant, id, time.Now()))
	e.mustKlachtd("once")
	waitMail(t, complainant, letterOf("acknowledgement", number), mailWait)
	c := &dossierCase{e: e, number: number, complaintID: id}
	c.readNotification(t, waitMail(t, staffPiet, notice("notification", number), mailWait))

	const facts = "De coach heeft drie afspraken kort van tevoren afgezegd."
	c.command(t, staffPiet, "Oordeel: gegrond\n\n"+
		"Feiten: "+facts+"\n"+
		"Standpunt: Dat had niet mogen gebeuren.\n"+
		"Maatregelen: U krijgt twee extra sessies zonder kosten.\n")
	e.mustKlachtd("once")

	decision := parseMail(t, waitMail(t, complainant, letterOf("decision", number), mailWait))
	if decision.PDF == nil {
		t.Fatal("decision email has no PDF")
	}
	text := normalise(pdfText(t, decision.PDF))
	for _, want := range []string{"gegrond", number, facts, "Geschillencommissie", name} {
		if !strings.Contains(text, want) {
			t.Errorf("decision PDF lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(decision.Text, facts) {
		t.Errorf("decision email text lacks the facts:\n%s", decision.Text)
	}

	topost := parseMail(t, waitMail(t, officer, notice("topost", number), mailWait))
	if topost.PDF == nil {
		t.Fatal("topost mail has no PDF attached")
	}
	if !bytes.Equal(topost.PDF, decision.PDF) {
		t.Errorf("the PDF to post (%d bytes) differs from the emailed decision (%d bytes)", len(topost.PDF), len(decision.PDF))
	}
	l := e.listEntry(t, number)
	if !contains(l.ToPost, "decision") {
		t.Errorf("list -json to_post = %q, want it to contain decision", l.ToPost)
	}
	if l.Verdict != "founded" || l.Status != "decided" {
		t.Errorf("verdict %q status %q, want founded and decided", l.Verdict, l.Status)
	}

	today := time.Now().In(amsterdam).Format("2006-01-02")
	c.command(t, officer, "Verzonden: "+today+"\n\n")
	e.mustKlachtd("once")

	d := e.detail(t, number)
	var found bool
	for _, lt := range d.Letters {
		if lt.Kind != "decision" {
			continue
		}
		found = true
		if lt.PostedAt == "" || day(t, "posted_at", lt.PostedAt) != today {
			t.Errorf("decision letter posted_at = %q, want %s", lt.PostedAt, today)
		}
		if lt.ToPost {
			t.Error("decision letter is still to_post after Verzonden:")
		}
	}
	if !found {
		t.Errorf("show -json has no decision letter: %+v", d.Letters)
	}
	if l := e.listEntry(t, number); len(l.ToPost) != 0 {
		t.Errorf("list -json to_post = %q after Verzonden:, want empty", l.ToPost)
	}
	if n := countMatching(t, officer, headerIs("X-Klachtd-Notice", "commanderror")); n != 0 {
		t.Errorf("officer received %d command error(s)", n)
	}
}

func TestBouncedDecisionGoesToPost(t *testing.T) {
	// The complainant's domain is not local: Postfix refuses it at RCPT TO
	// (554 relay access denied), a permanent failure, so the acknowledgement
	// goes to the officer to post.
	const addr = "someone@nowhere.invalid"
	e := newEnv(t)
	number := firstNumber()
	appendComplaint(t, "Sam Someone", addr, time.Now())
	e.mustKlachtd("once")

	topost := parseMail(t, waitMail(t, officer, notice("topost", number), mailWait))
	if topost.PDF == nil {
		t.Fatal("topost mail has no PDF attached")
	}
	text := normalise(pdfText(t, topost.PDF))
	for _, want := range []string{number, "Sam Someone"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF to post lacks %q:\n%s", want, text)
		}
	}
	d := e.detail(t, number)
	if !d.hasEvent("send failed") || !d.hasEvent("to post") {
		t.Errorf("show -json events lack send failed / to post:\n  %s", d.eventList())
	}
	var ack bool
	for _, l := range d.Letters {
		if l.Kind == "acknowledgement" {
			ack = true
			if !l.ToPost || l.SentAt != "" {
				t.Errorf("acknowledgement letter to_post %v sent_at %q, want to post and not sent", l.ToPost, l.SentAt)
			}
		}
	}
	if !ack {
		t.Errorf("show -json has no acknowledgement letter: %+v", d.Letters)
	}
	if !contains(e.listEntry(t, number).ToPost, "acknowledgement") {
		t.Error("list -json to_post lacks acknowledgement")
	}
	// The handler is still told about the complaint.
	waitMail(t, staffPiet, notice("notification", number), mailWait)
}

func TestWeeklyDigest(t *testing.T) {
	c := newCaseApril(t)
	digest := headerIs("X-Klachtd-Notice", "digest")
	// Thursday 10:05 is past the digest's window (Monday 08:00 to the end
	// of Wednesday): no digest with the first cycle.
	if n := countMatching(t, officer, digest); n != 0 {
		t.Errorf("officer has %d digest(s) on a Thursday, want 0", n)
	}
	c.e.mustKlachtd("once", "-now", "2026-05-04")
	raw := waitMail(t, officer, digest, mailWait)
	if text := parseMail(t, raw).Text; !strings.Contains(text, c.number) {
		t.Errorf("the digest does not list %s:\n%s", c.number, text)
	}
	c.e.mustKlachtd("once", "-now", "2026-05-05T12:00:00+02:00")
	if n := countMatching(t, officer, digest); n != 1 {
		t.Errorf("officer has %d digests after two cycles in one week, want 1", n)
	}
}
