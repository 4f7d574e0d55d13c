// Package daemon holds klachtd's long-running loops and the filing logic:
// intake (IMAP → store), the outbox sender (store → SMTP) and the scheduler
// of procedure terms. See docs/architecture.md for who owns what.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/templates"
)

// MaxAttachment is the largest attachment stored; larger ones are recorded
// with their size and left in the raw message only.
const MaxAttachment = 50 << 20

// SendFunc transmits stored bytes for a mailbox (mailbox.Send in production).
type SendFunc func(ctx context.Context, mb *config.Mailbox, from string, rcpts []string, raw []byte) error

// Daemon wires the configuration, the store and the mail edges.
type Daemon struct {
	cfg       *config.Config
	store     *store.Store
	templates *templates.Set
	secret    []byte
	log       *slog.Logger

	// Now is the clock. `once -now` replaces it to try terms out.
	Now func() time.Time
	// Send transmits outgoing mail; replaceable in tests.
	Send SendFunc
	// Render renders a letter or notice (letters.Render); replaceable in
	// tests. A panic in it is an error of that one mail.
	Render RenderFunc
	// IMAPTimeout bounds every IMAP command.
	IMAPTimeout time.Duration
	// ShutdownGrace is how long in-flight work may go on after the stop
	// signal (see lifecycle).
	ShutdownGrace time.Duration
	// OnReady and OnStopping, if set, are called by Run once every loop
	// started and when shutdown begins (sd_notify READY=1, STOPPING=1).
	OnReady, OnStopping func()

	logins     *Logins
	crashAt    string          // fault injection for tests: KLACHTD_CRASH_AT
	fileHook   func(*incoming) // tests: called inside the filing transaction
	kickOutbox chan struct{}
	kickSched  chan struct{}
	// stop is done when the daemon is to stop taking new work (the signal
	// context of Run or Once); in-flight work goes on under the work
	// context until it is done or the grace is over.
	stop context.Context
}

// New builds a daemon. The store's kick hooks are wired to its loops.
func New(cfg *config.Config, st *store.Store, tpl *templates.Set, secret []byte, log *slog.Logger) *Daemon {
	d := &Daemon{
		cfg:           cfg,
		store:         st,
		templates:     tpl,
		secret:        secret,
		log:           log,
		Now:           func() time.Time { return time.Now().UTC() },
		Render:        letters.Render,
		IMAPTimeout:   60 * time.Second,
		ShutdownGrace: 15 * time.Second,
		stop:          context.Background(),
		logins:        NewLogins(cfg.DataDir, log),
		crashAt:       os.Getenv("KLACHTD_CRASH_AT"),
		kickOutbox:    make(chan struct{}, 1),
		kickSched:     make(chan struct{}, 1),
	}
	d.Send = d.smtpSend
	st.OnOutbox = func() { kick(d.kickOutbox) }
	st.OnSchedule = func() { kick(d.kickSched) }
	return d
}

