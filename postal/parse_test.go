package postal

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want string // lines joined by " | "
	}{
		{"Kerkstraat 7, 2712 AB Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"Kerkstraat 7; 2712 AB Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"Kerkstraat 7\n2712 AB Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"Kerkstraat 7\r\n2712 AB Zoetermeer\r\n", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"Kerkstraat 7 / 2712 AB Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"Kerkstraat 7 | 2712 AB Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"  Kerkstraat   7 ,  2712   AB   Zoetermeer  ", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"Kerkstraat 7, 2712AB Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"kerkstraat 7, 2712 ab zoetermeer", "kerkstraat 7 | 2712 AB zoetermeer"},
		{"Kerkstraat 7, 2712 AB, Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"Kerkstraat 7 2712 AB Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"Kerkstraat 7, 2712 AB Zoetermeer, Nederland", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"Kerkstraat 7\n2712 AB  ZOETERMEER\nThe Netherlands", "Kerkstraat 7 | 2712 AB ZOETERMEER"},
		{"Kerkstraat 7, 2712 AB Zoetermeer, NL", "Kerkstraat 7 | 2712 AB Zoetermeer"},
		{"Stationsstraat 1; 1234 AB Utrecht", "Stationsstraat 1 | 1234 AB Utrecht"},
		// house number additions
		{"Kerkstraat 7a, 2712 AB Zoetermeer", "Kerkstraat 7a | 2712 AB Zoetermeer"},
		{"Kerkstraat 7 A, 2712 AB Zoetermeer", "Kerkstraat 7 A | 2712 AB Zoetermeer"},
		{"Lindelaan 12-II, 1071 AB Amsterdam", "Lindelaan 12-II | 1071 AB Amsterdam"},
		{"Lindelaan 12-2, 1071 AB Amsterdam", "Lindelaan 12-2 | 1071 AB Amsterdam"},
		{"Oude Gracht 150 bis, 3511 AZ Utrecht", "Oude Gracht 150 bis | 3511 AZ Utrecht"},
		{"Prinsengracht 263 hs, 1016 GV Amsterdam", "Prinsengracht 263 hs | 1016 GV Amsterdam"},
		{"2e Hugo de Grootstraat 5, 1052 LB Amsterdam", "2e Hugo de Grootstraat 5 | 1052 LB Amsterdam"},
		{"Laan 1940-1945 12, 6711 AA Ede", "Laan 1940-1945 12 | 6711 AA Ede"},
		{"Postbus 123, 2700 AC Zoetermeer", "Postbus 123 | 2700 AC Zoetermeer"},
		{"Antwoordnummer 10500, 2700 VB Zoetermeer", "Antwoordnummer 10500 | 2700 VB Zoetermeer"},
		// places
		{"Markt 1, 5211 JV 's-Hertogenbosch", "Markt 1 | 5211 JV 's-Hertogenbosch"},
		{"Raadhuisstraat 2, 2406 AC Alphen aan den Rijn", "Raadhuisstraat 2 | 2406 AC Alphen aan den Rijn"},
		{"Dorpsstraat 3, 2902 AA Capelle a/d IJssel", "Dorpsstraat 3 | 2902 AA Capelle a/d IJssel"},
		// lines above the street
		{"p/a Zorgcentrum De Linde; Lindelaan 1; 2712 AB Zoetermeer", "p/a Zorgcentrum De Linde | Lindelaan 1 | 2712 AB Zoetermeer"},
		// Belgium and Germany
		{"Wetstraat 16, 1000 Brussel, België", "Wetstraat 16 | 1000 Brussel | BELGIË"},
		{"Rue de la Loi 16; 1000 Bruxelles; Belgique", "Rue de la Loi 16 | 1000 Bruxelles | BELGIË"},
		{"Kerkstraat 7 bus 3, 2000 Antwerpen, Belgium", "Kerkstraat 7 bus 3 | 2000 Antwerpen | BELGIË"},
		{"Kerkstraat 7, B-2000 Antwerpen", "Kerkstraat 7 | 2000 Antwerpen | BELGIË"},
		{"Hauptstraße 5, 10115 Berlin, Deutschland", "Hauptstraße 5 | 10115 Berlin | DUITSLAND"},
		{"Hauptstraße 5\nD-01067 Dresden", "Hauptstraße 5 | 01067 Dresden | DUITSLAND"},
		{"Hauptstraße 5, 60311 Frankfurt am Main, Germany", "Hauptstraße 5 | 60311 Frankfurt am Main | DUITSLAND"},
		// elsewhere: as written, with the country
		{"14 Mill Lane, Cambridge CB2 1RX, United Kingdom", "14 Mill Lane | Cambridge CB2 1RX | VERENIGD KONINKRIJK"},
		{"12 rue de Rivoli; 75001 Paris; France", "12 rue de Rivoli | 75001 Paris | FRANKRIJK"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if g := strings.Join(got, " | "); g != tt.want {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, en, nl string // substrings of the English and Dutch errors
	}{
		{"", "the address is empty", "het adres is leeg"},
		{" ;, ", "the address is empty", "het adres is leeg"},
		{"Kerkstraat 7", `no postcode and place after "Kerkstraat 7"`, `geen postcode en plaats na "Kerkstraat 7"`},
		{"Kerkstraat 7, Zoetermeer", `no postcode before "Zoetermeer"`, `geen postcode vóór "Zoetermeer"`},
		{"2712 AB Zoetermeer", `no street and house number before "2712 AB Zoetermeer"`, "geen straat en huisnummer"},
		{"Kerkstraat, 2712 AB Zoetermeer", `"Kerkstraat" has no house number`, `bij "Kerkstraat" staat geen huisnummer`},
		{"Kerkstraat 7, 2712 SS Zoetermeer", "2712 SS is not a Dutch postcode: the letters SA, SD and SS are not used", "2712 SS is geen Nederlandse postcode"},
		{"Kerkstraat 7, 2712 sa Zoetermeer", "2712 SA is not a Dutch postcode", "de letters SA, SD en SS"},
		{"Kerkstraat 7, 2712 SD Zoetermeer", "2712 SD is not a Dutch postcode", "geen Nederlandse postcode"},
		{"Kerkstraat 7, 0712 AB Zoetermeer", "no line with postcode and place", "geen regel met postcode en plaats"},
		{"Kerkstraat 7, 2712 Zoetermeer", "the postcode 2712 lacks its two letters", "de postcode 2712 mist de twee letters"},
		{"Kerkstraat 7, 2712 AB", "the postcode 2712 AB has no place after it", "na de postcode 2712 AB staat geen plaats"},
		{"Kerkstraat 7, 2712 AB Zoetermeer 3", `unexpected "Zoetermeer 3" after the postcode`, `onverwacht "Zoetermeer 3"`},
		{"Kerkstraat 7, 2712 AB Zoetermeer, Zuid-Holland", `no postcode before "Zuid-Holland"`, "geen postcode"},
		{"Wetstraat 16, 100 Brussel, België", `"100 Brussel" is not a Belgian postcode and place (four digits`, `is geen Belgische postcode met plaats (vier cijfers`},
		{"Hauptstraße 5, 1011 Berlin, Deutschland", `is not a German postcode and place (five digits`, `geen Duitse postcode met plaats (vijf cijfers`},
		{"London, United Kingdom", "an address abroad needs a street line and a place line", "een adres in het buitenland heeft"},
		{"a; b; c; d; Kerkstraat 7; 2712 AB Zoetermeer", "at most 5 lines, this one has 6", "hoogstens 5 regels, dit heeft er 6"},
		{"Tel 06 12345678, 2712 AB Zoetermeer", "is not a street and house number", "is geen straat met huisnummer"},
		{"jan@example.nl", "no postcode before", "geen postcode"},
		{"NL91 ABNA 0417 1643 00", "no line with postcode and place", "geen regel met postcode"},
		{strings.Repeat("Kerkstraat 7, ", 30) + "2712 AB Zoetermeer", "too long", "te lang"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("no error, got %q", got)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T, want *Error", err)
			}
			if !strings.Contains(pe.English, tt.en) || pe.Error() != pe.English {
				t.Errorf("English %q, want %q", pe.English, tt.en)
			}
			if !strings.Contains(pe.Dutch, tt.nl) {
				t.Errorf("Dutch %q, want %q", pe.Dutch, tt.nl)
			}
		})
	}
}

// TestParseFind checks that what Find returns, Parse reads back unchanged:
// both give the same lines.
func TestParseFind(t *testing.T) {
	for _, tt := range findTests {
		if tt.want == "" {
			continue
		}
		lines, ok := Find(tt.text)
		if !ok {
			continue
		}
		got, err := Parse(strings.Join(lines, "\n"))
		if err != nil || strings.Join(got, " | ") != strings.Join(lines, " | ") {
			t.Errorf("%s: Find %q, Parse gives %q, %v", tt.name, lines, got, err)
		}
	}
}

// FuzzParse checks that Parse never panics and that its result reads back
// unchanged.
func FuzzParse(f *testing.F) {
	f.Add("Kerkstraat 7, 2712 AB Zoetermeer")
	f.Add("Wetstraat 16, 1000 Brussel, België")
	f.Add("14 Mill Lane, Cambridge CB2 1RX, United Kingdom")
	f.Add("Kerkstraat 7 2712 AB, Zoetermeer; NL")
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(strings.Join(lines, "\n"))
		if err != nil || strings.Join(again, "|") != strings.Join(lines, "|") {
			t.Fatalf("Parse(%q) = %q; read back: %q, %v", s, lines, again, err)
		}
	})
}
