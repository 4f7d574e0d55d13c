package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/daemon"
	"github.com/klachtd/klachtd/mailbox"
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
