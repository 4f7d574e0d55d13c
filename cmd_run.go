package main

import (
	"context"
	"io"
	"os/signal"
	"syscall"

	"github.com/klachtd/klachtd/service"
)

// cmdRun runs the daemon until SIGINT or SIGTERM. On the signal it takes no
// new work, lets what is in flight finish and commit its outcome (at most
// Daemon.ShutdownGrace), and then closes the store; nothing is moved out of
// the inbox that is not committed.
func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("run", stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	e, err := open(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	d, err := e.newDaemon()
	if err != nil {
		return err
	}
	// Under systemd (Type=notify): READY=1 once the loops run, WATCHDOG=1
	// while they do, STOPPING=1 when a signal starts the shutdown.
	n := service.New(e.log)
	d.OnReady, d.OnStopping = n.Ready, n.Stopping
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return d.Run(ctx)
}
