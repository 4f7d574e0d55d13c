package mailbox

import (
	"html"
	"strings"
)

// HTMLToText renders HTML mail as readable plain text: paragraphs and line
// breaks kept, list items as "- item", links as "text (url)", scripts, styles
// and the document head dropped, entities decoded, whitespace collapsed
// (except inside <pre>). It is a tolerant scanner meant for mail bodies, not
// a full HTML5 parser.
func HTMLToText(s string) string {
	t := &htmlText{}
	t.run(s)
	return t.result()
}

// blockBreaks maps block-level elements to the number of line breaks they
// put around their content (2 = a paragraph).
var blockBreaks = map[string]int{
	"p": 2, "h1": 2, "h2": 2, "h3": 2, "h4": 2, "h5": 2, "h6": 2,
	"blockquote": 2, "pre": 2, "table": 2, "ul": 2, "ol": 2, "dl": 2, "hr": 2,
	"div": 1, "tr": 1, "li": 1, "dt": 1, "dd": 1, "section": 1, "article": 1,
	"header": 1, "footer": 1, "address": 1, "center": 1, "form": 1, "fieldset": 1,
	"figure": 1, "figcaption": 1, "main": 1, "nav": 1, "aside": 1, "caption": 1,
	"tbody": 1, "thead": 1, "tfoot": 1,
}

// skipContent are elements whose content is never shown.
var skipContent = map[string]bool{
	"script": true, "style": true, "head": true, "title": true, "template": true,
	"noembed": true, "object": true, "iframe": true, "svg": true,
}

type htmlText struct {
	out      strings.Builder
	newlines int  // pending line breaks before the next text
	space    bool // a pending space before the next text
	pre      int  // depth of <pre>
	links    []link
}

type link struct {
	href  string
	start int // output length when the <a> opened
}

func (t *htmlText) run(s string) {
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			t.text(s)
			return
		}
		if lt > 0 {
			t.text(s[:lt])
			s = s[lt:]
		}
		switch {
		case strings.HasPrefix(s, "<!--"):
			end := strings.Index(s[4:], "-->")
			if end < 0 {
				return
			}
			s = s[4+end+3:]
			continue
		case strings.HasPrefix(s, "<!") || strings.HasPrefix(s, "<?"):
			end := strings.IndexByte(s, '>')
			if end < 0 {
				return
			}
			s = s[end+1:]
			continue
		}
		name, attrs, closing, rest, ok := scanTag(s)
		if !ok {
			// A "<" that does not start a tag is text.
			t.text("<")
			s = s[1:]
			continue
		}
		s = rest
		if !closing && skipContent[name] {
			s = skipUntilClose(s, name)
			continue
		}
		t.tag(name, attrs, closing)
	}
}

// scanTag parses "<name attr=value ...>" or "</name>" at the start of s.
func scanTag(s string) (name, attrs string, closing bool, rest string, ok bool) {
	i := 1
	if i < len(s) && s[i] == '/' {
		closing = true
		i++
	}
	start := i
	for i < len(s) && (isASCIILetter(s[i]) || (i > start && (s[i] >= '0' && s[i] <= '9' || s[i] == '-' || s[i] == ':'))) {
		i++
	}
	if i == start {
		return "", "", false, s, false
	}
	name = strings.ToLower(s[start:i])
	// Find the closing ">", honouring quoted attribute values.
	var quote byte
	j := i
	for ; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return name, s[i:j], closing, s[j+1:], true
		}
	}
	// Unterminated tag: drop the rest.
	return name, s[i:], closing, "", true
}

func isASCIILetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// skipUntilClose returns s after the closing tag of name (or "" if none).
func skipUntilClose(s, name string) string {
	for i := 0; ; {
		j := strings.Index(s[i:], "</")
		if j < 0 {
			return ""
		}
		i += j + 2
		if len(s)-i >= len(name) && strings.EqualFold(s[i:i+len(name)], name) {
			gt := strings.IndexByte(s[i:], '>')
			if gt < 0 {
				return ""
			}
			return s[i+gt+1:]
		}
	}
}

