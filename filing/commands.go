package filing

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/commands"
	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/dossier"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register/values"
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
func (f *Filer) checkCommands(tx *store.Tx, org *config.Organisation, dos *store.Dossier, cmds []commands.Command) ([]commands.LineError, error) {
	var errs []commands.LineError
	closedForWork := dos.Status != store.StatusOpen
	for _, c := range cmds {
		switch c.Kind {
		case "handler":
			if f.staffAddress(org, c) == "" {
				errs = append(errs, lineErr(c, "not a listed staff member of "+org.Name, "geen medewerker van "+org.Name))
			}
		case "concerns":
			if c.Address == nil || c.Address.Address == "" {
				errs = append(errs, lineErr(c, "give the email address of the person concerned", "geef het e-mailadres van de betrokkene"))
			} else if closedForWork {
				errs = append(errs, lineErr(c, "the dossier is "+dos.Status, "het dossier is "+values.StatusName("nl", dos.Status)))
			}
		case "extend":
			if closedForWork {
				errs = append(errs, lineErr(c, "the dossier is "+dos.Status, "het dossier is "+values.StatusName("nl", dos.Status)))
				continue
			}
			newBy, _, err := f.ExtendTo(org, dos, c)
			if err != nil {
				errs = append(errs, lineErr(c, err.Error(), err.Error()))
			} else if !newBy.After(dos.DecideBy) {
				errs = append(errs, lineErr(c, "the new term must end after the current one ("+procedure.Day(dos.DecideBy)+")",
					"de nieuwe termijn moet na de huidige ("+procedure.Day(dos.DecideBy)+") eindigen"))
			} else if max := org.Procedure.DecideMax; !max.IsZero() {
				limit := org.Calendar.After(dos.ReceivedAt, max)
				if newBy.After(limit.Date) {
					errs = append(errs, lineErr(c, fmt.Sprintf("the procedure allows at most %s after receipt (%s)", max, procedure.Day(limit.Date)),
						fmt.Sprintf("de regeling staat hoogstens %s na ontvangst toe (%s)", max.Dutch(), procedure.Day(limit.Date))))
				}
			}
		case "verdict":
			if closedForWork {
				errs = append(errs, lineErr(c, "the dossier is "+dos.Status, "het dossier is "+values.StatusName("nl", dos.Status)))
			}
		case "status":
			if c.Status == "reopened" && dos.Status == store.StatusOpen {
				errs = append(errs, lineErr(c, "the dossier is already open", "het dossier is al open"))
			}
			if c.Status == "closed" && (dos.Status == store.StatusClosed || dos.Status == store.StatusMerged) {
				errs = append(errs, lineErr(c, "the dossier is already "+dos.Status, "het dossier is al "+values.StatusName("nl", dos.Status)))
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
				errs = append(errs, lineErr(c, c.Number+" is "+target.Status, c.Number+" is "+values.StatusName("nl", target.Status)))
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

// staffAddress resolves a Behandelaar value to a staff address.
func (f *Filer) staffAddress(org *config.Organisation, c commands.Command) string {
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

// applyCommands carries out a staff message's commands, or, if any line
// cannot be carried out, changes nothing and tells the sender which line and
// why (docs/spec.md "Commands by mail").
func (f *Filer) applyCommands(tx *store.Tx, org *config.Organisation, dos *store.Dossier, m *store.Message, actor string, msg commands.Message) error {
	errs := msg.Errors
	if len(errs) == 0 {
		var err error
		if errs, err = f.checkCommands(tx, org, dos, msg.Commands); err != nil {
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
		return f.CommandError(tx, org, dos, actor, m, errs)
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
		if err := f.applyCommand(tx, org, dos, m, actor, c, msg, reason); err != nil {
			return err
		}
	}
	return tx.UpdateDossier(dos)
}

func (f *Filer) applyCommand(tx *store.Tx, org *config.Organisation, dos *store.Dossier, m *store.Message, actor string, c commands.Command, msg commands.Message, reason string) error {
	event := func(action, detail string) error {
		return tx.AddEvent(&store.Event{DossierID: dos.ID, Actor: actor, Action: action, Detail: detail, MessageRef: m.ID})
	}
	switch c.Kind {
	case "handler":
		addr := f.staffAddress(org, c)
		old := dos.Handler
		dos.Handler = addr
		if err := event("handler", fmt.Sprintf("handler %s → %s", old, addr)); err != nil {
			return err
		}
		root, err := f.RootMessage(tx, dos)
		if err != nil {
			return err
		}
		return f.StaffNotice(tx, org, dos, root, addr, "notification")
	case "categories":
		dos.Categories = dossier.MergeList(dos.Categories, c.List)
		return event("categories", strings.Join(dos.Categories, ", "))
	case "concerns":
		dos.Concerns = strings.ToLower(c.Address.Address)
		if err := event("concerns", "person concerned: "+c.Address.String()); err != nil {
			return err
		}
		return f.QueueHearing(tx, org, dos, c.Address)
	case "extend":
		newBy, basis, err := f.ExtendTo(org, dos, c)
		if err != nil {
			return err
		}
		old := dos.DecideBy
		dos.DecideBy, dos.DecideBasis, dos.ExtensionReason = newBy, basis, reason
		if err := event("extended", fmt.Sprintf("decide-by %s → %s: %s", procedure.Day(old), procedure.Day(newBy), reason)); err != nil {
			return err
		}
		return f.QueueLetter(tx, org, dos, "delay", f.Complainant(dos), &dossier.LetterOptions{Edit: func(l *letters.Letter) {
			l.OldDecideBy, l.NewDecideBy, l.Reason = old, newBy, reason
			l.DecideBy = newBy
		}})
	case "verdict":
		return f.Decide(tx, org, dos, actor, c.Verdict, msg.Sections, reason, event)
	case "status":
		if c.Status != "closed" {
			dos.Status = store.StatusOpen
			dos.ClosedAt = time.Time{}
			return event("status", dos.Status)
		}
		dos.Status = store.StatusClosed
		dos.ClosedAt = f.Now()
		if err := event("status", dos.Status); err != nil {
			return err
		}
		return f.ClosingReport(tx, org, dos, msg.Body)
	case "merge":
		target, err := tx.Dossier(c.Number)
		if err != nil {
			return err
		}
		dos.Status = store.StatusMerged
		dos.MergedInto = target.Number
		dos.ClosedAt = f.Now()
		if err := tx.AddEvent(&store.Event{DossierID: target.ID, Actor: actor, Action: "merged",
			Detail: dos.Number + " merged into this dossier", MessageRef: m.ID}); err != nil {
			return err
		}
		return event("merged", "merged into "+target.Number)
	case "posted":
		at := c.Date
		if at.IsZero() {
			at = f.Today()
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
		return event("simple", fmt.Sprintf("simple=%v; decide by %s", c.Bool, procedure.Day(dos.DecideBy)))
	case "reason":
		return nil // used by extend and verdict
	}
	return fmt.Errorf("command %s not handled", c.Kind)
}
