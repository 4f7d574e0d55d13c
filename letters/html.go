package letters

import (
	"html"
	"regexp"
	"strings"
)

// Inline styles only: Outlook and Gmail drop <style> blocks in many cases.
const (
	styleBody    = "margin:0;padding:0;background-color:#ffffff;"
	styleWrap    = "max-width:640px;margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#222222;"
	styleP       = "margin:0 0 12px 0;"
	styleH       = "margin:20px 0 6px 0;font-size:16px;font-weight:bold;color:#222222;"
	styleUL      = "margin:0 0 12px 0;padding:0 0 0 22px;"
	styleLI      = "margin:0 0 4px 0;"
	styleTable   = "border-collapse:collapse;margin:0 0 12px 0;font-size:15px;"
	styleTDLabel = "padding:3px 18px 3px 0;vertical-align:top;font-weight:bold;white-space:nowrap;"
	styleTDValue = "padding:3px 0;vertical-align:top;"
	styleQuote   = "margin:0 0 12px 0;padding:2px 0 2px 12px;border-left:3px solid #c8c8c8;color:#555555;"
	styleQuoteP  = "margin:0 0 8px 0;"
	styleLiteral = "margin:0 0 12px 0;color:#666666;"
)

// renderHTML renders blocks as a complete HTML document with inline styles;
// every piece of text is escaped.
func renderHTML(lang, subject string, blocks []block, ch chrome, sig []string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"" + html.EscapeString(lang) + "\">\n<head>\n")
	b.WriteString("<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<title>" + html.EscapeString(subject) + "</title>\n</head>\n")
	b.WriteString("<body style=\"" + styleBody + "\">\n<div style=\"" + styleWrap + "\">\n")
	for _, bl := range blocks {
		htmlBlock(&b, bl)
	}
	if sig != nil {
		b.WriteString("<p style=\"" + styleP + "\">" + html.EscapeString(ch.closing) + "</p>\n")
		b.WriteString("<p style=\"" + styleP + "\">" + escapeLines(sig) + "</p>\n")
	}
	b.WriteString("</div>\n</body>\n</html>\n")
	return b.String()
}

func htmlBlock(b *strings.Builder, bl block) {
	switch bl.kind {
	case blockHeading:
		b.WriteString("<h2 style=\"" + styleH + "\">" + html.EscapeString(bl.text) + "</h2>\n")
	case blockList:
		b.WriteString("<ul style=\"" + styleUL + "\">\n")
		for _, item := range bl.items {
			b.WriteString("<li style=\"" + styleLI + "\">" + escapeText(item) + "</li>\n")
		}
		b.WriteString("</ul>\n")
	case blockFacts:
		b.WriteString("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"" + styleTable + "\">\n")
		for _, r := range bl.rows {
			b.WriteString("<tr><td style=\"" + styleTDLabel + "\">" + html.EscapeString(r[0]) +
				"</td><td style=\"" + styleTDValue + "\">" + escapeText(r[1]) + "</td></tr>\n")
		}
		b.WriteString("</table>\n")
	case blockQuote:
		b.WriteString("<blockquote style=\"" + styleQuote + "\">\n")
		for _, para := range splitParagraphs(bl.lines) {
			b.WriteString("<p style=\"" + styleQuoteP + "\">" + escapeLines(para) + "</p>\n")
		}
		b.WriteString("</blockquote>\n")
	case blockLiteral:
		b.WriteString("<p style=\"" + styleLiteral + "\">" + html.EscapeString(bl.text) + "</p>\n")
	default:
		b.WriteString("<p style=\"" + styleP + "\">" + escapeText(bl.text) + "</p>\n")
	}
}

// currencyGap matches the space after a currency sign before an amount.
var currencyGap = regexp.MustCompile(`([€$£]) (\d)`)

// escapeText escapes s for HTML and joins a currency sign to its amount
// with a no-break space, as the text and PDF renderings do.
func escapeText(s string) string {
	return currencyGap.ReplaceAllString(html.EscapeString(s), "$1&nbsp;$2")
}

// splitParagraphs groups quote lines into paragraphs at blank lines.
func splitParagraphs(lines []string) [][]string {
	var out [][]string
	var cur []string
	for _, l := range lines {
		if l == "" {
			if cur != nil {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, l)
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

func escapeLines(lines []string) string {
	esc := make([]string, len(lines))
	for i, l := range lines {
		esc[i] = escapeText(l)
	}
	return strings.Join(esc, "<br>\n")
}
