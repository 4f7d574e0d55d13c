package commands

import (
	"errors"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register/values"
)

// termOK accepts what procedure.ParseTerm accepts, in short: a whole
// number and a known unit.
func termOK(s string) error {
	f := strings.Fields(strings.ToLower(s))
	if len(f) != 2 {
		return errors.New("want a number and a unit")
	}
	for _, r := range f[0] {
		if r < '0' || r > '9' {
			return errors.New("not a number")
		}
	}
	switch f[1] {
	case "werkdag", "werkdagen", "dag", "dagen", "week", "weken", "weeks", "days", "working", "maand", "maanden", "month", "months":
		return nil
	}
	return errors.New("unknown unit")
}

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, procedure.Amsterdam)
}

// single parses one command line followed by what a valid message needs
// around it, and returns the command and the errors of that line only.
func single(t *testing.T, line string) (Command, []LineError) {
	t.Helper()
	m := Parse(line+"\n", termOK)
	var own []LineError
	for _, e := range m.Errors {
		if e.Line == 1 && !strings.Contains(e.Reason, "needs") && !strings.Contains(e.Reason, "goes with") {
			own = append(own, e)
		}
	}
	if len(m.Commands) == 1 {
		return m.Commands[0], own
	}
	return Command{}, own
}

func TestParseValues(t *testing.T) {
	tests := []struct {
		line string
		want Command // Line, Raw are checked apart; Kind, Key, Value and parsed fields here
	}{
		{"Behandelaar: piet@example.nl", Command{Kind: KindHandler, Key: "Behandelaar", Value: "piet@example.nl", Address: addr("", "piet@example.nl")}},
		{"handler:   Anna Smit <anna@example.nl>  ", Command{Kind: KindHandler, Key: "handler", Value: "Anna Smit <anna@example.nl>", Address: addr("Anna Smit", "anna@example.nl")}},
		{"BEHANDELAAR: Anna", Command{Kind: KindHandler, Key: "BEHANDELAAR", Value: "Anna"}},
		{"Categorie: planning, , facturering ,", Command{Kind: KindCategories, Key: "Categorie", Value: "planning, , facturering ,", List: []string{"planning", "facturering"}}},
		{"Category: invoice", Command{Kind: KindCategories, Key: "Category", Value: "invoice", List: []string{"invoice"}}},
		{"Categorieën: bejegening,planning", Command{Kind: KindCategories, Key: "Categorieën", Value: "bejegening,planning", List: []string{"bejegening", "planning"}}},
		{"Betrokkene: Jan de Vries <jan@example.nl>", Command{Kind: KindConcerns, Key: "Betrokkene", Value: "Jan de Vries <jan@example.nl>", Address: addr("Jan de Vries", "jan@example.nl")}},
		{"concerns: Jan de Vries, jan@example.nl", Command{Kind: KindConcerns, Key: "concerns", Value: "Jan de Vries, jan@example.nl", Address: addr("Jan de Vries", "jan@example.nl")}},
		{"Concerns: jan@example.nl", Command{Kind: KindConcerns, Key: "Concerns", Value: "jan@example.nl", Address: addr("", "jan@example.nl")}},
		{"Uitstel: 2026-12-24", Command{Kind: KindExtend, Key: "Uitstel", Value: "2026-12-24", Date: date(2026, 12, 24)}},
		{"Uitstel: 24-12-2026", Command{Kind: KindExtend, Key: "Uitstel", Value: "24-12-2026", Date: date(2026, 12, 24)}},
		{"uitstel:  24 december   2026", Command{Kind: KindExtend, Key: "uitstel", Value: "24 december   2026", Date: date(2026, 12, 24)}},
		{"Extend: 24 Dec 2026", Command{Kind: KindExtend, Key: "Extend", Value: "24 Dec 2026", Date: date(2026, 12, 24)}},
		{"Extend: December 24, 2026", Command{Kind: KindExtend, Key: "Extend", Value: "December 24, 2026", Date: date(2026, 12, 24)}},
		{"Uitstel: do 24 dec. 2026", Command{Kind: KindExtend, Key: "Uitstel", Value: "do 24 dec. 2026", Date: date(2026, 12, 24)}},
		{"Uitstel: 1 mrt 2027", Command{Kind: KindExtend, Key: "Uitstel", Value: "1 mrt 2027", Date: date(2027, 3, 1)}},
		{"Uitstel: 2 weken", Command{Kind: KindExtend, Key: "Uitstel", Value: "2 weken", Term: "2 weken"}},
		{"EXTEND: 10 werkdagen", Command{Kind: KindExtend, Key: "EXTEND", Value: "10 werkdagen", Term: "10 werkdagen"}},
		{"Extend: 2 weeks", Command{Kind: KindExtend, Key: "Extend", Value: "2 weeks", Term: "2 weeks"}},
		{"Reden: de coach is met verlof", Command{Kind: KindReason, Key: "Reden", Value: "de coach is met verlof"}},
		{"Reason: the coach is on leave", Command{Kind: KindReason, Key: "Reason", Value: "the coach is on leave"}},
		{"Oordeel: gegrond", Command{Kind: KindVerdict, Key: "Oordeel", Value: "gegrond", Verdict: values.VerdictFounded}},
		{"Oordeel: Ongegrond.", Command{Kind: KindVerdict, Key: "Oordeel", Value: "Ongegrond.", Verdict: values.VerdictUnfounded}},
		{"oordeel: deels   gegrond", Command{Kind: KindVerdict, Key: "oordeel", Value: "deels   gegrond", Verdict: values.VerdictPartlyFounded}},
		{"Oordeel: niet-ontvankelijk", Command{Kind: KindVerdict, Key: "Oordeel", Value: "niet-ontvankelijk", Verdict: values.VerdictInadmissible}},
		{"Oordeel: Niet ontvankelijk", Command{Kind: KindVerdict, Key: "Oordeel", Value: "Niet ontvankelijk", Verdict: values.VerdictInadmissible}},
		{"Verdict: founded", Command{Kind: KindVerdict, Key: "Verdict", Value: "founded", Verdict: values.VerdictFounded}},
		{"Verdict: UNFOUNDED", Command{Kind: KindVerdict, Key: "Verdict", Value: "UNFOUNDED", Verdict: values.VerdictUnfounded}},
		{"Verdict: partly founded", Command{Kind: KindVerdict, Key: "Verdict", Value: "partly founded", Verdict: values.VerdictPartlyFounded}},
		{"Verdict: partly_founded", Command{Kind: KindVerdict, Key: "Verdict", Value: "partly_founded", Verdict: values.VerdictPartlyFounded}},
		{"Verdict: inadmissible", Command{Kind: KindVerdict, Key: "Verdict", Value: "inadmissible", Verdict: values.VerdictInadmissible}},
		{"Status: afgehandeld", Command{Kind: KindStatus, Key: "Status", Value: "afgehandeld", Status: StatusClosed}},
		{"Status: Gesloten", Command{Kind: KindStatus, Key: "Status", Value: "Gesloten", Status: StatusClosed}},
		{"status: closed", Command{Kind: KindStatus, Key: "status", Value: "closed", Status: StatusClosed}},
		{"Status: heropend", Command{Kind: KindStatus, Key: "Status", Value: "heropend", Status: StatusReopened}},
		{"Status: heropen", Command{Kind: KindStatus, Key: "Status", Value: "heropen", Status: StatusReopened}},
		{"Status: Reopened", Command{Kind: KindStatus, Key: "Status", Value: "Reopened", Status: StatusReopened}},
		{"Status: reopen", Command{Kind: KindStatus, Key: "Status", Value: "reopen", Status: StatusReopened}},
		{"Samenvoegen: KL-2026-0002", Command{Kind: KindMerge, Key: "Samenvoegen", Value: "KL-2026-0002", Number: "KL-2026-0002"}},
		{"merge: [kl-2026-0002]", Command{Kind: KindMerge, Key: "merge", Value: "[kl-2026-0002]", Number: "KL-2026-0002"}},
		{"Verzonden: 2026-12-01", Command{Kind: KindPosted, Key: "Verzonden", Value: "2026-12-01", Date: date(2026, 12, 1), LetterKind: LetterDecision}},
		{"Verzonden: vandaag", Command{Kind: KindPosted, Key: "Verzonden", Value: "vandaag", Today: true, LetterKind: LetterDecision}},
		{"Verzonden: 2026-12-01 beslissing", Command{Kind: KindPosted, Key: "Verzonden", Value: "2026-12-01 beslissing", Date: date(2026, 12, 1), LetterKind: LetterDecision}},
		{"Verzonden: 1 december 2026 uitstel", Command{Kind: KindPosted, Key: "Verzonden", Value: "1 december 2026 uitstel", Date: date(2026, 12, 1), LetterKind: LetterDelay}},
		{"verzonden: Vandaag afwijzing", Command{Kind: KindPosted, Key: "verzonden", Value: "Vandaag afwijzing", Today: true, LetterKind: LetterRejection}},
		{"Posted: today acknowledgement", Command{Kind: KindPosted, Key: "Posted", Value: "today acknowledgement", Today: true, LetterKind: LetterAcknowledgement}},
		{"Posted: closing 01-12-2026", Command{Kind: KindPosted, Key: "Posted", Value: "closing 01-12-2026", Date: date(2026, 12, 1), LetterKind: LetterClosing}},
		{"Verzonden: ontvangstbevestiging vandaag", Command{Kind: KindPosted, Key: "Verzonden", Value: "ontvangstbevestiging vandaag", Today: true, LetterKind: LetterAcknowledgement}},
		{"Adres: Dorpsstraat 1; 1234 AB  Utrecht", Command{Kind: KindAddress, Key: "Adres", Value: "Dorpsstraat 1; 1234 AB  Utrecht", List: []string{"Dorpsstraat 1", "1234 AB Utrecht"}}},
		{"Address: Dorpsstraat 1, 1234 AB Utrecht", Command{Kind: KindAddress, Key: "Address", Value: "Dorpsstraat 1, 1234 AB Utrecht", List: []string{"Dorpsstraat 1", "1234 AB Utrecht"}}},
		{"Eenvoudig: ja", Command{Kind: KindSimple, Key: "Eenvoudig", Value: "ja", Bool: true}},
		{"Eenvoudig: Nee", Command{Kind: KindSimple, Key: "Eenvoudig", Value: "Nee", Bool: false}},
		{"Simple: YES", Command{Kind: KindSimple, Key: "Simple", Value: "YES", Bool: true}},
		{"simple: no", Command{Kind: KindSimple, Key: "simple", Value: "no", Bool: false}},
		{"  Oordeel :gegrond", Command{}}, // no space after the colon: not a key line
		{"Oordeel : gegrond", Command{Kind: KindVerdict, Key: "Oordeel", Value: "gegrond", Verdict: values.VerdictFounded}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, errs := single(t, tt.line)
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if tt.want.Kind == "" {
				if got.Kind != "" {
					t.Fatalf("got command %+v, want none", got)
				}
				return
			}
			if got.Line != 1 || got.Raw != tt.line {
				t.Errorf("Line, Raw = %d, %q; want 1, %q", got.Line, got.Raw, tt.line)
			}
			got.Line, got.Raw = 0, ""
			if !got.Date.Equal(tt.want.Date) || got.Date.Location().String() != tt.want.Date.Location().String() {
				t.Errorf("Date = %v, want %v", got.Date, tt.want.Date)
			}
			got.Date, tt.want.Date = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseValueErrors(t *testing.T) {
	tests := []struct {
		line     string
		reasonEN string // a fragment
		messNL   string // ErrorNL, exactly
	}{
		{"Oordeel: half", "unknown verdict", `regel 1 "Oordeel: half" — onbekend oordeel; gebruik gegrond, ongegrond, deels gegrond of niet-ontvankelijk`},
		{"Verdict:", "empty value", `regel 1 "Verdict:" — geen waarde; gebruik gegrond, ongegrond, deels gegrond of niet-ontvankelijk`},
		{"Behandelaar: piet@", "invalid email address", `regel 1 "Behandelaar: piet@" — ongeldig e-mailadres; gebruik een e-mailadres of een naam, bijvoorbeeld "Behandelaar: piet@example.nl"`},
		{"Betrokkene: Jan de Vries", "no valid email address", `regel 1 "Betrokkene: Jan de Vries" — geen geldig e-mailadres; gebruik een naam en e-mailadres, bijvoorbeeld "Betrokkene: Jan de Vries <jan@example.nl>"`},
		{"Betrokkene: jan@example.nl, piet@example.nl", "no valid email address", ""},
		{"Categorie: , ,", "no category", ""},
		{"Adres: ;", "no address lines", ""},
		{"Uitstel: 31-02-2026", "no such date", `regel 1 "Uitstel: 31-02-2026" — ongeldige datum; gebruik een datum (2026-12-24, 24-12-2026, 24 december 2026) of een termijn (2 weken, 10 werkdagen)`},
		{"Uitstel: 24 decembre 2026", "unknown month", ""},
		{"Uitstel: 2026-13-01", "no such date", ""},
		{"Uitstel: volgende week", "not a date or term (not a number)", `regel 1 "Uitstel: volgende week" — geen datum of termijn; gebruik een datum (2026-12-24, 24-12-2026, 24 december 2026) of een termijn (2 weken, 10 werkdagen)`},
		{"Uitstel: 2 eeuwen", "not a date or term (unknown unit)", ""},
		{"Status: open", "unknown status", `regel 1 "Status: open" — onbekende status; gebruik afgehandeld of heropend`},
		{"Samenvoegen: 2026-0002", "not a dossier number", ""},
		{"Merge: KL-2026-0002 en KL-2026-0003", "not a dossier number", ""},
		{"Verzonden: gisteren", "not a date", ""},
		{"Verzonden: 2026-12-01 brief", "not a date", `regel 1 "Verzonden: 2026-12-01 brief" — ongeldige datum of brief; gebruik een datum (2026-12-01, 1-12-2026, 1 december 2026) of "vandaag", eventueel gevolgd door de brief: ontvangstbevestiging, uitstel, beslissing, afwijzing of afsluiting`},
		{"Verzonden: beslissing", "not a date", ""},
		{"Eenvoudig: misschien", "not yes or no", `regel 1 "Eenvoudig: misschien" — geen ja of nee; gebruik ja of nee`},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, errs := single(t, tt.line)
			if got.Kind != "" {
				t.Errorf("command %+v kept despite the error", got)
			}
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want 1", errs)
			}
			e := errs[0]
			if e.Line != 1 || e.Raw != tt.line {
				t.Errorf("Line, Raw = %d, %q", e.Line, e.Raw)
			}
			if !strings.Contains(e.Reason, tt.reasonEN) {
				t.Errorf("Reason = %q, want it to contain %q", e.Reason, tt.reasonEN)
			}
			if e.ReasonNL == "" {
				t.Error("ReasonNL is empty")
			}
			if tt.messNL != "" && e.ErrorNL() != tt.messNL {
				t.Errorf("ErrorNL =\n%s\nwant\n%s", e.ErrorNL(), tt.messNL)
			}
			if want := `line 1 "` + tt.line + `": `; !strings.HasPrefix(e.Error(), want) {
				t.Errorf("Error = %q, want prefix %q", e.Error(), want)
			}
		})
	}
}

