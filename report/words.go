package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

// words holds what the report says in one language.
type words struct {
	lang   string
	months [12]string // full names
	short  [12]string // three letters, for charts
	status map[string]string
	verdict,
	channel map[string]string
	agreement map[string]string

	title, period, made, discussed, notDiscussed, page, noComplaints string
	summary, received, perMonth, total, month, bySubject, subject, noSubject,
	byChannel, channelH, statusH, statusAtEnd, verdicts, verdictH, noVerdict, share,
	terms, termsIntro, acknowledgement, decision, decisionExt, decisionOrig,
	onTime, late, pending, noTerm, shareOnTime, medianAck, medianDecision, days, dossiers,
	extensions, extensionCount, extendedDossiers, reasons, noReasons,
	hearingsAppeals, hearings, appeals, appealNumbers,
	causes, noCauses, measures, corrective, preventive, noMeasures, prevLastYear,
	agreementH, agreementRate, agreementYes, agreementNo, agreementUnknown,
	recommendations, noRecommendations, notes, number, text, kind, outcome,
	chartMonths, chartSubjects, chartVerdicts, chartOnTime, noData,
	section, item, csvHeaderText, yes, no string
	countsOf, causeH, reasonH, measureH, count, dossiersH, agreementCol, daysH string
	noteLines                                                                  []string
}

