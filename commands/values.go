package commands

import (
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register/values"
)

// normWord lower-cases s, turns "_" into a space, collapses spaces and
// drops a trailing full stop.
func normWord(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "_", " "))
	return strings.TrimSuffix(strings.Join(strings.Fields(s), " "), ".")
}

var verdictWords = map[string]string{
	"gegrond":              values.VerdictFounded,
	"founded":              values.VerdictFounded,
	"well-founded":         values.VerdictFounded,
	"ongegrond":            values.VerdictUnfounded,
	"unfounded":            values.VerdictUnfounded,
	"deels gegrond":        values.VerdictPartlyFounded,
	"deels-gegrond":        values.VerdictPartlyFounded,
	"gedeeltelijk gegrond": values.VerdictPartlyFounded,
	"partly founded":       values.VerdictPartlyFounded,
	"partly-founded":       values.VerdictPartlyFounded,
	"partially founded":    values.VerdictPartlyFounded,
	"niet-ontvankelijk":    values.VerdictInadmissible,
	"niet ontvankelijk":    values.VerdictInadmissible,
	"inadmissible":         values.VerdictInadmissible,
	"not admissible":       values.VerdictInadmissible,
}

var statusWords = map[string]string{
	"afgehandeld": StatusClosed,
	"gesloten":    StatusClosed,
	"closed":      StatusClosed,
	"heropend":    StatusReopened,
	"heropen":     StatusReopened,
	"heropenen":   StatusReopened,
	"reopened":    StatusReopened,
	"reopen":      StatusReopened,
}

var boolWords = map[string]bool{
	"ja":  true,
	"yes": true,
	"nee": false,
	"no":  false,
}

var letterWords = map[string]string{
	"acknowledgement":      LetterAcknowledgement,
	"acknowledgment":       LetterAcknowledgement,
	"ontvangstbevestiging": LetterAcknowledgement,
	"delay":                LetterDelay,
	"uitstel":              LetterDelay,
	"decision":             LetterDecision,
	"beslissing":           LetterDecision,
	"rejection":            LetterRejection,
	"afwijzing":            LetterRejection,
	"closing":              LetterClosing,
	"afsluiting":           LetterClosing,
}

// numberRe matches a dossier number, bare or as a subject tag.
var numberRe = regexp.MustCompile(`^\[?\s*([A-Za-z]+-\d{4}-\d{4,})\s*\]?$`)

