package main

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

// cmdOnce runs one full cycle and exits. -now sets the clock, so that terms
// can be tried out: a date alone means 09:00 that day in Amsterdam (after
// the 08:00 notices of that day).
func cmdOnce(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("once", stderr)
	nowFlag := fs.String("now", "", "the clock: a date (2026-05-04) or RFC 3339 time")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	var now time.Time
	if *nowFlag != "" {
		var err error
		if now, err = parseNow(*nowFlag); err != nil {
			return usagef("-now: %v", err)
		}
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
	if !now.IsZero() {
		d.Now = func() time.Time { return now }
	}
	// A stop signal during the cycle is handled as in run: no new work,
	// what is in flight finishes.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return d.Once(ctx)
}

// parseNow reads a -now value.
func parseNow(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, procedure.Amsterdam); err == nil {
		return t.Add(9 * time.Hour).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is neither a date (2026-05-04) nor an RFC 3339 time (2026-05-04T10:00:00+02:00)", s)
}
