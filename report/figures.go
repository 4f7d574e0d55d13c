package report

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

// FiguresVersion is the version of the Figures JSON layout. A frozen copy
// with another version must be converted before it is rendered.
const FiguresVersion = 1

// Figures are the statistics of one organisation's year, and of the year
// before for the trend. They are all that PDF and CSV need: store them as
// JSON when the report is made, and the report can be rendered again, byte
// for byte, once the dossiers are destroyed. Every list has a fixed order;
// nothing depends on map iteration.
type Figures struct {
	Version      int       `json:"version"`
	Organisation OrgInfo   `json:"organisation"`
	Year         int       `json:"year"`
	Date         time.Time `json:"date"`               // when the report was made: title page and PDF creation date; zero: 1 January after the year
	Current      Year      `json:"current"`            // the figures of Year
	Previous     *Year     `json:"previous,omitempty"` // the figures of Year-1; nil when not known
}

// OrgInfo is what the report says about the organisation.
type OrgInfo struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Language string `json:"language"` // "nl" or "en": the language of the report

	// The profile's terms as the report prints them ("5 werkdagen",
	// "4 weeks"); empty where the profile sets none.
	AcknowledgeWithin string `json:"acknowledge_within,omitempty"`
	DecideWithin      string `json:"decide_within,omitempty"`
}

// Year holds the figures of the complaints received in one calendar year
// (Europe/Amsterdam), as the register stood at midnight at the end of that
// year: whatever happened later (a decision in January) does not count, so
// that the figures of a year never change.
type Year struct {
	Year     int     `json:"year"`
	Received int     `json:"received"`
	PerMonth [12]int `json:"per_month"` // received per month, January first

	Subjects []Count `json:"subjects"` // most frequent first; a dossier counts once for each of its subjects; key "" is "no subject"
	Status   []Count `json:"status"`   // at the end of the year, in the order of the Status constants
	Verdicts []Count `json:"verdicts"` // founded, partly_founded, unfounded, inadmissible, "" (no verdict by the end of the year); merged dossiers not counted
	Channels []Count `json:"channels"` // in the order of the Channel constants, then "" (not known)

	Acknowledgement Terms `json:"acknowledgement"`   // acknowledged within the term
	Decision        Terms `json:"decision"`          // decided within the term as extended: an extension counts as on time
	DecisionOrig    Terms `json:"decision_original"` // decided within the original term: an extension does not help

	DaysToAcknowledgement Median `json:"days_to_acknowledgement"` // calendar days from receipt
	DaysToDecision        Median `json:"days_to_decision"`        // calendar days from receipt to verdict (or closing)

	Extensions       int    `json:"extensions"`        // extensions of the decision term given
	ExtendedDossiers int    `json:"extended_dossiers"` // dossiers with at least one extension
	ExtensionReasons []Item `json:"extension_reasons"` // by dossier number

	Hearings []string `json:"hearings"` // numbers of the dossiers in which the person concerned was heard
	Appeals  []string `json:"appeals"`  // numbers of the dossiers that were appealed

	Causes     []Item `json:"causes"`     // by dossier number
	Corrective []Item `json:"corrective"` // corrective measures by dossier number
	Preventive []Item `json:"preventive"` // preventive measures by dossier number

	Agreement Agreement `json:"agreement"`
}

// Count is the number of dossiers with one value of a field.
type Count struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// Terms counts how a term was kept, over the dossiers that have one.
type Terms struct {
	OnTime  int `json:"on_time"` // met on or before the last day of the term
	Late    int `json:"late"`    // met after it, or not met while it ended within the year
	Pending int `json:"pending"` // not met at the end of the year, the term still running
	NoTerm  int `json:"no_term"` // no such term in the profile, or a merged dossier
}

// Judged is the number of dossiers whose term was kept or broken.
func (t Terms) Judged() int { return t.OnTime + t.Late }

// Share is the fraction of judged dossiers that kept the term; ok is false
// when no dossier was judged.
func (t Terms) Share() (share float64, ok bool) {
	if t.Judged() == 0 {
		return 0, false
	}
	return float64(t.OnTime) / float64(t.Judged()), true
}

