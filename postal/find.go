package postal

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	// segSepRe separates the parts of one line of a signature:
	// "Jan Jansen | Kerkstraat 7 | 2712 AB Zoetermeer", "Kerkstraat 7 /
	// 2712 AB Zoetermeer", "Kerkstraat 7, 2712 AB Zoetermeer", tabs.
	segSepRe = regexp.MustCompile(`\s*[,;|•·\t]\s*|\s+[/–—-]\s+`)

	findNLRe = regexp.MustCompile(`^(?:NL-)?([1-9][0-9]{3}) ?([A-Z]{2})\s+(.+)$`)
	findBERe = regexp.MustCompile(`^(B-)?([1-9][0-9]{3})\s+(.+)$`)
	findDERe = regexp.MustCompile(`^(D-)?([0-9]{5})\s+(.+)$`)

	// Quote headers: below them is someone else's text (the same forms as
	// package mailbox/quote recognises).
	attributionRe = regexp.MustCompile(`(?i)(\b(wrote|writes|schreef|schrijft|geschreven|schrieb|a écrit)\b[^:]*:$|^\* .+ \[\d{4}-\d{2}-\d{2} \d{2}:\d{2}.*\]:$)`)
	separatorRe   = regexp.MustCompile(`(?i)^(-{2,}\s*(original message|oorspronkelijk bericht|originele? bericht|forwarded message|doorgestuurd bericht)\s*-{2,}|-{3,}\s*(forwarded message from|doorgestuurd bericht van)\b.*|begin (forwarded message|doorgestuurd bericht)\s*:|_{10,})$`)
	fromFieldRe   = regexp.MustCompile(`(?i)^\*?(van|from)\s*:\*?\s*\S`)
	dateFieldRe   = regexp.MustCompile(`(?i)^\*?(verzonden|sent|datum|date)\s*:`)
)

// trailerWords may follow the place on a signature line:
// "2712 AB Zoetermeer Tel. 06-12345678".
var trailerWords = map[string]bool{
	"tel": true, "tel.": true, "tel:": true, "telefoon": true, "telefoon:": true, "t": true, "t:": true,
	"t.": true, "m": true, "m:": true, "m.": true, "mob": true, "mob.": true, "mobiel": true, "mobiel:": true,
	"e": true, "e:": true, "e-mail": true, "e-mail:": true, "email": true, "email:": true, "mail:": true,
	"phone": true, "phone:": true, "mobile": true, "mobile:": true, "fax": true, "fax:": true,
	"kvk": true, "kvk:": true, "www": true, "web:": true, "iban": true, "iban:": true,
}

// Find looks for the complainant's postal address in the text of a
// complaint, typically the signature: "Kerkstraat 7 / 2712 AB Zoetermeer" or
// the street and the postcode line on two lines under the name. A Dutch
// address is known by its postcode line ("2712 AB Zoetermeer"; PostNL does
// not issue the letters SA, SD and SS) with a street and house number
// before it; a Belgian or German one (four or five digits and a place) only
// where the country is written after it or as "B-"/"D-" before the
// postcode. Quoted lines (">") and everything below a quote header are
// someone else's and are not read. Where the text has several addresses,
// the last is taken (the signature comes last). The lines are normalised as
// Parse does.
func Find(text string) ([]string, bool) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	end := quoteHeader(lines)
	var found []string
	for i := 0; i < end; i++ {
		if quoted(lines[i]) || len(lines[i]) > 500 {
			continue
		}
		segs := splitInline(segSepRe.Split(collapseKeepTabs(lines[i]), -1))
		for k, seg := range segs {
			line, ctry, ok := postcodeLine(seg, segs[k+1:], nextLine(lines, i, end))
			if !ok {
				continue
			}
			st := ""
			if k > 0 {
				st = segs[k-1]
			} else {
				st = previousLine(lines, i)
			}
			st = streetIn(collapse(st))
			if st == "" {
				continue
			}
			found = []string{st, line}
			if ctry != "" {
				found = append(found, ctry)
			}
		}
	}
	return found, found != nil
}

// inlineRe finds a postcode after a street in one segment: "Kerkstraat 7
// 2712 AB Zoetermeer", "Hauptstraße 5 D-10115 Berlin".
var inlineRe = regexp.MustCompile(`\s((?:[1-9][0-9]{3} ?[A-Z]{2}|B-[1-9][0-9]{3}|D-[0-9]{5})\s)`)

// splitInline splits segments that hold a street and a postcode line.
func splitInline(segs []string) []string {
	var out []string
	for _, seg := range segs {
		loc := inlineRe.FindStringSubmatchIndex(seg)
		if loc != nil && street(strings.TrimSpace(seg[:loc[2]])) {
			out = append(out, strings.TrimSpace(seg[:loc[2]]), seg[loc[2]:])
			continue
		}
		out = append(out, seg)
	}
	return out
}

