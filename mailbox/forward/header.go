package forward

import (
	"fmt"
	"mime"
	"net/mail"
	"regexp"
	"strings"

	"github.com/emersion/go-message/charset"
)

// knownFieldRe matches the fields mail clients show in a forwarded header
// block, Dutch and English, after cleanLine.
var knownFieldRe = regexp.MustCompile(`(?i)^(van|from|afzender|verzonden|sent|datum|date|aan|to|cc|bcc|kopie|kopie aan|onderwerp|subject|reply-to|antwoord aan|beantwoorden aan|bijlagen|bijlage|attachments|importance|urgentie|prioriteit|priority)\s*:(.*)$`)

// otherFieldRe matches any other header field (RFC 5322 §2.2: a name of
// printable characters, then ":"), as mutt shows them without weeding.
var otherFieldRe = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_-]{0,60}):(?:[ \t](.*))?$`)

// canonical maps a known field name (lower case) to the role it plays.
var canonical = map[string]string{
	"van": "from", "from": "from", "afzender": "from",
	"verzonden": "date", "sent": "date", "datum": "date", "date": "date",
	"aan": "to", "to": "to",
	"cc": "cc", "kopie": "cc", "kopie aan": "cc",
	"bcc":       "bcc",
	"onderwerp": "subject", "subject": "subject",
	"reply-to": "reply-to", "antwoord aan": "reply-to", "beantwoorden aan": "reply-to",
	"bijlagen": "attachments", "bijlage": "attachments", "attachments": "attachments",
	"importance": "importance", "urgentie": "importance", "prioriteit": "priority", "priority": "priority",
}

// parseField reads one header field line. canon is the role of a known
// field, "" for any other field; other fields count only inside a block
// (first false).
func parseField(l string, first bool) (name, canon, value string, ok bool) {
	if m := knownFieldRe.FindStringSubmatch(l); m != nil {
		name = strings.TrimSpace(m[1])
		return name, canonical[strings.ToLower(strings.Join(strings.Fields(name), " "))], strings.TrimSpace(m[2]), true
	}
	if first {
		return "", "", "", false
	}
	if m := otherFieldRe.FindStringSubmatch(l); m != nil {
		return m[1], "", strings.TrimSpace(m[2]), true
	}
	return "", "", "", false
}

type rawField struct {
	Field
	canon  string
	joined bool // a wrapped address was joined without a space by guess
}

// rawHeader is a forwarded header block as read, before decoding.
type rawHeader struct {
	fields []rawField
}

// maxContinuation bounds the wrapped lines joined to one field.
const maxContinuation = 8

// folded reports whether l continues the field above it by RFC 5322
// folding: it starts with white space and is not blank.
func folded(l string, fields int) bool {
	return fields > 0 && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && !isBlank(l)
}

// readHeader reads the header block at the start of lines (after blank
// lines) and returns it with the index of the first body line. A blank line
// ends the block unless a field not yet seen follows it (text renderings of
// HTML put blank lines between fields); lines wrapped by the client are
// joined to their field.
//
// With anyFirst, the block may open with any field (mutt without weeding
// shows Return-Path or Received first); otherwise it opens with a field
// mail clients show (From, Date, Subject, their Dutch names, …).
func readHeader(lines []string, anyFirst bool) (rawHeader, int) {
	var rh rawHeader
	seen := map[string]bool{}
	i := 0
	for i < len(lines) && i < 3 && isBlank(lines[i]) {
		i++
	}
	cont := 0
	for i < len(lines) {
		l := cleanLine(lines[i])
		if name, canon, v, ok := parseField(l, len(rh.fields) == 0 && !anyFirst); ok && !folded(lines[i], len(rh.fields)) {
			if canon != "" && seen[canon] && (canon == "from" || canon == "subject") {
				break // a second block: the body starts with another header
			}
			seen[canon] = true
			rh.fields = append(rh.fields, rawField{Field: Field{Name: name, Value: v}, canon: canon})
			cont = 0
			i++
			continue
		}
		if len(rh.fields) == 0 {
			break
		}
		if l == "" {
			j := i + 1
			for j < len(lines) && j <= i+2 && isBlank(lines[j]) {
				j++
			}
			if j < len(lines) {
				if _, canon, _, ok := parseField(cleanLine(lines[j]), true); ok && canon != "" && !seen[canon] {
					i = j
					continue
				}
			}
			break
		}
		last := &rh.fields[len(rh.fields)-1]
		if folded(lines[i], len(rh.fields)) && cont < maxContinuation {
			// RFC 5322 §2.2.3 folding, as mutt and raw headers show it.
			last.Value += " " + l
			cont++
			i++
			continue
		}
		next := ""
		if i+1 < len(lines) {
			next = cleanLine(lines[i+1])
		}
		sep, joined, ok := continuation(last, l, next)
		if !ok || cont >= maxContinuation {
			break
		}
		last.Value += sep + l
		last.joined = last.joined || joined
		cont++
		i++
	}
	for i < len(lines) && isBlank(lines[i]) {
		i++
	}
	return rh, i
}

// continuation reports whether line l continues field f (wrapped by the
// client) and with what separator it joins. joined is set when a bare
// address was joined without a space, which is a guess.
func continuation(f *rawField, l, next string) (sep string, joined, ok bool) {
	v := strings.TrimRight(f.Value, " \t")
	addrField := f.canon == "from" || f.canon == "to" || f.canon == "cc" || f.canon == "bcc" || f.canon == "reply-to"
	switch {
	case strings.Count(v, "<") > strings.Count(v, ">") || strings.Count(v, "[") > strings.Count(v, "]"):
		// Inside <address> or [mailto:address]: addresses hold no spaces.
		if strings.HasSuffix(f.Value, " ") || strings.HasSuffix(v, "<") || strings.HasSuffix(v, ":") {
			return " ", false, true
		}
		return "", false, true
	case strings.Count(v, "(") > strings.Count(v, ")") || strings.Count(v, `"`)%2 == 1:
		return " ", false, true
	case strings.HasSuffix(v, ",") || strings.HasSuffix(v, ";"):
		return " ", false, true
	case addrField && (strings.HasPrefix(l, "<") || strings.HasPrefix(l, "[") || strings.HasPrefix(l, "(")):
		return " ", false, true
	}
	_, nextCanon, _, nextIsField := parseField(next, true)
	nextIsField = nextIsField && nextCanon != ""
	if !nextIsField {
		return "", false, false
	}
	// A line between two fields belongs to the first. A bare address cut in
	// two ("jan@example." / "nl") is joined without a space.
	if addrField && !strings.ContainsAny(l, " \t<>@") {
		fs := strings.Fields(v)
		if len(fs) > 0 && strings.Contains(fs[len(fs)-1], "@") {
			return "", true, true
		}
	}
	return " ", false, true
}