// Median is the median of a number of days over N dossiers.
type Median struct {
	N    int     `json:"n"`
	Days float64 `json:"days"` // meaningless when N is 0
}

// Agreement counts the agreement with the complainant over the dossiers
// handled by the end of the year (verdict given or closed), merged dossiers
// not counted.
type Agreement struct {
	Yes     int `json:"yes"`
	No      int `json:"no"`
	Unknown int `json:"unknown"`
}

// Rate is the share of "yes" among the dossiers where agreement was
// recorded; ok is false when it was recorded nowhere.
func (a Agreement) Rate() (rate float64, ok bool) {
	if a.Yes+a.No == 0 {
		return 0, false
	}
	return float64(a.Yes) / float64(a.Yes+a.No), true
}

// Item is one free text of a dossier: a cause, a measure or the reason of an
// extension. It names the dossier by number, never by person.
type Item struct {
	Number    string   `json:"number"`
	Text      string   `json:"text"`
	Subjects  []string `json:"subjects,omitempty"`  // the dossier's subjects (measures only), to weigh a measure against the subject's trend
	Verdict   string   `json:"verdict,omitempty"`   // the dossier's verdict (corrective measures only)
	Agreement string   `json:"agreement,omitempty"` // the dossier's agreement (corrective measures only): did the measure satisfy
}

var (
	statusOrder  = []string{StatusOpen, StatusDecided, StatusClosed, StatusRejected, StatusMerged, StatusDestroyed}
	verdictOrder = []string{VerdictFounded, VerdictPartlyFounded, VerdictUnfounded, VerdictInadmissible, ""}
	channelOrder = []string{ChannelEmail, ChannelForwarded, ChannelPhone, ChannelInPerson, ChannelLetter, ""}
)

// Compute returns the figures of the complaints that org received in year:
// the records whose ReceivedAt falls in that year in Europe/Amsterdam (any
// other record is ignored, so all of an organisation's records may be
// passed). Previous stays nil; see WithPrevious. Date stays zero: the
// caller sets it to the day the report is made.
func Compute(year int, org OrgInfo, records []Record) Figures {
	return Figures{
		Version:      FiguresVersion,
		Organisation: org,
		Year:         year,
		Current:      computeYear(year, records),
	}
}

// WithPrevious returns f with the figures of the year before taken from
// prev: a frozen copy, or Compute over the records of that year.
func (f Figures) WithPrevious(prev Figures) (Figures, error) {
	if prev.Year != f.Year-1 {
		return f, fmt.Errorf("report: previous figures are of %d, want %d", prev.Year, f.Year-1)
	}
	if prev.Organisation.ID != f.Organisation.ID {
		return f, fmt.Errorf("report: previous figures are of organisation %q, want %q", prev.Organisation.ID, f.Organisation.ID)
	}
	y := prev.Current
	f.Previous = &y
	return f, nil
}

// ErrVersion is returned by Check for figures of another layout version.
var ErrVersion = errors.New("report: figures of an unknown version")

// Check reports whether f can be rendered: a known version and a year.
func (f Figures) Check() error {
	if f.Version != FiguresVersion {
		return fmt.Errorf("%w: %d (this klachtd knows %d)", ErrVersion, f.Version, FiguresVersion)
	}
	if f.Year < 1 || f.Current.Year != f.Year {
		return fmt.Errorf("report: figures of year %d hold the year %d", f.Year, f.Current.Year)
	}
	if f.Previous != nil && f.Previous.Year != f.Year-1 {
		return fmt.Errorf("report: previous figures of %d hold the year %d", f.Year, f.Previous.Year)
	}
	if f.Organisation.Language != "nl" && f.Organisation.Language != "en" {
		return fmt.Errorf("report: organisation %q: language %q, want nl or en", f.Organisation.ID, f.Organisation.Language)
	}
	return nil
}

// yearStart is midnight at the start of 1 January of year, Europe/Amsterdam.
func yearStart(year int) time.Time {
	return time.Date(year, time.January, 1, 0, 0, 0, 0, procedure.Amsterdam)
}

