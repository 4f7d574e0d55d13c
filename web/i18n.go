package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

// messages holds every text of the desk in Dutch and English; the
// organisation's language chooses (the first of the user's organisations).
var messages = map[string]map[string]string{
	"nl": {
		"lang": "nl", "desk": "Klachtenbureau", "skip": "Naar de inhoud",
		"register": "Register", "print": "Te posten", "report": "Jaarverslag", "signout": "Afmelden",
		"signed_in_as": "Aangemeld als", "main_nav": "Hoofdmenu",
		"signin": "Aanmelden", "signin_intro": "Vul uw e-mailadres in. Als het adres bij een medewerker hoort, sturen wij u een link om aan te melden. Een wachtwoord is niet nodig.",
		"email": "E-mailadres", "send_link": "Stuur mij een link",
		"sent_title": "Kijk in uw mailbox", "sent_text": "Als %s bij een medewerker hoort, is er nu een link naar dat adres onderweg. De link werkt één keer en is %d minuten geldig.",
		"bad_email":    "Dit is geen e-mailadres. Vul een adres in zoals naam@example.nl.",
		"too_many":     "Er zijn te veel aanvragen gedaan. Wacht een kwartier en probeer het dan opnieuw.",
		"link_used":    "Deze link is al gebruikt. Een link werkt maar één keer: vraag hieronder een nieuwe aan.",
		"link_expired": "Deze link is verlopen. Vraag hieronder een nieuwe aan.",
		"link_invalid": "Deze link is niet geldig. Misschien is hij niet helemaal overgenomen. Vraag hieronder een nieuwe aan.",
		"signed_out":   "U bent afgemeld.", "signed_out_text": "Meld u opnieuw aan om verder te gaan.",
		"confirm_title": "Aanmelden", "confirm_text": "Klik op de knop om u aan te melden bij het klachtenbureau.", "confirm_button": "Aanmelden",
		"logout_text": "Wilt u zich afmelden?",
		"open":        "Open", "overdue": "Te laat", "to_post": "Te posten", "all": "Alle",
		"search": "Zoeken", "search_label": "Nummer of naam", "handler": "Behandelaar", "any_handler": "Alle behandelaars",
		"show": "Toon", "view": "Weergave",
		"number": "Nummer", "status": "Status", "received": "Ontvangen", "decide_by": "Beslissen vóór",
		"complainant": "Klager", "subject": "Onderwerp", "no_dossiers": "Geen dossiers in deze weergave.",
		"figures": "Overzicht", "n_open": "open", "n_overdue": "te laat", "n_to_post": "te posten",
		"dossier": "Dossier", "fields": "Gegevens", "postal_address": "Postadres", "categories": "Onderwerpen",
		"concerns": "Betrokkene", "acknowledged": "Ontvangst bevestigd", "verdict": "Oordeel", "closed": "Afgesloten",
		"merged_into": "Samengevoegd met", "terms": "Termijnen", "term": "Termijn", "date": "Datum", "basis": "Zo berekend",
		"acknowledge_by": "Bevestigen vóór", "extension": "Uitstel", "complaint": "De klacht", "measures": "Maatregelen",
		"facts": "Feiten", "position": "Standpunt",
		"letters": "Brieven", "kind": "Soort", "recipient": "Aan", "created": "Gemaakt", "sent": "Verzonden per e-mail",
		"posted": "Gepost", "pdf": "PDF", "download": "Download", "waiting_post": "wacht op de post",
		"posted_on": "Geprint en gepost op", "record_posted": "Vastleggen", "posted_done": "Vastgelegd: %s gepost op %s.",
		"thread": "Verloop", "message": "Bericht", "event": "Gebeurtenis", "internal_note": "Interne notitie — de klager ziet dit niet",
		"from": "Van", "to": "Aan", "attachments": "Bijlagen", "too_large": "te groot, alleen in het originele bericht",
		"in": "Binnen", "out": "Verstuurd", "internal": "Intern", "by": "door", "via_web": "via het bureau",
		"print_title": "Te posten", "print_intro": "Deze brieven moeten nog geprint, ondertekend en per post verstuurd worden.",
		"nothing_to_post": "Er wachten geen brieven op de post.", "address_unknown": "postadres onbekend",
		"report_title": "Jaarverslag %d", "report_intro": "De cijfers van de klachten die in %d zijn ontvangen, met %d ernaast.",
		"download_pdf": "PDF (met grafieken)", "download_csv": "CSV (voor Excel)", "per_month": "Ontvangen per maand",
		"per_subject": "Per onderwerp", "verdicts": "Oordelen", "terms_met": "Termijnen gehaald", "received_n": "Ontvangen",
		"on_time": "op tijd", "late": "te laat", "pending": "loopt nog", "median_ack": "Mediaan dagen tot bevestiging",
		"median_decision": "Mediaan dagen tot beslissing", "extensions": "Uitstel gegeven", "hearings": "Betrokkene gehoord",
		"previous_year": "Vorig jaar", "next_year": "Volgend jaar", "organisation": "Organisatie", "count": "Aantal",
		"no_subject": "geen onderwerp", "no_verdict": "nog geen oordeel", "acknowledgement_term": "Ontvangstbevestiging",
		"decision_term": "Beslissing", "year": "Jaar",
		"report_running": "Het jaar is nog niet om. De cijfers zijn voorlopig en tellen zoals aan het eind van het jaar: een termijn die dit jaar nog afloopt en niet gehaald is, telt als te laat.",
		"not_found":      "Niet gevonden", "not_found_text": "Deze pagina of dit dossier bestaat niet, of u hebt er geen toegang toe.",
		"forbidden": "Geen toegang", "forbidden_text": "Deze pagina is voor de klachtenfunctionaris.",
		"error": "Er ging iets mis", "error_text": "Het is niet gelukt. Er is niets veranderd. Probeer het later opnieuw; blijft het misgaan, meld het dan aan de beheerder.",
		"cross_origin": "Verzoek geweigerd", "cross_origin_text": "Dit verzoek kwam van een andere website en is geweigerd. Er is niets veranderd.",
		"failed": "Niet gelukt", "back": "Terug", "purge_note": "",
		"status_open": "open", "status_decided": "beslist", "status_closed": "afgehandeld", "status_rejected": "niet-ontvankelijk",
		"status_merged": "samengevoegd", "status_destroyed": "vernietigd",
		"verdict_founded": "gegrond", "verdict_unfounded": "ongegrond", "verdict_partly_founded": "deels gegrond", "verdict_inadmissible": "niet-ontvankelijk",
		"kind_acknowledgement": "ontvangstbevestiging", "kind_delay": "uitstelbrief", "kind_decision": "beslissing", "kind_rejection": "afwijzing",
		"kind_closing": "afsluiting", "kind_hearing": "verzoek om reactie", "kind_dossier": "dossier",
		"err_date": "Vul een datum in zoals 2026-03-02.", "err_future": "Die datum ligt in de toekomst.",
		"err_before":      "Die datum ligt vóór de dag waarop de brief is gemaakt (%s).",
		"err_not_waiting": "Deze brief wacht niet (meer) op de post.", "err_officer": "Alleen de klachtenfunctionaris legt vast dat een brief gepost is.",
		"err_not_latest": "Er wacht een nieuwere brief van deze soort; leg die eerst vast.",
	},
	"en": {
		"lang": "en", "desk": "Complaints desk", "skip": "Skip to content",
		"register": "Register", "print": "To post", "report": "Yearly report", "signout": "Sign out",
		"signed_in_as": "Signed in as", "main_nav": "Main menu",
		"signin": "Sign in", "signin_intro": "Type your email address. If it belongs to staff, we mail you a link to sign in. No password is needed.",
		"email": "Email address", "send_link": "Send me a link",
		"sent_title": "Check your mailbox", "sent_text": "If %s belongs to staff, a link is on its way to that address now. The link works once and is valid for %d minutes.",
		"bad_email":    "This is not an email address. Type an address like name@example.nl.",
		"too_many":     "Too many requests were made. Wait a quarter of an hour and try again.",
		"link_used":    "This link has been used already. A link works only once: ask for a new one below.",
		"link_expired": "This link has expired. Ask for a new one below.",
		"link_invalid": "This link is not valid. Perhaps it was not copied whole. Ask for a new one below.",
		"signed_out":   "You are signed out.", "signed_out_text": "Sign in again to go on.",
		"confirm_title": "Sign in", "confirm_text": "Press the button to sign in to the complaints desk.", "confirm_button": "Sign in",
		"logout_text": "Do you want to sign out?",
		"open":        "Open", "overdue": "Overdue", "to_post": "To post", "all": "All",
		"search": "Search", "search_label": "Number or name", "handler": "Handler", "any_handler": "All handlers",
		"show": "Show", "view": "View",
		"number": "Number", "status": "Status", "received": "Received", "decide_by": "Decide by",
		"complainant": "Complainant", "subject": "Subject", "no_dossiers": "No dossiers in this view.",
		"figures": "Overview", "n_open": "open", "n_overdue": "overdue", "n_to_post": "to post",
		"dossier": "Dossier", "fields": "Details", "postal_address": "Postal address", "categories": "Subjects",
		"concerns": "Person concerned", "acknowledged": "Acknowledged", "verdict": "Verdict", "closed": "Closed",
		"merged_into": "Merged into", "terms": "Terms", "term": "Term", "date": "Date", "basis": "How it was computed",
		"acknowledge_by": "Acknowledge by", "extension": "Extension", "complaint": "The complaint", "measures": "Measures",
		"facts": "Facts", "position": "Position",
		"letters": "Letters", "kind": "Kind", "recipient": "To", "created": "Made", "sent": "Sent by email",
		"posted": "Posted", "pdf": "PDF", "download": "Download", "waiting_post": "waiting for the post",
		"posted_on": "Printed and posted on", "record_posted": "Record", "posted_done": "Recorded: %s posted on %s.",
		"thread": "Thread", "message": "Message", "event": "Event", "internal_note": "Internal note — the complainant does not see this",
		"from": "From", "to": "To", "attachments": "Attachments", "too_large": "too large, only in the original message",
		"in": "In", "out": "Sent", "internal": "Internal", "by": "by", "via_web": "on the desk",
		"print_title": "To post", "print_intro": "These letters still have to be printed, signed and sent by post.",
		"nothing_to_post": "No letters are waiting for the post.", "address_unknown": "postal address unknown",
		"report_title": "Yearly report %d", "report_intro": "The figures of the complaints received in %d, with %d beside them.",
		"download_pdf": "PDF (with charts)", "download_csv": "CSV (for Excel)", "per_month": "Received per month",
		"per_subject": "Per subject", "verdicts": "Verdicts", "terms_met": "Terms met", "received_n": "Received",
		"on_time": "on time", "late": "late", "pending": "still running", "median_ack": "Median days to acknowledgement",
		"median_decision": "Median days to decision", "extensions": "Extensions given", "hearings": "Person concerned heard",
		"previous_year": "Previous year", "next_year": "Next year", "organisation": "Organisation", "count": "Count",
		"no_subject": "no subject", "no_verdict": "no verdict yet", "acknowledgement_term": "Acknowledgement",
		"decision_term": "Decision", "year": "Year",
		"report_running": "The year is not over. The figures are provisional and count as at the end of the year: a term that still ends this year and is not met counts as late.",
		"not_found":      "Not found", "not_found_text": "This page or dossier does not exist, or you have no access to it.",
		"forbidden": "No access", "forbidden_text": "This page is for the complaints officer.",
		"error": "Something went wrong", "error_text": "It did not work. Nothing has changed. Try again later; if it keeps failing, tell the administrator.",
		"cross_origin": "Request refused", "cross_origin_text": "This request came from another website and was refused. Nothing has changed.",
		"failed": "Not done", "back": "Back", "purge_note": "",
		"status_open": "open", "status_decided": "decided", "status_closed": "closed", "status_rejected": "rejected",
		"status_merged": "merged", "status_destroyed": "destroyed",
		"verdict_founded": "founded", "verdict_unfounded": "unfounded", "verdict_partly_founded": "partly founded", "verdict_inadmissible": "inadmissible",
		"kind_acknowledgement": "acknowledgement", "kind_delay": "delay letter", "kind_decision": "decision", "kind_rejection": "rejection",
		"kind_closing": "closing letter", "kind_hearing": "hearing request", "kind_dossier": "dossier",
		"err_date": "Type a date like 2026-03-02.", "err_future": "That date lies in the future.",
		"err_before":      "That date lies before the day the letter was made (%s).",
		"err_not_waiting": "This letter is not (or no longer) waiting for the post.", "err_officer": "Only the complaints officer records that a letter was posted.",
		"err_not_latest": "A newer letter of this kind is waiting; record that one first.",
	},
}

