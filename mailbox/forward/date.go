package forward

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on machines without a zoneinfo database
)

// amsterdam is where a forwarded date without a zone was written: the
// firm's clients print local time without saying so.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		// Unreachable: time/tzdata embeds the zone.
		panic("forward: load Europe/Amsterdam: " + err.Error())
	}
	return loc
}()

var (
	monthNames = map[string]time.Month{
		"januari": 1, "january": 1, "jan": 1,
		"februari": 2, "february": 2, "feb": 2, "febr": 2,
		"maart": 3, "march": 3, "mar": 3, "mrt": 3, "mei": 5, "may": 5,
		"april": 4, "apr": 4,
		"juni": 6, "june": 6, "jun": 6,
		"juli": 7, "july": 7, "jul": 7,
		"augustus": 8, "august": 8, "aug": 8,
		"september": 9, "sep": 9, "sept": 9,
		"oktober": 10, "october": 10, "okt": 10, "oct": 10,
		"november": 11, "nov": 11,
		"december": 12, "dec": 12,
	}
	weekdayNames = map[string]bool{
		"maandag": true, "dinsdag": true, "woensdag": true, "donderdag": true,
		"vrijdag": true, "zaterdag": true, "zondag": true,
		"ma": true, "di": true, "wo": true, "do": true, "vr": true, "za": true, "zo": true,
		"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
		"friday": true, "saturday": true, "sunday": true,
		"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true,
		"thurs": true, "fri": true, "sat": true, "sun": true,
	}
	// fillerWords join the parts of a date as clients print them: Gmail and
	// Apple Mail "at"/"om", Outlook "uur".
	fillerWords = map[string]bool{"at": true, "om": true, "uur": true, "on": true, "op": true, "h": true, "-": true, "|": true}
	// zoneOffsets are the abbreviations clients print after a time, in hours
	// east of UTC. Ambiguous ones (CST, IST) are left out.
	zoneOffsets = map[string]int{
		"utc": 0, "gmt": 0, "ut": 0, "z": 0, "wet": 0,
		"cet": 1, "met": 1, "mez": 1, "bst": 1, "west": 1,
		"cest": 2, "mest": 2, "mesz": 2, "eet": 2, "eest": 3,
		"est": -5, "edt": -4, "pst": -8, "pdt": -7, "mst": -7, "mdt": -6,
	}

	numericDateRe = regexp.MustCompile(`^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$`)
	clockRe       = regexp.MustCompile(`^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(am|pm)?$`)
	numZoneRe     = regexp.MustCompile(`^(?:gmt|utc)?([+-])(\d{1,2})(?::?(\d{2}))?$`)
	ordinalRe     = regexp.MustCompile(`^(\d{1,2})(st|nd|rd|th|e|ste|de)$`)
	dateTokenRe   = regexp.MustCompile(`[^\s,()]+`)
)

// errNoYear and friends say in plain words why a date was refused.
var (
	errNoYear  = errors.New("it has no year")
	errNoDay   = errors.New("it has no day and month")
	errBadDate = errors.New("it is not a date")
)

