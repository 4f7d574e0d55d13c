package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/store"
)

// idleMax is how long one IDLE lasts before klachtd looks again anyway
// (RFC 2177 asks clients to re-issue IDLE at least every 29 minutes; a
// shorter cycle also notices a server that hangs without closing).
const idleMax = 10 * time.Minute

// maxFetchAttempts is how many times klachtd tries to fetch a message that
// the server fails to deliver before it quarantines the message without its
// bytes (it then leaves the intake folder, like any quarantined message).
const maxFetchAttempts = 3

func (d *Daemon) dial(ctx context.Context, mb *config.Mailbox) (*mailbox.Client, error) {
	cfg, err := d.logins.IMAPConfig(mb, d.IMAPTimeout, d.log.With("mailbox", mb.Address))
	if err != nil {
		return nil, err
	}
	c, err := mailbox.Dial(ctx, cfg)
	d.logins.Report(mb, "imap", err)
	if err != nil && (mailbox.IsRefused(err) || LoginProblem(mb, err) != "") && !d.stopping() {
		// The server answers but refuses us, or the OAuth2 grant is gone:
		// a condition once it persists.
		detail := LoginProblem(mb, err)
		if detail == "" {
			detail = err.Error()
		}
		if _, cerr := d.raiseCondition(ctx, "imap:"+mb.Address, detail); cerr != nil {
			d.log.Warn("recording the refused login", "err", cerr)
		}
		return nil, err
	}
	if err == nil {
		if cerr := d.store.Tx(ctx, func(tx *store.Tx) error { return d.endCondition(tx, "imap:"+mb.Address) }); cerr != nil {
			c.Close()
			return nil, cerr
		}
	}
	return c, err
}

// intakeOnce connects, files everything new in the folder and disconnects.
func (d *Daemon) intakeOnce(ctx context.Context, mb *config.Mailbox) error {
	c, err := d.dial(ctx, mb)
	if err != nil {
		return err
	}
	defer c.Close()
	return d.sync(ctx, c, mb)
}

// intakeLoop keeps a connection, files what is new, and waits in IDLE (or
// polls); it reconnects with backoff when the server goes away. The backoff
// starts again from one second after a session that worked.
func (d *Daemon) intakeLoop(ctx context.Context, mb *config.Mailbox) {
	log := d.log.With("mailbox", mb.Address)
	b := newBackoffer(time.Second, 5*time.Minute)
	for !d.stopping() {
		worked, err := d.intakeSession(ctx, mb)
		if d.stopping() {
			return
		}
		if worked {
			b.Reset()
		}
		wait := b.Next()
		log.Warn("imap session ended; reconnecting", "err", err, "in", wait)
		if !d.sleep(wait) {
			return
		}
	}
}

// intakeSession runs one IMAP session. worked reports whether it logged in
// and filed what was waiting at least once.
func (d *Daemon) intakeSession(ctx context.Context, mb *config.Mailbox) (worked bool, err error) {
	c, err := d.dial(ctx, mb)
	if err != nil {
		return false, err
	}
	defer c.Close()
	d.log.Info("imap session started", "mailbox", mb.Address, "idle", c.HasIdle())
	poll := mb.PollInterval
	if poll <= 0 {
		poll = time.Minute
	}
	for {
		if err := d.sync(ctx, c, mb); err != nil {
			return worked, err
		}
		worked = true
		wait := poll
		if c.HasIdle() {
			wait = idleMax
		}
		if _, err := c.Wait(d.stop, wait); err != nil {
			if d.stopping() {
				return worked, nil
			}
			return worked, err
		}
		if d.stopping() {
			return worked, nil
		}
	}
}

