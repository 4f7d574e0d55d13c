package dossier

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox/token"
	"github.com/klachtd/klachtd/register/values"
	"github.com/klachtd/klachtd/store"
)

// Verdict is a verdict with what the decision letter says about it.
type Verdict struct {
	Verdict                   string // founded, unfounded, partly_founded or inadmissible
	Facts, Position, Measures string
	Reason                    string // why it is inadmissible
}

// Decide records a verdict given by actor and sends the decision (or
// rejection) letter (docs/procedure.md step 8), also to the person
// concerned where the procedure says so; event logs it.
func (r *Rules) Decide(tx *store.Tx, org *config.Organisation, dos *store.Dossier, actor string, v Verdict, event func(action, detail string) error) error {
	verdict, reason := v.Verdict, v.Reason
	dos.Verdict = verdict
	dos.Facts, dos.Position, dos.Measures = v.Facts, v.Position, v.Measures
	dos.DecidedAt = r.Now()
	kind := "decision"
	dos.Status = store.StatusDecided
	if verdict == values.VerdictInadmissible {
		kind = "rejection"
		dos.Status = store.StatusRejected
	}
	if err := event("verdict", verdict); err != nil {
		return err
	}
	letter := func(to letters.Person) *letters.Decision {
		d := &letters.Decision{Letter: r.Letter(org, dos, kind, to), Complaint: r.Complaint(org, dos), Outcome: outcome(dos),
			Reason: reason, Appeal: org.Appeal}
		d.Signer = person(org, actor)
		if t := org.Procedure.AppealWithin; !t.IsZero() {
			d.AppealWithin = &t
		}
		return d
	}
	if err := r.QueueLetter(tx, org, dos, letter(r.Complainant(dos)), nil); err != nil {
		return err
	}
	if org.Procedure.DecisionToConcerned && dos.Concerns != "" && kind == "decision" {
		return r.QueueLetter(tx, org, dos, letter(letters.Person{Email: dos.Concerns, Name: dos.Concerns}), &LetterOptions{NoPost: true, Standalone: true})
	}
	return nil
}

// QueueHearing asks the person concerned to respond (hoor en wederhoor),
// with their own reply address.
func (r *Rules) QueueHearing(tx *store.Tx, org *config.Organisation, dos *store.Dossier, who *mail.Address) error {
	respondBy := org.Calendar.Before(dos.DecideBy, org.Procedure.DelayNoticeBefore).Date
	hearing := token.PlusAddress(dos.Mailbox, dos.Number, token.PurposeHearing, r.Secret)
	to := letters.Person{Name: who.Name, Email: strings.ToLower(who.Address)}
	d := &letters.Hearing{Letter: r.Letter(org, dos, "hearing", to), Complaint: r.Complaint(org, dos), RespondBy: respondBy}
	return r.QueueLetter(tx, org, dos, d, &LetterOptions{
		ReplyTo:    hearing,
		NoPost:     true,
		Standalone: true,
	})
}

// RootMessage returns the complaint message that opened the dossier.
func (r *Rules) RootMessage(tx *store.Tx, dos *store.Dossier) (*store.Message, error) {
	msgs, err := tx.Messages(dos.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		if m.Kind == store.KindComplaint {
			return m, nil
		}
	}
	if len(msgs) > 0 {
		return msgs[0], nil
	}
	return nil, fmt.Errorf("dossier %s has no messages", dos.Number)
}

// ClosingReport sends the written report after resolution where the
// procedure asks for one (docs/procedure.md step 8, procedure 003: a report to all
// parties within `report_within` of the resolution). The text of the staff
// message below the commands, if any, is the summary of the handling.
func (r *Rules) ClosingReport(tx *store.Tx, org *config.Organisation, dos *store.Dossier, summary string) error {
	if org.Procedure.ReportWithin.IsZero() || dos.Verdict == "" {
		return nil
	}
	letter := func(to letters.Person) *letters.Closing {
		d := &letters.Closing{Letter: r.Letter(org, dos, "closing", to), Complaint: r.Complaint(org, dos), Outcome: outcome(dos)}
		if s := strings.TrimSpace(summary); s != "" {
			d.Facts = s
		}
		return d
	}
	if err := r.QueueLetter(tx, org, dos, letter(r.Complainant(dos)), nil); err != nil {
		return err
	}
	if dos.Concerns != "" {
		return r.QueueLetter(tx, org, dos, letter(letters.Person{Name: dos.Concerns, Email: dos.Concerns}),
			&LetterOptions{NoPost: true, Standalone: true})
	}
	return nil
}
