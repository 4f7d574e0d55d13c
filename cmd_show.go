package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/klachtd/klachtd/register"
	"github.com/klachtd/klachtd/store"
)

type messageJSON struct {
	Direction   string           `json:"direction"`
	Kind        string           `json:"kind"`
	From        string           `json:"from"`
	To          []string         `json:"to"`
	Date        *time.Time       `json:"date"`
	Subject     string           `json:"subject"`
	MessageID   string           `json:"message_id"`
	Text        string           `json:"text"`
	Reason      string           `json:"reason,omitempty"`
	Attachments []attachmentJSON `json:"attachments"`
}

type attachmentJSON struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Path        string `json:"path"`
	TooLarge    bool   `json:"too_large,omitempty"`
}

type letterJSON struct {
	Kind      string     `json:"kind"`
	Language  string     `json:"language"`
	Recipient string     `json:"recipient"`
	CreatedAt *time.Time `json:"created_at"`
	SentAt    *time.Time `json:"sent_at"`
	PostedAt  *time.Time `json:"posted_at"`
	Channel   string     `json:"channel"`
	ToPost    bool       `json:"to_post"`
	PDF       string     `json:"pdf"`
	// RenderError says why the letter could not be made yet; it is made
	// again when run or once starts.
	RenderError string `json:"render_error,omitempty"`
}

type eventJSON struct {
	At     *time.Time `json:"at"`
	Actor  string     `json:"actor"`
	Action string     `json:"action"`
	Detail string     `json:"detail"`
	// Channel is "web" for what was done on the officer's desk; absent for
	// mail and klachtd itself.
	Channel string `json:"channel,omitempty"`
}

type showJSON struct {
	dossierJSON
	Description      string        `json:"description"`
	AcknowledgeBasis string        `json:"acknowledge_basis"`
	DecideBasis      string        `json:"decide_basis"`
	ExtensionReason  string        `json:"extension_reason"`
	Facts            string        `json:"facts"`
	Position         string        `json:"position"`
	Measures         string        `json:"measures"`
	Messages         []messageJSON `json:"messages"`
	Letters          []letterJSON  `json:"letters"`
	Events           []eventJSON   `json:"events"`

	terms []register.Term // the terms with how each date was computed (register.Terms)
}

