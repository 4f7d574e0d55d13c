package mailbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"github.com/klachtd/klachtd/mailbox/bearer"
)

// IMAPConfig says how to reach the intake mailbox.
//
// Schemes: imaps:// (implicit TLS, default port 993), imap:// (STARTTLS when
// the server offers it; without it, login is refused unless the host is
// loopback; default port 143), imap+insecure:// (no TLS, for loopback tests).
// Certificates are always verified; RootCAs adds trusted roots.
type IMAPConfig struct {
	URL      *url.URL
	Username string
	Password string
	// Token, when set, logs in with an OAuth2 access token (XOAUTH2 or
	// OAUTHBEARER, whichever the server offers; Mechanism forces one)
	// instead of the password.
	Token     TokenSource
	Mechanism string
	RootCAs   *x509.CertPool
	Timeout   time.Duration // per command; default 60s
	Logger    *slog.Logger
}

// ErrMessageGone is returned by FetchTo when the server has no message with
// the UID (expunged or moved by someone else).
var ErrMessageGone = errors.New("imap: message not found")

const defaultIMAPTimeout = 60 * time.Second

// Client is an IMAP connection to the intake mailbox. go-imap v2 has no
// command timeouts, so every command runs under a watchdog that closes the
// connection when the command takes longer than the configured timeout; the
// Client is then unusable and the caller reconnects. Methods must not be
// called concurrently, except Close, which may be called at any time (it ends
// a Wait in progress).
type Client struct {
	c          *imapclient.Client
	timeout    time.Duration
	log        *slog.Logger
	hasIdle    bool
	hasMove    bool
	hasUIDPlus bool

	op sync.Mutex // held by every command method, so Close knows when it may log out

	mu       sync.Mutex
	count    uint32 // messages in the selected mailbox, as last known
	arrivals uint64 // EXISTS responses that raised count
	seen     uint64 // arrivals when the caller last looked (Select, UIDs)
	wake     chan struct{}
}

// timeoutError is the error of a command that the watchdog cut off. It
// matches os.ErrDeadlineExceeded with errors.Is.
type timeoutError struct {
	cmd string
	d   time.Duration
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("imap: %s timed out after %v", e.cmd, e.d)
}
func (e *timeoutError) Timeout() bool { return true }
func (e *timeoutError) Unwrap() error { return os.ErrDeadlineExceeded }

// watch runs f and closes the connection (through closeConn) if f takes
// longer than d, or when ctx ends first. f may call touch to
// restart the clock while it makes progress (a long FETCH).
func watch(ctx context.Context, name string, d time.Duration, closeConn func(), f func(touch func()) error) error {
	const (
		running = iota
		timedOut
		cancelled
		done
	)
	var state atomic.Int32
	timer := time.AfterFunc(d, func() {
		if state.CompareAndSwap(running, timedOut) {
			closeConn()
		}
	})
	defer timer.Stop()
	stop := context.AfterFunc(ctx, func() {
		if state.CompareAndSwap(running, cancelled) {
			closeConn()
		}
	})
	defer stop()
	touch := func() {
		if state.Load() == running {
			timer.Reset(d)
		}
	}
	err := f(touch)
	if state.CompareAndSwap(running, done) {
		if err != nil {
			return fmt.Errorf("imap: %s: %w", name, err)
		}
		return nil
	}
	if state.Load() == cancelled {
		return fmt.Errorf("imap: %s: %w", name, ctx.Err())
	}
	return &timeoutError{cmd: name, d: d}
}

// do runs one command under the watchdog.
func (c *Client) do(ctx context.Context, name string, f func() error) error {
	return c.doTouch(ctx, name, func(func()) error { return f() })
}

func (c *Client) doTouch(ctx context.Context, name string, f func(touch func()) error) error {
	select {
	case <-c.c.Closed():
		return fmt.Errorf("imap: %s: connection closed", name)
	default:
	}
	err := watch(ctx, name, c.timeout, func() { c.c.Close() }, f)
	var te *timeoutError
	if errors.As(err, &te) {
		c.log.Warn("imap command timed out; connection closed", "command", name, "timeout", c.timeout)
	}
	return err
}

