// Package commands is the table of the "Key: value" commands a staff member
// may put at the top of a message to a dossier's reply address
// (docs/spec.md "Commands by mail"): each command's keys, value, check and
// effect in one entry. Read parses the command block and the body
// sections of a verdict (the caller cuts the quote first, mailbox/quote);
// Carry checks the commands against the dossier and carries them out, or
// none of them.
package commands

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

// Kind is the kind of a command.
type Kind string

// The command kinds.
const (
	KindHandler    Kind = "handler"
	KindCategories Kind = "categories"
	KindConcerns   Kind = "concerns"
	KindExtend     Kind = "extend"
	KindReason     Kind = "reason"
	KindVerdict    Kind = "verdict"
	KindStatus     Kind = "status"
	KindMerge      Kind = "merge"
	KindPosted     Kind = "posted"
	KindAddress    Kind = "address"
	KindSimple     Kind = "simple"
)

// Statuses a Status command can set.
const (
	StatusClosed   = "closed"
	StatusReopened = "reopened"
)

// Letter kinds a Posted command can name.
const (
	LetterAcknowledgement = "acknowledgement"
	LetterDelay           = "delay"
	LetterDecision        = "decision"
	LetterRejection       = "rejection"
	LetterClosing         = "closing"
)

// Command is one "Key: value" line of the command block.
type Command struct {
	Kind  Kind
	Line  int    // 1-based line number in the message text
	Raw   string // the whole line as written
	Key   string // the key as written
	Value string // trimmed raw value

	// Parsed values, per kind.
	Address    *mail.Address   // handler (when an address was given), concerns
	List       []string        // categories, address lines
	Date       time.Time       // extend/posted when a date was given (00:00 Europe/Amsterdam)
	Today      bool            // posted: "vandaag"/"today"; the caller's clock gives the date
	Term       string          // extend when a duration was given, as written ("2 weken")
	Extension  *procedure.Term // extend: Term as the procedure reads it (Read only; nil with Parse)
	Verdict    string          // founded|unfounded|partly_founded|inadmissible
	Status     string          // closed|reopened
	Number     string          // merge: the dossier number, upper case ("KL-2026-0002")
	LetterKind string          // posted: acknowledgement|delay|decision|rejection|closing
	Bool       bool            // simple
}

// LineError is a command line that cannot be carried out.
type LineError struct {
	Line     int    // 1-based line number in the message text
	Raw      string // the line as written
	Reason   string // English, for the log and English replies
	ReasonNL string // Dutch, for the error reply to staff
}

// Error returns the English message, naming the line.
func (e LineError) Error() string {
	return fmt.Sprintf("line %d %q: %s", e.Line, e.Raw, e.Reason)
}

// ErrorNL returns the Dutch message, naming the line, fit to send back to
// the staff member as it is.
func (e LineError) ErrorNL() string {
	return fmt.Sprintf("regel %d %q — %s", e.Line, e.Raw, e.ReasonNL)
}

// Sections are the parts of a decision written in the body.
type Sections struct {
	Facts, Position, Measures, Reason string
}

// Message is a parsed staff message.
type Message struct {
	Commands []Command
	Body     string   // the text after the command block (the whole text if there is none)
	Sections Sections // parsed from Body
	Errors   []LineError
}

// sectionKeys maps the body section headers, lower case, to a pointer
// selector on Sections.
var sectionKeys = map[string]func(*Sections) *string{
	"feiten":      func(s *Sections) *string { return &s.Facts },
	"facts":       func(s *Sections) *string { return &s.Facts },
	"standpunt":   func(s *Sections) *string { return &s.Position },
	"position":    func(s *Sections) *string { return &s.Position },
	"maatregelen": func(s *Sections) *string { return &s.Measures },
	"measures":    func(s *Sections) *string { return &s.Measures },
	"reden":       func(s *Sections) *string { return &s.Reason },
	"reason":      func(s *Sections) *string { return &s.Reason },
}

// keyLineRe matches a line that looks like "Key: value": one or two words
// before the colon, and a space or the end of the line after it (so that
// "https://…" and "15:21" are not key lines).
var keyLineRe = regexp.MustCompile(`^\s*(\pL[\pL\pN_-]*(?:[ \t]+\pL[\pL\pN_-]*)?)[ \t]*:(?:[ \t]+(.*)|[ \t]*)$`)

// splitKeyLine returns the key and trimmed value of a line that looks like
// a key line.
func splitKeyLine(line string) (key, value string, ok bool) {
	m := keyLineRe.FindStringSubmatch(line)
	if m == nil {
		return "", "", false
	}
	return m[1], strings.TrimSpace(m[2]), true
}

