package daemon

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/klachtd/klachtd/commands"
	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/store"
)

// termOK validates a duration given in an Uitstel/Extend command.
func termOK(s string) error {
	_, err := procedure.ParseTerm(s)
	return err
}

// lineErr builds a command error for the reply to staff.
func lineErr(c commands.Command, reason, reasonNL string) commands.LineError {
	return commands.LineError{Line: c.Line, Raw: c.Raw, Reason: reason, ReasonNL: reasonNL}
}

// checkCommands finds commands that cannot be carried out on this dossier.
func (d *Daemon) checkCommands(tx *store.Tx, org *config.Organisation, dos *store.Dossier, cmds []commands.Command) ([]commands.LineError, error) {
	var errs []commands.LineError
	closedForWork := dos.Status != store.StatusOpen
	for _, c := range cmds {
		switch c.Kind {
		case "handler":
			if d.staffAddress(org, c) == "" {
				errs = append(errs, lineErr(c, "not a listed staff member of "+org.Name, "geen medewerker van "+org.Name))
			}
		case "concerns":
			if c.Address == nil || c.Address.Address == "" {
				errs = append(errs, lineErr(c, "give the email address of the person concerned", "geef het e-mailadres van de betrokkene"))
			} else if closedForWork {
				errs = append(errs, lineErr(c, "the dossier is "+dos.Status, "het dossier is "+statusNL(dos.Status)))
			}
		case "extend":
			if closedForWork {
				errs = append(errs, lineErr(c, "the dossier is "+dos.Status, "het dossier is "+statusNL(dos.Status)))
				continue
			}
			newBy, _, err := d.extendTo(org, dos, c)
			if err != nil {
				errs = append(errs, lineErr(c, err.Error(), err.Error()))
			} else if !newBy.After(dos.DecideBy) {
				errs = append(errs, lineErr(c, "the new term must end after the current one ("+dayString(dos.DecideBy)+")",
					"de nieuwe termijn moet na de huidige ("+dayString(dos.DecideBy)+") eindigen"))
			} else if max := org.Procedure.DecideMax; !max.IsZero() {
				limit := org.Calendar.After(dos.ReceivedAt, max)
				if newBy.After(limit.Date) {
					errs = append(errs, lineErr(c, fmt.Sprintf("the procedure allows at most %s after receipt (%s)", max, dayString(limit.Date)),
						fmt.Sprintf("de regeling staat hoogstens %s na ontvangst toe (%s)", max.Dutch(), dayString(limit.Date))))
				}
			}
		case "verdict":
			if closedForWork {
				errs = append(errs, lineErr(c, "the dossier is "+dos.Status, "het dossier is "+statusNL(dos.Status)))
			}
		case "status":
			if c.Status == "reopened" && dos.Status == store.StatusOpen {
				errs = append(errs, lineErr(c, "the dossier is already open", "het dossier is al open"))
			}
			if c.Status == "closed" && (dos.Status == store.StatusClosed || dos.Status == store.StatusMerged) {
				errs = append(errs, lineErr(c, "the dossier is already "+dos.Status, "het dossier is al "+statusNL(dos.Status)))
			}
		case "merge":
			target, err := tx.Dossier(c.Number)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			switch {
			case err != nil:
				errs = append(errs, lineErr(c, "no dossier "+c.Number, "dossier "+c.Number+" bestaat niet"))
			case target.ID == dos.ID:
				errs = append(errs, lineErr(c, "a dossier cannot be merged into itself", "een dossier kan niet met zichzelf worden samengevoegd"))
			case target.Status != store.StatusOpen:
				errs = append(errs, lineErr(c, c.Number+" is "+target.Status, c.Number+" is "+statusNL(target.Status)))
			case target.Organisation != dos.Organisation:
				errs = append(errs, lineErr(c, c.Number+" belongs to another organisation", c.Number+" hoort bij een andere organisatie"))
			}
		case "posted":
			ls, err := tx.Letters(dos.ID)
			if err != nil {
				return nil, err
			}
			found := false
			for _, l := range ls {
				if l.Kind == letterKind(c) && l.PostWanted {
					found = true
				}
			}
			if !found {
				errs = append(errs, lineErr(c, "no "+letterKind(c)+" letter of this dossier is waiting to be posted",
					"er wacht geen brief ("+letterKind(c)+") van dit dossier op verzending per post"))
			}
		}
	}
	return errs, nil
}

func letterKind(c commands.Command) string {
	if c.LetterKind == "" {
		return "decision"
	}
	return c.LetterKind
}

func statusNL(s string) string {
	switch s {
	case store.StatusOpen:
		return "open"
	case store.StatusDecided:
		return "beslist"
	case store.StatusClosed:
		return "afgehandeld"
	case store.StatusRejected:
		return "niet-ontvankelijk verklaard"
	case store.StatusMerged:
		return "samengevoegd"
	case store.StatusDestroyed:
		return "vernietigd"
	}
	return s
}

