package letters

import (
	"strings"
	"unicode/utf8"
)

// words splits s at white space. A currency sign standing alone stays with
// the amount after it, so "€ 1.250,00" is never broken over two lines.
func words(s string) []string {
	f := strings.Fields(s)
	out := f[:0]
	for i := 0; i < len(f); i++ {
		w := f[i]
		if (w == "€" || w == "$" || w == "£") && i+1 < len(f) {
			w += " " + f[i+1]
			i++
		}
		out = append(out, w)
	}
	return out
}

// breakLines fills lines with the words of s: fits reports whether a line
// of the given width fits, width measures a string (additively: the width
// of a string is the sum of the widths of its parts, as for fpdf's
// GetStringSymbolWidth and for a count of runes). A word wider than a line
// is cut into pieces when hard is set, and left whole otherwise. A line is
// a substring of s where s has single spaces between its words, so that
// breaking allocates little.
func breakLines(s string, fits func(width int) bool, width func(string) int, hard bool) []string {
	var lines []string
	line, lineW := "", 0
	lineStart, lineEnd := -1, -1 // line is s[lineStart:lineEnd], or -1
	spaceW := width(" ")
	pos := 0
	for _, w := range words(s) {
		at := strings.Index(s[pos:], w) // where w is in s, or -1 (a joined currency sign)
		if at >= 0 {
			at += pos
			pos = at + len(w)
		}
		wordW := width(w)
		if line != "" && fits(lineW+spaceW+wordW) {
			if lineEnd >= 0 && at == lineEnd+1 && s[lineEnd] == ' ' {
				lineEnd = at + len(w)
				line = s[lineStart:lineEnd]
			} else {
				line, lineStart, lineEnd = line+" "+w, -1, -1
			}
			lineW += spaceW + wordW
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		for hard && !fits(wordW) {
			// the longest head of w that fits, at least one rune
			n, headW := 0, 0
			for n < len(w) {
				_, size := utf8.DecodeRuneInString(w[n:])
				rw := width(w[n : n+size])
				if n > 0 && !fits(headW+rw) {
					break
				}
				n, headW = n+size, headW+rw
			}
			if n == len(w) {
				break
			}
			lines = append(lines, w[:n])
			w, wordW = w[n:], wordW-headW
			if at >= 0 {
				at += n
			}
		}
		line, lineW = w, wordW
		lineStart, lineEnd = at, at+len(w)
		if at < 0 {
			lineEnd = -1
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// wrap breaks s into lines of at most width runes, the first line prefixed
// with first and the others with rest (of the same length). A word longer
// than the line stays whole. Lines never end in a space.
func wrap(s string, width int, first, rest string) []string {
	max := width - utf8.RuneCountInString(first)
	lines := breakLines(s, func(w int) bool { return w <= max }, utf8.RuneCountInString, false)
	for i, l := range lines {
		p := rest
		if i == 0 {
			p = first
		}
		lines[i] = strings.TrimRight(p+l, " ")
	}
	return lines
}
