package letters

import (
	"strings"
	"unicode/utf8"
)

// textWidth is the column the text email wraps at.
const textWidth = 72

// renderText renders blocks as a text/plain body, wrapped at 72 columns
// where words allow, with the signature lines (if any) under the closing.
func renderText(blocks []block, ch chrome, sig []string) string {
	var parts []string
	for _, b := range blocks {
		parts = append(parts, textBlock(b))
	}
	if sig != nil {
		parts = append(parts, ch.closing, strings.Join(sig, "\n"))
	}
	return strings.Join(parts, "\n\n") + "\n"
}

func textBlock(b block) string {
	switch b.kind {
	case blockHeading:
		return strings.Join(wrap(b.text, textWidth, "", ""), "\n")
	case blockList:
		var out []string
		for _, item := range b.items {
			out = append(out, wrap(item, textWidth, "- ", "  ")...)
		}
		return strings.Join(out, "\n")
	case blockFacts:
		return textFacts(b.rows)
	case blockQuote:
		var out []string
		for _, l := range b.lines {
			if l == "" {
				out = append(out, ">")
				continue
			}
			out = append(out, wrap(l, textWidth, "> ", "> ")...)
		}
		return strings.Join(out, "\n")
	case blockLiteral:
		return strings.TrimRight(b.text, " \t")
	default:
		return strings.Join(wrap(b.text, textWidth, "", ""), "\n")
	}
}

// textFacts lays out a fact table as two aligned columns; a label too long
// for the column gets its value on the same line after ": ".
func textFacts(rows [][2]string) string {
	const maxLabel = 26
	w := 0
	for _, r := range rows {
		if n := utf8.RuneCountInString(r[0]) + 1; n > w && n <= maxLabel {
			w = n
		}
	}
	var out []string
	for _, r := range rows {
		label := r[0] + ":"
		if utf8.RuneCountInString(label) > w {
			out = append(out, wrap(label+" "+r[1], textWidth, "", "  ")...)
			continue
		}
		first := label + strings.Repeat(" ", w-utf8.RuneCountInString(label)+2)
		out = append(out, wrap(r[1], textWidth, first, strings.Repeat(" ", utf8.RuneCountInString(first)))...)
	}
	return strings.Join(out, "\n")
}
