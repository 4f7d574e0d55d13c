package letters

import (
	"reflect"
	"strings"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

var ams = time.FixedZone("CEST", 2*3600)

const complaintText = `Geachte heer, mevrouw,

Op 2 april ontving ik uw factuur van € 1.250,00 voor het coachingstraject. Volgens onze afspraak zou het traject € 950,00 kosten. Bovendien zijn twee sessies niet doorgegaan omdat de coach ziek was, maar ze staan wel op de factuur.

Ik heb hier op 10 april al over gebeld, maar ik heb nooit een reactie gekregen. Ik wil graag een gecorrigeerde factuur.

Met vriendelijke groet,
José Müller-Çelik`

// sample returns the data of a letter of kind in lang with every field
// its templates read filled in (a kind no template has: a bare envelope).
func sample(lang, kind string) Data {
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
		Kind:       kind,
		Language:   lang,
		Number:     "KL-2026-0001",
		Date:       time.Date(2026, 4, 24, 10, 15, 0, 0, ams),
		Org:        org,
		Recipient:  complainant,
		Signer:     handler,
		ReceivedAt: time.Date(2026, 4, 24, 9, 2, 0, 0, ams),
	}
	c := Complaint{
		Description:   complaintText,
		Subject:       "Factuur klopt niet",
		AcknowledgeBy: time.Date(2026, 5, 4, 0, 0, 0, 0, ams),
		DecideBy:      time.Date(2026, 5, 22, 0, 0, 0, 0, ams),
		Handler:       handler,
	}
	o := Outcome{
		Verdict:  "partly_founded",
		Facts:    "U hebt op 2 april een factuur van € 1.250,00 ontvangen. In de offerte van 3 februari staat een prijs van € 950,00. Twee sessies, op 12 en 19 maart, zijn door ziekte van de coach niet doorgegaan.",
		Position: "De factuur had niet hoger mogen zijn dan de offerte. De sessies die niet zijn doorgegaan, hadden niet gefactureerd mogen worden. Het meerwerk dat u per e-mail van 20 februari hebt gevraagd, mocht wel worden gefactureerd.",
		Measures: "- U krijgt binnen vijf werkdagen een gecorrigeerde factuur.\n- Wij controleren voortaan elke factuur tegen de offerte voordat die de deur uitgaat.",
	}
	staff := Staff{
		RelayAddress:    "info+KL-2026-0001.k3f9x2@example.nl",
		InternalAddress: "info+KL-2026-0001.k3f9x2.intern@example.nl",
		Marker:          "## Antwoord boven deze regel / reply above this line ##",
	}
	reason := "De coach over wie u klaagt, is tot half mei met verlof. Wij willen ook haar kant horen voordat wij een oordeel geven."
	toStaff := func(to Person) Letter {
		l := l
		l.Recipient, l.Signer = to, Person{}
		return l
	}
	appeal := procedure.Term{N: 2, Unit: procedure.Weeks}
	switch kind {
	case "acknowledgement":
		return &Acknowledgement{Letter: l, Complaint: c}
	case "delay":
		return &Delay{Letter: l, Complaint: c, OldDecideBy: time.Date(2026, 5, 22, 0, 0, 0, 0, ams),
			NewDecideBy: time.Date(2026, 6, 5, 0, 0, 0, 0, ams), Reason: reason}
	case "decision":
		return &Decision{Letter: l, Complaint: c, Outcome: o, Reason: reason,
			Appeal: "De Geschillencommissie, Postbus 90600, 2509 LP Den Haag", AppealWithin: &appeal}
	case "rejection":
		o.Verdict = "inadmissible"
		return &Decision{Letter: l, Complaint: c, Outcome: o,
			Reason: "Uw klacht gaat over een training van een andere organisatie. Wij hebben die training niet gegeven en kunnen er daarom niet over oordelen.",
			Appeal: "De Geschillencommissie, Postbus 90600, 2509 LP Den Haag", AppealWithin: &appeal}
	case "closing":
		l.Signer = officer
		o.Verdict = "founded"
		o.Facts = "Wij hebben uw klacht onderzocht, de coach gehoord en u op 20 mei onze beslissing gestuurd. U hebt op 25 mei een gecorrigeerde factuur ontvangen."
		return &Closing{Letter: l, Complaint: c, Outcome: o}
	case "hearing":
		l.Recipient = Person{Name: "Karin Bakker", Email: "karin@example.nl", Function: "Coach"}
		return &Hearing{Letter: l, Complaint: c, RespondBy: time.Date(2026, 5, 8, 0, 0, 0, 0, ams)}
	case "dossier":
		d := &Inspection{Letter: l, Complaint: c, Outcome: o}
		d.Extra.Status = "in behandeling"
		d.Extra.Messages = []Entry{
			{l.ReceivedAt, "José Müller-Çelik", "Klacht over factuur", "Ik kreeg een factuur van € 1.250,00."},
			{l.ReceivedAt.Add(time.Hour), "Acme Coaching", "Ontvangstbevestiging", ""},
		}
		return d
	case "notification", "followup":
		d := &Notice{Letter: toStaff(handler), Complaint: c, Staff: staff, OtherOpen: []string{"KL-2026-0007", "KL-2026-0012"}}
		d.Extra.Complainant = complainant
		d.Extra.Withheld = []string{"opname.mp4 (25.0 MB)"}
		if kind == "followup" {
			d.Letter = l
			d.Extra.Complainant = Person{}
			d.Extra.From = complainant
			d.Extra.Withheld = []string{}
		}
		return d
	case "reminder":
		return &Reminder{Letter: toStaff(handler), Complaint: c, Staff: staff}
	case "alert":
		return &Alert{Letter: toStaff(officer), Complaint: c, Staff: staff, Reason: "de termijn is verstreken zonder oordeel of uitstel"}
	case "digest":
		d := &Digest{Letter: toStaff(officer)}
		rows := []DigestRow{
			{Number: "KL-2026-0001", Complainant: "José Müller-Çelik", DecideBy: c.DecideBy},
			{Number: "KL-2026-0003", Complainant: "Jan de Boer", DecideBy: time.Date(2026, 4, 20, 0, 0, 0, 0, ams)},
		}
		d.Extra.Open, d.Extra.DueThisWeek, d.Extra.Overdue, d.Extra.ToPost = rows, rows[:1], rows[1:], []DigestRow{}
		return d
	case "topost":
		d := &ToPost{Letter: toStaff(officer), Complaint: c, Staff: staff, Reason: "de termijn is verstreken zonder oordeel of uitstel"}
		d.Extra.LetterKind, d.Extra.Addressee = "decision", complainant
		return d
	case "commanderror":
		d := &CommandError{Letter: toStaff(handler), Complaint: c, Staff: staff,
			Reason: `"gegrondd" is geen oordeel; kies uit gegrond, ongegrond, deels gegrond of niet-ontvankelijk`}
		d.Extra.Line, d.Extra.Command = 1, "Oordeel: gegrondd"
		return d
	case "held":
		d := &Held{Letter: l, Complaint: c, Staff: staff, Reason: "marker line not found"}
		d.Extra.Reply = "Beste mevrouw, wij sturen u een nieuwe factuur."
		return d
	case "signin":
		d := &SignIn{Letter: toStaff(handler)}
		d.Number = ""
		d.Extra.Link = "https://klachten.example.nl/login/Jq3x_Vd8sN2kYtWm0aZr7cHf1uLp4eBg"
		d.Extra.Minutes = 15
		return d
	}
	return &l
}

// setField sets the field of d with this name (or the Extra field, for a name
// starting with "Extra.") to v, if d has it; it reports whether it did.
func setField(d Data, name string, v any) bool {
	f := reflect.ValueOf(d).Elem()
	for _, part := range strings.Split(name, ".") {
		if f.Kind() != reflect.Struct {
			return false
		}
		if f = f.FieldByName(part); !f.IsValid() {
			return false
		}
	}
	f.Set(reflect.ValueOf(v))
	return true
}