// parseDate reads a date as mail clients print it in a forwarded header:
// RFC 5322 ("Mon, 2 Nov 2026 10:15:00 +0100"), Outlook ("maandag 2 november
// 2026 10:15", "Monday, November 2, 2026 10:15 AM"), Gmail ("Mon, Nov 2, 2026
// at 10:15 AM", "ma 2 nov 2026 om 10:15"), Apple Mail ("2 nov. 2026 om
// 10:15:00 CET") and numeric ones ("02-11-2026 10:15", "2026-11-02 10:15").
// Without a zone the time is Europe/Amsterdam; without a time it is 00:00.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(spaces(s))
	if s == "" {
		return time.Time{}, errors.New("it is empty")
	}
	if hasNumericZone(s) {
		if t, err := mail.ParseDate(s); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}

	var (
		year, day, hour, min, sec = -1, -1, -1, 0, 0
		month                     time.Month
		ampm                      string
		loc                       *time.Location
		slashDate                 []int // a d/m/y or m/d/y date, resolved once AM/PM is known
	)
	lower := strings.ToLower(s)
	lower = strings.ReplaceAll(lower, "a.m.", "am")
	lower = strings.ReplaceAll(lower, "p.m.", "pm")
	tokens := dateTokenRe.FindAllString(lower, -1)
	if len(tokens) > 12 {
		return time.Time{}, errBadDate
	}
	for i := 0; i < len(tokens); i++ {
		tok := strings.TrimSuffix(tokens[i], ".")
		if tok == "" {
			continue
		}
		switch {
		case weekdayNames[tok] || fillerWords[tok]:
		case monthNames[tok] != 0:
			if month != 0 {
				return time.Time{}, errBadDate
			}
			month = monthNames[tok]
		case tok == "am" || tok == "pm":
			ampm = tok
		case zoneOffsets[tok] != 0 || tok == "utc" || tok == "gmt" || tok == "ut" || tok == "z" || tok == "wet":
			if loc == nil {
				loc = time.FixedZone(strings.ToUpper(tok), zoneOffsets[tok]*3600)
			}
		case numZoneRe.MatchString(tok) && (strings.HasPrefix(tok, "gmt") || strings.HasPrefix(tok, "utc") || len(tok) >= 5):
			m := numZoneRe.FindStringSubmatch(tok)
			h, _ := strconv.Atoi(m[2])
			mm, _ := strconv.Atoi(m[3])
			if h > 14 || mm > 59 {
				return time.Time{}, errBadDate
			}
			off := h*3600 + mm*60
			if m[1] == "-" {
				off = -off
			}
			if loc == nil {
				loc = time.FixedZone(strings.ToUpper(tok), off)
			}
		case clockRe.MatchString(tok) && hour < 0 && !isNumericDate(tok):
			m := clockRe.FindStringSubmatch(tok)
			hour, _ = strconv.Atoi(m[1])
			min, _ = strconv.Atoi(m[2])
			if m[3] != "" {
				sec, _ = strconv.Atoi(m[3])
			}
			if m[4] != "" {
				ampm = m[4]
			}
		case numericDateRe.MatchString(tok):
			if day >= 0 || month != 0 {
				return time.Time{}, errBadDate
			}
			m := numericDateRe.FindStringSubmatch(tok)
			a, _ := strconv.Atoi(m[1])
			b, _ := strconv.Atoi(m[2])
			c, _ := strconv.Atoi(m[3])
			switch {
			case len(m[1]) == 4: // ISO 8601: 2026-11-02
				year, month, day = a, time.Month(b), c
			case len(m[1]) <= 2 && (len(m[3]) == 4 || len(m[3]) == 2):
				slashDate = []int{a, b, c}
				if strings.Contains(tok, "/") {
					slashDate = append(slashDate, 1)
				}
			default:
				return time.Time{}, errBadDate
			}
		case ordinalRe.MatchString(tok):
			if day >= 0 {
				return time.Time{}, errBadDate
			}
			day, _ = strconv.Atoi(ordinalRe.FindStringSubmatch(tok)[1])
		case isDigits(tok):
			n, _ := strconv.Atoi(tok)
			switch {
			case len(tok) == 4 && year < 0:
				year = n
			case len(tok) <= 2 && day < 0:
				day = n
			case len(tok) <= 2 && year < 0 && day >= 0 && month != 0:
				year = 2000 + n // "2 nov 26"
			default:
				return time.Time{}, errBadDate
			}
		default:
			return time.Time{}, fmt.Errorf("%w (%q)", errBadDate, tokens[i])
		}
	}
	if slashDate != nil {
		d, m, y := slashDate[0], slashDate[1], slashDate[2]
		// US clients write m/d/y next to AM/PM; everywhere else it is d-m-y.
		if len(slashDate) == 4 && ampm != "" && d <= 12 {
			d, m = m, d
		}
		if y < 100 {
			y += 2000
		}
		year, month, day = y, time.Month(m), d
	}
	if month == 0 || day < 0 {
		return time.Time{}, errNoDay
	}
	if year < 0 {
		return time.Time{}, errNoYear
	}
	if year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1 ||
		day > daysIn(month, year) {
		return time.Time{}, errBadDate
	}
	if hour < 0 {
		if ampm != "" {
			return time.Time{}, errBadDate
		}
		hour = 0
	}
	switch ampm {
	case "am":
		if hour < 1 || hour > 12 {
			return time.Time{}, errBadDate
		}
		if hour == 12 {
			hour = 0
		}
	case "pm":
		if hour < 1 || hour > 12 {
			return time.Time{}, errBadDate
		}
		if hour != 12 {
			hour += 12
		}
	}
	if hour > 23 || min > 59 || sec > 60 {
		return time.Time{}, errBadDate
	}
	if loc == nil {
		loc = amsterdam
	}
	return time.Date(year, month, day, hour, min, sec, 0, loc), nil
}

var numZoneAnywhereRe = regexp.MustCompile(`[+-]\d{4}\b`)

func hasNumericZone(s string) bool { return numZoneAnywhereRe.MatchString(s) }

func isNumericDate(tok string) bool { return numericDateRe.MatchString(tok) }

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
