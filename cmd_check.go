package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/daemon"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/oauth"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/templates"
)

// cmdCheck validates the config, the templates and the data directory, then
// tests the whole login of every mailbox (password or OAuth2) over IMAP and
// SMTP and says in words what is wrong. It sends no mail unless -plus asks
// for the plus-addressing probe; the only change it may make to a mailbox
// is creating the processed folder, which the daemon would create anyway.
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("check", stderr)
	plus := fs.Bool("plus", false, "send a probe to a plus-address of each mailbox (info+klachtd-check-…@) and wait for it to arrive; it is deleted again")
	plusWait := fs.Duration("plus-wait", 2*time.Minute, "how long to wait for the plus-address probe")
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
	logins := daemon.NewLogins(cfg.DataDir, slog.New(slog.DiscardHandler))
	var failed []error
	if err := checkConditions(ctx, cfg, stdout); err != nil {
		failed = append(failed, err)
	}
	for _, mb := range cfg.Mailboxes {
		c := &mailboxCheck{mb: mb, logins: logins, out: stdout, plus: *plus, plusWait: *plusWait}
		if errs := c.run(ctx); len(errs) > 0 {
			failed = append(failed, fmt.Errorf("mailbox %s: %w", mb.Address, errors.Join(errs...)))
		}
	}
	return errors.Join(failed...)
}

// mailboxCheck tests one mailbox and prints a line per finding.
type mailboxCheck struct {
	mb       *config.Mailbox
	logins   *daemon.Logins
	out      io.Writer
	plus     bool
	plusWait time.Duration
	errs     []error
}

func (c *mailboxCheck) ok(format string, args ...any) {
	fmt.Fprintf(c.out, "mailbox %s: %s\n", c.mb.Address, fmt.Sprintf(format, args...))
}

// fail prints what is wrong, in words where the error is a login problem.
func (c *mailboxCheck) fail(what string, err error) {
	msg := err.Error()
	if p := daemon.LoginProblem(c.mb, err); p != "" && !strings.Contains(msg, p) {
		msg = p + " (" + msg + ")"
	} else if p != "" {
		msg = p
	}
	fmt.Fprintf(c.out, "mailbox %s: %s: FAILED: %s\n", c.mb.Address, what, msg)
	c.errs = append(c.errs, fmt.Errorf("%s: %w", what, err))
}

func (c *mailboxCheck) run(ctx context.Context) []error {
	mb := c.mb
	if mb.Auth == config.AuthOAuth2 {
		c.grant()
	}
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second+c.plusWait)
	defer cancel()
	imapOK := c.imap(ctx)
	smtpOK := c.smtp(ctx)
	switch {
	case !c.plus:
		c.ok("plus-addressing: not tested (klachtd check -plus sends a probe to %s and waits for it)", probeAddress(mb.Address, "…"))
	case imapOK && smtpOK:
		c.plusProbe(ctx)
	default:
		c.ok("plus-addressing: not tested: the login failed")
	}
	return c.errs
}

// grant describes the stored OAuth2 grant.
func (c *mailboxCheck) grant() {
	o := c.mb.OAuth2
	path := oauth.GrantPath(c.logins.DataDir(), c.mb.Address)
	what := fmt.Sprintf("oauth2 (%s, client %s", o.Provider, o.ClientID)
	if o.Provider == config.ProviderMicrosoft {
		what += ", tenant " + o.Tenant
	}
	what += ")"
	fi, err := os.Stat(path)
	if err != nil {
		c.fail("login "+what, fmt.Errorf("no grant stored at %s: run klachtd login -mailbox %s", path, c.mb.Address))
		return
	}
	c.ok("login %s: grant stored in %s (%s)", what, path, fi.ModTime().Format(time.DateTime))
}

