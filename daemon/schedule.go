package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register"
	"github.com/klachtd/klachtd/store"
)

// Scheduled notices go out at this hour of their day (Europe/Amsterdam), so
// nobody gets a reminder at midnight.
const noticeHour = 8

// The weekly digest is due on Monday at noticeHour; a klachtd that was not
// running then sends it on its first run within digestDays (so a first start
// late in the week does not open with a digest).
const digestDays = 3

// due is one scheduled notice of the procedure.
type due struct {
	org   *config.Organisation
	dos   *store.Dossier // nil for organisation-wide notices (digest)
	kind  string         // ack-overdue | reminder | decide-overdue | digest
	key   string         // makes the notice unique: the term it is about
	at    time.Time
	scope string
}

// at8 is the notice time on the date of t.
func at8(t time.Time) time.Time {
	t = t.In(procedure.Amsterdam)
	return time.Date(t.Year(), t.Month(), t.Day(), noticeHour, 0, 0, 0, procedure.Amsterdam)
}

// Overdue reports whether an open dossier has passed its decide-by date
// (register.Overdue: the register, the desk and the digest agree).
func Overdue(dos *store.Dossier, now time.Time) bool { return register.Overdue(dos, now) }

// schedule lists every notice the procedure promises for the open dossiers
// (PROCEDURE.md steps 3, 6, 7; SPEC "Terms"):
//   - the acknowledgement not sent by its term: the officer is alerted the
//     day after the term;
//   - `delay_notice_before` the decide-by date: the handler is reminded;
//   - on the decide-by date with no verdict or extension: the officer is
//     alerted;
//   - every Monday: the officer's weekly digest (until Wednesday if klachtd
//     was not running on Monday).
func (d *Daemon) schedule(tx *store.Tx, now time.Time) ([]due, error) {
	open, err := tx.Dossiers(store.DossierFilter{Statuses: []string{store.StatusOpen}})
	if err != nil {
		return nil, err
	}
	var out []due
	byOrg := map[string]int{}
	for _, dos := range open {
		org := d.cfg.Organisation(dos.Organisation)
		if org == nil {
			continue
		}
		byOrg[org.ID]++
		scope := dos.Number
		if dos.AcknowledgedAt.IsZero() && !dos.AcknowledgeBy.IsZero() {
			out = append(out, due{org, dos, "ack-overdue", dos.AcknowledgeBy.Format("2006-01-02"), at8(dos.AcknowledgeBy.AddDate(0, 0, 1)), scope})
		}
		if dos.Verdict == "" && !dos.DecideBy.IsZero() {
			key := dos.DecideBy.In(procedure.Amsterdam).Format("2006-01-02")
			remind := org.Calendar.Before(dos.DecideBy, org.Procedure.DelayNoticeBefore)
			out = append(out, due{org, dos, "reminder", key, at8(remind.Date), scope})
			out = append(out, due{org, dos, "decide-overdue", key, at8(dos.DecideBy), scope})
		}
	}
	for _, org := range d.cfg.Organisations {
		if byOrg[org.ID] == 0 {
			continue
		}
		n := now.In(procedure.Amsterdam)
		monday := time.Date(n.Year(), n.Month(), n.Day()-(int(n.Weekday())+6)%7, noticeHour, 0, 0, 0, procedure.Amsterdam)
		y, w := monday.ISOWeek()
		if now.Before(monday.AddDate(0, 0, digestDays)) {
			out = append(out, due{org, nil, "digest", fmt.Sprintf("%d-W%02d", y, w), monday, "org:" + org.ID})
		}
		next := monday.AddDate(0, 0, 7)
		y, w = next.ISOWeek()
		out = append(out, due{org, nil, "digest", fmt.Sprintf("%d-W%02d", y, w), next, "org:" + org.ID})
	}
	return out, nil
}

// runSchedule sends every notice that is due and not sent before. It
// returns when the next notice falls due (zero if none).
func (d *Daemon) runSchedule(ctx context.Context) error {
	_, err := d.scheduleOnce(ctx)
	return err
}

func (d *Daemon) scheduleOnce(ctx context.Context) (time.Time, error) {
	now := d.Now()
	var next time.Time
	err := d.store.Tx(ctx, func(tx *store.Tx) error {
		items, err := d.schedule(tx, now)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.at.After(now) {
				if next.IsZero() || it.at.Before(next) {
					next = it.at
				}
				continue
			}
			fresh, err := tx.RecordNotice(it.scope, it.kind, it.key, now)
			if err != nil {
				return err
			}
			if !fresh {
				continue
			}
			if err := d.sendNotice(tx, it, now); err != nil {
				return err
			}
		}
		return nil
	})
	return next, err
}