// loadDossier reads one dossier with everything filed in it.
func loadDossier(ctx context.Context, st *store.Store, number string) (*showJSON, error) {
	var out *showJSON
	err := st.View(ctx, func(tx *store.Tx) error {
		d, err := tx.Dossier(number)
		if err != nil {
			return err
		}
		toPost, err := toPostByDossier(tx)
		if err != nil {
			return err
		}
		out = &showJSON{dossierJSON: toJSON(d, time.Now(), toPost[d.ID]), Description: d.Description,
			AcknowledgeBasis: d.AcknowledgeBasis, DecideBasis: d.DecideBasis, ExtensionReason: d.ExtensionReason,
			Facts: d.Facts, Position: d.Position, Measures: d.Measures,
			Messages: []messageJSON{}, Letters: []letterJSON{}, Events: []eventJSON{}, terms: register.Terms(d)}
		msgs, err := tx.Messages(d.ID)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			mj := messageJSON{Direction: m.Direction, Kind: m.Kind, From: m.FromAddr, To: nonNil(m.To),
				Date: timePtr(m.ReceivedAt), Subject: m.Subject, MessageID: m.MessageID, Text: m.Text,
				Reason: m.Reason, Attachments: []attachmentJSON{}}
			atts, err := tx.Attachments(m.ID)
			if err != nil {
				return err
			}
			for _, a := range atts {
				path := ""
				if a.Path != "" {
					path = st.Path(a.Path)
				}
				mj.Attachments = append(mj.Attachments, attachmentJSON{Filename: a.Filename, ContentType: a.ContentType,
					Size: a.Size, Path: path, TooLarge: a.TooLarge})
			}
			out.Messages = append(out.Messages, mj)
		}
		ls, err := tx.Letters(d.ID)
		if err != nil {
			return err
		}
		for _, l := range ls {
			pdf := ""
			if l.PDFPath != "" {
				pdf = st.Path(l.PDFPath)
			}
			out.Letters = append(out.Letters, letterJSON{Kind: l.Kind, Language: l.Language, Recipient: l.Recipient,
				CreatedAt: timePtr(l.CreatedAt), SentAt: timePtr(l.SentAt), PostedAt: timePtr(l.PostedAt),
				Channel: l.Channel, ToPost: l.PostWanted && l.PostedAt.IsZero(), PDF: pdf, RenderError: l.RenderError})
		}
		evs, err := tx.Events(d.ID)
		if err != nil {
			return err
		}
		for _, e := range evs {
			out.Events = append(out.Events, eventJSON{At: timePtr(e.At), Actor: e.Actor, Action: e.Action, Detail: e.Detail, Channel: e.Channel})
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, usagef("no dossier %s", number)
	}
	return out, err
}

func cmdShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("show", stderr)
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: klachtd show NUMBER [-json]")
	}
	e, err := open(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	d, err := loadDossier(ctx, e.store, pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	printDossier(stdout, d)
	return nil
}

// printDossier renders a dossier for a person: fields, terms with how they
// were computed, then the whole thread and its events in time order.
func printDossier(w io.Writer, d *showJSON) {
	p := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "%-16s %s\n", label+":", value)
		}
	}
	status := d.Status
	if d.Overdue {
		status += " (OVERDUE)"
	}
	fmt.Fprintf(w, "Dossier %s (%s)\n\n", d.Number, d.Organisation)
	p("Status", status)
	p("Complainant", strings.TrimSpace(d.Complainant.Name+" <"+d.Complainant.Email+">"))
	p("Postal address", strings.Join(d.Complainant.PostalAddress, ", "))
	p("Subject", d.Subject)
	p("Categories", strings.Join(d.Categories, ", "))
	p("Handler", d.Handler)
	p("Concerns", d.Concerns)
	p("Received", fmtTime(d.ReceivedAt))
	for _, term := range d.terms {
		p(term.Label, fmtDay(timePtr(term.Date))+"  ("+term.Basis+")")
		if term.Key == "acknowledge_by" {
			p("Acknowledged", fmtTime(d.AcknowledgedAt))
		}
	}
	p("Extension", d.ExtensionReason)
	p("Verdict", d.Verdict)
	p("Facts", d.Facts)
	p("Position", d.Position)
	p("Measures", d.Measures)
	p("Closed", fmtTime(d.ClosedAt))
	p("Merged into", d.MergedInto)
	if len(d.ToPost) > 0 {
		p("To post", strings.Join(d.ToPost, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Complaint:")
	fmt.Fprintln(w, indent(d.Description, "  "))

	type entry struct {
		at   time.Time
		text string
	}
	var tl []entry
	for _, m := range d.Messages {
		label := map[string]string{"in": "IN ", "out": "OUT", "internal": "INT"}[m.Direction]
		if m.Kind == store.KindNote {
			label = "NOTE (internal)"
		}
		text := fmt.Sprintf("%s %s  %s → %s  %q", label, m.Kind, m.From, strings.Join(m.To, ", "), m.Subject)
		for _, a := range m.Attachments {
			text += fmt.Sprintf("\n      attachment %q %s, %d bytes", a.Filename, a.ContentType, a.Size)
		}
		if m.Reason != "" {
			text += "\n      (" + m.Reason + ")"
		}
		if m.Direction != "out" || m.Kind == store.KindRelay || m.Kind == store.KindStaffCopy {
			if body := strings.TrimSpace(m.Text); body != "" {
				text += "\n" + indent(clipLines(body, 12), "      | ")
			}
		}
		tl = append(tl, entry{deref(m.Date), text})
	}
	for _, e := range d.Events {
		by := e.Actor
		if e.Channel != "" {
			by += " (" + e.Channel + ")"
		}
		tl = append(tl, entry{deref(e.At), fmt.Sprintf("EVT %s by %s: %s", e.Action, by, e.Detail)})
	}
	sort.SliceStable(tl, func(i, j int) bool { return tl[i].at.Before(tl[j].at) })
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Timeline:")
	for _, e := range tl {
		fmt.Fprintf(w, "  %s  %s\n", e.at.Format("2006-01-02 15:04"), e.text)
	}
	if len(d.Letters) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Letters:")
		for _, l := range d.Letters {
			state := "queued"
			if l.RenderError != "" {
				state = "COULD NOT BE MADE: " + l.RenderError + "; made again when klachtd starts"
			}
			if l.SentAt != nil {
				state = "sent " + fmtTime(l.SentAt)
			}
			if l.ToPost {
				state += ", waiting to be posted"
			}
			if l.PostedAt != nil {
				state += ", posted " + fmtDay(l.PostedAt)
			}
			fmt.Fprintf(w, "  %-16s to %s (%s, %s)\n", l.Kind, l.Recipient, l.Language, state)
			if l.PDF != "" {
				fmt.Fprintf(w, "  %-16s %s\n", "", l.PDF)
			}
		}
	}
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02 15:04 MST")
}

func fmtDay(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format("Mon 2006-01-02")
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

func clipLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n… (%d more lines)", len(lines)-n)
}