// sync files every message in the intake folder that is not filed yet, then
// moves the filed ones to the processed folder and the quarantined ones to
// the quarantine folder. Nothing is moved before its transaction has
// committed. One message never blocks the next: whatever goes wrong with
// one message ends with it filed or quarantined; only a failure of the world
// (the store, the connection) ends the step, to be tried again.
func (d *Daemon) sync(ctx context.Context, c *mailbox.Client, mb *config.Mailbox) error {
	log := d.log.With("mailbox", mb.Address)
	uidValidity, err := c.Select(mb.Folder)
	if err != nil {
		return fmt.Errorf("select %s: %w", mb.Folder, err)
	}
	uids, err := c.UIDs()
	if err != nil {
		return fmt.Errorf("search %s: %w", mb.Folder, err)
	}
	var toMove, toQuarantine []uint32
	var stepErr error
	for _, uid := range uids {
		if d.stopping() {
			break
		}
		var filed, quarantined bool
		err := d.store.View(ctx, func(tx *store.Tx) error {
			var err error
			filed, _, quarantined, err = tx.SeenUID(mb.Address, mb.Folder, uidValidity, uid)
			return err
		})
		if err != nil {
			stepErr = err
			break
		}
		if !filed {
			quarantined, err = d.intakeOne(ctx, c, mb, uidValidity, uid)
			switch {
			case errors.Is(err, errVanished):
				log.Info("message vanished before it was fetched", "uid", uid)
				continue
			case errors.Is(err, errSkipped):
				continue
			case err != nil:
				stepErr = fmt.Errorf("uid %d: %w", uid, err)
			}
			if err != nil {
				break
			}
			d.crash("after-commit")
		}
		if quarantined {
			toQuarantine = append(toQuarantine, uid)
		} else {
			toMove = append(toMove, uid)
		}
	}
	// What was filed before a failure is moved all the same.
	if err := d.move(ctx, c, mb, uidValidity, toMove, mb.ProcessedFolder); err != nil {
		return errors.Join(stepErr, err)
	}
	if err := d.move(ctx, c, mb, uidValidity, toQuarantine, mb.QuarantineFolder); err != nil {
		return errors.Join(stepErr, err)
	}
	return stepErr
}

// move moves filed messages out of the intake folder to folder (created if
// missing) and records it. If the server refuses the move of the batch, the
// messages are moved one by one, so that one message the server will not
// move does not keep the others in the intake folder; it stays, filed, and
// is tried again next time.
func (d *Daemon) move(ctx context.Context, c *mailbox.Client, mb *config.Mailbox, uidValidity uint32, uids []uint32, folder string) error {
	if len(uids) == 0 {
		return nil
	}
	err := c.Move(uids, folder)
	moved := uids
	if err != nil && mailbox.IsRefused(err) && len(uids) > 1 {
		moved = nil
		for _, uid := range uids {
			if err := c.Move([]uint32{uid}, folder); err != nil {
				if !mailbox.IsRefused(err) {
					return fmt.Errorf("move uid %d to %s: %w", uid, folder, err)
				}
				d.log.Warn("the server refuses to move a filed message; it stays in the intake folder", "mailbox", mb.Address, "uid", uid, "folder", folder, "err", err)
				continue
			}
			moved = append(moved, uid)
		}
		err = nil
	}
	if err != nil {
		return fmt.Errorf("move %d message(s) to %s: %w", len(uids), folder, err)
	}
	mctx, cancel := commitContext(ctx)
	defer cancel()
	return d.store.Tx(mctx, func(tx *store.Tx) error {
		return tx.MarkMoved(mb.Address, mb.Folder, uidValidity, moved, d.Now())
	})
}

var (
	errVanished = errors.New("message vanished")
	errSkipped  = errors.New("message skipped this time")
)

// panicError is a recovered panic while handling one message.
type panicError struct{ v any }

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.v) }

