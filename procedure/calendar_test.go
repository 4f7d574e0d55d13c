package procedure

import (
	"sync"
	"testing"
	"time"
)

// day returns 00:00 Amsterdam of an ISO date.
func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", s, Amsterdam)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func term(t *testing.T, s string) Term {
	t.Helper()
	tm, err := ParseTerm(s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestIsWorkday(t *testing.T) {
	c := NewCalendar([]time.Time{time.Date(2026, 12, 31, 12, 0, 0, 0, Amsterdam)})
	tests := []struct {
		name string
		at   time.Time
		want bool
		hol  string
	}{
		{"ordinary Tuesday", time.Date(2026, 4, 28, 9, 0, 0, 0, Amsterdam), true, ""},
		{"Saturday", time.Date(2026, 4, 25, 9, 0, 0, 0, Amsterdam), false, ""},
		{"Koningsdag 2026 Monday", time.Date(2026, 4, 27, 9, 0, 0, 0, Amsterdam), false, "Koningsdag"},
		{"Koningsdag 2025 observed Saturday", time.Date(2025, 4, 26, 9, 0, 0, 0, Amsterdam), false, "Koningsdag"},
		{"27-04-2025 is a plain Sunday", time.Date(2025, 4, 27, 9, 0, 0, 0, Amsterdam), false, ""},
		{"Monday after Koningsdag 2025", time.Date(2025, 4, 28, 9, 0, 0, 0, Amsterdam), true, ""},
		{"Goede Vrijdag 2026", time.Date(2026, 4, 3, 9, 0, 0, 0, Amsterdam), false, "Goede Vrijdag"},
		{"Tweede Paasdag 2026", time.Date(2026, 4, 6, 9, 0, 0, 0, Amsterdam), false, "Tweede Paasdag"},
		{"Bevrijdingsdag 2026", time.Date(2026, 5, 5, 9, 0, 0, 0, Amsterdam), false, "Bevrijdingsdag"},
		{"Hemelvaartsdag 2026", time.Date(2026, 5, 14, 9, 0, 0, 0, Amsterdam), false, "Hemelvaartsdag"},
		{"Friday after Hemelvaart is a working day", time.Date(2026, 5, 15, 9, 0, 0, 0, Amsterdam), true, ""},
		{"Tweede Pinksterdag 2026", time.Date(2026, 5, 25, 9, 0, 0, 0, Amsterdam), false, "Tweede Pinksterdag"},
		{"Eerste Kerstdag 2026", time.Date(2026, 12, 25, 9, 0, 0, 0, Amsterdam), false, "Eerste Kerstdag"},
		{"Nieuwjaarsdag 2027", time.Date(2027, 1, 1, 9, 0, 0, 0, Amsterdam), false, "Nieuwjaarsdag"},
		{"closed day", time.Date(2026, 12, 31, 9, 0, 0, 0, Amsterdam), false, "closed day"},
		{"closed day only in its year", time.Date(2027, 12, 31, 9, 0, 0, 0, Amsterdam), true, ""},
		// 2026-04-27 22:30 UTC is Koningsdag in UTC but Tue 28-04 00:30 in Amsterdam.
		{"late UTC is next day in Amsterdam", time.Date(2026, 4, 27, 22, 30, 0, 0, time.UTC), true, ""},
		// 2026-04-26 22:30 UTC is Sunday in UTC but Koningsdag in Amsterdam.
		{"late UTC Sunday is Koningsdag", time.Date(2026, 4, 26, 22, 30, 0, 0, time.UTC), false, "Koningsdag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.IsWorkday(tc.at); got != tc.want {
				t.Errorf("IsWorkday(%v) = %v, want %v", tc.at, got, tc.want)
			}
			if got := c.HolidayName(tc.at); got != tc.hol {
				t.Errorf("HolidayName(%v) = %q, want %q", tc.at, got, tc.hol)
			}
		})
	}
}

