package imap

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/klachtd/klachtd/mailbox/login"
)

type memServer struct {
	url  *url.URL
	user *imapmemserver.User
	pool *x509.CertPool
}

// startIMAP serves an in-process imapmemserver on loopback. caps are the
// advertised capabilities; mode is "plain", "starttls", "tls" or "noidle"
// (plain, with IDLE hidden from the capabilities, which imapserver always
// adds for IMAP4rev1).
func startIMAP(t *testing.T, mode string, caps imap.CapSet) *memServer {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("info@example.nl", "secret")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	serverTLS, pool := testCert(t)
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	scheme := "imap+insecure"
	switch mode {
	case "starttls":
		opts.TLSConfig = serverTLS
		scheme = "imap"
	case "tls":
		ln = tls.NewListener(ln, serverTLS)
		scheme = "imaps"
	case "noidle":
		ln = noIdleListener{ln}
	}
	srv := imapserver.New(opts)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &memServer{url: &url.URL{Scheme: scheme, Host: ln.Addr().String()}, user: u, pool: pool}
}

type noIdleListener struct{ net.Listener }

func (l noIdleListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return noIdleConn{c}, nil
}

// noIdleConn renames IDLE in what the server writes (same length, so
// literals stay intact; the test messages do not contain " IDLE").
type noIdleConn struct{ net.Conn }

func (c noIdleConn) Write(p []byte) (int, error) {
	return c.Conn.Write(bytes.ReplaceAll(p, []byte(" IDLE"), []byte(" XDLE")))
}

var rev2Caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}

