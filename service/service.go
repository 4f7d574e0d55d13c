// Package service tells the service manager how the daemon is doing, per
// systemd's sd_notify protocol (Type=notify units): READY=1 once the loops
// run, WATCHDOG=1 at half the WatchdogSec interval while they do, and
// STOPPING=1 when shutdown begins. Without $NOTIFY_SOCKET it does nothing.
package service

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// Notifier sends the notifications of one daemon run.
type Notifier struct {
	log  *slog.Logger
	stop context.CancelFunc
	wg   sync.WaitGroup
	once sync.Once
}

// New returns a notifier; nothing is sent before Ready.
func New(log *slog.Logger) *Notifier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{log: log, stop: func() {}}
}

// Ready sends READY=1 and, when the unit has a watchdog ($WATCHDOG_USEC
// for this process), starts sending WATCHDOG=1 at half its interval until
// Stopping.
func (n *Notifier) Ready() {
	n.once.Do(func() {
		sent, err := daemon.SdNotify(false, daemon.SdNotifyReady)
		if err != nil {
			n.log.Warn("sd_notify READY=1 failed", "err", err)
		}
		if !sent {
			return // not run by a service manager
		}
		interval, err := daemon.SdWatchdogEnabled(false)
		if err != nil {
			n.log.Warn("systemd watchdog settings", "err", err)
			return
		}
		if interval <= 0 {
			return
		}
		ctx, stop := context.WithCancel(context.Background())
		n.stop = stop
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.watchdog(ctx, interval/2)
		}()
		n.log.Debug("systemd watchdog on", "interval", interval)
	})
}

// watchdog pings every period until ctx ends.
func (n *Notifier) watchdog(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		if _, err := daemon.SdNotify(false, daemon.SdNotifyWatchdog); err != nil {
			n.log.Warn("sd_notify WATCHDOG=1 failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Stopping stops the watchdog pings and sends STOPPING=1.
func (n *Notifier) Stopping() {
	n.stop()
	n.wg.Wait()
	if _, err := daemon.SdNotify(false, daemon.SdNotifyStopping); err != nil {
		n.log.Warn("sd_notify STOPPING=1 failed", "err", err)
	}
}
