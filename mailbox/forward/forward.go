// Package forward recognises a message that a staff member forwarded —
// inline, as Outlook, Gmail, Apple Mail, Thunderbird and mutt write it in
// Dutch and English, or attached as message/rfc822 — and reads the sender,
// date, subject and text of each original in the chain of forwards.
package forward

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Client names the mail program whose forward marker and header block were
// recognised. It only labels the layout: nothing depends on it.
const (
	ClientOutlook     = "outlook"
	ClientGmail       = "gmail"
	ClientApple       = "apple"
	ClientThunderbird = "thunderbird"
	ClientMutt        = "mutt"
	ClientOther       = "other"      // a "--- Forwarded message ---" line of another program
	ClientAttachment  = "attachment" // a message/rfc822 part (RFC 2046 §5.2.1)
)

// Field is one line of a forwarded header block as it was shown, with the
// name as written ("Van", "Verzonden", "Auto-Submitted").
type Field struct {
	Name, Value string
}

// Header is what a forwarded header block says about the original.
type Header struct {
	FromName string    // decoded display name; "" if none
	FromAddr string    // the sender's address; "" if it could not be read
	To, Cc   string    // as shown, decoded
	Subject  string    // decoded
	Date     time.Time // zero if it could not be read
	DateText string    // the date as shown
	Fields   []Field   // every field of the block in order, for automatic-mail rules (see Message)
}

// Original is one forwarded message.
type Original struct {
	Header
	// Text is the forwarded body without its header block. In a chain it
	// stops where the next forward begins: each original holds its own
	// words, the innermost the whole of the first message.
	Text   string
	Client string // the program that wrote the forward: Client* constants
	// Problems say in plain words why the sender's address or the date
	// cannot be trusted; empty when both were read with confidence.
	Problems []string
}

// Certain reports whether the original's sender address and date were read
// with confidence.
func (o *Original) Certain() bool { return len(o.Problems) == 0 }

// Result is a forwarded message read from the text of a forward.
type Result struct {
	// Chain holds the forwarded messages, outermost first: a forward of a
	// forward gives two. The one to register is usually the innermost
	// whose sender is not staff.
	Chain []Original
	// Note is the forwarder's own text above the forward (and below it,
	// where a trailer such as mutt's ends the forwarded part).
	Note string
	// Certain is true when every original in Chain is certain; a caller
	// that takes one original asks that one (Original.Certain).
	Certain  bool
	Problems []string // of every original, numbered when Chain has more than one
}

// maxChain bounds the forwards read inside one another; deeper ones stay in
// the text of the last.
const maxChain = 16

var (
	// outlookSepRe is Outlook's line above the header block of a forward
	// and of a reply alike ("-----Original Message-----"), also the form
	// of Samsung and Thunderbird's "-------- Original Message --------".
	outlookSepRe = regexp.MustCompile(`(?i)^(-{2,})\s*(original message|oorspronkelijk bericht|originele? bericht|oorspronkelijk e-?mailbericht|origineel bericht)\s*-{2,}$`)
	// fwdSepRe is the separator of a forward only: Gmail
	// "---------- Forwarded message ---------", Thunderbird
	// "-------- Forwarded Message --------", and their Dutch forms.
	fwdSepRe = regexp.MustCompile(`(?i)^(-{2,})\s*(forwarded message|forwarded e-?mail|doorgestuurd bericht|doorgestuurde e-?mail|doorgestuurd e-?mailbericht)\s*-{2,}$`)
	// appleRe is Apple Mail's line above a forward.
	appleRe = regexp.MustCompile(`(?i)^begin (forwarded message|doorgestuurd bericht)\s*:$`)
	// muttStartRe and muttEndRe are mutt's forward_attribution_intro and
	// _trailer ("----- Forwarded message from %f -----").
	muttStartRe = regexp.MustCompile(`(?i)^-{3,}\s*(?:forwarded message from|doorgestuurd bericht van)\s+(.*?)\s*-{3,}$`)
	muttEndRe   = regexp.MustCompile(`(?i)^-{3,}\s*(?:end (?:of )?forwarded message|einde (?:van )?doorgestuurd bericht)\s*-{3,}$`)
	// underscoreRe is the rule Outlook (web and new) draws above the
	// header block instead of a separator text.
	underscoreRe = regexp.MustCompile(`^_{10,}$`)
	// replySubjectRe is a reply's subject prefix: an Outlook-style header
	// block in the body of such a message is quoted history, not a forward.
	replySubjectRe = regexp.MustCompile(`(?i)^\s*(re|antw|aw|sv|vs)\s*(\[\d+\])?\s*:`)
)