var wordsNL = words{
	lang:   "nl",
	months: [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	short:  [12]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
	status: map[string]string{
		StatusOpen: "in behandeling", StatusDecided: "beslist", StatusClosed: "afgehandeld",
		StatusRejected: "niet in behandeling genomen", StatusMerged: "samengevoegd", StatusDestroyed: "vernietigd",
	},
	verdict: map[string]string{
		VerdictFounded: "gegrond", VerdictPartlyFounded: "deels gegrond", VerdictUnfounded: "ongegrond",
		VerdictInadmissible: "niet-ontvankelijk", "": "nog geen oordeel",
	},
	channel: map[string]string{
		ChannelEmail: "e-mail", ChannelForwarded: "doorgestuurd door een medewerker", ChannelPhone: "telefoon",
		ChannelInPerson: "persoonlijk", ChannelLetter: "brief", "": "onbekend",
	},
	agreement: map[string]string{AgreementYes: "ja", AgreementNo: "nee", AgreementUnknown: "onbekend"},

	title:             "Klachtenanalyse %d",
	period:            "Periode: 1 januari tot en met 31 december %d",
	made:              "Opgesteld op",
	discussed:         "Besproken op",
	notDiscussed:      "nog niet besproken",
	page:              "Pagina %d van %s",
	noComplaints:      "In %d zijn geen klachten ontvangen.",
	summary:           "Samenvatting",
	received:          "Ontvangen klachten",
	perMonth:          "Klachten per maand",
	total:             "totaal",
	month:             "Maand",
	bySubject:         "Onderwerpen",
	subject:           "Onderwerp",
	noSubject:         "zonder onderwerp",
	byChannel:         "Hoe de klachten binnenkwamen",
	channelH:          "Kanaal",
	statusH:           "Status",
	statusAtEnd:       "Stand op 31 december",
	verdicts:          "Oordelen",
	verdictH:          "Oordeel",
	noVerdict:         "nog geen oordeel",
	share:             "aandeel",
	terms:             "Termijnen",
	termsIntro:        "Termijnen volgens de klachtenregeling: ontvangstbevestiging binnen %s, beslissing binnen %s.",
	acknowledgement:   "Ontvangstbevestiging",
	decision:          "Beslissing",
	decisionExt:       "Beslissing (verlenging telt als op tijd)",
	decisionOrig:      "Beslissing (binnen de oorspronkelijke termijn)",
	onTime:            "op tijd",
	late:              "te laat",
	pending:           "termijn loopt nog",
	noTerm:            "geen termijn",
	shareOnTime:       "op tijd (%)",
	medianAck:         "Mediaan dagen tot ontvangstbevestiging",
	medianDecision:    "Mediaan dagen tot beslissing",
	days:              "dagen",
	dossiers:          "dossiers",
	extensions:        "Verlenging van de beslistermijn",
	extensionCount:    "Verlengingen",
	extendedDossiers:  "Dossiers met verlenging",
	reasons:           "Redenen",
	noReasons:         "Geen verlengingen.",
	hearingsAppeals:   "Hoor en wederhoor, beroep",
	hearings:          "Dossiers met hoor en wederhoor",
	appeals:           "Dossiers in beroep",
	appealNumbers:     "In beroep: %s.",
	causes:            "Oorzaken",
	noCauses:          "Geen oorzaken vastgelegd.",
	measures:          "Maatregelen",
	corrective:        "Corrigerende maatregelen",
	preventive:        "Preventieve maatregelen",
	noMeasures:        "Geen maatregelen vastgelegd.",
	prevLastYear:      "Preventieve maatregelen van %d (werkten ze? vergelijk de onderwerpen hierboven)",
	agreementH:        "Overeenstemming met de klager",
	agreementRate:     "Overeenstemming (%)",
	agreementYes:      "overeenstemming",
	agreementNo:       "geen overeenstemming",
	agreementUnknown:  "niet vastgelegd",
	recommendations:   "Aanbevelingen",
	noRecommendations: "Nog geen aanbevelingen vastgesteld.",
	notes:             "Toelichting",
	number:            "Dossier",
	text:              "Omschrijving",
	kind:              "Soort",
	outcome:           "Oordeel / overeenstemming",
	chartMonths:       "Ontvangen klachten per maand",
	chartSubjects:     "Klachten per onderwerp",
	chartVerdicts:     "Oordelen",
	chartOnTime:       "Termijnen gehaald (%)",
	noData:            "geen gegevens",
	section:           "onderdeel",
	item:              "onderwerp",
	csvHeaderText:     "omschrijving",
	yes:               "ja",
	no:                "nee",
	countsOf:          "Aantallen %d",
	causeH:            "Oorzaak",
	reasonH:           "Reden",
	measureH:          "Maatregel",
	count:             "Aantal",
	dossiersH:         "Dossiers",
	agreementCol:      "Overeenstemming",
	daysH:             "Doorlooptijd (dagen)",
	noteLines: []string{
		"De cijfers gaan over de klachten die in %d zijn ontvangen, zoals het register er op 31 december om middernacht bij stond; wat daarna gebeurde telt niet mee, zodat de cijfers van een jaar niet meer veranderen. Ook vernietigde dossiers tellen mee.",
		"Op tijd betekent: uiterlijk op de laatste dag van de termijn. Een termijn die op 31 december nog liep, telt niet mee in het percentage. Een dossier zonder beslissing waarvan de termijn in het jaar verstreek, telt als te laat.",
		"Een dossier met meerdere onderwerpen telt bij elk onderwerp mee. Een samengevoegd dossier telt mee als ontvangen klacht, maar zijn termijnen, oordeel en overeenstemming tellen bij het dossier waarin het is opgegaan.",
		"Dit verslag bevat geen persoonsgegevens: dossiers worden alleen met hun nummer genoemd. Oorzaken en maatregelen zijn door medewerkers zonder namen vastgelegd; e-mailadressen, telefoonnummers en rekeningnummers zijn er voor de zekerheid uit verwijderd ([…]).",
	},
}

var wordsEN = words{
	lang:   "en",
	months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	short:  [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	status: map[string]string{
		StatusOpen: "being handled", StatusDecided: "decided", StatusClosed: "closed",
		StatusRejected: "not taken up", StatusMerged: "merged", StatusDestroyed: "destroyed",
	},
	verdict: map[string]string{
		VerdictFounded: "founded", VerdictPartlyFounded: "partly founded", VerdictUnfounded: "unfounded",
		VerdictInadmissible: "inadmissible", "": "no verdict yet",
	},
	channel: map[string]string{
		ChannelEmail: "e-mail", ChannelForwarded: "forwarded by staff", ChannelPhone: "phone",
		ChannelInPerson: "in person", ChannelLetter: "letter", "": "not known",
	},
	agreement: map[string]string{AgreementYes: "yes", AgreementNo: "no", AgreementUnknown: "not known"},

	title:             "Complaints analysis %d",
	period:            "Period: 1 January to 31 December %d",
	made:              "Prepared on",
	discussed:         "Discussed on",
	notDiscussed:      "not yet discussed",
	page:              "Page %d of %s",
	noComplaints:      "No complaints were received in %d.",
	summary:           "Summary",
	received:          "Complaints received",
	perMonth:          "Complaints per month",
	total:             "total",
	month:             "Month",
	bySubject:         "Subjects",
	subject:           "Subject",
	noSubject:         "no subject",
	byChannel:         "How the complaints came in",
	channelH:          "Channel",
	statusH:           "Status",
	statusAtEnd:       "Status on 31 December",
	verdicts:          "Verdicts",
	verdictH:          "Verdict",
	noVerdict:         "no verdict yet",
	share:             "share",
	terms:             "Terms",
	termsIntro:        "Terms of the complaints procedure: acknowledgement within %s, decision within %s.",
	acknowledgement:   "Acknowledgement",
	decision:          "Decision",
	decisionExt:       "Decision (an extension counts as on time)",
	decisionOrig:      "Decision (within the original term)",
	onTime:            "on time",
	late:              "late",
	pending:           "term still running",
	noTerm:            "no term",
	shareOnTime:       "on time (%)",
	medianAck:         "Median days to acknowledgement",
	medianDecision:    "Median days to decision",
	days:              "days",
	dossiers:          "dossiers",
	extensions:        "Extensions of the decision term",
	extensionCount:    "Extensions",
	extendedDossiers:  "Dossiers extended",
	reasons:           "Reasons",
	noReasons:         "No extensions.",
	hearingsAppeals:   "Hearings and appeals",
	hearings:          "Dossiers with a hearing",
	appeals:           "Dossiers appealed",
	appealNumbers:     "Appealed: %s.",
	causes:            "Causes",
	noCauses:          "No causes recorded.",
	measures:          "Measures",
	corrective:        "Corrective measures",
	preventive:        "Preventive measures",
	noMeasures:        "No measures recorded.",
	prevLastYear:      "Preventive measures of %d (did they work? compare the subjects above)",
	agreementH:        "Agreement with the complainant",
	agreementRate:     "Agreement (%)",
	agreementYes:      "agreement",
	agreementNo:       "no agreement",
	agreementUnknown:  "not recorded",
	recommendations:   "Recommendations",
	noRecommendations: "No recommendations adopted yet.",
	notes:             "Notes",
	number:            "Dossier",
	text:              "Description",
	kind:              "Kind",
	outcome:           "Verdict / agreement",
	chartMonths:       "Complaints received per month",
	chartSubjects:     "Complaints per subject",
	chartVerdicts:     "Verdicts",
	chartOnTime:       "Terms met (%)",
	noData:            "no data",
	section:           "section",
	item:              "item",
	csvHeaderText:     "description",
	yes:               "yes",
	no:                "no",
	countsOf:          "Counts %d",
	causeH:            "Cause",
	reasonH:           "Reason",
	measureH:          "Measure",
	count:             "Count",
	dossiersH:         "Dossiers",
	agreementCol:      "Agreement",
	daysH:             "Lead time (days)",
	noteLines: []string{
		"The figures cover the complaints received in %d, as the register stood at midnight on 31 December; what happened later does not count, so that the figures of a year never change. Destroyed dossiers count too.",
		"On time means: on or before the last day of the term. A term still running on 31 December does not count in the percentage. A dossier without a decision whose term ended within the year counts as late.",
		"A dossier with several subjects counts under each of them. A merged dossier counts as a complaint received, but its terms, verdict and agreement count with the dossier it was merged into.",
		"This report holds no personal data: dossiers are named by number only. Causes and measures were recorded by staff without names; e-mail addresses, phone numbers and account numbers have been removed from them all the same ([…]).",
	},
}

func wordsFor(lang string) *words {
	if lang == "nl" {
		return &wordsNL
	}
	return &wordsEN
}

// label returns the word for key in m, or key itself for a value this
// package does not know.
func label(m map[string]string, key string) string {
	if s, ok := m[key]; ok {
		return s
	}
	return key
}

// date formats t as "24 april 2026" (nl) or "24 April 2026" (en), in
// Europe/Amsterdam.
func (w *words) date(t time.Time) string {
	t = t.In(procedure.Amsterdam)
	return fmt.Sprintf("%d %s %d", t.Day(), w.monthName(t.Month()), t.Year())
}

func (w *words) monthName(m time.Month) string { return w.months[m-1] }

// decimal formats v with at most one decimal, with a decimal comma in
// Dutch ("2,5") and a point in English; whole numbers without decimals.
func (w *words) decimal(v float64) string {
	v = math.Round(v*10) / 10
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if w.lang == "nl" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// percent formats a share (0..1) as a percentage with one decimal at most.
func (w *words) percent(share float64) string {
	return w.decimal(share*100) + "%"
}
