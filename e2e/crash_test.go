package e2e

import (
	"syscall"
	"testing"
	"time"
)

// people are the stack's users other than the intake mailbox.
var people = []string{complainant, staffPiet, staffAnna, officer}

// mailCount is the number of messages in the INBOXes of all people, after
// waiting settle for mail in flight.
func mailCount(t *testing.T, settle time.Duration) int {
	t.Helper()
	time.Sleep(settle)
	n := 0
	for _, user := range people {
		n += len(mailboxUIDs(t, user, "INBOX"))
	}
	return n
}

// messageIDs counts the messages per Message-ID.
func messageIDs(t *testing.T, msgs [][]byte) map[string]int {
	t.Helper()
	ids := make(map[string]int)
	for _, raw := range msgs {
		h, err := readHeader(raw)
		if err != nil {
			t.Fatal(err)
		}
		id, err := h.MessageID()
		if err != nil || id == "" {
			t.Fatalf("a letter without a valid Message-ID (%q): %v", h.Get("Message-ID"), err)
		}
		ids[id]++
	}
	return ids
}

// crashOnce runs `klachtd once` with the fault-injection hook
// KLACHTD_CRASH_AT=point (part of the contract: the daemon SIGKILLs itself
// at that point) and checks that it died that way.
func crashOnce(t *testing.T, e *env, point string) {
	t.Helper()
	r := e.run([]string{"KLACHTD_CRASH_AT=" + point}, "once")
	if !killedBy(r.state, syscall.SIGKILL) {
		t.Fatalf("klachtd once with KLACHTD_CRASH_AT=%s: %v, want death by SIGKILL\nstderr:\n%s", point, r.err, tail(r.stderr, 4000))
	}
}

// TestKillBetweenCommitAndMove kills the daemon at the instants docs/spec.md
// "Data safety" names: no message is lost, no letter goes out twice except
// in the one documented window.
func TestKillBetweenCommitAndMove(t *testing.T) {
	ack := hasSubject("[" + firstNumber() + "]")

	// Killed after the dossier is committed, before the message is moved:
	// the message stays in INBOX, and the next cycle recognises it as filed,
	// only moves it, and sends the acknowledgement once.
	t.Run("after-commit", func(t *testing.T) {
		e := newEnv(t)
		id := sendComplaint(t, "Klacht over mijn coachtraject")
		crashOnce(t, e, "after-commit")
		if !folderHasMessageID(t, intake, "INBOX", id) {
			t.Fatalf("after a crash between commit and move the complaint <%s> left INBOX", id)
		}

		e.mustKlachtd("once")
		onlyDossier(t, e)
		waitMail(t, complainant, ack, 10*time.Second)
		if acks := matching(t, complainant, ack, settle); len(acks) != 1 {
			t.Errorf("%s received %d acknowledgements, want 1", complainant, len(acks))
		}
		intakeEmpty(t)
	})

	// Killed after the SMTP server accepted a letter (the first one sent),
	// before it was marked sent: this is the one window in which a letter may
	// go out twice (docs/architecture.md "never twice"). klachtd resends
	// rather than lose the letter, with the same stored bytes and so the same
	// Message-ID, so every recipient holds at most two copies of a letter,
	// which a client recognises as one; the complainant gets exactly one
	// acknowledgement, in one or two copies.
	t.Run("after-send", func(t *testing.T) {
		e := newEnv(t)
		sendComplaint(t, "Klacht over mijn coachtraject")
		crashOnce(t, e, "after-send")
		if n := mailCount(t, settle); n == 0 {
			t.Fatal("no letter reached anybody before the crash after sending")
		}

		e.mustKlachtd("once")
		onlyDossier(t, e)
		waitMail(t, complainant, ack, 10*time.Second)
		acks := matching(t, complainant, ack, settle)
		t.Logf("%s holds %d cop(y/ies) of the acknowledgement after the restart", complainant, len(acks))
		if ids := messageIDs(t, acks); len(ids) != 1 {
			t.Errorf("%s received %d different acknowledgements (copies per Message-ID: %v), want 1", complainant, len(ids), ids)
		}
		for _, user := range people {
			for id, n := range messageIDs(t, fetchAll(t, user, "INBOX")) {
				if n > 2 {
					t.Errorf("%s received %d copies of <%s>, want at most 2", user, n, id)
				}
			}
		}
		detail := e.showJSON(t, firstNumber())
		for _, l := range detail.Letters {
			if l.Kind == "acknowledgement" && l.SentAt == "" {
				t.Errorf("acknowledgement still unsent after the restart: %+v", l)
			}
		}
		intakeEmpty(t)
	})

	// Killed after the registration is committed, before any SMTP: nothing
	// went out, and after the restart exactly one acknowledgement does.
	t.Run("before-send", func(t *testing.T) {
		e := newEnv(t)
		sendComplaint(t, "Klacht over mijn coachtraject")
		crashOnce(t, e, "before-send")
		if n := mailCount(t, settle); n != 0 {
			t.Fatalf("%d letter(s) went out from a daemon killed before sending", n)
		}

		e.mustKlachtd("once")
		onlyDossier(t, e)
		waitMail(t, complainant, ack, 10*time.Second)
		if acks := matching(t, complainant, ack, settle); len(acks) != 1 {
			t.Errorf("%s received %d acknowledgements, want 1", complainant, len(acks))
		}
		intakeEmpty(t)
	})
}
