// Package quote cuts a staff member's new text from a reply to a klachtd
// notification, so that only that text is relayed to the complainant. It
// finds the Marker line that every notification starts with, then the mail
// client's quote header just above it; when anything is uncertain the relay
// is held and the staff member asked, because a leak of the quoted
// notification (with its reply addresses) is worse than a delay
// (docs/spec.md, "Cutting the quote").
package quote

import (
	"regexp"
	"strings"
	"unicode"
)

// Marker is the visible line every notification to staff starts with. It
// must be the first line of the notification's text: everything between the
// client's quote header and the marker is then the client's own header, and
// nothing of the notification can stand above that header.
const Marker = "## Antwoord boven deze regel / reply above this line ##"

// Result is the outcome of cutting one reply.
type Result struct {
	// Reply is the staff member's new text: what stands above the client's
	// quote header, without leading and trailing blank lines. A signature
	// is part of the reply and is kept. When Held, Reply holds the text
	// that would have been relayed if one was found (to show the staff
	// member), and must not be sent.
	Reply string
	// Held is true when the reply must not be relayed and the staff member
	// is to be asked instead.
	Held bool
	// Reason says why the reply is held, in English, for the log and for
	// the question to staff. Empty when not held.
	Reason string
}

// Reasons for holding a reply.
const (
	ReasonNoMarker       = "marker line not found"
	ReasonNoHeader       = "quote header not found above the marker line"
	ReasonUnknownHeader  = "unrecognised quote header above the quoted text"
	ReasonNothing        = "nothing above the quote"
	ReasonTextInQuote    = "text inside the quote"
	ReasonTextBelowQuote = "text below the quote"
	ReasonNoConverter    = "no HTML converter"
	reasonLeakPrefix     = "a reply address would leak: "
)

// maxJoin is how many physical lines a wrapped marker or attribution line
// may be spread over by a client's line wrapping.
const maxJoin = 3

// Cut returns what stands above the client's quote header that precedes the
// marker. forbidden are strings that must never reach the complainant (the
// token addresses, the tokens themselves); if any of them, compared without
// regard to case, is still in the reply, the result is held. Empty entries
// of forbidden are ignored.
//
// The marker is the first line of the notification, so the client's quote
// header is the paragraph directly above it (or above the ">" block that
// holds it). That paragraph is recognised by its form, in any language: an
// attribution ("On … wrote:", "Op … schreef:", "2026-11-21 15:21 GMT+01:00
// X <x@y>:", "---- X wrote ----", wrapped over up to four lines and, as
// Gmail does, over blank lines) or a header block ("Van:/Verzonden:/Aan:/
// Onderwerp:", "From:/Sent:/To:/Subject:", "Date:/From:", in many
// languages), with a separator line above it. A paragraph that has the
// marks of a header (an address, a date, a "wrote", a final colon) without
// being recognised holds the reply: part of it could leak.
func Cut(text string, forbidden []string) Result {
	lines := splitLines(text)

	first, last, ok := findMarker(lines)
	if !ok {
		return held("", ReasonNoMarker)
	}

	depth, _ := stripQuote(lines[first])
	quoted := depth > 0
	start := first
	if quoted {
		// The marker came back as a ">" quote: the quote starts at the top
		// of the ">" block that holds it.
		start = quoteBlockStart(lines, first)
	}
	below := start // the line below the header's paragraph
	gmailTail := false
	if quoted && start < first && strings.TrimSpace(lines[start]) == ">:" && start > 0 &&
		strings.Count(lines[start-1], "<") > strings.Count(lines[start-1], ">") {
		// Gmail wraps "… X <x@example.nl>:" after the address; the rest,
		// ">:", then reads as a quoted line but ends the attribution.
		below, gmailTail = start+1, true
	}
	cut, reason := headerAbove(lines, below, quoted)
	if reason == "" && gmailTail && cut >= start {
		reason = ReasonUnknownHeader // the ">:" would be relayed
	}
	if reason != "" {
		return held("", reason)
	}
	// A quoted message that quotes the notification in turn (a reply to a
	// reply, a forward) has its own header further up: the new text ends
	// at the topmost one.
	if c, found := firstHeader(lines, cut); found {
		cut = c
	}
	if quoted {
		if reason := textAfterQuote(lines, last+1); reason != "" {
			return held(reply(lines[:cut]), reason)
		}
	}

	r := reply(lines[:cut])
	if onlyBoilerplate(r) {
		return held(r, ReasonNothing)
	}
	for _, f := range forbidden {
		if strings.TrimSpace(f) == "" {
			continue
		}
		if ContainsFold(r, f) {
			return held(r, reasonLeakPrefix+f)
		}
	}
	return Result{Reply: r}
}

