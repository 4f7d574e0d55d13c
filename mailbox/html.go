package mailbox

import (
	"strings"

	"golang.org/x/net/html"
)

// HTMLToText renders HTML mail as readable plain text: paragraphs and line
// breaks kept, list items as "- item", links as "text (url)", quoted text
// (<blockquote>) prefixed with "> " as mail clients quote, scripts, styles
// and the document head dropped, entities decoded, whitespace collapsed
// (except inside <pre>). It reads the HTML with the HTML5 tokenizer of
// golang.org/x/net/html, which copes with whatever mail clients send
// (unclosed and stray tags, "<" in text, attributes holding ">"); it does not
// build a tree, so the text follows the tags as they come.
func HTMLToText(s string) string {
	t := &htmlText{z: html.NewTokenizer(strings.NewReader(s))}
	t.run()
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
	z        *html.Tokenizer
	out      strings.Builder
	newlines int  // pending line breaks before the next text
	space    bool // a pending space before the next text
	pre      int  // depth of <pre>
	quote    int  // depth of <blockquote>
	// breakQuote is the smallest quote depth seen while line breaks were
	// pending: the blank lines between two quoted paragraphs are quoted,
	// those between a quote and the text around it are not.
	breakQuote int
	skip       string // the element whose content is being skipped
	skipDepth  int    // its nesting depth
	links      []link
}

type link struct {
	href  string
	start int // output length when the <a> opened
}

func (t *htmlText) run() {
	for {
		switch t.z.Next() {
		case html.ErrorToken:
			// io.EOF, or a token larger than the tokenizer allows: what
			// was read is kept either way.
			return
		case html.TextToken:
			if t.skipDepth == 0 {
				t.text(string(t.z.Text()))
			}
		case html.StartTagToken:
			t.start(false)
		case html.SelfClosingTagToken:
			t.start(true)
		case html.EndTagToken:
			name, _ := t.z.TagName()
			t.end(string(name))
		}
		// Comments and doctypes show nothing.
	}
}

// start handles a start tag (selfClosing for "<br/>", "<svg/>").
func (t *htmlText) start(selfClosing bool) {
	nameb, hasAttr := t.z.TagName()
	name := string(nameb)
	if t.skipDepth > 0 {
		switch {
		case name == t.skip && !selfClosing:
			t.skipDepth++
		case t.skip == "head" && name == "body":
			// A head that is never closed ends where the body starts.
			t.skipDepth = 0
		}
		return
	}
	if skipContent[name] && !selfClosing {
		t.skip, t.skipDepth = name, 1
		return
	}
	var attrs map[string]string
	if hasAttr && (name == "a" || name == "img") {
		attrs = t.attrs()
	}
	t.tag(name, attrs, false)
	if selfClosing && name != "br" && name != "img" && name != "hr" {
		t.tag(name, nil, true) // "<p/>", "<div/>": opened and closed at once
	}
}

func (t *htmlText) end(name string) {
	if t.skipDepth > 0 {
		if name == t.skip {
			t.skipDepth--
		}
		return
	}
	t.tag(name, nil, true)
}

// attrs reads the current tag's attributes (names lower case, values with
// entities decoded by the tokenizer).
func (t *htmlText) attrs() map[string]string {
	m := map[string]string{}
	for {
		k, v, more := t.z.TagAttr()
		if _, seen := m[string(k)]; !seen {
			m[string(k)] = string(v) // HTML5: the first of a repeated attribute counts
		}
		if !more {
			return m
		}
	}
}

func (t *htmlText) tag(name string, attrs map[string]string, closing bool) {
	switch name {
	case "br":
		t.lineBreak(1)
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
	case "blockquote":
		t.block(2)
		if closing {
			if t.quote > 0 {
				t.quote--
			}
		} else {
			t.quote++
		}
		t.breakQuote = min(t.breakQuote, t.quote)
		return
	case "a":
		if closing {
			t.closeLink()
		} else {
			t.links = append(t.links, link{href: strings.TrimSpace(attrs["href"]), start: t.out.Len()})
		}
		return
	case "img":
		if alt := strings.TrimSpace(attrs["alt"]); alt != "" && !closing {
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

// lineBreak adds n pending line breaks.
func (t *htmlText) lineBreak(n int) {
	if t.newlines == 0 {
		t.breakQuote = t.quote
	}
	t.newlines += n
}

// block asks for at least n line breaks before the next text.
func (t *htmlText) block(n int) {
	if t.out.Len() == 0 {
		return
	}
	if n > t.newlines {
		t.lineBreak(n - t.newlines)
	}
	t.space = false
}

// text adds character data (entities already decoded by the tokenizer).
func (t *htmlText) text(s string) {
	s = strings.ReplaceAll(s, "\u00a0", " ")
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

// quotePrefix returns the prefix of a line at quote depth d: "> ", ">> ",
// or ">" for a blank quoted line.
func quotePrefix(d int, blank bool) string {
	if d == 0 {
		return ""
	}
	if blank {
		return strings.Repeat(">", d)
	}
	return strings.Repeat(">", d) + " "
}

// emit writes s after any pending line breaks or space, and quotes every
// line it starts inside a <blockquote>.
func (t *htmlText) emit(s string) {
	if s == "" {
		return
	}
	switch {
	case t.out.Len() == 0:
		t.out.WriteString(quotePrefix(t.quote, false))
	case t.newlines > 0:
		blank := quotePrefix(min(t.breakQuote, t.quote), true)
		for i := 1; i < t.newlines; i++ {
			t.out.WriteString("\n" + blank)
		}
		t.out.WriteString("\n" + quotePrefix(t.quote, false))
	case t.space:
		t.out.WriteByte(' ')
	}
	t.newlines = 0
	t.space = false
	if t.quote > 0 && strings.Contains(s, "\n") {
		s = strings.ReplaceAll(s, "\n", "\n"+quotePrefix(t.quote, false))
	}
	t.out.WriteString(s)
}

func (t *htmlText) result() string {
	lines := strings.Split(t.out.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