// Dial connects to the server and logs in.
func Dial(ctx context.Context, cfg IMAPConfig) (*Client, error) {
	if cfg.URL == nil {
		return nil, errors.New("imap: no server URL")
	}
	host := cfg.URL.Hostname()
	if host == "" {
		return nil, fmt.Errorf("imap: %s: no host", cfg.URL.Redacted())
	}
	port := cfg.URL.Port()
	switch cfg.URL.Scheme {
	case "imaps":
		port = orDefault(port, "993")
	case "imap", "imap+insecure":
		port = orDefault(port, "143")
	default:
		return nil, fmt.Errorf("imap: unsupported scheme %q: want imaps, imap or imap+insecure", cfg.URL.Scheme)
	}
	addr := net.JoinHostPort(host, port)
	cl := &Client{
		timeout: cfg.Timeout,
		log:     cfg.Logger,
		wake:    make(chan struct{}, 1),
	}
	if cl.timeout <= 0 {
		cl.timeout = defaultIMAPTimeout
	}
	if cl.log == nil {
		cl.log = slog.New(slog.DiscardHandler)
	}
	cl.log = cl.log.With("imap", addr)
	tlsCfg := tlsConfig(host, cfg.RootCAs)
	opts := &imapclient.Options{
		TLSConfig:   tlsCfg,
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: cl.onMailbox,
			Expunge: cl.onExpunge,
		},
	}

	dial := func() (net.Conn, error) {
		d := net.Dialer{Timeout: cl.timeout}
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("imap: dial %s: %w", addr, err)
		}
		return conn, nil
	}
	conn, err := dial()
	if err != nil {
		return nil, err
	}

	var ic *imapclient.Client
	switch cfg.URL.Scheme {
	case "imaps":
		tc := tls.Client(conn, tlsCfg)
		hctx, cancel := context.WithTimeout(ctx, cl.timeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("imap: tls handshake with %s: %w", addr, err)
		}
		ic = imapclient.New(tc, opts)
	case "imap+insecure":
		ic = imapclient.New(conn, opts)
	case "imap":
		// Look at the capabilities first: imapclient.NewStartTLS fails on a
		// server without STARTTLS, and on loopback that is allowed.
		probe := imapclient.New(conn, opts)
		var caps imap.CapSet
		err := watch(ctx, "greeting", cl.timeout, func() { probe.Close() }, func(func()) error {
			if err := probe.WaitGreeting(); err != nil {
				return err
			}
			caps = probe.Caps()
			return nil
		})
		if err != nil {
			probe.Close()
			return nil, err
		}
		if caps.Has(imap.CapStartTLS) {
			probe.Close()
			conn, err := dial()
			if err != nil {
				return nil, err
			}
			err = watch(ctx, "STARTTLS", cl.timeout, func() { conn.Close() }, func(func()) error {
				var err error
				ic, err = imapclient.NewStartTLS(conn, opts)
				return err
			})
			if err != nil {
				conn.Close()
				return nil, err
			}
		} else if isLoopback(host) {
			cl.log.Warn("imap server offers no STARTTLS; logging in without TLS on loopback")
			ic = probe
		} else {
			probe.Close()
			return nil, fmt.Errorf("imap: %s offers no STARTTLS: refusing to log in without TLS (use imaps://)", addr)
		}
	}
	cl.c = ic

	if err := cl.login(ctx, cfg, host, port); err != nil {
		ic.Close()
		return nil, err
	}
	if err := cl.do(ctx, "CAPABILITY", func() error {
		caps := ic.Caps()
		cl.hasIdle = caps.Has(imap.CapIdle)
		cl.hasMove = caps.Has(imap.CapMove)
		cl.hasUIDPlus = caps.Has(imap.CapUIDPlus)
		return nil
	}); err != nil {
		ic.Close()
		return nil, err
	}
	return cl, nil
}