func TestAfter(t *testing.T) {
	plain := NewCalendar(nil)
	closed := NewCalendar([]time.Time{day(t, "2026-12-31")})
	tests := []struct {
		name  string
		cal   *Calendar
		from  time.Time
		term  string
		want  string
		basis string
	}{
		{
			name: "5 working days across Koningsdag 2026", cal: plain,
			from: time.Date(2026, 4, 24, 14, 5, 0, 0, Amsterdam), term: "5 werkdagen", want: "2026-05-04",
			basis: "5 working days after Fri 2026-04-24 (skipped: Sat 25-04, Sun 26-04, Koningsdag Mon 27-04, Sat 02-05, Sun 03-05) = Mon 2026-05-04",
		},
		{
			name: "1 working day across Koningsdag 2025 observed on Saturday", cal: plain,
			from: day(t, "2025-04-25"), term: "1 werkdag", want: "2025-04-28",
			basis: "1 working day after Fri 2025-04-25 (skipped: Koningsdag Sat 26-04, Sun 27-04) = Mon 2025-04-28",
		},
		{
			name: "Bevrijdingsdag 2025", cal: plain,
			from: day(t, "2025-05-02"), term: "1 working day", want: "2025-05-06",
			basis: "1 working day after Fri 2025-05-02 (skipped: Sat 03-05, Sun 04-05, Bevrijdingsdag Mon 05-05) = Tue 2025-05-06",
		},
		{
			name: "Pasen: Goede Vrijdag and Tweede Paasdag", cal: plain,
			from: day(t, "2026-04-02"), term: "3 werkdagen", want: "2026-04-09",
			basis: "3 working days after Thu 2026-04-02 (skipped: Goede Vrijdag Fri 03-04, Sat 04-04, Sun 05-04, Tweede Paasdag Mon 06-04) = Thu 2026-04-09",
		},
		{
			name: "Hemelvaart", cal: plain,
			from: day(t, "2026-05-13"), term: "1 werkdag", want: "2026-05-15",
			basis: "1 working day after Wed 2026-05-13 (skipped: Hemelvaartsdag Thu 14-05) = Fri 2026-05-15",
		},
		{
			name: "Tweede Pinksterdag", cal: plain,
			from: day(t, "2026-05-22"), term: "1 werkdag", want: "2026-05-26",
			basis: "1 working day after Fri 2026-05-22 (skipped: Sat 23-05, Sun 24-05, Tweede Pinksterdag Mon 25-05) = Tue 2026-05-26",
		},
		{
			name: "Christmas", cal: plain,
			from: day(t, "2026-12-23"), term: "5 werkdagen", want: "2026-12-31",
			basis: "5 working days after Wed 2026-12-23 (skipped: Eerste Kerstdag Fri 25-12, Tweede Kerstdag Sat 26-12, Sun 27-12) = Thu 2026-12-31",
		},
		{
			name: "Christmas, New Year and a closed day", cal: closed,
			from: day(t, "2026-12-23"), term: "5 werkdagen", want: "2027-01-04",
			basis: "5 working days after Wed 2026-12-23 (skipped: Eerste Kerstdag Fri 25-12, Tweede Kerstdag Sat 26-12, Sun 27-12, closed day Thu 31-12, Nieuwjaarsdag Fri 01-01, Sat 02-01, Sun 03-01) = Mon 2027-01-04",
		},
		{
			name: "late at night UTC is already the next day in Amsterdam", cal: plain,
			from: time.Date(2026, 4, 23, 22, 30, 0, 0, time.UTC), term: "1 werkdag", want: "2026-04-28",
			basis: "1 working day after Fri 2026-04-24 (skipped: Sat 25-04, Sun 26-04, Koningsdag Mon 27-04) = Tue 2026-04-28",
		},
		{
			name: "0 working days is the day itself", cal: plain,
			from: day(t, "2026-04-24"), term: "0 werkdagen", want: "2026-04-24",
			basis: "0 working days after Fri 2026-04-24 = Fri 2026-04-24",
		},
		{
			name: "4 weeks ending on Christmas move to Monday", cal: plain,
			from: day(t, "2026-11-27"), term: "4 weken", want: "2026-12-28",
			basis: "4 weeks after Fri 2026-11-27 = Fri 2026-12-25, not a working day (Eerste Kerstdag Fri 25-12, Tweede Kerstdag Sat 26-12, Sun 27-12): moved to the next working day Mon 2026-12-28",
		},
		{
			name: "2 weeks on a working day", cal: plain,
			from: day(t, "2026-03-02"), term: "2 weeks", want: "2026-03-16",
			basis: "2 weeks after Mon 2026-03-02 = Mon 2026-03-16",
		},
		{
			name: "3 days ending on a weekend after New Year", cal: plain,
			from: day(t, "2026-12-30"), term: "3 dagen", want: "2027-01-04",
			basis: "3 days after Wed 2026-12-30 = Sat 2027-01-02, not a working day (Sat 02-01, Sun 03-01): moved to the next working day Mon 2027-01-04",
		},
		{
			name: "month-end clamping to 28 February, then next working day", cal: plain,
			from: day(t, "2026-01-31"), term: "1 maand", want: "2026-03-02",
			basis: "1 month after Sat 2026-01-31 = Sat 2026-02-28 (clamped to the end of the month), not a working day (Sat 28-02, Sun 01-03): moved to the next working day Mon 2026-03-02",
		},
		{
			name: "month-end clamping to 29 February in a leap year", cal: plain,
			from: day(t, "2028-01-31"), term: "1 month", want: "2028-02-29",
			basis: "1 month after Mon 2028-01-31 = Tue 2028-02-29 (clamped to the end of the month)",
		},
		{
			name: "a year from 29 February", cal: plain,
			from: day(t, "2024-02-29"), term: "1 jaar", want: "2025-02-28",
			basis: "1 year after Thu 2024-02-29 = Fri 2025-02-28 (clamped to the end of the month)",
		},
		{
			name: "7 years ending on Bevrijdingsdag", cal: plain,
			from: day(t, "2026-05-05"), term: "7 jaar", want: "2033-05-06",
			basis: "7 years after Tue 2026-05-05 = Thu 2033-05-05, not a working day (Bevrijdingsdag Thu 05-05): moved to the next working day Fri 2033-05-06",
		},
		{
			name: "calendar term ending on a closed day", cal: closed,
			from: day(t, "2026-12-17"), term: "2 weken", want: "2027-01-04",
			basis: "2 weeks after Thu 2026-12-17 = Thu 2026-12-31, not a working day (closed day Thu 31-12, Nieuwjaarsdag Fri 01-01, Sat 02-01, Sun 03-01): moved to the next working day Mon 2027-01-04",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			due := tc.cal.After(tc.from, term(t, tc.term))
			if !due.Date.Equal(day(t, tc.want)) || due.Date.Location() != Amsterdam {
				t.Errorf("Date = %v, want %s 00:00 Amsterdam", due.Date, tc.want)
			}
			if due.Basis != tc.basis {
				t.Errorf("Basis =\n%s\nwant\n%s", due.Basis, tc.basis)
			}
		})
	}
}