func addr(name, a string) *mail.Address { return &mail.Address{Name: name, Address: a} }

func kinds(cmds []Command) []Kind {
	var ks []Kind
	for _, c := range cmds {
		ks = append(ks, c.Kind)
	}
	return ks
}

func TestParseBlock(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		kinds  []Kind
		lines  []int
		body   string
		errors []int // lines of the errors
	}{
		{
			name:  "no commands: ordinary reply",
			text:  "Beste Jan,\n\nDank voor uw bericht.\n",
			body:  "Beste Jan,\n\nDank voor uw bericht.\n",
			kinds: nil,
		},
		{
			name: "first line with an unknown key: no command block",
			text: "Beste klant: wij hebben uw bericht ontvangen.\nStatus: afgehandeld\n",
			body: "Beste klant: wij hebben uw bericht ontvangen.\nStatus: afgehandeld\n",
		},
		{
			name: "first line key without value, unknown: no command block",
			text: "Beste klant:\n\nWij bellen u.\n",
			body: "Beste klant:\n\nWij bellen u.\n",
		},
		{
			name: "url on the first line is not a key",
			text: "https://example.nl/klachten\nStatus: afgehandeld\n",
			body: "https://example.nl/klachten\nStatus: afgehandeld\n",
		},
		{
			name:  "leading blank lines skipped, block ends at blank line",
			text:  "\n\n  \nStatus: afgehandeld\nCategorie: planning\n\nStatus: heropend\n",
			kinds: []Kind{KindStatus, KindCategories},
			lines: []int{4, 5},
			body:  "Status: heropend\n",
		},
		{
			name:  "block ends at a line that is not a key line",
			text:  "Status: afgehandeld\nDank voor het gesprek.\nStatus: heropend\n",
			kinds: []Kind{KindStatus},
			lines: []int{1},
			body:  "Dank voor het gesprek.\nStatus: heropend\n",
		},
		{
			name:   "unknown key inside the block is an error and the block goes on",
			text:   "Status: afgehandeld\nPrioriteit: hoog\nCategorie: planning\n\ntekst",
			kinds:  []Kind{KindStatus, KindCategories},
			lines:  []int{1, 3},
			body:   "tekst",
			errors: []int{2},
		},
		{
			name:   "two-word unknown key inside the block",
			text:   "Status: afgehandeld\nBeste klant: hallo\n\ntekst",
			kinds:  []Kind{KindStatus},
			lines:  []int{1},
			body:   "tekst",
			errors: []int{2},
		},
		{
			name:   "invalid first command still starts a block",
			text:   "Status: open\nGroet Piet: x\n",
			errors: []int{1, 2},
			body:   "",
		},
		{
			name:  "section header ends the block",
			text:  "Oordeel: gegrond\nFeiten: a\nStandpunt: b\n",
			kinds: []Kind{KindVerdict},
			lines: []int{1},
			body:  "Feiten: a\nStandpunt: b\n",
		},
		{
			name:  "Reden without value ends the block",
			text:  "Oordeel: niet-ontvankelijk\nReden:\nbuiten de regeling\n",
			kinds: []Kind{KindVerdict},
			lines: []int{1},
			body:  "Reden:\nbuiten de regeling\n",
		},
		{
			name:  "commands only",
			text:  "Status: afgehandeld",
			kinds: []Kind{KindStatus},
			lines: []int{1},
			body:  "",
		},
		{
			name:  "CRLF",
			text:  "Status: afgehandeld\r\nEenvoudig: ja\r\n\r\nDank.\r\n",
			kinds: []Kind{KindStatus, KindSimple},
			lines: []int{1, 2},
			body:  "Dank.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Parse(tt.text, termOK)
			if got := kinds(m.Commands); !reflect.DeepEqual(got, tt.kinds) {
				t.Errorf("kinds = %v, want %v", got, tt.kinds)
			}
			var lines []int
			for _, c := range m.Commands {
				lines = append(lines, c.Line)
			}
			if !reflect.DeepEqual(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}
			if m.Body != tt.body {
				t.Errorf("Body = %q, want %q", m.Body, tt.body)
			}
			var errLines []int
			for _, e := range m.Errors {
				errLines = append(errLines, e.Line)
			}
			if !reflect.DeepEqual(errLines, tt.errors) {
				t.Errorf("error lines = %v, want %v (%v)", errLines, tt.errors, m.Errors)
			}
		})
	}
}

