package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/register"
	"github.com/klachtd/klachtd/report"
	"github.com/klachtd/klachtd/store"
)

// chart is a horizontal bar chart of this year beside last year, drawn as
// SVG by the template (no script, no inline style) with a table for
// screen readers.
type chart struct {
	Title    string
	Bars     []bar
	Max      int
	HasLast  bool
	Height   int // of the SVG, in its own units
	ThisYear int
}

type bar struct {
	Label      string
	This, Last int
	Y          int // top of the bar pair in the SVG
}

func newChart(title string, year int, hasLast bool, bars []bar) chart {
	c := chart{Title: title, Bars: bars, HasLast: hasLast, ThisYear: year}
	step := 22
	if hasLast {
		step = 34
	}
	for i := range c.Bars {
		c.Bars[i].Y = 8 + i*step
		c.Max = max(c.Max, c.Bars[i].This, c.Bars[i].Last)
	}
	c.Height = 16 + len(c.Bars)*step
	return c
}

// termRow is a term of the report: how often it was met.
type termRow struct {
	Label                 string
	Terms                 report.Terms
	Share                 int
	HasShare              bool
	LastShare             int
	HasLast, HasLastShare bool
}

type reportPage struct {
	Org              *config.Organisation
	Orgs             []*config.Organisation
	Year, Prev, Next int
	Running          bool // the year is not over: the figures are as if it ended now
	F                report.Figures
	Charts           []chart
	Terms            []termRow
}

// officerOrg is the organisation of the report: ?org= or the first where
// the user is an officer; nil if they are an officer nowhere.
func officerOrg(r *http.Request, u *user) (*config.Organisation, []*config.Organisation) {
	var mine []*config.Organisation
	for _, o := range u.Orgs {
		if u.IsOfficer(o.ID) {
			mine = append(mine, o)
		}
	}
	want := r.URL.Query().Get("org")
	for _, o := range mine {
		if want == "" || o.ID == want {
			return o, mine
		}
	}
	return nil, mine
}

// reportYear reads {year}: a year the desk can have figures of.
func (s *Server) reportYear(r *http.Request) (int, bool) {
	y, err := strconv.Atoi(r.PathValue("year"))
	return y, err == nil && y >= 2000 && y <= s.Now().Year()+1
}

func (s *Server) figures(r *http.Request, org *config.Organisation, year int) (report.Figures, error) {
	var f report.Figures
	err := s.store.View(r.Context(), func(tx *store.Tx) error {
		var err error
		f, err = register.Figures(tx, org, year, s.Now())
		return err
	})
	return f, err
}

// reportPage shows the yearly figures (docs/procedure.md step 12) of an
// organisation where the user is the officer, with charts and downloads.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, u *user) {
	year, ok := s.reportYear(r)
	if !ok {
		s.notFound(w, r, u)
		return
	}
	org, mine := officerOrg(r, u)
	if len(mine) == 0 {
		s.forbidden(w, r, u)
		return
	}
	if org == nil {
		s.notFound(w, r, u)
		return
	}
	f, err := s.figures(r, org, year)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	lang := s.lang(u)
	p := reportPage{Org: org, Orgs: mine, Year: year, Prev: year - 1, F: f}
	if year < s.Now().Year() {
		p.Next = year + 1
	} else {
		p.Running = true
	}
	cur, prev := f.Current, f.Previous
	hasLast := prev != nil && prev.Received > 0
	var months []bar
	for i := range 12 {
		b := bar{Label: monthName(lang, i), This: cur.PerMonth[i]}
		if prev != nil {
			b.Last = prev.PerMonth[i]
		}
		months = append(months, b)
	}
	p.Charts = append(p.Charts, newChart(tr(lang, "per_month"), year, hasLast, months))
	p.Charts = append(p.Charts, newChart(tr(lang, "per_subject"), year, hasLast,
		countBars(cur.Subjects, prev, func(y *report.Year) []report.Count { return y.Subjects }, func(k string) string {
			if k == "" {
				return tr(lang, "no_subject")
			}
			return k
		})))
	p.Charts = append(p.Charts, newChart(tr(lang, "verdicts"), year, hasLast,
		countBars(cur.Verdicts, prev, func(y *report.Year) []report.Count { return y.Verdicts }, func(k string) string {
			if k == "" {
				return tr(lang, "no_verdict")
			}
			return word(lang, "verdict", k)
		})))
	for _, t := range []struct {
		key string
		get func(y *report.Year) report.Terms
	}{
		{"acknowledgement_term", func(y *report.Year) report.Terms { return y.Acknowledgement }},
		{"decision_term", func(y *report.Year) report.Terms { return y.Decision }},
	} {
		row := termRow{Label: tr(lang, t.key), Terms: t.get(&cur)}
		if sh, ok := row.Terms.Share(); ok {
			row.Share, row.HasShare = int(sh*100+0.5), true
		}
		if prev != nil {
			if sh, ok := t.get(prev).Share(); ok {
				row.LastShare, row.HasLastShare = int(sh*100+0.5), true
			}
		}
		p.Terms = append(p.Terms, row)
	}
	s.render(w, r, u, http.StatusOK, "report", p)
}

// countBars pairs this year's counts with last year's, in this year's
// order, then the keys only last year had.
func countBars(cur []report.Count, prev *report.Year, list func(*report.Year) []report.Count, label func(string) string) []bar {
	last := map[string]int{}
	if prev != nil {
		for _, c := range list(prev) {
			last[c.Key] = c.N
		}
	}
	var out []bar
	seen := map[string]bool{}
	for _, c := range cur {
		out = append(out, bar{Label: label(c.Key), This: c.N, Last: last[c.Key]})
		seen[c.Key] = true
	}
	if prev != nil {
		for _, c := range list(prev) {
			if !seen[c.Key] && c.N > 0 {
				out = append(out, bar{Label: label(c.Key), Last: c.N})
			}
		}
	}
	return out
}

func monthName(lang string, i int) string {
	if lang == "nl" {
		return monthsNL[i]
	}
	return [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}[i]
}

// reportFile downloads the yearly report as PDF (with the charts of
// package report) or as CSV.
func (s *Server) reportFile(w http.ResponseWriter, r *http.Request, u *user) {
	year, ok := s.reportYear(r)
	format := r.PathValue("format")
	if !ok || (format != "pdf" && format != "csv") {
		s.notFound(w, r, u)
		return
	}
	org, mine := officerOrg(r, u)
	if len(mine) == 0 {
		s.forbidden(w, r, u)
		return
	}
	if org == nil {
		s.notFound(w, r, u)
		return
	}
	f, err := s.figures(r, org, year)
	if err != nil {
		s.fail(w, r, u, err)
		return
	}
	var buf bytes.Buffer
	ct := "text/csv; charset=utf-8"
	if format == "pdf" {
		b, err := report.PDF(f, report.Options{})
		if err != nil {
			s.fail(w, r, u, err)
			return
		}
		buf.Write(b)
		ct = "application/pdf"
	} else if err := report.CSV(&buf, f); err != nil {
		s.fail(w, r, u, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="klachten-%s-%d.%s"`, org.ID, year, format))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	_, _ = w.Write(buf.Bytes())
}
