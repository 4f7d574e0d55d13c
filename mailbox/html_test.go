package mailbox

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/klachtd/klachtd/mailbox/quote"
)

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs", "<p>Een</p><p>Twee</p>", "Een\n\nTwee"},
		{"line breaks", "regel 1<br>regel 2<br/>regel 3", "regel 1\nregel 2\nregel 3"},
		{"whitespace collapsed", "<div>  veel \n\t ruimte  </div>", "veel ruimte"},
		{"link", `Zie <a href="https://example.nl/x?a=1&amp;b=2">de site</a>.`, "Zie de site (https://example.nl/x?a=1&b=2)."},
		{"link equal to text", `<a href="https://example.nl/">https://example.nl</a>`, "https://example.nl"},
		{"mailto", `<a href="mailto:info@example.nl">info@example.nl</a>`, "info@example.nl"},
		{"anchor link dropped", `<a href="#top">boven</a>`, "boven"},
		{"script and style", "<style>p{}</style><script>var x = '<p>';</script>tekst", "tekst"},
		{"head dropped", "<html><head><title>T</title><meta charset=utf-8></head><body>B</body></html>", "B"},
		{"comment", "a<!-- <p>verborgen</p> -->b", "ab"},
		{"entities", "&euro; 5 &amp; &lt;tag&gt; caf&eacute; &#8220;q&#x201D;&nbsp;x", "€ 5 & <tag> café “q” x"},
		{"list", "<ul><li>een</li><li>twee</li></ul>", "- een\n- twee"},
		{"table", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"pre", "<pre>  x\n    y</pre>na", "x\n    y\n\nna"},
		{"img alt", `<img src="x.png" alt="logo"> tekst`, "logo tekst"},
		{"less-than in text", "1 < 2 en 3 > 2", "1 < 2 en 3 > 2"},
		{"unterminated tag", "tekst <b", "tekst"},
		{"uppercase tags", "<P>Een<BR>Twee</P>", "Een\nTwee"},
		{"attribute with >", `<a title="a>b" href="https://x.nl">x</a>`, "x (https://x.nl)"},
		{"empty", "", ""},

		// Quoted text is quoted as a mail client quotes it.
		{"blockquote", "<p>Ja.</p><blockquote><p>Een</p><p>Twee</p></blockquote><p>Na</p>", "Ja.\n\n> Een\n>\n> Twee\n\nNa"},
		{"nested blockquote", "<blockquote>a<blockquote>b<br>c</blockquote>d</blockquote>", "> a\n>\n>> b\n>> c\n>\n> d"},
		{"pre in blockquote", "<blockquote><pre>x\n  y</pre></blockquote>", "> x\n>   y"},
		// What the tokenizer copes with.
		{"head never closed", "<html><head><title>T</title><body>B</body></html>", "B"},
		{"stray end tags", "a</p></div>b</blockquote>c", "a\n\nb\n\nc"},
		{"self-closing block", "a<p/>b<br/>c", "a\n\nb\nc"},
		{"self-closing svg keeps the text after it", "<svg/>tekst", "tekst"},
		{"script with a closing tag in a string", "<script>document.write('</scr'+'ipt>')</script>na", "na"},
		{"unclosed link", `<a href="https://x.nl">x`, "x"},
		{"repeated attribute", `<a href="https://a.nl" href="https://b.nl">x</a>`, "x (https://a.nl)"},
		{"unquoted attribute", `<a href=https://x.nl/a?b=1&amp;c=2>x</a>`, "x (https://x.nl/a?b=1&c=2)"},
		{"comment not closed", "a<!-- b", "a"},
		{"numeric NUL entity", "a&#0;b", "a\ufffdb"},
		{"textarea text shown", "<textarea>a <b>b</b></textarea>", "a <b>b</b>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLToText(tt.in); got != tt.want {
				t.Errorf("HTMLToText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestHTMLToTextCutsGmail renders a Gmail HTML reply and cuts it: the
// quoted notification comes out as a "> " quote below Gmail's attribution.
func TestHTMLToTextCutsGmail(t *testing.T) {
	b, err := os.ReadFile("quote/testdata/gmail_nl.html")
	if err != nil {
		t.Fatal(err)
	}
	text := HTMLToText(string(b))
	const wantQuoted = "> ## Antwoord boven deze regel / reply above this line ##"
	if !strings.Contains(text, "\n"+wantQuoted+"\n") {
		t.Fatalf("rendered text has no quoted marker line %q:\n%s", wantQuoted, text)
	}
	got := quote.CutHTML(string(b), HTMLToText, []string{"k3j5h2m4p9"})
	want := "Beste Jan,\n\nWij vergoeden de sessie van 12 november.\n\nMet vriendelijke groet,\nPiet de Boer"
	if got.Held || got.Reply != want {
		t.Errorf("CutHTML = %+v, want reply %q", got, want)
	}
}

func FuzzHTMLToText(f *testing.F) {
	for _, s := range []string{
		"<p>Een</p><p>Twee</p>", "<blockquote>a<blockquote>b</blockquote></blockquote>",
		"<pre>x\r\ny</pre>", `<a href="mailto:x@y">x</a>`, "<head><title>t", "<script>", "a<!--",
		"<table><tr><td>a<td>b</table>", "&#x110000;&amp", "<ul><li>a<li>b</ul>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := HTMLToText(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("valid input gave invalid UTF-8: %q", out)
		}
		if strings.ContainsRune(out, '\r') {
			t.Fatalf("carriage return in output: %q", out)
		}
		if out != strings.TrimSpace(out) {
			t.Fatalf("output not trimmed: %q", out)
		}
	})
}
