package forward

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string // want RFC 3339; "" = refused
	}{
		// Outlook desktop and web
		{"maandag 2 november 2026 10:15", "2026-11-02T10:15:00+01:00"},
		{"Monday, November 2, 2026 10:15 AM", "2026-11-02T10:15:00+01:00"},
		{"Tuesday, November 3, 2026 2:47 PM", "2026-11-03T14:47:00+01:00"},
		{"vrijdag 23 oktober 2026 16:40", "2026-10-23T16:40:00+02:00"}, // summer time
		{"Monday, 2 November 2026 at 22:47", "2026-11-02T22:47:00+01:00"},
		{"maandag, 2 november 2026 om 10:15", "2026-11-02T10:15:00+01:00"},
		{"11/2/2026 10:15 AM", "2026-11-02T10:15:00+01:00"}, // en-US short date
		{"2/11/2026 10:15", "2026-11-02T10:15:00+01:00"},
		{"Mon 11/2/2026 10:15 AM", "2026-11-02T10:15:00+01:00"},
		{"02 November 2026 10:15", "2026-11-02T10:15:00+01:00"},
		{"Monday, November 2, 2026 10:15:28 AM", "2026-11-02T10:15:28+01:00"},
		{"Mon, 2 Nov 2026 at 10:15", "2026-11-02T10:15:00+01:00"},
		// Gmail
		{"Mon, Nov 2, 2026 at 10:15 AM", "2026-11-02T10:15:00+01:00"},
		{"Mon, Nov 2, 2026 at 3:05\u202fPM", "2026-11-02T15:05:00+01:00"},
		{"ma 2 nov 2026 om 21:03", "2026-11-02T21:03:00+01:00"},
		{"ma 2 nov. 2026 om 10:15", "2026-11-02T10:15:00+01:00"},
		{"Mon, Nov 2, 2026 at 12:00 PM", "2026-11-02T12:00:00+01:00"},
		{"Mon, Nov 2, 2026 at 12:30 AM", "2026-11-02T00:30:00+01:00"},
		// Apple Mail
		{"2 nov. 2026 om 10:15", "2026-11-02T10:15:00+01:00"},
		{"2 November 2026 at 10:15:00 CET", "2026-11-02T10:15:00+01:00"},
		{"November 2, 2026 at 10:15:00 AM GMT+1", "2026-11-02T10:15:00+01:00"},
		{"23 oktober 2026 om 16:40:00 CEST", "2026-10-23T16:40:00+02:00"},
		{"2 November 2026 at 09:15:00 GMT", "2026-11-02T09:15:00Z"},
		// Thunderbird, mutt and other raw dates (RFC 5322 §3.3)
		{"Mon, 2 Nov 2026 10:15:00 +0100", "2026-11-02T10:15:00+01:00"},
		{"Mon, 2 Nov 2026 10:15:00 +0100 (CET)", "2026-11-02T10:15:00+01:00"},
		{"2 Nov 2026 09:15:00 -0000", "2026-11-02T09:15:00Z"},
		{"Mon, 2 Nov 2026 10:15:00 CET", "2026-11-02T10:15:00+01:00"},
		{"02-11-2026 10:15", "2026-11-02T10:15:00+01:00"},
		{"2-11-26 10:15", "2026-11-02T10:15:00+01:00"},
		{"02.11.2026 10:15", "2026-11-02T10:15:00+01:00"},
		{"2026-11-02 10:15", "2026-11-02T10:15:00+01:00"},
		{"2026-11-02T10:15:00+01:00", "2026-11-02T10:15:00+01:00"},
		{"2026-11-02 10:15 +01:00", "2026-11-02T10:15:00+01:00"},
		{"2 nov 2026 10.15 uur", "2026-11-02T10:15:00+01:00"},
		{"3rd November 2026 10:15", "2026-11-03T10:15:00+01:00"},
		{"2 november 2026", "2026-11-02T00:00:00+01:00"}, // no time: start of the day
		{"Sun, 29 Mar 2026 03:30", "2026-03-29T03:30:00+02:00"},
		{"Sun, 25 Oct 2026 01:59", "2026-10-25T01:59:00+02:00"},
		// refused
		{"", ""},
		{"gisteren", ""},
		{"2 nov om 10:15", ""},         // no year
		{"november 2026", ""},          // no day
		{"31 februari 2026 10:00", ""}, // no such day
		{"13/13/2026", ""},
		{"Mon, 2 Nov 2026 25:00", ""},
		{"10:15", ""},
		{"2 nov 1850 10:15", ""},
		{"2 nov 2026 13:15 PM", ""},
		{"1 2 3 4 5 6 7 8 9 10 11 12 13", ""},
		{"2 nov 2026 10:15 +9999", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDate(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Errorf("parsed as %s, want refused", got.Format(time.RFC3339))
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			want, _ := time.Parse(time.RFC3339, tt.want)
			if !got.Equal(want) {
				t.Errorf("got %s, want %s", got.Format(time.RFC3339), tt.want)
			}
			if _, off := got.Zone(); func() int { _, o := want.Zone(); return o }() != off {
				t.Errorf("offset %d, want that of %s", off, tt.want)
			}
		})
	}
}