func TestUnknownKeyMessage(t *testing.T) {
	m := Parse("Status: afgehandeld\nPrioriteit: hoog\n", termOK)
	if len(m.Errors) != 1 {
		t.Fatalf("errors = %v", m.Errors)
	}
	want := `regel 2 "Prioriteit: hoog" — onbekende opdracht "Prioriteit"; bekend zijn Behandelaar, Categorie, Betrokkene, Uitstel, Reden, Oordeel, Status, Samenvoegen, Verzonden, Adres, Eenvoudig (of laat een witregel voor de tekst)`
	if got := m.Errors[0].ErrorNL(); got != want {
		t.Errorf("ErrorNL =\n%s\nwant\n%s", got, want)
	}
}

func TestParseSections(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Sections
	}{
		{
			name: "same line and continuation",
			body: "Intro.\n\nFeiten: a\nb\n\nStandpunt:\nc\n\nMaatregelen: d\n",
			want: Sections{Facts: "a\nb", Position: "c", Measures: "d"},
		},
		{
			name: "english and mixed case",
			body: "FACTS: a\nposition: b\nMeasures:   c  ",
			want: Sections{Facts: "a", Position: "b", Measures: "c"},
		},
		{
			name: "reason section",
			body: "Reden:\nvalt buiten de regeling\n",
			want: Sections{Reason: "valt buiten de regeling"},
		},
		{
			name: "signature ends the last section",
			body: "Feiten: a\nStandpunt: b\n\nGroet,\nPiet\n-- \nPiet de Boer\n",
			want: Sections{Facts: "a", Position: "b\n\nGroet,\nPiet"},
		},
		{
			name: "a section given twice is joined",
			body: "Feiten: a\nFeiten: b\n",
			want: Sections{Facts: "a\n\nb"},
		},
		{
			name: "no sections",
			body: "Dank voor uw bericht.\nGroet: Piet\n",
			want: Sections{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParseSections(tt.body); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		errors []string // "line: fragment of Reason"
	}{
		{name: "extend with reason", text: "Uitstel: 2 weken\nReden: verlof\n"},
		{name: "extend with reason section", text: "Uitstel: 2 weken\n\nReden: verlof van de coach\n"},
		{name: "extend without reason", text: "Uitstel: 2 weken\n", errors: []string{"1: extension needs a Reason:/Reden: line"}},
		{name: "reason alone", text: "Status: afgehandeld\nReden: klaar\n", errors: []string{"2: a reason goes with Extend:/Uitstel: or with Verdict: inadmissible"}},
		{name: "reason with a founded verdict", text: "Oordeel: gegrond\nReden: x\n\nFeiten: a\nStandpunt: b\n", errors: []string{"2: a reason goes with"}},
		{name: "verdict with sections", text: "Oordeel: gegrond\n\nFeiten: a\nStandpunt: b\n"},
		{name: "verdict without sections", text: "Oordeel: ongegrond\n\nDe klacht is ongegrond.\n", errors: []string{"1: a verdict needs Feiten:/Facts: and Standpunt:/Position: in the body; missing: Facts:, Position:"}},
		{name: "verdict without position", text: "Verdict: founded\n\nFacts: a\nMeasures: c\n", errors: []string{"1: missing: Position:"}},
		{name: "verdict with an empty section", text: "Oordeel: gegrond\n\nFeiten:\nStandpunt: b\n", errors: []string{"1: missing: Facts:"}},
		{name: "inadmissible with reason line", text: "Oordeel: niet-ontvankelijk\nReden: andere aanbieder\n"},
		{name: "inadmissible with reason section", text: "Oordeel: niet-ontvankelijk\n\nReden: andere aanbieder\n"},
		{name: "inadmissible without reason", text: "Oordeel: niet-ontvankelijk\n\nGroet\n", errors: []string{"1: an inadmissible verdict needs a reason"}},
		{name: "duplicate key in two languages", text: "Status: afgehandeld\nCategorie: a\nstatus: heropend\nCategory: b\n", errors: []string{"3: status is given twice (also on line 1)", "4: Category is given twice (also on line 2)"}},
		{name: "failed extend gives no reason error", text: "Uitstel: morgen\nReden: verlof\n", errors: []string{"1: not a date or term"}},
		{name: "failed verdict gives no section error", text: "Oordeel: half\n", errors: []string{"1: unknown verdict"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Parse(tt.text, termOK)
			if len(m.Errors) != len(tt.errors) {
				t.Fatalf("errors = %v, want %v", m.Errors, tt.errors)
			}
			for i, want := range tt.errors {
				line, frag, _ := strings.Cut(want, ": ")
				e := m.Errors[i]
				if got := e.Line; strconv.Itoa(got) != line || !strings.Contains(e.Reason, frag) {
					t.Errorf("error %d = %d %q, want %s %q", i, e.Line, e.Reason, line, frag)
				}
				if e.ReasonNL == "" {
					t.Errorf("error %d has no Dutch reason", i)
				}
			}
		})
	}
}

func TestValidateExported(t *testing.T) {
	cmds := []Command{{Kind: KindExtend, Line: 3, Raw: "Extend: 2 weeks", Key: "Extend", Term: "2 weeks"}}
	errs := Validate(cmds, Sections{})
	if len(errs) != 1 || errs[0].Line != 3 {
		t.Fatalf("errors = %v", errs)
	}
	if errs := Validate(cmds, Sections{Reason: "leave"}); len(errs) != 0 {
		t.Fatalf("errors = %v", errs)
	}
}

func TestTermNil(t *testing.T) {
	m := Parse("Uitstel: volgende week\nReden: x\n", nil)
	if len(m.Errors) != 0 || len(m.Commands) != 2 || m.Commands[0].Term != "volgende week" {
		t.Fatalf("got %+v", m)
	}
}

func TestSamples(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, m Message)
	}{
		{"verdict_nl.txt", func(t *testing.T, m Message) {
			if got := kinds(m.Commands); !reflect.DeepEqual(got, []Kind{KindVerdict, KindCategories, KindConcerns}) {
				t.Fatalf("kinds = %v", got)
			}
			if m.Commands[0].Verdict != values.VerdictPartlyFounded || !reflect.DeepEqual(m.Commands[1].List, []string{"planning", "facturering"}) ||
				m.Commands[2].Address.Address != "jan@example.nl" || m.Commands[2].Address.Name != "Jan de Vries" {
				t.Errorf("commands = %+v", m.Commands)
			}
			want := Sections{
				Facts:    "Op 12 november 2026 is uw sessie zonder bericht afgezegd.\nDe coach was ziek; het secretariaat heeft u niet gebeld.",
				Position: "Een afzegging zonder bericht hoort niet. De factuur voor de sessie\nwas wel terecht, omdat de sessie later is ingehaald.",
				Measures: "Het secretariaat belt voortaan iedere deelnemer bij een\nafzegging. U krijgt de reiskosten vergoed.\n\nMet vriendelijke groet,\nPiet de Boer",
			}
			if m.Sections != want {
				t.Errorf("sections =\n%+v\nwant\n%+v", m.Sections, want)
			}
			if !strings.HasPrefix(m.Body, "Beste mevrouw Jansen,\n") {
				t.Errorf("body = %q", m.Body)
			}
		}},
		{"verdict_en.txt", func(t *testing.T, m Message) {
			if got := kinds(m.Commands); !reflect.DeepEqual(got, []Kind{KindVerdict, KindHandler}) {
				t.Fatalf("kinds = %v", got)
			}
			want := Sections{
				Facts:    "the session of 12 November was cancelled without notice.",
				Position: "a cancellation without notice is not acceptable.",
				Measures: "the office will phone every participant when a session is\ncancelled.",
			}
			if m.Sections != want {
				t.Errorf("sections = %+v", m.Sections)
			}
		}},
		{"inadmissible_nl.txt", func(t *testing.T, m Message) {
			if got := kinds(m.Commands); !reflect.DeepEqual(got, []Kind{KindVerdict}) || m.Commands[0].Verdict != values.VerdictInadmissible {
				t.Fatalf("commands = %+v", m.Commands)
			}
			if want := "De klacht gaat over een training van een andere aanbieder; die valt\nbuiten onze klachtenregeling.\n\nMet vriendelijke groet,\nPiet"; m.Sections.Reason != want {
				t.Errorf("reason = %q", m.Sections.Reason)
			}
		}},
		{"extend_nl.txt", func(t *testing.T, m Message) {
			if got := kinds(m.Commands); !reflect.DeepEqual(got, []Kind{KindExtend, KindReason}) {
				t.Fatalf("kinds = %v", got)
			}
			if m.Commands[0].Term != "2 weken" || m.Commands[1].Value != "de betrokken coach is tot 10 december met verlof." {
				t.Errorf("commands = %+v", m.Commands)
			}
			if m.Body != "Beste mevrouw Jansen, wij hebben meer tijd nodig.\n" {
				t.Errorf("body = %q", m.Body)
			}
		}},
		{"relay_nl.txt", func(t *testing.T, m Message) {
			if len(m.Commands) != 0 {
				t.Fatalf("commands = %+v", m.Commands)
			}
			b, _ := os.ReadFile(filepath.Join("testdata", "relay_nl.txt"))
			if m.Body != string(b) {
				t.Errorf("body = %q", m.Body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			m := Parse(string(b), termOK)
			if len(m.Errors) != 0 {
				t.Fatalf("errors: %v", m.Errors)
			}
			tt.check(t, m)
		})
	}
}

func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("Verzonden: 2026-12-01 beslissing\nUitstel: 31-02-2026\nOordeel: half\n")
	f.Fuzz(func(t *testing.T, text string) {
		m := Parse(text, termOK)
		lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
		for _, c := range m.Commands {
			if c.Line < 1 || c.Line > len(lines) || lines[c.Line-1] != c.Raw {
				t.Fatalf("command %+v does not point at its line", c)
			}
			if c.Kind == "" || c.Value == "" {
				t.Fatalf("command %+v without kind or value", c)
			}
		}
		for _, e := range m.Errors {
			if e.Line < 1 || e.Line > len(lines) || lines[e.Line-1] != e.Raw {
				t.Fatalf("error %+v does not point at its line", e)
			}
			if e.Reason == "" || e.ReasonNL == "" {
				t.Fatalf("error %+v without a reason", e)
			}
		}
		if len(m.Commands) == 0 && len(m.Errors) == 0 && m.Body != strings.ReplaceAll(text, "\r\n", "\n") {
			t.Fatalf("no commands but the body is not the text")
		}
	})
}
