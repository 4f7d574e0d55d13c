package e2e

import (
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// klachtd run under a service manager (Type=notify, WatchdogSec=): the
// test plays systemd on a unixgram NOTIFY_SOCKET of its own.
func TestRunNotifiesServiceManager(t *testing.T) {
	e := newEnv(t)
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	type note struct {
		text string
		at   time.Time
	}
	notes := make(chan note, 100)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(notes)
				return
			}
			notes <- note{strings.TrimSpace(string(buf[:n])), time.Now()}
		}
	}()
	next := func(within time.Duration) note {
		t.Helper()
		select {
		case n, ok := <-notes:
			if !ok {
				t.Fatal("notify socket closed")
			}
			return n
		case <-time.After(within):
			t.Fatalf("no notification within %v", within)
			return note{}
		}
	}

	// WatchdogSec=2s: klachtd must ping every second.
	d := e.startWith([]string{"NOTIFY_SOCKET=" + path, "WATCHDOG_USEC=2000000"}, "run")
	ready := next(30 * time.Second)
	if ready.text != "READY=1" {
		t.Fatalf("first notification %q, want READY=1", ready.text)
	}
	// klachtd logs "klachtd running" once every loop started, then sends
	// READY=1; the log comes through a pipe and may lag a little.
	running := regexp.MustCompile(`time=(\S+) level=INFO msg="klachtd running"`)
	d.waitLog(t, running, 2*time.Second)
	logged, err := time.Parse(time.RFC3339Nano, running.FindStringSubmatch(d.stderr.String())[1])
	if err != nil {
		t.Fatal(err)
	}
	if logged.After(ready.at) {
		t.Errorf("READY=1 (%v) came before the loops started (%v)", ready.at, logged)
	}
	prev := ready.at
	for i := range 3 {
		w := next(3 * time.Second)
		if w.text != "WATCHDOG=1" {
			t.Fatalf("notification %d after READY=1: %q, want WATCHDOG=1", i+1, w.text)
		}
		if gap := w.at.Sub(prev); i > 0 && (gap < 700*time.Millisecond || gap > 1500*time.Millisecond) {
			t.Errorf("watchdog ping %d came %v after the previous one, want about 1s (half of WatchdogSec=2s)", i+1, gap)
		}
		prev = w.at
	}
	if err := d.stop(30 * time.Second); err != nil {
		t.Errorf("klachtd run exited with %v", err)
	}
	for {
		n := next(time.Second)
		if n.text == "STOPPING=1" {
			break
		}
		if n.text != "WATCHDOG=1" {
			t.Fatalf("got %q on shutdown, want STOPPING=1", n.text)
		}
	}
}
