package e2e

// BenchmarkIntakeBacklog measures how fast `klachtd once` files a backlog of
// 10,000 small complaints, next to how fast Dovecot can merely hand the same
// messages out. Run it (as root, the stack up) with:
//
//	go test -run xxx -bench IntakeBacklog -benchtime 1x ./e2e/
//
// It adds the user bench@example.nl to the stack and fills its INBOX once
// (APPEND, pipelined); later runs, and later iterations, move the filed
// messages from Klachten back to INBOX instead of appending them again.
// Acknowledgements go to an in-process SMTP sink, so the SMTP side costs
// little and no mail leaves for the 10,000 (made-up) senders. The metrics:
//
//	raw-msgs/s      UID FETCH 1:* BODY.PEEK[] over a plain socket, literals
//	                skipped by length (the server's and the socket's speed)
//	klachtd-msgs/s  messages filed per second by `klachtd once`
//	klachtd/raw     the ratio of the two
//	sent-mails      mails the sink received per run (acknowledgements, and
//	                any notices to staff)

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	benchUser  = "bench@example.nl"
	benchCount = 10000
	benchSize  = 2000 // bytes per message, roughly
)

func BenchmarkIntakeBacklog(b *testing.B) {
	if skipReason != "" {
		b.Skip(skipReason)
	}
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	if out, err := runTool(time.Minute, mailstack, "adduser", benchUser, stack.Password); err != nil {
		b.Fatalf("e2e/mailstack adduser %s: %v\n%s", benchUser, err, out)
	}
	if err := benchFill(b); err != nil {
		b.Fatal(err)
	}
	sink, err := startSink()
	if err != nil {
		b.Fatal(err)
	}
	defer sink.close()

	var rawRates []float64
	var klachtdTime time.Duration
	var sent int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := benchRestore(); err != nil {
			b.Fatal(err)
		}
		for range 3 {
			n, took, err := rawFetch(stack.IMAPAddr, benchUser, stack.Password, "INBOX")
			if err != nil {
				b.Fatal(err)
			}
			if n != benchCount {
				b.Fatalf("raw fetch returned %d messages, want %d", n, benchCount)
			}
			rawRates = append(rawRates, float64(n)/took.Seconds())
		}
		dir := b.TempDir()
		e := &env{t: b, dir: dir, dataDir: filepath.Join(dir, "var"), timeout: 30 * time.Minute}
		e.config = e.writeConfig("bench.toml", mailboxConfig{
			IMAP:      "imap+insecure://" + stack.IMAPAddr,
			SMTP:      "smtp+insecure://" + sink.addr,
			User:      benchUser,
			Processed: "Klachten",
		})
		before := sink.count.Load()

		b.StartTimer()
		r := e.run(nil, "once")
		b.StopTimer()

		if r.err != nil {
			b.Fatalf("klachtd once: %v\nstderr:\n%s", r.err, tail(r.stderr, 4000))
		}
		klachtdTime += r.took
		n := sink.count.Load() - before
		sent += n
		if n < benchCount {
			b.Errorf("the SMTP sink received %d mails, want at least one acknowledgement per complaint (%d)\nstderr:\n%s", n, benchCount, tail(r.stderr, 4000))
		}
		left, err := benchStatus("INBOX")
		if err != nil {
			b.Fatal(err)
		}
		if left != 0 {
			b.Errorf("%d messages left in %s's INBOX after klachtd once", left, benchUser)
		}
	}

	sort.Float64s(rawRates)
	raw := rawRates[len(rawRates)/2]
	filed := float64(benchCount*b.N) / klachtdTime.Seconds()
	b.ReportMetric(raw, "raw-msgs/s")
	b.ReportMetric(filed, "klachtd-msgs/s")
	b.ReportMetric(filed/raw, "klachtd/raw")
	b.ReportMetric(float64(sent)/float64(b.N), "sent-mails")
}

