// Package procedure holds the rules of the complaint procedure that are
// arithmetic: terms such as "5 werkdagen" or "4 weeks", the Dutch
// working-day calendar, and the computation of due dates with an
// explanation of how every date was reached (Algemene termijnenwet).
package procedure

import (
	"fmt"
	"strconv"
	"strings"
)

// Unit is the unit of a Term.
type Unit int

// The units a term can be expressed in.
const (
	WorkingDays Unit = iota + 1 // Mon–Fri minus public holidays and closed days
	Days                        // calendar days
	Weeks
	Months
	Years
)

// maxTermN bounds N so that a typo cannot make the day-by-day arithmetic
// loop for ages; no complaint procedure has a term of over 1000 units.
const maxTermN = 1000

// Term is a period from the procedure: N units.
type Term struct {
	N    int
	Unit Unit
}

// unitWords maps every accepted spelling (lowercase, single spaces) to its
// unit. Singular and plural are both accepted whatever N is: Dutch writes
// "2 week" as readily as "2 weken".
var unitWords = map[string]Unit{
	"werkdag":       WorkingDays,
	"werkdagen":     WorkingDays,
	"working day":   WorkingDays,
	"working days":  WorkingDays,
	"workday":       WorkingDays,
	"workdays":      WorkingDays,
	"dag":           Days,
	"dagen":         Days,
	"kalenderdag":   Days,
	"kalenderdagen": Days,
	"day":           Days,
	"days":          Days,
	"calendar day":  Days,
	"calendar days": Days,
	"week":          Weeks,
	"weken":         Weeks,
	"weeks":         Weeks,
	"maand":         Months,
	"maanden":       Months,
	"month":         Months,
	"months":        Months,
	"jaar":          Years,
	"jaren":         Years,
	"year":          Years,
	"years":         Years,
}

const acceptedUnits = "werkdagen/working days, dagen/days, weken/weeks, maanden/months, jaar/years"

// ParseTerm parses a term such as "5 werkdagen", "1 working day",
// "2 weken", "1 month" or "7 jaar". Case and extra spaces do not matter.
// A term of 0 units parses (N == 0); whether it is allowed is up to the
// caller.
func ParseTerm(s string) (Term, error) {
	fields := strings.Fields(strings.ToLower(s))
	if len(fields) < 2 {
		return Term{}, fmt.Errorf("invalid term %q: want a number and a unit (%s)", s, acceptedUnits)
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil || n < 0 {
		return Term{}, fmt.Errorf("invalid term %q: %q is not a whole number of 0 or more", s, fields[0])
	}
	if n > maxTermN {
		return Term{}, fmt.Errorf("invalid term %q: more than %d units", s, maxTermN)
	}
	unit, ok := unitWords[strings.Join(fields[1:], " ")]
	if !ok {
		return Term{}, fmt.Errorf("invalid term %q: unknown unit %q; accepted: %s", s, strings.Join(fields[1:], " "), acceptedUnits)
	}
	return Term{N: n, Unit: unit}, nil
}

// IsZero reports whether the term is empty: no term configured, or 0 units.
func (t Term) IsZero() bool { return t.N == 0 }

// names holds singular and plural in English and Dutch, per unit.
var names = map[Unit][4]string{
	WorkingDays: {"working day", "working days", "werkdag", "werkdagen"},
	Days:        {"day", "days", "dag", "dagen"},
	Weeks:       {"week", "weeks", "week", "weken"},
	Months:      {"month", "months", "maand", "maanden"},
	Years:       {"year", "years", "jaar", "jaar"},
}

func (t Term) format(dutch bool) string {
	nm, ok := names[t.Unit]
	if !ok {
		if dutch {
			return "geen termijn"
		}
		return "no term"
	}
	i := 1
	if t.N == 1 {
		i = 0
	}
	if dutch {
		i += 2
	}
	return strconv.Itoa(t.N) + " " + nm[i]
}

// String returns the canonical English form: "5 working days", "1 week",
// "2 weeks", "1 month", "7 years". A Term without unit reads "no term".
func (t Term) String() string { return t.format(false) }

// Dutch returns the Dutch form: "5 werkdagen", "1 werkdag", "2 weken",
// "1 maand", "7 jaar". A Term without unit reads "geen termijn".
func (t Term) Dutch() string { return t.format(true) }

// Language returns the Dutch form for "nl" and the English form otherwise.
func (t Term) Language(lang string) string {
	if strings.EqualFold(lang, "nl") {
		return t.Dutch()
	}
	return t.String()
}

// MarshalText encodes the term in its canonical English form, so that it
// round-trips through JSON and TOML.
func (t Term) MarshalText() ([]byte, error) {
	if _, ok := names[t.Unit]; !ok {
		return nil, fmt.Errorf("marshal term: unknown unit %d", int(t.Unit))
	}
	return []byte(t.String()), nil
}

// UnmarshalText parses a term with ParseTerm.
func (t *Term) UnmarshalText(b []byte) error {
	v, err := ParseTerm(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