// day is the civil date of t in Europe/Amsterdam as a count of days, so
// that two days compare and subtract as numbers.
func day(t time.Time) int {
	y, m, d := t.In(procedure.Amsterdam).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func computeYear(year int, all []Record) Year {
	end := yearStart(year + 1)
	// happened reports whether an event at t (zero: none) had happened by
	// the end of the year.
	happened := func(t time.Time) bool { return !t.IsZero() && t.Before(end) }
	lastDay := day(end) - 1 // 31 December

	var records []Record
	for _, r := range all {
		if !r.ReceivedAt.IsZero() && r.ReceivedAt.In(procedure.Amsterdam).Year() == year {
			records = append(records, r)
		}
	}
	// A fixed order whatever the caller's: by number, then by receipt.
	sort.SliceStable(records, func(i, j int) bool {
		if records[i].Number != records[j].Number {
			return records[i].Number < records[j].Number
		}
		return records[i].ReceivedAt.Before(records[j].ReceivedAt)
	})

	y := Year{
		Year:             year,
		Received:         len(records),
		ExtensionReasons: []Item{},
		Hearings:         []string{},
		Appeals:          []string{},
		Causes:           []Item{},
		Corrective:       []Item{},
		Preventive:       []Item{},
	}
	subjects := map[string]int{}
	spelling := map[string]string{} // a subject counts once whatever its case; the first spelling (by number) names it
	status := map[string]int{}
	verdicts := map[string]int{}
	channels := map[string]int{}
	var toAck, toDecision []int

	for _, r := range records {
		y.PerMonth[r.ReceivedAt.In(procedure.Amsterdam).Month()-1]++
		received := day(r.ReceivedAt)

		subs := cleanSubjects(r.Subjects)
		if len(subs) == 0 {
			subjects[""]++
		}
		for i, s := range subs {
			k := strings.ToLower(s)
			if _, ok := spelling[k]; !ok {
				spelling[k] = s
			}
			subs[i] = spelling[k]
			subjects[spelling[k]]++
		}
		status[r.Status]++
		ch := r.Channel
		if !contains(channelOrder, ch) {
			ch = ""
		}
		channels[ch]++

		merged := r.Status == StatusMerged
		// The moment handling ended: the verdict, or closing without one.
		handledAt := r.DecidedAt
		if handledAt.IsZero() {
			handledAt = r.ClosedAt
		}
		handled := happened(handledAt)

		verdict := ""
		if happened(r.DecidedAt) || (r.DecidedAt.IsZero() && handled) {
			verdict = r.Verdict
		}
		if !contains(verdictOrder, verdict) {
			verdict = ""
		}
		if !merged {
			verdicts[verdict]++
		}

		// Acknowledgement term (docs/procedure.md step 3).
		if merged {
			y.Acknowledgement.NoTerm++
		} else {
			judge(&y.Acknowledgement, r.AcknowledgeBy, r.AcknowledgedAt, happened, lastDay)
		}
		if !merged && happened(r.AcknowledgedAt) {
			toAck = append(toAck, day(r.AcknowledgedAt)-received)
		}

		// Extensions given by the end of the year, and the decide-by date
		// they left (docs/procedure.md step 7).
		decideBy, n := r.DecideBy, 0
		for _, e := range r.Extensions {
			if !e.At.IsZero() && !e.At.Before(end) {
				continue
			}
			n++
			if reason := clean(e.Reason); reason != "" {
				y.ExtensionReasons = append(y.ExtensionReasons, Item{Number: r.Number, Text: reason})
			}
		}
		if n < len(r.Extensions) { // an extension came after the year: the term as it stood
			decideBy = r.DecideByOriginal
			for _, e := range r.Extensions {
				if !e.At.IsZero() && e.At.Before(end) && !e.NewDecideBy.IsZero() {
					decideBy = e.NewDecideBy
				}
			}
		}
		y.Extensions += n
		if n > 0 {
			y.ExtendedDossiers++
		}
		original := r.DecideByOriginal
		if original.IsZero() && n == 0 {
			original = decideBy
		}

		// Decision term (docs/procedure.md step 6), with and without extensions.
		if merged {
			y.Decision.NoTerm++
			y.DecisionOrig.NoTerm++
		} else {
			judge(&y.Decision, decideBy, handledAt, happened, lastDay)
			judge(&y.DecisionOrig, original, handledAt, happened, lastDay)
			if handled {
				toDecision = append(toDecision, day(handledAt)-received)
			}
		}

		if r.Hearing {
			y.Hearings = append(y.Hearings, r.Number)
		}
		if r.Appeal {
			y.Appeals = append(y.Appeals, r.Number)
		}
		if cause := clean(r.Cause); cause != "" {
			y.Causes = append(y.Causes, Item{Number: r.Number, Text: cause})
		}
		for _, m := range r.Measures {
			text := clean(m.Text)
			if text == "" {
				continue
			}
			switch m.Kind {
			case MeasureCorrective:
				y.Corrective = append(y.Corrective, Item{Number: r.Number, Text: text, Subjects: subs, Verdict: verdict, Agreement: cleanAgreement(r.Agreement)})
			case MeasurePreventive:
				y.Preventive = append(y.Preventive, Item{Number: r.Number, Text: text, Subjects: subs})
			}
		}
		if handled && !merged {
			switch cleanAgreement(r.Agreement) {
			case AgreementYes:
				y.Agreement.Yes++
			case AgreementNo:
				y.Agreement.No++
			default:
				y.Agreement.Unknown++
			}
		}
	}

	y.Subjects = byCount(subjects)
	y.Status = inOrder(statusOrder, status)
	y.Verdicts = inOrder(verdictOrder, verdicts)
	y.Channels = inOrder(channelOrder, channels)
	y.DaysToAcknowledgement = median(toAck)
	y.DaysToDecision = median(toDecision)
	return y
}

// judge counts one dossier's term: due is the last day of the term (zero:
// none), done the moment it was met (zero: not met).
func judge(t *Terms, due, done time.Time, happened func(time.Time) bool, lastDay int) {
	switch {
	case due.IsZero():
		t.NoTerm++
	case happened(done) && day(done) <= day(due):
		t.OnTime++
	case happened(done), day(due) <= lastDay:
		t.Late++
	default:
		t.Pending++
	}
}

// median of a list of day counts; the mean of the middle two for an even
// count.
func median(days []int) Median {
	if len(days) == 0 {
		return Median{}
	}
	s := append([]int(nil), days...)
	sort.Ints(s)
	n := len(s)
	if n%2 == 1 {
		return Median{N: n, Days: float64(s[n/2])}
	}
	return Median{N: n, Days: float64(s[n/2-1]+s[n/2]) / 2}
}

// inOrder lists the counts of the keys in order, zeros included, followed
// by any other key that occurs, sorted.
func inOrder(order []string, counts map[string]int) []Count {
	out := make([]Count, 0, len(order))
	for _, k := range order {
		out = append(out, Count{Key: k, N: counts[k]})
	}
	var extra []string
	for k := range counts {
		if !contains(order, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		out = append(out, Count{Key: k, N: counts[k]})
	}
	return out
}

// byCount lists the counts most frequent first, equal counts by key, the
// empty key ("none") last.
func byCount(counts map[string]int) []Count {
	out := make([]Count, 0, len(counts))
	for k, n := range counts {
		out = append(out, Count{Key: k, N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Key == "") != (b.Key == "") {
			return b.Key == ""
		}
		if a.N != b.N {
			return a.N > b.N
		}
		return a.Key < b.Key
	})
	return out
}

// cleanSubjects trims the subjects, drops empty and repeated ones (a dossier
// counts once per subject, whatever the case) and scrubs them like any
// free text.
func cleanSubjects(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = clean(s)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}

func cleanAgreement(a string) string {
	switch strings.ToLower(strings.TrimSpace(a)) {
	case AgreementYes:
		return AgreementYes
	case AgreementNo:
		return AgreementNo
	}
	return AgreementUnknown
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