func (s *memServer) dial(t *testing.T) *Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, Config{Account: login.Account{URL: s.url, Username: "info@example.nl", Password: "secret", RootCAs: s.pool, Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testMessage(i int) []byte {
	return []byte(fmt.Sprintf("From: klant%d@example.com\r\nTo: info@example.nl\r\nSubject: klacht %d\r\n"+
		"Message-ID: <m%d@example.com>\r\n\r\nKlacht nummer %d.\r\n", i, i, i, i))
}

func TestIMAPClient(t *testing.T) {
	tests := []struct {
		name string
		mode string
		caps imap.CapSet
		idle bool
	}{
		{"IMAP4rev2 plain", "plain", rev2Caps, true},
		{"IMAP4rev2 STARTTLS", "starttls", rev2Caps, true},
		{"IMAP4rev2 implicit TLS", "tls", rev2Caps, true},
		{"IMAP4rev1 without MOVE, IDLE, UIDPLUS", "noidle", imap.CapSet{imap.CapIMAP4rev1: {}}, false},
		{"IMAP4rev1 with UIDPLUS", "plain", imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startIMAP(t, tt.mode, tt.caps)
			c := srv.dial(t)
			if c.HasIdle() != tt.idle {
				t.Errorf("HasIdle = %v, want %v", c.HasIdle(), tt.idle)
			}
			date := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
			for i := 1; i <= 3; i++ {
				if err := c.Append("INBOX", testMessage(i), []string{`\Seen`}, date); err != nil {
					t.Fatal(err)
				}
			}
			v, err := c.Select("INBOX")
			if err != nil || v == 0 {
				t.Fatalf("Select = %d, %v", v, err)
			}
			uids, err := c.UIDs()
			if err != nil || fmt.Sprint(uids) != "[1 2 3]" {
				t.Fatalf("UIDs = %v, %v", uids, err)
			}

			var buf bytes.Buffer
			got, size, err := c.FetchTo(2, &buf)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), testMessage(2)) || size != int64(len(testMessage(2))) {
				t.Errorf("FetchTo = %q (size %d)", buf.Bytes(), size)
			}
			if !got.Equal(date) {
				t.Errorf("internal date = %v, want %v", got, date)
			}
			if _, _, err := c.FetchTo(99, io.Discard); !errors.Is(err, ErrMessageGone) {
				t.Errorf("FetchTo(99) = %v, want ErrMessageGone", err)
			}

			// Move into a folder that does not exist yet.
			if err := c.Move([]uint32{1, 2}, "Klachten"); err != nil {
				t.Fatalf("Move: %v", err)
			}
			if uids, err := c.UIDs(); err != nil || fmt.Sprint(uids) != "[3]" {
				t.Errorf("UIDs after move = %v, %v", uids, err)
			}
			// And once more, now that it exists.
			if err := c.Move([]uint32{3}, "Klachten"); err != nil {
				t.Fatalf("second Move: %v", err)
			}
			if _, err := c.Select("Klachten"); err != nil {
				t.Fatal(err)
			}
			if uids, err := c.UIDs(); err != nil || len(uids) != 3 {
				t.Errorf("UIDs in Klachten = %v, %v", uids, err)
			}
			// Append into a missing folder creates it.
			if err := c.Append("Verzonden", testMessage(9), nil, time.Time{}); err != nil {
				t.Errorf("Append to a new folder: %v", err)
			}
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

func TestIMAPWaitWokenByAppend(t *testing.T) {
	for _, tt := range []struct {
		name string
		mode string
		caps imap.CapSet
	}{
		{"IDLE", "plain", rev2Caps},
		{"poll with NOOP", "noidle", imap.CapSet{imap.CapIMAP4rev1: {}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startIMAP(t, tt.mode, tt.caps)
			c := srv.dial(t)
			if _, err := c.Select("INBOX"); err != nil {
				t.Fatal(err)
			}
			if _, err := c.UIDs(); err != nil {
				t.Fatal(err)
			}
			other := srv.dial(t)
			go func() {
				time.Sleep(200 * time.Millisecond)
				if err := other.Append("INBOX", testMessage(1), nil, time.Time{}); err != nil {
					t.Error(err)
				}
			}()
			max := 10 * time.Second
			if tt.mode == "noidle" {
				if c.HasIdle() {
					t.Fatal("HasIdle with IDLE hidden")
				}
				max = time.Second // the poll looks after max
			}
			start := time.Now()
			newMail, err := c.Wait(context.Background(), max)
			if err != nil || !newMail {
				t.Fatalf("Wait = %v, %v; want new mail", newMail, err)
			}
			if c.HasIdle() && time.Since(start) > 3*time.Second {
				t.Errorf("IDLE woke after %v", time.Since(start))
			}
			// Until the caller looks, Wait keeps saying so.
			if newMail, err := c.Wait(context.Background(), time.Millisecond); !newMail || err != nil {
				t.Errorf("second Wait = %v, %v", newMail, err)
			}
			if uids, err := c.UIDs(); err != nil || fmt.Sprint(uids) != "[1]" {
				t.Errorf("UIDs = %v, %v", uids, err)
			}
			if newMail, err := c.Wait(context.Background(), 50*time.Millisecond); newMail || err != nil {
				t.Errorf("Wait after UIDs = %v, %v; want a quiet timeout", newMail, err)
			}
		})
	}
}

func TestIMAPWaitEnds(t *testing.T) {
	srv := startIMAP(t, "plain", rev2Caps)

	t.Run("timeout", func(t *testing.T) {
		c := srv.dial(t)
		c.Select("INBOX")
		start := time.Now()
		newMail, err := c.Wait(context.Background(), 200*time.Millisecond)
		if newMail || err != nil {
			t.Errorf("Wait = %v, %v", newMail, err)
		}
		if d := time.Since(start); d < 200*time.Millisecond || d > 2*time.Second {
			t.Errorf("Wait took %v", d)
		}
	})
	t.Run("context cancelled ends IDLE cleanly", func(t *testing.T) {
		c := srv.dial(t)
		c.Select("INBOX")
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		newMail, err := c.Wait(ctx, time.Minute)
		if newMail || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait = %v, %v; want context.DeadlineExceeded", newMail, err)
		}
		if _, err := c.UIDs(); err != nil {
			t.Errorf("connection unusable after a cancelled Wait: %v", err)
		}
	})
	t.Run("Close unblocks Wait", func(t *testing.T) {
		c := srv.dial(t)
		c.Select("INBOX")
		go func() {
			time.Sleep(200 * time.Millisecond)
			c.Close()
		}()
		start := time.Now()
		if _, err := c.Wait(context.Background(), time.Minute); err == nil {
			t.Error("Wait on a closed connection returned no error")
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Wait returned %v after Close", d)
		}
		if _, err := c.UIDs(); err == nil {
			t.Error("UIDs on a closed client succeeded")
		}
	})
}

// silentServer greets, accepts LOGIN and then never answers again.
func silentServer(t *testing.T) *url.URL {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				fmt.Fprintf(conn, "* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n")
				r := bufio.NewReader(conn)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					tag, rest, _ := strings.Cut(line, " ")
					switch {
					case strings.HasPrefix(strings.ToUpper(rest), "LOGIN"):
						fmt.Fprintf(conn, "%s OK [CAPABILITY IMAP4rev1 IDLE] LOGIN completed\r\n", tag)
					case strings.HasPrefix(strings.ToUpper(rest), "CAPABILITY"):
						fmt.Fprintf(conn, "* CAPABILITY IMAP4rev1 IDLE\r\n%s OK done\r\n", tag)
					}
					// Anything else: silence.
				}
			}()
		}
	}()
	return &url.URL{Scheme: "imap+insecure", Host: ln.Addr().String()}
}