func kick(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// crash kills the process at a named point when KLACHTD_CRASH_AT says so.
// It exists only so that tests can prove that a crash at that instant loses
// nothing and sends nothing twice; SIGKILL gives no chance to clean up, like
// a power cut.
func (d *Daemon) crash(point string) {
	if d.crashAt == point {
		d.log.Warn("fault injection: killing the process", "point", point)
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // wait for the signal
	}
}

// term sends the process SIGTERM at a named point when KLACHTD_CRASH_AT says
// "term-" + point, and goes on once the stop signal has arrived: a normal
// stop at exactly that instant, for tests of the two-phase shutdown.
func (d *Daemon) term(point string) {
	if d.crashAt == "term-"+point {
		d.log.Warn("fault injection: stopping the process", "point", point)
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {
		case <-d.stop.Done():
		case <-time.After(5 * time.Second):
		}
	}
}

// lifecycle starts a run: stop is the signal to stop taking work (no new
// fetch, no new send); the returned work context outlives it by at most
// ShutdownGrace, so that what is in flight (a send and the commit of its
// outcome, the filing of a fetched message) finishes first. This is mox's
// two contexts (mox-/lifecycle.go), with a deadline. end releases it.
func (d *Daemon) lifecycle(stop context.Context) (work context.Context, end func()) {
	work, cancel := context.WithCancel(context.WithoutCancel(stop))
	d.stop = stop
	var grace *time.Timer
	var mu sync.Mutex
	release := context.AfterFunc(stop, func() {
		d.log.Info("stop signal: finishing what is in flight", "grace", d.ShutdownGrace)
		mu.Lock()
		grace = time.AfterFunc(d.ShutdownGrace, func() {
			d.log.Warn("stop: grace period over; cancelling what is still in flight")
			cancel()
		})
		mu.Unlock()
	})
	return work, func() {
		release()
		mu.Lock()
		if grace != nil {
			grace.Stop()
		}
		mu.Unlock()
		cancel()
	}
}

// stopping reports whether the daemon is to take no new work.
func (d *Daemon) stopping() bool { return d.stop.Err() != nil }

// commitContext is for recording the outcome of something that already
// happened outside (the server's 250 to a letter): it must not fail because
// the stop signal or the grace period ended the work.
func commitContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

func (d *Daemon) smtpSend(ctx context.Context, mb *config.Mailbox, from string, rcpts []string, raw []byte) error {
	cfg, err := d.logins.SMTPConfig(mb)
	if err != nil {
		return err
	}
	err = mailbox.Send(ctx, cfg, from, rcpts, raw)
	d.logins.Report(mb, "smtp", err)
	return err
}

// Logins returns what the daemon's mailboxes log in with.
func (d *Daemon) Logins() *Logins { return d.logins }

// Once runs one full cycle: fetch and file every mailbox, run the schedule,
// render and send what is due. It returns the first intake error after
// trying all mailboxes, and sending errors only when nothing could be sent.
// When ctx is cancelled (the stop signal), it takes no new work and
// finishes what is in flight within ShutdownGrace.
func (d *Daemon) Once(ctx context.Context) error {
	work, end := d.lifecycle(ctx)
	defer end()
	var errs []error
	if err := d.startup(work); err != nil {
		return err
	}
	for _, mb := range d.cfg.Mailboxes {
		if d.stopping() {
			break
		}
		if err := d.intakeOnce(work, mb); err != nil {
			errs = append(errs, fmt.Errorf("mailbox %s: %w", mb.Address, err))
		}
	}
	if !d.stopping() {
		if err := d.runSchedule(work); err != nil {
			errs = append(errs, fmt.Errorf("schedule: %w", err))
		}
	}
	if !d.stopping() {
		if err := d.sendDue(work); err != nil {
			errs = append(errs, fmt.Errorf("outbox: %w", err))
		}
	}
	return errors.Join(errs...)
}

// startup prepares a run: mail whose render failed before is rendered
// again (the templates may have been fixed), and mail waiting on a server
// that was broken is tried at once (the password may have been fixed).
func (d *Daemon) startup(ctx context.Context) error {
	return d.store.Tx(ctx, func(tx *store.Tx) error {
		n, err := tx.ResetRenderFailures()
		if err != nil {
			return err
		}
		if n > 0 {
			d.log.Info("rendering mail again that could not be rendered before", "count", n)
		}
		conds, err := tx.ActiveConditions()
		if err != nil {
			return err
		}
		for _, c := range conds {
			if kind, addr := splitKey(c.Key); kind == "smtp" {
				if err := tx.RetryNow(addr, d.Now()); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Run runs the daemon until ctx is cancelled: one intake loop per mailbox,
// the outbox sender and the scheduler. When ctx is cancelled the loops take
// no new work, what is in flight finishes (at most ShutdownGrace), and Run
// returns after every loop stopped; then the store may be closed.
func (d *Daemon) Run(ctx context.Context) error {
	work, end := d.lifecycle(ctx)
	defer end()
	if err := d.startup(work); err != nil {
		return err
	}
	var wg sync.WaitGroup
	start := func(name string, loop func(context.Context)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.supervise(work, name, loop)
		}()
	}
	for _, mb := range d.cfg.Mailboxes {
		start("intake "+mb.Address, func(ctx context.Context) { d.intakeLoop(ctx, mb) })
	}
	start("outbox", d.outboxLoop)
	start("scheduler", d.scheduleLoop)
	d.log.Info("klachtd running", "mailboxes", len(d.cfg.Mailboxes), "organisations", len(d.cfg.Organisations))
	if d.OnReady != nil {
		d.OnReady()
	}
	<-ctx.Done()
	if d.OnStopping != nil {
		d.OnStopping()
	}
	wg.Wait()
	d.log.Info("klachtd stopped")
	return nil
}

// supervise runs loop until the daemon stops, restarting it after a panic.
func (d *Daemon) supervise(ctx context.Context, name string, loop func(context.Context)) {
	for !d.stopping() && ctx.Err() == nil {
		func() {
			defer func() {
				if r := recover(); r != nil {
					d.log.Error("loop panicked; restarting", "loop", name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				}
			}()
			loop(ctx)
		}()
		if !d.sleep(5 * time.Second) {
			return
		}
	}
}

// sleep waits for t or the stop signal; it reports false when stopping.
func (d *Daemon) sleep(t time.Duration) bool {
	return sleep(d.stop, t)
}

// sleep waits for d or ctx; it reports false when ctx is done.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// backoff returns the wait before attempt n (1-based): base, 2·base, 4·base …
// capped at max.
func backoff(n int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}

// backoffer hands out growing waits between reconnects and starts again from
// the minimum after Reset, which the caller calls when a session worked
// (soju's rate.go backoffer does the same; without it, every reconnect late
// in a process's life would wait the cap).
type backoffer struct {
	min, max time.Duration
	n        int
}

func newBackoffer(min, max time.Duration) *backoffer { return &backoffer{min: min, max: max} }

// Next returns the wait before the next attempt.
func (b *backoffer) Next() time.Duration {
	b.n++
	return backoff(b.n, b.min, b.max)
}

// Reset starts the waits again from the minimum.
func (b *backoffer) Reset() { b.n = 0 }

// organisation returns the organisation of a mailbox.
func (d *Daemon) organisation(mb *config.Mailbox) *config.Organisation {
	return d.cfg.Organisation(mb.Organisation)
}

// mailboxFor returns the mailbox config with the given intake address.
func (d *Daemon) mailboxFor(address string) *config.Mailbox {
	for _, mb := range d.cfg.Mailboxes {
		if mb.Address == address {
			return mb
		}
	}
	return nil
}
