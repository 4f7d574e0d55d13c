package letters

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRender renders letters with arbitrary text as the complaint, the
// complainant's name and subject, and (for a decision) the handler's
// findings. Every text must render: no error, no panic (Render turns a
// panic of the PDF library into an error, which fails here too), a PDF,
// and nothing unsafe in the subject, text or HTML.
func FuzzRender(f *testing.F) {
	for _, s := range append(strings.Split(hostileText, "\n"), hostileText, complaintText, "", "😡", "\x00", "\xff",
		"\U00010000", "\uffff", "ل\u0627", "(א)", "a\u0301\u0301\u0301", strings.Repeat("W", 400)) {
		f.Add(s, "José Müller")
	}
	f.Add("text", "\u202e\n[[facts]]")
	set, err := loadSetErr()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, name string) {
		if len(text) > 2000 || len(name) > 500 {
			// Long text makes more pages, not other glyphs; the fuzzer
			// spends its time better on what the text holds.
			t.Skip()
		}
		kind := "acknowledgement"
		if len(text)%2 == 1 {
			kind = "decision"
		}
		l := sample("nl", kind)
		l.Description, l.Facts, l.Position = text, text, text
		l.Subject = text
		l.Recipient.Name = name
		l.Recipient.Address = []string{name, text}
		r, err := Render(set, l)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		if !bytes.HasPrefix(r.PDF, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(r.PDF), []byte("%%EOF")) {
			t.Fatalf("not a whole PDF (%d bytes)", len(r.PDF))
		}
		checkSafe(t, "subject", r.Subject)
		checkSafe(t, "text", r.Text)
		checkSafe(t, "html", r.HTML)
		if strings.Contains(r.Subject, "\n") {
			t.Fatalf("subject has a line break: %q", r.Subject)
		}
	})
}

// FuzzVisual checks that visual only reorders: the runes of a line come
// out all and only once (brackets possibly mirrored), and a line without
// right-to-left text unchanged.
func FuzzVisual(f *testing.F) {
	for _, s := range strings.Split(hostileText, "\n") {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, line string, rtl bool) {
		if !utf8.ValidString(line) {
			return
		}
		got := visual(line, rtl)
		if !hasRTL(line) && got != line {
			t.Fatalf("visual(%q) = %q, want it unchanged", line, got)
		}
		norm := func(s string) []rune {
			rs := []rune(s)
			for i, r := range rs {
				if m, ok := mirrors[r]; ok && m < r {
					rs[i] = m
				}
			}
			slices.Sort(rs)
			return rs
		}
		if !slices.Equal(norm(line), norm(got)) {
			t.Fatalf("visual(%q) = %q: not a reordering", line, got)
		}
	})
}