// Inline reads an inline forward from the text of a message (its text/plain
// part, or the text rendering of its HTML). It returns false when text holds
// no forward. Outlook writes the same header block above a reply's quoted
// history as above a forward: the caller decides from context (a staff mail
// to the intake address) that the outermost one is a forward; inside a
// forwarded message whose subject is a reply ("RE:", "Antw:") such a block
// is not read as a further forward.
func Inline(text string) (Result, bool) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	lines := strings.Split(text, "\n")
	note, chain, ok := split(lines, true, 0)
	if !ok {
		return Result{}, false
	}
	r := Result{Chain: chain, Note: note}
	for i, o := range chain {
		for _, p := range o.Problems {
			if len(chain) > 1 {
				p = fmt.Sprintf("forwarded message %d of %d: %s", i+1, len(chain), p)
			}
			r.Problems = append(r.Problems, p)
		}
	}
	r.Certain = len(r.Problems) == 0
	return r, true
}

// marker is where a forward begins.
type marker struct {
	start    int    // first line of the marker (not part of the note)
	header   int    // first line after the marker: the header block, perhaps after blank lines
	client   string // Client* constant
	muttFrom string // the sender named in mutt's intro line
	depth    int    // the quote depth of the marker line
}

// split finds the first forward in lines and reads it and the forwards
// inside it. note is the text around the forward.
func split(lines []string, ambiguous bool, level int) (note string, chain []Original, ok bool) {
	m, ok := findMarker(lines, ambiguous)
	if !ok {
		return "", nil, false
	}
	rest := lines[m.header:]
	var tail []string
	if m.depth > 0 {
		rest, tail = unquoteBlock(rest, m.depth)
	}
	for len(rest) > 0 && isBlank(rest[0]) {
		rest = rest[1:]
	}
	// Apple Mail (and mutt with forward_quote) quote the forwarded message
	// below an unquoted marker: take off one level.
	if len(rest) > 0 && quoteDepth(rest[0]) > 0 {
		var t []string
		rest, t = unquoteBlock(rest, 1)
		tail = append(t, tail...)
	}
	rh, bodyStart := readHeader(rest, m.client == ClientMutt)
	body := rest[bodyStart:]
	if m.client == ClientMutt {
		body, tail = cutMuttEnd(body, tail)
	}

	o := Original{Client: m.client}
	if m.client == ClientThunderbird || m.client == ClientGmail || m.client == ClientOther {
		o.Client = refineClient(m.client, rh)
	}
	o.Header, o.Problems = rh.header(m.muttFrom)
	if len(rh.fields) == 0 {
		o.Problems = append(o.Problems, "the forward has no header block naming the original sender and date")
	}
	chain = []Original{o}
	switch {
	case level+1 >= maxChain:
		chain[0].Text = joinTrim(body)
		chain[0].Problems = append(chain[0].Problems,
			fmt.Sprintf("forwarded more than %d times: the deeper forwards are kept as text", maxChain))
	default:
		innerNote, innerChain, ok := split(body, !replySubjectRe.MatchString(o.Subject), level+1)
		if ok {
			chain[0].Text = innerNote
			chain = append(chain, innerChain...)
		} else {
			chain[0].Text = joinTrim(body)
		}
	}
	return joinParts(joinTrim(lines[:m.start]), joinTrim(tail)), chain, true
}

