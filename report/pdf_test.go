package report

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// realisticFigures are the figures of a fabricated 2026 of 42 complaints,
// with 2025 (31 complaints) for the trend.
func realisticFigures(t testing.TB, lang string) Figures {
	t.Helper()
	org := OrgInfo{ID: "acme", Name: "Acme Opleidingen B.V.", Language: lang, AcknowledgeWithin: "5 werkdagen", DecideWithin: "4 weken"}
	if lang == "en" {
		org.AcknowledgeWithin, org.DecideWithin = "5 working days", "4 weeks"
	}
	records := append(realisticYear(t, 2026, 42, 7), realisticYear(t, 2025, 31, 7)...)
	f := Compute(2026, org, records)
	f.Date = at(t, "2027-01-15 08:00")
	f, err := f.WithPrevious(Compute(2025, org, records))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

const recommendations = `De meeste klachten gaan over facturen. Wij bevelen aan de vier-ogencontrole
uit te breiden naar alle facturen.

- Leg het aantal coachgesprekken vast in de intake.
- Evalueer de doorschakeling van het algemene nummer na de zomer.`

// pdfText runs pdftotext over a PDF (poppler-utils) and returns its text
// with white space runs collapsed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// keep writes the PDF to $REPORT_PDF_DIR when set, to look at it.
func keep(t *testing.T, name string, pdf []byte) {
	if dir := os.Getenv("REPORT_PDF_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPDFRealistic(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			f := realisticFigures(t, lang)
			opt := Options{Recommendations: recommendations, DiscussedOn: at(t, "2027-02-10 10:00")}
			pdf, err := PDF(f, opt)
			if err != nil {
				t.Fatal(err)
			}
			keep(t, "realistic-"+lang+".pdf", pdf)
			text := pdfText(t, pdf)
			var want []string
			if lang == "nl" {
				want = []string{"Acme Opleidingen B.V.", "Klachtenanalyse 2026", "Opgesteld op: 15 januari 2027", "Besproken op: 10 februari 2027",
					"Samenvatting", "Klachten per maand", "Onderwerpen", "Oordelen", "Termijnen", "Oorzaken", "Corrigerende maatregelen",
					"Preventieve maatregelen", "Aanbevelingen", "vier-ogencontrole", "Leg het aantal coachgesprekken vast", "Toelichting", "Pagina 1 van"}
			} else {
				want = []string{"Complaints analysis 2026", "Prepared on: 15 January 2027", "Discussed on: 10 February 2027",
					"Summary", "Complaints per month", "Verdicts", "Causes", "Recommendations", "Notes", "Page 1 of"}
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			// Every figure of the summary is in the text: the totals of both years.
			if !regexp.MustCompile(`(Ontvangen klachten|Complaints received) 42 31`).MatchString(text) {
				t.Errorf("summary does not read 42 against 31:\n%s", text)
			}
			// Every cause is listed by number.
			for _, c := range f.Current.Causes {
				if !strings.Contains(text, c.Number) {
					t.Errorf("cause of %s missing", c.Number)
				}
			}
			// No personal data: the phone number typed into a cause is gone.
			if strings.Contains(text, "12345678") || !strings.Contains(text, "[…]") {
				t.Errorf("phone number not removed from the cause")
			}
		})
	}
}

// TestPDFDeterministic renders the same figures twice, and once more from
// the frozen JSON copy: the bytes are the same.
func TestPDFDeterministic(t *testing.T) {
	f := realisticFigures(t, "nl")
	opt := Options{Recommendations: recommendations}
	a, err := PDF(f, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := PDF(f, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of the same figures differ")
	}
	frozen, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var g Figures
	if err := json.Unmarshal(frozen, &g); err != nil {
		t.Fatal(err)
	}
	c, err := PDF(g, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, c) {
		t.Fatal("the frozen copy renders differently")
	}
}

func TestPDFEmptyYear(t *testing.T) {
	for _, tc := range []struct {
		lang, want string
	}{
		{"nl", "In 2026 zijn geen klachten ontvangen."},
		{"en", "No complaints were received in 2026."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f := Compute(2026, OrgInfo{ID: "acme", Name: "Acme", Language: tc.lang}, nil)
			pdf, err := PDF(f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			keep(t, "empty-"+tc.lang+".pdf", pdf)
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 10)])
			}
			text := pdfText(t, pdf)
			if !strings.Contains(text, tc.want) {
				t.Errorf("empty year PDF lacks %q:\n%s", tc.want, text)
			}
		})
	}
}

