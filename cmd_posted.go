package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
)

// cmdPosted records that the officer posted a letter (the command-line twin
// of a "Verzonden:" reply).
func cmdPosted(c *call) error {
	date := c.flags.String("date", "", "date of posting (default today)")
	pos, err := c.args()
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
	err = c.changeDossier(pos[0], func(tx *store.Tx, d *store.Dossier) error {
		return tx.RecordPosted(d, kind, at, "cli", 0)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: %s letter recorded as posted on %s\n", strings.ToUpper(pos[0]), kind, at.Format("2006-01-02"))
	return nil
}
