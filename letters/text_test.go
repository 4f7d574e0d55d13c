package letters

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		width       int
		first, rest string
		want        []string
	}{
		{"fits", "kort", 72, "", "", []string{"kort"}},
		{"wraps at spaces", "aaa bbb ccc ddd", 8, "", "", []string{"aaa bbb", "ccc ddd"}},
		{"hanging indent", "aaa bbb ccc", 8, "- ", "  ", []string{"- aaa", "  bbb", "  ccc"}},
		{"euro stays with the amount", "prijs van € 1.250,00 excl", 12, "", "", []string{"prijs van", "€ 1.250,00", "excl"}},
		{"long word stays whole", "info+KL-2026-0001.abcdef.intern@example.nl x", 10, "", "", []string{"info+KL-2026-0001.abcdef.intern@example.nl", "x"}},
		{"empty with prefix", "", 72, "> ", "> ", []string{">"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := wrap(tc.in, tc.width, tc.first, tc.rest); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("wrap = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBreakLinesHard(t *testing.T) {
	got := breakLines("ab abcdefghij", func(w int) bool { return w <= 4 }, utf8.RuneCountInString, true)
	want := []string{"ab", "abcd", "efgh", "ij"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("breakLines = %q, want %q", got, want)
	}
}

func TestTextFacts(t *testing.T) {
	got := textFacts([][2]string{
		{"Kenmerk", "KL-2026-0001"},
		{"Beslissing uiterlijk", "22 mei 2026"},
		{"Een heel erg lang label dat niet past", "waarde"},
	})
	want := strings.Join([]string{
		"Kenmerk:               KL-2026-0001",
		"Beslissing uiterlijk:  22 mei 2026",
		"Een heel erg lang label dat niet past: waarde",
	}, "\n")
	if got != want {
		t.Errorf("textFacts =\n%s\nwant\n%s", got, want)
	}
}

func TestRenderText(t *testing.T) {
	blocks := []block{
		{kind: blockParagraph, text: "Beste klant,"},
		{kind: blockQuote, lines: []string{"een", "", strings.Repeat("woord ", 15)}},
		{kind: blockLiteral, text: "## marker ##"},
	}
	got := renderText(blocks, chromeFor("nl"), []string{"Piet Jansen", "Acme"})
	want := "Beste klant,\n\n> een\n>\n> woord woord woord woord woord woord woord woord woord woord woord\n> woord woord woord woord\n\n## marker ##\n\nMet vriendelijke groet,\n\nPiet Jansen\nAcme\n"
	if got != want {
		t.Errorf("renderText =\n%q\nwant\n%q", got, want)
	}
}