// attr returns the value of attribute key in a tag's attribute text.
func attr(attrs, key string) string {
	s := attrs
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t\r\n/")
		i := 0
		for i < len(s) && s[i] != '=' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' && s[i] != '>' {
			i++
		}
		if i == 0 {
			if len(s) == 0 {
				break
			}
			s = s[1:]
			continue
		}
		name := strings.ToLower(s[:i])
		s = strings.TrimLeft(s[i:], " \t\r\n")
		val := ""
		if strings.HasPrefix(s, "=") {
			s = strings.TrimLeft(s[1:], " \t\r\n")
			if len(s) > 0 && (s[0] == '"' || s[0] == '\'') {
				q := s[0]
				end := strings.IndexByte(s[1:], q)
				if end < 0 {
					val, s = s[1:], ""
				} else {
					val, s = s[1:1+end], s[2+end:]
				}
			} else {
				end := strings.IndexAny(s, " \t\r\n")
				if end < 0 {
					end = len(s)
				}
				val, s = s[:end], s[end:]
			}
		}
		if name == key {
			return html.UnescapeString(val)
		}
	}
	return ""
}

func (t *htmlText) tag(name, attrs string, closing bool) {
	switch name {
	case "br":
		t.newlines++
		if t.newlines > 2 {
			t.newlines = 2
		}
		t.space = false
		return
	case "pre":
		if closing {
			if t.pre > 0 {
				t.pre--
			}
		} else {
			t.pre++
		}
	case "a":
		if closing {
			t.closeLink()
		} else {
			t.links = append(t.links, link{href: strings.TrimSpace(attr(attrs, "href")), start: t.out.Len()})
		}
		return
	case "img":
		if alt := strings.TrimSpace(attr(attrs, "alt")); alt != "" && !closing {
			t.text(alt)
		}
		return
	case "td", "th":
		if !closing {
			t.space = true
		}
		return
	}
	if n, ok := blockBreaks[name]; ok {
		t.block(n)
		if name == "li" && !closing {
			t.emit("- ")
		}
		if name == "hr" {
			t.emit("----")
			t.block(2)
		}
	}
}

func (t *htmlText) closeLink() {
	if len(t.links) == 0 {
		return
	}
	l := t.links[len(t.links)-1]
	t.links = t.links[:len(t.links)-1]
	href := l.href
	lower := strings.ToLower(href)
	if href == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(lower, "javascript:") {
		return
	}
	text := ""
	if l.start <= t.out.Len() {
		text = strings.TrimSpace(t.out.String()[l.start:])
	}
	target := href
	if strings.HasPrefix(lower, "mailto:") {
		target = href[len("mailto:"):]
	}
	if text == "" {
		t.emit(target)
		return
	}
	if text == href || text == target || strings.TrimSuffix(text, "/") == strings.TrimSuffix(target, "/") {
		return
	}
	t.out.WriteString(" (" + target + ")")
}

func (t *htmlText) block(n int) {
	if t.out.Len() == 0 {
		return
	}
	if n > t.newlines {
		t.newlines = n
	}
	t.space = false
}

// text adds character data.
func (t *htmlText) text(raw string) {
	s := strings.ReplaceAll(html.UnescapeString(raw), "\u00a0", " ")
	if t.pre > 0 {
		t.emit(strings.ReplaceAll(s, "\r\n", "\n"))
		return
	}
	fields := strings.FieldsFunc(s, isHTMLSpace)
	if len(fields) == 0 {
		if s != "" {
			t.space = true
		}
		return
	}
	if isHTMLSpace(rune(s[0])) {
		t.space = true
	}
	for i, f := range fields {
		if i > 0 {
			t.space = true
		}
		t.emit(f)
	}
	if isHTMLSpace(rune(s[len(s)-1])) {
		t.space = true
	}
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

// emit writes s after any pending line breaks or space.
func (t *htmlText) emit(s string) {
	if s == "" {
		return
	}
	if t.out.Len() > 0 {
		if t.newlines > 0 {
			t.out.WriteString(strings.Repeat("\n", t.newlines))
		} else if t.space {
			t.out.WriteByte(' ')
		}
	}
	t.newlines = 0
	t.space = false
	t.out.WriteString(s)
}

func (t *htmlText) result() string {
	lines := strings.Split(t.out.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
