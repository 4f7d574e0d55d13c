package commands

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/dossier"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register/values"
	"github.com/klachtd/klachtd/store"
)

// Env is what a command works with: the dossier of a staff message, in the
// transaction that files the message.
type Env struct {
	Tx      *store.Tx
	Rules   *dossier.Rules
	Org     *config.Organisation
	Dossier *store.Dossier // the dossier the commands are about; Carry writes it back
	Message *store.Message // the staff message that carries the commands
	Actor   string         // its sender, a listed staff address
	Block   Message        // what was read from it: the commands, the body and its sections
	// Reason is the reason given for an extension or an inadmissible
	// verdict: a Reden:/Reason: line, else the Reden:/Reason: section.
	Reason string
}

// Event logs an action on the dossier (if any), by the sender, pointing at
// the staff message.
func (e *Env) Event(action, detail string) error {
	ev := &store.Event{Actor: e.Actor, Action: action, Detail: detail, MessageRef: e.Message.ID}
	if e.Dossier != nil {
		ev.DossierID = e.Dossier.ID
	}
	return e.Tx.AddEvent(ev)
}

// allowed says why the sender may not give c here: it needs a dossier, or
// the officer.
func (e *Env) allowed(s *Spec, c Command) *LineError {
	switch {
	case e.Dossier == nil && !s.NoDossier:
		return lineErr(c, c.Key+" is about a dossier: give it in a reply to one of its mails",
			c.Key+" gaat over een dossier: geef het in een antwoord op een bericht daarvan")
	case s.Officer && e.Actor != e.Org.Officer && e.Actor != e.Org.AlternateOfficer:
		return lineErr(c, "only the complaints officer may give "+c.Key, "alleen de klachtenfunctionaris mag "+c.Key+" geven")
	}
	return nil
}

// lineErr is a reason why c cannot be carried out.
func lineErr(c Command, en, nl string) *LineError {
	return &LineError{Line: c.Line, Raw: c.Raw, Reason: en, ReasonNL: nl}
}

// open refuses work on a dossier that is no longer open.
func (e *Env) open(c Command) *LineError {
	if st := e.Dossier.Status; st != values.StatusOpen {
		return lineErr(c, "the dossier is "+st, "het dossier is "+values.StatusName("nl", st))
	}
	return nil
}

// Carry carries out the commands of a staff message on its dossier, or,
// if any line cannot be carried out, changes nothing and tells the sender
// which line and why (docs/spec.md "Commands by mail"): first every line
// is checked (may the sender give it here, does it fit the dossier), then
// each is applied in turn and the dossier is written back once.
func Carry(e *Env) error {
	errs := e.Block.Errors
	if len(errs) == 0 {
		for _, c := range e.Block.Commands {
			s := byKind[c.Kind]
			if le := e.allowed(s, c); le != nil {
				errs = append(errs, *le)
				continue
			}
			if s.Check == nil {
				continue
			}
			le, err := s.Check(e, c)
			if err != nil {
				return err
			}
			if le != nil {
				errs = append(errs, *le)
			}
		}
	}
	if len(errs) > 0 {
		return refuse(e, errs)
	}
	e.Reason = e.Block.Sections.Reason
	for _, c := range e.Block.Commands {
		if c.Kind == KindReason {
			e.Reason = c.Value
		}
	}
	for _, c := range e.Block.Commands {
		if err := byKind[c.Kind].Apply(e, c); err != nil {
			return err
		}
	}
	if e.Dossier == nil {
		return nil
	}
	return e.Tx.UpdateDossier(e.Dossier)
}

// refuse logs that the commands were refused and answers the sender with
// the lines and reasons, in the organisation's language.
func refuse(e *Env, errs []LineError) error {
	var lines []string
	for _, le := range errs {
		lines = append(lines, fmt.Sprintf("line %d: %s", le.Line, le.Reason))
	}
	if err := e.Event("command refused", strings.Join(lines, "; ")); err != nil {
		return err
	}
	d := &letters.CommandError{Letter: e.Rules.Notice(e.Org, e.Dossier, "commanderror", e.Actor),
		Complaint: e.Rules.Complaint(e.Org, e.Dossier), Staff: e.Rules.Staff(e.Dossier)}
	var reasons []string
	for _, le := range errs {
		r := le.Reason
		if d.Language == "nl" && le.ReasonNL != "" {
			r = le.ReasonNL
		}
		if len(errs) > 1 {
			r = fmt.Sprintf("%s (%s %d)", r, dossier.Say(e.Org, "regel", "line"), le.Line)
		}
		reasons = append(reasons, r)
	}
	d.Reason = strings.Join(reasons, "; ")
	d.Extra.Line, d.Extra.Command = errs[0].Line, errs[0].Raw
	return e.Rules.AnswerStaff(e.Tx, e.Org, e.Dossier, e.Actor, e.Message, d)
}

// staffAddress resolves a Behandelaar value to a staff address ("" if it
// names nobody on the staff).
func staffAddress(org *config.Organisation, c Command) string {
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

// extendTo computes the new decide-by of an Uitstel command and how it was
// reached: the date given, or the term given (or else the procedure's
// extension) after the current decide-by.
func extendTo(org *config.Organisation, dos *store.Dossier, c Command) (time.Time, string, error) {
	if !c.Date.IsZero() {
		due := c.Date.In(procedure.Amsterdam)
		return due, "extended to " + procedure.Day(due) + " by command", nil
	}
	t := org.Procedure.Extension
	switch {
	case c.Extension != nil:
		t = *c.Extension
	case c.Term != "":
		return time.Time{}, "", fmt.Errorf("the term %q was not read as a term of the procedure", c.Term)
	case t.IsZero():
		return time.Time{}, "", errors.New("give a date or a term")
	}
	due := org.Calendar.After(dos.DecideBy, t)
	return due.Date, "extension: " + due.Basis, nil
}

// postedKind is the letter a Verzonden command is about: the decision
// unless it names another.
func postedKind(c Command) string {
	if c.LetterKind == "" {
		return LetterDecision
	}
	return c.LetterKind
}