// scheduleLoop sleeps until the earliest due notice, woken early when a
// transaction changed terms.
func (d *Daemon) scheduleLoop(ctx context.Context) {
	for !d.stopping() {
		next, err := d.scheduleOnce(ctx)
		wait := time.Hour
		if err != nil {
			if d.stopping() {
				return
			}
			d.log.Warn("scheduler", "err", err)
			wait = time.Minute
		} else if !next.IsZero() {
			wait = min(max(next.Sub(d.Now()), time.Second), time.Hour)
		}
		t := time.NewTimer(wait)
		select {
		case <-d.stop.Done():
			t.Stop()
			return
		case <-d.kickSched:
		case <-t.C:
		}
		t.Stop()
	}
}

// sendNotice queues one scheduled notice.
func (d *Daemon) sendNotice(tx *store.Tx, it due, now time.Time) error {
	org, dos := it.org, it.dos
	switch it.kind {
	case "ack-overdue":
		d.log.Warn("acknowledgement term passed", "number", dos.Number, "acknowledge_by", dayString(dos.AcknowledgeBy))
		return d.alert(tx, org, dos, "ack-overdue", say(org, "de ontvangstbevestiging is niet verstuurd vóór %s", "the acknowledgement was not sent by %s", dayString(dos.AcknowledgeBy)))
	case "reminder":
		_, err := d.internalMail(tx, org, dos, "reminder", []string{dos.Handler}, nil, nil)
		if err != nil {
			return err
		}
		return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "reminder",
			Detail: fmt.Sprintf("handler %s reminded: decide by %s", dos.Handler, dayString(dos.DecideBy))})
	case "decide-overdue":
		d.log.Warn("decide-by date reached without verdict or extension", "number", dos.Number, "decide_by", dayString(dos.DecideBy))
		return d.alert(tx, org, dos, "decide-overdue", say(org, "de beslistermijn (%s) is bereikt zonder oordeel of uitstel", "the decide-by date %s is reached without a verdict or an extension", dayString(dos.DecideBy)))
	case "digest":
		return d.digest(tx, org, now)
	}
	return fmt.Errorf("unknown notice %q", it.kind)
}

// alert tells the officer about a term problem of a dossier.
func (d *Daemon) alert(tx *store.Tx, org *config.Organisation, dos *store.Dossier, what, detail string) error {
	_, err := d.internalMail(tx, org, dos, "alert", []string{org.Officer}, func(l *letters.Letter) {
		l.Reason = detail
	}, nil)
	if err != nil {
		return err
	}
	return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: "klachtd", Action: "alert", Detail: detail})
}

// DigestRow is one line of the weekly digest.
type DigestRow struct {
	Number      string
	Complainant string
	DecideBy    time.Time
	Handler     string
	Kind        string // for letters to post
}

// digest sends the officer the weekly overview: open dossiers, terms ending
// this week, overdue dossiers and letters waiting to be posted.
func (d *Daemon) digest(tx *store.Tx, org *config.Organisation, now time.Time) error {
	open, err := tx.Dossiers(store.DossierFilter{Statuses: []string{store.StatusOpen}, Organisation: org.ID})
	if err != nil {
		return err
	}
	weekEnd := at8(now).AddDate(0, 0, 7)
	var all, thisWeek, overdue, toPost []DigestRow
	for _, dos := range open {
		row := DigestRow{Number: dos.Number, Complainant: firstNonEmpty(dos.ComplainantName, dos.ComplainantEmail), DecideBy: dos.DecideBy.In(procedure.Amsterdam), Handler: dos.Handler}
		all = append(all, row)
		switch {
		case Overdue(dos, now):
			overdue = append(overdue, row)
		case dos.DecideBy.Before(weekEnd):
			thisWeek = append(thisWeek, row)
		}
	}
	ls, err := tx.LettersToPost()
	if err != nil {
		return err
	}
	for _, l := range ls {
		dos, err := tx.DossierByID(l.DossierID)
		if err != nil {
			return err
		}
		if dos.Organisation == org.ID {
			toPost = append(toPost, DigestRow{Number: dos.Number, Complainant: firstNonEmpty(dos.ComplainantName, dos.ComplainantEmail), DecideBy: dos.DecideBy.In(procedure.Amsterdam), Kind: l.Kind})
		}
	}
	_, err = d.internalMail(tx, org, nil, "digest", []string{org.Officer}, func(l *letters.Letter) {
		l.Extra = map[string]any{"Open": all, "DueThisWeek": thisWeek, "Overdue": overdue, "ToPost": toPost}
	}, nil)
	if err != nil {
		return err
	}
	return tx.AddEvent(&store.Event{Actor: "klachtd", Action: "digest",
		Detail: fmt.Sprintf("weekly digest for %s: %d open, %d overdue, %d to post", org.ID, len(all), len(overdue), len(toPost))})
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