// findMarker returns the first unquoted forward marker in lines. With
// ambiguous false, Outlook's forms (also used above a reply's quoted
// history) are not taken.
func findMarker(lines []string, ambiguous bool) (marker, bool) {
	for i, l := range lines {
		depth := quoteDepth(l)
		if depth > 0 {
			// Apple Mail's text part quotes the whole forward, marker
			// included. A quoted marker counts only where the quote
			// opens with it: not inside quoted history below a reply.
			if m, ok := forwardMarker(cleanLine(unquote(l, depth))); ok && quoteOpensAt(lines, i) {
				m.start, m.header, m.depth = i, i+1, depth
				return m, true
			}
			continue
		}
		t := cleanLine(l)
		if t == "" {
			continue
		}
		if m, ok := forwardMarker(t); ok {
			m.start, m.header = i, i+1
			return m, true
		}
		if !ambiguous {
			continue
		}
		if m := outlookSepRe.FindStringSubmatch(t); m != nil {
			if j, ok := headerFollows(lines, i+1); ok {
				return marker{start: i, header: j, client: dashClient(m[1], ClientOutlook)}, true
			}
			continue
		}
		if underscoreRe.MatchString(t) {
			if j, ok := headerFollows(lines, i+1); ok && isHeaderBlockStart(lines, j) {
				return marker{start: i, header: j, client: ClientOutlook}, true
			}
			continue
		}
		if isHeaderBlockStart(lines, i) {
			return marker{start: i, header: i, client: ClientOutlook}, true
		}
	}
	return marker{}, false
}

// forwardMarker recognises the marker lines that only a forward has (not
// Outlook's, which a reply has too).
func forwardMarker(t string) (marker, bool) {
	if m := muttStartRe.FindStringSubmatch(t); m != nil {
		return marker{client: ClientMutt, muttFrom: m[1]}, true
	}
	if appleRe.MatchString(t) {
		return marker{client: ClientApple}, true
	}
	if m := fwdSepRe.FindStringSubmatch(t); m != nil {
		return marker{client: dashClient(m[1], ClientOther)}, true
	}
	return marker{}, false
}

// quoteOpensAt reports whether the quoted line i opens its quote: only
// empty quoted lines are between it and the last unquoted line, and that
// line is no attribution ("… wrote:", "… schreef:").
func quoteOpensAt(lines []string, i int) bool {
	for j := i - 1; j >= 0; j-- {
		d := quoteDepth(lines[j])
		if d > 0 {
			if !isBlank(unquote(lines[j], d)) {
				return false
			}
			continue
		}
		if isBlank(lines[j]) {
			continue
		}
		return !isAttribution(lines[j])
	}
	return true
}

// attributionRe matches the line a client writes above a reply's quote
// ("Op ma 2 nov 2026 om 10:15 schreef Jan <jan@example.nl>:", "On …
// wrote:", mutt's "* Jan <jan@example.nl> [2026-11-02 10:15]:").
var attributionRe = regexp.MustCompile(`(?i)(\b(wrote|writes|schreef|schrijft|geschreven|schrieb|a écrit)\b.*|@.*|\]):$`)

func isAttribution(l string) bool {
	return attributionRe.MatchString(strings.TrimSpace(l))
}

// dashClient tells Gmail (ten dashes), Thunderbird (eight) and Outlook
// (five, no spaces) apart by the separator's dashes.
func dashClient(dashes, def string) string {
	switch len(dashes) {
	case 10:
		return ClientGmail
	case 8:
		return ClientThunderbird
	case 5:
		if def == ClientOutlook {
			return ClientOutlook
		}
	}
	return def
}

// refineClient names the client of a "Forwarded message" separator by its
// header order where the dashes did not: Thunderbird starts with Subject,
// Gmail with From.
func refineClient(client string, rh rawHeader) string {
	if client != ClientOther || len(rh.fields) == 0 {
		return client
	}
	switch rh.fields[0].canon {
	case "subject":
		return ClientThunderbird
	case "from":
		return ClientGmail
	}
	return client
}

