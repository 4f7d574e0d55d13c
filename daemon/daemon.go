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
	// IMAPTimeout bounds every IMAP command.
	IMAPTimeout time.Duration
	// OnReady and OnStopping, if set, are called by Run once every loop
	// started and when shutdown begins (sd_notify READY=1, STOPPING=1).
	OnReady, OnStopping func()

	logins     *Logins
	crashAt    string // fault injection for tests: KLACHTD_CRASH_AT
	kickOutbox chan struct{}
	kickSched  chan struct{}
}

// New builds a daemon. The store's kick hooks are wired to its loops.
func New(cfg *config.Config, st *store.Store, tpl *templates.Set, secret []byte, log *slog.Logger) *Daemon {
	d := &Daemon{
		cfg:         cfg,
		store:       st,
		templates:   tpl,
		secret:      secret,
		log:         log,
		Now:         func() time.Time { return time.Now().UTC() },
		IMAPTimeout: 60 * time.Second,
		logins:      NewLogins(cfg.DataDir, log),
		crashAt:     os.Getenv("KLACHTD_CRASH_AT"),
		kickOutbox:  make(chan struct{}, 1),
		kickSched:   make(chan struct{}, 1),
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
// send what is due. It returns the first intake error after trying all
// mailboxes, and sending errors only when nothing could be sent.
func (d *Daemon) Once(ctx context.Context) error {
	var errs []error
	for _, mb := range d.cfg.Mailboxes {
		if err := d.intakeOnce(ctx, mb); err != nil {
			errs = append(errs, fmt.Errorf("mailbox %s: %w", mb.Address, err))
		}
	}
	if err := d.runSchedule(ctx); err != nil {
		errs = append(errs, fmt.Errorf("schedule: %w", err))
	}
	if err := d.sendDue(ctx); err != nil {
		errs = append(errs, fmt.Errorf("outbox: %w", err))
	}
	return errors.Join(errs...)
}

// Run runs the daemon until ctx is cancelled: one intake loop per mailbox,
// the outbox sender and the scheduler. It returns after every loop stopped.
func (d *Daemon) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	start := func(name string, loop func(context.Context)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.supervise(ctx, name, loop)
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

// supervise runs loop until ctx is done, restarting it after a panic.
func (d *Daemon) supervise(ctx context.Context, name string, loop func(context.Context)) {
	for ctx.Err() == nil {
		func() {
			defer func() {
				if r := recover(); r != nil {
					d.log.Error("loop panicked; restarting", "loop", name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				}
			}()
			loop(ctx)
		}()
		if !sleep(ctx, 5*time.Second) {
			return
		}
	}
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

// backoff returns the wait before attempt n (1-based): 1s, 2s, 4s … capped.
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
