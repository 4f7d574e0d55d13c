package mailbox

import "testing"

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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLToText(tt.in); got != tt.want {
				t.Errorf("HTMLToText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