// headerFollows returns the line of a known header field that starts within
// the first non-blank lines after i.
func headerFollows(lines []string, i int) (int, bool) {
	for n := 0; i < len(lines) && n < 3; i++ {
		if isBlank(lines[i]) {
			n++
			continue
		}
		if quoteDepth(lines[i]) > 0 {
			return 0, false
		}
		if _, canon, _, ok := parseField(cleanLine(lines[i]), true); ok && canon != "" {
			return i, true
		}
		return 0, false
	}
	return 0, false
}

// isHeaderBlockStart reports whether line i is a "From:"/"Van:" field
// followed, within a few lines, by a date field ("Sent:", "Verzonden:",
// "Date:", "Datum:") and a "To:"/"Aan:" or "Subject:"/"Onderwerp:" field:
// the header block Outlook writes without a separator line.
func isHeaderBlockStart(lines []string, i int) bool {
	if _, canon, v, ok := parseField(cleanLine(lines[i]), true); !ok || canon != "from" || strings.TrimSpace(v) == "" {
		return false
	}
	end := min(len(lines), i+16)
	for j := i + 1; j < end; j++ {
		if quoteDepth(lines[j]) > 0 {
			end = j
		}
	}
	rh, _ := readHeader(lines[i:end], false)
	var date, other bool
	for _, f := range rh.fields {
		switch f.canon {
		case "date":
			date = true
		case "to", "subject":
			other = true
		}
	}
	return date && other
}

// cutMuttEnd removes mutt's trailer line from the forwarded body (or from
// the text after a quoted forward); what follows it is the forwarder's.
func cutMuttEnd(body, tail []string) ([]string, []string) {
	for j, l := range body {
		if quoteDepth(l) == 0 && muttEndRe.MatchString(cleanLine(l)) {
			return body[:j], append(append([]string(nil), body[j+1:]...), tail...)
		}
	}
	for j, l := range tail {
		if isBlank(l) {
			continue
		}
		if muttEndRe.MatchString(cleanLine(l)) {
			return body, tail[j+1:]
		}
		break
	}
	return body, tail
}

// quoteDepth counts the ">" that open a line (RFC 3676 §4.5 quoting, also
// "> >").
func quoteDepth(l string) int {
	d := 0
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '>':
			d++
		case ' ':
			if d == 0 {
				return 0
			}
		default:
			return d
		}
	}
	return d
}

// unquote takes n levels of ">" (each with the space after it) off a
// quoted line.
func unquote(l string, n int) string {
	for ; n > 0; n-- {
		i := strings.IndexByte(l, '>')
		if i < 0 || strings.TrimSpace(l[:i]) != "" {
			return l
		}
		l = strings.TrimPrefix(l[i+1:], " ")
	}
	return l
}

// unquoteBlock takes n levels of quoting off the lines at the start of
// lines that are quoted that deep (or blank); tail is the rest.
func unquoteBlock(lines []string, n int) (inner, tail []string) {
	j := 0
	for ; j < len(lines); j++ {
		if quoteDepth(lines[j]) < n && !isBlank(lines[j]) {
			break
		}
		inner = append(inner, unquote(lines[j], n))
	}
	return inner, lines[j:]
}

// cleanLine trims a line, turns no-break spaces into spaces and drops the
// "*" with which text renderings show bold ("*Van:* Jan").
func cleanLine(l string) string {
	l = strings.TrimSpace(spaces(l))
	if strings.HasPrefix(l, "*") {
		l = strings.Replace(strings.TrimPrefix(l, "*"), "*", "", 1)
		l = strings.TrimSpace(l)
	}
	return l
}

func isBlank(l string) bool {
	return strings.TrimSpace(spaces(l)) == ""
}

// spaces turns Unicode spaces (no-break U+00A0, Gmail's narrow no-break
// U+202F before "PM") into plain ones.
func spaces(s string) string {
	if isASCII(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// joinTrim joins lines without the blank lines around them.
func joinTrim(lines []string) string {
	for len(lines) > 0 && isBlank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && isBlank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

func joinParts(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}
