package letters

import "unicode"

// fpdf draws one glyph per code point, left to right, without OpenType
// shaping: Arabic letters would come out in their isolated forms, none
// joined to the next. shapeArabic chooses each letter's contextual form
// from the Arabic Presentation Forms blocks (U+FB50–U+FDFF, U+FE70–U+FEFF),
// which DejaVu Sans has, the way text was shaped before OpenType (Unicode
// §9.2, "Arabic Cursive Joining"; joining types from ArabicShaping.txt).

// arabicForms are a letter's presentation forms: isolated, final, initial,
// medial. A right-joining letter (alef, dal, reh, waw, …) has no initial
// and medial forms (zero).
type arabicForms [4]rune

// arabicLetters maps the letters that have presentation forms to them.
var arabicLetters = func() map[rune]arabicForms {
	m := map[rune]arabicForms{}
	// Forms-B (U+FE80–U+FEF4) hold U+0621–U+064A in order: two forms for
	// a right-joining letter, four for a dual-joining one, one for hamza.
	next := rune(0xfe80)
	for r := rune(0x0621); r <= 0x064a; r++ {
		if r >= 0x063b && r <= 0x0640 {
			continue // not in Forms-B (U+063B–U+063F; U+0640 tatweel joins, has no forms)
		}
		switch {
		case r == 0x0621:
			m[r] = arabicForms{next}
			next++
		case rightJoining(r):
			m[r] = arabicForms{next, next + 1}
			next += 2
		default:
			m[r] = arabicForms{next, next + 1, next + 2, next + 3}
			next += 4
		}
	}
	// Letters of Persian and Urdu, from Forms-A.
	for r, iso := range map[rune]rune{
		0x0671: 0xfb50, // alef wasla (R)
		0x0679: 0xfb66, // tteh
		0x067e: 0xfb56, // peh
		0x0686: 0xfb7a, // tcheh
		0x0688: 0xfb88, // ddal (R)
		0x0691: 0xfb8c, // rreh (R)
		0x0698: 0xfb8a, // jeh (R)
		0x06a9: 0xfb8e, // keheh
		0x06af: 0xfb92, // gaf
		0x06be: 0xfbaa, // heh doachashmee
		0x06cc: 0xfbfc, // farsi yeh
		0x06d2: 0xfbae, // yeh barree (R)
	} {
		if rightJoining(r) {
			m[r] = arabicForms{iso, iso + 1}
		} else {
			m[r] = arabicForms{iso, iso + 1, iso + 2, iso + 3}
		}
	}
	return m
}()

// rightJoining reports whether r joins only to the letter before it.
func rightJoining(r rune) bool {
	switch r {
	case 0x0622, 0x0623, 0x0624, 0x0625, 0x0627, 0x0629, 0x062f, 0x0630, 0x0631, 0x0632,
		0x0648, 0x0649, 0x0671, 0x0688, 0x0691, 0x0698, 0x06d2:
		return true
	}
	return false
}

// Joining behaviour of a code point, as far as shaping needs it.
const (
	joinNone        = iota // breaks joining: spaces, Latin, digits, ZWNJ, hamza
	joinRight              // joins to the letter before it only
	joinDual               // joins on both sides
	joinCausing            // tatweel, ZWJ: joins on both sides, has no forms
	joinTransparent        // harakat and other marks: skipped
)

func joining(r rune) int {
	switch {
	case r == 0x0640 || r == 0x200d:
		return joinCausing
	case r == 0x0621:
		return joinNone
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return joinTransparent
	}
	f, ok := arabicLetters[r]
	switch {
	case !ok:
		return joinNone
	case f[2] == 0:
		return joinRight
	default:
		return joinDual
	}
}

// lamAlef are the ligatures of lam with an alef: isolated form; the final
// form is one more.
var lamAlef = map[rune]rune{0x0622: 0xfef5, 0x0623: 0xfef7, 0x0625: 0xfef9, 0x0627: 0xfefb}

// hasArabic reports whether s holds a letter shapeArabic changes.
func hasArabic(s string) bool {
	for _, r := range s {
		if r >= 0x0621 && r <= 0x06ff {
			return true
		}
	}
	return false
}

// shapeArabic replaces every Arabic letter in s by its contextual
// presentation form, and lam followed by alef by their ligature, when
// has(form) says the font has it; the text stays in logical order.
func shapeArabic(s string, has func(rune) bool) string {
	if !hasArabic(s) {
		return s
	}
	in := []rune(s)
	out := make([]rune, 0, len(in))
	// prevJoins: the last non-transparent code point joins towards the next.
	prevJoins := false
	for i := 0; i < len(in); i++ {
		r := in[i]
		j := joining(r)
		if j == joinTransparent {
			out = append(out, r)
			continue
		}
		if j == joinNone || j == joinCausing {
			out = append(out, r)
			prevJoins = j == joinCausing
			continue
		}
		// the next non-transparent code point
		k := i + 1
		for k < len(in) && joining(in[k]) == joinTransparent {
			k++
		}
		nextJ := joinNone
		if k < len(in) {
			nextJ = joining(in[k])
		}
		if r == 0x0644 && k < len(in) {
			if lig, ok := lamAlef[in[k]]; ok {
				form := lig
				if prevJoins {
					form++
				}
				if has(form) {
					out = append(out, form)
					out = append(out, in[i+1:k]...) // marks on the lam
					i = k
					prevJoins = false // alef joins to nothing after it
					continue
				}
			}
		}
		f := arabicLetters[r]
		joinsNext := j == joinDual && (nextJ == joinRight || nextJ == joinDual || nextJ == joinCausing)
		var form rune
		switch {
		case prevJoins && joinsNext:
			form = f[3]
		case prevJoins:
			form = f[1]
		case joinsNext:
			form = f[2]
		default:
			form = f[0]
		}
		if form == 0 || !has(form) {
			form = r
		}
		out = append(out, form)
		prevJoins = j == joinDual
	}
	return string(out)
}
