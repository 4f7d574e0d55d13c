package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
)

// cmdPosted records that the officer posted a letter (the command-line twin
// of a "Verzonden:" reply).
func cmdPosted(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("posted", stderr)
	date := fs.String("date", "", "date of posting (default today)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usagef("usage: klachtd posted NUMBER [KIND] [-date 2026-12-01]")
	}
	kind := "decision"
	if len(pos) == 2 {
		var ok bool
		if kind, ok = letterKinds[strings.ToLower(pos[1])]; !ok {
			return usagef("unknown letter kind %q", pos[1])
		}
	}
	at := time.Now().In(procedure.Amsterdam)
	at = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, procedure.Amsterdam)
	if *date != "" {
		if at, err = time.ParseInLocation("2006-01-02", *date, procedure.Amsterdam); err != nil {
			return usagef("-date: want YYYY-MM-DD, got %q", *date)
		}
	}
	e, err := open(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	err = e.store.Tx(ctx, func(tx *store.Tx) error {
		d, err := tx.Dossier(pos[0])
		if errors.Is(err, store.ErrNotFound) {
			return usagef("no dossier %s", pos[0])
		}
		if err != nil {
			return err
		}
		return tx.RecordPosted(d, kind, at, "cli", 0)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s letter recorded as posted on %s\n", strings.ToUpper(pos[0]), kind, at.Format("2006-01-02"))
	return nil
}

// cmdAddress sets the complainant's postal address (lines separated by ";"
// or new lines), for letters that go by post.
func cmdAddress(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("address", stderr)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef(`usage: klachtd address NUMBER "Straat 1; 1234 AB Plaats"`)
	}
	var lines []string
	for _, l := range strings.FieldsFunc(pos[1], func(r rune) bool { return r == ';' || r == '\n' }) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return usagef("the address is empty")
	}
	e, err := open(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	err = e.store.Tx(ctx, func(tx *store.Tx) error {
		d, err := tx.Dossier(pos[0])
		if errors.Is(err, store.ErrNotFound) {
			return usagef("no dossier %s", pos[0])
		}
		if err != nil {
			return err
		}
		d.PostalAddress = lines
		if err := tx.UpdateDossier(d); err != nil {
			return err
		}
		return tx.AddEvent(&store.Event{DossierID: d.ID, Actor: "cli", Action: "address", Detail: strings.Join(lines, ", ")})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: postal address set to %s\n", strings.ToUpper(pos[0]), strings.Join(lines, ", "))
	return nil
}