func TestBefore(t *testing.T) {
	c := NewCalendar(nil)
	tests := []struct {
		name  string
		due   time.Time
		term  string
		want  string
		basis string
	}{
		{
			name: "3 working days before a Monday", due: day(t, "2026-05-04"), term: "3 werkdagen", want: "2026-04-29",
			basis: "3 working days before Mon 2026-05-04 (skipped: Sun 03-05, Sat 02-05) = Wed 2026-04-29",
		},
		{
			name: "3 working days back across Koningsdag", due: day(t, "2026-04-30"), term: "3 werkdagen", want: "2026-04-24",
			basis: "3 working days before Thu 2026-04-30 (skipped: Koningsdag Mon 27-04, Sun 26-04, Sat 25-04) = Fri 2026-04-24",
		},
		{
			name: "1 week back onto a working day", due: day(t, "2027-01-04"), term: "1 week", want: "2026-12-28",
			basis: "1 week before Mon 2027-01-04 = Mon 2026-12-28",
		},
		{
			name: "1 week back onto Christmas moves earlier", due: day(t, "2027-01-01"), term: "1 week", want: "2026-12-24",
			basis: "1 week before Fri 2027-01-01 = Fri 2026-12-25, not a working day (Eerste Kerstdag Fri 25-12): moved to the previous working day Thu 2026-12-24",
		},
		{
			name: "1 month back with clamping", due: day(t, "2026-03-31"), term: "1 maand", want: "2026-02-27",
			basis: "1 month before Tue 2026-03-31 = Sat 2026-02-28 (clamped to the end of the month), not a working day (Sat 28-02): moved to the previous working day Fri 2026-02-27",
		},
		{
			name: "time of day and zone do not matter", due: time.Date(2026, 5, 3, 22, 15, 0, 0, time.UTC), term: "3 werkdagen", want: "2026-04-29",
			basis: "3 working days before Mon 2026-05-04 (skipped: Sun 03-05, Sat 02-05) = Wed 2026-04-29",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			due := c.Before(tc.due, term(t, tc.term))
			if !due.Date.Equal(day(t, tc.want)) {
				t.Errorf("Date = %v, want %s", due.Date, tc.want)
			}
			if due.Basis != tc.basis {
				t.Errorf("Basis =\n%s\nwant\n%s", due.Basis, tc.basis)
			}
		})
	}
}

