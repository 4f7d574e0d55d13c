package triage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name   string
		in     Input
		want   Verdict
		groups []string // groups that must be among the signals
		absent []string // groups that must not be
	}{
		{
			name:   "announced complaint",
			in:     Input{Subject: "Klacht", Text: "Hierbij wil ik een klacht indienen over de monteur, die niet is komen opdagen."},
			want:   Complaint,
			groups: []string{"explicit", "grievance"},
		},
		{
			name:   "dissatisfaction and a grievance, no keyword",
			in:     Input{Text: "I'm really disappointed. You charged me twice for March and nobody answers the phone."},
			want:   Complaint,
			groups: []string{"dissatisfaction", "grievance"},
		},
		{
			name: "feelings alone are doubt",
			in:   Input{Text: "Ik ben woedend en teleurgesteld."},
			want: Doubt,
		},
		{
			name:   "denial",
			in:     Input{Text: "Dit is geen klacht hoor, maar kunt u mij de jaaropgave sturen?"},
			want:   NotComplaint,
			groups: []string{"denial"},
			absent: []string{"explicit"},
		},
		{
			name:   "footer of a supplier's invoice",
			in:     Input{Subject: "Factuur 2026-1", Text: "Hierbij ontvangt u de factuur. Gelieve het bedrag binnen 14 dagen over te maken.\n\nHeeft u een klacht? Mail klachten@leverancier.nl.", FromAddr: "facturen@leverancier.nl", Attachments: []string{"factuur_2026-1.pdf"}},
			want:   NotComplaint,
			groups: []string{"invoice"},
			absent: []string{"explicit"},
		},
		{
			name:   "medical complaints",
			in:     Input{Text: "Ik heb sinds kort klachten aan mijn onderrug. Kan ik een afspraak maken?"},
			want:   NotComplaint,
			absent: []string{"explicit"},
		},
		{
			name:   "a question to the reader in an advertisement",
			in:     Input{Text: "Niet tevreden over uw energieleverancier? Stap over naar ons!"},
			want:   NotComplaint,
			absent: []string{"dissatisfaction"},
		},
		{
			name:   "anger about someone else",
			in:     Input{Text: "Mijn werkgever is echt belachelijk bezig, afspraken worden niet nagekomen. Hebben jullie plek voor een nieuwe cliënt?"},
			want:   NotComplaint,
			groups: []string{"third-party"},
			absent: []string{"grievance", "dissatisfaction"},
		},
		{
			name:   "the writer's own fault",
			in:     Input{Subject: "Dubbel betaald", Text: "Ik heb per ongeluk twee keer betaald, mijn fout. Kunt u het terugstorten?"},
			want:   NotComplaint,
			groups: []string{"own-fault"},
		},
		{
			name:   "quoted complaint in a thank-you",
			in:     Input{Text: "Dank voor de snelle oplossing!\n\nOp 3 mrt. 2026 om 10:12 schreef Jan <jan@example.nl>:\n> Ik ben zeer ontevreden, de monteur is niet gekomen en ik wil mijn geld terug.", FromAddr: "jan@example.nl"},
			want:   NotComplaint,
			absent: []string{"dissatisfaction", "grievance", "redress"},
		},
		{
			name:   "complaint words in a signature",
			in:     Input{Text: "Kunt u mij uw openingstijden sturen?\n\nMet vriendelijke groet,\nJan\nKlachtenfunctionaris, ontevreden klanten? Bel ons!"},
			want:   NotComplaint,
			absent: []string{"dissatisfaction", "explicit"},
		},
		{
			name:   "a bare forward is read",
			in:     Input{Subject: "Fwd: jullie service", Text: "Zie onder.\n\n---------- Doorgestuurd bericht ---------\nVan: Pa <pa@example.nl>\nOnderwerp: service\n\nIk zit al twee weken zonder verwarming, niemand is gekomen. Dit is schandalig."},
			want:   Complaint,
			groups: []string{"grievance", "dissatisfaction"},
		},
		{
			name:   "attachment named complaint, sender from a newsletter",
			in:     Input{Text: "Zie bijlage.", Attachments: []string{"klachtbrief.pdf"}, FromAddr: "nieuwsbrief@example.nl"},
			want:   NotComplaint,
			groups: []string{"attachment-complaint", "sender"},
		},
		{
			name: "a sign of a problem and nothing else recognised is asked",
			in:   Input{Text: "De kraan die jullie vorige week hebben geplaatst lekt."},
			want: Doubt,
		},
		{
			name: "nothing at all",
			in:   Input{},
			want: NotComplaint,
		},
		{
			name:   "a creditor's angry reminder",
			in:     Input{Subject: "Laatste aanmaning", Text: "Wij hebben uw betaling nog steeds niet ontvangen. Dit is onacceptabel. Wij dragen de vordering over aan ons incassobureau."},
			want:   NotComplaint,
			groups: []string{"creditor"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Classify(tt.in)
			if r.Verdict != tt.want {
				t.Errorf("verdict %v, want %v: %s", r.Verdict, tt.want, r.Explain("en"))
			}
			has := map[string]bool{}
			for _, s := range r.Signals {
				has[s.Group] = true
			}
			for _, g := range tt.groups {
				if !has[g] {
					t.Errorf("no %s signal: %s", g, r.Explain("en"))
				}
			}
			for _, g := range tt.absent {
				if has[g] {
					t.Errorf("%s signal: %s", g, r.Explain("en"))
				}
			}
			sum := 0
			for _, s := range r.Signals {
				sum += s.Weight
			}
			if sum != r.Score {
				t.Errorf("score %d, signals add up to %d", r.Score, sum)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	r := Classify(Input{Subject: "Klacht", Text: "De monteur is niet gekomen. Ik wil mijn geld terug.\n\nGroet,\nJan"})
	nl, en := r.Explain("nl"), r.Explain("en")
	for _, want := range []string{"Klacht (score", "noemt zichzelf een klacht", `"klacht" (onderwerp, +4)`, `"niet gekomen" (tekst, +3)`, "vraagt om herstel"} {
		if !strings.Contains(nl, want) {
			t.Errorf("Explain(nl) lacks %q:\n%s", want, nl)
		}
	}
	for _, want := range []string{"Complaint (score", "calls itself a complaint", `"klacht" (subject, +4)`} {
		if !strings.Contains(en, want) {
			t.Errorf("Explain(en) lacks %q:\n%s", want, en)
		}
	}
	doubt := Classify(Input{Text: "Ik ben teleurgesteld."}).Explain("nl")
	if !strings.HasPrefix(doubt, "Twijfel") || !strings.Contains(doubt, "Beoordeel zelf") {
		t.Errorf("doubt explanation: %s", doubt)
	}
	none := Classify(Input{Text: "Wat zijn uw openingstijden?"}).Explain("en")
	if !strings.Contains(none, "No expression of dissatisfaction found") {
		t.Errorf("explanation without signals: %s", none)
	}
	for v, want := range map[Verdict]string{NotComplaint: "not-complaint", Doubt: "doubt", Complaint: "complaint", Verdict(7): "Verdict(7)"} {
		if v.String() != want {
			t.Errorf("%d.String() = %q", int(v), v.String())
		}
	}
	if InSender.String() != "sender" || Where(99).String() != "?" {
		t.Error("Where.String")
	}
}

// corpus returns the texts of the labelled set, for the fuzz seeds and the
// benchmarks.
func corpus(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no labelled messages: %v", err)
	}
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(data))
	}
	return out
}

