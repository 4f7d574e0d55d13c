package triage

import (
	"strings"
	"testing"
)

func TestLanguage(t *testing.T) {
	nlen := []string{"nl", "en"}
	tests := []struct {
		name    string
		text    string
		offered []string
		want    string
	}{
		{"dutch", "Ik ben het niet eens met de factuur die ik van jullie heb gekregen, want het bedrag is te hoog.", nlen, "nl"},
		{"english", "I do not agree with the invoice that I received from you, because the amount is far too high.", nlen, "en"},
		{"english first default", "Ik ben het niet eens met de factuur die ik van jullie heb gekregen, want het bedrag is te hoog.", []string{"en", "nl"}, "nl"},
		{"short falls back", "Bedankt!", []string{"en", "nl"}, "en"},
		{"short falls back nl", "Thanks!", nlen, "nl"},
		{"empty", "", nlen, "nl"},
		{"none offered", "Ik ben het niet eens met de factuur.", nil, ""},
		{"only one offered", "I do not agree with the invoice that I received from you.", []string{"nl"}, "nl"},
		{"mixed halves fall back", "Ik ben het niet eens met de factuur. I do not agree with the invoice at all.", []string{"en", "nl"}, "en"},
		{"quote ignored", "I do not agree with this and I want it fixed by you.\n\nOp 3 mrt. 2026 om 10:12 schreef Bakker <info@bakker.nl>:\n> Het is niet zo dat wij dit van u hebben gevraagd, maar wij willen het wel graag weten.\n> Het is voor ons ook niet makkelijk om dit te doen.", nlen, "en"},
		{"signature ignored", "Ik ben het niet eens met de factuur die ik van jullie heb gekregen.\n\nKind regards,\nThe team at the office of the firm that is in the city with the river and the bridge", []string{"en", "nl"}, "nl"},
		{"regional code", "I do not agree with the invoice that I received from you, because it is wrong.", []string{"nl-BE", "en-GB"}, "en-GB"},
		{"german", "Ich bin mit der Rechnung nicht einverstanden, die ich von Ihnen bekommen habe, und das ist nicht gut.", []string{"nl", "en", "de"}, "de"},
		{"french", "Je ne suis pas du tout satisfait de la facture que vous m'avez envoyée, et je vous demande une correction.", []string{"nl", "en", "fr"}, "fr"},
		{"german not offered", "Ich bin mit der Rechnung nicht einverstanden, die ich von Ihnen bekommen habe, und das ist nicht gut.", nlen, "nl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Language(tt.text, tt.offered); got != tt.want {
				t.Errorf("Language(%q, %v) = %q, want %q", tt.text, tt.offered, got, tt.want)
			}
		})
	}
}

// TestLanguageLabelled checks the language of every message of the labelled
// set (its "lang:" header) with Dutch and with English as the default.
func TestLanguageLabelled(t *testing.T) {
	var all []labelled
	for _, set := range labelledSets {
		all = append(all, loadLabelled(t, set.dir)...)
	}
	wrong := 0
	for _, m := range all {
		text := m.in.Subject + "\n\n" + m.in.Text
		// A text of a few words of its own may fall back to the default.
		short := wordCount(splitBody(m.in.Text, true).own) < 12
		for _, offered := range [][]string{{"nl", "en"}, {"en", "nl"}} {
			if got := Language(text, offered); got != m.lang && !(short && got == offered[0]) {
				wrong++
				t.Errorf("%s: Language(offered %v) = %q, want %q", m.name, offered, got, m.lang)
			}
		}
	}
	t.Logf("language: %d of %d right", 2*len(all)-wrong, 2*len(all))
}

func TestLanguageLong(t *testing.T) {
	text := strings.Repeat("Ik ben het niet eens met de factuur. ", 5000)
	if got := Language(text, []string{"en", "nl"}); got != "nl" {
		t.Errorf("got %q", got)
	}
}
