package procedure

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on machines without a zoneinfo database

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/nl"
)

// Amsterdam is the Europe/Amsterdam time zone. Every date in the procedure
// (the day a complaint was received, the last day of a term) is a date in
// this zone.
var Amsterdam *time.Location

func init() {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		// Unreachable: time/tzdata embeds the zone.
		panic("procedure: load Europe/Amsterdam: " + err.Error())
	}
	Amsterdam = loc
}

// StartOfDay returns 00:00 Europe/Amsterdam of t's date in Amsterdam.
func StartOfDay(t time.Time) time.Time {
	y, m, d := t.In(Amsterdam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Amsterdam)
}

type civilDate struct {
	y int
	m time.Month
	d int
}

func civil(t time.Time) civilDate {
	y, m, d := t.In(Amsterdam).Date()
	return civilDate{y, m, d}
}

// Calendar knows which days are working days: Monday to Friday, minus the
// Dutch public holidays of Algemene termijnenwet art. 3 (nl.Holidays:
// Nieuwjaarsdag, Goede Vrijdag, Tweede Paasdag, Koningsdag as observed,
// Bevrijdingsdag, Hemelvaartsdag, Tweede Pinksterdag, both Kerstdagen),
// minus the organisation's own closed days. It is read-only after
// NewCalendar and safe for concurrent use.
type Calendar struct {
	bc     *cal.BusinessCalendar // Cacheable stays false: its cache is an unsynchronised map
	closed map[civilDate]bool
}

// NewCalendar returns the working-day calendar with the Dutch public
// holidays and the given closed days (each taken as its date in Amsterdam).
func NewCalendar(closedDays []time.Time) *Calendar {
	bc := cal.NewBusinessCalendar()
	bc.AddHoliday(nl.Holidays...)
	bc.Cacheable = false
	c := &Calendar{bc: bc, closed: make(map[civilDate]bool, len(closedDays))}
	for _, d := range closedDays {
		c.closed[civil(d)] = true
	}
	return c
}

// IsWorkday reports whether t's date in Amsterdam is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	d := StartOfDay(t)
	if c.closed[civil(d)] {
		return false
	}
	return c.bc.IsWorkday(d)
}

// HolidayName returns the name of the public holiday observed on t's date in
// Amsterdam ("Koningsdag"), "closed day" for a closing day of the
// organisation, or "" for any other day. Koningsdag on a Sunday is observed
// on the Saturday before, and only that Saturday carries the name.
func (c *Calendar) HolidayName(t time.Time) string {
	d := StartOfDay(t)
	if _, observed, h := c.bc.IsHoliday(d); observed && h != nil {
		return h.Name
	}
	if c.closed[civil(d)] {
		return "closed day"
	}
	return ""
}

// Due is the outcome of a term computation.
type Due struct {
	Date  time.Time // 00:00 Europe/Amsterdam of the last day of the term
	Basis string    // how it was computed, one English line
}

// End returns the first instant after the term: midnight Amsterdam at the
// start of the day after Date. A deadline has passed when now >= End().
func (d Due) End() time.Time {
	y, m, day := d.Date.In(Amsterdam).Date()
	return time.Date(y, m, day+1, 0, 0, 0, 0, Amsterdam)
}

func addDays(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day+n, 0, 0, 0, 0, Amsterdam)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// addTerm adds sign*t to the date d for the calendar units. Months and years
// keep the day of the month, clamped to the last day of a shorter month
// (31 Jan + 1 month = 28/29 Feb, not 2/3 Mar as time.AddDate would give).
// It reports whether it clamped.
func addTerm(d time.Time, t Term, sign int) (time.Time, bool) {
	y, m, day := d.Date()
	n := sign * t.N
	switch t.Unit {
	case WorkingDays, Days:
		return addDays(d, n), false
	case Weeks:
		return addDays(d, 7*n), false
	case Months, Years:
		months := n
		if t.Unit == Years {
			months = 12 * n
		}
		first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, Amsterdam)
		ty, tm, _ := first.Date()
		if last := daysIn(ty, tm); day > last {
			return time.Date(ty, tm, last, 0, 0, 0, 0, Amsterdam), true
		}
		return time.Date(ty, tm, day, 0, 0, 0, 0, Amsterdam), false
	default:
		return d, false
	}
}