func TestPDFRejectsBadFigures(t *testing.T) {
	f := Compute(2026, OrgInfo{ID: "acme", Name: "Acme", Language: "de"}, nil)
	if _, err := PDF(f, Options{}); err == nil {
		t.Error("PDF accepted language de")
	}
	if _, err := PDF(Figures{}, Options{}); err == nil {
		t.Error("PDF accepted zero figures")
	}
}

// TestPDFFirstYear is an organisation's first year: no figures of the year
// before, many subjects (the chart shows the first ten, the table all),
// long free texts.
func TestPDFFirstYear(t *testing.T) {
	records := realisticYear(t, 2026, 60, 11)
	subjects := []string{"Factuur", "Begeleiding", "Bejegening", "Planning en roosters", "Lesmateriaal",
		"Bereikbaarheid", "Privacy", "Examens en certificaten", "Locatie en catering", "Inschrijving",
		"Annulering", "Online leeromgeving", "Toegankelijkheid voor deelnemers met een beperking", "Overig"}
	for i := range records {
		records[i].Subjects = []string{subjects[(i*i+i/3)%len(subjects)]}
	}
	records[3].Cause = strings.Repeat("Een lange oorzaak die de medewerker uitgebreid heeft beschreven, met veel details over de gang van zaken. ", 8)
	f := Compute(2026, OrgInfo{ID: "new", Name: "Nieuw Coaching", Language: "en", AcknowledgeWithin: "2 weeks", DecideWithin: "6 weeks"}, records)
	f.Date = at(t, "2027-01-15 08:00")
	pdf, err := PDF(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "firstyear-en.pdf", pdf)
	text := pdfText(t, pdf)
	if strings.Contains(text, "2025") {
		t.Error("a first year's report shows a column for 2025")
	}
	for _, s := range []string{"Complaints analysis 2026", "Toegankelijkheid voor deelnemers met een beperking", "No recommendations adopted yet.", "not yet discussed"} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
}

func TestParagraphs(t *testing.T) {
	in := "Eerste alinea,\nover twee regels.\n\n\n- punt een\n* punt twee\n• punt drie\nTweede alinea met jan@example.nl.\r\n\r\n-geen punt"
	want := []string{"Eerste alinea, over twee regels.", "• punt een", "• punt twee", "• punt drie",
		"Tweede alinea met […].", "-geen punt"}
	got := paragraphs(in)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("paragraphs = %q, want %q", got, want)
	}
}

// TestPDFRecommendationsScrubbed: the officer's text goes through the same
// filter as the causes.
func TestPDFRecommendationsScrubbed(t *testing.T) {
	f := Compute(2026, OrgInfo{ID: "acme", Name: "Acme", Language: "nl"}, smallYear(t))
	pdf, err := PDF(f, Options{Recommendations: "Bel de klager terug op 06-98765432 of mail piet@example.nl.\n- Punt"})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	if strings.Contains(text, "98765432") || strings.Contains(text, "piet@") {
		t.Errorf("recommendations not scrubbed:\n%s", text)
	}
	if !strings.Contains(text, "Bel de klager terug op […] of mail […].") || !strings.Contains(text, "• Punt") {
		t.Errorf("recommendations missing:\n%s", text)
	}
}

