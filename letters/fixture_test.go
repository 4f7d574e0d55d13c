package letters

import (
	"strings"
	"time"
)

// weeks stands in for procedure.Term: anything with Language(string) string.
type weeks int

func (w weeks) Language(lang string) string {
	if lang == "nl" {
		return strings.Replace(time.Duration(w).String(), "ns", " weken", 1)
	}
	return strings.Replace(time.Duration(w).String(), "ns", " weeks", 1)
}

var ams = time.FixedZone("CEST", 2*3600)

const complaintText = `Geachte heer, mevrouw,

Op 2 april ontving ik uw factuur van € 1.250,00 voor het coachingstraject. Volgens onze afspraak zou het traject € 950,00 kosten. Bovendien zijn twee sessies niet doorgegaan omdat de coach ziek was, maar ze staan wel op de factuur.

Ik heb hier op 10 april al over gebeld, maar ik heb nooit een reactie gekregen. Ik wil graag een gecorrigeerde factuur.

Met vriendelijke groet,
José Müller-Çelik`

// sample returns a letter of kind in lang with every field a template may
// read filled in.
func sample(lang, kind string) Letter {
	org := Org{Name: "Acme Coaching", Address: []string{"Stationsstraat 1", "1234 AB Utrecht"}}
	complainant := Person{Name: "José Müller-Çelik", Email: "klant@example.com",
		Address: []string{"Lindelaan 12 bis", "3581 KX Utrecht"}}
	handler := Person{Name: "Piet Jansen", Email: "piet@example.nl", Function: "Klachtbehandelaar"}
	officer := Person{Name: "Anna de Vries", Email: "officer@example.nl", Function: "Klachtenfunctionaris"}
	if lang == "en" {
		handler.Function = "Complaints handler"
		officer.Function = "Complaints officer"
	}
	l := Letter{
		Kind:            kind,
		Language:        lang,
		Number:          "KL-2026-0001",
		Date:            time.Date(2026, 4, 24, 10, 15, 0, 0, ams),
		Org:             org,
		Recipient:       complainant,
		Signer:          handler,
		Description:     complaintText,
		Subject:         "Factuur klopt niet",
		ReceivedAt:      time.Date(2026, 4, 24, 9, 2, 0, 0, ams),
		AcknowledgeBy:   time.Date(2026, 5, 4, 0, 0, 0, 0, ams),
		DecideBy:        time.Date(2026, 5, 22, 0, 0, 0, 0, ams),
		Handler:         handler,
		OldDecideBy:     time.Date(2026, 5, 22, 0, 0, 0, 0, ams),
		NewDecideBy:     time.Date(2026, 6, 5, 0, 0, 0, 0, ams),
		Reason:          "De coach over wie u klaagt, is tot half mei met verlof. Wij willen ook haar kant horen voordat wij een oordeel geven.",
		Verdict:         "partly_founded",
		Facts:           "U hebt op 2 april een factuur van € 1.250,00 ontvangen. In de offerte van 3 februari staat een prijs van € 950,00. Twee sessies, op 12 en 19 maart, zijn door ziekte van de coach niet doorgegaan.",
		Position:        "De factuur had niet hoger mogen zijn dan de offerte. De sessies die niet zijn doorgegaan, hadden niet gefactureerd mogen worden. Het meerwerk dat u per e-mail van 20 februari hebt gevraagd, mocht wel worden gefactureerd.",
		Measures:        "- U krijgt binnen vijf werkdagen een gecorrigeerde factuur.\n- Wij controleren voortaan elke factuur tegen de offerte voordat die de deur uitgaat.",
		Appeal:          "De Geschillencommissie, Postbus 90600, 2509 LP Den Haag",
		AppealWithin:    weeks(2),
		RespondBy:       time.Date(2026, 5, 8, 0, 0, 0, 0, ams),
		RelayAddress:    "info+KL-2026-0001.k3f9x2@example.nl",
		InternalAddress: "info+KL-2026-0001.k3f9x2.intern@example.nl",
		Marker:          "## Antwoord boven deze regel / reply above this line ##",
		OtherOpen:       []string{"KL-2026-0007", "KL-2026-0012"},
		Extra:           map[string]any{},
	}
	switch kind {
	case "hearing":
		l.Recipient = Person{Name: "Karin Bakker", Email: "karin@example.nl", Function: "Coach"}
	case "notification", "reminder":
		l.Recipient = handler
		l.Signer = Person{}
		l.Extra["Complainant"] = complainant
		l.Extra["Withheld"] = []string{"opname.mp4 (25.0 MB)"}
	case "alert", "digest", "topost":
		l.Recipient = officer
		l.Signer = Person{}
		l.Reason = "de termijn is verstreken zonder oordeel of uitstel"
	case "commanderror":
		l.Recipient = handler
		l.Signer = Person{}
		l.Reason = `"gegrondd" is geen oordeel; kies uit gegrond, ongegrond, deels gegrond of niet-ontvankelijk`
		l.Extra["Line"] = 1
		l.Extra["Command"] = "Oordeel: gegrondd"
	case "closing":
		l.Signer = officer
		l.Verdict = "founded"
		l.Facts = "Wij hebben uw klacht onderzocht, de coach gehoord en u op 20 mei onze beslissing gestuurd. U hebt op 25 mei een gecorrigeerde factuur ontvangen."
	case "rejection":
		l.Verdict = "inadmissible"
		l.Reason = "Uw klacht gaat over een training van een andere organisatie. Wij hebben die training niet gegeven en kunnen er daarom niet over oordelen."
	}
	if kind == "digest" {
		rows := []DigestRow{
			{Number: "KL-2026-0001", Complainant: "José Müller-Çelik", DecideBy: l.DecideBy},
			{Number: "KL-2026-0003", Complainant: "Jan de Boer", DecideBy: time.Date(2026, 4, 20, 0, 0, 0, 0, ams)},
		}
		l.Extra["Open"] = rows
		l.Extra["DueThisWeek"] = rows[:1]
		l.Extra["Overdue"] = rows[1:]
		l.Extra["ToPost"] = []DigestRow{}
	}
	if kind == "followup" {
		l.Extra["From"] = complainant
		l.Extra["Withheld"] = []string{}
		l.Extra["Hearing"] = false
	}
	if kind == "dossier" {
		l.Extra["Status"] = "in behandeling"
		l.Extra["Messages"] = []struct {
			Date                time.Time
			From, Subject, Text string
		}{
			{l.ReceivedAt, "José Müller-Çelik", "Klacht over factuur", "Ik kreeg een factuur van € 1.250,00."},
			{l.ReceivedAt.Add(time.Hour), "Acme Coaching", "Ontvangstbevestiging", ""},
		}
	}
	if kind == "held" {
		l.Reason = "marker line not found"
		l.Extra["Reply"] = "Beste mevrouw, wij sturen u een nieuwe factuur."
	}
	if kind == "signin" {
		l.Number = ""
		l.Recipient = handler
		l.Signer = Person{}
		l.Extra["Link"] = "https://klachten.example.nl/login/Jq3x_Vd8sN2kYtWm0aZr7cHf1uLp4eBg"
		l.Extra["Minutes"] = 15
	}
	if kind == "topost" {
		l.Extra["LetterKind"] = "decision"
		l.Extra["Addressee"] = complainant
	}
	return l
}