// benchMessage is complaint i of the backlog: a distinct sender and
// Message-ID, about benchSize bytes.
func benchMessage(i int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Klager %05d <klager%05d@bench.invalid>\r\n", i, i)
	fmt.Fprintf(&b, "To: %s\r\nSubject: Klacht %05d over de dienstverlening\r\n", benchUser, i)
	fmt.Fprintf(&b, "Date: %s\r\n", time.Date(2026, 11, 2, 9, 0, i%60, 0, time.UTC).Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <bench-%05d@bench.invalid>\r\n", i)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	line := "Mijn afspraak is opnieuw verzet zonder dat iemand mij heeft gebeld; ik wil een oplossing.\r\n"
	for b.Len() < benchSize {
		b.WriteString(line)
	}
	return b.Bytes()
}

// benchLogin opens an IMAP session as the bench user.
func benchLogin() (*imapclient.Client, func(), error) {
	return imapLoginFor(benchUser, 10*time.Minute)
}

// benchStatus is the number of messages in a folder of the bench user (0 if
// it does not exist).
func benchStatus(folder string) (int, error) {
	c, done, err := benchLogin()
	if err != nil {
		return 0, err
	}
	defer done()
	return folderCount(c, folder)
}

func folderCount(c *imapclient.Client, folder string) (int, error) {
	sd, err := c.Status(folder, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
			return 0, nil
		}
		return 0, fmt.Errorf("status %s: %w", folder, err)
	}
	return int(*sd.NumMessages), nil
}

// benchFill makes sure the bench user holds exactly the backlog, in INBOX
// or Klachten; if not, it empties both and appends all of it again.
func benchFill(b testing.TB) error {
	c, done, err := benchLogin()
	if err != nil {
		return err
	}
	defer done()
	inbox, err := folderCount(c, "INBOX")
	if err != nil {
		return err
	}
	filed, err := folderCount(c, "Klachten")
	if err != nil {
		return err
	}
	staging, err := c.List("", "Bench-staging-*", nil).Collect()
	if err != nil {
		return fmt.Errorf("list staging folders: %w", err)
	}
	if inbox+filed == benchCount && len(staging) == 0 {
		return nil
	}
	for _, mb := range staging { // left by an interrupted fill
		if err := c.Delete(mb.Mailbox).Wait(); err != nil {
			return fmt.Errorf("delete %s: %w", mb.Mailbox, err)
		}
	}
	selected := false
	for _, folder := range []string{"INBOX", "Klachten"} {
		if n, _ := folderCount(c, folder); n == 0 {
			continue
		}
		selected = true
		if _, err := c.Select(folder, nil).Wait(); err != nil {
			return fmt.Errorf("select %s: %w", folder, err)
		}
		all := imap.SeqSet{{Start: 1, Stop: 0}}
		if err := c.Store(all, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
			return fmt.Errorf("flag %s deleted: %w", folder, err)
		}
		if err := c.Expunge().Close(); err != nil {
			return fmt.Errorf("expunge %s: %w", folder, err)
		}
	}
	if selected {
		if err := c.Unselect().Wait(); err != nil {
			return fmt.Errorf("unselect: %w", err)
		}
	}
	c.Caps() // refetch after LOGIN, so that APPEND uses LITERAL+ and need not wait for "+"
	start := time.Now()
	// Dovecot's APPEND slows down as a Maildir grows (1 ms per message into
	// a small folder, 5 ms into one of thousands), so the backlog is appended
	// in shards of 500 to staging folders, each shard's APPENDs pipelined,
	// and each shard is then moved into INBOX with one MOVE.
	const shard = 500
	for i := 0; i < benchCount; i += shard {
		staging := fmt.Sprintf("Bench-staging-%05d", i)
		if err := c.Create(staging, nil).Wait(); err != nil {
			return fmt.Errorf("create %s: %w", staging, err)
		}
		var cmds []*imapclient.AppendCommand
		for j := i; j < min(i+shard, benchCount); j++ {
			raw := benchMessage(j)
			cmd := c.Append(staging, int64(len(raw)), nil)
			if _, err := cmd.Write(raw); err != nil {
				return fmt.Errorf("append: %w", err)
			}
			if err := cmd.Close(); err != nil {
				return fmt.Errorf("append: %w", err)
			}
			cmds = append(cmds, cmd)
		}
		for _, cmd := range cmds {
			if _, err := cmd.Wait(); err != nil {
				return fmt.Errorf("append: %w", err)
			}
		}
		if _, err := c.Select(staging, nil).Wait(); err != nil {
			return fmt.Errorf("select %s: %w", staging, err)
		}
		if _, err := c.Move(imap.UIDSet{{Start: 1, Stop: 0}}, "INBOX").Wait(); err != nil {
			return fmt.Errorf("move %s to INBOX: %w", staging, err)
		}
		if err := c.Unselect().Wait(); err != nil {
			return fmt.Errorf("unselect %s: %w", staging, err)
		}
		if err := c.Delete(staging).Wait(); err != nil {
			return fmt.Errorf("delete %s: %w", staging, err)
		}
	}
	b.Logf("appended %d messages to %s in %.1fs", benchCount, benchUser, time.Since(start).Seconds())
	return nil
}