// CutHTML does what Cut does for an HTML-only reply: toText renders the
// HTML to plain text (the caller's renderer, so that this package stays
// free of I/O and of an HTML dependency), then the text is cut.
func CutHTML(html string, toText func(string) string, forbidden []string) Result {
	if toText == nil {
		return held("", ReasonNoConverter)
	}
	return Cut(toText(html), forbidden)
}

// ContainsFold reports whether sub occurs in s without regard to case.
func ContainsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func held(reply, reason string) Result {
	return Result{Reply: reply, Held: true, Reason: reason}
}

// splitLines splits text into lines, accepting CRLF, LF and lone CR.
func splitLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

// stripQuote returns the quote depth of line (the number of ">" in its
// prefix, spaces between them allowed) and the rest after the prefix.
func stripQuote(line string) (int, string) {
	depth := 0
	i := 0
	for i < len(line) {
		switch line[i] {
		case '>':
			depth++
		case ' ', '\t':
		default:
			if depth == 0 {
				return 0, line
			}
			return depth, line[i:]
		}
		i++
	}
	if depth == 0 {
		return 0, line
	}
	return depth, ""
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// normalize lowercases s and collapses every run of white space (and the
// non-breaking spaces HTML renderings leave) into one space.
func normalize(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u00a0'
	}), " ")
}

var normMarker = normalize(Marker)

// findMarker returns the first and last line of the first occurrence of
// the marker. The marker may carry a quote prefix and may have been wrapped
// over up to maxJoin lines by the client.
func findMarker(lines []string) (first, last int, ok bool) {
	for i := range lines {
		joined := ""
		for k := 0; k < maxJoin && i+k < len(lines); k++ {
			_, rest := stripQuote(lines[i+k])
			if k > 0 && isBlank(rest) {
				break
			}
			joined += " " + rest
			if strings.Contains(normalize(joined), normMarker) {
				// The earliest i whose join holds the marker may be a line
				// just above it; the marker starts at the last line from
				// which the join still holds it.
				first = i
				for first < i+k && strings.Contains(normalize(joinStripped(lines[first+1:i+k+1])), normMarker) {
					first++
				}
				return first, i + k, true
			}
		}
	}
	return 0, 0, false
}

func joinStripped(ls []string) string {
	var b strings.Builder
	for _, l := range ls {
		_, rest := stripQuote(l)
		b.WriteString(" ")
		b.WriteString(rest)
	}
	return b.String()
}

// quoteBlockStart returns the first line of the ">" block that holds line
// m. Blank lines between quoted lines belong to the block.
func quoteBlockStart(lines []string, m int) int {
	start := m
	for j := m - 1; j >= 0; j-- {
		d, _ := stripQuote(lines[j])
		if d > 0 {
			start = j
			continue
		}
		if isBlank(lines[j]) {
			continue
		}
		break
	}
	return start
}

// firstHeader returns the line to cut at for the topmost quote header
// (separator, Outlook header block or attribution) above line limit.
func firstHeader(lines []string, limit int) (int, bool) {
	for j := 0; j < limit; j++ {
		if isBlank(lines[j]) {
			continue
		}
		if isSeparator(lines[j]) {
			return j, true
		}
		if isHeaderBlockStart(lines, j, limit) {
			return extendOverSeparator(lines, j), true
		}
		if attributionAt(lines, j, limit) {
			return extendOverSeparator(lines, j), true
		}
	}
	return 0, false
}

