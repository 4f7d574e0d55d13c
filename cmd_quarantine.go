package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/klachtd/klachtd/store"
)

// quarantineJSON is the stable -json form of a quarantined message.
type quarantineJSON struct {
	ID         int64      `json:"id"`
	Mailbox    string     `json:"mailbox"`
	Folder     string     `json:"folder"`
	ReceivedAt *time.Time `json:"received_at"`
	From       string     `json:"from"`
	Subject    string     `json:"subject"`
	MessageID  string     `json:"message_id"`
	Size       int64      `json:"size"`
	Reason     string     `json:"reason"`
	Raw        string     `json:"raw"` // the stored bytes as they came in; "" if the server never delivered them
}

// cmdQuarantine lists the messages that could not be filed, with the
// reason (SPEC "Commands"). They were moved to the mailbox's
// quarantine_folder; their bytes are kept as they came in.
func cmdQuarantine(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("quarantine", stderr)
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("usage: klachtd quarantine [-json]")
	}
	e, err := open(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	var qs []*store.Quarantined
	if err := e.store.View(ctx, func(tx *store.Tx) error {
		var err error
		qs, err = tx.Quarantined()
		return err
	}); err != nil {
		return err
	}
	out := make([]quarantineJSON, 0, len(qs))
	for _, q := range qs {
		raw := ""
		if q.RawPath != "" {
			raw = e.store.Path(q.RawPath)
		}
		out = append(out, quarantineJSON{ID: q.ID, Mailbox: q.Mailbox, Folder: q.Folder, ReceivedAt: timePtr(q.ReceivedAt),
			From: q.FromAddr, Subject: q.Subject, MessageID: q.MessageID, Size: q.Size, Reason: q.Reason, Raw: raw})
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(stdout, "No messages in quarantine.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRECEIVED\tMAILBOX\tFROM\tSUBJECT\tREASON")
	for _, q := range out {
		received := "-"
		if q.ReceivedAt != nil {
			received = q.ReceivedAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", q.ID, received, q.Mailbox, orDash(q.From), clip(q.Subject, 40), clip(q.Reason, 80))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d message(s). The stored bytes are listed by -json (raw); the messages are in each mailbox's quarantine folder.\n", len(out))
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
