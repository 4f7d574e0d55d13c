package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/klachtd/klachtd/daemon"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register"
	"github.com/klachtd/klachtd/store"
)

// dossierJSON is the stable -json form of a dossier (SPEC "-json output").
type dossierJSON struct {
	Number         string          `json:"number"`
	Organisation   string          `json:"organisation"`
	Status         string          `json:"status"`
	Complainant    complainantJSON `json:"complainant"`
	Subject        string          `json:"subject"`
	Categories     []string        `json:"categories"`
	Handler        string          `json:"handler"`
	Concerns       string          `json:"concerns"`
	ReceivedAt     *time.Time      `json:"received_at"`
	AcknowledgeBy  *time.Time      `json:"acknowledge_by"`
	AcknowledgedAt *time.Time      `json:"acknowledged_at"`
	DecideBy       *time.Time      `json:"decide_by"`
	Verdict        string          `json:"verdict"`
	ClosedAt       *time.Time      `json:"closed_at"`
	MergedInto     string          `json:"merged_into,omitempty"`
	Overdue        bool            `json:"overdue"`
	ToPost         []string        `json:"to_post"`
}

type complainantJSON struct {
	Name          string   `json:"name"`
	Email         string   `json:"email"`
	PostalAddress []string `json:"postal_address"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.In(procedure.Amsterdam)
	return &t
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toJSON(d *store.Dossier, now time.Time, toPost []string) dossierJSON {
	return dossierJSON{
		Number:       d.Number,
		Organisation: d.Organisation,
		Status:       d.Status,
		Complainant: complainantJSON{Name: d.ComplainantName, Email: d.ComplainantEmail,
			PostalAddress: nonNil(d.PostalAddress)},
		Subject:        d.Subject,
		Categories:     nonNil(d.Categories),
		Handler:        d.Handler,
		Concerns:       d.Concerns,
		ReceivedAt:     timePtr(d.ReceivedAt),
		AcknowledgeBy:  timePtr(d.AcknowledgeBy),
		AcknowledgedAt: timePtr(d.AcknowledgedAt),
		DecideBy:       timePtr(d.DecideBy),
		Verdict:        d.Verdict,
		ClosedAt:       timePtr(d.ClosedAt),
		MergedInto:     d.MergedInto,
		Overdue:        daemon.Overdue(d, now),
		ToPost:         nonNil(toPost),
	}
}

// statusFilter maps -status to dossier statuses: open = still being handled
// (open, decided); closed = done (closed, rejected, merged, destroyed).
func statusFilter(s string) ([]string, error) {
	switch s {
	case "all", "":
		return nil, nil
	case "open":
		return register.Open, nil
	case "closed":
		return []string{store.StatusClosed, store.StatusRejected, store.StatusMerged, store.StatusDestroyed}, nil
	case store.StatusDecided, store.StatusRejected, store.StatusMerged, store.StatusDestroyed:
		return []string{s}, nil
	}
	return nil, usagef("-status must be open, closed or all (or one status: decided, rejected, merged, destroyed), not %q", s)
}

// toPostByDossier returns the letter kinds waiting to be posted, per dossier id.
func toPostByDossier(tx *store.Tx) (map[int64][]string, error) { return register.ToPost(tx) }

func cmdList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfgPath := newFlags("list", stderr)
	status := fs.String("status", "open", "open, closed or all")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	statuses, err := statusFilter(*status)
	if err != nil {
		return err
	}
	e, err := open(ctx, *cfgPath, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	var ds []*store.Dossier
	var toPost map[int64][]string
	var conditions []string
	err = e.store.View(ctx, func(tx *store.Tx) error {
		var err error
		if ds, err = tx.Dossiers(store.DossierFilter{Statuses: statuses}); err != nil {
			return err
		}
		if conditions, err = activeConditions(tx); err != nil {
			return err
		}
		toPost, err = toPostByDossier(tx)
		return err
	})
	if err != nil {
		return err
	}
	now := time.Now()
	if *asJSON {
		out := make([]dossierJSON, 0, len(ds))
		for _, d := range ds {
			out = append(out, toJSON(d, now, toPost[d.ID]))
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	// What is broken comes first: a register that looks fine while no
	// letter goes out would mislead.
	for _, c := range conditions {
		fmt.Fprintf(stdout, "WARNING: %s\n", c)
	}
	if len(conditions) > 0 {
		fmt.Fprintln(stdout)
	}
	if len(ds) == 0 {
		fmt.Fprintf(stdout, "No dossiers (-status %s).\n", *status)
		return nil
	}
	return printRegister(stdout, ds, toPost, now)
}

// activeConditions describes the lasting failures (sending broken, IMAP
// login refused) that are active, for people.
func activeConditions(tx *store.Tx) ([]string, error) {
	conds, err := tx.ActiveConditions()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range conds {
		if !daemon.ConditionShown(c) {
			continue
		}
		waiting := 0
		if kind, addr, _ := strings.Cut(c.Key, ":"); kind == "smtp" {
			if waiting, err = tx.Unsent(addr); err != nil {
				return nil, err
			}
		}
		out = append(out, daemon.DescribeCondition(c, waiting))
	}
	return out, nil
}

// printRegister prints dossiers as a table, flagging overdue ones and
// letters waiting to be posted.
func printRegister(w io.Writer, ds []*store.Dossier, toPost map[int64][]string, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tSTATUS\tRECEIVED\tDECIDE BY\tHANDLER\tCOMPLAINANT\tSUBJECT")
	overdue := 0
	for _, d := range ds {
		status := d.Status
		if daemon.Overdue(d, now) {
			status += " OVERDUE"
			overdue++
		}
		if kinds := toPost[d.ID]; len(kinds) > 0 {
			status += " (to post: " + strings.Join(kinds, ", ") + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.Number, status, day(d.ReceivedAt), day(d.DecideBy),
			d.Handler, complainantLabel(d), clip(d.Subject, 40))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if overdue > 0 {
		fmt.Fprintf(w, "\n%d dossier(s) past their decide-by date.\n", overdue)
	}
	return nil
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(procedure.Amsterdam).Format("2006-01-02")
}

func complainantLabel(d *store.Dossier) string {
	if d.ComplainantName != "" {
		return d.ComplainantName + " <" + d.ComplainantEmail + ">"
	}
	return d.ComplainantEmail
}

func clip(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}
