package forward

import (
	"strings"
	"testing"
)

func TestInlineCases(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		none    bool     // not a forward
		from    []string // chain, "Name <addr>"
		problem string   // "" = certain
		note    string
		text0   string // the innermost original's text
	}{
		{
			name: "mutt with a Dutch intro",
			text: "Zie hieronder.\n\n----- Doorgestuurd bericht van Jan <jan@example.nl> -----\n\nDate: Mon, 2 Nov 2026 10:15:00 +0100\nFrom: Jan <jan@example.nl>\nSubject: Klacht\n\nTekst.\n\n----- Einde doorgestuurd bericht -----\n",
			from: []string{"Jan <jan@example.nl>"}, note: "Zie hieronder.", text0: "Tekst.",
		},
		{
			name: "mutt intro gives the sender when the block does not",
			text: "----- Forwarded message from Jan Jansen <jan@example.nl> -----\n\nDate: Mon, 2 Nov 2026 10:15:00 +0100\nSubject: Klacht\n\nTekst.\n\n----- End forwarded message -----\n",
			from: []string{"Jan Jansen <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "Outlook plain text of a mailto link",
			text: "-----Original Message-----\nFrom: Jan Jansen <jan@example.nl<mailto:jan@example.nl>>\nSent: Monday, November 2, 2026 10:15 AM\nTo: Piet <piet@acme-coaching.nl<mailto:piet@acme-coaching.nl>>\nSubject: Klacht\n\nTekst.",
			from: []string{"Jan Jansen <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "bare address",
			text: "-----Oorspronkelijk bericht-----\nVan: jan@example.nl\nVerzonden: maandag 2 november 2026 10:15\nAan: piet@acme-coaching.nl\nOnderwerp: Klacht\n\nTekst.",
			from: []string{" <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "address in quotes, name with a comma",
			text: "-----Original Message-----\nFrom: \"Jansen, Jan\" <jan@example.nl>\nSent: Monday, November 2, 2026 10:15 AM\nTo: 'piet@acme-coaching.nl'\nSubject: Klacht\n\nTekst.",
			from: []string{"Jansen, Jan <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "address in parentheses (HTML link rendering)",
			text: "---------- Forwarded message ---------\nFrom: Jan Jansen (jan@example.nl)\nDate: Mon, Nov 2, 2026 at 10:15 AM\nSubject: Klacht\n\nTekst.",
			from: []string{"Jan Jansen <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "name in parentheses after the address",
			text: "---------- Forwarded message ---------\nFrom: jan@example.nl (Jan Jansen)\nDate: Mon, Nov 2, 2026 at 10:15 AM\nSubject: Klacht\n\nTekst.",
			from: []string{"Jan Jansen <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "whole sender encoded",
			text: "---------- Doorgestuurd bericht ---------\nVan: =?utf-8?B?SmFuIErDoW5zZW4gPGphbkBleGFtcGxlLm5sPg==?=\nDate: ma 2 nov 2026 om 10:15\nSubject: Klacht\n\nTekst.",
			from: []string{"Jan Jánsen <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "encoded name in an unknown charset",
			text: "---------- Forwarded message ---------\nFrom: =?x-unknown?Q?Jan?= <jan@example.nl>\nDate: Mon, Nov 2, 2026 at 10:15 AM\nSubject: Klacht\n\nTekst.",
			from: []string{"=?x-unknown?Q?Jan?= <jan@example.nl>"}, problem: "could not be decoded", text0: "Tekst.",
		},
		{
			name: "address on the line below the name",
			text: "-----Oorspronkelijk bericht-----\nVan: Jan Jansen\n<jan@example.nl>\nVerzonden: maandag 2 november 2026 10:15\nAan: Piet\nOnderwerp: Klacht\n\nTekst.",
			from: []string{"Jan Jansen <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "address wrapped inside its brackets",
			text: "-----Oorspronkelijk bericht-----\nVan: Jan Jansen <jan.jansen@exam\nple.nl>\nVerzonden: maandag 2 november 2026 10:15\nOnderwerp: Klacht\n\nTekst.",
			from: []string{"Jan Jansen <jan.jansen@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "bare address wrapped: joined, but not certain",
			text: "-----Original Message-----\nFrom: jan.jansen@example.\nnl\nSent: Monday, November 2, 2026 10:15 AM\nSubject: Klacht\n\nTekst.",
			from: []string{" <jan.jansen@example.nl>"}, problem: "broken over two lines", text0: "Tekst.",
		},
		{
			name: "folded header line",
			text: "----- Forwarded message from Jan <jan@example.nl> -----\n\nReceived: from mx.example.nl\n\tby mail.acme-coaching.nl; Mon, 2 Nov 2026 10:15:01 +0100\nDate: Mon, 2 Nov 2026 10:15:00 +0100\nFrom: Jan <jan@example.nl>\nSubject: Klacht\n\nTekst.\n\n----- End forwarded message -----",
			from: []string{"Jan <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "two sender addresses",
			text: "-----Original Message-----\nFrom: Jan <jan@example.nl>, Els <els@example.nl>\nSent: Monday, November 2, 2026 10:15 AM\nSubject: Klacht\n\nTekst.",
			from: []string{"Jan, Els <jan@example.nl>"}, problem: "more than one address", text0: "Tekst.",
		},
		{
			name: "invalid address",
			text: "---------- Forwarded message ---------\nFrom: Jan <jan@@example.nl>\nDate: Mon, Nov 2, 2026 at 10:15 AM\n\nTekst.",
			from: []string{"Jan <>"}, problem: `the sender's address "jan@@example.nl" is not a valid address`, text0: "Tekst.",
		},
		{
			name: "address without domain",
			text: "---------- Forwarded message ---------\nFrom: Jan <jan@localhost>\nDate: Mon, Nov 2, 2026 at 10:15 AM\n\nTekst.",
			from: []string{"Jan <jan@localhost>"}, problem: "no full domain", text0: "Tekst.",
		},
		{
			name: "no sender",
			text: "---------- Forwarded message ---------\nDate: Mon, Nov 2, 2026 at 10:15 AM\nSubject: Klacht\n\nTekst.",
			from: []string{" <>"}, problem: "names no sender", text0: "Tekst.",
		},
		{
			name: "no date",
			text: "Begin forwarded message:\n\nFrom: Jan <jan@example.nl>\nSubject: Klacht\n\nTekst.",
			from: []string{"Jan <jan@example.nl>"}, problem: "has no date", text0: "Tekst.",
		},
		{
			name: "date not readable",
			text: "Begin doorgestuurd bericht:\n\nVan: Jan <jan@example.nl>\nDatum: gisteren om 10:15\n\nTekst.",
			from: []string{"Jan <jan@example.nl>"}, problem: `the date "gisteren om 10:15" could not be read`, text0: "Tekst.",
		},
		{
			name: "date without year",
			text: "Begin doorgestuurd bericht:\n\nVan: Jan <jan@example.nl>\nDatum: 2 nov. om 10:15\n\nTekst.",
			from: []string{"Jan <jan@example.nl>"}, problem: "it has no year", text0: "Tekst.",
		},
		{
			name: "marker without header",
			text: "Kijk even.\n\nBegin forwarded message:\n\nHallo, ik heb een klacht.",
			from: []string{" <>"}, problem: "no header block", note: "Kijk even.", text0: "Hallo, ik heb een klacht.",
		},
		{
			name: "blank lines between fields (HTML rendering)",
			text: "---------- Forwarded message ---------\nFrom: Jan <jan@example.nl>\n\nDate: Mon, Nov 2, 2026 at 10:15 AM\n\nSubject: Klacht\n\nTo: <piet@acme-coaching.nl>\n\n\nTekst.",
			from: []string{"Jan <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "bold fields",
			text: "________________________________\n*Van:* Jan <jan@example.nl>\n*Verzonden:* maandag 2 november 2026 10:15\n*Aan:* Piet\n*Onderwerp:* Klacht\n\nTekst.",
			from: []string{"Jan <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "CRLF line ends",
			text: "Zie onder.\r\n\r\n-----Original Message-----\r\nFrom: Jan <jan@example.nl>\r\nSent: Monday, November 2, 2026 10:15 AM\r\nSubject: Klacht\r\n\r\nTekst.\r\n",
			from: []string{"Jan <jan@example.nl>"}, note: "Zie onder.", text0: "Tekst.",
		},
		{
			name: "Apple quoted marker below a note ending in a colon",
			text: "Zie hieronder:\n\n> Begin forwarded message:\n> \n> From: Jan <jan@example.nl>\n> Date: 2 November 2026 at 10:15:00 CET\n> Subject: Klacht\n> \n> Tekst.\n",
			from: []string{"Jan <jan@example.nl>"}, note: "Zie hieronder:", text0: "Tekst.",
		},
		{
			name: "Outlook block in a forwarded reply is history, not a forward",
			text: "---------- Forwarded message ---------\nFrom: Jan <jan@example.nl>\nDate: Mon, Nov 2, 2026 at 10:15 AM\nSubject: RE: Uw factuur\n\nIk ben het er niet mee eens.\n\nFrom: Piet <piet@acme-coaching.nl>\nSent: Friday, October 30, 2026 9:00 AM\nTo: Jan <jan@example.nl>\nSubject: Uw factuur\n\nHierbij de factuur.",
			from: []string{"Jan <jan@example.nl>"}, text0: "Ik ben het er niet mee eens.\n\nFrom: Piet <piet@acme-coaching.nl>\nSent: Friday, October 30, 2026 9:00 AM\nTo: Jan <jan@example.nl>\nSubject: Uw factuur\n\nHierbij de factuur.",
		},
		{
			name: "Outlook forward inside a Gmail forward",
			text: "---------- Forwarded message ---------\nFrom: Els <els@example.nl>\nDate: Mon, Nov 2, 2026 at 10:15 AM\nSubject: Fwd: Klacht\n\nVan mijn buurman.\n\n-----Original Message-----\nFrom: Jan <jan@example.nl>\nSent: Sunday, November 1, 2026 9:00 AM\nSubject: Klacht\n\nTekst.",
			from: []string{"Els <els@example.nl>", "Jan <jan@example.nl>"}, text0: "Tekst.",
		},
		{
			name: "quoted forward below a reply's attribution",
			text: "Dank u.\n\nOp ma 2 nov 2026 om 10:20 schreef Acme <info@acme-coaching.nl>:\n> ---------- Forwarded message ---------\n> From: Jan <jan@example.nl>\n> Date: Mon, Nov 2, 2026 at 10:15 AM\n",
			none: true,
		},
		{
			name: "Outlook block inside a quote",
			text: "Eens.\n\n> -----Original Message-----\n> From: Jan <jan@example.nl>\n> Sent: Monday, November 2, 2026 10:15 AM\n> Subject: Klacht\n",
			none: true,
		},
		{
			name: "the words in a sentence",
			text: "I got a forwarded message from Jan: he has a complaint.\nFrom: my point of view this is late.\nSubject: the invoice",
			none: true,
		},
		{
			name: "a From line alone",
			text: "Van: Jan Jansen\nIk wil klagen.",
			none: true,
		},
		{name: "empty", text: "", none: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := Inline(tt.text)
			if ok == tt.none {
				t.Fatalf("ok = %v (%+v)", ok, r)
			}
			if tt.none {
				return
			}
			var from []string
			for _, o := range r.Chain {
				from = append(from, o.FromName+" <"+o.FromAddr+">")
			}
			if strings.Join(from, "|") != strings.Join(tt.from, "|") {
				t.Errorf("chain %q, want %q", from, tt.from)
			}
			if tt.problem == "" && !r.Certain {
				t.Errorf("uncertain: %q", r.Problems)
			}
			if tt.problem != "" && (r.Certain || !containsAny(r.Problems, tt.problem)) {
				t.Errorf("problems %q, want %q", r.Problems, tt.problem)
			}
			if r.Note != tt.note {
				t.Errorf("note %q, want %q", r.Note, tt.note)
			}
			if in := r.Chain[len(r.Chain)-1]; in.Text != tt.text0 {
				t.Errorf("text %q, want %q", in.Text, tt.text0)
			}
		})
	}
}

func TestChainProblemsNumbered(t *testing.T) {
	text := "-----Oorspronkelijk bericht-----\nVan: Anna Bakker\nVerzonden: woensdag 4 november 2026 22:10\nOnderwerp: FW: Klacht\n\n" +
		"---------- Forwarded message ---------\nFrom: Jan <jan@example.nl>\nDate: Mon, Nov 2, 2026 at 10:15 AM\nSubject: Klacht\n\nTekst."
	r, ok := Inline(text)
	if !ok || len(r.Chain) != 2 {
		t.Fatalf("ok %v, chain %+v", ok, r.Chain)
	}
	if r.Certain || len(r.Problems) != 1 || !strings.HasPrefix(r.Problems[0], "forwarded message 1 of 2: ") {
		t.Errorf("problems %q", r.Problems)
	}
	// The original the caller takes (the innermost, not staff) is certain.
	if r.Chain[0].Certain() || !r.Chain[1].Certain() {
		t.Errorf("chain certainty: %q / %q", r.Chain[0].Problems, r.Chain[1].Problems)
	}
}

func TestDeepChain(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 40; i++ {
		b.WriteString("---------- Forwarded message ---------\nFrom: Jan <jan@example.nl>\nDate: Mon, Nov 2, 2026 at 10:15 AM\nSubject: Fwd: Klacht\n\n")
	}
	b.WriteString("Tekst.")
	r, ok := Inline(b.String())
	if !ok || len(r.Chain) != maxChain {
		t.Fatalf("ok %v, chain of %d", ok, len(r.Chain))
	}
	if last := r.Chain[maxChain-1]; last.Certain() || !strings.HasSuffix(last.Text, "Tekst.") {
		t.Errorf("last original: problems %q, text ends %q", last.Problems, last.Text[max(0, len(last.Text)-20):])
	}
}

func TestLongSender(t *testing.T) {
	r, ok := Inline("-----Original Message-----\nFrom: " + strings.Repeat("<a@b.nl ", 1000) + "\nSent: Monday, November 2, 2026 10:15 AM\nSubject: x\n\nTekst.")
	if !ok || r.Certain || r.Chain[0].FromAddr != "" || !containsAny(r.Problems, "not a sender") {
		t.Errorf("ok %v, %+v", ok, r)
	}
}
