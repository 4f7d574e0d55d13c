package daemon

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register"
)

func TestScheduleAcrossHolidays(t *testing.T) {
	w := newWorld(t)
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, procedure.Amsterdam)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	received := at("2027-04-22 10:00") // Thursday before Koningsdag (Tue 27-04-2027)
	raw := strings.ReplaceAll(strings.ReplaceAll(complaint, "\r\n", "\n"), "\n", "\r\n")
	if err := w.srv.Append("info@example.nl", "INBOX", []byte(raw), received); err != nil {
		t.Fatal(err)
	}
	step := func(now string) {
		t.Helper()
		n := at(now)
		w.d.Now = func() time.Time { return n.UTC() }
		w.once()
	}
	step("2027-04-22 10:05")
	ds := w.dossiers()
	if len(ds) != 1 {
		t.Fatalf("%d dossiers", len(ds))
	}
	d := ds[0]
	if got := d.AcknowledgeBy.In(procedure.Amsterdam).Format("2006-01-02"); got != "2027-04-30" {
		t.Errorf("acknowledge by %s, want 2027-04-30 (5 working days skipping Koningsdag); basis %q", got, d.AcknowledgeBasis)
	}
	if got := d.DecideBy.In(procedure.Amsterdam).Format("2006-01-02"); got != "2027-05-20" {
		t.Errorf("decide by %s, want 2027-05-20", got)
	}
	reminders := func() int { return len(w.notices("piet@example.nl", "reminder")) }
	alerts := func() int { return len(w.notices("officer@example.nl", "alert")) }

	step("2027-05-13 12:00")
	if reminders() != 0 {
		t.Fatal("reminder before its day")
	}
	// 3 working days before Thu 20-05: Wed 19, Tue 18, (Tweede Pinksterdag
	// Mon 17 skipped), Fri 14.
	step("2027-05-14 09:00")
	if reminders() != 1 {
		t.Fatalf("%d reminders on Fri 2027-05-14, want 1", reminders())
	}
	step("2027-05-14 15:00")
	if reminders() != 1 {
		t.Fatalf("reminder sent twice")
	}
	step("2027-05-19 23:00")
	if alerts() != 0 {
		t.Fatal("officer alerted before the decide-by date")
	}
	step("2027-05-20 08:30")
	if alerts() != 1 {
		t.Fatalf("%d officer alerts on the decide-by date, want 1", alerts())
	}
	step("2027-05-21 09:00")
	if alerts() != 1 {
		t.Fatal("officer alerted twice")
	}
	if d := w.dossiers()[0]; !register.Overdue(d, w.d.Now()) {
		t.Error("dossier not overdue the day after its decide-by date")
	}
}

// TestLettersPrintAmsterdamDates guards against dates read back from the
// store (UTC) printing as the day before: midnight in Amsterdam is 22:00 or
// 23:00 UTC on the previous day.
func TestLettersPrintAmsterdamDates(t *testing.T) {
	w := newWorld(t)
	w.deliver(complaint)
	w.once()
	dos := w.dossiers()[0]
	n := w.mails("piet@example.nl")[0]
	_, internal := w.d.rules.Addresses(dos)
	w.deliver(staffReply("piet@example.nl", internal, n.MessageID, "Uitstel: 2 weken\nReden: De coach is met vakantie.", n.Text))
	w.once()
	var delay string
	for _, m := range w.mails("klant@example.com") {
		if m.Header.Get("X-Klachtd-Letter") == "delay" {
			delay = m.Text
		}
	}
	months := []string{"", "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
	dutch := func(tm time.Time) string {
		tm = tm.In(procedure.Amsterdam)
		return fmt.Sprintf("%d %s %d", tm.Day(), months[tm.Month()], tm.Year())
	}
	after := w.dossiers()[0]
	for _, want := range []string{dutch(dos.DecideBy), dutch(after.DecideBy), "De coach is met vakantie"} {
		if !strings.Contains(strings.Join(strings.Fields(delay), " "), want) {
			t.Errorf("delay letter lacks %q:\n%s", want, delay)
		}
	}
}
