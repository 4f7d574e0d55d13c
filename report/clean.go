package report

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Removed stands where clean took out an e-mail address, phone number or
// bank account number.
const Removed = "[…]"

// maxText is the longest free text the report prints, in characters; a
// longer one is cut with an ellipsis (a report lists causes, it does not
// reproduce dossiers).
const maxText = 600

var (
	// An e-mail address (RFC 5322 addr-spec, loosely: anything@domain.tld),
	// with an optional "mailto:" before it.
	emailRE = regexp.MustCompile(`(?i)(?:mailto:)?[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`)
	// An IBAN (ISO 13616): country, check digits, then groups of up to
	// four letters or digits, with or without spaces.
	ibanRE = regexp.MustCompile(`\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b`)
	// A candidate phone number: digits with spaces, dots, dashes, slashes
	// or brackets between them; phoneDigits decides.
	phoneRE = regexp.MustCompile(`(?:\+|\(\+?)?\d[\d\s.\-/()]{6,}\d`)
)

// phoneDigits is the least number of digits a run must have to be taken for
// a phone number (Dutch numbers have ten, 06 12345678; a citizen service
// number nine). Dates (8 digits) and dossier numbers (2026-0001) stay.
const phoneDigits = 9

// clean makes a free text typed by staff fit for the report: white space
// (line breaks included) collapsed to single spaces, control characters
// dropped, e-mail addresses, phone numbers and IBANs replaced by Removed,
// and at most maxText characters. The texts must be written without names;
// this is the defence for what slips through.
func clean(s string) string { return scrub(s, maxText) }

// scrub is clean with a limit of limit characters.
func scrub(s string, limit int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError:
			return -1
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = emailRE.ReplaceAllString(s, Removed)
	s = ibanRE.ReplaceAllString(s, Removed)
	s = phoneRE.ReplaceAllStringFunc(s, func(m string) string {
		// Keep trailing spaces or brackets outside the number.
		core := strings.TrimRight(m, " .-/()")
		n := 0
		for _, r := range core {
			if r >= '0' && r <= '9' {
				n++
			}
		}
		if n < phoneDigits {
			return m
		}
		return Removed + m[len(core):]
	})
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > limit {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:limit-1])) + "…"
	}
	return s
}