func isSectionKey(key string) bool {
	_, ok := sectionKeys[strings.ToLower(key)]
	return ok
}

// Parse reads the command block at the top of text. Leading blank lines
// are skipped; consecutive "Key: value" lines with a known key form the
// block, which ends at the first blank line or the first line that is not
// a key line. If the first non-blank line is not a known key there are no
// commands: the message is an ordinary reply (so "Beste klant: …" is
// text). Inside the block a key line with an unknown key is an error. A
// body section header ("Feiten:", "Standpunt:", …, or "Reden:" with no
// value) ends the block and starts the body, so a verdict may be written
// without a blank line after the commands. Durations for Uitstel/Extend are
// terms of the procedure (procedure.ParseTerm), parsed once into
// Command.Extension.
// Validate runs on the result; all errors are in Message.Errors.
func Read(text string) Message {
	return parse(text, &parser{term: func(v string) (*procedure.Term, error) {
		t, err := procedure.ParseTerm(v)
		return &t, err
	}})
}

// Parse is Read with another rule for durations: termOK says whether a
// duration is acceptable (nil accepts any), and Command.Extension stays
// nil.
func Parse(text string, termOK func(string) error) Message {
	return parse(text, &parser{term: func(v string) (*procedure.Term, error) {
		if termOK == nil {
			return nil, nil
		}
		return nil, termOK(v)
	}})
}

func parse(text string, p *parser) Message {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")

	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	var m Message
	failed := map[Kind]bool{}
	bodyStart := -1
	for ; i < len(lines); i++ {
		line := lines[i]
		if strings.TrimSpace(line) == "" {
			bodyStart = i + 1
			break
		}
		key, value, ok := splitKeyLine(line)
		if !ok {
			bodyStart = i
			break
		}
		spec := Lookup(key)
		known := spec != nil
		if known && spec.Kind == KindReason && value == "" {
			// "Reden:" alone opens the Reason section of the body.
			known = false
		}
		if !known {
			if len(m.Commands) == 0 && len(m.Errors) == 0 {
				break // no command block: an ordinary message
			}
			if isSectionKey(key) {
				bodyStart = i
				break
			}
			m.Errors = append(m.Errors, LineError{
				Line: i + 1, Raw: line,
				Reason:   fmt.Sprintf("unknown key %q; known keys: %s (or leave a blank line before the text)", key, knownKeysEN),
				ReasonNL: fmt.Sprintf("onbekende opdracht %q; bekend zijn %s (of laat een witregel voor de tekst)", key, knownKeysNL),
			})
			continue
		}
		cmd := Command{Kind: spec.Kind, Line: i + 1, Raw: line, Key: key, Value: value}
		if e := parseValue(&cmd, p); e != nil {
			e.Line, e.Raw = cmd.Line, line
			m.Errors = append(m.Errors, *e)
			failed[spec.Kind] = true
			continue
		}
		m.Commands = append(m.Commands, cmd)
	}
	switch {
	case len(m.Commands) == 0 && len(m.Errors) == 0:
		m.Body = text
	case bodyStart >= 0 && bodyStart <= len(lines):
		m.Body = strings.Join(lines[bodyStart:], "\n")
	}
	m.Sections = ParseSections(m.Body)
	m.Errors = append(m.Errors, validate(m.Commands, m.Sections, failed)...)
	return m
}

// sigRe matches a signature separator line ("-- ", RFC 3676 section 4.3).
var sigRe = regexp.MustCompile(`^--[ \t]*$`)

// ParseSections reads the sections of a decision from body: a line
// "Feiten:"/"Facts:", "Standpunt:"/"Position:", "Maatregelen:"/"Measures:"
// or "Reden:"/"Reason:" starts a section; its text may follow on the same
// line and continues until the next section header, a signature separator
// or the end. Text before the first header is not part of any section. A
// section written twice is joined with a blank line.
func ParseSections(body string) Sections {
	var s Sections
	var cur *string
	var buf []string
	flush := func() {
		if cur == nil {
			return
		}
		text := strings.TrimSpace(strings.Join(buf, "\n"))
		if text != "" {
			if *cur != "" {
				*cur += "\n\n"
			}
			*cur += text
		}
		buf = buf[:0]
	}
	for _, line := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
		if sigRe.MatchString(line) {
			break
		}
		if key, value, ok := splitKeyLine(line); ok {
			if sel, ok := sectionKeys[strings.ToLower(key)]; ok {
				flush()
				cur = sel(&s)
				buf = append(buf, value)
				continue
			}
		}
		if cur != nil {
			buf = append(buf, strings.TrimRight(line, " \t"))
		}
	}
	flush()
	return s
}
