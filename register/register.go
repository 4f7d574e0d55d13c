// Package register is the read side of the complaint register that every
// view shares: which dossiers are overdue, which letters wait for the post,
// the terms of a dossier with how each date was computed, and the records
// the yearly report is computed from. `klachtd list`, `klachtd show` and the
// officer's desk (package web) all call these functions, so that the
// command line and the browser never disagree.
package register

import (
	"regexp"
	"strings"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/report"
	"github.com/klachtd/klachtd/store"
)

// Overdue reports whether an open dossier is past its decide-by date: the
// term ends at the end of that day in Amsterdam (docs/procedure.md step 6).
func Overdue(dos *store.Dossier, now time.Time) bool {
	if dos.Status != store.StatusOpen || dos.DecideBy.IsZero() {
		return false
	}
	return !now.Before(procedure.Due{Date: dos.DecideBy}.End())
}

// ToPost returns the kinds of the letters waiting to be printed and posted,
// per dossier id.
func ToPost(tx *store.Tx) (map[int64][]string, error) {
	ls, err := tx.LettersToPost()
	if err != nil {
		return nil, err
	}
	out := map[int64][]string{}
	for _, l := range ls {
		out[l.DossierID] = append(out[l.DossierID], l.Kind)
	}
	return out, nil
}

// Term is one term of a dossier: its date and how it was computed.
type Term struct {
	Key   string    // "acknowledge_by", "decide_by"
	Label string    // "Acknowledge by", "Decide by"
	Date  time.Time // zero: the procedure sets no such term
	Basis string    // how the date was computed (procedure.Due.Basis), or the extension
}

// Terms returns the terms of a dossier with the explanation of each date,
// as `klachtd show` prints them and the desk shows them.
func Terms(d *store.Dossier) []Term {
	decide := d.DecideBasis
	return []Term{
		{Key: "acknowledge_by", Label: "Acknowledge by", Date: d.AcknowledgeBy, Basis: d.AcknowledgeBasis},
		{Key: "decide_by", Label: "Decide by", Date: d.DecideBy, Basis: decide},
	}
}

// Open is the -status open selection of the register: still being handled.
var Open = []string{store.StatusOpen, store.StatusDecided}

// extended matches the detail of an "extended" event:
// "decide-by Mon 2026-03-02 → Mon 2026-03-16: reason".
var extended = regexp.MustCompile(`^decide-by \S+ (\d{4}-\d{2}-\d{2}) → \S+ (\d{4}-\d{2}-\d{2}): ?(.*)$`)

// Records reads what the yearly report of one organisation needs of every
// dossier received in year and in the year before (for the trend), as
// report.Compute takes it. Register fields the store does not keep yet
// (cause, measures by kind, agreement, channel, appeal) stay empty.
func Records(tx *store.Tx, organisation string, year int) ([]report.Record, error) {
	from := time.Date(year-1, 1, 1, 0, 0, 0, 0, procedure.Amsterdam)
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, procedure.Amsterdam)
	ds, err := tx.Dossiers(store.DossierFilter{Organisation: organisation, ReceivedFrom: from, ReceivedTo: to})
	if err != nil {
		return nil, err
	}
	out := make([]report.Record, 0, len(ds))
	for _, d := range ds {
		r := report.Record{
			Number:         d.Number,
			ReceivedAt:     d.ReceivedAt,
			AcknowledgeBy:  d.AcknowledgeBy,
			AcknowledgedAt: d.AcknowledgedAt,
			DecideBy:       d.DecideBy,
			DecidedAt:      d.DecidedAt,
			ClosedAt:       d.ClosedAt,
			Verdict:        d.Verdict,
			Subjects:       d.Categories,
		}
		evs, err := tx.Events(d.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			if e.Action != "extended" {
				continue
			}
			ext := report.Extension{At: e.At}
			if m := extended.FindStringSubmatch(e.Detail); m != nil {
				if r.DecideByOriginal.IsZero() {
					r.DecideByOriginal, _ = time.ParseInLocation("2006-01-02", m[1], procedure.Amsterdam)
				}
				ext.NewDecideBy, _ = time.ParseInLocation("2006-01-02", m[2], procedure.Amsterdam)
				ext.Reason = strings.TrimSpace(m[3])
			}
			r.Extensions = append(r.Extensions, ext)
		}
		if r.DecideByOriginal.IsZero() {
			r.DecideByOriginal = d.DecideBy
		}
		msgs, err := tx.Messages(d.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if m.Kind == store.KindHearing {
				r.Hearing = true
			}
		}
		r.Status = report.YearEndStatus(d.Status, d.ReceivedAt.In(procedure.Amsterdam).Year(), d.DecidedAt, d.ClosedAt, d.DestroyedAt)
		out = append(out, r)
	}
	return out, nil
}

// Figures computes the yearly report of an organisation over the store:
// the figures of year, with those of the year before beside them, dated
// now (docs/procedure.md step 12).
func Figures(tx *store.Tx, org *config.Organisation, year int, now time.Time) (report.Figures, error) {
	info := report.OrgInfo{ID: org.ID, Name: org.Name, Language: org.Language,
		AcknowledgeWithin: org.Procedure.AcknowledgeWithin.Language(org.Language),
		DecideWithin:      org.Procedure.DecideWithin.Language(org.Language)}
	if org.Procedure.AcknowledgeWithin.IsZero() {
		info.AcknowledgeWithin = ""
	}
	records, err := Records(tx, org.ID, year)
	if err != nil {
		return report.Figures{}, err
	}
	f := report.Compute(year, info, records)
	f.Date = now
	if f, err = f.WithPrevious(report.Compute(year-1, info, records)); err != nil {
		return report.Figures{}, err
	}
	return f, nil
}
