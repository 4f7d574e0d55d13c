package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/store"
)

// idleMax is how long one IDLE lasts before klachtd looks again anyway
// (RFC 2177 asks clients to re-issue IDLE at least every 29 minutes; a
// shorter cycle also notices a server that hangs without closing).
const idleMax = 10 * time.Minute

func (d *Daemon) dial(ctx context.Context, mb *config.Mailbox) (*mailbox.Client, error) {
	cfg, err := d.logins.IMAPConfig(mb, d.IMAPTimeout, d.log.With("mailbox", mb.Address))
	if err != nil {
		return nil, err
	}
	c, err := mailbox.Dial(ctx, cfg)
	d.logins.Report(mb, "imap", err)
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
// polls); it reconnects with backoff when the server goes away.
func (d *Daemon) intakeLoop(ctx context.Context, mb *config.Mailbox) {
	log := d.log.With("mailbox", mb.Address)
	failures := 0
	for ctx.Err() == nil {
		err := d.intakeSession(ctx, mb)
		if ctx.Err() != nil {
			return
		}
		failures++
		wait := backoff(failures, time.Second, 5*time.Minute)
		log.Warn("imap session ended; reconnecting", "err", err, "in", wait)
		if !sleep(ctx, wait) {
			return
		}
	}
}

func (d *Daemon) intakeSession(ctx context.Context, mb *config.Mailbox) error {
	c, err := d.dial(ctx, mb)
	if err != nil {
		return err
	}
	defer c.Close()
	poll := mb.PollInterval
	if poll <= 0 {
		poll = time.Minute
	}
	for {
		if err := d.sync(ctx, c, mb); err != nil {
			return err
		}
		wait := poll
		if c.HasIdle() {
			wait = idleMax
		}
		if _, err := c.Wait(ctx, wait); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// sync files every message in the intake folder that is not filed yet, then
// moves the filed ones to the processed folder. Nothing is moved before its
// transaction has committed.
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
	var toMove []uint32
	for _, uid := range uids {
		if ctx.Err() != nil {
			break
		}
		var filed bool
		err := d.store.View(ctx, func(tx *store.Tx) error {
			var err error
			filed, _, err = tx.SeenUID(mb.Address, mb.Folder, uidValidity, uid)
			return err
		})
		if err != nil {
			return err
		}
		if !filed {
			if err := d.fetchAndFile(ctx, c, mb, uidValidity, uid); err != nil {
				if errors.Is(err, errVanished) {
					log.Info("message vanished before it was fetched", "uid", uid)
					continue
				}
				return fmt.Errorf("uid %d: %w", uid, err)
			}
			d.crash("after-commit")
		}
		toMove = append(toMove, uid)
	}
	if len(toMove) == 0 {
		return nil
	}
	if err := c.Move(toMove, mb.ProcessedFolder); err != nil {
		return fmt.Errorf("move %d message(s) to %s: %w", len(toMove), mb.ProcessedFolder, err)
	}
	return d.store.Tx(ctx, func(tx *store.Tx) error {
		return tx.MarkMoved(mb.Address, mb.Folder, uidValidity, toMove, d.Now())
	})
}

var errVanished = errors.New("message vanished")

// fetchAndFile streams one message into the data directory, parses it and
// files it in one transaction.
func (d *Daemon) fetchAndFile(ctx context.Context, c *mailbox.Client, mb *config.Mailbox, uidValidity, uid uint32) error {
	tmp, err := os.CreateTemp(d.store.TempDir(), "fetch-*")
	if err != nil {
		return fmt.Errorf("temp file: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	internalDate, size, err := c.FetchTo(uid, io.MultiWriter(tmp, h))
	if errors.Is(err, mailbox.ErrMessageGone) {
		return errVanished // moved away by someone else between SEARCH and FETCH
	}
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync temp file: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("rewind temp file: %w", err)
	}
	parsed, parseErr := mailbox.Parse(tmp, d.store.FilesDir(), MaxAttachment)
	if parseErr != nil {
		// Unparseable: keep the bytes, file it in quarantine with the reason.
		parsed = nil
		d.log.Warn("message could not be parsed; quarantined", "mailbox", mb.Address, "uid", uid, "err", parseErr)
	}
	tmp.Close()
	rawPath, err := d.store.AdoptFile("mail", tmp.Name(), sum)
	if err != nil {
		return err
	}
	in := &incoming{
		mailbox:    mb,
		parsed:     parsed,
		parseErr:   parseErr,
		rawPath:    rawPath,
		sha256:     sum,
		size:       size,
		receivedAt: internalDate,
	}
	if in.receivedAt.IsZero() {
		in.receivedAt = d.Now()
	}
	err = d.store.Tx(ctx, func(tx *store.Tx) error {
		ref, err := d.file(tx, in)
		if err != nil {
			return err
		}
		return tx.RecordUID(mb.Address, mb.Folder, uidValidity, uid, ref)
	})
	if err == nil || ctx.Err() != nil {
		return err
	}
	// Filing failed (a template that does not render, a letter that cannot
	// be composed, …). Keep the message in quarantine with the reason
	// rather than retrying it forever and holding up the mailbox; the
	// officer finds it with the reason in the event log.
	d.log.Error("message could not be filed; quarantined", "mailbox", mb.Address, "uid", uid, "err", err)
	return d.store.Tx(ctx, func(tx *store.Tx) error {
		m := &store.Message{Direction: store.DirectionIn, Kind: store.KindQuarantine, SHA256: sum, Size: size,
			RawPath: rawPath, ReceivedAt: in.receivedAt, Reason: fmt.Sprintf("could not be filed: %v", err)}
		if in.parsed != nil {
			m = d.messageFrom(in)
			m.Kind, m.Reason = store.KindQuarantine, fmt.Sprintf("could not be filed: %v", err)
		}
		if err := tx.InsertMessage(m); err != nil {
			return err
		}
		if err := tx.AddEvent(&store.Event{Actor: "klachtd", Action: "quarantined", Detail: m.Reason, MessageRef: m.ID}); err != nil {
			return err
		}
		return tx.RecordUID(mb.Address, mb.Folder, uidValidity, uid, m.ID)
	})
}