// Day prints the Amsterdam date of t with its weekday, "Mon 2006-01-02",
// as event details, bases of terms and the command-line tools show it; the
// zero time prints as "-".
func Day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(Amsterdam).Format("Mon 2006-01-02")
}

// ISODay prints the Amsterdam date of t as "2006-01-02"; the zero time
// prints as "-".
func ISODay(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(Amsterdam).Format("2006-01-02")
}

func short(d time.Time) string { return d.Format("Mon 02-01") }

// label describes a day that is not a working day, for the Basis line.
func (c *Calendar) label(d time.Time) string {
	if name := c.HolidayName(d); name != "" {
		return name + " " + short(d)
	}
	return short(d)
}

func skippedText(skipped []string) string {
	if len(skipped) == 0 {
		return ""
	}
	return " (skipped: " + strings.Join(skipped, ", ") + ")"
}

// After computes a term that runs from `from`, the moment the message
// reached the mailbox. The day of `from` itself is not counted
// (docs/procedure.md steps 3 and 6: "within 5 working days" of receipt).
//
// Working days count forward over Monday–Friday, skipping public holidays
// and closed days. Days, weeks, months and years end on the same date that
// many units later (months clamped to the month's end); when that date is
// not a working day, the term ends on the next working day (Algemene
// termijnenwet art. 1, extended to the organisation's closed days).
func (c *Calendar) After(from time.Time, t Term) Due { return c.count(from, t, 1) }

// Before computes the date a term before `due`, e.g. the day by which a
// delay notice must go out, "at the latest 3 working days before" the
// decide-by date (docs/procedure.md step 7). Working days count back over
// working days; other units subtract and, when the result is not a working
// day, move back to the previous working day, so that the earlier
// obligation is never moved later.
func (c *Calendar) Before(due time.Time, t Term) Due { return c.count(due, t, -1) }

// count computes the date a term after (dir 1) or before (dir -1) the date
// of from, and how it was reached.
func (c *Calendar) count(from time.Time, t Term, dir int) Due {
	word, move := "after", "next"
	if dir < 0 {
		word, move = "before", "previous"
	}
	start := StartOfDay(from)
	if t.Unit == WorkingDays {
		d := start
		var skipped []string
		for n := 0; n < t.N; {
			d = addDays(d, dir)
			if c.IsWorkday(d) {
				n++
			} else {
				skipped = append(skipped, c.label(d))
			}
		}
		return Due{Date: d, Basis: fmt.Sprintf("%s %s %s%s = %s", t, word, Day(start), skippedText(skipped), Day(d))}
	}
	end, clamped := addTerm(start, t, dir)
	basis := fmt.Sprintf("%s %s %s = %s", t, word, Day(start), Day(end))
	if clamped {
		basis += " (clamped to the end of the month)"
	}
	if c.IsWorkday(end) {
		return Due{Date: end, Basis: basis}
	}
	d := end
	var skipped []string
	for !c.IsWorkday(d) {
		skipped = append(skipped, c.label(d))
		d = addDays(d, dir)
	}
	basis += fmt.Sprintf(", not a working day (%s): moved to the %s working day %s", strings.Join(skipped, ", "), move, Day(d))
	return Due{Date: d, Basis: basis}
}

// Until counts the working days strictly after from's date up to and
// including to's date (dates in Amsterdam). When to lies before from, the
// count is negative: minus the working days after to's date up to and
// including from's date.
func (c *Calendar) Until(from, to time.Time) int {
	a, b := StartOfDay(from), StartOfDay(to)
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := addDays(a, 1); !d.After(b); d = addDays(d, 1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return sign * n
}
