package service

import (
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// listen opens the unixgram socket a service manager would give in
// $NOTIFY_SOCKET and returns a channel of the datagrams received.
func listen(t *testing.T) <-chan string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", path)
	msgs := make(chan string, 100)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(msgs)
				return
			}
			msgs <- string(buf[:n])
		}
	}()
	return msgs
}

func next(t *testing.T, msgs <-chan string, within time.Duration) string {
	t.Helper()
	select {
	case m := <-msgs:
		return m
	case <-time.After(within):
		t.Fatalf("no notification within %v", within)
		return ""
	}
}

func TestReadyWatchdogStopping(t *testing.T) {
	msgs := listen(t)
	t.Setenv("WATCHDOG_USEC", "200000") // 200 ms: pings every 100 ms
	t.Setenv("WATCHDOG_PID", "")
	n := New(nil)
	n.Ready()
	n.Ready() // once only
	if m := next(t, msgs, time.Second); m != "READY=1" {
		t.Fatalf("first notification %q, want READY=1", m)
	}
	start := time.Now()
	for i := range 3 {
		if m := next(t, msgs, time.Second); m != "WATCHDOG=1" {
			t.Fatalf("notification %d after READY: %q, want WATCHDOG=1", i, m)
		}
	}
	if took := time.Since(start); took > 600*time.Millisecond {
		t.Errorf("3 watchdog pings took %v; want about 200 ms (half of WATCHDOG_USEC each)", took)
	}
	n.Stopping()
	for {
		m := next(t, msgs, time.Second)
		if m == "STOPPING=1" {
			break
		}
		if m != "WATCHDOG=1" {
			t.Fatalf("got %q, want STOPPING=1", m)
		}
	}
	select {
	case m := <-msgs:
		t.Errorf("%q after STOPPING=1", m)
	case <-time.After(300 * time.Millisecond):
	}
}

func TestWatchdogForAnotherProcess(t *testing.T) {
	msgs := listen(t)
	t.Setenv("WATCHDOG_USEC", "100000")
	t.Setenv("WATCHDOG_PID", strconv.Itoa(1)) // not us: no pings
	n := New(nil)
	n.Ready()
	if m := next(t, msgs, time.Second); m != "READY=1" {
		t.Fatalf("got %q", m)
	}
	select {
	case m := <-msgs:
		t.Errorf("%q for a watchdog of another process", m)
	case <-time.After(300 * time.Millisecond):
	}
	n.Stopping()
}

func TestNoSocket(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	n := New(nil)
	n.Ready() // must not block or fail
	n.Stopping()
}
