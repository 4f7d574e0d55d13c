package procedure

import (
	"fmt"
	"time"
)

// The names of months and weekdays, Dutch and English: as letters, reports
// and the desk print a date, and as people write one in a command or a
// forwarded header.

var monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni",
	"juli", "augustus", "september", "oktober", "november", "december"}

// MonthName names a month in a language ("nl", else English).
func MonthName(lang string, m time.Month) string {
	if lang == "nl" {
		return monthsNL[m-1]
	}
	return m.String()
}

// LongDate formats the date of t, in its own location, as "24 april 2026"
// (nl) or "24 April 2026" (en).
func LongDate(lang string, t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), MonthName(lang, t.Month()), t.Year())
}

// monthWords are the ways a month is written, lower case.
var monthWords = map[string]time.Month{
	"januari": 1, "january": 1, "jan": 1,
	"februari": 2, "february": 2, "feb": 2, "febr": 2,
	"maart": 3, "march": 3, "mrt": 3, "mar": 3, "maa": 3,
	"april": 4, "apr": 4,
	"mei": 5, "may": 5,
	"juni": 6, "june": 6, "jun": 6,
	"juli": 7, "july": 7, "jul": 7,
	"augustus": 8, "august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9,
	"oktober": 10, "october": 10, "okt": 10, "oct": 10,
	"november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

// weekdayWords are the ways a weekday is written, lower case.
var weekdayWords = map[string]bool{
	"maandag": true, "dinsdag": true, "woensdag": true, "donderdag": true,
	"vrijdag": true, "zaterdag": true, "zondag": true,
	"ma": true, "di": true, "wo": true, "do": true, "vr": true, "za": true, "zo": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true,
	"thurs": true, "fri": true, "sat": true, "sun": true,
}

// Month reads a month as people write it (lower case: "maart", "mrt",
// "March", "mar").
func Month(word string) (time.Month, bool) {
	m, ok := monthWords[word]
	return m, ok
}

// Weekday reports whether a word (lower case) is a weekday, written out or
// short.
func Weekday(word string) bool { return weekdayWords[word] }