// postcodeLine reads a postcode and place at the start of seg. rest are
// the segments after it on its line, next the line below: where the
// country may be written.
func postcodeLine(seg string, rest []string, next string) (line, ctry string, ok bool) {
	seg = strings.TrimSpace(seg)
	if m := findNLRe.FindStringSubmatch(seg); m != nil && issued(m[2]) {
		pl, c, ok := placeAndCountry(m[3], rest, next)
		if ok && (c == "" || c == netherlands) {
			return m[1] + " " + m[2] + " " + pl, "", true
		}
		return "", "", false
	}
	for _, f := range []struct {
		re   *regexp.Regexp
		ctry string
	}{{findBERe, belgium}, {findDERe, germany}} {
		m := f.re.FindStringSubmatch(seg)
		if m == nil {
			continue
		}
		pl, c, ok := placeAndCountry(m[3], rest, next)
		if !ok {
			continue
		}
		// Only where the country is written: "B-1000 Brussel" or a
		// country line.
		if c == f.ctry || (m[1] != "" && c == "") {
			return m[2] + " " + pl, f.ctry, true
		}
	}
	return "", "", false
}

// placeAndCountry reads the place at the start of s and a country written
// after it on the same line or on the next.
func placeAndCountry(s string, rest []string, next string) (pl, ctry string, ok bool) {
	words := strings.Fields(s)
	n := place(words)
	if n == 0 {
		return "", "", false
	}
	// A country written after the place on the same line: "1000 Brussel
	// België".
	for j := 1; j < n; j++ {
		if c := country(strings.Join(words[j:n], " ")); c != "" {
			ctry, n = c, j
			break
		}
	}
	// A country right after the place: "1000 Bruxelles, Belgique" has it
	// in the next segment, "1000 Bruxelles Belgique" in the next words.
	if ctry == "" && n < len(words) {
		ctry = country(strings.Join(words[n:min(len(words), n+2)], " "))
		if ctry == "" {
			ctry = country(words[n])
		}
	}
	if ctry == "" && len(rest) > 0 {
		ctry = country(rest[0])
	}
	if ctry == "" {
		ctry = country(next)
	}
	return strings.TrimRight(strings.Join(words[:n], " "), ".,;:!?"), ctry, true
}

// streetTypes are the lower-case words that open a street name in French
// and Belgian addresses ("rue de la Loi 16").
var streetTypes = map[string]bool{
	"rue": true, "avenue": true, "av.": true, "boulevard": true, "bd": true, "chaussée": true,
	"place": true, "quai": true, "chemin": true, "allée": true, "impasse": true, "square": true,
}

// streetIn returns the street line at the end of s — a sentence ("Ik woon
// op Kerkstraat 7") or a label ("Adres: Kerkstraat 7") may come before it
// — or "". The street name is the capitalised words (with particles, "Laan
// van Meerdervoort") before the house number.
func streetIn(s string) string {
	if poBoxRe.MatchString(s) {
		return s
	}
	loc := houseRe.FindStringIndex(" " + s)
	if loc == nil || loc[0] == 0 {
		return ""
	}
	words := strings.Fields(s[:loc[0]-1])
	start := len(words)
	for start > 0 && len(words)-start < 7 {
		w := words[start-1]
		if !streetWordRe.MatchString(w) || !(capitalised(w) || placeParticles[w] || streetTypes[w] || isOrdinal(w)) {
			break
		}
		start--
	}
	for start < len(words) && placeParticles[words[start]] {
		start++
	}
	if start == len(words) {
		return ""
	}
	st := strings.Join(words[start:], " ") + s[loc[0]-1:]
	if !street(st) {
		return ""
	}
	return st
}

func capitalised(w string) bool {
	for _, r := range w {
		return unicode.IsUpper(r)
	}
	return false
}

var ordinalRe = regexp.MustCompile(`^[1-9][0-9]?(?:e|ste|de|st|nd|rd|th)$`)

func isOrdinal(w string) bool { return ordinalRe.MatchString(w) }

// quoteHeader returns the line of the first quote header (an attribution,
// a forward or "Original Message" separator, an Outlook header block), or
// len(lines).
func quoteHeader(lines []string) int {
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if quoted(t) || t == "" {
			continue
		}
		if attributionRe.MatchString(t) || separatorRe.MatchString(t) {
			return i
		}
		if fromFieldRe.MatchString(t) {
			for j := i + 1; j < len(lines) && j <= i+4; j++ {
				if dateFieldRe.MatchString(strings.TrimSpace(lines[j])) {
					return i
				}
			}
		}
	}
	return len(lines)
}

func quoted(l string) bool { return strings.HasPrefix(strings.TrimLeft(l, " "), ">") }

// previousLine returns the last segment of the line above line i (across
// at most one blank line, as text renderings of HTML put them), or "".
func previousLine(lines []string, i int) string {
	for j, blanks := i-1, 0; j >= 0 && blanks <= 1; j-- {
		if strings.TrimSpace(lines[j]) == "" {
			blanks++
			continue
		}
		if quoted(lines[j]) || len(lines[j]) > 500 {
			return ""
		}
		segs := segSepRe.Split(collapseKeepTabs(lines[j]), -1)
		return segs[len(segs)-1]
	}
	return ""
}

// nextLine returns the line below line i (across at most one blank line),
// or "".
func nextLine(lines []string, i, end int) string {
	for j, blanks := i+1, 0; j < end && blanks <= 1; j++ {
		if strings.TrimSpace(lines[j]) == "" {
			blanks++
			continue
		}
		if quoted(lines[j]) || len(lines[j]) > 200 {
			return ""
		}
		return strings.TrimSpace(lines[j])
	}
	return ""
}

// collapseKeepTabs collapses runs of spaces (also no-break ones) but keeps
// tabs, which separate parts of a line.
func collapseKeepTabs(s string) string {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(s) {
		if r == ' ' {
			space = true
			continue
		}
		if space && r != '\t' {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