// attributionAt reports whether an attribution starts at line j, wrapped
// over at most maxJoin lines above limit. A wrapped attribution starts at j
// only if no later line of the join starts one itself: staff text may also
// start with "Op" or "On".
func attributionAt(lines []string, j, limit int) bool {
	for k := 0; k < maxJoin && j+k < limit; k++ {
		if k > 0 && isBlank(lines[j+k]) {
			break
		}
		if !isAttribution(joinLines(lines[j : j+k+1])) {
			continue
		}
		tail := false
		for i := j + 1; i <= j+k; i++ {
			if isAttribution(joinLines(lines[i : j+k+1])) {
				tail = true
				break
			}
		}
		if !tail {
			return true
		}
	}
	return false
}

// extendOverSeparator moves the cut at line h up over blank lines to a
// separator line just above the header, such as Outlook's line of
// underscores above its "Van:" block.
func extendOverSeparator(lines []string, h int) int {
	j := h - 1
	for j >= 0 && isBlank(lines[j]) {
		j--
	}
	if j >= 0 && isRule(lines[j]) {
		return j
	}
	return h
}

func joinLines(ls []string) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = strings.TrimSpace(l)
	}
	return strings.Join(parts, " ")
}

var (
	// attributionRes match the line a client writes above a quote, in the
	// forms of mutt, Gmail, Apple Mail, Thunderbird, Roundcube and others,
	// Dutch and English (and German and French, which cost nothing).
	attributionRes = []*regexp.Regexp{
		// "On Sat, Nov 21, 2026 at 03:21:00PM +0100, Klachtd wrote:"
		// "Op za 21 nov 2026 om 15:21 schreef Acme <info@example.nl>:"
		// "Op 21 nov. 2026, om 15:21 heeft Acme <…> het volgende geschreven:"
		regexp.MustCompile(`(?i)^(on|op)\s.*\b(wrote|writes|schreef|schrijft|geschreven)\b[^:]*:$`),
		// "Am 21.11.2026 um 15:21 schrieb Acme:"
		regexp.MustCompile(`(?i)^am\s.*\bschrieb\b[^:]*:$`),
		// "Le 21/11/2026 à 15:21, Acme a écrit :"
		regexp.MustCompile(`(?i)^le\s.*\ba écrit\s*:$`),
		// "El 21 nov 2026, a las 15:21, Acme escribió:"
		regexp.MustCompile(`(?i)^(el|en)\s.*\sescribió[^:]*:$`),
		// "Em 21 de novembro de 2026 15:21, Acme escreveu:"
		regexp.MustCompile(`(?i)^em\s.*\sescreveu[^:]*:$`),
		// "Il giorno 21 nov 2026, alle ore 15:21, Acme ha scritto:"
		regexp.MustCompile(`(?i)^(il|in data)\s.*\s(ha scritto|scrisse)[^:]*:$`),
		// "Den 21 nov. 2026 kl. 15:21 skrev Acme:"
		regexp.MustCompile(`(?i)^(den|på)\s.*\sskrev[^:]*:$`),
		// "W dniu 21.11.2026 o 15:21, Acme pisze/napisał:"
		regexp.MustCompile(`(?i)^(dnia|w dniu)\s.*\snapisał[^:]*:$`),
		// mutt "* Acme <info@example.nl> [2026-11-21 15:21]:"
		regexp.MustCompile(`^\* .+ \[\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?( [+-]\d{4})?\]:$`),
		// "Acme <info@example.nl> schreef op 21 nov. 2026 15:21:"
		regexp.MustCompile(`(?i)^.*<[^<>\s]+@[^<>\s]+>\s+(wrote|schreef|schrieb)\b.*:$`),
	}
	// separatorRes match lines that open a quote on their own anywhere:
	// Outlook's line of underscores, and "-----Original Message-----" and
	// its kin in the languages clients write them in, bold or not.
	separatorRes = []*regexp.Regexp{
		regexp.MustCompile(`^_{8,}$`),
		regexp.MustCompile(`(?i)^-{2,}\s*(original message|oorspronkelijk bericht|originele bericht|doorgestuurd bericht|forwarded message|ursprüngliche nachricht|weitergeleitete nachricht|message d'origine|message transféré|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato|mensagem original|mensagem encaminhada|originalmeddelande|vidarebefordrat meddelande|oprindelig meddelelse|oprindelig besked|videresendt meddelelse|opprinnelig melding|videresendt melding|wiadomość oryginalna|przekazana wiadomość|исходное сообщение|пересылаемое сообщение|alkuperäinen viesti|välitetty viesti|původní zpráva|eredeti üzenet|orijinal mesaj|αρχικό μήνυμα)\s*-{2,}$`),
	}
	// ruleRes match lines that open a quote only where a header is known to
	// be: directly above a recognised header or above the quoted
	// notification. Elsewhere they may be staff text.
	ruleRes = []*regexp.Regexp{
		regexp.MustCompile(`^[-=]{4,}$`),
		regexp.MustCompile(`^-{2,}\s*[\p{L}][\p{L}\p{M}'’ ]{2,40}\s*-{2,}$`),
	}
)

