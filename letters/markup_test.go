package letters

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseMarkup(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []block
	}{
		{"paragraphs join lines", "Een\ntwee.\n\nDrie.", []block{
			{kind: blockParagraph, text: "Een twee."},
			{kind: blockParagraph, text: "Drie."},
		}},
		{"list with continuation", "Intro:\n- een\n  verder\n- twee\nNa.", []block{
			{kind: blockParagraph, text: "Intro:"},
			{kind: blockList, items: []string{"een verder", "twee"}},
			{kind: blockParagraph, text: "Na."},
		}},
		{"heading", "# Wat nu?\nTekst.", []block{
			{kind: blockHeading, text: "Wat nu?"},
			{kind: blockParagraph, text: "Tekst."},
		}},
		{"facts", "[[facts]]\nKenmerk: KL-2026-0001\n\nAdres: Straat 1: achter\nLeeg:\n[[/facts]]", []block{
			{kind: blockFacts, rows: [][2]string{{"Kenmerk", "KL-2026-0001"}, {"Adres", "Straat 1: achter"}, {"Leeg", ""}}},
		}},
		{"quote keeps lines", "> a\n>\n> - b\n>\nNa.", []block{
			{kind: blockQuote, lines: []string{"a", "", "- b"}},
			{kind: blockParagraph, text: "Na."},
		}},
		{"literal", `\## Antwoord boven deze regel ##` + "\n# Kop", []block{
			{kind: blockLiteral, text: "## Antwoord boven deze regel ##"},
			{kind: blockHeading, text: "Kop"},
		}},
		{"markup characters inside a paragraph", "Prijs:\n> 5", []block{
			{kind: blockParagraph, text: "Prijs:"},
			{kind: blockQuote, lines: []string{"5"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseMarkup(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("parseMarkup =\n%#v\nwant\n%#v", got, tc.want)
			}
		})
	}
}

func TestParseMarkupErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unclosed facts", "Tekst.\n[[facts]]\nA: b", "line 2: [[facts]] without [[/facts]]"},
		{"stray close", "[[/facts]]", "line 1: [[/facts]] without [[facts]]"},
		{"row without label", "[[facts]]\nA: b\nzomaar tekst\n[[/facts]]", `line 3: fact "zomaar tekst"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseMarkup(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
