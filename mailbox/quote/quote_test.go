package quote

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// forbidden are the token strings of the sample notification.
var forbidden = []string{
	"info+KL-2026-0001.k3j5h2m4p9@example.nl",
	"info+KL-2026-0001.k3j5h2m4p9.intern@example.nl",
	"k3j5h2m4p9",
}

const nlReply = `Beste Jan,

Dank voor uw bericht. Wij zoeken uit wat er op 12 november is gebeurd en
laten u binnen een week weten hoe wij de kosten vergoeden.

Met vriendelijke groet,
Piet de Boer`

func readSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCutSamples(t *testing.T) {
	tests := []struct {
		file   string
		reply  string
		held   bool
		reason string
	}{
		{file: "mutt_default.txt", reply: nlReply},
		{file: "mutt_star.txt", reply: "Dear Jan,\n\nThank you for your message. We are looking into what happened on\n12 November and will contact you within a week.\n\n-- \nPiet de Boer\nAcme Coaching"},
		{file: "gmail_nl.txt", reply: nlReply},
		{file: "gmail_nl_wrapped.txt", reply: nlReply},
		{file: "gmail_en.txt", reply: "Dear Jan,\n\nThank you for your message. I will call you on Monday.\n\nKind regards,\nPiet"},
		{file: "applemail_nl.txt", reply: nlReply},
		{file: "applemail_desktop_nl.txt", reply: nlReply},
		{file: "iphone_en.txt", reply: "Thanks, I will call him tomorrow.\n\nSent from my iPhone"},
		{file: "outlook_nl.txt", reply: nlReply + "\nAcme Coaching"},
		{file: "outlook_nl_oorspronkelijk.txt", reply: nlReply},
		{file: "outlook_en_original.txt", reply: "Hi Jan,\n\nWe have refunded the session. You will see it on your account within\nthree working days.\n\nBest regards,\nPiet de Boer"},
		{file: "outlook_nl_bold.txt", reply: nlReply},
		{file: "outlook_mobile_nl.txt", reply: "Ik bel de klant morgen terug.\n\nPiet\n\nOutlook voor iOS downloaden"},
		{file: "thunderbird_nl.txt", reply: nlReply},
		{file: "thunderbird_en.txt", reply: "Jan,\n\nWe will refund the session.\n\nPiet"},
		{file: "deep_outlook.txt", reply: "Aanvulling: de vergoeding wordt deze week overgemaakt.\n\nPiet"},
		{file: "deep_quoted.txt", reply: "Ik neem hem over, ik bel Jan vanmiddag.\n\nAnna"},
		{file: "marker_wrapped.txt", reply: nlReply},
		// Headers wrapped over several lines, in other languages and forms.
		{file: "gmail_de_wrapped.txt", reply: nlReply},
		{file: "gmail_addr_tail.txt", reply: nlReply},
		{file: "gmail_blank_wrapped.txt", reply: nlReply},
		{file: "gmail_numeric.txt", reply: nlReply},
		{file: "applemail_wrapped.txt", reply: nlReply},
		{file: "android_dashes.txt", reply: nlReply},
		{file: "outlook_de.txt", reply: nlReply},
		{file: "outlook_fr.txt", reply: nlReply},
		{file: "date_block.txt", reply: nlReply},
		{file: "russian.txt", reply: nlReply},
		{file: "polish_wrapped.txt", reply: nlReply},
		{file: "zimbra_fr.txt", reply: nlReply},
		{file: "phone_no_header.txt", reply: "Ik bel de klant morgen.\n\nPiet\n\nVerzonden vanaf mijn iPhone"},
		{file: "unknown_tail.txt", held: true, reason: ReasonUnknownHeader},
		{file: "quote_date_above.txt", held: true, reason: ReasonUnknownHeader},
		{file: "thunderbird_bottom.txt", held: true, reason: ReasonTextBelowQuote},
		{file: "inline.txt", held: true, reason: ReasonTextInQuote},
		{file: "nomarker.txt", held: true, reason: ReasonNoMarker},
		{file: "leak.txt", held: true, reason: "a reply address would leak: info+KL-2026-0001.k3j5h2m4p9@example.nl",
			reply: "Beste Jan,\n\nWij vergoeden de sessie. Mailt u gerust verder naar\nINFO+KL-2026-0001.K3J5H2M4P9@example.nl als er nog iets is.\n\nPiet"},
		{file: "unknown_header.txt", held: true, reason: ReasonUnknownHeader},
		{file: "nothing.txt", held: true, reason: ReasonNothing, reply: "Sent from my iPhone"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			text := readSample(t, tt.file)
			for _, variant := range []struct{ name, text string }{
				{"lf", text},
				{"crlf", strings.ReplaceAll(text, "\n", "\r\n")},
			} {
				got := Cut(variant.text, forbidden)
				if got.Held != tt.held || got.Reason != tt.reason {
					t.Fatalf("%s: Held=%v Reason=%q, want Held=%v Reason=%q (reply %q)", variant.name, got.Held, got.Reason, tt.held, tt.reason, got.Reply)
				}
				if (!tt.held || tt.reply != "") && got.Reply != tt.reply {
					t.Errorf("%s: Reply =\n%s\n--- want ---\n%s", variant.name, got.Reply, tt.reply)
				}
			}
		})
	}
}