// staffAddress resolves a Behandelaar value to a staff address.
func (d *Daemon) staffAddress(org *config.Organisation, c commands.Command) string {
	if c.Address != nil && org.IsStaff(c.Address.Address) {
		return strings.ToLower(c.Address.Address)
	}
	want := strings.ToLower(strings.TrimSpace(c.Value))
	for _, p := range org.Staff {
		if strings.ToLower(p.Name) == want || strings.ToLower(p.Address) == want {
			return p.Address
		}
	}
	return ""
}

// extendTo computes the new decide-by of an Uitstel command.
func (d *Daemon) extendTo(org *config.Organisation, dos *store.Dossier, c commands.Command) (time.Time, string, error) {
	if !c.Date.IsZero() {
		due := c.Date.In(procedure.Amsterdam)
		return due, "extended to " + dayString(due) + " by command", nil
	}
	termText := c.Term
	if termText == "" {
		if org.Procedure.Extension.IsZero() {
			return time.Time{}, "", fmt.Errorf("give a date or a term")
		}
		termText = org.Procedure.Extension.String()
	}
	t, err := procedure.ParseTerm(termText)
	if err != nil {
		return time.Time{}, "", err
	}
	due := org.Calendar.After(dos.DecideBy, t)
	return due.Date, "extension: " + due.Basis, nil
}

// applyCommands carries out a staff message's commands, or, if any line
// cannot be carried out, changes nothing and tells the sender which line and
// why (SPEC "Commands by mail").
func (d *Daemon) applyCommands(tx *store.Tx, org *config.Organisation, dos *store.Dossier, m *store.Message, actor string, msg commands.Message) error {
	errs := msg.Errors
	if len(errs) == 0 {
		var err error
		if errs, err = d.checkCommands(tx, org, dos, msg.Commands); err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		var lines []string
		for _, e := range errs {
			lines = append(lines, fmt.Sprintf("line %d: %s", e.Line, e.Reason))
		}
		if err := tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: actor, Action: "command refused",
			Detail: strings.Join(lines, "; "), MessageRef: m.ID}); err != nil {
			return err
		}
		return d.commandError(tx, org, dos, actor, m, errs)
	}
	var reason string
	for _, c := range msg.Commands {
		if c.Kind == "reason" {
			reason = c.Value
		}
	}
	if reason == "" {
		reason = msg.Sections.Reason
	}
	for _, c := range msg.Commands {
		if err := d.applyCommand(tx, org, dos, m, actor, c, msg, reason); err != nil {
			return err
		}
	}
	return tx.UpdateDossier(dos)
}

func (d *Daemon) applyCommand(tx *store.Tx, org *config.Organisation, dos *store.Dossier, m *store.Message, actor string, c commands.Command, msg commands.Message, reason string) error {
	event := func(action, detail string) error {
		return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: actor, Action: action, Detail: detail, MessageRef: m.ID})
	}
	switch c.Kind {
	case "handler":
		addr := d.staffAddress(org, c)
		old := dos.Handler
		dos.Handler = addr
		if err := event("handler", fmt.Sprintf("handler %s → %s", old, addr)); err != nil {
			return err
		}
		root, err := d.rootMessage(tx, dos)
		if err != nil {
			return err
		}
		return d.staffNotice(tx, org, dos, root, addr, "notification")
	case "categories":
		dos.Categories = mergeList(dos.Categories, c.List)
		return event("categories", strings.Join(dos.Categories, ", "))
	case "concerns":
		dos.Concerns = strings.ToLower(c.Address.Address)
		if err := event("concerns", "person concerned: "+c.Address.String()); err != nil {
			return err
		}
		return d.queueHearing(tx, org, dos, c.Address)
	case "extend":
		newBy, basis, err := d.extendTo(org, dos, c)
		if err != nil {
			return err
		}
		old := dos.DecideBy
		dos.DecideBy, dos.DecideBasis, dos.ExtensionReason = newBy, basis, reason
		if err := event("extended", fmt.Sprintf("decide-by %s → %s: %s", dayString(old), dayString(newBy), reason)); err != nil {
			return err
		}
		return d.queueLetter(tx, org, dos, "delay", d.complainant(dos), &letterOptions{edit: func(l *letters.Letter) {
			l.OldDecideBy, l.NewDecideBy, l.Reason = old, newBy, reason
			l.DecideBy = newBy
		}})
	case "verdict":
		return d.decide(tx, org, dos, actor, c.Verdict, msg.Sections, reason, event)
	case "status":
		if c.Status != "closed" {
			dos.Status = store.StatusOpen
			dos.ClosedAt = time.Time{}
			return event("status", dos.Status)
		}
		dos.Status = store.StatusClosed
		dos.ClosedAt = d.Now()
		if err := event("status", dos.Status); err != nil {
			return err
		}
		return d.closingReport(tx, org, dos, msg.Body)
	case "merge":
		target, err := tx.Dossier(c.Number)
		if err != nil {
			return err
		}
		dos.Status = store.StatusMerged
		dos.MergedInto = target.Number
		dos.ClosedAt = d.Now()
		if err := tx.AddEvent(&store.Event{DossierID: target.ID, Actor: actor, Action: "merged",
			Detail: dos.Number + " merged into this dossier", MessageRef: m.ID}); err != nil {
			return err
		}
		return event("merged", "merged into "+target.Number)
	case "posted":
		at := c.Date
		if at.IsZero() {
			at = d.nowDate()
		}
		return tx.RecordPosted(dos, letterKind(c), at, actor, m.ID)
	case "address":
		dos.PostalAddress = c.List
		return event("address", strings.Join(c.List, ", "))
	case "simple":
		dos.Simple = c.Bool
		if c.Bool && !org.Procedure.DecideWithinSimple.IsZero() {
			due := org.Calendar.After(dos.ReceivedAt, org.Procedure.DecideWithinSimple)
			dos.DecideBy, dos.DecideBasis = due.Date, "simple complaint: "+due.Basis
		} else if !c.Bool {
			due := org.Calendar.After(dos.ReceivedAt, org.Procedure.DecideWithin)
			dos.DecideBy, dos.DecideBasis = due.Date, due.Basis
		}
		return event("simple", fmt.Sprintf("simple=%v; decide by %s", c.Bool, dayString(dos.DecideBy)))
	case "reason":
		return nil // used by extend and verdict
	}
	return fmt.Errorf("command %s not handled", c.Kind)
}

