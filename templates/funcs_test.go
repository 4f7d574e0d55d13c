package templates

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

type fakeTerm struct{ n int }

// ptrTerm has its Language method on the pointer, as a procedure.Term might.
type ptrTerm struct{ days int }

func (p *ptrTerm) Language(lang string) string {
	if lang == "nl" {
		return fmt.Sprintf("%d werkdagen", p.days)
	}
	return fmt.Sprintf("%d working days", p.days)
}

func (f fakeTerm) Language(lang string) string {
	if lang == "nl" {
		return strings.Repeat("I", f.n) + " weken"
	}
	return strings.Repeat("I", f.n) + " weeks"
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2026, 4, 24, 14, 5, 0, 0, time.UTC)
	tests := []struct {
		lang, date, datetime string
	}{
		{"nl", "24 april 2026", "24 april 2026, 14:05"},
		{"en", "24 April 2026", "24 April 2026, 14:05"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			if got, err := formatDate(tc.lang, d); err != nil || got != tc.date {
				t.Errorf("date = %q, %v; want %q", got, err, tc.date)
			}
			if got, err := formatDateTime(tc.lang, d); err != nil || got != tc.datetime {
				t.Errorf("datetime = %q, %v; want %q", got, err, tc.datetime)
			}
			if _, err := formatDate(tc.lang, time.Time{}); err == nil {
				t.Error("zero date formatted without error")
			}
		})
	}
	if got, _ := formatDate("nl", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); got != "1 december 2026" {
		t.Errorf("december = %q", got)
	}
}

func TestFormatTerm(t *testing.T) {
	var nilTerm *fakeTerm
	tests := []struct {
		name    string
		lang    string
		v       any
		want    string
		wantErr bool
	}{
		{"languager nl", "nl", fakeTerm{2}, "II weken", false},
		{"languager en", "en", fakeTerm{2}, "II weeks", false},
		{"pointer", "en", &fakeTerm{1}, "I weeks", false},
		{"string", "nl", "14 dagen", "14 dagen", false},
		{"value with pointer method", "nl", ptrTerm{5}, "5 werkdagen", false},
		{"nil", "nl", nil, "", true},
		{"nil pointer", "nl", nilTerm, "", true},
		{"int", "nl", 14, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := formatTerm(tc.lang, tc.v)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("term = %q, %v; want %q, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestFormatVerdict(t *testing.T) {
	tests := []struct{ v, nl, en string }{
		{"founded", "gegrond", "founded"},
		{"unfounded", "ongegrond", "unfounded"},
		{"partly_founded", "deels gegrond", "partly founded"},
		{"inadmissible", "niet-ontvankelijk", "inadmissible"},
	}
	for _, tc := range tests {
		t.Run(tc.v, func(t *testing.T) {
			if got, err := formatVerdict("nl", tc.v); err != nil || got != tc.nl {
				t.Errorf("nl = %q, %v; want %q", got, err, tc.nl)
			}
			if got, err := formatVerdict("en", tc.v); err != nil || got != tc.en {
				t.Errorf("en = %q, %v; want %q", got, err, tc.en)
			}
		})
	}
	if _, err := formatVerdict("nl", "gegrond"); err == nil {
		t.Error("a Dutch word was accepted as a stored verdict value")
	}
}

func TestShorten(t *testing.T) {
	tests := []struct {
		name string
		n    int
		in   string
		want string
	}{
		{"short", 300, "Kort  bericht.\r\n\r\n\r\nTweede alinea.\n", "Kort bericht.\n\nTweede alinea."},
		{"cut at word", 20, "De factuur van € 1.250,00 klopt niet", "De factuur van € …"},
		{"cut at line break", 12, "Geachte heer,\nmevrouw", "Geachte …"},
		{"one long word", 5, "abcdefghij", "abcde …"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := shorten(tc.n, tc.in); got != tc.want {
				t.Errorf("shorten = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	long := "Op 2 april ontving ik uw factuur van € 1.250,00 voor het"
	tests := []struct{ name, in, want string }{
		{"blank lines", "a\r\n\r\n\r\nb  \n", "> a\n>\n> b"},
		{"leading blank lines", "\n\nx", "> x"},
		{"hard-wrapped prose is joined", long + "\ncoachingstraject.\nGroet,\nJosé", "> " + long + " coachingstraject.\n> Groet,\n> José"},
		{"list items keep their lines", long + "\n- een\n- twee", "> " + long + "\n> - een\n> - twee"},
		{"numbered items keep their lines", long + "\n1. een", "> " + long + "\n> 1. een"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := quote(tc.in); got != tc.want {
				t.Errorf("quote = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		name    string
		v       any
		want    int
		wantErr bool
	}{
		{"nil", nil, 0, false},
		{"slice", []string{"a", "b"}, 2, false},
		{"map", map[string]int{"a": 1}, 1, false},
		{"string", "abc", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := count(tc.v)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("count = %d, %v; want %d, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}