// benchRestore moves what a previous run filed back into INBOX.
func benchRestore() error {
	c, done, err := benchLogin()
	if err != nil {
		return err
	}
	defer done()
	n, err := folderCount(c, "Klachten")
	if err != nil || n == 0 {
		return err
	}
	if _, err := c.Select("Klachten", nil).Wait(); err != nil {
		return fmt.Errorf("select Klachten: %w", err)
	}
	if _, err := c.Move(imap.UIDSet{{Start: 1, Stop: 0}}, "INBOX").Wait(); err != nil {
		return fmt.Errorf("move Klachten to INBOX: %w", err)
	}
	inbox, err := folderCount(c, "INBOX")
	if err != nil {
		return err
	}
	if inbox != benchCount {
		return fmt.Errorf("%s INBOX holds %d messages after the restore, want %d", benchUser, inbox, benchCount)
	}
	return nil
}

// rawFetch times `UID FETCH 1:* BODY.PEEK[]` over a plain TCP connection,
// skipping each literal by its announced length (RFC 3501 section 4.3), and
// returns the number of messages.
func rawFetch(addr, user, pass, folder string) (int, time.Duration, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return 0, 0, fmt.Errorf("raw fetch: %w", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Minute))
	r := bufio.NewReaderSize(conn, 256<<10)
	if _, err := readLine(r); err != nil { // greeting
		return 0, 0, fmt.Errorf("raw fetch greeting: %w", err)
	}
	command := func(tag, cmd string) (int, error) {
		if _, err := fmt.Fprintf(conn, "%s %s\r\n", tag, cmd); err != nil {
			return 0, err
		}
		n := 0
		for {
			line, err := readLine(r)
			if err != nil {
				return n, err
			}
			if size, ok := literalSize(line); ok {
				if _, err := r.Discard(size); err != nil {
					return n, err
				}
				if strings.HasPrefix(line, "* ") {
					n++
				}
				continue // the rest of the response follows the literal
			}
			if strings.HasPrefix(line, tag+" ") {
				if !strings.HasPrefix(line, tag+" OK") {
					return n, fmt.Errorf("%s: %s", cmd, line)
				}
				return n, nil
			}
		}
	}
	if _, err := command("a", fmt.Sprintf("LOGIN %q %q", user, pass)); err != nil {
		return 0, 0, fmt.Errorf("raw fetch login: %w", err)
	}
	if _, err := command("b", "EXAMINE "+folder); err != nil {
		return 0, 0, fmt.Errorf("raw fetch examine: %w", err)
	}
	start := time.Now()
	n, err := command("c", "UID FETCH 1:* BODY.PEEK[]")
	took := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("raw fetch: %w", err)
	}
	_, _ = command("d", "LOGOUT")
	return n, took, nil
}

// readLine reads one CRLF-terminated line of any length, without the CRLF.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		long := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = r.ReadSlice('\n')
			long = append(long, line...)
		}
		line = long
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

// literalSize reports the size of a literal announced at the end of line
// ("… {1234}").
func literalSize(line string) (int, bool) {
	if !strings.HasSuffix(line, "}") {
		return 0, false
	}
	open := strings.LastIndexByte(line, '{')
	if open < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(line[open+1:len(line)-1], "+"))
	return n, err == nil
}

// sink is an SMTP server that accepts any login and every message, and
// discards them.
type sink struct {
	addr  string
	srv   *smtp.Server
	count atomic.Int64
}

func startSink() (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sink: %w", err)
	}
	s := &sink{addr: ln.Addr().String()}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{s: s}, nil
	}))
	s.srv.Domain = "sink.localhost"
	s.srv.AllowInsecureAuth = true // klachtd logs in with the mailbox's credentials
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.ErrorLog = nopLogger{}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *sink) close() { _ = s.srv.Close() }

type sinkSession struct{ s *sink }

func (*sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (*sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(string, string, string) error { return nil }), nil
}

func (*sinkSession) Reset()                               {}
func (*sinkSession) Logout() error                        { return nil }
func (*sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	ss.s.count.Add(1)
	return nil
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}
