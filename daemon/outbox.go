package daemon

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/store"
)

// Outbox retry policy. A mail whose recipient is refused for now is tried
// again with exponential backoff from one minute, capped at one hour; it is
// never given up. While sending through a mailbox is broken (a failure of
// the session or the server, mailbox.SendError.Session), all its mail waits
// together and the server is probed every probeBase three times, then with
// backoff capped at probeMax, so that recovery is noticed soon.
const (
	retryBase = time.Minute
	retryMax  = time.Hour
	probeBase = 5 * time.Second
	probeMax  = 10 * time.Minute
)

// renderBatch is how many drafts the sender renders before it sends.
const renderBatch = 1

// outboxLoop renders and sends due rows, then sleeps until the next row is
// due or a transaction kicks it.
func (d *Daemon) outboxLoop(ctx context.Context) {
	for !d.stopping() {
		if err := d.sendDue(ctx); err != nil && !d.stopping() {
			d.log.Warn("outbox", "err", err)
		}
		var next time.Time
		err := d.store.View(ctx, func(tx *store.Tx) error {
			var err error
			next, err = tx.NextOutgoingAt()
			return err
		})
		if err != nil {
			if d.stopping() {
				return
			}
			d.log.Warn("outbox: next due time", "err", err)
			next = d.Now().Add(time.Minute)
		}
		wait := time.Hour
		if !next.IsZero() {
			wait = max(next.Sub(d.Now()), 0)
		}
		if wait == 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-d.stop.Done():
			t.Stop()
			return
		case <-d.kickOutbox:
		case <-t.C:
		}
		t.Stop()
	}
}

// sendDue renders what waits for it and sends every due row once, then
// tells the officer of conditions that started or ended. Errors of single
// rows are recorded on the row; the returned error is about the store.
func (d *Daemon) sendDue(ctx context.Context) error {
	blocked := map[string]bool{} // mailboxes whose sending broke in this round
	for !d.stopping() {
		// Render a few, then send what is due, so that the first mail of a
		// transaction (the acknowledgement) goes out before the rest is
		// made.
		rendered, err := d.renderDue(ctx, renderBatch)
		if err != nil {
			return err
		}
		var rows []*store.Outgoing
		err = d.store.View(ctx, func(tx *store.Tx) error {
			var err error
			rows, err = tx.DueOutgoing(d.Now(), 50)
			return err
		})
		if err != nil {
			return err
		}
		progress := rendered > 0
		for _, o := range rows {
			if d.stopping() {
				return nil
			}
			if blocked[o.Mailbox] {
				continue
			}
			done, broken, err := d.sendOne(ctx, o)
			if err != nil {
				return err
			}
			if broken {
				blocked[o.Mailbox] = true
			}
			progress = progress || done
		}
		if err := d.tellConditions(ctx); err != nil {
			return err
		}
		if !progress {
			return nil // everything due failed this round; the next attempt is later
		}
	}
	return nil
}

