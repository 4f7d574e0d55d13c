package triage

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxRead is how much of a text is examined. A human message that states a
// complaint does so long before 64 KB; the limit keeps every call cheap.
const maxRead = 64 << 10

// foldTable maps accented Latin letters to their base letter, so that
// "geïrriteerd", "geirriteerd", "Geïrriteerd" and "GEÏRRITEERD" are one word.
var foldTable = func() map[rune]string {
	m := make(map[rune]string)
	for base, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćč", "d": "ď", "e": "èéêëēėęě",
		"i": "ìíîïīį", "l": "ł", "n": "ñńň", "o": "òóôõöøō",
		"r": "ř", "s": "śš", "t": "ť", "u": "ùúûüūů", "y": "ýÿ", "z": "źżž",
		"ss": "ß", "ae": "æ", "oe": "œ", "ij": "ĳ",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// fold lowercases s, removes accents and makes every apostrophe and quote
// character the ASCII one.
func fold(s string) string {
	b := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c == '`':
				c = '\''
			}
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		r = unicode.ToLower(r)
		switch r {
		case '’', '‘', '´', 'ʼ':
			r = '\''
		case '“', '”', '„', '«', '»':
			r = '"'
		case '–', '—', '‐', '‑':
			r = '-'
		case utf8.RuneError:
			r = ' '
		}
		if f, ok := foldTable[r]; ok {
			b = append(b, f...)
			continue
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// expandContractions writes English short forms out, so that one rule for
// "not" covers "don't", "isn't" and "can't".
func expandContractions(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 64)
	for {
		i := strings.Index(s, "n't")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		head := s[:i]
		switch {
		case strings.HasSuffix(head, "ca"): // can't
			b.WriteString(head)
			b.WriteString("n not")
		case strings.HasSuffix(head, "wo"): // won't
			b.WriteString(head[:len(head)-2])
			b.WriteString("will not")
		case strings.HasSuffix(head, "sha"): // shan't
			b.WriteString(head)
			b.WriteString("ll not")
		case strings.HasSuffix(head, "ai"): // ain't
			b.WriteString(head[:len(head)-2])
			b.WriteString("is not")
		default: // don't, isn't, haven't
			b.WriteString(head)
			b.WriteString(" not")
		}
		s = s[i+3:]
	}
}

// dropAddresses blanks out e-mail and web addresses, which are not words:
// "klachten@example.nl" says nothing about the writer. An address is a run
// of non-space characters holding "@" or starting with "http" or "www.";
// punctuation at its end stays (it may end a sentence).
func dropAddresses(s string) string {
	if !strings.Contains(s, "@") && !strings.Contains(s, "www.") && !strings.Contains(s, "http") {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); {
		if isSpaceByte(b[i]) {
			i++
			continue
		}
		j := i
		for j < len(b) && !isSpaceByte(b[j]) {
			j++
		}
		chunk := s[i:j]
		if strings.Contains(chunk, "@") || strings.HasPrefix(chunk, "http") || strings.HasPrefix(chunk, "www.") || strings.HasPrefix(chunk, "<http") || strings.HasPrefix(chunk, "(www.") {
			end := j
			for end > i && strings.IndexByte(".,;:!?)\">", b[end-1]) >= 0 {
				end--
			}
			for k := i; k < end; k++ {
				b[k] = ' '
			}
		}
		i = j
	}
	return string(b)
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// clause is a run of words between punctuation.
type clause struct {
	words    []string
	sentence int  // index of the sentence the clause belongs to
	question bool // the clause ends with "?"
}

// clauses splits folded text into clauses of words, and says for each
// clause which sentence it belongs to and whether it is a question. A clause ends at punctuation followed
// by a space or the end (". , ; ! ?", brackets) and at a blank line; a
// sentence ends at ". ! ?" and at a blank line. A single line break is a
// hard wrap and joins. Words are runs of letters and digits; other
// characters (hyphen, slash, apostrophe) split words without ending the
// clause. Rules match within one clause, so "niet" in one sentence never
// negates "tevreden" in the next.
func clauses(folded string) (cls []clause) {
	s := dropAddresses(folded)
	if strings.Contains(s, "n't") {
		s = expandContractions(s)
	}
	var (
		all       = make([]string, 0, len(s)/5+1) // the words of all clauses
		first     int                             // the first word of the current clause in all
		wordStart = -1
		prevNL    bool
		sent      int
	)
	cls = make([]clause, 0, len(s)/40+1)
	flushWord := func(end int) {
		if wordStart >= 0 {
			all = append(all, s[wordStart:end])
			wordStart = -1
		}
	}
	flushClause := func(end int, endsSentence, question bool) {
		flushWord(end)
		if len(all) > first {
			cls = append(cls, clause{words: all[first:len(all):len(all)], sentence: sent, question: question})
			first = len(all)
		}
		if endsSentence {
			sent++
		}
	}
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		next := byte(' ')
		if i+size < len(s) {
			next = s[i+size]
		}
		switch {
		case isWordRune(r):
			if wordStart < 0 {
				wordStart = i
			}
			prevNL = false
			i += size
			continue
		case r == '\n':
			if prevNL {
				flushClause(i, true, false)
			}
			flushWord(i)
			prevNL = true
			i += size
			continue
		case r == '.' || r == ',':
			// "2.000", "€ 1.250,00" and "www.example.nl" do not end a
			// clause; a mark before a space does. A colon never does:
			// "Sindsdien: niets."
			if next == ' ' || next == '\n' || next == '\r' || next == '\t' || next == '"' || next == ')' || next == '.' || next == ',' || next == '!' || next == '?' {
				flushClause(i, r == '.', false)
			} else {
				flushWord(i)
			}
		case r == '!' || r == '?':
			flushClause(i, true, r == '?')
		case r == ';' || r == '(' || r == ')' || r == '[' || r == ']' || r == '"':
			flushClause(i, false, false)
		case r == '\r':
			i += size
			continue
		default:
			flushWord(i)
		}
		if !unicode.IsSpace(r) {
			prevNL = false
		}
		i += size
	}
	flushClause(len(s), true, false)
	return cls
}

// words returns the words of each clause.
func words(cls []clause) [][]string {
	out := make([][]string, len(cls))
	for i, c := range cls {
		out[i] = c.words
	}
	return out
}

// body is a message text split into what its author wrote and what they
// only carried along. The lines are folded (see fold).
type body struct {
	own       []string // the author's own lines
	signature []string // the signature, closing block and disclaimer
	forwarded []string // the own lines of a forwarded message, if any
}

// Line patterns of quoted text and signatures. They are matched against the
// folded, trimmed line.
var (
	// A reply's attribution line: "Op 3 mrt. 2026 om 10:12 schreef Jan
	// <jan@example.nl>:", "On Tue, Mar 3, 2026 at 10:12 AM Jan wrote:",
	// and the German and French forms.
	attributionRe = regexp.MustCompile(`^(op|on|am|le)\b.*\b(schreef|schrijft|wrote|writes|schrieb|a ecrit)\b[^:]*:$|^.*<[^<>\s]+@[^<>\s]+>\s+(wrote|schreef)\b.*:$`)
	// A separator that starts a quoted original: Outlook's and others'.
	quoteSeparatorRe = regexp.MustCompile(`^-{2,}\s*(oorspronkelijk bericht|originele bericht|original message|ursprungliche nachricht|message d'origine)\s*-{2,}$|^_{8,}$`)
	// A separator that starts a forwarded message.
	forwardSeparatorRe = regexp.MustCompile(`^-{2,}\s*(forwarded message|doorgestuurd bericht|weitergeleitete nachricht|message transfere)\s*-{2,}$|^begin (forwarded message|doorgestuurd bericht):?$`)
	// The first and further fields of an Outlook-style header block of a
	// quoted or forwarded message ("Van: …" then "Verzonden: …").
	headerFromRe  = regexp.MustCompile(`^\*?(van|from|von|de)\s*:\*?\s*\S`)
	headerFieldRe = regexp.MustCompile(`^\*?(van|from|verzonden|sent|datum|date|aan|to|cc|onderwerp|subject|gesendet|an|betreff|envoye|objet|a)\s*:`)
	// A closing line ("Met vriendelijke groet," "Kind regards," possibly
	// followed on the same line by a comma and a name); everything below it
	// is the signature.
	closingRe = regexp.MustCompile(`^((met )?((vriendelijke|hartelijke|beste|lieve|warme|zonnige|fijne|collegiale|sportieve|vr) )?groet(en|jes)?( terug)?|mvg|m\.v\.g\.?|gr\.?|grt|groetjes|hoogachtend|((kind|best|warm|kindest|many|warmest) )?regards|best wishes|best|cheers|(yours )?(sincerely|faithfully|truly)|thanks( again| in advance)?|thank you|many thanks|(alvast )?bedankt|(alvast )?dank( je| u)?( wel)?|dankjewel|mit freundlichen grussen|cordialement)[ .!]*(,\s*([^ ,.!?]+\s*){0,4})?$`)
	// The line a phone's mail app adds.
	deviceRe = regexp.MustCompile(`^(sent from my|verzonden (vanaf|met|via) mijn|verstuurd (vanaf|met|via) mijn|get outlook for|outlook voor)\b`)
	// The first line of a legal disclaimer.
	disclaimerRe = regexp.MustCompile(`^(disclaimer\b|dit (e-?mail)?bericht (is|kan)|deze e-?mail (is|kan)|de informatie (in|verzonden met) dit|aan dit (e-?mail)?bericht kunnen|this (e-?mail|message)( and any| is| may)|the information (contained )?in this)`)
	// A postscript after the signature is the author's own text again.
	postscriptRe = regexp.MustCompile(`^p\.?s\.?\b`)
)

// footerWords mark a company footer line: at least two of them on one line.
var footerWords = map[string]bool{
	"kvk": true, "kvk-nummer": true, "btw": true, "btw-nummer": true, "btw-nr": true, "iban": true,
	"bic": true, "coc": true, "vat": true, "tel": true, "telefoon": true, "www": true,
}

// isQuoteHeader reports whether the line at i starts a quoted or forwarded
// original: an attribution (on one line or wrapped over two), a separator
// line, or an Outlook header block.
// folded holds the folded, trimmed lines of a text. The cheap tests
// on a line (its first letters, its last character, a colon) come before
// the regular expressions, which only run on the few lines that may match.
func isQuoteHeader(folded []string, i int) bool {
	t := folded[i]
	if t == "" {
		return false
	}
	if (t[0] == '-' || t[0] == '_') && quoteSeparatorRe.MatchString(t) {
		return true
	}
	if strings.HasSuffix(t, ":") && attributionRe.MatchString(t) {
		return true
	}
	if i+1 < len(folded) && (strings.HasPrefix(t, "op ") || strings.HasPrefix(t, "on ")) && !strings.HasSuffix(t, ".") && strings.HasSuffix(folded[i+1], ":") {
		if attributionRe.MatchString(t + " " + folded[i+1]) {
			return true
		}
	}
	if strings.IndexByte(t, ':') > 0 && headerFromRe.MatchString(t) {
		for j := i + 1; j < len(folded) && j <= i+4; j++ {
			u := folded[j]
			if headerFieldRe.MatchString(u) && !headerFromRe.MatchString(u) {
				return true
			}
		}
	}
	return false
}

func isForwardHeader(t string) bool {
	return t != "" && (t[0] == '-' || t[0] == 'b') && forwardSeparatorRe.MatchString(t)
}

func isFooterLine(t string) bool {
	if !strings.ContainsAny(t, "0123456789w") {
		return false
	}
	n := 0
	for w := range strings.FieldsFuncSeq(t, func(r rune) bool { return !isWordRune(r) && r != '-' }) {
		if footerWords[w] {
			if n++; n == 2 {
				return true
			}
		}
	}
	return false
}

// maxClosing is the length of the longest closing line ("Met vriendelijke
// groeten, Jan Pieter van der Linden").
const maxClosing = 80

// splitBody separates the author's own text from quoted text (lines
// starting with ">", and everything from a quote header on), the signature
// (from "-- ", a closing line, a disclaimer or a company footer on; a
// postscript below it is own text again), and a forwarded message. forward
// says the subject marks the message as a forward, so that a plain quote
// header starts forwarded text.
func splitBody(text string, forward bool) body {
	return splitLines(strings.Split(fold(text), "\n"), forward, 0)
}

// splitLines does the work of splitBody on folded lines.
func splitLines(lines []string, forward bool, depth int) body {
	var b body
	trimmed := make([]string, len(lines))
	for i, l := range lines {
		trimmed[i] = strings.TrimSpace(l)
	}
	inSig := false
	for i, line := range lines {
		raw := strings.TrimRight(line, " \t\r")
		t := trimmed[i]
		if strings.HasPrefix(t, ">") {
			continue // quoted line; text after it may be the author's again
		}
		fwd := isForwardHeader(t)
		if fwd || isQuoteHeader(trimmed, i) {
			if (fwd || forward) && depth == 0 {
				rest := skipHeaderBlock(lines[i+1:])
				b.forwarded = splitLines(rest, false, depth+1).own
			}
			break
		}
		if inSig {
			if postscriptRe.MatchString(t) {
				inSig = false
			} else {
				b.signature = append(b.signature, raw)
				continue
			}
		}
		switch {
		case raw == "--" || raw == "-- " || raw == "---":
			inSig = true
			continue
		case len(t) < maxClosing && deviceRe.MatchString(t):
			continue
		case (len(b.own) > 0 && len(t) < maxClosing && closingRe.MatchString(t)) || disclaimerRe.MatchString(t) || isFooterLine(t):
			inSig = true
			b.signature = append(b.signature, raw)
			continue
		}
		b.own = append(b.own, raw)
	}
	return b
}

// skipHeaderBlock drops the header fields and blank lines that open a
// forwarded or quoted message.
func skipHeaderBlock(lines []string) []string {
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || headerFieldRe.MatchString(t) {
			continue
		}
		return lines[i:]
	}
	return nil
}

// wordCount counts the words of lines, for deciding whether the author wrote
// anything of their own above a forward.
func wordCount(lines []string) int {
	n := 0
	for _, l := range lines {
		n += len(strings.Fields(l))
	}
	return n
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
