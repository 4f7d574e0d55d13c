package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/store"
)

// Outbox retry policy: exponential backoff from one minute, capped at one
// hour; after maxSendAge a row that still fails temporarily is given up and
// the officer is told.
const (
	retryBase  = time.Minute
	retryMax   = time.Hour
	maxSendAge = 3 * 24 * time.Hour
)

// outboxLoop sends due rows, then sleeps until the next row is due or a
// transaction kicks it.
func (d *Daemon) outboxLoop(ctx context.Context) {
	for ctx.Err() == nil {
		if err := d.sendDue(ctx); err != nil && ctx.Err() == nil {
			d.log.Warn("outbox", "err", err)
		}
		var next time.Time
		err := d.store.View(ctx, func(tx *store.Tx) error {
			var err error
			next, err = tx.NextOutgoingAt()
			return err
		})
		if err != nil {
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
		case <-ctx.Done():
			t.Stop()
			return
		case <-d.kickOutbox:
		case <-t.C:
		}
		t.Stop()
	}
}

// sendDue sends every due outbox row once. Errors of single rows are
// recorded on the row; the returned error is about the store.
func (d *Daemon) sendDue(ctx context.Context) error {
	for ctx.Err() == nil {
		var rows []*store.Outgoing
		err := d.store.View(ctx, func(tx *store.Tx) error {
			var err error
			rows, err = tx.DueOutgoing(d.Now(), 50)
			return err
		})
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		progress := false
		for _, o := range rows {
			if ctx.Err() != nil {
				return nil
			}
			sent, err := d.sendOne(ctx, o)
			if err != nil {
				return err
			}
			progress = progress || sent
		}
		if !progress {
			return nil // everything due failed this round; the next attempt is later
		}
	}
	return nil
}

// sendOne transmits one row and records the outcome. It reports whether the
// row left the due set (sent or failed for good).
func (d *Daemon) sendOne(ctx context.Context, o *store.Outgoing) (bool, error) {
	log := d.log.With("outbox", o.ID, "to", o.Recipients)
	var msg *store.Message
	if err := d.store.View(ctx, func(tx *store.Tx) error {
		var err error
		msg, err = tx.Message(o.MessageRef)
		return err
	}); err != nil {
		return false, err
	}
	raw, err := d.store.ReadFile(msg.RawPath)
	if err != nil {
		return false, err
	}
	mb := d.mailboxFor(o.Mailbox)
	if mb == nil {
		return true, d.store.Tx(ctx, func(tx *store.Tx) error {
			return tx.MarkFailed(o.ID, fmt.Sprintf("no [[mailbox]] with address %s in the config", o.Mailbox), d.Now())
		})
	}
	d.crash("before-send")
	sendErr := d.Send(ctx, mb, o.EnvFrom, o.Recipients, raw)
	if sendErr == nil {
		d.crash("after-send")
		log.Info("mail sent", "message_id", msg.MessageID, "kind", msg.Kind)
		return true, d.store.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.MarkSent(o.ID, d.Now()); err != nil {
				return err
			}
			return d.afterSent(tx, o, msg)
		})
	}
	if ctx.Err() != nil {
		return false, nil
	}
	var se *mailbox.SendError
	permanent := errors.As(sendErr, &se) && se.Permanent
	if !permanent && d.Now().Sub(o.CreatedAt) < maxSendAge {
		next := d.Now().Add(backoff(o.Attempts+1, retryBase, retryMax))
		log.Warn("sending failed; will retry", "err", sendErr, "next", next)
		return false, d.store.Tx(ctx, func(tx *store.Tx) error {
			return tx.MarkRetry(o.ID, sendErr.Error(), next)
		})
	}
	log.Error("sending failed for good", "err", sendErr)
	return true, d.store.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.MarkFailed(o.ID, sendErr.Error(), d.Now()); err != nil {
			return err
		}
		return d.sendFailed(tx, o, msg, sendErr)
	})
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
	letters, err := tx.Letters(dos.ID)
	if err != nil {
		return err
	}
	for _, l := range letters {
		if l.ID != o.LetterID {
			continue
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
	return nil
}

// sendFailed handles a mail that cannot be delivered by SMTP: a letter goes
// to the officer to post; anything else is logged in the dossier.
func (d *Daemon) sendFailed(tx *store.Tx, o *store.Outgoing, msg *store.Message, sendErr error) error {
	if msg.DossierID == 0 {
		return tx.AddEvent(&store.Event{Actor: "klachtd", Action: "send failed",
			Detail: fmt.Sprintf("mail to %v could not be sent: %v", o.Recipients, sendErr), MessageRef: msg.ID})
	}
	if err := tx.AddEvent(&store.Event{DossierID: msg.DossierID, Actor: "klachtd", Action: "send failed",
		Detail: fmt.Sprintf("mail to %v could not be sent: %v", o.Recipients, sendErr), MessageRef: msg.ID}); err != nil {
		return err
	}
	if o.LetterID == 0 {
		return nil
	}
	ls, err := tx.Letters(msg.DossierID)
	if err != nil {
		return err
	}
	for _, l := range ls {
		if l.ID == o.LetterID {
			return d.letterBounced(tx, l)
		}
	}
	return nil
}
