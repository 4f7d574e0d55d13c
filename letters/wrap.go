package letters

import (
	"strings"
	"unicode/utf8"
)

// words splits s at white space. A currency sign standing alone stays with
// the amount after it, so "€ 1.250,00" is never broken over two lines.
func words(s string) []string {
	f := strings.Fields(s)
	out := make([]string, 0, len(f))
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

// breakLines fills lines of at most width (as measured) with the words of s.
// A word wider than a line is cut into pieces when hard is set, and left
// whole otherwise.
func breakLines(s string, width float64, measure func(string) float64, hard bool) []string {
	var lines []string
	line := ""
	for _, w := range words(s) {
		if line != "" && measure(line+" "+w) <= width {
			line += " " + w
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		for hard && measure(w) > width {
			r := []rune(w)
			n := 1
			for n < len(r) && measure(string(r[:n+1])) <= width {
				n++
			}
			lines = append(lines, string(r[:n]))
			w = string(r[n:])
		}
		line = w
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

func runeWidth(s string) float64 {
	return float64(utf8.RuneCountInString(s))
}

// wrap breaks s into lines of at most width runes, the first line prefixed
// with first and the others with rest (of the same length). A word longer
// than the line stays whole. Lines never end in a space.
func wrap(s string, width int, first, rest string) []string {
	lines := breakLines(s, float64(width-utf8.RuneCountInString(first)), runeWidth, false)
	for i, l := range lines {
		p := rest
		if i == 0 {
			p = first
		}
		lines[i] = strings.TrimRight(p+l, " ")
	}
	return lines
}