// login authenticates with the password (LOGIN) or with an access token.
func (c *Client) login(ctx context.Context, cfg IMAPConfig, host, port string) error {
	if cfg.Token == nil {
		err := c.do(ctx, "LOGIN", func() error { return c.c.Login(cfg.Username, cfg.Password).Wait() })
		if imapRefused(err) {
			return &AuthError{Protocol: "imap", Mechanism: "LOGIN", Username: cfg.Username, Err: err}
		}
		return err
	}
	var offered []string
	if err := c.do(ctx, "CAPABILITY", func() error {
		offered = c.c.Caps().AuthMechanisms()
		return nil
	}); err != nil {
		return err
	}
	mech, err := bearer.Choose(offered, cfg.Mechanism)
	if err != nil {
		return fmt.Errorf("imap: %w", err)
	}
	return tokenLogin(ctx, cfg.Token, "imap", mech, cfg.Username, host, port, imapRefused,
		func(_ int, sc *bearer.Client) error {
			sc.SetErrorResponse([]byte{0x01})
			return c.do(ctx, "AUTHENTICATE "+mech, func() error { return c.c.Authenticate(sc) })
		},
		func() { c.log.Info("imap server refused the access token; refreshing it once", "mechanism", mech) })
}

// onMailbox runs on the client's reader goroutine for unilateral mailbox
// data; it must not block or send commands.
func (c *Client) onMailbox(d *imapclient.UnilateralDataMailbox) {
	if d.NumMessages == nil {
		return
	}
	c.mu.Lock()
	n := *d.NumMessages
	if n > c.count {
		c.arrivals++
	}
	c.count = n
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *Client) onExpunge(uint32) {
	c.mu.Lock()
	if c.count > 0 {
		c.count--
	}
	c.mu.Unlock()
}

// HasIdle reports whether the server supports IDLE (RFC 2177).
func (c *Client) HasIdle() bool { return c.hasIdle }

// Select opens folder read-write and returns its UIDVALIDITY (RFC 3501
// §2.3.1.1): UIDs are only meaningful together with it.
func (c *Client) Select(folder string) (uidValidity uint32, err error) {
	c.op.Lock()
	defer c.op.Unlock()
	var sel *imap.SelectData
	err = c.do(context.Background(), "SELECT", func() error {
		var err error
		sel, err = c.c.Select(folder, nil).Wait()
		return err
	})
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	c.count = sel.NumMessages
	c.seen = c.arrivals
	c.mu.Unlock()
	return sel.UIDValidity, nil
}

// UIDs returns all UIDs in the selected folder in ascending order (UID
// SEARCH ALL).
func (c *Client) UIDs() ([]uint32, error) {
	c.op.Lock()
	defer c.op.Unlock()
	c.mu.Lock()
	c.seen = c.arrivals
	c.mu.Unlock()
	var uids []imap.UID
	err := c.do(context.Background(), "UID SEARCH", func() (err error) {
		data, err := c.c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
		if err != nil {
			return err
		}
		defer func() {
			// AllUIDs panics on a dynamic set ("*"), which only a broken
			// server sends.
			if r := recover(); r != nil {
				err = fmt.Errorf("bad search result: %v", r)
			}
		}()
		uids = data.AllUIDs()
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]uint32, len(uids))
	for i, u := range uids {
		out[i] = uint32(u)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// FetchTo streams the whole message (BODY.PEEK[], so \Seen is not set) with
// the given UID into w and returns its internal date and size. It returns an
// error wrapping ErrMessageGone if the message is no longer there. The
// watchdog restarts with every chunk received, so a large message on a slow
// link is not cut off while it makes progress.
func (c *Client) FetchTo(uid uint32, w io.Writer) (internalDate time.Time, size int64, err error) {
	c.op.Lock()
	defer c.op.Unlock()
	var gotBody bool
	err = c.doTouch(context.Background(), "UID FETCH", func(touch func()) error {
		fc := c.c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
			UID:          true,
			InternalDate: true,
			BodySection:  []*imap.FetchItemBodySection{{Peek: true}},
		})
		var copyErr error
		// go-imap matches a response to the command by its UID item, which
		// servers send before the literal; a literal without a matching UID
		// never gets here, and the message then counts as gone.
		for msg := fc.Next(); msg != nil; msg = fc.Next() {
			var match bool
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch it := item.(type) {
				case imapclient.FetchItemDataUID:
					match = it.UID == imap.UID(uid)
				case imapclient.FetchItemDataInternalDate:
					internalDate = it.Time
				case imapclient.FetchItemDataBodySection:
					if it.Literal == nil || !match || gotBody {
						continue
					}
					gotBody = true
					size, copyErr = io.Copy(&touchWriter{w: w, touch: touch}, it.Literal)
				}
			}
		}
		if err := fc.Close(); err != nil {
			return err
		}
		if copyErr != nil {
			return fmt.Errorf("write message: %w", copyErr)
		}
		return nil
	})
	if err != nil {
		return time.Time{}, 0, err
	}
	if !gotBody {
		return time.Time{}, 0, fmt.Errorf("%w: uid %d", ErrMessageGone, uid)
	}
	return internalDate, size, nil
}