func FuzzClassify(f *testing.F) {
	for _, c := range corpus(f)[:40] {
		f.Add("Klacht", c, "a@example.nl", "factuur.pdf")
	}
	f.Add("", "\xff\xfe>>>> --\n-- \nOp  schreef:", "@", "")
	f.Add("Fwd:", strings.Repeat("niet .. ", 100), "noreply@x", "cv-ketel.jpg")
	f.Fuzz(func(t *testing.T, subject, text, from, attachment string) {
		r := Classify(Input{Subject: subject, Text: text, FromAddr: from, Attachments: []string{attachment}})
		if r.Verdict < NotComplaint || r.Verdict > Complaint {
			t.Fatalf("verdict %d", r.Verdict)
		}
		sum := 0
		for _, s := range r.Signals {
			sum += s.Weight
		}
		if sum != r.Score {
			t.Fatalf("score %d, signals %d", r.Score, sum)
		}
		if r.Explain("nl") == "" || r.Explain("en") == "" {
			t.Fatal("empty explanation")
		}
	})
}

func FuzzLanguage(f *testing.F) {
	for _, c := range corpus(f)[:40] {
		f.Add(c)
	}
	f.Add("\xff\x00 > -- \n\n\n")
	f.Fuzz(func(t *testing.T, text string) {
		offered := []string{"nl", "en", "de"}
		got := Language(text, offered)
		if got != "nl" && got != "en" && got != "de" {
			t.Fatalf("Language = %q", got)
		}
	})
}

// tenKB is a realistic 10 KB message: labelled messages one after another.
func tenKB(b *testing.B) string {
	var sb strings.Builder
	for _, c := range corpus(b) {
		if sb.Len() >= 10<<10 {
			break
		}
		_, body, _ := strings.Cut(c, "\n\n")
		sb.WriteString(strings.ReplaceAll(body, "Met vriendelijke groet,", "Groet:"))
		sb.WriteString("\n\n")
	}
	return sb.String()[:10<<10]
}

// BenchmarkClassify10KB and BenchmarkLanguage10KB are to be read against
// BenchmarkBaseline10KB, a lower-casing of the same text in the same run.
//
//	go test -run '^$' -bench 10KB ./triage/
func BenchmarkClassify10KB(b *testing.B) {
	text := tenKB(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		Classify(Input{Subject: "Klacht", Text: text, FromAddr: "jan@example.nl", Attachments: []string{"foto.jpg"}})
	}
}

func BenchmarkLanguage10KB(b *testing.B) {
	text := tenKB(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		Language(text, []string{"nl", "en"})
	}
}

func BenchmarkBaseline10KB(b *testing.B) {
	text := tenKB(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		_ = strings.ToLower(text)
	}
}
