package commands

import (
	"fmt"
	"net/mail"
	"strings"
)

// Spec is one mail command, defined in one place: the keys staff type, what
// its value may be and how it parses. Adding a command is adding an entry
// to table.
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
				if p.termOK != nil {
					if err := p.termOK(c.Value); err != nil {
						return c.valueErr(fmt.Sprintf("not a date or term (%v)", err), "geen datum of termijn")
					}
				}
				c.Term = c.Value
			}
			return nil
		},
	},
	{
		Kind: KindReason, NL: "Reden", EN: "Reason",
		AcceptedEN: `give the reason on the same line, or as a "Reason:" section in the text`,
		AcceptedNL: `zet de reden op dezelfde regel, of als "Reden:"-alinea in de tekst`,
		parse:      func(*Command, *parser) *LineError { return nil }, // free text
	},
	{
		Kind: KindVerdict, NL: "Oordeel", EN: "Verdict",
		AcceptedEN: `use founded, unfounded, partly founded or inadmissible`,
		AcceptedNL: `gebruik gegrond, ongegrond, deels gegrond of niet-ontvankelijk`,
		parse:      oneOf(verdictWords, func(c *Command) *string { return &c.Verdict }, "unknown verdict", "onbekend oordeel"),
	},
	{
		Kind: KindStatus, NL: "Status", EN: "Status",
		AcceptedEN: `use closed or reopened`,
		AcceptedNL: `gebruik afgehandeld of heropend`,
		parse:      oneOf(statusWords, func(c *Command) *string { return &c.Status }, "unknown status", "onbekende status"),
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
	},
	{
		Kind: KindPosted, NL: "Verzonden", EN: "Posted",
		AcceptedEN: `give a date (2026-12-01, 1-12-2026, 1 December 2026) or "today", optionally followed by the letter: acknowledgement, delay, decision, rejection or closing`,
		AcceptedNL: `gebruik een datum (2026-12-01, 1-12-2026, 1 december 2026) of "vandaag", eventueel gevolgd door de brief: ontvangstbevestiging, uitstel, beslissing, afwijzing of afsluiting`,
		parse:      func(c *Command, _ *parser) *LineError { return parsePosted(c) },
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
	termOK func(string) error
}

// parseValue parses c.Value with the definition of its kind.
func parseValue(c *Command, p *parser) *LineError {
	if c.Value == "" {
		return c.valueErr("empty value", "geen waarde")
	}
	return byKind[c.Kind].parse(c, p)
}
