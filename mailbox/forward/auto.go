package forward

import "regexp"

// autoReplySubjectRe matches the subject prefixes that Outlook/Exchange,
// Gmail, Apple Mail and common vacation responders give their automatic
// replies, in Dutch, English, German and French.
var autoReplySubjectRe = regexp.MustCompile(`(?i)^\s*(automatisch antwoord|automatisch bericht|automatic reply|auto(matic)?[- ]?reply|auto[- ]?response|out of (the )?office( reply)?|afwezigheidsbericht|afwezig|niet aanwezig|vacation reply|abwesenheitsnotiz|automatische antwort|réponse automatique|absence)\s*(\(.*?\))?\s*:`)

// AutoReplySubject reports whether a subject is that of an automatic reply
// ("Automatisch antwoord: …", "Automatic reply: …", "Out of Office: …").
// A forwarded header block rarely shows the Auto-Submitted field (RFC 3834
// §5) the original carried; its subject is what is left to tell an
// auto-reply that a staff member forwarded from a complaint.
func AutoReplySubject(subject string) bool {
	return autoReplySubjectRe.MatchString(subject)
}
