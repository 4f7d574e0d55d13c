package commands

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/klachtd/klachtd/dossier"
	"github.com/klachtd/klachtd/letters"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register/values"
	"github.com/klachtd/klachtd/store"
)

// Spec is one mail command, defined in one place: the keys staff type,
// what its value may be and how it parses, how it is checked against the
// dossier, what it changes and which letter or notice it causes. Adding a
// command is adding an entry to table.
type Spec struct {
	Kind Kind
	// NL and EN are the key as the README and the error replies name it;
	// Aliases are more spellings that are accepted (any case).
	NL, EN  string
	Aliases []string
	// AcceptedEN and AcceptedNL say what a value may be: the tail of every
	// error message about the value.
	AcceptedEN, AcceptedNL string
	// parse reads c.Value (never empty) into the parsed fields of c.
	parse func(c *Command, p *parser) *LineError
	// Officer: only the organisation's officer (or the alternate officer)
	// may give it.
	Officer bool
	// NoDossier: it may also be given in a staff message that belongs to no
	// dossier yet (such as a complaint forwarded by a staff member); e.Dossier
	// is then nil. Other commands need a dossier.
	NoDossier bool
	// Check says why the command cannot be carried out on the dossier
	// (nil: it can); the error is a failure of the store. Nil: always.
	Check func(e *Env, c Command) (*LineError, error)
	// Apply carries the command out: it changes e.Dossier (Carry writes it
	// back), logs the event, and queues the letter or notice it causes.
	Apply func(e *Env, c Command) error
}