// imap logs in, looks at the folder and makes sure the processed folder
// exists.
func (c *mailboxCheck) imap(ctx context.Context) bool {
	mb := c.mb
	what := "imap " + mb.IMAP.Redacted()
	cfg, err := c.logins.IMAPConfig(mb, 30*time.Second, nil)
	if err != nil {
		c.fail(what, err)
		return false
	}
	cl, err := mailbox.Dial(ctx, cfg)
	if err != nil {
		c.fail(what, err)
		return false
	}
	defer cl.Close()
	if _, err := cl.Select(mb.Folder); err != nil {
		c.fail(what+": folder "+mb.Folder, err)
		return false
	}
	uids, err := cl.UIDs()
	if err != nil {
		c.fail(what, err)
		return false
	}
	idle := "no IDLE: polling every " + mb.PollInterval.String()
	if cl.HasIdle() {
		idle = "IDLE supported"
	}
	c.ok("%s ok: logged in as %s (%s), %s has %d message(s) waiting, %s", what, mb.Username, mb.Auth, mb.Folder, len(uids), idle)

	exists, err := cl.FolderExists(mb.ProcessedFolder)
	switch {
	case err != nil:
		c.fail("processed folder "+mb.ProcessedFolder, err)
	case exists:
		c.ok("processed folder %s: exists", mb.ProcessedFolder)
	default:
		if err := cl.CreateFolder(mb.ProcessedFolder); err != nil {
			c.fail("processed folder "+mb.ProcessedFolder, fmt.Errorf("does not exist and cannot be created (filed messages could not be moved out of %s): %w", mb.Folder, err))
		} else {
			c.ok("processed folder %s: created (filed messages are moved there)", mb.ProcessedFolder)
		}
	}
	return true
}

func (c *mailboxCheck) smtp(ctx context.Context) bool {
	mb := c.mb
	what := "smtp " + mb.SMTP.Redacted()
	cfg, err := c.logins.SMTPConfig(mb)
	if err != nil {
		c.fail(what, err)
		return false
	}
	info, err := mailbox.CheckSMTP(ctx, cfg)
	if err != nil {
		c.fail(what, err)
		return false
	}
	c.ok("%s ok: %s", what, info)
	return true
}

// probeAddress is the plus-address the probe goes to.
func probeAddress(address, tag string) string {
	local, domain, _ := strings.Cut(address, "@")
	return local + "+klachtd-check-" + tag + "@" + domain
}

// plusProbe sends a probe from the mailbox to one of its plus-addresses
// and waits until it arrives in the intake folder: staff replies go to such
// addresses (info+KL-2026-0001.TOKEN@…). The probe is from the intake
// address itself and marked Auto-Submitted, so a running daemon files it
// aside; check deletes it once seen.
func (c *mailboxCheck) plusProbe(ctx context.Context) {
	mb := c.mb
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	tag := hex.EncodeToString(b)
	to := probeAddress(mb.Address, tag)
	domain := mb.Address[strings.LastIndexByte(mb.Address, '@')+1:]
	id := "klachtd-check-" + tag + "@" + domain
	raw, err := mailbox.Compose(mailbox.Outgoing{
		From:          &mail.Address{Name: "klachtd check", Address: mb.Address},
		To:            []*mail.Address{{Address: to}},
		Subject:       "klachtd check: plus-addressing probe",
		MessageID:     id,
		AutoSubmitted: "auto-generated",
		Date:          time.Now(),
		Text:          "klachtd check sent this message to test that plus-addresses reach this mailbox. It is deleted again.\n",
	})
	if err != nil {
		c.fail("plus-addressing", err)
		return
	}
	scfg, err := c.logins.SMTPConfig(mb)
	if err != nil {
		c.fail("plus-addressing", err)
		return
	}
	start := time.Now()
	if err := mailbox.Send(ctx, scfg, mb.Address, []string{to}, raw); err != nil {
		c.fail("plus-addressing", fmt.Errorf("the probe to %s was not accepted: %w", to, err))
		return
	}
	icfg, err := c.logins.IMAPConfig(mb, 30*time.Second, nil)
	if err != nil {
		c.fail("plus-addressing", err)
		return
	}
	cl, err := mailbox.Dial(ctx, icfg)
	if err != nil {
		c.fail("plus-addressing", err)
		return
	}
	defer cl.Close()
	deadline := start.Add(c.plusWait)
	for {
		for _, folder := range []string{mb.Folder, mb.ProcessedFolder} {
			if _, err := cl.Select(folder); err != nil {
				continue
			}
			uids, err := cl.SearchMessageID(id)
			if err != nil {
				c.fail("plus-addressing", err)
				return
			}
			if len(uids) > 0 {
				note := "deleted again"
				if err := cl.Delete(uids); err != nil {
					note = "not deleted: " + err.Error()
				}
				c.ok("plus-addressing ok: a probe to %s arrived in %s after %.1fs (%s)", to, folder, time.Since(start).Seconds(), note)
				return
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			c.fail("plus-addressing", fmt.Errorf("a probe to %s was accepted but did not arrive in %s within %v: the server does not deliver plus-addresses to this mailbox, so staff replies to info+KL-….TOKEN@ addresses would be lost; turn on sub-addressing (plus addressing) or add a catch-all alias %s → %s",
				to, mb.Folder, c.plusWait, strings.Replace(mb.Address, "@", "+*@", 1), mb.Address))
			return
		}
		time.Sleep(time.Second)
	}
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