func TestCutInline(t *testing.T) {
	const quoted = "> " + Marker + "\n>\n> Nieuwe klacht: KL-2026-0001\n"
	tests := []struct {
		name   string
		text   string
		reply  string
		held   bool
		reason string
	}{
		{
			name:  "marker unquoted after attribution",
			text:  "Prima.\n\nOp 21-11-2026 om 15:21 schreef Acme Coaching:\n" + Marker + "\nNieuwe klacht\n",
			reply: "Prima.",
		},
		{
			name:   "marker unquoted without any header",
			text:   "Prima.\n\n" + Marker + "\nNieuwe klacht\n",
			held:   true,
			reason: ReasonNoHeader,
		},
		{
			name:  "quote block without attribution",
			text:  "Prima.\n\n" + quoted,
			reply: "Prima.",
		},
		{
			name:   "nothing at all above the quote",
			text:   "\n\n" + quoted,
			held:   true,
			reason: ReasonNothing,
		},
		{
			name:  "marker in mixed case and extra spaces",
			text:  "Prima.\n\nOn Sat, Nov 21, 2026, Klachtd wrote:\n>   ##  ANTWOORD boven deze regel /  reply above this line ##  \n",
			reply: "Prima.",
		},
		{
			name:  "signature below the quote is dropped",
			text:  "Prima.\n\nOn Sat, Nov 21, 2026, Klachtd wrote:\n" + quoted + "\n--\nPiet\n",
			reply: "Prima.",
		},
		{
			name:   "intern token in new text",
			text:   "Zie info+KL-2026-0001.k3j5h2m4p9.intern@EXAMPLE.nl\n\nOn Sat, Nov 21, 2026, Klachtd wrote:\n" + quoted,
			held:   true,
			reason: "a reply address would leak: info+KL-2026-0001.k3j5h2m4p9.intern@example.nl",
			reply:  "Zie info+KL-2026-0001.k3j5h2m4p9.intern@EXAMPLE.nl",
		},
		{
			name:  "staff line starting with Op above a wrapped attribution",
			text:  "Op maandag bel ik u.\nGroet, Piet\nOp za 21 nov 2026 om 15:21 schreef Acme Coaching <\ninfo@example.nl>:\n\n" + quoted,
			reply: "Op maandag bel ik u.\nGroet, Piet",
		},
		{
			name:  "staff quotes the complainant in the new text",
			text:  "Beste Jan,\n\nU schreef:\n> Ik wil de kosten terug.\n\nDie krijgt u terug.\n\nOn Sat, Nov 21, 2026, Klachtd wrote:\n" + quoted,
			reply: "Beste Jan,\n\nU schreef:\n> Ik wil de kosten terug.\n\nDie krijgt u terug.",
		},
		{
			name:  "separator line directly above the quote block",
			text:  "Prima.\n-----Original Message-----\n" + quoted,
			reply: "Prima.",
		},
		{
			name:  "attribution without a date (Thunderbird) directly below the text",
			text:  "Prima.\nAcme Coaching wrote:\n" + quoted,
			reply: "Prima.",
		},
		{
			name:  "attribution wrapped before the address",
			text:  "Prima.\n\nOn Sat, 21 Nov 2026 at 15:21, Acme Coaching\n<info@example.nl> wrote:\n" + quoted,
			reply: "Prima.",
		},
		{
			name:  "staff line without a blank line above the attribution",
			text:  "Tot maandag\nOp za 21 nov 2026 om 15:21 schreef Acme Coaching <info@example.nl>:\n" + quoted,
			reply: "Tot maandag",
		},
		{
			name:  "attribution wrapped in the middle of the name",
			text:  "Prima.\n\nOn Sat, 21 Nov 2026 at 15:21, Acme\nCoaching <info@example.nl> wrote:\n" + quoted,
			reply: "Prima.",
		},
		{
			name:   "an address and a colon, nothing else: not known as a header",
			text:   "Prima.\n\nAcme Coaching <info@example.nl>:\n" + quoted,
			held:   true,
			reason: ReasonUnknownHeader,
		},
		{
			name:   "header block with a sender field only",
			text:   "Prima.\n\nVan: Acme Coaching <info@example.nl>\n" + Marker + "\nNieuwe klacht\n",
			held:   true,
			reason: ReasonUnknownHeader,
		},
		{
			name:  "rules of dashes in the staff text are not a quote",
			text:  "Afspraken:\n----\n1. bellen\n====\n-- Piet --\nGroet\n\nOn Sat, Nov 21, 2026, Klachtd wrote:\n" + quoted,
			reply: "Afspraken:\n----\n1. bellen\n====\n-- Piet --\nGroet",
		},
		{
			name:  "empty forbidden entries are ignored",
			text:  "Prima.\n\n" + quoted,
			reply: "Prima.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cut(tt.text, append([]string{"", "  "}, forbidden...))
			if got.Held != tt.held || got.Reason != tt.reason {
				t.Fatalf("Held=%v Reason=%q, want Held=%v Reason=%q (reply %q)", got.Held, got.Reason, tt.held, tt.reason, got.Reply)
			}
			if got.Reply != tt.reply {
				t.Errorf("Reply = %q, want %q", got.Reply, tt.reply)
			}
		})
	}
}