type touchWriter struct {
	w     io.Writer
	touch func()
}

func (t *touchWriter) Write(p []byte) (int, error) {
	t.touch()
	return t.w.Write(p)
}

// Move moves messages of the selected folder to folder: UID MOVE (RFC 6851),
// or COPY, STORE \Deleted and UID EXPUNGE (RFC 4315) when the server lacks
// MOVE (plain EXPUNGE without UIDPLUS, which also removes other messages
// marked \Deleted). If the folder does not exist it is created and
// subscribed, and the move is tried once more.
func (c *Client) Move(uids []uint32, folder string) error {
	if len(uids) == 0 {
		return nil
	}
	c.op.Lock()
	defer c.op.Unlock()
	set := make([]imap.UID, len(uids))
	for i, u := range uids {
		set[i] = imap.UID(u)
	}
	uidSet := imap.UIDSetNum(set...)
	err := c.move(uidSet, folder)
	if !isNo(err) {
		return err
	}
	if cerr := c.createFolder(folder); cerr != nil {
		return errors.Join(err, cerr)
	}
	return c.move(uidSet, folder)
}

func (c *Client) move(set imap.UIDSet, folder string) error {
	if c.hasMove {
		return c.do(context.Background(), "UID MOVE", func() error {
			_, err := c.c.Move(set, folder).Wait()
			return err
		})
	}
	// Not imapclient's own fallback: it pipelines STORE and EXPUNGE behind
	// the COPY, so a COPY refused for a missing folder would still expunge.
	if err := c.do(context.Background(), "UID COPY", func() error {
		_, err := c.c.Copy(set, folder).Wait()
		return err
	}); err != nil {
		return err
	}
	if err := c.do(context.Background(), "UID STORE", func() error {
		return c.c.Store(set, &imap.StoreFlags{
			Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted},
		}, nil).Close()
	}); err != nil {
		return err
	}
	return c.do(context.Background(), "UID EXPUNGE", func() error {
		var cmd *imapclient.ExpungeCommand
		if c.hasUIDPlus {
			cmd = c.c.UIDExpunge(set)
		} else {
			cmd = c.c.Expunge()
		}
		// Expunges answering our own command bypass the unilateral handler.
		seqs, err := cmd.Collect()
		c.mu.Lock()
		c.count -= min(c.count, uint32(len(seqs)))
		c.mu.Unlock()
		return err
	})
}

// createFolder creates and subscribes folder; an existing folder is fine.
func (c *Client) createFolder(folder string) error {
	err := c.do(context.Background(), "CREATE", func() error { return c.c.Create(folder, nil).Wait() })
	var ie *imap.Error
	if err != nil && !(errors.As(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists) {
		return err
	}
	if err == nil {
		c.log.Info("imap folder created", "folder", folder)
	}
	if err := c.do(context.Background(), "SUBSCRIBE", func() error { return c.c.Subscribe(folder).Wait() }); err != nil {
		if !isNo(err) {
			return err
		}
		c.log.Warn("imap subscribe refused", "folder", folder, "err", err)
	}
	return nil
}

// isNo reports whether err is a NO (or BAD) answer of the server, as opposed
// to a broken connection.
func isNo(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie)
}