// table is every mail command, in the order the error replies list them.
var table = []*Spec{
	{
		Kind: KindHandler, NL: "Behandelaar", EN: "Handler",
		AcceptedEN: `give an email address or a name, e.g. "Handler: piet@example.nl"`,
		AcceptedNL: `gebruik een e-mailadres of een naam, bijvoorbeeld "Behandelaar: piet@example.nl"`,
		parse: func(c *Command, _ *parser) *LineError {
			if a, err := mail.ParseAddress(c.Value); err == nil {
				c.Address = a
			} else if strings.Contains(c.Value, "@") {
				return c.valueErr("invalid email address", "ongeldig e-mailadres")
			}
			return nil
		},
		Check: func(e *Env, c Command) (*LineError, error) {
			if staffAddress(e.Org, c) == "" {
				return lineErr(c, "not a listed staff member of "+e.Org.Name, "geen medewerker van "+e.Org.Name), nil
			}
			return nil, nil
		},
		Apply: func(e *Env, c Command) error {
			dos := e.Dossier
			addr := staffAddress(e.Org, c)
			old := dos.Handler
			dos.Handler = addr
			if err := e.Event("handler", fmt.Sprintf("handler %s → %s", old, addr)); err != nil {
				return err
			}
			root, err := e.Rules.RootMessage(e.Tx, dos)
			if err != nil {
				return err
			}
			return e.Rules.StaffNotice(e.Tx, e.Org, dos, root, addr, "notification")
		},
	},
	{
		Kind: KindCategories, NL: "Categorie", EN: "Category", Aliases: []string{"categorieën", "categorieen", "categories"},
		AcceptedEN: `give one or more categories separated by commas, e.g. "Category: invoice, planning"`,
		AcceptedNL: `gebruik een of meer categorieën, gescheiden door komma's, bijvoorbeeld "Categorie: factuur, planning"`,
		parse: func(c *Command, _ *parser) *LineError {
			if c.List = splitList(c.Value, ","); len(c.List) == 0 {
				return c.valueErr("no category", "geen categorie")
			}
			return nil
		},
		Apply: func(e *Env, c Command) error {
			e.Dossier.Categories = mergeList(e.Dossier.Categories, c.List)
			return e.Event("categories", strings.Join(e.Dossier.Categories, ", "))
		},
	},
	{
		Kind: KindConcerns, NL: "Betrokkene", EN: "Concerns",
		AcceptedEN: `give a name and email address, e.g. "Concerns: Jan de Vries <jan@example.nl>"`,
		AcceptedNL: `gebruik een naam en e-mailadres, bijvoorbeeld "Betrokkene: Jan de Vries <jan@example.nl>"`,
		parse: func(c *Command, _ *parser) *LineError {
			a, ok := parsePerson(c.Value)
			if !ok {
				return c.valueErr("no valid email address", "geen geldig e-mailadres")
			}
			c.Address = a
			return nil
		},
		Check: func(e *Env, c Command) (*LineError, error) {
			if c.Address == nil || c.Address.Address == "" {
				return lineErr(c, "give the email address of the person concerned", "geef het e-mailadres van de betrokkene"), nil
			}
			return e.open(c), nil
		},
		Apply: func(e *Env, c Command) error {
			e.Dossier.Concerns = strings.ToLower(c.Address.Address)
			if err := e.Event("concerns", "person concerned: "+c.Address.String()); err != nil {
				return err
			}
			return e.Rules.QueueHearing(e.Tx, e.Org, e.Dossier, c.Address)
		},
	},
	{
		Kind: KindExtend, NL: "Uitstel", EN: "Extend", Aliases: []string{"verlenging", "extension"},
		AcceptedEN: `give a date (2026-12-24, 24-12-2026, 24 December 2026) or a term (2 weeks, 10 working days)`,
		AcceptedNL: `gebruik een datum (2026-12-24, 24-12-2026, 24 december 2026) of een termijn (2 weken, 10 werkdagen)`,
		parse: func(c *Command, p *parser) *LineError {
			d, dateLike, err := parseDate(c.Value)
			switch {
			case err == nil:
				c.Date = d
			case dateLike:
				return c.valueErr(err.Error(), "ongeldige datum")
			default:
				t, err := p.term(c.Value)
				if err != nil {
					return c.valueErr(fmt.Sprintf("not a date or term (%v)", err), "geen datum of termijn")
				}
				c.Term, c.Extension = c.Value, t
			}
			return nil
		},
		Check: func(e *Env, c Command) (*LineError, error) {
			if le := e.open(c); le != nil {
				return le, nil
			}
			dos, org := e.Dossier, e.Org
			newBy, _, err := extendTo(org, dos, c)
			switch {
			case err != nil:
				return lineErr(c, err.Error(), err.Error()), nil
			case !newBy.After(dos.DecideBy):
				return lineErr(c, "the new term must end after the current one ("+procedure.Day(dos.DecideBy)+")",
					"de nieuwe termijn moet na de huidige ("+procedure.Day(dos.DecideBy)+") eindigen"), nil
			}
			if max := org.Procedure.DecideMax; !max.IsZero() {
				limit := org.Calendar.After(dos.ReceivedAt, max)
				if newBy.After(limit.Date) {
					return lineErr(c, fmt.Sprintf("the procedure allows at most %s after receipt (%s)", max, procedure.Day(limit.Date)),
						fmt.Sprintf("de regeling staat hoogstens %s na ontvangst toe (%s)", max.Dutch(), procedure.Day(limit.Date))), nil
				}
			}
			return nil, nil
		},
		Apply: func(e *Env, c Command) error {
			dos := e.Dossier
			newBy, basis, err := extendTo(e.Org, dos, c)
			if err != nil {
				return err
			}
			old := dos.DecideBy
			dos.DecideBy, dos.DecideBasis, dos.ExtensionReason = newBy, basis, e.Reason
			if err := e.Event("extended", fmt.Sprintf("decide-by %s → %s: %s", procedure.Day(old), procedure.Day(newBy), e.Reason)); err != nil {
				return err
			}
			return e.Rules.QueueLetter(e.Tx, e.Org, dos, &letters.Delay{Letter: e.Rules.Letter(e.Org, dos, "delay", e.Rules.Complainant(dos)),
				Complaint: e.Rules.Complaint(e.Org, dos), OldDecideBy: old, NewDecideBy: newBy, Reason: e.Reason}, nil)
		},
	},
	{
		Kind: KindReason, NL: "Reden", EN: "Reason",
		AcceptedEN: `give the reason on the same line, or as a "Reason:" section in the text`,
		AcceptedNL: `zet de reden op dezelfde regel, of als "Reden:"-alinea in de tekst`,
		parse:      func(*Command, *parser) *LineError { return nil }, // free text
		Apply:      func(*Env, Command) error { return nil },          // Carry gives it to Extend and Verdict
	},
	{
		Kind: KindVerdict, NL: "Oordeel", EN: "Verdict",
		AcceptedEN: `use founded, unfounded, partly founded or inadmissible`,
		AcceptedNL: `gebruik gegrond, ongegrond, deels gegrond of niet-ontvankelijk`,
		parse:      oneOf(verdictWords, func(c *Command) *string { return &c.Verdict }, "unknown verdict", "onbekend oordeel"),
		Check:      func(e *Env, c Command) (*LineError, error) { return e.open(c), nil },
		Apply: func(e *Env, c Command) error {
			s := e.Block.Sections
			return e.Rules.Decide(e.Tx, e.Org, e.Dossier, e.Actor, dossier.Verdict{Verdict: c.Verdict,
				Facts: s.Facts, Position: s.Position, Measures: s.Measures, Reason: e.Reason}, e.Event)
		},
	},
	{
		Kind: KindStatus, NL: "Status", EN: "Status",
		AcceptedEN: `use closed or reopened`,
		AcceptedNL: `gebruik afgehandeld of heropend`,
		parse:      oneOf(statusWords, func(c *Command) *string { return &c.Status }, "unknown status", "onbekende status"),
		Check: func(e *Env, c Command) (*LineError, error) {
			st := e.Dossier.Status
			switch {
			case c.Status == StatusReopened && st == values.StatusOpen:
				return lineErr(c, "the dossier is already open", "het dossier is al open"), nil
			case c.Status == StatusClosed && (st == values.StatusClosed || st == values.StatusMerged):
				return lineErr(c, "the dossier is already "+st, "het dossier is al "+values.StatusName("nl", st)), nil
			}
			return nil, nil
		},
		Apply: func(e *Env, c Command) error {
			dos := e.Dossier
			if c.Status != StatusClosed {
				dos.Status = values.StatusOpen
				dos.ClosedAt = time.Time{}
				return e.Event("status", dos.Status)
			}
			dos.Status = values.StatusClosed
			dos.ClosedAt = e.Rules.Now()
			if err := e.Event("status", dos.Status); err != nil {
				return err
			}
			return e.Rules.ClosingReport(e.Tx, e.Org, dos, e.Block.Body)
		},
	},
	{
		Kind: KindMerge, NL: "Samenvoegen", EN: "Merge",
		AcceptedEN: `give the number of the other dossier, e.g. "Merge: KL-2026-0002"`,
		AcceptedNL: `gebruik het nummer van het andere dossier, bijvoorbeeld "Samenvoegen: KL-2026-0002"`,
		parse: func(c *Command, _ *parser) *LineError {
			m := numberRe.FindStringSubmatch(c.Value)
			if m == nil {
				return c.valueErr("not a dossier number", "geen dossiernummer")
			}
			c.Number = strings.ToUpper(m[1])
			return nil
		},
		Check: func(e *Env, c Command) (*LineError, error) {
			target, err := e.Tx.Dossier(c.Number)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			switch {
			case err != nil:
				return lineErr(c, "no dossier "+c.Number, "dossier "+c.Number+" bestaat niet"), nil
			case target.ID == e.Dossier.ID:
				return lineErr(c, "a dossier cannot be merged into itself", "een dossier kan niet met zichzelf worden samengevoegd"), nil
			case target.Status != values.StatusOpen:
				return lineErr(c, c.Number+" is "+target.Status, c.Number+" is "+values.StatusName("nl", target.Status)), nil
			case target.Organisation != e.Dossier.Organisation:
				return lineErr(c, c.Number+" belongs to another organisation", c.Number+" hoort bij een andere organisatie"), nil
			}
			return nil, nil
		},
		Apply: func(e *Env, c Command) error {
			dos := e.Dossier
			target, err := e.Tx.Dossier(c.Number)
			if err != nil {
				return err
			}
			dos.Status = values.StatusMerged
			dos.MergedInto = target.Number
			dos.ClosedAt = e.Rules.Now()
			if err := e.Tx.AddEvent(&store.Event{DossierID: target.ID, Actor: e.Actor, Action: "merged",
				Detail: dos.Number + " merged into this dossier", MessageRef: e.Message.ID}); err != nil {
				return err
			}
			return e.Event("merged", "merged into "+target.Number)
		},
	},
	{
		Kind: KindPosted, NL: "Verzonden", EN: "Posted",
		AcceptedEN: `give a date (2026-12-01, 1-12-2026, 1 December 2026) or "today", optionally followed by the letter: acknowledgement, delay, decision, rejection or closing`,
		AcceptedNL: `gebruik een datum (2026-12-01, 1-12-2026, 1 december 2026) of "vandaag", eventueel gevolgd door de brief: ontvangstbevestiging, uitstel, beslissing, afwijzing of afsluiting`,
		parse:      func(c *Command, _ *parser) *LineError { return parsePosted(c) },
		Check: func(e *Env, c Command) (*LineError, error) {
			ls, err := e.Tx.Letters(e.Dossier.ID)
			if err != nil {
				return nil, err
			}
			for _, l := range ls {
				if l.Kind == postedKind(c) && l.PostWanted {
					return nil, nil
				}
			}
			return lineErr(c, "no "+postedKind(c)+" letter of this dossier is waiting to be posted",
				"er wacht geen brief ("+postedKind(c)+") van dit dossier op verzending per post"), nil
		},
		Apply: func(e *Env, c Command) error {
			at := c.Date
			if at.IsZero() {
				at = e.Rules.Today()
			}
			return e.Tx.RecordPosted(e.Dossier, postedKind(c), at, e.Actor, e.Message.ID)
		},
	},
	{
		Kind: KindAddress, NL: "Adres", EN: "Address",
		AcceptedEN: `give the postal address with the lines separated by ";", e.g. "Address: Dorpsstraat 1; 1234 AB Utrecht"`,
		AcceptedNL: `gebruik het postadres met de regels gescheiden door ";", bijvoorbeeld "Adres: Dorpsstraat 1; 1234 AB Utrecht"`,
		parse: func(c *Command, _ *parser) *LineError {
			if c.List = splitList(c.Value, ";,"); len(c.List) == 0 {
				return c.valueErr("no address lines", "geen adresregels")
			}
			return nil
		},
		Apply: func(e *Env, c Command) error {
			e.Dossier.PostalAddress = c.List
			return e.Event("address", strings.Join(c.List, ", "))
		},
	},
	{
		Kind: KindSimple, NL: "Eenvoudig", EN: "Simple",
		AcceptedEN: `use yes or no`,
		AcceptedNL: `gebruik ja of nee`,
		parse: func(c *Command, _ *parser) *LineError {
			b, ok := boolWords[normWord(c.Value)]
			if !ok {
				return c.valueErr("not yes or no", "geen ja of nee")
			}
			c.Bool = b
			return nil
		},
		Apply: func(e *Env, c Command) error {
			dos, p := e.Dossier, e.Org.Procedure
			dos.Simple = c.Bool
			if c.Bool && !p.DecideWithinSimple.IsZero() {
				due := e.Org.Calendar.After(dos.ReceivedAt, p.DecideWithinSimple)
				dos.DecideBy, dos.DecideBasis = due.Date, "simple complaint: "+due.Basis
			} else if !c.Bool {
				due := e.Org.Calendar.After(dos.ReceivedAt, p.DecideWithin)
				dos.DecideBy, dos.DecideBasis = due.Date, due.Basis
			}
			return e.Event("simple", fmt.Sprintf("simple=%v; decide by %s", c.Bool, procedure.Day(dos.DecideBy)))
		},
	},
}

