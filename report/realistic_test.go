package report

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

// realisticYear fabricates n dossiers received in year, the way a small
// training firm's register might hold them: every verdict, extensions,
// hearings, an appeal, causes and measures, some tombstones. The same seed
// gives the same records.
func realisticYear(t testing.TB, year, n int, seed uint64) []Record {
	t.Helper()
	rnd := rand.New(rand.NewPCG(seed, uint64(year)))
	cal := procedure.NewCalendar(nil)
	ack := procedure.Term{N: 5, Unit: procedure.WorkingDays}
	decide := procedure.Term{N: 4, Unit: procedure.Weeks}
	extend := procedure.Term{N: 2, Unit: procedure.Weeks}

	subjects := []string{"Factuur", "Begeleiding", "Bejegening", "Planning en roosters", "Lesmateriaal", "Bereikbaarheid", "Privacy"}
	weights := []int{6, 5, 3, 3, 2, 2, 1}
	channels := []string{ChannelEmail, ChannelEmail, ChannelEmail, ChannelEmail, ChannelForwarded, ChannelPhone, ChannelLetter, ChannelInPerson}
	causes := map[string][]string{
		"Factuur":              {"Factuur dubbel verstuurd na wijziging in het boekhoudpakket", "Annuleringskosten niet vooraf duidelijk gemaakt", "Korting uit de offerte niet verwerkt"},
		"Begeleiding":          {"Verwachtingen over het aantal coachgesprekken niet vastgelegd", "Vervangend trainer niet ingewerkt", "Terugkoppeling op opdrachten kwam te laat"},
		"Bejegening":           {"Toon van een telefoongesprek als afwijzend ervaren", "Opmerking tijdens de groepssessie verkeerd gevallen"},
		"Planning en roosters": {"Lesdag verplaatst zonder tijdige melding", "Zaalreservering dubbel geboekt"},
		"Lesmateriaal":         {"Readers niet op tijd gedrukt", "Verouderde versie van de handleiding uitgedeeld"},
		"Bereikbaarheid":       {"Algemeen nummer in de vakantie niet bemand", "E-mail bleef in een gedeelde map liggen"},
		"Privacy":              {"Deelnemerslijst met e-mailadressen in de cc verstuurd"},
	}
	corrective := map[string]string{
		"Factuur":              "Factuur gecrediteerd en opnieuw verstuurd",
		"Begeleiding":          "Extra coachgesprek kosteloos aangeboden",
		"Bejegening":           "Excuses aangeboden in een gesprek met de leidinggevende",
		"Planning en roosters": "Vervangende lesdag in overleg gepland",
		"Lesmateriaal":         "Nieuwe reader per post nagestuurd",
		"Bereikbaarheid":       "Teruggebeld en vraag alsnog beantwoord",
		"Privacy":              "Ontvangers gevraagd de e-mail te verwijderen; melding in het register van datalekken",
	}
	preventive := map[string]string{
		"Factuur":              "Vier-ogencontrole op facturen boven de 1.000 euro",
		"Begeleiding":          "Aantal gesprekken vastleggen in de intake",
		"Planning en roosters": "Wijzigingen in het rooster minstens twee weken vooraf melden",
		"Bereikbaarheid":       "Doorschakeling van het algemene nummer tijdens vakanties",
		"Privacy":              "Groepsmails alleen nog in bcc; instructie aan alle medewerkers",
	}
	reasons := []string{"Wachten op de reactie van de trainer", "Hoor en wederhoor kost meer tijd door vakantie", "Aanvullende stukken opgevraagd bij de klager", "Complex dossier met meerdere onderwerpen"}

	pick := func() string {
		total := 0
		for _, w := range weights {
			total += w
		}
		x := rnd.IntN(total)
		for i, w := range weights {
			if x < w {
				return subjects[i]
			}
			x -= w
		}
		return subjects[0]
	}
	end := yearStart(year + 1)
	var out []Record
	for i := range n {
		day := rnd.IntN(365)
		recv := time.Date(year, time.January, 1+day, 8+rnd.IntN(10), rnd.IntN(60), 0, 0, procedure.Amsterdam)
		subs := []string{pick()}
		if rnd.IntN(6) == 0 {
			if s := pick(); s != subs[0] {
				subs = append(subs, s)
			}
		}
		r := Record{
			Number:     fmt.Sprintf("KL-%d-%04d", year, i+1),
			ReceivedAt: recv,
			Subjects:   subs,
			Channel:    channels[rnd.IntN(len(channels))],
		}
		r.AcknowledgeBy = cal.After(recv, ack).Date
		r.AcknowledgedAt = recv.Add(time.Duration(rnd.IntN(30)) * time.Minute)
		if rnd.IntN(12) == 0 { // staff registered it late
			r.AcknowledgedAt = r.AcknowledgeBy.AddDate(0, 0, 1+rnd.IntN(3)).Add(10 * time.Hour)
		}
		r.DecideByOriginal = cal.After(recv, decide).Date
		r.DecideBy = r.DecideByOriginal
		if rnd.IntN(5) == 0 {
			r.Extensions = append(r.Extensions, Extension{
				At:          r.DecideByOriginal.AddDate(0, 0, -5).Add(11 * time.Hour),
				NewDecideBy: cal.After(r.DecideByOriginal, extend).Date,
				Reason:      reasons[rnd.IntN(len(reasons))],
			})
			r.DecideBy = r.Extensions[0].NewDecideBy
		}
		if rnd.IntN(4) == 0 {
			r.Hearing = true
		}
		took := 3 + rnd.IntN(24)
		if len(r.Extensions) > 0 {
			took += 8 + rnd.IntN(10)
		}
		if rnd.IntN(8) == 0 {
			took += 10 // late
		}
		r.DecidedAt = time.Date(recv.Year(), recv.Month(), recv.Day()+took, 15, 0, 0, 0, procedure.Amsterdam)
		switch x := rnd.IntN(20); {
		case x < 7:
			r.Verdict = VerdictFounded
		case x < 12:
			r.Verdict = VerdictPartlyFounded
		case x < 18:
			r.Verdict = VerdictUnfounded
		default:
			r.Verdict = VerdictInadmissible
		}
		switch {
		case i%17 == 5:
			r.Status = StatusMerged
			r.DecidedAt, r.Verdict = time.Time{}, ""
		case !r.DecidedAt.Before(end):
			r.Status = StatusOpen
		case r.Verdict == VerdictInadmissible:
			r.Status = StatusRejected
		case rnd.IntN(3) == 0:
			r.Status = StatusDecided
		default:
			r.Status = StatusClosed
			r.ClosedAt = r.DecidedAt.AddDate(0, 0, 2)
		}
		if r.Status == StatusClosed && year < 2026 && rnd.IntN(2) == 0 {
			r.Status = StatusDestroyed // tombstones of an older year
		}
		if r.Verdict == VerdictFounded || r.Verdict == VerdictPartlyFounded {
			c := causes[subs[0]]
			r.Cause = c[rnd.IntN(len(c))]
			r.Measures = append(r.Measures, Measure{Kind: MeasureCorrective, Text: corrective[subs[0]]})
			if p, ok := preventive[subs[0]]; ok && rnd.IntN(2) == 0 {
				r.Measures = append(r.Measures, Measure{Kind: MeasurePreventive, Text: p})
			}
		}
		if r.Status != StatusOpen && r.Status != StatusMerged {
			switch rnd.IntN(5) {
			case 0, 1, 2:
				r.Agreement = AgreementYes
			case 3:
				r.Agreement = AgreementNo
			}
		}
		out = append(out, r)
	}
	// One appeal, one cause typed with a phone number in it.
	for i := range out {
		if out[i].Verdict == VerdictUnfounded {
			out[i].Appeal = true
			break
		}
	}
	for i := range out {
		if out[i].Cause != "" {
			out[i].Cause += " (klant bereikbaar op 06-12345678)"
			break
		}
	}
	return out
}