func TestIMAPCommandTimeout(t *testing.T) {
	u := silentServer(t)
	const timeout = 500 * time.Millisecond
	tests := []struct {
		name string
		call func(c *Client) error
	}{
		{"SELECT", func(c *Client) error { _, err := c.Select("INBOX"); return err }},
		{"UID SEARCH", func(c *Client) error { _, err := c.UIDs(); return err }},
		{"UID FETCH", func(c *Client) error { _, _, err := c.FetchTo(1, io.Discard); return err }},
		{"IDLE", func(c *Client) error { _, err := c.Wait(context.Background(), time.Minute); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Dial(context.Background(), Config{Account: login.Account{URL: u, Username: "u", Password: "p", Timeout: timeout}})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			start := time.Now()
			done := make(chan error, 1)
			go func() { done <- tt.call(c) }()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("command still blocked after 10s")
			}
			d := time.Since(start)
			if err == nil || !strings.Contains(err.Error(), tt.name+" timed out after 500ms") {
				t.Errorf("err = %v, want %q timed out", err, tt.name)
			}
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("err = %v does not match os.ErrDeadlineExceeded", err)
			}
			if d < timeout || d > timeout+2*time.Second {
				t.Errorf("returned after %v, want about %v", d, timeout)
			}
			t.Logf("%s: %v after %v", tt.name, err, d.Round(time.Millisecond))
		})
	}
}

func TestIMAPDialErrors(t *testing.T) {
	srv := startIMAP(t, "plain", rev2Caps)
	tlsSrv := startIMAP(t, "tls", rev2Caps)
	tests := []struct {
		name string
		cfg  Config
	}{
		{"wrong password", Config{Account: login.Account{URL: srv.url, Username: "info@example.nl", Password: "wrong"}}},
		{"untrusted certificate", Config{Account: login.Account{URL: tlsSrv.url, Username: "info@example.nl", Password: "secret"}}},
		{"bad scheme", Config{Account: login.Account{URL: &url.URL{Scheme: "pop3", Host: "127.0.0.1:1"}}}},
		{"refused", Config{Account: login.Account{URL: &url.URL{Scheme: "imap+insecure", Host: "127.0.0.1:1"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Timeout = 5 * time.Second
			c, err := Dial(context.Background(), tt.cfg)
			if err == nil {
				c.Close()
				t.Fatal("Dial succeeded")
			}
		})
	}
}

// TestIMAPRefusesPlaintextLogin needs a non-loopback address of this host:
// imap:// to a server without STARTTLS must not send the password.
func TestIMAPRefusesPlaintextLogin(t *testing.T) {
	var ip net.IP
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			ip = n.IP
			break
		}
	}
	if ip == nil {
		t.Skip("no non-loopback IPv4 address")
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		t.Skip(err)
	}
	gotLogin := make(chan bool, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(conn, "* OK [CAPABILITY IMAP4rev1] ready\r\n")
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				gotLogin <- false
				return
			}
			if strings.Contains(strings.ToUpper(line), "LOGIN") {
				gotLogin <- true
				return
			}
		}
	}()
	defer ln.Close()
	u := &url.URL{Scheme: "imap", Host: ln.Addr().String()}
	c, err := Dial(context.Background(), Config{Account: login.Account{URL: u, Username: "u", Password: "p", Timeout: 2 * time.Second}})
	if err == nil {
		c.Close()
		t.Fatal("Dial logged in without TLS")
	}
	if !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("err = %v", err)
	}
	if <-gotLogin {
		t.Error("the password was sent in plaintext")
	}
}

// TestIMAPDovecot runs against the shared Dovecot when it is up, with a
// mailbox nobody else uses in tests (piet@example.nl).
func TestIMAPDovecot(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the Dovecot mail stack")
	}
	u := &url.URL{Scheme: "imap+insecure", Host: "127.0.0.1:10143"}
	if conn, err := net.DialTimeout("tcp", u.Host, time.Second); err != nil {
		t.Skip("Dovecot not reachable:", err)
	} else {
		conn.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := Dial(ctx, Config{Account: login.Account{URL: u, Username: "piet@example.nl", Password: "secret", Timeout: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	folder := fmt.Sprintf("klachtd-test-%d", time.Now().UnixNano())
	raw := testMessage(7)
	if err := c.Append(folder, raw, []string{`\Seen`}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select(folder); err != nil {
		t.Fatal(err)
	}
	uids, err := c.UIDs()
	if err != nil || len(uids) != 1 {
		t.Fatalf("UIDs = %v, %v", uids, err)
	}
	var buf bytes.Buffer
	if _, _, err := c.FetchTo(uids[0], &buf); err != nil || !bytes.Equal(buf.Bytes(), raw) {
		t.Fatalf("FetchTo = %q, %v", buf.Bytes(), err)
	}
	if err := c.Move(uids, folder+"-moved"); err != nil {
		t.Fatal(err)
	}
	if uids, err := c.UIDs(); err != nil || len(uids) != 0 {
		t.Errorf("UIDs after Move = %v, %v", uids, err)
	}
	t.Logf("Dovecot: IDLE %v; appended, fetched and moved in %s", c.HasIdle(), folder)
	// Clean up the test folders.
	for _, f := range []string{folder, folder + "-moved"} {
		c.c.Unselect().Wait()
		c.c.Delete(f).Wait()
	}
}
