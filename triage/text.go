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
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		switch r {
		case '’', '‘', '`', '´', 'ʼ':
			r = '\''
		case '“', '”', '„', '«', '»':
			r = '"'
		case '–', '—', '‐', '‑':
			r = '-'
		case utf8.RuneError:
			r = ' '
		}
		if f, ok := foldTable[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// contractions are English short forms written out, so that one rule for
// "not" covers "don't", "isn't" and "can't".
var contractions = strings.NewReplacer(
	"can't", "can not", "won't", "will not", "shan't", "shall not",
	"ain't", "is not", "n't", " not",
)

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
	s := contractions.Replace(folded)
	var (
		cur    []string
		word   strings.Builder
		prevNL bool
		sent   int
	)
	flushWord := func() {
		if word.Len() > 0 {
			cur = append(cur, word.String())
			word.Reset()
		}
	}
	flushClause := func(endsSentence bool, question bool) {
		flushWord()
		if len(cur) > 0 {
			cls = append(cls, clause{words: cur, sentence: sent, question: question})
			cur = nil
		}
		if endsSentence {
			sent++
		}
	}
	for i, r := range s {
		next := byte(' ')
		if j := i + utf8.RuneLen(r); j < len(s) {
			next = s[j]
		}
		switch {
		case isWordRune(r):
			word.WriteRune(r)
			prevNL = false
			continue
		case r == '\n':
			if prevNL {
				flushClause(true, false)
			}
			flushWord()
			prevNL = true
			continue
		case r == '.' || r == ',':
			// "2.000", "€ 1.250,00" and "www.example.nl" do not end a
			// clause; a mark before a space does. A colon never does:
			// "Sindsdien: niets."
			if next == ' ' || next == '\n' || next == '\r' || next == '\t' || next == '"' || next == ')' || next == '.' || next == ',' || next == '!' || next == '?' {
				flushClause(r == '.', false)
			} else {
				flushWord()
			}
		case r == '!' || r == '?':
			flushClause(true, r == '?')
		case r == ';' || r == '(' || r == ')' || r == '[' || r == ']' || r == '"':
			flushClause(false, false)
		case r == '\r':
			continue
		default:
			flushWord()
		}
		if !unicode.IsSpace(r) {
			prevNL = false
		}
	}
	flushClause(true, false)
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
// only carried along.
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
	// A company footer line: at least two of these identifiers on one line.
	footerWordRe = regexp.MustCompile(`\b(kvk|kvk-nummer|btw|btw-nummer|btw-nr|iban|bic|coc|vat|tel|telefoon|www)\b`)
)

// isQuoteHeader reports whether the line at i starts a quoted or forwarded
// original: an attribution (on one line or wrapped over two), a separator
// line, or an Outlook header block.
func isQuoteHeader(lines []string, i int) bool {
	t := fold(strings.TrimSpace(lines[i]))
	if attributionRe.MatchString(t) || quoteSeparatorRe.MatchString(t) {
		return true
	}
	if i+1 < len(lines) && (strings.HasPrefix(t, "op ") || strings.HasPrefix(t, "on ")) && !strings.HasSuffix(t, ".") {
		if attributionRe.MatchString(t + " " + fold(strings.TrimSpace(lines[i+1]))) {
			return true
		}
	}
	if headerFromRe.MatchString(t) {
		for j := i + 1; j < len(lines) && j <= i+4; j++ {
			u := fold(strings.TrimSpace(lines[j]))
			if headerFieldRe.MatchString(u) && !headerFromRe.MatchString(u) {
				return true
			}
		}
	}
	return false
}

func isForwardHeader(t string) bool { return forwardSeparatorRe.MatchString(t) }

func isFooterLine(t string) bool { return len(footerWordRe.FindAllStringIndex(t, 3)) >= 2 }

// splitBody separates the author's own text from quoted text (lines
// starting with ">", and everything from a quote header on), the signature
// (from "-- ", a closing line, a disclaimer or a company footer on; a
// postscript below it is own text again), and a forwarded message. forward
// says the subject marks the message as a forward, so that a plain quote
// header starts forwarded text.
func splitBody(text string, forward bool) body {
	return splitLines(strings.Split(text, "\n"), forward, 0)
}

func splitLines(lines []string, forward bool, depth int) body {
	var b body
	inSig := false
	for i := 0; i < len(lines); i++ {
		raw := strings.TrimRight(lines[i], " \t\r")
		trimmed := strings.TrimSpace(raw)
		if strings.HasPrefix(trimmed, ">") {
			continue // quoted line; text after it may be the author's again
		}
		t := fold(trimmed)
		fwd := isForwardHeader(t)
		if fwd || isQuoteHeader(lines, i) {
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
		case deviceRe.MatchString(t):
			continue
		case (len(b.own) > 0 && closingRe.MatchString(t)) || disclaimerRe.MatchString(t) || isFooterLine(t):
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
		t := fold(strings.TrimSpace(l))
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

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