// TestPDFSmallYearText reads the hand-computed figures of the small year
// (TestComputeSmallYear) back from the PDF's text.
func TestPDFSmallYearText(t *testing.T) {
	org := OrgInfo{ID: "acme", Name: "Acme Training", Language: "nl", AcknowledgeWithin: "5 werkdagen", DecideWithin: "4 weken"}
	f := Compute(2026, org, smallYear(t))
	f.Date = at(t, "2027-01-15 09:00")
	pdf, err := PDF(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "small-nl.pdf", pdf)
	text := pdfText(t, pdf)
	for _, want := range []string{
		"Ontvangen klachten 9",
		"Stand op 31 december: in behandeling 3",
		"Gegrond of deels gegrond (van de oordelen) 50% (2 van 4)",
		"Ontvangstbevestiging: op tijd 83,3% (5 van 6)",
		"Beslissing (verlenging telt als op tijd) 66,7% (4 van 6)",
		"Beslissing (binnen de oorspronkelijke termijn) 42,9% (3 van 7)",
		"Mediaan dagen tot beslissing 19",
		"Overeenstemming met de klager 66,7% (2 van 3)",
		"2026 2 0 1 0 1 1 1 0 1 0 1 1 9", // per month
		"Factuur 4", "Begeleiding 2", "zonder onderwerp 1",
		"vernietigd 1 (11,1%)",
		"Ontvangstbevestiging 5 1 1 2 83,3%",
		"Mediaan dagen tot ontvangstbevestiging 1",
		"In beroep: KL-2026-0003.",
		"Wachten op reactie docent 1 KL-2026-0002",
		"Factuur dubbel verstuurd, zie […] 1 KL-2026-0001",
		"Creditnota verstuurd KL-2026-0001 ja 1",
		"Intakegesprek uitgebreid KL-2026-0003 Begeleiding: 2",
		"Nog geen aanbevelingen vastgesteld.",
		"Termijnen volgens de klachtenregeling: ontvangstbevestiging binnen 5 werkdagen, beslissing binnen 4 weken.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Contains(text, "example.nl") || strings.Contains(text, "12345678") {
		t.Error("PDF holds an e-mail address or phone number")
	}
}

// TestPDFNoAcknowledgementTerm is a profile without an acknowledgement
// term (procedure 004): the share is "–", not 0%.
func TestPDFNoAcknowledgementTerm(t *testing.T) {
	records := realisticYear(t, 2026, 20, 3)
	for i := range records {
		records[i].AcknowledgeBy = time.Time{}
	}
	f := Compute(2026, OrgInfo{ID: "x", Name: "Vierde Adviesbureau", Language: "nl", DecideWithin: "4 weken"}, records)
	if f.Current.Acknowledgement.NoTerm != 20 {
		t.Fatalf("Acknowledgement = %+v", f.Current.Acknowledgement)
	}
	pdf, err := PDF(f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "noack-nl.pdf", pdf)
	text := pdfText(t, pdf)
	for _, want := range []string{"Ontvangstbevestiging: op tijd –", "Ontvangstbevestiging 0 0 0 20 –", "ontvangstbevestiging binnen geen termijn"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

// TestPDFAnyText renders free texts typed by staff in any script: an emoji
// (outside the Basic Multilingual Plane, which once made fpdf panic), CJK,
// Arabic and control characters. The report uses the letters' fonts and
// text preparation (letters.PDFText), so what the fonts lack shows as a
// replacement glyph and nothing breaks.
func TestPDFAnyText(t *testing.T) {
	f := Compute(2026, OrgInfo{ID: "acme", Name: "Acme 😡 \x00Coaching", Language: "nl"}, smallYear(t))
	pdf, err := PDF(f, Options{Recommendations: "Meer aandacht 😡 voor 日本語 en العربية\x07 in de intake."})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	if !strings.Contains(text, "Meer aandacht □ voor □□□ en") || !strings.Contains(text, "in de intake.") {
		t.Errorf("recommendations not rendered with replacement glyphs:\n%s", text)
	}
}