func splitList(v, seps string) []string {
	var out []string
	for _, item := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if item = strings.Join(strings.Fields(item), " "); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// emailRe finds a bare email address in a value such as
// "Jan de Vries, jan@example.nl".
var emailRe = regexp.MustCompile(`[^\s<>(),;:"\[\]]+@[^\s<>(),;:"\[\]]+`)

// parsePerson parses "Jan de Vries <jan@example.nl>" (RFC 5322), or a name
// and a bare address in looser forms. An address is required.
func parsePerson(v string) (*mail.Address, bool) {
	if a, err := mail.ParseAddress(v); err == nil {
		return a, true
	}
	loc := emailRe.FindStringIndex(v)
	if loc == nil {
		return nil, false
	}
	a, err := mail.ParseAddress("<" + v[loc[0]:loc[1]] + ">")
	if err != nil {
		return nil, false
	}
	rest := v[:loc[0]] + " " + v[loc[1]:]
	a.Name = strings.Trim(strings.Join(strings.Fields(rest), " "), ` ,;:-<>()"`)
	if strings.Contains(a.Name, "@") {
		return nil, false // two addresses: which one is meant?
	}
	return a, true
}

var (
	isoDateRe     = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	dmyDateRe     = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$`)
	dayMonthRe    = regexp.MustCompile(`^(\d{1,2})\.?\s+(\pL+)\.?\s+(\d{4})$`)
	monthDayRe    = regexp.MustCompile(`^(\pL+)\.?\s+(\d{1,2}),?\s+(\d{4})$`)
	weekdayPrefix = regexp.MustCompile(`^(\pL+)\.?,?\s+`)
	digitsDateRe  = regexp.MustCompile(`\d+\s*[-/.]\s*\d+\s*[-/.]\s*\d+`)
)

// parseDate parses a calendar date in the forms staff write: 2026-12-24,
// 24-12-2026 (also with / or .), 24 december 2026, 24 dec. 2026, December
// 24, 2026, optionally after a weekday ("do 24 dec 2026"). The result is
// 00:00 Europe/Amsterdam. dateLike reports whether v looked like a date
// even though it did not parse (31-02-2026), as opposed to something else
// altogether (a term).
func parseDate(v string) (t time.Time, dateLike bool, err error) {
	s := strings.ToLower(strings.Join(strings.Fields(v), " "))
	if m := weekdayPrefix.FindStringSubmatch(s); m != nil && procedure.Weekday(m[1]) {
		s = s[len(m[0]):]
	}
	var y, d int
	var mo time.Month
	switch {
	case isoDateRe.MatchString(s):
		m := isoDateRe.FindStringSubmatch(s)
		y, mo, d = atoi(m[1]), time.Month(atoi(m[2])), atoi(m[3])
	case dmyDateRe.MatchString(s):
		m := dmyDateRe.FindStringSubmatch(s)
		d, mo, y = atoi(m[1]), time.Month(atoi(m[2])), atoi(m[3])
	case dayMonthRe.MatchString(s):
		m := dayMonthRe.FindStringSubmatch(s)
		month, ok := procedure.Month(m[2])
		if !ok {
			return time.Time{}, true, fmt.Errorf("unknown month %q", m[2])
		}
		d, mo, y = atoi(m[1]), month, atoi(m[3])
	case monthDayRe.MatchString(s):
		m := monthDayRe.FindStringSubmatch(s)
		month, ok := procedure.Month(m[1])
		if !ok {
			return time.Time{}, true, fmt.Errorf("unknown month %q", m[1])
		}
		mo, d, y = month, atoi(m[2]), atoi(m[3])
	default:
		return time.Time{}, digitsDateRe.MatchString(s), fmt.Errorf("not a date")
	}
	t = time.Date(y, mo, d, 0, 0, 0, 0, procedure.Amsterdam)
	if t.Year() != y || t.Month() != mo || t.Day() != d || mo < 1 || mo > 12 {
		return time.Time{}, true, fmt.Errorf("no such date")
	}
	return t, true, nil
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1 // only digits reach here; an absurd length gives no date
	}
	return n
}

// parsePosted parses "2026-12-01", "vandaag", "1 december 2026 beslissing",
// "today decision": a date or today, and optionally the letter kind before
// or after it (default: the decision letter).
func parsePosted(cmd *Command) *LineError {
	fields := strings.Fields(cmd.Value)
	cmd.LetterKind = LetterDecision
	if len(fields) > 1 {
		if k, ok := letterWords[strings.ToLower(strings.TrimSuffix(fields[len(fields)-1], ","))]; ok {
			cmd.LetterKind = k
			fields = fields[:len(fields)-1]
		} else if k, ok := letterWords[strings.ToLower(strings.TrimSuffix(fields[0], ","))]; ok {
			cmd.LetterKind = k
			fields = fields[1:]
		}
	}
	when := strings.TrimSuffix(strings.Join(fields, " "), ",")
	switch strings.ToLower(when) {
	case "vandaag", "today":
		cmd.Today = true
		return nil
	}
	d, _, err := parseDate(when)
	if err != nil {
		return cmd.valueErr(err.Error(), "ongeldige datum of brief")
	}
	cmd.Date = d
	return nil
}

// Validate checks the commands together with the body sections: an
// extension needs a reason; a reason needs an extension or an inadmissible
// verdict; a verdict needs Feiten/Facts and Standpunt/Position sections,
// or, when inadmissible, a reason; no key may be given twice. Parse calls
// it; whether a Merge names the dossier itself is for the caller.
func Validate(cmds []Command, s Sections) []LineError {
	return validate(cmds, s, nil)
}

// validate is Validate that skips the rules about a kind whose line
// already had an error, so one mistake gives one message.
func validate(cmds []Command, s Sections, failed map[Kind]bool) []LineError {
	var errs []LineError
	first := map[Kind]Command{}
	for _, c := range cmds {
		if prev, dup := first[c.Kind]; dup {
			errs = append(errs, LineError{
				Line: c.Line, Raw: c.Raw,
				Reason:   fmt.Sprintf("%s is given twice (also on line %d); give it once", c.Key, prev.Line),
				ReasonNL: fmt.Sprintf("%s staat er twee keer (ook op regel %d); geef het één keer", c.Key, prev.Line),
			})
			continue
		}
		first[c.Kind] = c
	}
	extend, hasExtend := first[KindExtend]
	reason, hasReason := first[KindReason]
	verdict, hasVerdict := first[KindVerdict]
	inadmissible := hasVerdict && verdict.Verdict == values.VerdictInadmissible
	reasonSection := strings.TrimSpace(s.Reason) != ""

	if hasExtend && !hasReason && !reasonSection && !failed[KindReason] {
		errs = append(errs, LineError{
			Line: extend.Line, Raw: extend.Raw,
			Reason:   "extension needs a Reason:/Reden: line",
			ReasonNL: "uitstel heeft een reden nodig: voeg een regel \"Reden: …\" toe",
		})
	}
	if hasReason && !hasExtend && !inadmissible && !failed[KindExtend] && !failed[KindVerdict] {
		errs = append(errs, LineError{
			Line: reason.Line, Raw: reason.Raw,
			Reason:   "a reason goes with Extend:/Uitstel: or with Verdict: inadmissible",
			ReasonNL: "een reden hoort bij \"Uitstel:\" of bij \"Oordeel: niet-ontvankelijk\"",
		})
	}
	if hasVerdict && !inadmissible {
		var missingEN, missingNL []string
		if strings.TrimSpace(s.Facts) == "" {
			missingEN, missingNL = append(missingEN, "Facts:"), append(missingNL, "Feiten:")
		}
		if strings.TrimSpace(s.Position) == "" {
			missingEN, missingNL = append(missingEN, "Position:"), append(missingNL, "Standpunt:")
		}
		if len(missingEN) > 0 {
			errs = append(errs, LineError{
				Line: verdict.Line, Raw: verdict.Raw,
				Reason: "a verdict needs Feiten:/Facts: and Standpunt:/Position: in the body; missing: " +
					strings.Join(missingEN, ", "),
				ReasonNL: "een oordeel heeft in de tekst een alinea \"Feiten:\" en een alinea \"Standpunt:\" nodig; ontbreekt: " +
					strings.Join(missingNL, ", "),
			})
		}
	}
	if inadmissible && !hasReason && !reasonSection && !failed[KindReason] {
		errs = append(errs, LineError{
			Line: verdict.Line, Raw: verdict.Raw,
			Reason:   "an inadmissible verdict needs a reason: a Reason:/Reden: line or section",
			ReasonNL: "niet-ontvankelijk heeft een reden nodig: een regel of alinea \"Reden: …\"",
		})
	}
	return errs
}
