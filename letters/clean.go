package letters

import (
	"strings"
	"unicode/utf8"
)

// Text from outside (a complaint, a name, a subject line) reaches the
// letter through the templates and through the letterhead and address
// field. Whatever it holds, nothing in it may reach the text body, the
// HTML or the PDF raw that a reader cannot see or that changes what the
// rest of the letter looks like.

// clean makes s safe for every rendering of a letter:
//
//   - invalid UTF-8 becomes U+FFFD;
//   - CR LF and a lone CR become LF, as do NEL, LINE SEPARATOR and
//     PARAGRAPH SEPARATOR (Unicode §5.8: each ends a line);
//   - a tab becomes a space;
//   - other C0 and C1 control characters and DEL are dropped;
//   - the explicit bidirectional embeddings, overrides and isolates
//     (U+202A–U+202E, U+2066–U+2069) are dropped: unbalanced, they reverse
//     the letter's own text after them in a mail reader (UAX #9 §2; the
//     "Trojan Source" spoof, CVE-2021-42574); the PDF orders text itself;
//   - noncharacters (U+FDD0–U+FDEF, U+xxFFFE, U+xxFFFF) become U+FFFD.
//
// Everything else, emoji and every script included, is kept. clean
// returns s itself when there is nothing to change.
func clean(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' || c == 0x7f {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				size++
			}
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n' || r == 0x85 || r == 0x2028 || r == 0x2029:
			b.WriteByte('\n')
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			// dropped
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			// dropped
		case r == utf8.RuneError && size == 1, nonCharacter(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// cleanLine is clean for text that must stay on one line (a subject, a
// name): every line break becomes a space, runs of spaces one space, and
// the ends are trimmed.
func cleanLine(s string) string {
	s = clean(s)
	if !strings.Contains(s, "\n") && !strings.Contains(s, "  ") && strings.TrimSpace(s) == s {
		return s
	}
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' })
	return strings.Join(f, " ")
}

// unsafeRune reports whether clean changes r (r ≥ 0x80).
func unsafeRune(r rune) bool {
	return r < 0xa0 || r == 0x2028 || r == 0x2029 ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || nonCharacter(r)
}

// nonCharacter reports whether r is one of the 66 noncharacters (Unicode
// §23.7), which are not for interchange.
func nonCharacter(r rune) bool {
	return r >= 0xfdd0 && r <= 0xfdef || r&0xfffe == 0xfffe
}

// cleanLetter returns l with every text in it cleaned: one-line fields
// (names, addresses, subject, reference) by cleanLine, so that a line
// break in a name cannot break the template's markup, and text that may
// hold paragraphs by clean. Slices and maps are copied, never changed in
// place: the caller's Letter is not touched.
func cleanLetter(l Letter) Letter {
	l.Number = cleanLine(l.Number)
	l.Org.Name = cleanLine(l.Org.Name)
	l.Org.Address = cleanLines(l.Org.Address)
	l.Recipient = cleanPerson(l.Recipient)
	l.Signer = cleanPerson(l.Signer)
	l.Handler = cleanPerson(l.Handler)
	l.Subject = cleanLine(l.Subject)
	l.RelayAddress = cleanLine(l.RelayAddress)
	l.InternalAddress = cleanLine(l.InternalAddress)
	l.Marker = cleanLine(l.Marker)
	l.OtherOpen = cleanLines(l.OtherOpen)
	l.Description = clean(l.Description)
	l.Reason = clean(l.Reason)
	l.Facts = clean(l.Facts)
	l.Position = clean(l.Position)
	l.Measures = clean(l.Measures)
	l.Appeal = clean(l.Appeal)
	if len(l.Extra) > 0 {
		extra := make(map[string]any, len(l.Extra))
		for k, v := range l.Extra {
			switch v := v.(type) {
			case string:
				extra[k] = clean(v)
			case []string:
				extra[k] = cleanLines(v)
			case Person:
				extra[k] = cleanPerson(v)
			case []DigestRow:
				rows := make([]DigestRow, len(v))
				for i, r := range v {
					r.Number, r.Complainant = cleanLine(r.Number), cleanLine(r.Complainant)
					rows[i] = r
				}
				extra[k] = rows
			default:
				extra[k] = v
			}
		}
		l.Extra = extra
	}
	return l
}

func cleanPerson(p Person) Person {
	p.Name = cleanLine(p.Name)
	p.Email = cleanLine(p.Email)
	p.Function = cleanLine(p.Function)
	p.Address = cleanLines(p.Address)
	return p
}

// cleanLines applies cleanLine to every item; it returns items itself
// when none changes.
func cleanLines(items []string) []string {
	for i, s := range items {
		if cleanLine(s) != s {
			out := make([]string, len(items))
			copy(out, items[:i])
			for j := i; j < len(items); j++ {
				out[j] = cleanLine(items[j])
			}
			return out
		}
	}
	return items
}
