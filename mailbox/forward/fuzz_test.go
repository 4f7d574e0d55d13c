package forward

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzInline checks that no text makes Inline panic, and that what it
// returns holds together.
func FuzzInline(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if i := strings.Index(string(b), "\n\n"); i >= 0 {
			b = b[i+2:]
		}
		f.Add(string(b))
	}
	f.Add("> Begin forwarded message:\n>\n> From: a@b.nl\n> Date: 2 nov 2026\n>\n> x")
	f.Add("----- Forwarded message from <a@b.nl> -----\n\tX\n ----- End forwarded message -----")
	f.Add("________________________________\nVan: a <a@b\nVerzonden: 2-11-26 10.15\nAan: ,\n;\nOnderwerp: RE:")
	f.Fuzz(func(t *testing.T, text string) {
		r, ok := Inline(text)
		if !ok {
			if len(r.Chain) != 0 || r.Note != "" {
				t.Fatalf("not a forward, but %+v", r)
			}
			return
		}
		if len(r.Chain) == 0 || len(r.Chain) > maxChain {
			t.Fatalf("chain of %d", len(r.Chain))
		}
		if r.Certain != (len(r.Problems) == 0) {
			t.Fatalf("certain %v with problems %q", r.Certain, r.Problems)
		}
		for _, o := range r.Chain {
			if o.Certain() && (o.FromAddr == "" || o.Date.IsZero()) {
				t.Fatalf("certain without address or date: %+v", o)
			}
			if len(o.Text) > len(text) || len(r.Note) > len(text)+2 {
				t.Fatalf("output longer than input")
			}
			if utf8.ValidString(text) && (!utf8.ValidString(o.Text) || !utf8.ValidString(o.FromName)) {
				t.Fatalf("invalid UTF-8 from valid input")
			}
		}
	})
}
