package letters

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/klachtd/klachtd/templates"
)

// hostileText holds every kind of text a complaint from the world brings:
// emoji (also outside the BMP, with skin tones and joiners), CJK, Arabic
// and Hebrew with numbers and Latin in them, combining marks (decomposed
// and stacked), zero-width characters, control characters, bidi
// overrides, invalid UTF-8 and noncharacters.
const hostileText = "Ik ben boos 😡😡 👍🏽 👨‍👩‍👧 ❤️ ☺ en 𝔘𝔫𝔦𝔠𝔬𝔡𝔢.\n" +
	"中文：我对服务很不满意。日本語のテキスト。한국어 텍스트.\n" +
	"العربية: أنا غير راضٍ عن الخدمة منذ ١٢ يومًا (رقم 42) لا.\n" +
	"עברית: אני לא מרוצה מהשירות כבר 12 ימים (מספר 42).\n" +
	"Combining: Jose\u0301 Mu\u0308ller, Z\u0335\u0321\u0322a\u0336\u0337l\u0338g\u0334o, \u05e9\u05c1\u05b8\u05dc\u05d5\u05b9\u05dd.\n" +
	"Zero width: a\u200bb\u200cc\u200dd\ufeffe\u00adf\u2060g.\n" +
	"Controls: NUL\x00 BEL\x07 ESC\x1b[31m DEL\x7f C1\u0085\u009b VT\v FF\f CR\r.\n" +
	"Spoof: \u202eexe.txt\u202c \u2067isolate\u2069 \u2028next\u2029para.\n" +
	"Broken: \xff\xfe\xc3 and \ufffe \U0010ffff \ue000 private."

// hostileLetter is sample(lang, kind) with hostile text in every field
// that comes from outside.
func hostileLetter(lang, kind, text string) Letter {
	l := sample(lang, kind)
	l.Description = text
	l.Subject = "Klacht 😡 \u202e" + text
	l.Recipient.Name = "José 😡 Müller\n[[facts]]\n# kop " + text
	l.Recipient.Address = []string{"Straße 1\x00", "中文 地址 " + text, "שלום 3"}
	l.Org.Name = "Acme \u202eCoaching\x07"
	l.Reason = text
	l.Facts = text
	l.Position = text
	l.Extra["Reply"] = text
	l.Extra["Command"] = text
	return l
}

func TestHostileTextRenders(t *testing.T) {
	set := loadSet(t)
	for _, lang := range templates.Languages() {
		for _, kind := range templates.Kinds() {
			t.Run(lang+"/"+kind, func(t *testing.T) {
				l := hostileLetter(lang, kind, hostileText)
				r := render(t, set, l)
				checkSafe(t, "subject", r.Subject)
				if strings.Contains(r.Subject, "\n") {
					t.Errorf("subject has a line break: %q", r.Subject)
				}
				checkSafe(t, "text", r.Text)
				checkSafe(t, "html", r.HTML)
				if !IsInternal(kind) && !bytes.HasPrefix(r.PDF, []byte("%PDF-")) {
					t.Fatal("no PDF")
				}
				again := render(t, set, hostileLetter(lang, kind, hostileText))
				if !bytes.Equal(r.PDF, again.PDF) || r.Text != again.Text || r.HTML != again.HTML {
					t.Error("two renderings of the same letter differ")
				}
				if *dumpDir != "" {
					base := filepath.Join(*dumpDir, "hostile-"+lang+"-"+kind)
					os.WriteFile(base+".txt", []byte("Subject: "+r.Subject+"\n\n"+r.Text), 0o644)
					os.WriteFile(base+".html", []byte(r.HTML), 0o644)
					if r.PDF != nil {
						os.WriteFile(base+".pdf", r.PDF, 0o644)
					}
				}
			})
		}
	}
}

// checkSafe fails unless s is valid UTF-8 without control characters
// (but LF), bidi embeddings, overrides or isolates, or noncharacters.
func checkSafe(t *testing.T, name, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8", name)
	}
	for i, r := range s {
		if r < 0x20 && r != '\n' || r >= 0x7f && r < 0xa0 || r >= 0x202a && r <= 0x202e ||
			r >= 0x2066 && r <= 0x2069 || r == 0x2028 || r == 0x2029 || nonCharacter(r) {
			t.Errorf("%s has %U at byte %d: %q", name, r, i, s[max(0, i-20):min(len(s), i+20)])
			return
		}
	}
}