// intakeOne fetches one message and files it, or quarantines it. It reports
// whether the message was quarantined. An error means the world failed (the
// connection, the store): nothing about the message is decided, and it is
// tried again.
func (d *Daemon) intakeOne(ctx context.Context, c *mailbox.Client, mb *config.Mailbox, uidValidity, uid uint32) (bool, error) {
	var attempts int
	var lastErr string
	if err := d.store.View(ctx, func(tx *store.Tx) error {
		var err error
		attempts, lastErr, err = tx.FetchFailures(mb.Address, mb.Folder, uidValidity, uid)
		return err
	}); err != nil {
		return false, err
	}
	if attempts >= maxFetchAttempts {
		return true, d.quarantineUnfetchable(ctx, mb, uidValidity, uid, attempts, lastErr)
	}
	tmp, err := os.CreateTemp(d.store.TempDir(), "fetch-*")
	if err != nil {
		return false, fmt.Errorf("temp file: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	internalDate, size, err := d.fetch(c, uid, io.MultiWriter(tmp, h))
	if errors.Is(err, mailbox.ErrMessageGone) {
		return false, errVanished // moved away by someone else between SEARCH and FETCH
	}
	if fetchErr := err; fetchErr != nil {
		if ctx.Err() != nil || d.stopping() {
			return false, fmt.Errorf("fetch: %w", fetchErr)
		}
		// Count the failure against this UID: a message the server fails
		// to deliver again and again is quarantined without its bytes.
		var n int
		if serr := d.store.Tx(ctx, func(tx *store.Tx) error {
			var err error
			n, err = tx.FetchFailed(mb.Address, mb.Folder, uidValidity, uid, fetchErr.Error(), d.Now())
			return err
		}); serr != nil {
			return false, errors.Join(fmt.Errorf("fetch: %w", fetchErr), serr)
		}
		d.log.Warn("fetching a message failed", "mailbox", mb.Address, "uid", uid, "attempt", n, "of", maxFetchAttempts, "err", fetchErr)
		if mailbox.IsRefused(fetchErr) {
			return false, errSkipped // the server said no; the connection is fine
		}
		return false, fmt.Errorf("fetch: %w", fetchErr)
	}
	if err := tmp.Sync(); err != nil {
		return false, fmt.Errorf("sync temp file: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return false, fmt.Errorf("rewind temp file: %w", err)
	}
	if internalDate.IsZero() {
		internalDate = d.Now()
	}
	in := &incoming{mailbox: mb, sha256: sum, size: size, receivedAt: internalDate}
	return d.fileFetched(ctx, tmp, in, uidValidity, uid)
}

// fetch is FetchTo with a panic (of the IMAP library on a malformed
// response) turned into an error.
func (d *Daemon) fetch(c *mailbox.Client, uid uint32, w io.Writer) (t time.Time, n int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("fetch panicked", "uid", uid, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = &panicError{p}
		}
	}()
	return c.FetchTo(uid, w)
}

// fileFetched parses and files a fetched message (its bytes in tmp). From
// here on nothing about the message may stop the intake: a parse failure, a
// filing error or a panic quarantines it. Only a failure of the store is
// returned, and then nothing was decided.
func (d *Daemon) fileFetched(ctx context.Context, tmp *os.File, in *incoming, uidValidity, uid uint32) (quarantined bool, err error) {
	mb := in.mailbox
	var cause error
	func() {
		defer func() {
			if p := recover(); p != nil {
				d.log.Error("parsing a message panicked", "mailbox", mb.Address, "uid", uid, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				in.parsed, cause = nil, &panicError{p}
			}
		}()
		in.parsed, cause = mailbox.Parse(tmp, d.store.FilesDir(), MaxAttachment)
	}()
	tmp.Close()
	rawPath, err := d.store.AdoptFile("mail", tmp.Name(), in.sha256)
	if err != nil {
		return false, err
	}
	in.rawPath = rawPath
	if cause != nil {
		in.parsed = nil
		return true, d.quarantine(ctx, in, uidValidity, uid, fmt.Errorf("could not be parsed: %w", cause))
	}
	quarantined, err = d.fileTx(ctx, in, uidValidity, uid)
	if err == nil || store.Transient(err) || ctx.Err() != nil {
		return quarantined, err
	}
	// Filing failed because of the message (an error or a panic of the
	// filing logic): keep it in quarantine with the reason rather than
	// trying it forever and holding up the mailbox.
	return true, d.quarantine(ctx, in, uidValidity, uid, fmt.Errorf("could not be filed: %w", err))
}

// fileTx files a message in one transaction. A panic is returned as an
// error (the transaction is rolled back).
func (d *Daemon) fileTx(ctx context.Context, in *incoming, uidValidity, uid uint32) (quarantined bool, err error) {
	mb := in.mailbox
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("filing a message panicked", "mailbox", mb.Address, "uid", uid, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			quarantined, err = false, &panicError{p}
		}
	}()
	err = d.store.Tx(ctx, func(tx *store.Tx) error {
		ref, err := d.file(tx, in)
		if err != nil {
			return err
		}
		if err := tx.RecordUID(mb.Address, mb.Folder, uidValidity, uid, ref); err != nil {
			return err
		}
		if err := tx.ClearFetchFailures(mb.Address, mb.Folder, uidValidity, uid); err != nil {
			return err
		}
		m, err := tx.Message(ref)
		if err != nil {
			return err
		}
		quarantined = m.Kind == store.KindQuarantine
		return nil
	})
	return quarantined, err
}

// quarantine files a message raw, with the reason, records its UID and
// tells the officer. If even the parsed fields cannot be filed, the bare
// message is.
func (d *Daemon) quarantine(ctx context.Context, in *incoming, uidValidity, uid uint32, cause error) error {
	mb := in.mailbox
	reason := cause.Error()
	d.log.Error("message quarantined", "mailbox", mb.Address, "uid", uid, "reason", reason)
	bare := func() *store.Message {
		return &store.Message{Direction: store.DirectionIn, Kind: store.KindQuarantine, SHA256: in.sha256, Size: in.size,
			RawPath: in.rawPath, ReceivedAt: in.receivedAt, Reason: reason}
	}
	m := bare()
	if in.parsed != nil {
		m = d.messageFrom(in)
		m.Kind, m.Reason, m.DossierID = store.KindQuarantine, reason, 0
	}
	err := d.quarantineTx(ctx, in.mailbox, m, uidValidity, uid)
	if err != nil && in.parsed != nil && !store.Transient(err) {
		d.log.Warn("quarantining the parsed message failed; quarantining it bare", "err", err)
		err = d.quarantineTx(ctx, in.mailbox, bare(), uidValidity, uid)
	}
	return err
}

// quarantineUnfetchable quarantines a message the server failed to deliver
// maxFetchAttempts times, without its bytes.
func (d *Daemon) quarantineUnfetchable(ctx context.Context, mb *config.Mailbox, uidValidity, uid uint32, attempts int, lastErr string) error {
	reason := fmt.Sprintf("the server could not deliver this message (UID %d) in %d attempts: %s", uid, attempts, lastErr)
	d.log.Error("message quarantined", "mailbox", mb.Address, "uid", uid, "reason", reason)
	m := &store.Message{Direction: store.DirectionIn, Kind: store.KindQuarantine, SHA256: "", ReceivedAt: d.Now(), Reason: reason}
	return d.quarantineTx(ctx, mb, m, uidValidity, uid)
}

func (d *Daemon) quarantineTx(ctx context.Context, mb *config.Mailbox, m *store.Message, uidValidity, uid uint32) error {
	return d.store.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertMessage(m); err != nil {
			return err
		}
		if err := tx.AddEvent(&store.Event{Actor: "klachtd", Action: "quarantined", Detail: m.Reason, MessageRef: m.ID}); err != nil {
			return err
		}
		if err := tx.RecordUID(mb.Address, mb.Folder, uidValidity, uid, m.ID); err != nil {
			return err
		}
		if err := tx.ClearFetchFailures(mb.Address, mb.Folder, uidValidity, uid); err != nil {
			return err
		}
		return d.tellQuarantined(tx, mb, m)
	})
}

// tellQuarantined alerts the officer about a quarantined message.
func (d *Daemon) tellQuarantined(tx *store.Tx, mb *config.Mailbox, m *store.Message) error {
	org := d.organisation(mb)
	if org == nil {
		return nil
	}
	what := say(org, "zonder afzender", "without a sender")
	if m.FromAddr != "" {
		what = say(org, "%q van %s", "%q from %s", m.Subject, m.FromAddr)
	}
	return d.officerAlert(tx, org, nil, "",
		say(org, "een bericht kon niet worden verwerkt", "a message could not be filed"),
		say(org, "Een bericht in %s (%s) kon niet worden verwerkt en staat in quarantaine, in de map %s: %s. Het bericht is bewaard zoals het binnenkwam; de volgende berichten worden gewoon verwerkt.",
			"A message in %s (%s) could not be filed and is in quarantine, in the folder %s: %s. It is kept as it came in; the next messages are filed as usual.",
			mb.Address, what, mb.QuarantineFolder, m.Reason),
		"klachtd quarantine")
}