// sendOne transmits one row and records the outcome. It reports whether the
// row left the due set (sent or failed for good), and whether sending
// through its mailbox is broken (every other row of it is postponed).
func (d *Daemon) sendOne(ctx context.Context, o *store.Outgoing) (done, broken bool, err error) {
	log := d.log.With("outbox", o.ID, "to", o.Recipients)
	var msg *store.Message
	if err := d.store.View(ctx, func(tx *store.Tx) error {
		var err error
		msg, err = tx.Message(o.MessageRef)
		return err
	}); err != nil {
		return false, false, err
	}
	raw, err := d.store.ReadFile(msg.RawPath)
	if err != nil {
		return false, false, err
	}
	mb := d.mailboxFor(o.Mailbox)
	if mb == nil {
		return true, false, d.store.Tx(ctx, func(tx *store.Tx) error {
			return tx.MarkFailed(o.ID, fmt.Sprintf("no [[mailbox]] with address %s in the config", o.Mailbox), d.Now())
		})
	}
	d.crash("before-send")
	sendErr := d.send(ctx, mb, o, raw)
	if sendErr == nil {
		// The server said 250: the mail is gone. Its outcome is committed
		// under a context that neither the stop signal nor the end of the
		// grace period cancels, or the letter would go out again at the
		// next start.
		d.crash("after-send")
		d.term("after-send")
		log.Info("mail sent", "message_id", msg.MessageID, "kind", msg.Kind)
		cctx, cancel := commitContext(ctx)
		defer cancel()
		return true, false, d.store.Tx(cctx, func(tx *store.Tx) error {
			if err := tx.MarkSent(o.ID, d.Now()); err != nil {
				return err
			}
			if c, err := tx.ActiveCondition("smtp:" + o.Mailbox); err != nil {
				return err
			} else if c != nil {
				// Sending works again: end the interruption and send what
				// waited at once.
				if err := d.endCondition(tx, c.Key); err != nil {
					return err
				}
				if err := tx.RetryNow(o.Mailbox, d.Now()); err != nil {
					return err
				}
			}
			return d.afterSent(tx, o, msg)
		})
	}
	if ctx.Err() != nil {
		return false, false, nil // the grace period is over; nothing was decided
	}
	var se *mailbox.SendError
	if !errors.As(sendErr, &se) {
		se = &mailbox.SendError{Session: true, Err: sendErr}
	}
	switch {
	case se.Session:
		// The server or our account: no letter is at fault. Keep all mail
		// of this mailbox queued, tell the officer, probe with backoff.
		var c *store.Condition
		var started bool
		detail := LoginProblem(mb, sendErr)
		if detail == "" {
			detail = sendErr.Error()
		}
		err := d.store.Tx(ctx, func(tx *store.Tx) error {
			var err error
			if c, started, err = tx.RaiseCondition("smtp:"+o.Mailbox, detail, d.Now()); err != nil {
				return err
			}
			// The first probes come quickly (a glitch, a password just
			// fixed), then further apart.
			next := d.Now().Add(backoff(max(c.Failures-2, 1), probeBase, probeMax))
			if err := tx.MarkRetry(o.ID, sendErr.Error(), next); err != nil {
				return err
			}
			return tx.Postpone(o.Mailbox, next)
		})
		if err != nil {
			return false, true, err
		}
		if started {
			log.Error("sending is broken; all mail of this mailbox stays queued", "mailbox", o.Mailbox, "err", sendErr)
		} else {
			log.Warn("sending still broken", "mailbox", o.Mailbox, "failures", c.Failures, "err", sendErr)
		}
		return false, true, nil
	case se.Permanent:
		log.Error("mail refused for good; a letter goes to the post", "err", sendErr)
		return true, false, d.store.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.MarkFailed(o.ID, sendErr.Error(), d.Now()); err != nil {
				return err
			}
			return d.sendFailed(tx, o, msg, sendErr)
		})
	default:
		next := d.Now().Add(backoff(o.Attempts+1, retryBase, retryMax))
		log.Warn("sending failed for now; will retry", "err", sendErr, "next", next)
		return false, false, d.store.Tx(ctx, func(tx *store.Tx) error {
			return tx.MarkRetry(o.ID, sendErr.Error(), next)
		})
	}
}

// send is d.Send with a panic turned into a temporary failure of this one
// mail: it is tried again later and does not hold up the others.
func (d *Daemon) send(ctx context.Context, mb *config.Mailbox, o *store.Outgoing, raw []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			d.log.Error("sending panicked", "outbox", o.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = &mailbox.SendError{Stage: mailbox.StageSession, Err: fmt.Errorf("panic: %v", p)}
		}
	}()
	return d.Send(ctx, mb, o.EnvFrom, o.Recipients, raw)
}

// afterSent records what a sent mail means for its dossier.
func (d *Daemon) afterSent(tx *store.Tx, o *store.Outgoing, msg *store.Message) error {
	if msg.DossierID == 0 || o.LetterID == 0 {
		return nil
	}
	dos, err := tx.DossierByID(msg.DossierID)
	if err != nil {
		return err
	}
	l, err := tx.Letter(o.LetterID)
	if err != nil {
		return err
	}
	if l.Kind == "acknowledgement" && dos.AcknowledgedAt.IsZero() {
		dos.AcknowledgedAt = d.Now()
		if err := tx.UpdateDossier(dos); err != nil {
			return err
		}
	}
	return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "sent",
		Detail: fmt.Sprintf("%s letter sent to %s", l.Kind, l.Recipient), MessageRef: msg.ID})
}

// sendFailed handles a mail that cannot be delivered by SMTP: a letter goes
// to the officer to post; anything else is logged in the dossier.
func (d *Daemon) sendFailed(tx *store.Tx, o *store.Outgoing, msg *store.Message, sendErr error) error {
	if err := tx.AddEvent(&store.Event{DossierID: msg.DossierID, Actor: "klachtd", Action: "send failed",
		Detail: fmt.Sprintf("mail to %v could not be sent: %v", o.Recipients, sendErr), MessageRef: msg.ID}); err != nil {
		return err
	}
	if msg.DossierID == 0 || o.LetterID == 0 {
		return nil
	}
	l, err := tx.Letter(o.LetterID)
	if err != nil {
		return err
	}
	return d.letterBounced(tx, l)
}
