// Package values holds the values of the complaint register's fields, as
// they are stored and as `list -json` and `show -json` show them
// (docs/spec.md "JSON output"): the statuses of a dossier, the verdicts,
// the channels a complaint came in by, agreement with the complainant and
// the kinds of measures; and how a verdict is named in a letter.
package values

// Statuses of a dossier.
const (
	StatusOpen      = "open"
	StatusDecided   = "decided"
	StatusClosed    = "closed"
	StatusRejected  = "rejected"
	StatusMerged    = "merged"
	StatusDestroyed = "destroyed"
)

// Verdicts (docs/procedure.md "Words"); an empty verdict means none was
// given.
const (
	VerdictFounded       = "founded"
	VerdictPartlyFounded = "partly_founded"
	VerdictUnfounded     = "unfounded"
	VerdictInadmissible  = "inadmissible"
)

// Channels a complaint came in by.
const (
	ChannelEmail     = "email"
	ChannelForwarded = "forwarded"
	ChannelPhone     = "phone"
	ChannelInPerson  = "in person"
	ChannelLetter    = "letter"
)

// Agreement with the complainant (register field of procedure 002).
const (
	AgreementUnknown = ""
	AgreementYes     = "yes"
	AgreementNo      = "no"
)

// Measure kinds (the `measures[].kind` values).
const (
	MeasureCorrective = "corrective"
	MeasurePreventive = "preventive"
)

// statusNamesNL are the statuses in the Dutch of replies to staff and of
// the dossier a complainant may inspect.
var statusNamesNL = map[string]string{
	StatusOpen:      "open",
	StatusDecided:   "beslist",
	StatusClosed:    "afgehandeld",
	StatusRejected:  "niet-ontvankelijk verklaard",
	StatusMerged:    "samengevoegd",
	StatusDestroyed: "vernietigd",
}

// StatusName names a status in a language ("nl", else the stored value).
func StatusName(lang, status string) string {
	if name, ok := statusNamesNL[status]; ok && lang == "nl" {
		return name
	}
	return status
}

// verdictNames are the names of the verdicts in letters and reports:
// {Dutch, English}.
var verdictNames = map[string][2]string{
	VerdictFounded:       {"gegrond", "founded"},
	VerdictUnfounded:     {"ongegrond", "unfounded"},
	VerdictPartlyFounded: {"deels gegrond", "partly founded"},
	VerdictInadmissible:  {"niet-ontvankelijk", "inadmissible"},
}

// VerdictName names a verdict in a language ("nl", else English); ok is
// false for a value that is not a verdict.
func VerdictName(lang, verdict string) (name string, ok bool) {
	names, ok := verdictNames[verdict]
	if lang == "nl" {
		return names[0], ok
	}
	return names[1], ok
}
