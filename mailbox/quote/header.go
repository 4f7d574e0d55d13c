package quote

import (
	"regexp"
	"strings"
)

// This file recognises the client's quote header in the paragraph directly
// above the quoted notification. There the position is known (the marker is
// the notification's first line), so the header is recognised by its form
// rather than by its wording, which differs per client and language.

// maxHeaderLines bounds how many lines above the quote a header may take.
const maxHeaderLines = 12

// maxAttributionLines is how many physical lines an attribution may be
// wrapped over by a client.
const maxAttributionLines = 4

// headerAbove returns the line to cut at for the header directly above line
// start (the marker, or the top of the ">" block that holds it), or a
// reason to hold. A quoted notification without any header is cut at the
// top of the quote; an unquoted one only when the text above ends with a
// phone client's own line ("Sent from my iPhone"), which always closes the
// new text.
func headerAbove(lines []string, start int, quoted bool) (int, string) {
	pe := start - 1
	for pe >= 0 && isBlank(lines[pe]) {
		pe--
	}
	if pe < 0 {
		if quoted {
			return start, ""
		}
		return 0, ReasonNoHeader
	}
	ps := pe
	for ps > 0 && !isBlank(lines[ps-1]) && pe-ps+1 < maxHeaderLines {
		ps--
	}
	if s, ok := fieldBlock(lines, ps, pe); ok {
		return extendOverSeparator(lines, s), ""
	}
	if s, found, sure := attributionIn(lines, ps, pe); found {
		if !sure {
			return 0, ReasonUnknownHeader
		}
		return extendOverSeparator(lines, s), ""
	}
	if isRule(lines[pe]) {
		return pe, ""
	}
	if headerLike(lines[max(ps, pe-2) : pe+1]) {
		return 0, ReasonUnknownHeader
	}
	if quoted || allBoilerplate(lines[ps:pe+1]) {
		return start, ""
	}
	return 0, ReasonNoHeader
}

// attributionIn finds an attribution ending at line pe of the paragraph
// that starts at ps. It takes the fewest lines that form one, then widens
// over lines that only continue it ("<x@y>", "wrote:") and, as Gmail wraps,
// over blank lines to the line that opens it. sure is false when the
// attribution's first line could not be found: part of it could leak.
func attributionIn(lines []string, ps, pe int) (s int, found, sure bool) {
	for k := 1; k <= maxAttributionLines && pe-k+1 >= ps; k++ {
		s = pe - k + 1
		if !isAttributionLoose(joinLines(lines[s : pe+1])) {
			continue
		}
		widened := false
		for isContinuation(lines[s]) {
			widened = true
			if s > ps && pe-s+1 < maxHeaderLines {
				s--
				continue
			}
			q := s - 1
			for q >= 0 && isBlank(lines[q]) {
				q--
			}
			if q < 0 || s-q > 3 || !startsAttribution(lines[q]) ||
				!isAttributionLoose(strings.TrimSpace(lines[q])+" "+joinLines(lines[s:pe+1])) {
				return 0, true, false
			}
			s = q
		}
		if widened && !headerLike(lines[s:s+1]) && !startsAttribution(lines[s]) {
			return 0, true, false
		}
		for s > ps && pe-s+1 < maxAttributionLines && startsAttribution(lines[s-1]) &&
			!endsSentence(lines[s-1]) && isAttributionLoose(joinLines(lines[s-1:pe+1])) {
			s--
		}
		return s, true, true
	}
	return 0, false, false
}

