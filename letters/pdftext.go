package letters

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// replacementGlyph stands in the PDF for a character the fonts cannot draw
// (an emoji, a CJK ideograph, any code point outside the Basic
// Multilingual Plane, which fpdf cannot address at all): a white square,
// the "tofu" that readers know from screens. The text and HTML bodies keep
// the character itself.
const replacementGlyph = '□'

// drawable makes clean text (see clean) drawable in a font that has the
// glyphs has reports: it composes it (NFC: "e" and a combining acute
// become "é", which the font has), shapes Arabic (shapeArabic), drops the
// invisible format characters (zero-width space and joiners, variation
// selectors, soft hyphen, byte order mark), drops combining marks the font
// lacks, draws a character it lacks by its compatibility decomposition if
// it has that (mathematical and full-width letters) and replaces every
// other character it lacks by replacementGlyph.
// Line breaks become spaces. The result is in logical order; visual puts a
// line of it in drawing order.
func drawable(s string, has func(rune) bool) string {
	if simpleLatin(s, has) {
		return s
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	s = shapeArabic(s, has)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte(' ')
		case ignorable(r):
			// invisible
		case r <= 0xffff && has(r):
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
			// a mark the font lacks: the base character stays legible
		case unicode.Is(unicode.Zs, r):
			b.WriteByte(' ')
		default:
			switch k := compatible(r, has); {
			case k != "":
				b.WriteString(k)
			case has(replacementGlyph):
				b.WriteRune(replacementGlyph)
			default:
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}

// compatible returns the compatibility decomposition of r (NFKC: "𝔘"
// becomes "U", a full-width "！" "!") if it differs from r and the font has
// all of it, and "" otherwise.
func compatible(r rune, has func(rune) bool) string {
	var buf [utf8.UTFMax]byte
	k := norm.NFKC.String(string(buf[:utf8.EncodeRune(buf[:], r)]))
	if k == string(r) {
		return ""
	}
	for _, c := range k {
		if c > 0xffff || !has(c) {
			return ""
		}
	}
	return k
}

// simpleLatin reports whether s is printable ASCII and Latin-1 the font
// has, with nothing to compose or shape: the common case, left as it is.
func simpleLatin(s string, has func(rune) bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			for _, r := range s[i:] {
				if !simpleRune(r) || !has(r) {
					return false
				}
			}
			return true
		}
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// simpleRune reports whether r (≥ 0x80) is a letter or sign of Latin-1 or
// of the general punctuation and currency blocks (not a format character):
// nothing to compose, shape or drop.
func simpleRune(r rune) bool {
	return r >= 0xa0 && r <= 0xff && r != 0xad ||
		r >= 0x2010 && r <= 0x2027 || r >= 0x2030 && r <= 0x205f || r >= 0x2070 && r <= 0x20ff
}

// ignorable reports whether r is a default-ignorable code point (Unicode
// §5.21: drawn as nothing when not supported): format characters,
// variation selectors and the other default ignorables.
func ignorable(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) ||
		unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}