// header decodes a raw header block. muttFrom is the sender named in mutt's
// intro line, used when the block has no From.
func (rh rawHeader) header(muttFrom string) (Header, []string) {
	var h Header
	var problems []string
	var from, date string
	var fromJoined, haveDate bool
	for _, f := range rh.fields {
		h.Fields = append(h.Fields, f.Field)
		switch f.canon {
		case "from":
			if from == "" {
				from, fromJoined = f.Value, f.joined
			}
		case "date":
			if !haveDate {
				date, haveDate = f.Value, true
			}
		case "to":
			h.To = joinValue(h.To, decodeWords(f.Value))
		case "cc":
			h.Cc = joinValue(h.Cc, decodeWords(f.Value))
		case "subject":
			if h.Subject == "" {
				h.Subject = decodeWords(f.Value)
			}
		}
	}
	if from == "" && muttFrom != "" {
		from = muttFrom
	}
	if strings.TrimSpace(from) == "" {
		problems = append(problems, "the forwarded header names no sender")
	} else {
		var p []string
		h.FromName, h.FromAddr, p = parseAddress(from)
		problems = append(problems, p...)
		if fromJoined && h.FromAddr != "" {
			problems = append(problems, fmt.Sprintf("the sender's address was broken over two lines and joined as %s", h.FromAddr))
		}
	}
	h.DateText = date
	switch {
	case !haveDate || strings.TrimSpace(date) == "":
		problems = append(problems, "the forwarded header has no date")
	default:
		t, err := parseDate(decodeWords(date))
		if err != nil {
			problems = append(problems, fmt.Sprintf("the date %q could not be read: %v", date, err))
		} else {
			h.Date = t
		}
	}
	return h, problems
}

