package daemon

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox/token"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/templates"
)

// Open wires a daemon from a loaded configuration: it opens the store in
// data_dir, loads the letter templates (templates_dir over the embedded
// ones) and the secret of the reply-address tokens (data_dir/secret,
// created on first use). It is the one wiring of `klachtd run`, `once`,
// `pdf`, `demo` and the daemon's tests. Close closes the store.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*Daemon, error) {
	st, err := store.Open(ctx, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("data_dir %s: %w", cfg.DataDir, err)
	}
	tpl, err := templates.Load(cfg.TemplatesDir)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("templates: %w", err)
	}
	secret, err := token.LoadSecret(cfg.DataDir)
	if err != nil {
		st.Close()
		return nil, err
	}
	return New(cfg, st, tpl, secret, log), nil
}

// Store returns the daemon's store.
func (d *Daemon) Store() *store.Store { return d.store }

// Close closes the store. The daemon's loops must have stopped (Run
// returned).
func (d *Daemon) Close() error { return d.store.Close() }

// DossierPDF renders the whole dossier as the complainant may see it
// (dossier.Rules.Inspection), as it stands now (`klachtd pdf NUMBER
// dossier`).
func (d *Daemon) DossierPDF(ctx context.Context, number string) (*letters.Rendered, error) {
	var l letters.Data
	err := d.store.View(ctx, func(tx *store.Tx) error {
		var err error
		l, err = d.rules.Inspection(tx, number)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d.renderer().RenderLetter(l)
}

// QueueSignIn puts a mail with a one-time sign-in link for the officer's
// desk in the outbox (dossier.Rules.QueueSignIn), in the caller's
// transaction.
func (d *Daemon) QueueSignIn(tx *store.Tx, org *config.Organisation, to, link string) error {
	return d.rules.QueueSignIn(tx, org, to, link)
}
