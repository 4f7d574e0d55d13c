package letters

import (
	"fmt"
	"strings"
)

// The body markup of templates/README.md: paragraphs, "- " list items,
// "# " headings, [[facts]] tables, "> " quotes and "\" literal lines.

type blockKind int

const (
	blockParagraph blockKind = iota
	blockHeading
	blockList
	blockFacts
	blockQuote
	blockLiteral
)

type block struct {
	kind  blockKind
	text  string      // paragraph, heading, literal
	items []string    // list items
	rows  [][2]string // facts: label, value
	lines []string    // quote lines; "" is a blank line inside the quote
}

const (
	factsOpen  = "[[facts]]"
	factsClose = "[[/facts]]"
)

// parseMarkup splits a template body into blocks. Errors name the line.
func parseMarkup(body string) ([]block, error) {
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	var blocks []block
	var para []string
	flush := func() {
		if len(para) > 0 {
			blocks = append(blocks, block{kind: blockParagraph, text: strings.Join(para, " ")})
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case trimmed == factsOpen:
			flush()
			b := block{kind: blockFacts}
			start := i + 1
			for i++; ; i++ {
				if i == len(lines) {
					return nil, fmt.Errorf("line %d: %s without %s", start, factsOpen, factsClose)
				}
				row := strings.TrimSpace(lines[i])
				if row == factsClose {
					break
				}
				if row == "" {
					continue
				}
				label, value, ok := strings.Cut(row, ": ")
				if !ok {
					if !strings.HasSuffix(row, ":") {
						return nil, fmt.Errorf("line %d: fact %q is not \"Label: value\"", i+1, row)
					}
					label = strings.TrimSuffix(row, ":")
				}
				b.rows = append(b.rows, [2]string{strings.TrimSpace(label), strings.TrimSpace(value)})
			}
			if len(b.rows) > 0 {
				blocks = append(blocks, b)
			}
		case trimmed == factsClose:
			return nil, fmt.Errorf("line %d: %s without %s", i+1, factsClose, factsOpen)
		case strings.HasPrefix(line, `\`):
			flush()
			blocks = append(blocks, block{kind: blockLiteral, text: line[1:]})
		case strings.HasPrefix(line, ">"):
			flush()
			b := block{kind: blockQuote}
			for ; i < len(lines) && strings.HasPrefix(lines[i], ">"); i++ {
				q := strings.TrimPrefix(lines[i], ">")
				q = strings.TrimPrefix(q, " ")
				b.lines = append(b.lines, strings.TrimRight(q, " \t"))
			}
			i--
			for len(b.lines) > 0 && b.lines[len(b.lines)-1] == "" {
				b.lines = b.lines[:len(b.lines)-1]
			}
			blocks = append(blocks, b)
		case strings.HasPrefix(line, "# "):
			flush()
			blocks = append(blocks, block{kind: blockHeading, text: strings.TrimSpace(line[2:])})
		case strings.HasPrefix(line, "- "):
			flush()
			b := block{kind: blockList}
			for ; i < len(lines); i++ {
				l := strings.TrimRight(lines[i], " \t")
				if strings.HasPrefix(l, "- ") {
					b.items = append(b.items, strings.TrimSpace(l[2:]))
				} else if strings.HasPrefix(l, "  ") && strings.TrimSpace(l) != "" {
					b.items[len(b.items)-1] += " " + strings.TrimSpace(l)
				} else {
					break
				}
			}
			i--
			blocks = append(blocks, b)
		default:
			para = append(para, trimmed)
		}
	}
	flush()
	return blocks, nil
}
