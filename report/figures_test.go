package report

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

// at parses "2006-01-02 15:04" in Europe/Amsterdam.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, procedure.Amsterdam)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// date parses "2006-01-02" as 00:00 Europe/Amsterdam, the way the procedure
// package stores the last day of a term.
func date(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02", s, procedure.Amsterdam)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// smallYear is a fabricated 2026 of nine dossiers (and two of the years
// around it) whose figures are worked out by hand in TestComputeSmallYear.
func smallYear(t testing.TB) []Record {
	return []Record{
		{ // received in the first minutes of 2026 (still 2025 in UTC)
			Number: "KL-2026-0001", Status: StatusClosed,
			ReceivedAt: at(t, "2026-01-01 00:30"), AcknowledgeBy: date(t, "2026-01-08"), AcknowledgedAt: at(t, "2026-01-05 09:00"),
			DecideByOriginal: date(t, "2026-02-02"), DecideBy: date(t, "2026-02-02"),
			DecidedAt: at(t, "2026-01-20 16:00"), ClosedAt: at(t, "2026-01-21 10:00"),
			Verdict: VerdictFounded, Subjects: []string{"Factuur"}, Channel: ChannelEmail,
			Cause: "Factuur dubbel verstuurd, zie klant@example.nl",
			Measures: []Measure{
				{Kind: MeasureCorrective, Text: "Creditnota verstuurd"},
				{Kind: MeasurePreventive, Text: "Controle op dubbele facturen"},
			},
			Agreement: AgreementYes,
		},
		{ // acknowledged a day late; extended, decided within the new term
			Number: "KL-2026-0002", Status: StatusDecided,
			ReceivedAt: at(t, "2026-01-20 09:00"), AcknowledgeBy: date(t, "2026-01-27"), AcknowledgedAt: at(t, "2026-01-28 11:00"),
			DecideByOriginal: date(t, "2026-02-17"), DecideBy: date(t, "2026-03-03"),
			Extensions: []Extension{{At: at(t, "2026-02-10 12:00"), NewDecideBy: date(t, "2026-03-03"), Reason: "Wachten op\nreactie docent"}},
			DecidedAt:  at(t, "2026-02-25 15:00"),
			Verdict:    VerdictPartlyFounded, Subjects: []string{"Begeleiding", "Factuur"}, Channel: ChannelPhone,
			Hearing: true, Agreement: AgreementNo,
		},
		{ // a tombstone: decided a day late, appealed
			Number: "KL-2026-0003", Status: StatusDestroyed,
			ReceivedAt: at(t, "2026-03-10 14:00"), AcknowledgeBy: date(t, "2026-03-17"), AcknowledgedAt: at(t, "2026-03-11 08:00"),
			DecideByOriginal: date(t, "2026-04-07"), DecideBy: date(t, "2026-04-07"),
			DecidedAt: at(t, "2026-04-08 10:00"), ClosedAt: at(t, "2026-04-20 10:00"),
			Verdict: VerdictUnfounded, Subjects: []string{"Begeleiding"}, Channel: ChannelLetter,
			Appeal: true, Cause: "Verwachting niet\n\tuitgesproken",
			Measures: []Measure{{Kind: MeasurePreventive, Text: "Intakegesprek uitgebreid"}},
		},
		{ // merged into another dossier: no terms, no verdict
			Number: "KL-2026-0004", Status: StatusMerged,
			ReceivedAt: at(t, "2026-06-15 10:00"), AcknowledgeBy: date(t, "2026-06-22"), AcknowledgedAt: at(t, "2026-06-15 10:05"),
			DecideByOriginal: date(t, "2026-07-13"), DecideBy: date(t, "2026-07-13"),
			Subjects: []string{"Factuur"}, Channel: ChannelEmail,
		},
		{ // extended into 2027 and decided there: pending at the year's end, late against its original term
			Number: "KL-2026-0005", Status: StatusOpen,
			ReceivedAt: at(t, "2026-11-20 10:00"), AcknowledgeBy: date(t, "2026-11-27"), AcknowledgedAt: at(t, "2026-11-21 10:00"),
			DecideByOriginal: date(t, "2026-12-18"), DecideBy: date(t, "2027-01-15"),
			Extensions: []Extension{{At: at(t, "2026-12-10 10:00"), NewDecideBy: date(t, "2027-01-15"), Reason: "Complex dossier, klager belt 06-12345678"}},
			DecidedAt:  at(t, "2027-01-10 10:00"), Verdict: VerdictFounded,
			Channel: ChannelInPerson, Agreement: AgreementYes,
		},
		{ // received in the last week: both terms still running; its extension came in 2027
			Number: "KL-2026-0006", Status: StatusOpen,
			ReceivedAt: at(t, "2026-12-28 10:00"), AcknowledgeBy: date(t, "2027-01-04"), AcknowledgedAt: at(t, "2027-01-02 10:00"),
			DecideByOriginal: date(t, "2027-01-25"), DecideBy: date(t, "2027-02-08"),
			Extensions: []Extension{{At: at(t, "2027-01-20 10:00"), NewDecideBy: date(t, "2027-02-08"), Reason: "Later"}},
			Subjects:   []string{" factuur "}, Channel: ChannelForwarded,
		},
		{ // no acknowledgement term; no decision while the term ran out in June
			Number: "KL-2026-0007", Status: StatusOpen,
			ReceivedAt:       at(t, "2026-05-04 10:00"),
			DecideByOriginal: date(t, "2026-06-01"), DecideBy: date(t, "2026-06-01"),
			Subjects: []string{"Bejegening"}, Channel: "fax",
		},
		{ // closed without a verdict (withdrawn): handled on closing
			Number: "KL-2026-0008", Status: StatusClosed,
			ReceivedAt: at(t, "2026-07-01 10:00"), AcknowledgeBy: date(t, "2026-07-08"), AcknowledgedAt: at(t, "2026-07-01 10:00"),
			DecideBy: date(t, "2026-07-29"), ClosedAt: at(t, "2026-07-10 10:00"),
			Subjects: []string{"Bejegening"}, Channel: ChannelEmail, Agreement: "Yes",
		},
		{ // inadmissible
			Number: "KL-2026-0009", Status: StatusRejected,
			ReceivedAt: at(t, "2026-09-01 10:00"), AcknowledgeBy: date(t, "2026-09-08"), AcknowledgedAt: at(t, "2026-09-01 10:00"),
			DecideBy: date(t, "2026-09-29"), DecidedAt: at(t, "2026-09-02 10:00"),
			Verdict: VerdictInadmissible, Subjects: []string{"Overig"}, Channel: ChannelEmail,
		},
		{ // 31 December 2025 23:30 in Amsterdam: not 2026
			Number: "KL-2025-0010", Status: StatusClosed, ReceivedAt: at(t, "2025-12-31 23:30"),
			Subjects: []string{"Factuur"},
		},
		{ // 1 January 2027 00:30 in Amsterdam (still 2026 in UTC): not 2026
			Number: "KL-2027-0001", Status: StatusOpen, ReceivedAt: at(t, "2027-01-01 00:30").UTC(),
		},
	}
}

func TestComputeSmallYear(t *testing.T) {
	org := OrgInfo{ID: "acme", Name: "Acme Training", Language: "nl", AcknowledgeWithin: "5 werkdagen", DecideWithin: "4 weken"}
	records := smallYear(t)
	f := Compute(2026, org, records)

	want := Year{
		Year:     2026,
		Received: 9,
		PerMonth: [12]int{2, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1},
		Subjects: []Count{{"Factuur", 4}, {"Begeleiding", 2}, {"Bejegening", 2}, {"Overig", 1}, {"", 1}},
		Status: []Count{{StatusOpen, 3}, {StatusDecided, 1}, {StatusClosed, 2}, {StatusRejected, 1},
			{StatusMerged, 1}, {StatusDestroyed, 1}},
		Verdicts: []Count{{VerdictFounded, 1}, {VerdictPartlyFounded, 1}, {VerdictUnfounded, 1},
			{VerdictInadmissible, 1}, {"", 4}},
		Channels: []Count{{ChannelEmail, 4}, {ChannelForwarded, 1}, {ChannelPhone, 1}, {ChannelInPerson, 1},
			{ChannelLetter, 1}, {"", 1}},
		// on time 1, 3, 5, 8, 9; late 2; pending 6; no term 4 (merged), 7
		Acknowledgement: Terms{OnTime: 5, Late: 1, Pending: 1, NoTerm: 2},
		// on time 1, 2, 8, 9; late 3, 7; pending 5, 6; no term 4
		Decision: Terms{OnTime: 4, Late: 2, Pending: 2, NoTerm: 1},
		// on time 1, 8, 9; late 2, 3, 5, 7; pending 6; no term 4
		DecisionOrig: Terms{OnTime: 3, Late: 4, Pending: 1, NoTerm: 1},
		// 4, 8, 1, 1, 0, 0 days
		DaysToAcknowledgement: Median{N: 6, Days: 1},
		// 19, 36, 29, 9, 1 days
		DaysToDecision:   Median{N: 5, Days: 19},
		Extensions:       2,
		ExtendedDossiers: 2,
		ExtensionReasons: []Item{
			{Number: "KL-2026-0002", Text: "Wachten op reactie docent"},
			{Number: "KL-2026-0005", Text: "Complex dossier, klager belt […]"},
		},
		Hearings: []string{"KL-2026-0002"},
		Appeals:  []string{"KL-2026-0003"},
		Causes: []Item{
			{Number: "KL-2026-0001", Text: "Factuur dubbel verstuurd, zie […]"},
			{Number: "KL-2026-0003", Text: "Verwachting niet uitgesproken"},
		},
		Corrective: []Item{
			{Number: "KL-2026-0001", Text: "Creditnota verstuurd", Subjects: []string{"Factuur"}, Verdict: VerdictFounded, Agreement: AgreementYes},
		},
		Preventive: []Item{
			{Number: "KL-2026-0001", Text: "Controle op dubbele facturen", Subjects: []string{"Factuur"}},
			{Number: "KL-2026-0003", Text: "Intakegesprek uitgebreid", Subjects: []string{"Begeleiding"}},
		},
		// handled: 1 yes, 2 no, 3 unknown, 8 yes, 9 unknown
		Agreement: Agreement{Yes: 2, No: 1, Unknown: 2},
	}
	if f.Version != FiguresVersion || f.Year != 2026 || f.Organisation != org || f.Previous != nil || !f.Date.IsZero() {
		t.Errorf("Compute header = %+v", f)
	}
	if !reflect.DeepEqual(f.Current, want) {
		got, _ := json.MarshalIndent(f.Current, "", "  ")
		exp, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("Compute(2026):\n%s\nwant\n%s", got, exp)
	}
	if s, ok := f.Current.Decision.Share(); !ok || s != 4.0/6 {
		t.Errorf("Decision.Share() = %v, %v; want 4/6", s, ok)
	}
	if s, ok := f.Current.DecisionOrig.Share(); !ok || s != 3.0/7 {
		t.Errorf("DecisionOrig.Share() = %v, %v; want 3/7", s, ok)
	}
	if r, ok := f.Current.Agreement.Rate(); !ok || r != 2.0/3 {
		t.Errorf("Agreement.Rate() = %v, %v; want 2/3", r, ok)
	}

	// The caller's order does not matter.
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(records), func(i, j int) { records[i], records[j] = records[j], records[i] })
	if g := Compute(2026, org, records); !reflect.DeepEqual(g, f) {
		t.Errorf("Compute depends on the order of the records")
	}

	// The year before: only KL-2025-0010, received at 23:30 on New Year's Eve.
	prev := Compute(2025, org, records)
	if prev.Current.Received != 1 || prev.Current.PerMonth[11] != 1 {
		t.Errorf("Compute(2025) received %d, per month %v; want 1 in December", prev.Current.Received, prev.Current.PerMonth)
	}
	withPrev, err := f.WithPrevious(prev)
	if err != nil {
		t.Fatal(err)
	}
	if withPrev.Previous == nil || !reflect.DeepEqual(*withPrev.Previous, prev.Current) || f.Previous != nil {
		t.Errorf("WithPrevious: %+v", withPrev.Previous)
	}
	if _, err := f.WithPrevious(Compute(2024, org, nil)); err == nil {
		t.Error("WithPrevious accepted the figures of 2024 for 2026")
	}
	if _, err := f.WithPrevious(Compute(2025, OrgInfo{ID: "other", Language: "nl"}, nil)); err == nil {
		t.Error("WithPrevious accepted another organisation's figures")
	}
}