var (
	// wroteRe matches the verb of an attribution in the languages mail
	// clients write it in. Go's \b only knows ASCII, so letters are
	// bounded explicitly.
	wroteRe = regexp.MustCompile(`(?i)(?:^|[^\p{L}])(?:wrote|writes|schreef|schrijft|geschreven|schrieb|schreibt|geschrieben|a écrit|écrit|escribió|ha escrito|escreveu|scrisse|ha scritto|napisał\(a\)|napisała|napisał|написал\(а\)|написала|написал|написав|пише|пишет|skrev|kirjoitti|írta|napsal|napísal|yazdı|έγραψε|đã viết|a scris|je napisao|写道|寫道)(?:[^\p{L}]|$)`)
	// openerRe matches the words an attribution starts with: "On", "Op",
	// "Am", "Le", "El", "Em", "Il", "In data", "Den", "Dnia", "W dniu",
	// "På", "Vào", "В", "У", "At".
	openerRe = regexp.MustCompile(`(?i)^[-*\s]*(?:on|op|am|le|el|em|il|in data|den|dnia|w dniu|på|vào|в|у|at)\s`)
	addrRe   = regexp.MustCompile(`(?i)[\w.+'-]+@[\w-]+(?:\.[\w-]+)+|mailto:`)
	dateRe   = regexp.MustCompile(`\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b`)
	timeRe   = regexp.MustCompile(`\b\d{1,2}:\d{2}\b`)
	// gmailDateRe matches Gmail's numeric attribution, "2016-10-24 15:36
	// GMT+02:00 X <x@y>:" or "2011/4/7 X <x@y>".
	gmailDateRe = regexp.MustCompile(`^\d{4}[/-]\d{1,2}[/-]\d{1,2}\b`)
	// dashedRe matches an attribution between dashes, as Android and Zoho
	// write it: "---- X wrote ----", "---- On …, X wrote ----".
	dashedRe = regexp.MustCompile(`^-{2,}.*-{2,}$`)
	// wroteEndRe matches an attribution that ends in its verb without a
	// colon: "On Wed, 14 Nov 2018 08:14 X <x@y> wrote".
	wroteEndRe = regexp.MustCompile(`(?i)(?:wrote|schreef|schrieb|a écrit|escribió|escreveu|ha scritto|napisał|написал|skrev|kirjoitti)\s*$`)
)

func hasWrote(s string) bool { return wroteRe.MatchString(s) }

// isAttributionLoose reports whether s, one or more joined lines, has the
// form of an attribution in any language: it ends in a colon and has a
// "wrote", or a date with an address or an opening word; or it is Gmail's
// numeric form; or it ends in "wrote" after a date or address; or it stands
// between dashes with a "wrote".
func isAttributionLoose(s string) bool {
	t := strings.TrimSpace(s)
	if len(t) > 400 || t == "" {
		return false
	}
	if dashedRe.MatchString(t) {
		return hasWrote(t)
	}
	t = strings.TrimLeft(t, "-*• ")
	if isAttribution(t) {
		return true
	}
	ends := strings.HasSuffix(t, ":")
	w, d, a := hasWrote(t), dateRe.MatchString(t), addrRe.MatchString(t)
	switch {
	case ends && w:
		return true
	case ends && d && (a || startsAttribution(t)):
		return true
	case gmailDateRe.MatchString(t) && (a || timeRe.MatchString(t)):
		return true
	case !ends && (d || a) && wroteEndRe.MatchString(t):
		return true
	}
	return false
}

// startsAttribution reports whether line opens an attribution: an opening
// word or a date.
func startsAttribution(line string) bool {
	t := strings.TrimLeft(strings.TrimSpace(line), "-*• ")
	if openerRe.MatchString(t + " ") {
		return true
	}
	return t != "" && t[0] >= '0' && t[0] <= '9'
}

// isContinuation reports whether line can only be the rest of a wrapped
// attribution: it starts with an address or a bracket, or it is only the
// verb ("wrote:", "ha scritto:", "napisał:").
func isContinuation(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" {
		return false
	}
	switch t[0] {
	case '<', '>', '(', '[':
		return true
	}
	if strings.HasPrefix(strings.ToLower(t), "mailto:") {
		return true
	}
	if loc := addrRe.FindStringIndex(t); loc != nil && loc[0] == 0 {
		return true
	}
	rest := strings.Trim(wroteRe.ReplaceAllString(t, " "), " :")
	return hasWrote(t) && rest == ""
}

func endsSentence(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!") || strings.HasSuffix(t, "?")
}

// headerLike reports whether lines have the marks of a quote header: an
// address, a date or time, a "wrote", a final colon, or leading dashes.
func headerLike(lines []string) bool {
	t := joinLines(lines)
	return addrRe.MatchString(t) || dateRe.MatchString(t) || hasWrote(t) ||
		strings.HasSuffix(t, ":") || strings.HasPrefix(t, "--")
}

