package fpdf

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	upstream "codeberg.org/go-pdf/fpdf"
)

// The tests read DejaVu Sans from the letters package that embeds it.
func dejaVu(t testing.TB) []byte {
	t.Helper()
	ttf, err := os.ReadFile("../../letters/fonts/DejaVuSans.ttf")
	if err != nil {
		t.Fatal(err)
	}
	return ttf
}

const sample = "Geachte heer Müller-Çelik, uw factuur van € 1.250,00 — „klopt” niet. Ωμέγα Ж ﬁ ﺏﺑﺒﺐ שלום"

// draw writes one page with text in the font "dv".
func draw(t *testing.T, p interface {
	SetCatalogSort(bool)
	SetCreationDate(time.Time)
	SetModificationDate(time.Time)
	SetCompression(bool)
	AddPage()
	SetFont(family, style string, size float64)
	Cell(w, h float64, s string)
	Output(io.Writer) error
}, text string) []byte {
	t.Helper()
	p.SetCatalogSort(true)
	p.SetCreationDate(time.Date(2026, 4, 24, 10, 15, 0, 0, time.UTC))
	p.SetModificationDate(time.Date(2026, 4, 24, 10, 15, 0, 0, time.UTC))
	p.SetCompression(false)
	p.AddPage()
	p.SetFont("dv", "", 12)
	p.Cell(100, 10, text)
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	fontName   = regexp.MustCompile(`/F[0-9a-f]{40}`)
	streamBody = regexp.MustCompile(`(?s)stream\n(.*?)\nendstream`)
)

// streams returns the streams of a PDF, inflated where compressed.
func streams(t *testing.T, pdf []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for _, m := range streamBody.FindAllSubmatch(pdf, -1) {
		data := m[1]
		if zr, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
			if inflated, err := io.ReadAll(zr); err == nil {
				data = inflated
			}
		}
		out = append(out, data)
	}
	return out
}

// TestPreparedFontMatchesUpstream renders the same page with the released
// fpdf (AddUTF8FontFromBytes) and with a prepared font: the font program,
// the page and the widths are the same; only the font's resource name
// differs and the CIDToGIDMap stops at the highest code used.
func TestPreparedFontMatchesUpstream(t *testing.T) {
	ttf := dejaVu(t)
	up := upstream.New("P", "mm", "A4", "")
	up.AddUTF8FontFromBytes("dv", "", ttf)
	want := draw(t, up, sample)

	font, err := NewUTF8Font(ttf)
	if err != nil {
		t.Fatal(err)
	}
	p := New("P", "mm", "A4", "")
	p.AddUTF8FontPrepared("dv", "", font)
	got := draw(t, p, sample)

	ws, gs := streams(t, want), streams(t, got)
	if len(ws) != len(gs) {
		t.Fatalf("%d streams, upstream %d", len(gs), len(ws))
	}
	for i := range ws {
		w, g := fontName.ReplaceAll(ws[i], []byte("/F")), fontName.ReplaceAll(gs[i], []byte("/F"))
		if bytes.Equal(w, g) {
			continue
		}
		// The CIDToGIDMap: a prefix of upstream's, which is zeros after it.
		if len(g) < len(w) && bytes.Equal(w[:len(g)], g) && len(bytes.Trim(w[len(g):], "\x00")) == 0 {
			continue
		}
		t.Errorf("stream %d differs (%d bytes, upstream %d)", i, len(g), len(w))
	}
	// Without compression the W array and descriptors are in the clear;
	// lengths and offsets differ with the CIDToGIDMap.
	length := regexp.MustCompile(`/Length \d+`)
	strip := func(b []byte) []byte {
		b, _, _ = bytes.Cut(b, []byte("\nxref\n"))
		b = fontName.ReplaceAll(b, []byte("/F"))
		return length.ReplaceAll(streamBody.ReplaceAll(b, nil), nil)
	}
	if !bytes.Equal(strip(want), strip(got)) {
		t.Error("the objects around the streams differ from upstream's")
	}
}

// TestPreparedFontConcurrent renders documents from one prepared font on
// several goroutines (run with -race); every document is the same.
func TestPreparedFontConcurrent(t *testing.T) {
	font, err := NewUTF8Font(dejaVu(t))
	if err != nil {
		t.Fatal(err)
	}
	one := func() []byte {
		p := New("P", "mm", "A4", "")
		p.AddUTF8FontPrepared("dv", "", font)
		return draw(t, p, sample)
	}
	first := one()
	var wg sync.WaitGroup
	results := make([][]byte, 8)
	for i := range results {
		wg.Go(func() { results[i] = one() })
	}
	wg.Wait()
	for i, r := range results {
		if !bytes.Equal(r, first) {
			t.Errorf("document %d differs", i)
		}
	}
}

// TestOutsideBMP: upstream panics on a rune past U+FFFF (index out of
// range [65536] in generateCIDFontMap; GetStringSymbolWidth at U+10000).
func TestOutsideBMP(t *testing.T) {
	font, err := NewUTF8Font(dejaVu(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"😡", "\U00010000", "a\U0010FFFFb", "\xf0\x9f", "\xe2"} {
		p := New("P", "mm", "A4", "")
		p.AddUTF8FontPrepared("dv", "", font)
		p.AddPage()
		p.SetFont("dv", "", 12)
		if w := p.GetStringWidth(text); w <= 0 {
			t.Errorf("GetStringWidth(%q) = %v", text, w)
		}
		p.Cell(100, 10, text)
		p.SetTitle(text, true)
		var buf bytes.Buffer
		if err := p.Output(&buf); err != nil {
			t.Errorf("%q: %v", text, err)
		}
	}
}

func TestUTF8ToUTF16(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Aé€", "\x00A\x00\xe9\x20\xac"},
		{"😡", "\xd8\x3d\xde\x21"},
		{"\xe2\x82", "\xff\xfd\xff\xfd"}, // truncated: upstream read past the end
		{"a\xffb", "\x00a\xff\xfd\x00b"},
	}
	for _, tc := range tests {
		if got := utf8toutf16(tc.in, false); got != tc.want {
			t.Errorf("utf8toutf16(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := utf8toutf16("A"); got != "\xfe\xff\x00A" {
		t.Errorf("with BOM: %q", got)
	}
}

// TestCompressPooled: a reused zlib writer gives what a new one gives.
func TestCompressPooled(t *testing.T) {
	data := bytes.Repeat([]byte("klachtd letters "), 5000)
	var fresh bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&fresh, zlib.BestSpeed)
	zw.Write(data)
	zw.Close()
	for range 3 {
		mem := xmem.compress(data)
		if !bytes.Equal(mem.bytes(), fresh.Bytes()) {
			t.Fatal("pooled writer output differs from a new writer's")
		}
		mem.release()
	}
}

func TestNewUTF8FontErrors(t *testing.T) {
	ttf := dejaVu(t)
	for name, b := range map[string][]byte{
		"empty":     {},
		"not a ttf": []byte("%PDF-1.4 not a font at all"),
		"truncated": bytes.Clone(ttf[:2000]), // cap = len: the reader slices past len within cap
	} {
		if _, err := NewUTF8Font(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	font, err := NewUTF8Font(ttf)
	if err != nil {
		t.Fatal(err)
	}
	if !font.Has('é') || !font.Has('€') || font.Has('中') || font.Has(0x1F621) || font.Has(-1) {
		t.Error("Has is wrong")
	}
	if font.Width('W') <= font.Width('i') {
		t.Error("Width is wrong")
	}
}