var (
	blockRe  = regexp.MustCompile(`(?i)<br\s*/?>|</?(div|p|blockquote)\b[^>]*>`)
	tagRe    = regexp.MustCompile(`<[^>]*>`)
	blanksRe = regexp.MustCompile(`\n{3,}`)
)

// htmlToText is a small renderer for the tests: a line break at every
// block tag and <br>, at most one blank line in a row, tags dropped,
// entities decoded. Like many renderers it does not prefix quoted text
// with ">".
func htmlToText(s string) string {
	s = blockRe.ReplaceAllString(s, "\n")
	s = blanksRe.ReplaceAllString(s, "\n\n")
	s = tagRe.ReplaceAllString(s, "")
	return html.UnescapeString(s)
}

func TestCutHTML(t *testing.T) {
	src := readSample(t, "gmail_nl.html")
	tests := []struct {
		name   string
		toText func(string) string
		reply  string
		reason string
	}{
		{name: "gmail", toText: htmlToText, reply: "Beste Jan,\n\nWij vergoeden de sessie van 12 november.\n\nMet vriendelijke groet,\nPiet de Boer"},
		{name: "no converter", reason: ReasonNoConverter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CutHTML(src, tt.toText, forbidden)
			if got.Reason != tt.reason || got.Held != (tt.reason != "") {
				t.Fatalf("Held=%v Reason=%q, want reason %q", got.Held, got.Reason, tt.reason)
			}
			if got.Reply != tt.reply {
				t.Errorf("Reply = %q, want %q", got.Reply, tt.reply)
			}
		})
	}
}

func FuzzCut(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("testdata", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), "k3j5h2m4p9")
	}
	f.Add("x\n> "+Marker, "x")
	f.Fuzz(func(t *testing.T, text, token string) {
		got := Cut(text, []string{token})
		if got.Held {
			if got.Reason == "" {
				t.Fatal("held without a reason")
			}
			return
		}
		if got.Reason != "" {
			t.Fatalf("reason %q without Held", got.Reason)
		}
		if strings.TrimSpace(got.Reply) == "" {
			t.Fatal("empty reply not held")
		}
		if strings.TrimSpace(token) != "" && ContainsFold(got.Reply, token) {
			t.Fatalf("reply %q contains forbidden %q", got.Reply, token)
		}
		if !strings.Contains(strings.ToLower(text), strings.ToLower(Marker)) &&
			!strings.Contains(normalize(strings.NewReplacer(">", " ", "\r", " ").Replace(text)), normMarker) {
			t.Fatalf("relayed without a marker: %q", text)
		}
	})
}