func isAttribution(s string) bool {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ":") {
		return false
	}
	for _, re := range attributionRes {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

func isSeparator(line string) bool {
	return matchSeparator(line, separatorRes)
}

// isRule reports whether line is a separator or a rule (see ruleRes).
func isRule(line string) bool {
	return isSeparator(line) || matchSeparator(line, ruleRes)
}

func matchSeparator(line string, res []*regexp.Regexp) bool {
	s := strings.TrimSpace(line)
	if strings.Trim(s, "_") != "" {
		s = strings.TrimSpace(strings.Trim(s, "*")) // "*-----Original Message-----*"
	}
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

func unbold(line string) string {
	return strings.TrimSpace(strings.ReplaceAll(line, "*", ""))
}

// isHeaderBlockStart reports whether line j opens an Outlook-style header
// block: a sender field ("Van:", "From:", "Von:", "De :" …) with a value,
// followed by at least two other known fields before line m.
func isHeaderBlockStart(lines []string, j, m int) bool {
	l, ok := fieldLabel(lines[j])
	if !ok || !fromLabels[l] {
		return false
	}
	if _, v, _ := strings.Cut(unbold(lines[j]), ":"); strings.TrimSpace(v) == "" {
		return false
	}
	seen := map[string]bool{}
	for i := j + 1; i < m && i <= j+8; i++ {
		if l, ok := fieldLabel(lines[i]); ok && knownLabel(l) && !fromLabels[l] {
			seen[l] = true
		}
	}
	return len(seen) >= 2
}

// textAfterQuote checks the lines after a ">"-quoted marker: staff text
// between quoted lines means an inline answer ("text inside the quote");
// staff text after the quote other than a signature means the staff member
// wrote below the quote. Either way the cut cannot be trusted.
func textAfterQuote(lines []string, from int) string {
	textAt := -1
	for i := from; i < len(lines); i++ {
		d, _ := stripQuote(lines[i])
		switch {
		case d > 0:
			if textAt >= 0 {
				return ReasonTextInQuote
			}
		case isBlank(lines[i]):
		default:
			if textAt < 0 {
				textAt = i
			}
		}
	}
	if textAt < 0 {
		return ""
	}
	if l := strings.TrimRight(lines[textAt], " \t"); l == "--" {
		return "" // a signature (RFC 3676 section 4.3 separator) appended below the quote
	}
	return ReasonTextBelowQuote
}

// reply joins the lines above the cut, without leading and trailing blank
// lines.
func reply(lines []string) string {
	for len(lines) > 0 && isBlank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && isBlank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// boilerplateRe matches the lines phone clients add on their own.
var boilerplateRe = regexp.MustCompile(`(?i)^(sent from|sent with|sent via|verzonden (vanaf|met|via)|verstuurd (vanaf|met|via)|gesendet (von|mit|vom)|envoyé (de|depuis|avec)|enviado (desde|de|con)|inviato da|skickat från|sendt fra|wysłano z|отправлено (с|из)|get outlook for|outlook voor|outlook für|download outlook)\b`)

// onlyBoilerplate reports whether r holds no text of the staff member's
// own: nothing, or only a phone client's line.
func onlyBoilerplate(r string) bool {
	for _, l := range strings.Split(r, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || boilerplateRe.MatchString(l) {
			continue
		}
		return false
	}
	return true
}
