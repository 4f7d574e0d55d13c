package procedure

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseTerm(t *testing.T) {
	tests := []struct {
		in   string
		want Term
	}{
		{"5 werkdagen", Term{5, WorkingDays}},
		{"1 werkdag", Term{1, WorkingDays}},
		{"5 working days", Term{5, WorkingDays}},
		{"1 working day", Term{1, WorkingDays}},
		{"  5   Working   Days ", Term{5, WorkingDays}},
		{"3 dagen", Term{3, Days}},
		{"3 days", Term{3, Days}},
		{"1 dag", Term{1, Days}},
		{"10 kalenderdagen", Term{10, Days}},
		{"2 weken", Term{2, Weeks}},
		{"1 week", Term{1, Weeks}},
		{"2 weeks", Term{2, Weeks}},
		{"2 WEKEN", Term{2, Weeks}},
		{"1 maand", Term{1, Months}},
		{"2 maanden", Term{2, Months}},
		{"1 month", Term{1, Months}},
		{"3 months", Term{3, Months}},
		{"1 jaar", Term{1, Years}},
		{"7 jaar", Term{7, Years}},
		{"1 year", Term{1, Years}},
		{"2 years", Term{2, Years}},
		{"0 werkdagen", Term{0, WorkingDays}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTerm(tc.in)
			if err != nil {
				t.Fatalf("ParseTerm(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseTerm(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseTermErrors(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"", "want a number and a unit (werkdagen/working days, dagen/days, weken/weeks, maanden/months, jaar/years)"},
		{"5", "want a number and a unit"},
		{"werkdagen", "want a number and a unit"},
		{"vijf werkdagen", `"vijf" is not a whole number`},
		{"-1 dagen", `"-1" is not a whole number`},
		{"1.5 weken", `"1.5" is not a whole number`},
		{"5 uur", `unknown unit "uur"; accepted: werkdagen/working days`},
		{"5 werk dagen", `unknown unit "werk dagen"`},
		{"2000 dagen", "more than 1000 units"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseTerm(tc.in)
			if err == nil {
				t.Fatalf("ParseTerm(%q): no error", tc.in)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseTerm(%q) error = %q, want it to contain %q", tc.in, err, tc.wantErr)
			}
		})
	}
}

func TestTermText(t *testing.T) {
	tests := []struct {
		term           Term
		english, dutch string
	}{
		{Term{5, WorkingDays}, "5 working days", "5 werkdagen"},
		{Term{1, WorkingDays}, "1 working day", "1 werkdag"},
		{Term{1, Days}, "1 day", "1 dag"},
		{Term{3, Days}, "3 days", "3 dagen"},
		{Term{1, Weeks}, "1 week", "1 week"},
		{Term{2, Weeks}, "2 weeks", "2 weken"},
		{Term{1, Months}, "1 month", "1 maand"},
		{Term{2, Months}, "2 months", "2 maanden"},
		{Term{1, Years}, "1 year", "1 jaar"},
		{Term{7, Years}, "7 years", "7 jaar"},
		{Term{}, "no term", "geen termijn"},
	}
	for _, tc := range tests {
		t.Run(tc.english, func(t *testing.T) {
			if got := tc.term.String(); got != tc.english {
				t.Errorf("String() = %q, want %q", got, tc.english)
			}
			if got := tc.term.Dutch(); got != tc.dutch {
				t.Errorf("Dutch() = %q, want %q", got, tc.dutch)
			}
			if got := tc.term.Language("nl"); got != tc.dutch {
				t.Errorf(`Language("nl") = %q, want %q`, got, tc.dutch)
			}
			if got := tc.term.Language("en"); got != tc.english {
				t.Errorf(`Language("en") = %q, want %q`, got, tc.english)
			}
			if tc.term.Unit == 0 {
				return
			}
			// Both forms parse back to the same term.
			for _, s := range []string{tc.english, tc.dutch} {
				back, err := ParseTerm(s)
				if err != nil || back != tc.term {
					t.Errorf("ParseTerm(%q) = %+v, %v; want %+v", s, back, err, tc.term)
				}
			}
		})
	}
}

func TestTermIsZero(t *testing.T) {
	tests := []struct {
		term Term
		want bool
	}{
		{Term{}, true},
		{Term{0, WorkingDays}, true},
		{Term{1, Days}, false},
	}
	for _, tc := range tests {
		t.Run(tc.term.String(), func(t *testing.T) {
			if got := tc.term.IsZero(); got != tc.want {
				t.Errorf("IsZero() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTermJSON(t *testing.T) {
	type doc struct {
		Decide Term `json:"decide"`
	}
	b, err := json.Marshal(doc{Term{4, Weeks}})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"decide":"4 weeks"}` {
		t.Errorf("marshal = %s", b)
	}
	var d doc
	if err := json.Unmarshal([]byte(`{"decide":"2 maanden"}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.Decide != (Term{2, Months}) {
		t.Errorf("unmarshal = %+v", d.Decide)
	}
	if err := json.Unmarshal([]byte(`{"decide":"2 fortnights"}`), &d); err == nil {
		t.Error("unmarshal of a bad term: no error")
	}
	if _, err := json.Marshal(doc{}); err == nil {
		t.Error("marshal of a term without unit: no error")
	}
}