// oneOf parses a value that is one of a set of words (any case, "_" for a
// space, a full stop at the end) into the field field selects.
func oneOf(words map[string]string, field func(*Command) *string, en, nl string) func(*Command, *parser) *LineError {
	return func(c *Command, _ *parser) *LineError {
		v, ok := words[normWord(c.Value)]
		if !ok {
			return c.valueErr(en, nl)
		}
		*field(c) = v
		return nil
	}
}

// mergeList adds to a list the items it does not have yet (any case).
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

// Lookup returns the command a key names (any case, any spacing), or nil.
func Lookup(key string) *Spec {
	return byKey[strings.ToLower(strings.Join(strings.Fields(key), " "))]
}

// SpecOf returns the definition of a kind of command.
func SpecOf(k Kind) *Spec { return byKind[k] }

var (
	byKey  = map[string]*Spec{}
	byKind = map[Kind]*Spec{}
	// knownKeysEN and knownKeysNL list the keys in the reply to an unknown
	// key.
	knownKeysEN, knownKeysNL string
)

func init() {
	var en, nl []string
	for _, s := range table {
		byKind[s.Kind] = s
		for _, k := range append([]string{s.NL, s.EN}, s.Aliases...) {
			byKey[strings.ToLower(k)] = s
		}
		en, nl = append(en, s.EN), append(nl, s.NL)
	}
	knownKeysEN = strings.Join(en, ", ") + " (or their Dutch names)"
	knownKeysNL = strings.Join(nl, ", ")
}

// valueErr is an error about the value of c: what is wrong, then what the
// value may be.
func (c *Command) valueErr(en, nl string) *LineError {
	s := byKind[c.Kind]
	return &LineError{Reason: en + "; " + s.AcceptedEN, ReasonNL: nl + "; " + s.AcceptedNL}
}

// parser is the state of one Parse call the value parsers may use.
type parser struct {
	term func(string) (*procedure.Term, error) // parses a duration
}

// parseValue parses c.Value with the definition of its kind.
func parseValue(c *Command, p *parser) *LineError {
	if c.Value == "" {
		return c.valueErr("empty value", "geen waarde")
	}
	return byKind[c.Kind].parse(c, p)
}