// Append stores raw in folder with flags (e.g. `\Seen`) and internal date t
// (zero: the server's clock). A missing folder is created once.
func (c *Client) Append(folder string, raw []byte, flags []string, t time.Time) error {
	c.op.Lock()
	defer c.op.Unlock()
	opts := &imap.AppendOptions{Time: t}
	for _, f := range flags {
		opts.Flags = append(opts.Flags, imap.Flag(f))
	}
	appendOnce := func() error {
		return c.do(context.Background(), "APPEND", func() error {
			cmd := c.c.Append(folder, int64(len(raw)), opts)
			if _, err := cmd.Write(raw); err != nil {
				cmd.Close()
				return err
			}
			if err := cmd.Close(); err != nil {
				return err
			}
			_, err := cmd.Wait()
			return err
		})
	}
	err := appendOnce()
	if !isNo(err) {
		return err
	}
	if cerr := c.createFolder(folder); cerr != nil {
		return errors.Join(err, cerr)
	}
	return appendOnce()
}

// Wait waits for new mail in the selected folder: with IDLE (RFC 2177) when
// the server has it, woken by an EXISTS that raises the message count;
// otherwise it sleeps and then polls with NOOP. It returns true at once if
// mail arrived since the last Select or UIDs. It returns false after max,
// ctx.Err() when ctx ends (after ending the IDLE cleanly), and an error when
// the connection is lost or closed.
func (c *Client) Wait(ctx context.Context, max time.Duration) (newMail bool, err error) {
	c.op.Lock()
	defer c.op.Unlock()
	if c.pending() {
		return true, nil
	}
	timer := time.NewTimer(max)
	defer timer.Stop()

	if !c.hasIdle {
		select {
		case <-timer.C:
		case <-ctx.Done():
			return false, ctx.Err()
		case <-c.c.Closed():
			return false, errors.New("imap: connection closed")
		}
		if err := c.do(ctx, "NOOP", func() error { return c.c.Noop().Wait() }); err != nil {
			return false, err
		}
		return c.pending(), nil
	}

	var idle *imapclient.IdleCommand
	if err := c.do(ctx, "IDLE", func() error {
		var err error
		idle, err = c.c.Idle()
		return err
	}); err != nil {
		return false, err
	}
	var waitErr error
loop:
	for {
		select {
		case <-c.wake:
			if c.pending() {
				newMail = true
				break loop
			}
		case <-timer.C:
			break loop
		case <-ctx.Done():
			waitErr = ctx.Err()
			break loop
		case <-c.c.Closed():
			return false, errors.New("imap: connection lost during IDLE")
		}
	}
	if err := c.do(context.Background(), "DONE", func() error {
		if err := idle.Close(); err != nil {
			return err
		}
		return idle.Wait()
	}); err != nil {
		return false, err
	}
	if waitErr != nil {
		return false, waitErr
	}
	return newMail || c.pending(), nil
}

func (c *Client) pending() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.arrivals > c.seen
}

// Close logs out if no command is running, and closes the connection. It
// ends a Wait in progress, which then returns an error.
func (c *Client) Close() error {
	if c.op.TryLock() {
		select {
		case <-c.c.Closed():
		default:
			d := min(c.timeout, 5*time.Second)
			_ = watch(context.Background(), "LOGOUT", d, func() { c.c.Close() }, func(func()) error {
				return c.c.Logout().Wait()
			})
		}
		c.op.Unlock()
	}
	if err := c.c.Close(); err != nil && !errors.Is(err, net.ErrClosed) && !isClosedErr(err) {
		return fmt.Errorf("imap: close: %w", err)
	}
	return nil
}

// isClosedErr recognises the errors a connection reports when it was closed
// on purpose or by the server after LOGOUT.
func isClosedErr(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}
