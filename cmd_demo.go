package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/daemon"
	"github.com/klachtd/klachtd/demo"
	"github.com/klachtd/klachtd/store"
)

// cmdDemo starts an embedded IMAP and SMTP server on loopback, drops sample
// complaints into info@example.nl, runs the daemon against them and shows
// the result. With -serve it keeps everything running for a mail client.
func cmdDemo(c *call) error {
	stderr := c.stderr
	serve := c.flags.Bool("serve", false, "keep the servers and the daemon running and say how to connect a mail client")
	dir := c.flags.String("dir", "", "working `directory` for the demo's config and data (default: a new temporary directory)")
	imapAddr := c.flags.String("imap", "", "IMAP listen `address` (default 127.0.0.1:1143 with -serve, else a free port)")
	smtpAddr := c.flags.String("smtp", "", "SMTP listen `address` (default 127.0.0.1:1025 with -serve, else a free port)")
	wait := c.flags.Duration("wait", 25*time.Second, "how long to wait for the acknowledgements")
	if _, err := c.args(); err != nil {
		return err
	}
	if *imapAddr == "" {
		*imapAddr = map[bool]string{true: "127.0.0.1:1143", false: "127.0.0.1:0"}[*serve]
	}
	if *smtpAddr == "" {
		*smtpAddr = map[bool]string{true: "127.0.0.1:1025", false: "127.0.0.1:0"}[*serve]
	}
	work := *dir
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "klachtd-demo-"); err != nil {
			return fmt.Errorf("create demo directory: %w", err)
		}
	} else if err := os.MkdirAll(work, 0o700); err != nil {
		return fmt.Errorf("create demo directory: %w", err)
	}
	srv, err := demo.Start(*imapAddr, *smtpAddr)
	if err != nil {
		return err
	}
	defer srv.Close()
	cfgFile := filepath.Join(work, "config.toml")
	if err := os.WriteFile(cfgFile, []byte(demo.Config(filepath.Join(work, "var"), srv.IMAPAddr, srv.SMTPAddr)), 0o600); err != nil {
		return fmt.Errorf("write demo config: %w", err)
	}
	os.Setenv("KLACHTD_DEMO_PASSWORD", demo.Password)
	cfg, err := config.Load(cfgFile)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := daemon.Open(c.ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	st := d.Store()

	samples, err := demo.Samples()
	if err != nil {
		return err
	}
	complaints := 0
	fmt.Fprintf(c.stdout, "klachtd demo: IMAP %s, SMTP %s (in-process, loopback only)\n", srv.IMAPAddr, srv.SMTPAddr)
	fmt.Fprintf(c.stdout, "Dropping %d sample mails into info@example.nl:\n", len(samples))
	for _, s := range samples {
		note := "a complaint"
		if s.Automatic {
			note = "an auto-reply: must be ignored"
		} else {
			complaints++
		}
		fmt.Fprintf(c.stdout, "  %-28s %s\n", s.Name, note)
	}
	if err := srv.Feed(samples); err != nil {
		return err
	}

	runCtx, stop := signal.NotifyContext(c.ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	daemonCtx, cancel := context.WithCancel(runCtx)
	done := make(chan error, 1)
	go func() { done <- d.Run(daemonCtx) }()
	shutdown := func() error {
		cancel()
		return <-done
	}

	start := time.Now()
	deadline := time.After(*wait)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for acknowledged(c.ctx, st) < complaints {
		select {
		case <-deadline:
			_ = shutdown()
			return fmt.Errorf("only %d of %d acknowledgements were sent within %s (data in %s)", acknowledged(c.ctx, st), complaints, *wait, work)
		case <-runCtx.Done():
			return shutdown()
		case <-tick.C:
		}
	}
	fmt.Fprintf(c.stdout, "\nAll %d complaints registered and acknowledged in %.1f s.\n\nThe register (klachtd list):\n\n", complaints, time.Since(start).Seconds())
	if err := demoReport(c.ctx, c.stdout, st, srv); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "\nEverything is in %s. Look further with:\n", work)
	fmt.Fprintf(c.stdout, "  go run . show KL-%d-0001 -config %s\n", time.Now().Year(), cfgFile)
	fmt.Fprintf(c.stdout, "  go run . pdf KL-%d-0002 acknowledgement -config %s\n", time.Now().Year(), cfgFile)
	if !*serve {
		return shutdown()
	}
	fmt.Fprintf(c.stdout, `
The demo keeps running (Ctrl-C stops it). Point a mail client at it:
  IMAP   %s  no TLS, user klant@example.com (or any of %v), password %q
  SMTP   %s  no TLS, same user and password
Send a complaint to info@example.nl and watch it being acknowledged; log in
as piet@example.nl to see the handler's notification and reply to it.
In another terminal (with KLACHTD_DEMO_PASSWORD=%s for 'once' and 'check'):
  go run . list -config %s
`, srv.IMAPAddr, demo.Users, demo.Password, srv.SMTPAddr, demo.Password, cfgFile)
	<-runCtx.Done()
	return shutdown()
}

// acknowledged counts acknowledgement letters that have been sent.
func acknowledged(ctx context.Context, st *store.Store) int {
	n := 0
	_ = st.View(ctx, func(tx *store.Tx) error {
		ds, err := tx.Dossiers(store.DossierFilter{})
		if err != nil {
			return err
		}
		for _, d := range ds {
			if !d.AcknowledgedAt.IsZero() {
				n++
			}
		}
		return nil
	})
	return n
}

// demoReport prints the register, the mail the servers delivered, and where
// the PDFs are.
func demoReport(ctx context.Context, w io.Writer, st *store.Store, srv *demo.Servers) error {
	var ds []*store.Dossier
	var unfiled []*store.Message
	pdfs := map[string]string{}
	err := st.View(ctx, func(tx *store.Tx) error {
		var err error
		if ds, err = tx.Dossiers(store.DossierFilter{}); err != nil {
			return err
		}
		for _, d := range ds {
			ls, err := tx.Letters(d.ID)
			if err != nil {
				return err
			}
			for _, l := range ls {
				if l.PDFPath != "" {
					pdfs[d.Number+" "+l.Kind] = st.Files().Path(l.PDFPath)
				}
			}
		}
		unfiled, err = tx.UnfiledMessages(20)
		return err
	})
	if err != nil {
		return err
	}
	if err := printRegister(w, ds, nil, time.Now()); err != nil {
		return err
	}
	for _, m := range unfiled {
		if m.Direction != store.DirectionIn {
			continue
		}
		fmt.Fprintf(w, "\nNot a complaint: %q from %s (%s): filed, no dossier, no letter.\n", m.Subject, m.FromAddr, m.Reason)
	}
	fmt.Fprintln(w, "\nMail delivered by the demo SMTP server:")
	for _, dl := range srv.Deliveries() {
		fmt.Fprintf(w, "  %s → %-20s %6d bytes\n", dl.From, dl.To, dl.Size)
	}
	fmt.Fprintln(w, "\nLetters as PDF:")
	for _, d := range ds {
		for k, p := range pdfs {
			if len(k) > len(d.Number) && k[:len(d.Number)] == d.Number {
				fmt.Fprintf(w, "  %-32s %s\n", k, p)
			}
		}
	}
	return nil
}
