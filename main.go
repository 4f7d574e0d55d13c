// Command klachtd is an email-native complaint intake and tracking daemon:
// it watches an organisation's info@ mailbox over IMAP, turns each complaint
// into a numbered dossier, sends the letters the complaint procedure promises
// on time, and lets staff work from their own mail client.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/daemon"
	"github.com/klachtd/klachtd/store"
)

// Exit codes (docs/spec.md "Commands").
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is a bad invocation or a bad config: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

type command struct {
	name     string
	summary  string
	run      func(c *call) error
	noConfig bool // it makes its own configuration (demo): no -config flag
}

var commandList = []command{
	{name: "run", summary: "run the daemon: IMAP IDLE, terms, outbox; stops on SIGINT/SIGTERM", run: cmdRun},
	{name: "once", summary: "one full cycle (fetch, file, schedule, send) and exit", run: cmdOnce},
	{name: "demo", summary: "embedded IMAP + SMTP servers with sample complaints, to try klachtd out", run: cmdDemo, noConfig: true},
	{name: "check", summary: "validate the config and test the login to IMAP and SMTP", run: cmdCheck},
	{name: "login", summary: "OAuth2 sign-in for a mailbox with auth = \"oauth2\"", run: cmdLogin},
	{name: "list", summary: "the register of complaints", run: cmdList},
	{name: "show", summary: "one dossier: fields, terms, messages, letters and events", run: cmdShow},
	{name: "pdf", summary: "(re)print a letter of a dossier as PDF", run: cmdPDF},
	{name: "posted", summary: "record that a letter went out by post", run: cmdPosted},
	{name: "address", summary: "set the complainant's postal address", run: cmdAddress},
	{name: "quarantine", summary: "messages that could not be filed, with the reason", run: cmdQuarantine},
}

func main() {
	os.Exit(runMain(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commandList {
		if c.name != args[0] {
			continue
		}
		err := c.run(newCall(ctx, c, args[1:], stdout, stderr))
		if err == nil {
			return exitOK
		}
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "klachtd %s: %v\n", c.name, err)
		var ue *usageError
		var ce *config.Error
		if errors.As(err, &ue) || errors.As(err, &ce) {
			return exitUsage
		}
		return exitFailure
	}
	fmt.Fprintf(stderr, "klachtd: unknown command %q\n\n", args[0])
	printUsage(stderr)
	return exitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: klachtd COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commandList {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every command takes -config FILE (default ./config.toml, or $KLACHTD_CONFIG).")
	fmt.Fprintln(w, "Run 'klachtd COMMAND -h' for its flags.")
}

// call is one run of a subcommand: its flags (with the common -config),
// its arguments, where it writes.
type call struct {
	ctx            context.Context
	flags          *flag.FlagSet
	configPath     *string // nil for a command without -config
	raw            []string
	stdout, stderr io.Writer
}

func newCall(ctx context.Context, cmd command, args []string, stdout, stderr io.Writer) *call {
	fs := flag.NewFlagSet("klachtd "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &call{ctx: ctx, flags: fs, raw: args, stdout: stdout, stderr: stderr}
	if !cmd.noConfig {
		def := os.Getenv("KLACHTD_CONFIG")
		if def == "" {
			def = "config.toml"
		}
		c.configPath = fs.String("config", def, "configuration `file`")
	}
	return c
}

// args parses the flags, which may also follow the positional arguments
// ("show KL-2026-0001 -json"), and returns the positional arguments.
func (c *call) args() ([]string, error) {
	var positional []string
	args := c.raw
	for {
		if err := c.flags.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		args = c.flags.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// env is what most commands need: config, logger, store, and for those
// that render or run, the daemon.
type env struct {
	cfg    *config.Config
	log    *slog.Logger
	store  *store.Store
	daemon *daemon.Daemon // nil unless opened with openDaemon
}

func (e *env) Close() {
	switch {
	case e.daemon != nil:
		e.daemon.Close()
	case e.store != nil:
		e.store.Close()
	}
}

// changeDossier opens the store and runs change on the dossier with the
// number given on the command line, in one transaction.
func (c *call) changeDossier(number string, change func(tx *store.Tx, d *store.Dossier) error) error {
	e, err := c.open()
	if err != nil {
		return err
	}
	defer e.Close()
	return e.store.Tx(c.ctx, func(tx *store.Tx) error {
		d, err := dossierNamed(tx, number)
		if err != nil {
			return err
		}
		return change(tx, d)
	})
}

// dossierNamed returns the dossier with a number given on the command
// line; one that does not exist is a usage error (exit 2).
func dossierNamed(tx *store.Tx, number string) (*store.Dossier, error) {
	d, err := tx.Dossier(number)
	if errors.Is(err, store.ErrNotFound) {
		return nil, usagef("no dossier %s", number)
	}
	return d, err
}

// config loads the config named by -config; a missing or unreadable file
// is a usage error (exit 2), like a bad one.
func (c *call) config() (*config.Config, error) {
	cfg, err := config.Load(*c.configPath)
	var ce *config.Error
	if err != nil && !errors.As(err, &ce) {
		return nil, usagef("%v (give the config with -config FILE or $KLACHTD_CONFIG)", err)
	}
	return cfg, err
}

// open loads the config and opens the store.
func (c *call) open() (*env, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg, c.stderr)
	st, err := store.Open(c.ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("data_dir %s: %w", cfg.DataDir, err)
	}
	return &env{cfg: cfg, log: log, store: st}, nil
}

// openDaemon loads the config and wires the daemon (daemon.Open: store,
// templates, secret).
func (c *call) openDaemon() (*env, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg, c.stderr)
	d, err := daemon.Open(c.ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	return &env{cfg: cfg, log: log, store: d.Store(), daemon: d}, nil
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	switch strings.ToLower(cfg.LogLevel) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