// tr returns the text of key in lang (English when missing, the key itself
// when unknown), formatted with args.
func tr(lang, key string, args ...any) string {
	m, ok := messages[lang]
	if !ok {
		m = messages["en"]
	}
	s, ok := m[key]
	if !ok {
		if s, ok = messages["en"][key]; !ok {
			s = key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

var monthsNL = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// day formats a date in Amsterdam: "2 maart 2026" / "2 March 2026".
func day(lang string, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	t = t.In(procedure.Amsterdam)
	if lang == "nl" {
		return fmt.Sprintf("%d %s %d", t.Day(), monthsNL[t.Month()-1], t.Year())
	}
	return t.Format("2 January 2006")
}

// stamp formats a moment: "2 maart 2026, 14:05".
func stamp(lang string, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return day(lang, t) + ", " + t.In(procedure.Amsterdam).Format("15:04")
}

// isoDay is the machine form for <time datetime> and date inputs.
func isoDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(procedure.Amsterdam).Format("2006-01-02")
}

// word translates a value of a closed list (status, verdict, letter kind),
// leaving unknown values as they are.
func word(lang, prefix, v string) string {
	if v == "" {
		return ""
	}
	if s, ok := messages[lang][prefix+"_"+v]; ok {
		return s
	}
	return strings.ReplaceAll(v, "_", " ")
}
