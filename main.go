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
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/templates"
)

// Exit codes (SPEC "Commands").
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
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commandList = []command{
	{"run", "run the daemon: IMAP IDLE, terms, outbox; stops on SIGINT/SIGTERM", cmdRun},
	{"once", "one full cycle (fetch, file, schedule, send) and exit", cmdOnce},
	{"demo", "embedded IMAP + SMTP servers with sample complaints, to try klachtd out", cmdDemo},
	{"check", "validate the config and test the login to IMAP and SMTP", cmdCheck},
	{"login", "OAuth2 sign-in for a mailbox with auth = \"oauth2\"", cmdLogin},
	{"list", "the register of complaints", cmdList},
	{"show", "one dossier: fields, terms, messages, letters and events", cmdShow},
	{"pdf", "(re)print a letter of a dossier as PDF", cmdPDF},
	{"posted", "record that a letter went out by post", cmdPosted},
	{"address", "set the complainant's postal address", cmdAddress},
	{"quarantine", "messages that could not be filed, with the reason", cmdQuarantine},
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
		err := c.run(ctx, args[1:], stdout, stderr)
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

// newFlags makes a flag set with the common -config flag.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("klachtd "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := os.Getenv("KLACHTD_CONFIG")
	if def == "" {
		def = "config.toml"
	}
	path := fs.String("config", def, "configuration `file`")
	return fs, path
}

// parseFlags parses args, allowing flags after positional arguments
// ("show KL-2026-0001 -json").
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// env is what most commands need: config, logger, store.
type env struct {
	cfg   *config.Config
	log   *slog.Logger
	store *store.Store
}

func (e *env) Close() {
	if e.store != nil {
		e.store.Close()
	}
}

// loadConfig loads the config; a missing or unreadable file is a usage
// error (exit 2), like a bad one.
func loadConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	var ce *config.Error
	if err != nil && !errors.As(err, &ce) {
		return nil, usagef("%v (give the config with -config FILE or $KLACHTD_CONFIG)", err)
	}
	return cfg, err
}

// open loads the config and opens the store.
func open(ctx context.Context, path string, stderr io.Writer) (*env, error) {
	cfg, err := loadConfig(path)
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg, stderr)
	st, err := store.Open(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("data_dir %s: %w", cfg.DataDir, err)
	}
	return &env{cfg: cfg, log: log, store: st}, nil
}

// newDaemon builds the daemon of an env (templates, secret).
func (e *env) newDaemon() (*daemon.Daemon, error) {
	tpl, err := templates.Load(e.cfg.TemplatesDir)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	secret, err := mailbox.LoadSecret(e.cfg.DataDir)
	if err != nil {
		return nil, err
	}
	return daemon.New(e.cfg, e.store, tpl, secret, e.log), nil
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