// Labels of the fields of a header block as clients write them: Outlook,
// Exchange, Gmail's forward and mobile clients, in Dutch, English, German,
// French, Italian, Spanish, Portuguese, the Scandinavian languages, Polish,
// Russian, Finnish, Hungarian, Turkish, Greek, Czech, Vietnamese, Chinese and
// Japanese.
var (
	fromLabels = labelSet("from", "van", "von", "de", "da", "från", "fra", "od", "от", "lähettäjä",
		"feladó", "kimden", "από", "发件人", "寄件人", "寄件者", "差出人", "từ", "dari", "afzender", "remetente")
	dateLabels = labelSet("date", "sent", "datum", "dato", "data", "verzonden", "gesendet", "envoyé",
		"envoyé le", "enviado", "enviada", "inviato", "skickat", "sendt", "wysłano", "wysłane",
		"отправлено", "дата", "lähetetty", "päivämäärä", "odesláno", "gönderildi", "tarih", "日期",
		"发送时间", "送信日時", "ngày", "message du", "sent at", "ontvangen")
	otherLabels = labelSet("to", "aan", "an", "à", "a", "till", "til", "do", "кому", "vastaanottaja",
		"címzett", "kime", "προς", "收件人", "宛先", "cc", "kopie", "copie", "copie à", "cci", "bcc",
		"subject", "onderwerp", "betreff", "objet", "oggetto", "asunto", "assunto", "ämne", "emne",
		"temat", "тема", "aihe", "tárgy", "konu", "θέμα", "主题", "件名", "reply-to", "antwoord aan",
		"antwort an", "risposta", "répondre à", "para", "předmět", "komu", "chủ đề", "đến")
)

func labelSet(labels ...string) map[string]bool {
	m := make(map[string]bool, len(labels))
	for _, l := range labels {
		m[l] = true
	}
	return m
}

// labelRe matches the label of a header field line, after "*" (bold in text
// renderings) has been removed: a word or three and a colon.
var labelRe = regexp.MustCompile(`^\s*([\p{L}][\p{L}\p{M}'’. -]{0,24}?)\s*:`)

// fieldLabel returns the lower-case label of a header field line.
func fieldLabel(line string) (string, bool) {
	m := labelRe.FindStringSubmatch(unbold(line))
	if m == nil {
		return "", false
	}
	return strings.ToLower(strings.TrimSpace(m[1])), true
}

func knownLabel(l string) bool { return fromLabels[l] || dateLabels[l] || otherLabels[l] }

// fieldBlock finds a header block that ends at line pe of the paragraph
// starting at ps: lines of known fields (a wrapped value may take a line or
// two more), at least two of them, one a sender or date field, with an
// address or a date in them. It returns the block's first line.
func fieldBlock(lines []string, ps, pe int) (int, bool) {
	for s := ps; s <= pe; s++ {
		if l, ok := fieldLabel(lines[s]); !ok || !knownLabel(l) {
			continue
		}
		if isFieldBlock(lines[s : pe+1]) {
			return s, true
		}
	}
	return 0, false
}

func isFieldBlock(block []string) bool {
	fields, fromOrDate, wrapped := 0, false, 0
	for _, line := range block {
		l, ok := fieldLabel(line)
		if ok && knownLabel(l) {
			fields++
			wrapped = 0
			if fromLabels[l] || dateLabels[l] {
				fromOrDate = true
			}
			continue
		}
		// A wrapped value: at most two lines after a field.
		if wrapped++; wrapped > 2 || fields == 0 {
			return false
		}
	}
	t := joinLines(block)
	return fields >= 2 && fromOrDate && (addrRe.MatchString(t) || dateRe.MatchString(t))
}

// allBoilerplate reports whether every line is a phone client's own line.
func allBoilerplate(lines []string) bool {
	for _, l := range lines {
		if !boilerplateRe.MatchString(strings.TrimSpace(l)) {
			return false
		}
	}
	return len(lines) > 0
}
