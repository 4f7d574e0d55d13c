package postal

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// maxInput bounds what Parse reads: an address is a few short lines.
const maxInput = 300

// maxLines is the most lines an address has: two before the street
// ("p/a Zorgcentrum De Linde", "Appartement 3"), street, postcode and place,
// country.
const maxLines = 5

// partSepRe separates the lines of a typed address: new lines, ";", ",",
// "|" and " / " (a slash between spaces: "7/2" is a house number and "a/d"
// part of a place).
var partSepRe = regexp.MustCompile(`\s*(?:[\n;,|]|\s/\s)\s*`)

// Parse reads a postal address typed by the officer on the command line or
// in an "Adres:"/"Address:" mail command: "Kerkstraat 7, 2712 AB Zoetermeer",
// with ";", " / " or new lines between the lines, perhaps with lines above
// the street and a country below. It returns the address lines, normalised:
// spaces collapsed, a Dutch postcode as "2712 AB", no country line for the
// Netherlands, the country in Dutch capitals for an address abroad
// ("BELGIË"). The error is an *Error.
func Parse(s string) ([]string, error) {
	if len(s) > maxInput {
		return nil, errorf("the address is too long (%d characters)", "het adres is te lang (%d tekens)", len(s))
	}
	var parts []string
	for _, p := range partSepRe.Split(strings.TrimSpace(s), -1) {
		if p = collapse(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return nil, errorf("the address is empty", "het adres is leeg")
	}
	ctry := ""
	if len(parts) > 1 {
		if c := country(parts[len(parts)-1]); c != "" {
			ctry = c
			parts = parts[:len(parts)-1]
		}
	}
	if ctry == "" || ctry == netherlands {
		if m := prefixRe.FindStringSubmatch(parts[len(parts)-1]); m != nil {
			ctry = map[string]string{"b": belgium, "d": germany}[strings.ToLower(m[1])]
		}
	}
	parts = splitStreetPostcode(parts, ctry)
	// "2712 AB, Zoetermeer": the place was split off by the comma.
	if n := len(parts); n >= 2 && !hasDigit(parts[n-1]) && postcodeOnly(parts[n-2], ctry) {
		parts = append(parts[:n-2], parts[n-2]+" "+parts[n-1])
	}
	if n := len(parts) + btoi(ctry != "" && ctry != netherlands); n > maxLines {
		return nil, errorf("an address has at most %d lines, this one has %d",
			"een adres heeft hoogstens %d regels, dit heeft er %d", maxLines, n)
	}

	var line string
	var err *Error
	switch ctry {
	case "", netherlands:
		line, err = parseDutch(parts[len(parts)-1])
	case belgium:
		line, err = parseForeignPostcode(parts[len(parts)-1], bePostcodeRe, "Belgian", "Belgische", "four digits, as in 1000 Brussel", "vier cijfers, zoals in 1000 Brussel")
	case germany:
		line, err = parseForeignPostcode(parts[len(parts)-1], dePostcodeRe, "German", "Duitse", "five digits, as in 10115 Berlin", "vijf cijfers, zoals in 10115 Berlin")
	default:
		// Elsewhere the lines are taken as written.
		if len(parts) < 2 {
			return nil, errorf("an address abroad needs a street line and a place line above the country",
				"een adres in het buitenland heeft een straatregel en een plaatsregel boven het land")
		}
		return append(parts, ctry), nil
	}
	if err != nil {
		if len(parts) == 1 && street(parts[0]) {
			return nil, errorf("no postcode and place after %q", "geen postcode en plaats na %q", parts[0])
		}
		return nil, err
	}
	if len(parts) < 2 {
		return nil, errorf("no street and house number before %q", "geen straat en huisnummer vóór %q", parts[0])
	}
	st := parts[len(parts)-2]
	if !street(st) {
		if !hasDigit(st) {
			return nil, errorf("%q has no house number", "bij %q staat geen huisnummer", st)
		}
		return nil, errorf("%q is not a street and house number", "%q is geen straat met huisnummer", st)
	}
	out := append(parts[:len(parts)-1:len(parts)-1], line)
	if ctry != "" && ctry != netherlands {
		out = append(out, ctry)
	}
	return out, nil
}

// parseDutch reads "2712 AB Zoetermeer" (also "2712ab zoetermeer").
func parseDutch(s string) (string, *Error) {
	m := nlPostcodeRe.FindStringSubmatch(s)
	if m == nil {
		if pc := regexp.MustCompile(`^([1-9][0-9]{3})\b`).FindString(s); pc != "" {
			return "", errorf("the postcode %s lacks its two letters (as in 2712 AB); an address abroad ends with the country",
				"de postcode %s mist de twee letters (zoals in 2712 AB); een adres in het buitenland eindigt met het land", pc)
		}
		if hasDigit(s) || len(strings.Fields(s)) > 4 {
			return "", errorf("no line with postcode and place, as in %q; an address abroad ends with the country",
				"geen regel met postcode en plaats, zoals in %q; een adres in het buitenland eindigt met het land", example)
		}
		return "", errorf("no postcode before %q, as in %q", "geen postcode vóór %q, zoals in %q", s, example)
	}
	pc := m[1] + " " + strings.ToUpper(m[2])
	if !issued(m[2]) {
		return "", errorf("%s is not a Dutch postcode: the letters SA, SD and SS are not used",
			"%s is geen Nederlandse postcode: de letters SA, SD en SS worden niet gebruikt", pc)
	}
	pl, err := placeName(m[3], pc)
	if err != nil {
		return "", err
	}
	return pc + " " + pl, nil
}

func parseForeignPostcode(s string, re *regexp.Regexp, en, nl, formEN, formNL string) (string, *Error) {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return "", &Error{
			English: fmt.Sprintf("%q is not a %s postcode and place (%s)", s, en, formEN),
			Dutch:   fmt.Sprintf("%q is geen %s postcode met plaats (%s)", s, nl, formNL),
		}
	}
	pl, err := placeName(m[2], m[1])
	if err != nil {
		return "", err
	}
	return m[1] + " " + pl, nil
}

