package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/signal"
	"sync"
	"syscall"

	"github.com/klachtd/klachtd/service"
	"github.com/klachtd/klachtd/web"
)

// cmdRun runs the daemon until SIGINT or SIGTERM. On the signal it takes no
// new work, lets what is in flight finish and commit its outcome (at most
// Daemon.ShutdownGrace), and then closes the store; nothing is moved out of
// the inbox that is not committed. With [web] listen set, the officer's
// desk is served from the same process and store, and stops with the daemon.
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
	if e.cfg.Web.Listen == "" {
		return d.Run(ctx)
	}
	desk, err := web.New(e.cfg, e.store, d, e.log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", e.cfg.Web.Listen)
	if err != nil {
		return fmt.Errorf("[web] listen: %w", err)
	}
	// The desk and the daemon stop together: a failing web server stops
	// the daemon too, so that a desk that cannot serve is noticed.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var webErr error
	wg.Go(func() {
		webErr = desk.Serve(ctx, ln)
		cancel()
	})
	runErr := d.Run(ctx)
	cancel()
	wg.Wait()
	return errors.Join(runErr, webErr)
}