// decide records a verdict and sends the decision (or rejection) letter
// (PROCEDURE.md step 8), also to the person concerned where the procedure
// says so.
func (d *Daemon) decide(tx *store.Tx, org *config.Organisation, dos *store.Dossier, actor, verdict string, s commands.Sections, reason string, event func(action, detail string) error) error {
	dos.Verdict = verdict
	dos.Facts, dos.Position, dos.Measures = s.Facts, s.Position, s.Measures
	dos.DecidedAt = d.Now()
	kind := "decision"
	dos.Status = store.StatusDecided
	if verdict == "inadmissible" {
		kind = "rejection"
		dos.Status = store.StatusRejected
	}
	if err := event("verdict", verdict); err != nil {
		return err
	}
	edit := func(l *letters.Letter) {
		l.Verdict, l.Facts, l.Position, l.Measures, l.Reason = verdict, s.Facts, s.Position, s.Measures, reason
		l.Signer = person(org, actor)
	}
	if err := d.queueLetter(tx, org, dos, kind, d.complainant(dos), &letterOptions{edit: edit}); err != nil {
		return err
	}
	if org.Procedure.DecisionToConcerned && dos.Concerns != "" && kind == "decision" {
		return d.queueLetter(tx, org, dos, kind, letters.Person{Email: dos.Concerns, Name: dos.Concerns}, &letterOptions{edit: edit, noPost: true, standalone: true})
	}
	return nil
}

// queueHearing asks the person concerned to respond (hoor en wederhoor),
// with their own reply address.
func (d *Daemon) queueHearing(tx *store.Tx, org *config.Organisation, dos *store.Dossier, who *mail.Address) error {
	respondBy := org.Calendar.Before(dos.DecideBy, org.Procedure.DelayNoticeBefore).Date
	hearing := mailbox.PlusAddress(dos.Mailbox, dos.Number, purposeHearing, d.secret)
	return d.queueLetter(tx, org, dos, "hearing", letters.Person{Name: who.Name, Email: strings.ToLower(who.Address)}, &letterOptions{
		edit:       func(l *letters.Letter) { l.RespondBy = respondBy },
		replyTo:    hearing,
		noPost:     true,
		standalone: true,
	})
}

// rootMessage returns the complaint message that opened the dossier.
func (d *Daemon) rootMessage(tx *store.Tx, dos *store.Dossier) (*store.Message, error) {
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

func mergeList(have, add []string) []string {
	seen := map[string]bool{}
	for _, h := range have {
		seen[strings.ToLower(h)] = true
	}
	for _, a := range add {
		if !seen[strings.ToLower(a)] {
			have = append(have, a)
			seen[strings.ToLower(a)] = true
		}
	}
	return have
}

// closingReport sends the written report after resolution where the
// procedure asks for one (PROCEDURE.md step 8, procedure 003: a report to all
// parties within `report_within` of the resolution). The text of the staff
// message below the commands, if any, is the summary of the handling.
func (d *Daemon) closingReport(tx *store.Tx, org *config.Organisation, dos *store.Dossier, summary string) error {
	if org.Procedure.ReportWithin.IsZero() || dos.Verdict == "" {
		return nil
	}
	edit := func(l *letters.Letter) {
		if s := strings.TrimSpace(summary); s != "" {
			l.Facts = s
		}
	}
	if err := d.queueLetter(tx, org, dos, "closing", d.complainant(dos), &letterOptions{edit: edit}); err != nil {
		return err
	}
	if dos.Concerns != "" {
		return d.queueLetter(tx, org, dos, "closing", letters.Person{Name: dos.Concerns, Email: dos.Concerns},
			&letterOptions{edit: edit, noPost: true, standalone: true})
	}
	return nil
}