// TestTerms judges single dossiers against their terms: on the last day is
// on time, the day after is late, a term running past 31 December with
// nothing done is pending, and an extension counts as on time in Decision
// but not in DecisionOrig.
func TestTerms(t *testing.T) {
	received := at(t, "2026-03-02 10:00")
	tests := []struct {
		name          string
		r             Record
		ack, dec, org Terms
	}{
		{
			name: "acknowledged on the last day, late in the evening",
			r:    Record{AcknowledgeBy: date(t, "2026-03-09"), AcknowledgedAt: at(t, "2026-03-09 23:59")},
			ack:  Terms{OnTime: 1}, dec: Terms{NoTerm: 1}, org: Terms{NoTerm: 1},
		},
		{
			name: "acknowledged just after midnight",
			r:    Record{AcknowledgeBy: date(t, "2026-03-09"), AcknowledgedAt: at(t, "2026-03-10 00:00")},
			ack:  Terms{Late: 1}, dec: Terms{NoTerm: 1}, org: Terms{NoTerm: 1},
		},
		{
			name: "decided within the original term",
			r:    Record{DecideByOriginal: date(t, "2026-03-30"), DecideBy: date(t, "2026-03-30"), DecidedAt: at(t, "2026-03-30 17:00")},
			ack:  Terms{NoTerm: 1}, dec: Terms{OnTime: 1}, org: Terms{OnTime: 1},
		},
		{
			name: "decided within the extended term",
			r: Record{DecideByOriginal: date(t, "2026-03-30"), DecideBy: date(t, "2026-04-13"), DecidedAt: at(t, "2026-04-10 17:00"),
				Extensions: []Extension{{At: at(t, "2026-03-25 10:00"), NewDecideBy: date(t, "2026-04-13")}}},
			ack: Terms{NoTerm: 1}, dec: Terms{OnTime: 1}, org: Terms{Late: 1},
		},
		{
			name: "decided after the extended term",
			r: Record{DecideByOriginal: date(t, "2026-03-30"), DecideBy: date(t, "2026-04-13"), DecidedAt: at(t, "2026-04-14 09:00"),
				Extensions: []Extension{{At: at(t, "2026-03-25 10:00"), NewDecideBy: date(t, "2026-04-13")}}},
			ack: Terms{NoTerm: 1}, dec: Terms{Late: 1}, org: Terms{Late: 1},
		},
		{
			name: "two extensions, decided within the second",
			r: Record{DecideByOriginal: date(t, "2026-03-30"), DecideBy: date(t, "2026-05-11"), DecidedAt: at(t, "2026-05-01 09:00"),
				Extensions: []Extension{
					{At: at(t, "2026-03-25 10:00"), NewDecideBy: date(t, "2026-04-13")},
					{At: at(t, "2026-04-08 10:00"), NewDecideBy: date(t, "2026-05-11")},
				}},
			ack: Terms{NoTerm: 1}, dec: Terms{OnTime: 1}, org: Terms{Late: 1},
		},
		{
			name: "no original term given: the final one is the original",
			r:    Record{DecideBy: date(t, "2026-03-30"), DecidedAt: at(t, "2026-03-31 09:00")},
			ack:  Terms{NoTerm: 1}, dec: Terms{Late: 1}, org: Terms{Late: 1},
		},
		{
			name: "extended without an original term: the original cannot be judged",
			r: Record{DecideBy: date(t, "2026-04-13"), DecidedAt: at(t, "2026-04-10 09:00"),
				Extensions: []Extension{{Reason: "x"}}},
			ack: Terms{NoTerm: 1}, dec: Terms{OnTime: 1}, org: Terms{NoTerm: 1},
		},
		{
			name: "closed without a verdict, within the term",
			r:    Record{DecideBy: date(t, "2026-03-30"), ClosedAt: at(t, "2026-03-20 09:00")},
			ack:  Terms{NoTerm: 1}, dec: Terms{OnTime: 1}, org: Terms{OnTime: 1},
		},
		{
			name: "not decided, term ended on 31 December",
			r:    Record{DecideBy: date(t, "2026-12-31")},
			ack:  Terms{NoTerm: 1}, dec: Terms{Late: 1}, org: Terms{Late: 1},
		},
		{
			name: "not decided, term ends on 1 January",
			r:    Record{AcknowledgeBy: date(t, "2027-01-01"), DecideBy: date(t, "2027-01-01")},
			ack:  Terms{Pending: 1}, dec: Terms{Pending: 1}, org: Terms{Pending: 1},
		},
		{
			name: "decided on 1 January within the term: pending at the year's end",
			r:    Record{DecideBy: date(t, "2027-01-04"), DecidedAt: at(t, "2027-01-01 10:00")},
			ack:  Terms{NoTerm: 1}, dec: Terms{Pending: 1}, org: Terms{Pending: 1},
		},
		{
			name: "decided on 1 January after the term: late",
			r:    Record{DecideBy: date(t, "2026-12-30"), DecidedAt: at(t, "2027-01-01 10:00")},
			ack:  Terms{NoTerm: 1}, dec: Terms{Late: 1}, org: Terms{Late: 1},
		},
		{
			name: "extension given in the next year does not count",
			r: Record{DecideByOriginal: date(t, "2026-12-28"), DecideBy: date(t, "2027-01-25"),
				Extensions: []Extension{{At: at(t, "2027-01-02 10:00"), NewDecideBy: date(t, "2027-01-25")}}},
			ack: Terms{NoTerm: 1}, dec: Terms{Late: 1}, org: Terms{Late: 1},
		},
		{
			name: "merged: no term at all",
			r:    Record{Status: StatusMerged, AcknowledgeBy: date(t, "2026-03-09"), DecideBy: date(t, "2026-03-30")},
			ack:  Terms{NoTerm: 1}, dec: Terms{NoTerm: 1}, org: Terms{NoTerm: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r
			r.Number = "KL-2026-0001"
			r.ReceivedAt = received
			if r.Status == "" {
				r.Status = StatusOpen
			}
			y := Compute(2026, OrgInfo{Language: "en"}, []Record{r}).Current
			if y.Acknowledgement != tc.ack {
				t.Errorf("Acknowledgement = %+v, want %+v", y.Acknowledgement, tc.ack)
			}
			if y.Decision != tc.dec {
				t.Errorf("Decision = %+v, want %+v", y.Decision, tc.dec)
			}
			if y.DecisionOrig != tc.org {
				t.Errorf("DecisionOrig = %+v, want %+v", y.DecisionOrig, tc.org)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []int
		want Median
	}{
		{nil, Median{}},
		{[]int{7}, Median{N: 1, Days: 7}},
		{[]int{3, 1}, Median{N: 2, Days: 2}},
		{[]int{0, 5}, Median{N: 2, Days: 2.5}},
		{[]int{9, 1, 5}, Median{N: 3, Days: 5}},
		{[]int{10, 2, 4, 100}, Median{N: 4, Days: 7}},
		{[]int{1, 1, 1, 30, 30}, Median{N: 5, Days: 1}},
	}
	for _, tc := range tests {
		in := append([]int(nil), tc.in...)
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
		if !reflect.DeepEqual(in, tc.in) {
			t.Errorf("median sorted its input %v", in)
		}
	}
}

// TestMedianDays checks the median over dossiers in calendar days in
// Amsterdam: a complaint at 23:50 acknowledged at 00:10 took one day.
func TestMedianDays(t *testing.T) {
	mk := func(n, recv, ack, dec string) Record {
		return Record{Number: n, Status: StatusDecided, ReceivedAt: at(t, recv), AcknowledgedAt: at(t, ack), DecidedAt: at(t, dec)}
	}
	y := Compute(2026, OrgInfo{}, []Record{
		mk("A", "2026-03-01 23:50", "2026-03-02 00:10", "2026-03-11 10:00"), // 1 and 10 days
		mk("B", "2026-03-29 01:00", "2026-03-29 23:00", "2026-04-03 10:00"), // 0 and 5 days (across the DST change)
		mk("C", "2026-10-24 12:00", "2026-10-27 12:00", "2026-11-23 10:00"), // 3 and 30 days
		mk("D", "2026-12-01 12:00", "2026-12-03 12:00", "2027-01-05 10:00"), // 2 days; decided after the year
	}).Current
	if want := (Median{N: 4, Days: 1.5}); y.DaysToAcknowledgement != want {
		t.Errorf("DaysToAcknowledgement = %+v, want %+v", y.DaysToAcknowledgement, want)
	}
	if want := (Median{N: 3, Days: 10}); y.DaysToDecision != want {
		t.Errorf("DaysToDecision = %+v, want %+v", y.DaysToDecision, want)
	}
}

func TestComputeEmptyYear(t *testing.T) {
	f := Compute(2026, OrgInfo{ID: "acme", Language: "en"}, smallYear(t)[9:]) // 2025 and 2027 only
	y := f.Current
	if y.Received != 0 || y.PerMonth != [12]int{} || len(y.Subjects) != 0 {
		t.Errorf("empty year: %+v", y)
	}
	for _, c := range append(append(y.Status, y.Verdicts...), y.Channels...) {
		if c.N != 0 {
			t.Errorf("empty year counts %+v", c)
		}
	}
	if len(y.Status) != len(statusOrder) || len(y.Verdicts) != len(verdictOrder) || len(y.Channels) != len(channelOrder) {
		t.Errorf("empty year drops fixed rows: %v %v %v", y.Status, y.Verdicts, y.Channels)
	}
	if _, ok := y.Decision.Share(); ok {
		t.Error("Share of an empty year is defined")
	}
	if _, ok := y.Agreement.Rate(); ok {
		t.Error("Rate of an empty year is defined")
	}
	// Lists are empty, not null, in the frozen copy.
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"subjects", "causes", "corrective", "preventive", "hearings", "appeals", "extension_reasons"} {
		if !strings.Contains(string(b), `"`+k+`":[]`) {
			t.Errorf("JSON of an empty year lacks %q: []: %s", k, b)
		}
	}
	if err := f.Check(); err != nil {
		t.Error(err)
	}
}

// TestFiguresJSON: the frozen copy reads back into equal figures.
func TestFiguresJSON(t *testing.T) {
	org := OrgInfo{ID: "acme", Name: "Acme", Language: "nl", AcknowledgeWithin: "5 werkdagen", DecideWithin: "4 weken"}
	f := Compute(2026, org, smallYear(t))
	f.Date = at(t, "2027-01-15 08:00")
	f, err := f.WithPrevious(Compute(2025, org, smallYear(t)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var g Figures
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(g)
	if string(b) != string(b2) {
		t.Errorf("JSON round trip changed:\n%s\n%s", b, b2)
	}
	if !g.Date.Equal(f.Date) || !reflect.DeepEqual(g.Current, f.Current) || !reflect.DeepEqual(*g.Previous, *f.Previous) {
		t.Error("JSON round trip lost figures")
	}
	g.Version = 99
	if err := g.Check(); err == nil {
		t.Error("Check accepted version 99")
	}
}

func TestYearEndStatus(t *testing.T) {
	dec := at(t, "2026-11-10 10:00")
	decNext := at(t, "2027-01-10 10:00")
	closed := at(t, "2026-12-01 10:00")
	closedNext := at(t, "2027-01-12 10:00")
	destroyedNext := at(t, "2028-02-01 10:00")
	var zero time.Time
	tests := []struct {
		current                  string
		decided, closed, destroy time.Time
		want                     string
	}{
		{StatusOpen, zero, zero, zero, StatusOpen},
		{StatusDecided, dec, zero, zero, StatusDecided},
		{StatusDecided, decNext, zero, zero, StatusOpen},
		{StatusClosed, dec, closed, zero, StatusClosed},
		{StatusClosed, dec, closedNext, zero, StatusDecided},
		{StatusClosed, decNext, closedNext, zero, StatusOpen},
		{StatusClosed, zero, zero, zero, StatusClosed}, // no dates kept: trust the status
		{StatusRejected, dec, zero, zero, StatusRejected},
		{StatusRejected, zero, closedNext, zero, StatusOpen},
		{StatusRejected, zero, zero, zero, StatusRejected},
		{StatusMerged, zero, zero, zero, StatusMerged},
		{StatusDestroyed, dec, closed, at(t, "2026-12-20 10:00"), StatusDestroyed},
		{StatusDestroyed, dec, closed, destroyedNext, StatusClosed},
		{StatusDestroyed, dec, closedNext, destroyedNext, StatusDecided},
		{StatusDestroyed, decNext, closedNext, destroyedNext, StatusOpen},
		{StatusDestroyed, zero, zero, zero, StatusDestroyed},
	}
	for _, tc := range tests {
		if got := YearEndStatus(tc.current, 2026, tc.decided, tc.closed, tc.destroy); got != tc.want {
			t.Errorf("YearEndStatus(%s, decided %v, closed %v, destroyed %v) = %s, want %s",
				tc.current, tc.decided, tc.closed, tc.destroy, got, tc.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  Factuur\r\n\tdubbel  verstuurd ", "Factuur dubbel verstuurd"},
		{"mail jan.de.vries+klacht@example.nl of mailto:J@Voorbeeld.NL", "mail […] of […]"},
		{"bel 06-12345678 of +31 (0)20 123 45 67.", "bel […] of […]."},
		{"bel 020-1234567, of 0031 6 1234 5678", "bel […], of […]"},
		{"(06) 123 456 78)", "[…])"},
		{"BSN 123456789 genoemd", "BSN […] genoemd"},
		{"IBAN NL91 ABNA 0417 1643 00 en NL91ABNA0417164300", "IBAN […] en […]"},
		{"zie KL-2026-0001 van 12-03-2026, 2 keer 1.250 euro", "zie KL-2026-0001 van 12-03-2026, 2 keer 1.250 euro"},
		{"postcode 1234 AB, huisnummer 12", "postcode 1234 AB, huisnummer 12"},
		{"zero\u200bwidth and \x00nul", "zerowidth and nul"},
		{strings.Repeat("a", 700), strings.Repeat("a", maxText-1) + "…"},
	}
	for _, tc := range tests {
		if got := clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
