package daemon

import (
	"context"
	"time"

	"github.com/klachtd/klachtd/store"
)

// runSchedule sends every notice that is due and not sent before (one
// cycle of `once`).
func (d *Daemon) runSchedule(ctx context.Context) error {
	_, err := d.scheduleOnce(ctx)
	return err
}

// scheduleOnce queues every notice that is due and not sent before, in
// one transaction, and returns when the next notice falls due (zero if
// none).
func (d *Daemon) scheduleOnce(ctx context.Context) (next time.Time, err error) {
	now := d.Now()
	err = d.store.Tx(ctx, func(tx *store.Tx) error {
		next, err = d.rules.Notices(tx, now)
		return err
	})
	return next, err
}

// scheduleLoop sleeps until the earliest due notice, woken early when a
// transaction changed terms.
func (d *Daemon) scheduleLoop(ctx context.Context) {
	for !d.stopping() {
		next, err := d.scheduleOnce(ctx)
		wait := time.Hour
		if err != nil {
			if d.stopping() {
				return
			}
			d.log.Warn("scheduler", "err", err)
			wait = time.Minute
		} else if !next.IsZero() {
			wait = min(max(next.Sub(d.Now()), time.Second), time.Hour)
		}
		if !d.waitOrKick(wait, d.kickSched) {
			return
		}
	}
}