// TestBeforeInvertsAfter checks that counting N working days back from the
// result of counting N working days forward lands on a working day not after
// the start, for every start day of 2026.
func TestBeforeInvertsAfter(t *testing.T) {
	c := NewCalendar([]time.Time{day(t, "2026-12-31")})
	tm := Term{3, WorkingDays}
	for d := day(t, "2026-01-01"); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		due := c.After(d, tm)
		back := c.Before(due.Date, tm).Date
		if back.After(d) {
			t.Errorf("Before(After(%s)) = %s, later than the start", d.Format(time.DateOnly), back.Format(time.DateOnly))
		}
		if c.IsWorkday(d) && !back.Equal(d) {
			t.Errorf("Before(After(%s)) = %s, want the start itself", d.Format(time.DateOnly), back.Format(time.DateOnly))
		}
	}
}

func TestUntil(t *testing.T) {
	plain := NewCalendar(nil)
	closed := NewCalendar([]time.Time{day(t, "2026-12-31")})
	tests := []struct {
		name     string
		cal      *Calendar
		from, to time.Time
		want     int
	}{
		{"across Koningsdag", plain, day(t, "2026-04-24"), day(t, "2026-05-04"), 5},
		{"same day", plain, time.Date(2026, 4, 24, 8, 0, 0, 0, Amsterdam), time.Date(2026, 4, 24, 20, 0, 0, 0, Amsterdam), 0},
		{"next day is a Saturday", plain, day(t, "2026-04-24"), day(t, "2026-04-25"), 0},
		{"backwards is negative", plain, day(t, "2026-05-04"), day(t, "2026-04-24"), -5},
		{"Christmas with a closed day", closed, day(t, "2026-12-23"), day(t, "2027-01-04"), 5},
		{"UTC evening counts as the Amsterdam date", plain, time.Date(2026, 4, 23, 22, 30, 0, 0, time.UTC), day(t, "2026-04-28"), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.Until(tc.from, tc.to); got != tc.want {
				t.Errorf("Until = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestDueEnd(t *testing.T) {
	tests := []struct {
		name string
		date time.Time
		want time.Time
	}{
		{"ordinary day", day(t, "2026-05-04"), time.Date(2026, 5, 5, 0, 0, 0, 0, Amsterdam)},
		// Summer time starts on Sun 2026-03-29: that day has 23 hours.
		{"day before DST starts", day(t, "2026-03-28"), time.Date(2026, 3, 29, 0, 0, 0, 0, time.FixedZone("CET", 3600))},
		{"DST start day", day(t, "2026-03-29"), time.Date(2026, 3, 30, 0, 0, 0, 0, time.FixedZone("CEST", 7200))},
		{"year end", day(t, "2026-12-31"), time.Date(2027, 1, 1, 0, 0, 0, 0, Amsterdam)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := (Due{Date: tc.date}).End(); !got.Equal(tc.want) {
				t.Errorf("End() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestStartOfDay(t *testing.T) {
	got := StartOfDay(time.Date(2026, 4, 27, 22, 30, 0, 0, time.UTC))
	want := time.Date(2026, 4, 28, 0, 0, 0, 0, Amsterdam)
	if !got.Equal(want) || got.Location() != Amsterdam {
		t.Errorf("StartOfDay = %v, want %v", got, want)
	}
}

// TestConcurrentUse runs the calendar from several goroutines; run with
// -race to catch shared mutable state (cal's Cacheable map).
func TestConcurrentUse(t *testing.T) {
	c := NewCalendar([]time.Time{day(t, "2026-12-31")})
	want := c.After(day(t, "2026-12-23"), Term{5, WorkingDays}).Date
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				if got := c.After(day(t, "2026-12-23"), Term{5, WorkingDays}).Date; !got.Equal(want) {
					t.Errorf("concurrent After = %v, want %v", got, want)
				}
				c.HolidayName(day(t, "2026-04-27"))
				c.Until(day(t, "2026-01-01"), day(t, "2026-02-01"))
			}
		})
	}
	wg.Wait()
}
