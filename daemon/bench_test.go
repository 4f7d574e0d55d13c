package daemon

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkOnceBacklog files a backlog of complaints in the demo world with
// one cycle (fetch, file, render, send) and reports complaints per second.
// It only uses what every version of the daemon has, so that it can run
// against an older tree as the baseline.
func BenchmarkOnceBacklog(b *testing.B) {
	const n = 100
	var total time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := newWorld(b)
		for j := range n {
			raw := fmt.Sprintf("From: Klant %d <klant%d@example.com>\nTo: info@example.nl\nSubject: Klacht %d\nMessage-ID: <bench-%d-%d@example.com>\nDate: Fri, 20 Nov 2026 09:14:00 +0100\nContent-Type: text/plain; charset=utf-8\n\n%s\n",
				j, j, j, i, j, strings.Repeat("Ik kreeg een factuur voor gesprekken die niet doorgingen. ", 20))
			if err := w.srv.Append("info@example.nl", "INBOX", []byte(strings.ReplaceAll(raw, "\n", "\r\n")), time.Now()); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		if err := w.d.Once(b.Context()); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		b.StopTimer()
		if got := len(w.dossiers()); got != n {
			b.Fatalf("%d dossiers, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "complaints/s")
}
