package letters

import (
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/internal/fpdf"
)

// helvetica is fpdf's built-in core font, not embedded, with the cp1252
// translator: the library's own floor for a letter, used only to compare.
var helvetica = pdfFace{
	family: "Helvetica",
	add:    func(p *fpdf.Fpdf) error { return nil },
	prep: func() func(style, s string) string {
		tr := fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
		return func(style, s string) string { return tr(strings.ReplaceAll(s, "\n", " ")) }
	}(),
}

// BenchmarkRender renders the nl acknowledgement (text, HTML and PDF) as
// Render does; ns/op, B/op and allocs/op are Render's alone. Between two
// Renders, with the timer stopped, it renders the same letter set in
// Helvetica and reports that time (helvetica-ns/op) and the ratio of the
// two (x-helvetica), measured under the same load.
func BenchmarkRender(b *testing.B) {
	set, err := loadSetErr()
	if err != nil {
		b.Fatal(err)
	}
	l := sample("nl", "acknowledgement")
	if _, err := Render(set, l); err != nil { // fonts prepared outside the loop
		b.Fatal(err)
	}
	if _, err := renderWith(set, l, helvetica); err != nil {
		b.Fatal(err)
	}
	var floor time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Render(set, l); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		start := time.Now()
		if _, err := renderWith(set, l, helvetica); err != nil {
			b.Fatal(err)
		}
		floor += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(floor.Nanoseconds())/float64(b.N), "helvetica-ns/op")
	b.ReportMetric(float64(b.Elapsed())/float64(floor), "x-helvetica")
}
