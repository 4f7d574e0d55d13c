package letters

import "testing"

func TestVisual(t *testing.T) {
	tests := []struct {
		name, in string
		rtl      bool
		want     string
	}{
		{"latin", "abc def", false, "abc def"},
		{"hebrew", "שלום", false, "םולש"},
		{"hebrew in dutch", "naam שלום עולם hier", false, "naam םלוע םולש hier"},
		{"number after hebrew", "שלום 123", false, "123 םולש"},
		{"number inside hebrew", "שלום 12 עולם", true, "םלוע 12 םולש"},
		{"brackets in rtl", "(שלום)", true, "(םולש)"},
		{"brackets around number in rtl", "מספר (42).", true, ".(42) רפסמ"},
		{"latin in rtl paragraph", "שלום abc", true, "abc םולש"},
		{"marks stay after their letter", "ש\u05b8\u05c1לו\u05b9ם", false, "םו\u05b9לש\u05b8\u05c1"},
		{"trailing space stays at the end", "abc שלום ", false, "abc םולש "},
		{"arabic digits", "منذ ١٢ يوما", true, "اموي ١٢ ذنم"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := visual(tc.in, tc.rtl); got != tc.want {
				t.Errorf("visual(%q, %v) = %q, want %q", tc.in, tc.rtl, got, tc.want)
			}
		})
	}
}

func TestParagraphRTL(t *testing.T) {
	for in, want := range map[string]bool{
		"abc":          false,
		"שלום abc":     true,
		"123 שלום":     true,
		"abc שלום":     false,
		"":             false,
		"العربية: نعم": true,
	} {
		if got := paragraphRTL(in); got != want {
			t.Errorf("paragraphRTL(%q) = %v", in, got)
		}
	}
}

func TestShapeArabic(t *testing.T) {
	all := func(rune) bool { return true }
	none := func(rune) bool { return false }
	tests := []struct {
		name, in string
		has      func(rune) bool
		want     string
	}{
		{"isolated", "ب", all, "\ufe8f"},
		{"initial and final", "بب", all, "\ufe91\ufe90"},
		{"medial", "ببب", all, "\ufe91\ufe92\ufe90"},
		{"right-joining breaks", "باب", all, "\ufe91\ufe8e\ufe8f"},
		{"lam-alef ligature", "سلام", all, "\ufeb3\ufefc\ufee1"},
		{"harakat are transparent", "بَب", all, "\ufe91\u064e\ufe90"},
		{"zwnj breaks", "ب\u200cب", all, "\ufe8f\u200c\ufe8f"},
		{"space breaks", "ب ب", all, "\ufe8f \ufe8f"},
		{"persian peh and gaf", "پگ", all, "\ufb58\ufb93"},
		{"font without forms", "بب", none, "بب"},
		{"latin untouched", "abc", all, "abc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := shapeArabic(tc.in, tc.has); got != tc.want {
				t.Errorf("shapeArabic(%q) = %+q, want %+q", tc.in, got, tc.want)
			}
		})
	}
}

func TestDrawable(t *testing.T) {
	fonts, err := dejaVuFonts()
	if err != nil {
		t.Fatal(err)
	}
	has := fonts[0].Has
	tests := []struct{ name, in, want string }{
		{"latin kept", "José € 1.250,00 — „ok”", "José € 1.250,00 — „ok”"},
		{"composed", "Jose\u0301", "José"},
		{"emoji", "boos 😡!", "boos □!"},
		{"emoji with selector", "❤\ufe0f", "❤"},
		{"cjk", "中文", "□□"},
		{"zero width dropped", "a\u200bb\u200dc\ufeffd\u00ade", "abcde"},
		{"math letters decomposed", "𝔘𝔫𝔦", "Uni"},
		{"full-width decomposed", "ＡＢ！", "AB!"},
		{"line break is a space", "a\nb", "a b"},
		{"mark the font lacks dropped", "a\u1dc0", "a"},
		{"outside the BMP", "\U00010000\U0010fffd", "□□"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := drawable(tc.in, has); got != tc.want {
				t.Errorf("drawable(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ name, in, want, line string }{
		{"clean text is kept", "José 😡 שלום", "José 😡 שלום", "José 😡 שלום"},
		{"controls dropped", "a\x00b\x07c\x1bd\x7fe\u0085f\u009bg", "abcde\nfg", "abcde fg"},
		{"line ends", "a\r\nb\rc\u2028d\u2029e", "a\nb\nc\nd\ne", "a b c d e"},
		{"tab", "a\tb", "a b", "a b"},
		{"bidi controls dropped", "\u202eabc\u202c \u2067x\u2069", "abc x", "abc x"},
		{"invalid utf-8", "a\xffb", "a\ufffdb", "a\ufffdb"},
		{"noncharacters", "a\ufffeb\U0001ffff", "a\ufffdb\ufffd", "a\ufffdb\ufffd"},
		{"one line", "  Jan \n\n de  Man  ", "  Jan \n\n de  Man  ", "Jan de Man"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := clean(tc.in); got != tc.want {
				t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got := cleanLine(tc.in); got != tc.line {
				t.Errorf("cleanLine(%q) = %q, want %q", tc.in, got, tc.line)
			}
		})
	}
}

// TestCleanLetterCopies: cleaning never changes the caller's letter.
func TestCleanLetterCopies(t *testing.T) {
	l := sample("nl", "notification")
	l.Recipient.Address = []string{"Straat\x00 1"}
	l.Extra["Withheld"] = []string{"a\x00.pdf"}
	c := cleanLetter(l)
	if l.Recipient.Address[0] != "Straat\x00 1" || l.Extra["Withheld"].([]string)[0] != "a\x00.pdf" {
		t.Error("cleanLetter changed the caller's letter")
	}
	if c.Recipient.Address[0] != "Straat 1" || c.Extra["Withheld"].([]string)[0] != "a.pdf" {
		t.Errorf("not cleaned: %q %q", c.Recipient.Address, c.Extra["Withheld"])
	}
}
