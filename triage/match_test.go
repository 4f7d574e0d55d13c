package triage

import (
	"strings"
	"testing"
)

func TestCompileErrors(t *testing.T) {
	for _, src := range []string{
		"", "..", ".. klacht", "klacht ..", "kl*", "e-mail", "a|", "^",
	} {
		if _, err := compile(src); err == nil {
			t.Errorf("compile(%q): no error", src)
		}
	}
	for _, src := range []string{"klacht*", "niet .. tevreden", "^ als u .. klacht*", "al # keer", "#|twee keer", "geïrriteerd"} {
		if _, err := compile(src); err != nil {
			t.Errorf("compile(%q): %v", src, err)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, text string
		want          string // the words matched, "" for none
	}{
		{"klacht*", "mijn klachten", "klachten"},
		{"niet .. tevreden", "ik ben niet tevreden", "niet tevreden"},
		{"niet .. tevreden", "ik ben niet erg heel zeer tevreden", "niet erg heel zeer tevreden"},
		{"niet .. tevreden", "ik ben niet erg heel zeer echt tevreden", ""}, // gap of four
		{"niet .. tevreden", "ik ben niet, tevreden", ""},                   // not across clauses
		{"al # keer", "ik heb al 3x keer gebeld", "al 3x keer"},
		{"#|twee keer", "twee keer", "twee keer"},
		{"^ als u .. klacht*", "als u een klacht heeft", "als u een klacht"},
		{"^ als u .. klacht*", "ik weet niet of als u een klacht", ""},
		{"geen reactie|antwoord", "geen antwoord", "geen antwoord"},
		{"geïrriteerd", "Geirriteerd", "geirriteerd"},
	}
	for _, tt := range tests {
		p, err := compile(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		g := &group{id: "test"}
		p.group = g
		p.rule = &rule{pattern: tt.pattern}
		hits := newIndex([]*pattern{&p}).find(words(clauses(fold(tt.text))))
		got := ""
		if len(hits) > 0 {
			got = strings.Join(hits[0].wordsIn, " ")
		}
		if got != tt.want {
			t.Errorf("%q in %q: matched %q, want %q", tt.pattern, tt.text, got, tt.want)
		}
	}
}

// TestPick: where matches overlap, a group that knows another meaning
// wins, then the longer match, then the more specific one.
func TestPick(t *testing.T) {
	tests := []struct {
		text      string
		wantGroup string
		wantWords string
	}{
		{"dit is geen klacht", "denial", "geen klacht"},
		{"ik heb klachten aan mijn knie", "other-meaning", "klachten aan mijn knie"},
		{"ik ben niet tevreden", "dissatisfaction", "niet tevreden"},
		{"ik ben niet ontevreden", "denial", "niet ontevreden"},
		{"bent u niet tevreden", "other-meaning", "bent u niet tevreden"},
		{"ik wil een klacht indienen", "explicit", "ik wil een klacht"},
	}
	for _, tt := range tests {
		hits := textIndex.find(words(clauses(fold(tt.text))))
		found := false
		for _, h := range hits {
			if h.p.group.id == tt.wantGroup && strings.Join(h.wordsIn, " ") == tt.wantWords {
				found = true
			}
			if h.p.group.side != neutral && h.p.group.id != tt.wantGroup {
				for _, w := range strings.Fields(tt.wantWords) {
					for _, hw := range h.wordsIn {
						if hw == w && h.p.group.id != "question" {
							t.Errorf("%q: %s also matched %q", tt.text, h.p.group.id, h.wordsIn)
						}
					}
				}
			}
		}
		if !found {
			var got []string
			for _, h := range hits {
				got = append(got, h.p.group.id+":"+strings.Join(h.wordsIn, " "))
			}
			t.Errorf("%q: want %s %q, got %q", tt.text, tt.wantGroup, tt.wantWords, got)
		}
	}
}

// TestRuleTables checks the tables: every pattern compiles (done at
// initialisation, which panics otherwise), weights have the group's sign,
// and no two rules of a group have the same pattern.
func TestRuleTables(t *testing.T) {
	all := append(append(append([]*group{}, textGroups...), attachmentGroups...), senderGroups...)
	if _, err := compileGroups(all); err != nil {
		t.Fatal(err)
	}
	for _, g := range all {
		if g.side != neutral && (g.nl == "" || g.en == "") {
			t.Errorf("group %s has no reason", g.id)
		}
		seen := map[string]bool{}
		for _, r := range g.rules {
			for _, src := range strings.Split(r.pattern, ",") {
				src = strings.TrimSpace(src)
				if seen[src] {
					t.Errorf("group %s: pattern %q twice", g.id, src)
				}
				seen[src] = true
			}
		}
	}
	bad := &group{id: "bad", side: forComplaint, rules: []rule{{"klacht", -1}}}
	if _, err := compileGroups([]*group{bad}); err == nil {
		t.Error("a negative weight in a group for a complaint compiled")
	}
}
