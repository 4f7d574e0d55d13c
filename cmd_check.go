package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/daemon"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/templates"
)

// cmdCheck validates the config, the templates and the data directory, then
// connects to every mailbox's IMAP and SMTP server and says what it found.
// It sends no mail and changes no mailbox.
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("check", stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "config %s: ok (%d organisation(s), %d mailbox(es), data_dir %s)\n",
		cfg.File, len(cfg.Organisations), len(cfg.Mailboxes), cfg.DataDir)
	if _, err := templates.Load(cfg.TemplatesDir); err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	fmt.Fprintln(stdout, "templates: ok")
	for _, org := range cfg.Organisations {
		p := org.Procedure
		fmt.Fprintf(stdout, "organisation %s (%s): acknowledge within %s, decide within %s, delay notice %s before, officer %s, handler %s\n",
			org.ID, org.Name, p.AcknowledgeWithin, p.DecideWithin, p.DelayNoticeBefore, org.Officer, org.DefaultHandler)
	}
	var failed []error
	if err := checkConditions(ctx, cfg, stdout); err != nil {
		failed = append(failed, err)
	}
	for _, mb := range cfg.Mailboxes {
		if err := checkMailbox(ctx, mb, stdout); err != nil {
			fmt.Fprintf(stdout, "mailbox %s: FAILED: %v\n", mb.Address, err)
			failed = append(failed, fmt.Errorf("mailbox %s: %w", mb.Address, err))
		}
	}
	return errors.Join(failed...)
}

func checkMailbox(ctx context.Context, mb *config.Mailbox, stdout io.Writer) error {
	icfg, err := daemon.IMAPConfig(mb, 30*time.Second, nil)
	if err != nil {
		return err
	}
	scfg, err := daemon.SMTPConfig(mb)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	c, err := mailbox.Dial(ctx, icfg)
	if err != nil {
		return fmt.Errorf("imap %s: %w", mb.IMAP.Redacted(), err)
	}
	defer c.Close()
	if _, err := c.Select(mb.Folder); err != nil {
		return fmt.Errorf("imap %s: folder %s: %w", mb.IMAP.Redacted(), mb.Folder, err)
	}
	uids, err := c.UIDs()
	if err != nil {
		return fmt.Errorf("imap %s: %w", mb.IMAP.Redacted(), err)
	}
	idle := "no IDLE: polling every " + mb.PollInterval.String()
	if c.HasIdle() {
		idle = "IDLE supported"
	}
	fmt.Fprintf(stdout, "mailbox %s: imap %s ok: logged in as %s, %s has %d message(s) waiting, %s\n",
		mb.Address, mb.IMAP.Redacted(), mb.Username, mb.Folder, len(uids), idle)
	info, err := mailbox.CheckSMTP(ctx, scfg)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", mb.SMTP.Redacted(), err)
	}
	fmt.Fprintf(stdout, "mailbox %s: smtp %s ok: %s\n", mb.Address, mb.SMTP.Redacted(), info)
	return nil
}

// checkConditions reports what the running klachtd found broken (sending
// through a mailbox, an IMAP login refused), from the store, if there is
// one yet.
func checkConditions(ctx context.Context, cfg *config.Config, stdout io.Writer) error {
	if _, err := os.Stat(filepath.Join(cfg.DataDir, "klachtd.db")); err != nil {
		return nil // no store yet: nothing has run
	}
	st, err := store.Open(ctx, cfg.DataDir)
	if err != nil {
		return fmt.Errorf("data_dir %s: %w", cfg.DataDir, err)
	}
	defer st.Close()
	var conds []string
	if err := st.View(ctx, func(tx *store.Tx) error {
		var err error
		conds, err = activeConditions(tx)
		return err
	}); err != nil {
		return fmt.Errorf("data_dir %s: %w", cfg.DataDir, err)
	}
	for _, c := range conds {
		fmt.Fprintf(stdout, "BROKEN: %s\n", c)
	}
	if len(conds) == 0 {
		fmt.Fprintln(stdout, "klachtd has recorded no lasting failures (sending and logins worked when last tried)")
	}
	return nil
}
