// Package postal reads postal addresses: Parse normalises one typed by the
// officer, Find looks for the complainant's in the text of a complaint.
// Dutch addresses are known by their postcode; Belgian and German ones only
// where the country is written.
package postal

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Error is an address that could not be read, in English (Error) and in
// Dutch (for replies to an "Adres:" mail command).
type Error struct {
	English, Dutch string
}

func (e *Error) Error() string { return e.English }

func errorf(en, nl string, args ...any) *Error {
	return &Error{English: fmt.Sprintf(en, args...), Dutch: fmt.Sprintf(nl, args...)}
}

const example = "Kerkstraat 7, 2712 AB Zoetermeer"

// Country lines as printed on a letter posted in the Netherlands: the
// country's Dutch name in capitals on the last line (PostNL, UPU
// convention). A Dutch address has no country line.
const (
	netherlands = "NEDERLAND"
	belgium     = "BELGIË"
	germany     = "DUITSLAND"
)

// countries maps the names people write (lower case; Dutch, English and
// native) to the country line.
var countries = map[string]string{}

func init() {
	for line, names := range map[string][]string{
		netherlands:           {"nederland", "the netherlands", "netherlands", "pays-bas", "niederlande"},
		belgium:               {"belgië", "belgie", "belgium", "belgique", "belgien"},
		germany:               {"duitsland", "deutschland", "germany", "allemagne"},
		"FRANKRIJK":           {"frankrijk", "france", "frankreich"},
		"LUXEMBURG":           {"luxemburg", "luxembourg"},
		"VERENIGD KONINKRIJK": {"verenigd koninkrijk", "united kingdom", "great britain", "engeland", "england", "schotland", "scotland", "wales"},
		"IERLAND":             {"ierland", "ireland", "éire"},
		"SPANJE":              {"spanje", "spain", "españa", "espana"},
		"PORTUGAL":            {"portugal"},
		"ITALIË":              {"italië", "italie", "italy", "italia"},
		"OOSTENRIJK":          {"oostenrijk", "austria", "österreich", "osterreich"},
		"ZWITSERLAND":         {"zwitserland", "switzerland", "schweiz", "suisse"},
		"DENEMARKEN":          {"denemarken", "denmark", "danmark"},
		"ZWEDEN":              {"zweden", "sweden", "sverige"},
		"NOORWEGEN":           {"noorwegen", "norway", "norge"},
		"FINLAND":             {"finland", "suomi"},
		"POLEN":               {"polen", "poland", "polska"},
		"TSJECHIË":            {"tsjechië", "tsjechie", "czech republic", "czechia"},
		"GRIEKENLAND":         {"griekenland", "greece"},
		"TURKIJE":             {"turkije", "turkey", "türkiye", "turkiye"},
		"MAROKKO":             {"marokko", "morocco", "maroc"},
		"SURINAME":            {"suriname"},
		"CURAÇAO":             {"curaçao", "curacao"},
		"ARUBA":               {"aruba"},
		"VERENIGDE STATEN":    {"verenigde staten", "united states", "united states of america", "usa"},
		"CANADA":              {"canada"},
		"AUSTRALIË":           {"australië", "australie", "australia"},
	} {
		for _, n := range names {
			countries[n] = line
		}
	}
}

// isoCountries are the country codes taken as a country line, in capitals
// only (lower-case "de" is a Dutch word).
var isoCountries = map[string]string{
	"NL": netherlands, "BE": belgium, "DE": germany, "FR": "FRANKRIJK", "LU": "LUXEMBURG",
	"GB": "VERENIGD KONINKRIJK", "UK": "VERENIGD KONINKRIJK",
}

// country returns the country line for s, or "".
func country(s string) string {
	s = collapse(s)
	if c, ok := isoCountries[s]; ok {
		return c
	}
	return countries[strings.ToLower(s)]
}