// placeName checks the place after a postcode.
func placeName(s, pc string) (string, *Error) {
	s = strings.TrimRight(strings.TrimLeft(collapse(s), ", "), ". ")
	if s == "" {
		return "", errorf("the postcode %s has no place after it", "na de postcode %s staat geen plaats", pc)
	}
	if hasDigit(s) || len(s) > 50 {
		return "", errorf("unexpected %q after the postcode; the place follows the postcode, the country goes on the last line",
			"onverwacht %q na de postcode; de plaats volgt op de postcode, het land staat op de laatste regel", s)
	}
	return s, nil
}

// issued reports whether a Dutch postcode's letter pair is used: PostNL
// does not issue SA, SD and SS.
func issued(letters string) bool {
	switch strings.ToUpper(letters) {
	case "SA", "SD", "SS":
		return false
	}
	return true
}

// inlinePostcodeRe finds a postcode inside a line typed without a
// separator before it: "Kerkstraat 7 2712 AB Zoetermeer".
var inlinePostcodeRe = map[string]*regexp.Regexp{
	"":      regexp.MustCompile(`\s((?:NL-?)?[1-9][0-9]{3} ?[A-Za-z]{2}\s+\D+)$`),
	belgium: regexp.MustCompile(`\s((?:B-)?[1-9][0-9]{3}\s+\D+)$`),
	germany: regexp.MustCompile(`\s((?:D-)?[0-9]{5}\s+\D+)$`),
}

// splitStreetPostcode splits a last line that holds both the street and
// the postcode.
func splitStreetPostcode(parts []string, ctry string) []string {
	if ctry == netherlands {
		ctry = ""
	}
	re := inlinePostcodeRe[ctry]
	if re == nil {
		return parts
	}
	last := parts[len(parts)-1]
	loc := re.FindStringSubmatchIndex(last)
	if loc == nil || !street(strings.TrimSpace(last[:loc[2]])) {
		return parts
	}
	return append(parts[:len(parts)-1:len(parts)-1], strings.TrimSpace(last[:loc[2]]), last[loc[2]:])
}

// postcodeOnly reports whether s is a postcode without a place.
func postcodeOnly(s, ctry string) bool {
	switch ctry {
	case "", netherlands:
		m := nlPostcodeRe.FindStringSubmatch(s)
		return m != nil && m[3] == ""
	case belgium:
		m := bePostcodeRe.FindStringSubmatch(s)
		return m != nil && m[2] == ""
	case germany:
		m := dePostcodeRe.FindStringSubmatch(s)
		return m != nil && m[2] == ""
	}
	return false
}

func hasDigit(s string) bool { return strings.IndexFunc(s, unicode.IsDigit) >= 0 }

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
