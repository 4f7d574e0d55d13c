package postal

import (
	"strings"
	"testing"
)

// findTests are complaint texts and the address in them ("" = none).
var findTests = []struct {
	name, text, want string
}{
	// found
	{"signature on two lines", "Geachte heer,\n\nIk ben ontevreden.\n\nMet vriendelijke groet,\nJan Jansen\nKerkstraat 7\n2712 AB Zoetermeer\n",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"one line with a slash", "Met vriendelijke groet,\n\nJan Jansen\nKerkstraat 7 / 2712 AB Zoetermeer\n06-12345678",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"one line with a comma", "Groet,\nJan Jansen, Kerkstraat 7, 2712 AB Zoetermeer",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"one line with bars", "Jan Jansen | Kerkstraat 7 | 2712 AB Zoetermeer | 06-12345678 | jan@example.nl",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"one line with dots", "Jan Jansen · Kerkstraat 7 · 2712 AB Zoetermeer",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"one line without separator", "Jan Jansen\nKerkstraat 7 2712 AB Zoetermeer",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"postcode without space", "Kerkstraat 7\n2712AB Zoetermeer",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"PostNL style capitals", "J. Jansen\nKerkstraat 7\n2712 AB  ZOETERMEER",
		"Kerkstraat 7 | 2712 AB ZOETERMEER"},
	{"blank line between (HTML rendering)", "Jan Jansen\n\nKerkstraat 7\n\n2712 AB Zoetermeer",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"sentence after the place", "Kerkstraat 7\n2712 AB Zoetermeer heeft geen brievenbus.", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"after a label", "Adres: Kerkstraat 7\n2712 AB Zoetermeer.", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"French street type", "Marie Dubois\nrue de la Loi 16\n1000 Bruxelles\nBelgique", "rue de la Loi 16 | 1000 Bruxelles | BELGIË"},
	{"street with van", "Laan van Meerdervoort 52\n2517 AK Den Haag", "Laan van Meerdervoort 52 | 2517 AK Den Haag"},
	{"address in a sentence", "Ik woon op Kerkstraat 7, 2712 AB Zoetermeer en heb geen brief ontvangen.",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"addition letter", "Dorpsweg 3a\n7411 KL Deventer", "Dorpsweg 3a | 7411 KL Deventer"},
	{"addition roman", "Lindelaan 12-II\n1071 AB Amsterdam", "Lindelaan 12-II | 1071 AB Amsterdam"},
	{"addition bis", "Oude Gracht 150 bis\n3511 AZ Utrecht", "Oude Gracht 150 bis | 3511 AZ Utrecht"},
	{"addition hs", "Prinsengracht 263-hs\n1016 GV Amsterdam", "Prinsengracht 263-hs | 1016 GV Amsterdam"},
	{"ordinal street", "2e Hugo de Grootstraat 5\n1052 LB Amsterdam", "2e Hugo de Grootstraat 5 | 1052 LB Amsterdam"},
	{"place with particles", "Raadhuisstraat 2\n2406 AC Alphen aan den Rijn", "Raadhuisstraat 2 | 2406 AC Alphen aan den Rijn"},
	{"place with 's-", "Markt 1\n5211 JV 's-Hertogenbosch", "Markt 1 | 5211 JV 's-Hertogenbosch"},
	{"place and phone on one line", "Kerkstraat 7\n2712 AB Zoetermeer Tel. 06-12345678", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"postbus", "Stichting Het Anker\nPostbus 123\n2700 AC Zoetermeer", "Postbus 123 | 2700 AC Zoetermeer"},
	{"Dutch address with country", "Kerkstraat 7\n2712 AB Zoetermeer\nNederland", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"no-break spaces", "Kerkstraat\u00a07\n2712\u00a0AB\u00a0Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"CRLF", "Groet,\r\nKerkstraat 7\r\n2712 AB Zoetermeer\r\n", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"the last of two (the signature)", "Ik was op uw kantoor, Stationsstraat 1, 1234 AB Utrecht.\n\nGroet,\nJan\nKerkstraat 7\n2712 AB Zoetermeer",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"above a quote header", "Mijn adres: Kerkstraat 7, 2712 AB Zoetermeer\n\nOp ma 2 nov 2026 om 10:20 schreef Acme <info@acme-coaching.nl>:\n> Stationsstraat 1\n> 1234 AB Utrecht",
		"Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"Belgian with country line", "Jan Peeters\nKerkstraat 7 bus 3\n2000 Antwerpen\nBelgië", "Kerkstraat 7 bus 3 | 2000 Antwerpen | BELGIË"},
	{"Belgian with country on the line", "Wetstraat 16, 1000 Brussel, Belgium", "Wetstraat 16 | 1000 Brussel | BELGIË"},
	{"Belgian country after the place", "Rue de la Loi 16\n1000 Bruxelles Belgique", "Rue de la Loi 16 | 1000 Bruxelles | BELGIË"},
	{"Belgian with B-", "Kerkstraat 7\nB-2000 Antwerpen", "Kerkstraat 7 | 2000 Antwerpen | BELGIË"},
	{"German with country", "Karin Wolf\nHauptstraße 5\n10115 Berlin\nDeutschland", "Hauptstraße 5 | 10115 Berlin | DUITSLAND"},
	{"German with D-", "Hauptstrasse 5\nD-10115 Berlin", "Hauptstrasse 5 | 10115 Berlin | DUITSLAND"},
	{"German Duitsland, leading 0", "Bahnhofstraße 12, 01067 Dresden, Duitsland", "Bahnhofstraße 12 | 01067 Dresden | DUITSLAND"},
	{"German am Main", "Zeil 10\n60313 Frankfurt am Main\nGermany", "Zeil 10 | 60313 Frankfurt am Main | DUITSLAND"},

	{"Mevr. and addition B", "Mevr. A. de Vries\nHoofdweg 120 B\n9611 AB Sappemeer", "Hoofdweg 120 B | 9611 AB Sappemeer"},
	{"t.a.v. on one line", "T.a.v. J. Jansen, Kerkstraat 7, 2712 AB Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"Outlook signature bars", "Jan Jansen\nKerkstraat 7 | 2712 AB Zoetermeer | T 06-12345678 | www.jansen.nl", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"label on one line", "Adres: Kerkstraat 7, 2712 AB Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"abbreviated street", "Burg. de Withstraat 5\n2713 AA Zoetermeer", "Burg. de Withstraat 5 | 2713 AA Zoetermeer"},
	{"hyphenated place", "Molenstraat 4\n3261 BA Oud-Beijerland", "Molenstraat 4 | 3261 BA Oud-Beijerland"},
	{"place with province", "Dorpsstraat 1\n1861 KT Bergen (NH)", "Dorpsstraat 1 | 1861 KT Bergen (NH)"},
	{"Den Haag", "Laan van Meerdervoort 52, 2517 AK Den Haag, Nederland", "Laan van Meerdervoort 52 | 2517 AK Den Haag"},
	{"place then e-mail", "Kerkstraat 7\n2712 AB Zoetermeer E: jan@example.nl", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"signature below the dashes", "Klacht.\n\n-- \nJan Jansen\nKerkstraat 7\n2712 AB Zoetermeer", "Kerkstraat 7 | 2712 AB Zoetermeer"},
	{"quoted history below", "Zie mijn eerdere mail.\n\nJan Jansen\nKerkstraat 7\n2712 AB Zoetermeer\n\n-----Oorspronkelijk bericht-----\nVan: Acme\n\nStationsstraat 1\n1234 AB Utrecht", "Kerkstraat 7 | 2712 AB Zoetermeer"},

	// not found
	{"date line before a postcode", "Sessie 12 november 2026\n2712 AB Zoetermeer", ""},
	{"article", "Artikel 7\n2712 AB Zoetermeer", ""},
	{"file name", "Zie bijlage factuur_2712AB.pdf en foto 2712 AB.jpg", ""},
	{"phone before postcode on one line", "+31 (0)79 123 4567, 2712 AB Zoetermeer", ""},
	{"mutt attribution", "Klopt.\n\n* Acme <info@acme-coaching.nl> [2026-11-02 10:15]:\nStationsstraat 1\n1234 AB Utrecht", ""},
	{"Apple forward", "Begin doorgestuurd bericht:\n\nVan: Acme\nStationsstraat 1\n1234 AB Utrecht", ""},
	{"no address", "Geachte heer,\n\nIk ben ontevreden over de sessie.\n\nJan", ""},
	{"postcode without street", "Ik woon in 2712 AB Zoetermeer.", ""},
	{"street without postcode", "Groet,\nJan Jansen\nKerkstraat 7\nZoetermeer", ""},
	{"letters SS not issued", "Kerkstraat 7\n2712 SS Zoetermeer", ""},
	{"letters SA not issued", "Kerkstraat 7\n2712 SA Zoetermeer", ""},
	{"letters SD not issued", "Kerkstraat 7, 2712 SD Zoetermeer", ""},
	{"postcode starting with 0", "Kerkstraat 7\n0712 AB Zoetermeer", ""},
	{"lower-case letters", "Kerkstraat 7\n2712 ab zoetermeer", ""},
	{"quoted", "Eens.\n\n> Kerkstraat 7\n> 2712 AB Zoetermeer", ""},
	{"below an attribution", "Dank u.\n\nOn Mon, Nov 2, 2026 at 10:15 AM Acme <info@acme-coaching.nl> wrote:\nStationsstraat 1\n1234 AB Utrecht", ""},
	{"below an Outlook header", "Zie hieronder.\n\nVan: Acme <info@acme-coaching.nl>\nVerzonden: maandag 2 november 2026 10:15\nAan: Jan\nOnderwerp: Uw klacht\n\nStationsstraat 1\n1234 AB Utrecht", ""},
	{"below a forward separator", "Doorgestuurd.\n\n---------- Forwarded message ---------\nKerkstraat 7\n2712 AB Zoetermeer", ""},
	{"below an underscore rule", "Groet\n________________________________\nAcme BV, Stationsstraat 1, 1234 AB Utrecht", ""},
	{"phone numbers", "Bel mij op 06-12345678 of 079 123 4567.\nTel. +31 79 123 45 67", ""},
	{"phone before the postcode", "Tel 06 12345678\n2712 AB Zoetermeer", ""},
	{"IBAN", "Graag terugstorten op NL91 ABNA 0417 1643 00 t.n.v. J. Jansen.", ""},
	{"IBAN without spaces", "IBAN: NL91ABNA0417164300\nBIC: ABNANL2A", ""},
	{"KvK", "KvK 12345678\nBTW NL123456789B01", ""},
	{"dates", "Op 12-10-2026 en 2 november 2026 om 10:15 was de afspraak.\nDatum: 2026-11-02", ""},
	{"order number", "Ordernummer 4521 XZ-2026\nFactuur 2026 NL Acme", ""},
	{"order number before a postcode-like line", "Order 4521\n2712 AB Zoetermeer", ""},
	{"Belgian without country", "Kerkstraat 7\n2000 Antwerpen", ""},
	{"German without country", "Hauptstraße 5\n10115 Berlin", ""},
	{"Belgian postcode with another country", "Kerkstraat 7\n2000 Antwerpen\nNederland", ""},
	{"amount", "Ik betaalde 2712 EUR Zoetermeer", ""},
	{"time and place", "Kerkstraat 7 om 10:15\n2712 AB Zoetermeer", ""},
	{"number only street line", "7\n2712 AB Zoetermeer", ""},
	{"long line", strings.Repeat("Kerkstraat 7 ", 100) + "\n2712 AB Zoetermeer", ""},
	{"empty", "", ""},
}

func TestFind(t *testing.T) {
	for _, tt := range findTests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Find(tt.text)
			if ok != (tt.want != "") || strings.Join(got, " | ") != tt.want {
				t.Errorf("got %q (%v), want %q", got, ok, tt.want)
			}
		})
	}
}

// FuzzFind checks that Find never panics and that what it finds Parse
// accepts.
func FuzzFind(f *testing.F) {
	for _, tt := range findTests {
		f.Add(tt.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		lines, ok := Find(text)
		if !ok {
			if lines != nil {
				t.Fatalf("not found but %q", lines)
			}
			return
		}
		if len(lines) < 2 || len(lines) > 3 {
			t.Fatalf("%d lines: %q", len(lines), lines)
		}
		if _, err := Parse(strings.Join(lines, "\n")); err != nil {
			t.Fatalf("Find %q, Parse: %v", lines, err)
		}
	})
}
