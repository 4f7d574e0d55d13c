package triage

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitBody(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		forward   bool
		own       []string
		forwarded []string
	}{
		{
			name: "quoted lines skipped, text between them kept",
			text: "Dit klopt niet.\n> Uw factuur is verstuurd.\n> Met groet\nEn dit ook niet.",
			own:  []string{"Dit klopt niet.", "En dit ook niet."},
		},
		{
			name: "attribution ends the own text",
			text: "Prima, tot dan!\n\nOp 18 apr. 2026 om 11:02 schreef Bakker <info@bakker.nl>:\nHierbij bevestigen wij de afspraak.",
			own:  []string{"Prima, tot dan!", ""},
		},
		{
			name: "attribution wrapped over two lines",
			text: "Thanks.\nOn Sun, 12 Apr 2026 at 09:14, Linden Clinic\n<info@lindenclinic.co.uk> wrote:\nDear Mr Hughes,",
			own:  []string{"Thanks."},
		},
		{
			name: "outlook header block",
			text: "Zie hieronder.\nVan: Jan\nVerzonden: dinsdag 17 maart 2026 10:12\nOnderwerp: iets\nTekst van Jan.",
			own:  []string{"Zie hieronder."},
		},
		{
			name: "closing with comma starts the signature",
			text: "De monteur kwam niet.\n\nMet vriendelijke groet,\nJan de Vries\nKlachtenweg 1",
			own:  []string{"De monteur kwam niet.", ""},
		},
		{
			name: "closing with name on the line",
			text: "The engineer did not come.\nKind regards, Jan de Vries\nHeeft u een klacht? Bel ons.",
			own:  []string{"The engineer did not come."},
		},
		{
			name: "a sentence that starts like a closing is not one",
			text: "Bedankt voor niks, de monteur kwam weer niet.\nThanks for nothing.",
			own:  []string{"Bedankt voor niks, de monteur kwam weer niet.", "Thanks for nothing."},
		},
		{
			name: "dash-dash signature and a postscript",
			text: "Het werk is niet af.\n-- \nJan\n06-12345678\nPS: ik ben er echt klaar mee.",
			own:  []string{"Het werk is niet af.", "PS: ik ben er echt klaar mee."},
		},
		{
			name: "disclaimer",
			text: "Graag een reactie.\nDit e-mailbericht is uitsluitend bestemd voor de geadresseerde.\nKlachten: zie onze klachtenregeling.",
			own:  []string{"Graag een reactie."},
		},
		{
			name: "company footer line",
			text: "Factuur 12 in de bijlage.\nKvK 12345678 | BTW NL001 | IBAN NL00BANK0123\nBij klachten binnen 8 dagen melden.",
			own:  []string{"Factuur 12 in de bijlage."},
		},
		{
			name: "phone line dropped",
			text: "Wanneer komt u?\n\nVerzonden vanaf mijn iPhone",
			own:  []string{"Wanneer komt u?", ""},
		},
		{
			name:      "forward separator",
			text:      "FYI\n\n---------- Forwarded message ---------\nFrom: A <a@example.com>\nDate: Mon\nSubject: x\n\nNobody showed up.",
			own:       []string{"FYI", ""},
			forwarded: []string{"Nobody showed up."},
		},
		{
			name:      "a quote header counts as a forward when the subject says so",
			text:      "Ter registratie.\n-----Oorspronkelijk bericht-----\nVan: Receptie\nOnderwerp: notitie\n\nMevrouw belde, zeer ontevreden.",
			forward:   true,
			own:       []string{"Ter registratie."},
			forwarded: []string{"Mevrouw belde, zeer ontevreden."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := splitBody(tt.text, tt.forward)
			// The lines come back folded.
			if want := foldAll(tt.own); !reflect.DeepEqual(b.own, want) {
				t.Errorf("own = %q, want %q", b.own, want)
			}
			if want := foldAll(tt.forwarded); !reflect.DeepEqual(b.forwarded, want) {
				t.Errorf("forwarded = %q, want %q", b.forwarded, want)
			}
		})
	}
}

func foldAll(lines []string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, fold(l))
	}
	return out
}

func TestExpandContractions(t *testing.T) {
	got := expandContractions("i can't, won't, shan't, ain't, don't and haven't")
	if want := "i can not, will not, shall not, is not, do not and have not"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDropAddresses(t *testing.T) {
	got := dropAddresses("mail klachten@example.nl. of www.example.nl, of <https://x.nl/klacht>!")
	if strings.Contains(got, "klacht") || strings.Contains(got, "example") || !strings.Contains(got, ". of") || !strings.HasSuffix(got, ">!") {
		t.Errorf("got %q", got)
	}
}

func TestClauses(t *testing.T) {
	cls := clauses(fold("Ik betaalde € 1.250,00 op www.example.nl. Sindsdien: NIETS! Wat nu?\nGeïrriteerd, don't know\n\nnieuw klachten@example.nl"))
	var got []string
	for _, c := range cls {
		got = append(got, strings.Join(c.words, " ")+"|"+string(rune('0'+c.sentence))+map[bool]string{true: "?", false: ""}[c.question])
	}
	want := []string{
		"ik betaalde 1 250 00 op|0",
		"sindsdien niets|1",
		"wat nu|2?",
		"geirriteerd|3",
		"do not know|3",
		"nieuw|4",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("clauses =\n%q\nwant\n%q", got, want)
	}
}

func TestFold(t *testing.T) {
	if got, want := fold("GEÏRRITEERD Café ’s Ærø—ß"), "geirriteerd cafe 's aero-ss"; got != want {
		t.Errorf("fold = %q, want %q", got, want)
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("aé", 2); got != "a" {
		t.Errorf("truncate cut a rune: %q", got)
	}
	if got := truncate("abc", 5); got != "abc" {
		t.Errorf("truncate = %q", got)
	}
}