func joinValue(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

var (
	// addrRe finds an address candidate; net/mail decides whether it is one.
	addrRe    = regexp.MustCompile(`[^\s<>\[\]()",;:]+@[^\s<>\[\]()",;:]+`)
	mailtoRe  = regexp.MustCompile(`(?i)mailto:`)
	bracketRe = regexp.MustCompile(`<[^<>]*>|\[[^\[\]]*\]|\([^()]*\)`)
)

// parseAddress reads a sender as clients show it: "Name <addr>", "\"Name\"
// <addr>", Outlook's "Name [mailto:addr]", "addr (Name)", "addr", encoded
// words (RFC 2047), or a name alone. problems say why the address cannot be
// trusted.
func parseAddress(v string) (name, addr string, problems []string) {
	if len(v) > maxSender {
		return "", "", []string{fmt.Sprintf("the sender field is %d characters long: not a sender", len(v))}
	}
	v = strings.TrimSpace(decodeWords(v))
	v = mailtoRe.ReplaceAllString(v, "")
	var found []string
	seen := map[string]bool{}
	for _, a := range addrRe.FindAllString(v, -1) {
		a = strings.Trim(a, "'.`")
		if a == "" || seen[strings.ToLower(a)] {
			continue
		}
		seen[strings.ToLower(a)] = true
		found = append(found, a)
	}
	// The name is what remains without the address and its brackets
	// (nested in Outlook's "jan@example.nl<mailto:jan@example.nl>").
	rest := v
	for range 4 {
		r := bracketRe.ReplaceAllStringFunc(rest, func(s string) string {
			if strings.Contains(s, "@") || strings.TrimSpace(s[1:len(s)-1]) == "" {
				return " "
			}
			return s
		})
		r = addrRe.ReplaceAllString(r, " ")
		if r == rest {
			break
		}
		rest = r
	}
	name = strings.Trim(strings.Join(strings.Fields(rest), " "), `"' ,;`)
	name = strings.ReplaceAll(name, " ,", ",")
	if strings.HasPrefix(name, "(") && strings.HasSuffix(name, ")") && strings.Count(name, "(") == 1 {
		name = strings.TrimSpace(name[1 : len(name)-1]) // "jan@example.nl (Jan Jansen)"
	}
	if strings.ContainsAny(name, "<>[]") {
		name = strings.Trim(strings.Trim(name, "<>[]"), `"' `)
	}

	switch len(found) {
	case 0:
		if name == "" {
			return "", "", []string{"the forwarded header names no sender"}
		}
		return name, "", []string{fmt.Sprintf("the forwarded header gives the sender's name (%s) but no address", name)}
	case 1:
	default:
		problems = append(problems, fmt.Sprintf("the sender field holds more than one address (%s)", strings.Join(found, ", ")))
	}
	addr = found[0]
	if a, err := mail.ParseAddress("<" + addr + ">"); err != nil {
		problems = append(problems, fmt.Sprintf("the sender's address %q is not a valid address", addr))
		addr = ""
	} else {
		addr = a.Address
		if at := strings.LastIndexByte(addr, '@'); at < 0 || !strings.Contains(addr[at+1:], ".") {
			problems = append(problems, fmt.Sprintf("the sender's address %q has no full domain", addr))
		}
	}
	if strings.Contains(name, "=?") {
		problems = append(problems, fmt.Sprintf("the sender's name %q could not be decoded", name))
	}
	return name, addr, problems
}

// maxSender bounds the sender field read: a real one is a name and an
// address, far below this.
const maxSender = 2000

var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// decodeWords decodes RFC 2047 encoded words; what cannot be decoded is
// kept as written.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	d, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		return s
	}
	// An encoded word may claim UTF-8 and hold other bytes.
	return strings.ToValidUTF8(d, "\uFFFD")
}
