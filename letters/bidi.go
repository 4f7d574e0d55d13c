package letters

import (
	"sort"
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// fpdf draws a string's code points left to right. Hebrew and Arabic are
// written right to left, so each line of a letter is put into visual
// order here, by the Unicode Bidirectional Algorithm (UAX #9) without its
// explicit embeddings and isolates (clean drops those controls):
// paragraph level by P2–P3, weak types W1–W7, brackets N0 (round, square
// and curly), neutrals N1–N2, implicit levels I1–I2, trailing white space L1,
// reordering L2 (a base character keeps its combining marks after it) and
// mirroring L4 for the common paired punctuation.

// bidiClass is the bidirectional class of r (UCD Bidi_Class).
func bidiClass(r rune) bidi.Class {
	p, _ := bidi.LookupRune(r)
	return p.Class()
}

// hasRTL reports whether s holds a right-to-left character; text without
// one needs no reordering.
func hasRTL(s string) bool {
	for _, r := range s {
		if r >= 0x0590 && (r <= 0x08ff || r >= 0xfb1d && r <= 0xfdff || r >= 0xfe70 && r <= 0xfefc ||
			r >= 0x10800 && r <= 0x10fff || r >= 0x1e800 && r <= 0x1efff) {
			return true
		}
	}
	return false
}

// paragraphRTL reports whether the first strong character of s is
// right-to-left (UAX #9 P2–P3).
func paragraphRTL(s string) bool {
	if !hasRTL(s) {
		return false
	}
	for _, r := range s {
		switch bidiClass(r) {
		case bidi.L:
			return false
		case bidi.R, bidi.AL:
			return true
		}
	}
	return false
}

// visual returns line in the order its characters are drawn left to right,
// in a paragraph of the given direction.
func visual(line string, rtl bool) string {
	if !hasRTL(line) {
		return line
	}
	rs := []rune(line)
	n := len(rs)
	cls := make([]bidi.Class, n)
	for i, r := range rs {
		cls[i] = bidiClass(r)
	}
	base := 0
	sos := bidi.L
	if rtl {
		base, sos = 1, bidi.R
	}
	// W1: a mark takes the class of what precedes it.
	prev := sos
	for i, c := range cls {
		if c == bidi.NSM {
			cls[i] = prev
		} else {
			prev = cls[i]
		}
	}
	// W2: a European number after Arabic letters is an Arabic number.
	// W3: Arabic letters are right-to-left.
	strong := sos
	for i, c := range cls {
		switch c {
		case bidi.L, bidi.R, bidi.AL:
			strong = c
		case bidi.EN:
			if strong == bidi.AL {
				cls[i] = bidi.AN
			}
		}
	}
	for i, c := range cls {
		if c == bidi.AL {
			cls[i] = bidi.R
		}
	}
	// W4: one separator between two numbers of a kind joins them.
	for i := 1; i+1 < n; i++ {
		switch {
		case cls[i] == bidi.ES && cls[i-1] == bidi.EN && cls[i+1] == bidi.EN:
			cls[i] = bidi.EN
		case cls[i] == bidi.CS && cls[i-1] == bidi.EN && cls[i+1] == bidi.EN:
			cls[i] = bidi.EN
		case cls[i] == bidi.CS && cls[i-1] == bidi.AN && cls[i+1] == bidi.AN:
			cls[i] = bidi.AN
		}
	}
	// W5: terminators next to a European number belong to it.
	for i := 0; i < n; i++ {
		if cls[i] != bidi.ET {
			continue
		}
		j := i
		for j < n && cls[j] == bidi.ET {
			j++
		}
		if i > 0 && cls[i-1] == bidi.EN || j < n && cls[j] == bidi.EN {
			for k := i; k < j; k++ {
				cls[k] = bidi.EN
			}
		}
		i = j - 1
	}
	// W6: the separators and terminators left are neutral.
	for i, c := range cls {
		switch c {
		case bidi.ES, bidi.ET, bidi.CS:
			cls[i] = bidi.ON
		}
	}
	// W7: a European number after left-to-right text is left-to-right.
	strong = sos
	for i, c := range cls {
		switch c {
		case bidi.L, bidi.R:
			strong = c
		case bidi.EN:
			if strong == bidi.L {
				cls[i] = bidi.L
			}
		}
	}
	// Strong directions for N0–N2: numbers count as right-to-left.
	dir := func(c bidi.Class) (bidi.Class, bool) {
		switch c {
		case bidi.L:
			return bidi.L, true
		case bidi.R, bidi.EN, bidi.AN:
			return bidi.R, true
		}
		return 0, false
	}
	// N0: a pair of brackets takes the direction of the text inside it:
	// the paragraph's if that occurs inside, else the other one if that
	// occurs inside and also before the pair.
	for _, p := range bracketPairs(rs, cls) {
		found, ok := bidi.Class(0), false
		for k := p[0] + 1; k < p[1]; k++ {
			if d, strong := dir(cls[k]); strong {
				found, ok = d, true
				if d == sos {
					break
				}
			}
		}
		if !ok {
			continue
		}
		to := found
		if found != sos {
			before := sos
			for k := p[0] - 1; k >= 0; k-- {
				if d, strong := dir(cls[k]); strong {
					before = d
					break
				}
			}
			if before != found {
				to = sos
			}
		}
		cls[p[0]], cls[p[1]] = to, to
	}
	// N1–N2: neutrals take the direction around them if it is the same on
	// both sides, else the paragraph's.
	for i := 0; i < n; i++ {
		if _, strong := dir(cls[i]); strong {
			continue
		}
		j := i
		for j < n {
			if _, strong := dir(cls[j]); strong {
				break
			}
			j++
		}
		before, after := sos, sos
		if i > 0 {
			before, _ = dir(cls[i-1])
		}
		if j < n {
			after, _ = dir(cls[j])
		}
		to := sos
		if before == after {
			to = before
		}
		for k := i; k < j; k++ {
			cls[k] = to
		}
		i = j - 1
	}
	// I1–I2: levels.
	lv := make([]int, n)
	for i, c := range cls {
		switch {
		case base == 0 && c == bidi.R:
			lv[i] = 1
		case base == 0 && (c == bidi.AN || c == bidi.EN):
			lv[i] = 2
		case base == 1 && (c == bidi.L || c == bidi.EN || c == bidi.AN):
			lv[i] = 2
		default:
			lv[i] = base
		}
	}
	// L1: white space at the end of the line goes to the paragraph level.
	for i := n - 1; i >= 0 && unicode.IsSpace(rs[i]); i-- {
		lv[i] = base
	}
	// L2 on clusters: a base character and the marks after it move as one.
	type cluster struct {
		runes []rune
		level int
	}
	var cs []cluster
	for i := 0; i < n; i++ {
		j := i + 1
		for j < n && (unicode.Is(unicode.Mn, rs[j]) || unicode.Is(unicode.Me, rs[j])) {
			j++
		}
		cs = append(cs, cluster{rs[i:j], lv[i]})
		i = j - 1
	}
	maxLv, minOdd := 0, 3
	for _, c := range cs {
		maxLv = max(maxLv, c.level)
		if c.level%2 == 1 {
			minOdd = min(minOdd, c.level)
		}
	}
	for l := maxLv; l >= minOdd && l > 0; l-- {
		for i := 0; i < len(cs); i++ {
			if cs[i].level < l {
				continue
			}
			j := i
			for j < len(cs) && cs[j].level >= l {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				cs[a], cs[b] = cs[b], cs[a]
			}
			i = j
		}
	}
	out := make([]rune, 0, n)
	for _, c := range cs {
		if c.level%2 == 1 && len(c.runes) > 0 {
			if m, ok := mirrors[c.runes[0]]; ok {
				out = append(out, m)
				out = append(out, c.runes[1:]...)
				continue
			}
		}
		out = append(out, c.runes...)
	}
	return string(out)
}

// bracketPairs returns the pairs of round, square and curly brackets in
// rs, as indexes of opening and closing bracket ordered by the opening one
// (UAX #9 BD16, with its stack of 63).
func bracketPairs(rs []rune, cls []bidi.Class) [][2]int {
	type open struct {
		closing rune
		at      int
	}
	var stack []open
	var pairs [][2]int
	for i, r := range rs {
		if cls[i] != bidi.ON {
			continue
		}
		switch r {
		case '(', '[', '{':
			if len(stack) == 63 {
				sort.Slice(pairs, func(a, b int) bool { return pairs[a][0] < pairs[b][0] })
				return pairs
			}
			stack = append(stack, open{mirrors[r], i})
		case ')', ']', '}':
			for k := len(stack) - 1; k >= 0; k-- {
				if stack[k].closing == r {
					pairs = append(pairs, [2]int{stack[k].at, i})
					stack = stack[:k]
					break
				}
			}
		}
	}
	sort.Slice(pairs, func(a, b int) bool { return pairs[a][0] < pairs[b][0] })
	return pairs
}

// mirrors are the paired characters drawn mirrored in right-to-left text
// (BidiMirroring.txt, the ones a letter is likely to hold).
var mirrors = map[rune]rune{
	'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<',
	'«': '»', '»': '«', '‹': '›', '›': '‹', '≤': '≥', '≥': '≤',
}