var (
	// nlPostcodeRe is a Dutch postcode (PostNL: four digits, the first not
	// 0, and two letters) with what follows it, as typed.
	nlPostcodeRe = regexp.MustCompile(`^(?i:NL-?)?([1-9][0-9]{3}) ?([A-Za-z]{2})(?:$|[\s,])\s*(.*)$`)
	bePostcodeRe = regexp.MustCompile(`^(?i:B-)?([1-9][0-9]{3})(?:$|[\s,])\s*(.*)$`)
	dePostcodeRe = regexp.MustCompile(`^(?i:D-)?([0-9]{5})(?:$|[\s,])\s*(.*)$`)
	prefixRe     = regexp.MustCompile(`^(?i)(B|D)-\d`)
	// houseRe is the end of a street line: a house number (not starting
	// with 0) with at most two additions: "7", "7a", "7 A", "7-II", "7-2",
	// "7 bis", "7-hs", "7 bus 3".
	houseRe = regexp.MustCompile(`\s([1-9][0-9]{0,4})((?:\s*[-/]?\s*(?:bis|ter|hs|bg|boven|huis|bus\s*[0-9]{1,4}|[IVX]{1,4}|[A-Za-z]{1,2}|[0-9]{1,4})){0,2})$`)
	// poBoxRe is a PO box or freepost line, which stands where the street
	// would.
	poBoxRe = regexp.MustCompile(`^(?i)(postbus|antwoordnummer|postfach|boîte postale|bp)\s+[0-9]{1,6}$`)
	// streetWordRe is one word of a street name: letters (with marks,
	// apostrophes, dots, hyphens), or an ordinal ("2e Hugo de
	// Grootstraat", "1ste").
	streetWordRe = regexp.MustCompile(`^(?:[\p{L}\p{M}'’.\-]+|[1-9][0-9]?(?:e|ste|de|st|nd|rd|th)|[1-9][0-9]{3}-[1-9][0-9]{3})$`)
)

// notStreet are words that open a line that has a number but is no street.
var notStreet = map[string]bool{
	"tel": true, "tel.": true, "telefoon": true, "telephone": true, "phone": true, "mobiel": true,
	"mobile": true, "mob": true, "mob.": true, "gsm": true, "fax": true, "t": true, "m": true, "f": true,
	"kvk": true, "kvk-nummer": true, "btw": true, "iban": true, "bic": true, "order": true,
	"ordernummer": true, "factuur": true, "factuurnummer": true, "invoice": true, "klantnummer": true,
	"dossier": true, "kenmerk": true, "ref": true, "ref.": true, "nr": true, "nr.": true, "nummer": true,
	"bsn": true, "pagina": true, "page": true, "datum": true, "date": true, "artikel": true,
}

// street reports whether s is a street line: a street name and a house
// number, or a PO box.
func street(s string) bool {
	if len(s) > 80 {
		return false
	}
	if poBoxRe.MatchString(s) {
		return true
	}
	loc := houseRe.FindStringIndex(" " + s)
	if loc == nil || loc[0] == 0 {
		return false
	}
	words := strings.Fields(s[:loc[0]-1])
	if len(words) == 0 || len(words) > 7 || notStreet[strings.ToLower(strings.TrimSuffix(words[0], ":"))] {
		return false
	}
	letters := 0
	for _, w := range words {
		if !streetWordRe.MatchString(w) {
			return false
		}
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
	}
	return letters >= 3
}

// placeParticles are the lower-case words inside Dutch, Belgian and German
// place names ("Alphen aan den Rijn", "Bergen op Zoom", "Frankfurt am
// Main").
var placeParticles = map[string]bool{
	"aan": true, "den": true, "de": true, "der": true, "op": true, "in": true, "bij": true,
	"a/d": true, "ad": true, "van": true, "ter": true, "te": true, "en": true, "am": true,
	"an": true, "im": true, "ob": true, "sur": true, "lez": true, "la": true, "le": true,
	"'s": true, "'t": true,
}

// placeWord reports whether w can be a word of a place name: a
// capitalised word ("Zoetermeer", "ZOETERMEER", "'s-Hertogenbosch",
// "Oud-Beijerland"), a particle, or a province in brackets ("(NH)").
func placeWord(w string, first bool) bool {
	if !first && placeParticles[w] {
		return true
	}
	if strings.HasPrefix(w, "(") && strings.HasSuffix(w, ")") && len(w) <= 8 {
		w = w[1 : len(w)-1]
	}
	w = strings.TrimPrefix(strings.TrimPrefix(w, "'s-"), "’s-")
	if w == "'s" || w == "'t" || w == "’s" || w == "’t" {
		return true
	}
	rs := []rune(w)
	if len(rs) < 2 || !unicode.IsUpper(rs[0]) {
		return false
	}
	for _, r := range rs {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && r != '-' && r != '\'' && r != '’' && r != '.' {
			return false
		}
	}
	return true
}

// place reads a place name at the start of s; n is the number of words
// taken. Only the first word may not be a particle.
func place(words []string) int {
	n := 0
	for n < len(words) && n < 6 && placeWord(words[n], n == 0) && !trailerWords[strings.ToLower(words[n])] {
		n++
	}
	for n > 0 && placeParticles[words[n-1]] {
		n--
	}
	return n
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
