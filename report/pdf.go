package report

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/klachtd/klachtd/internal/fpdf"
	"github.com/klachtd/klachtd/letters"
)

// Options are what the officer adds to a report after it was made.
type Options struct {
	// Recommendations (docs/procedure.md step 12), as the officer wrote them;
	// paragraphs separated by blank lines, lines starting with "- " or "* "
	// are list items. Empty: the report says none were adopted yet.
	Recommendations string
	// DiscussedOn is the day the report was discussed with the directors
	// (procedure 004 art. 8.4); zero: not yet.
	DiscussedOn time.Time
}

// Page geometry in millimetres, A4 portrait.
const (
	pageW, pageH = 210.0, 297.0
	marginL      = 22.0
	marginR      = 22.0
	bodyW        = pageW - marginL - marginR
	topY         = 24.0 // body top on pages after the first
	bottomY      = pageH - 22.0
	footerY      = pageH - 14.0

	sizeText  = 9.5
	lineH     = 4.6
	rowPad    = 1.1
	sizeTable = 9.0
	tableLine = 4.3
)

// Grey levels.
const (
	greyText  = 25
	greyMuted = 105
	greyRule  = 190
	greyFill  = 243
)

const fontFamily = letters.FontFamily

// PDF renders the yearly report of f as an A4 PDF in the organisation's
// language: a title block, a summary, then per subject of the analysis the
// figures as tables with last year beside them and charts where a picture
// says it faster (complaints per month, per subject, verdicts, terms met),
// the causes and measures by dossier number, the recommendations and notes
// on how the figures are counted. It needs nothing but f and opt, and the
// same input gives the same bytes: the creation date is f.Date.
func PDF(f Figures, opt Options) ([]byte, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	d := &doc{f: f, w: wordsFor(f.Organisation.Language), opt: opt}
	d.date = f.Date
	if d.date.IsZero() {
		d.date = yearStart(f.Year + 1)
	}
	p := fpdf.New("P", "mm", "A4", "")
	d.p = p
	p.SetCatalogSort(true)
	p.SetCreationDate(d.date)
	p.SetModificationDate(d.date)
	p.SetTitle(fmt.Sprintf(d.w.title, f.Year)+" – "+f.Organisation.Name, true)
	p.SetAuthor(f.Organisation.Name, true)
	p.SetCreator("klachtd", true)
	p.SetProducer("klachtd", true)
	p.SetLang(d.w.lang)
	if err := letters.AddFonts(p); err != nil {
		return nil, fmt.Errorf("report: pdf: %w", err)
	}
	p.SetMargins(marginL, topY, marginR)
	p.SetCellMargin(0)
	p.SetAutoPageBreak(false, 0)
	p.AliasNbPages("{nb}")
	p.SetHeaderFunc(d.header)
	p.SetFooterFunc(d.footer)
	p.AddPage()

	d.titleBlock()
	d.summary()
	if f.Current.Received > 0 {
		if err := d.sections(); err != nil {
			return nil, err
		}
	}
	d.recommendations()
	d.notes()

	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("report: pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return nil, fmt.Errorf("report: pdf: %w", err)
	}
	return buf.Bytes(), nil
}

type doc struct {
	p     *fpdf.Fpdf
	f     Figures
	w     *words
	opt   Options
	date  time.Time
	y     float64 // the cursor: below the last thing printed
	imgs  int     // charts placed so far, to name the next
	heads []head  // headings waiting for their first block
	style string  // the current font style, for letters.PDFText
}

func (d *doc) font(style string, size float64) {
	d.style = style
	d.p.SetFont(fontFamily, style, size)
}

func (d *doc) grey(level int) { d.p.SetTextColor(level, level, level) }

func (d *doc) rule(y float64, level int, width float64) {
	d.p.SetDrawColor(level, level, level)
	d.p.SetLineWidth(width)
	d.p.Line(marginL, y, pageW-marginR, y)
}

func (d *doc) newPage() {
	d.p.AddPage()
	d.y = topY
}

// need starts a new page unless h millimetres still fit.
func (d *doc) need(h float64) {
	if d.y+h > bottomY {
		d.newPage()
	}
}

// split breaks s into lines that fit w in the current font; a word wider
// than a line is cut.
func (d *doc) split(s string, w float64) []string {
	s = letters.PDFText(d.style, s)
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && d.p.GetStringWidth(line+" "+word) <= w {
			line += " " + word
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		for d.p.GetStringWidth(word) > w {
			r := []rune(word)
			n := 1
			for n < len(r) && d.p.GetStringWidth(string(r[:n+1])) <= w {
				n++
			}
			lines = append(lines, string(r[:n]))
			word = string(r[n:])
		}
		line = word
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// cell prints one line of text at x, y in a box of width w.
func (d *doc) cell(x, y, w, h float64, s, align string) {
	d.p.SetXY(x, y)
	d.p.CellFormat(w, h, letters.PDFText(d.style, s), "", 0, align, false, 0, "")
}

func (d *doc) header() {
	if d.p.PageNo() == 1 {
		return
	}
	d.font("", 8)
	d.grey(greyMuted)
	d.cell(marginL, 12, bodyW, 4, d.f.Organisation.Name+"  ·  "+fmt.Sprintf(d.w.title, d.f.Year), "L")
	d.rule(17.5, greyRule, 0.2)
	d.grey(greyText)
}

func (d *doc) footer() {
	d.font("", 8)
	d.grey(greyMuted)
	d.cell(marginL, footerY, bodyW, 4, fmt.Sprintf(d.w.page, d.p.PageNo(), "{nb}"), "R")
	d.grey(greyText)
}

// head is a heading waiting for the block it introduces.
type head struct {
	text         string
	size, h, gap float64 // font size, line height, space above
}

// heading starts a section. It is printed with the first part of what
// follows (place), so that it never stands alone at the foot of a page.
func (d *doc) heading(s string) {
	d.heads = append(d.heads, head{text: s, size: 12.5, h: 8, gap: 5})
}

// subheading is a heading inside a section.
func (d *doc) subheading(s string) {
	d.heads = append(d.heads, head{text: s, size: 10, h: 6, gap: 2})
}

// place makes room for the waiting headings and h millimetres of what
// follows them on one page, and prints the headings.
func (d *doc) place(h float64) {
	total := h
	for _, hd := range d.heads {
		total += hd.gap + hd.h
	}
	d.need(total)
	for _, hd := range d.heads {
		if d.y > topY+0.1 {
			d.y += hd.gap
		}
		d.font("B", hd.size)
		d.grey(greyText)
		d.cell(marginL, d.y, bodyW, hd.h-2, hd.text, "L")
		d.y += hd.h
	}
	d.heads = nil
}

// para prints a wrapped paragraph, breaking pages between lines.
func (d *doc) para(s string, style string, size float64, grey int) {
	d.font(style, size)
	d.grey(grey)
	lh := size * 0.48
	lines := d.split(s, bodyW)
	d.place(float64(min(len(lines), 2)) * lh)
	d.font(style, size)
	d.grey(grey)
	for _, line := range lines {
		d.need(lh)
		d.cell(marginL, d.y, bodyW, lh, line, "L")
		d.y += lh
	}
	d.grey(greyText)
	d.y += 1.5
}

// col is one column of a table: a width (0: what is left) and an alignment.
type col struct {
	w     float64
	align string
}

// table prints a table with a bold header row and hairlines between the
// rows. Cells wrap; a row is never split; on a new page the header is
// repeated. Rows starting with "\x01" in their first cell are printed bold.
func (d *doc) table(cols []col, header []string, rows [][]string) {
	ws := make([]float64, len(cols))
	rest := bodyW
	free := 0
	for i, c := range cols {
		ws[i] = c.w
		rest -= c.w
		if c.w == 0 {
			free++
		}
	}
	for i := range ws {
		if ws[i] == 0 {
			ws[i] = rest / float64(free)
		}
	}
	const gap = 2.5 // between columns
	layout := func(row []string, bold bool) ([][]string, float64) {
		style := ""
		if bold {
			style = "B"
		}
		d.font(style, sizeTable)
		lines := make([][]string, len(row))
		n := 1
		for i, s := range row {
			w := ws[i] - gap
			if i == len(row)-1 {
				w = ws[i]
			}
			lines[i] = d.split(s, w)
			n = max(n, len(lines[i]))
		}
		return lines, float64(n)*tableLine + 2*rowPad
	}
	draw := func(lines [][]string, h float64, bold bool, fill bool) {
		if fill {
			d.p.SetFillColor(greyFill, greyFill, greyFill)
			d.p.Rect(marginL, d.y, bodyW, h, "F")
		}
		style := ""
		if bold {
			style = "B"
		}
		d.font(style, sizeTable)
		x := marginL
		for i, ls := range lines {
			w := ws[i] - gap
			if i == len(lines)-1 {
				w = ws[i]
			}
			for j, s := range ls {
				d.cell(x, d.y+rowPad+float64(j)*tableLine, w, tableLine, s, cols[i].align)
			}
			x += ws[i]
		}
		d.y += h
	}
	hl, hh := layout(header, true)
	printHeader := func() {
		d.grey(greyMuted)
		draw(hl, hh, true, false)
		d.grey(greyText)
		d.rule(d.y, 120, 0.3)
	}
	type laid struct {
		lines [][]string
		h     float64
		bold  bool
	}
	var rs []laid
	total := hh
	for _, row := range rows {
		bold := strings.HasPrefix(row[0], "\x01")
		if bold {
			row = append([]string{strings.TrimPrefix(row[0], "\x01")}, row[1:]...)
		}
		lines, h := layout(row, bold)
		rs = append(rs, laid{lines, h, bold})
		total += h
	}
	// A short table stays on one page; a longer one keeps its header with
	// the first row and repeats it after a page break.
	switch {
	case len(rs) == 0:
		d.place(hh)
	case len(rs) <= keepRows && total <= keepHeight:
		d.place(total)
	default:
		d.place(hh + rs[0].h)
	}
	printHeader()
	for _, r := range rs {
		if d.y+r.h > bottomY {
			d.newPage()
			printHeader()
		}
		draw(r.lines, r.h, r.bold, r.bold)
		d.rule(d.y, greyRule, 0.15)
	}
	d.y += 3
}

// A table of at most keepRows rows and keepHeight millimetres is kept on
// one page.
const (
	keepRows   = 8
	keepHeight = 70.0
)

// chart places a chart PNG of w × h millimetres at the cursor.
func (d *doc) chart(png []byte, w, h float64) {
	d.place(h)
	d.imgs++
	name := "chart" + strconv.Itoa(d.imgs)
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	d.p.RegisterImageOptionsReader(name, opt, bytes.NewReader(png))
	d.p.ImageOptions(name, marginL, d.y, w, h, false, opt, 0, "")
	d.y += h + 3
}

// titleBlock prints the first page's head: organisation, title, period,
// the report's date and when it was discussed, and the profile's terms.
func (d *doc) titleBlock() {
	w, f := d.w, d.f
	d.font("B", 10)
	d.grey(greyMuted)
	d.cell(marginL, 24, bodyW, 5, f.Organisation.Name, "L")
	d.font("B", 24)
	d.grey(greyText)
	d.cell(marginL, 31, bodyW, 11, fmt.Sprintf(w.title, f.Year), "L")
	d.y = 46
	d.rule(d.y, greyRule, 0.3)
	d.y += 3
	discussed := w.notDiscussed
	if !d.opt.DiscussedOn.IsZero() {
		discussed = w.date(d.opt.DiscussedOn)
	}
	rows := [][2]string{
		{w.made, w.date(d.date)},
		{w.discussed, discussed},
		{"", fmt.Sprintf(w.period, f.Year)},
	}
	if f.Organisation.AcknowledgeWithin != "" || f.Organisation.DecideWithin != "" {
		rows = append(rows, [2]string{"", fmt.Sprintf(w.termsIntro, orDash(f.Organisation.AcknowledgeWithin, w), orDash(f.Organisation.DecideWithin, w))})
	}
	for _, r := range rows {
		d.font("", 9.5)
		if r[0] == "" {
			d.grey(greyMuted)
			for _, line := range d.split(r[1], bodyW) {
				d.cell(marginL, d.y, bodyW, 4.8, line, "L")
				d.y += 4.8
			}
			continue
		}
		d.grey(greyMuted)
		d.cell(marginL, d.y, 32, 4.8, r[0]+":", "L")
		d.grey(greyText)
		d.cell(marginL+32, d.y, bodyW-32, 4.8, r[1], "L")
		d.y += 4.8
	}
	d.grey(greyText)
	d.y += 2
}

func orDash(s string, w *words) string {
	if s == "" {
		return w.noTerm
	}
	return s
}

// yearCols are the columns of a table of label, this year, last year.
func (d *doc) yearCols() ([]col, []string) {
	cols := []col{{0, "L"}, {30, "R"}}
	header := []string{"", strconv.Itoa(d.f.Year)}
	if d.f.Previous != nil {
		cols = append(cols, col{30, "R"})
		header = append(header, strconv.Itoa(d.f.Previous.Year))
	}
	return cols, header
}

// yearRow is a row of label, this year's value, last year's value.
func (d *doc) yearRow(label string, v func(y *Year) string) []string {
	row := []string{label, v(&d.f.Current)}
	if d.f.Previous != nil {
		row = append(row, v(d.f.Previous))
	}
	return row
}

// shareOf prints "83,3% (5 van 6)", or "–" when nothing was judged.
func (d *doc) shareOf(n, of int) string {
	if of == 0 {
		return "–"
	}
	sep := " of "
	if d.w.lang == "nl" {
		sep = " van "
	}
	return d.w.percent(float64(n)/float64(of)) + " (" + strconv.Itoa(n) + sep + strconv.Itoa(of) + ")"
}

func (d *doc) terms(t Terms) string { return d.shareOf(t.OnTime, t.Judged()) }

func (d *doc) median(m Median) string {
	if m.N == 0 {
		return "–"
	}
	return d.w.decimal(m.Days)
}

// summary prints the key figures of both years, or says there were no
// complaints.
func (d *doc) summary() {
	w := d.w
	cur := &d.f.Current
	d.heading(w.summary)
	if cur.Received == 0 {
		d.place(9)
		d.font("B", 11)
		d.cell(marginL, d.y, bodyW, 6, fmt.Sprintf(w.noComplaints, d.f.Year), "L")
		d.y += 9
	}
	cols, header := d.yearCols()
	itoa := strconv.Itoa
	founded := func(y *Year) string {
		given := 0
		for _, c := range y.Verdicts {
			if c.Key != "" {
				given += c.N
			}
		}
		return d.shareOf(countOf(y.Verdicts, VerdictFounded)+countOf(y.Verdicts, VerdictPartlyFounded), given)
	}
	rows := [][]string{
		d.yearRow("\x01"+w.received, func(y *Year) string { return itoa(y.Received) }),
		d.yearRow(w.statusAtEnd+": "+w.status[StatusOpen], func(y *Year) string { return itoa(countOf(y.Status, StatusOpen)) }),
		d.yearRow(w.foundedShare(), founded),
		d.yearRow(w.acknowledgement+": "+w.onTime, func(y *Year) string { return d.terms(y.Acknowledgement) }),
		d.yearRow(w.decisionExt, func(y *Year) string { return d.terms(y.Decision) }),
		d.yearRow(w.decisionOrig, func(y *Year) string { return d.terms(y.DecisionOrig) }),
		d.yearRow(w.medianDecision, func(y *Year) string { return d.median(y.DaysToDecision) }),
		d.yearRow(w.extensionCount, func(y *Year) string { return itoa(y.Extensions) }),
		d.yearRow(w.hearings, func(y *Year) string { return itoa(len(y.Hearings)) }),
		d.yearRow(w.appeals, func(y *Year) string { return itoa(len(y.Appeals)) }),
		d.yearRow(w.agreementH, func(y *Year) string { return d.shareOf(y.Agreement.Yes, y.Agreement.Yes+y.Agreement.No) }),
	}
	cols[1].w, header[0] = 40, ""
	if len(cols) > 2 {
		cols[2].w = 40
	}
	d.table(cols, header, rows)
}

func (w *words) foundedShare() string {
	if w.lang == "nl" {
		return "Gegrond of deels gegrond (van de oordelen)"
	}
	return "Founded or partly founded (of the verdicts)"
}

// sections prints the figures in detail.
func (d *doc) sections() error {
	for _, s := range []func() error{d.months, d.subjects, d.channelsStatus, d.verdicts, d.termsSection,
		d.extensions, d.hearingsAppeals, d.causes, d.measures, d.agreement} {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

// series returns this year's values and, when known, last year's, and the
// legend names.
func (d *doc) series(v func(y *Year) []float64) ([][]float64, []string) {
	s := [][]float64{v(&d.f.Current)}
	names := []string{strconv.Itoa(d.f.Year)}
	if d.f.Previous != nil {
		s = append(s, v(d.f.Previous))
		names = append(names, strconv.Itoa(d.f.Previous.Year))
	}
	return s, names
}

func (d *doc) months() error {
	w := d.w
	const h = 62.0
	d.heading(w.perMonth)
	d.place(h + 22) // the chart with its table
	series, names := d.series(func(y *Year) []float64 {
		out := make([]float64, 12)
		for i, n := range y.PerMonth {
			out[i] = float64(n)
		}
		return out
	})
	png, err := barChart(chartSpec{w: bodyW, h: h, categories: w.short[:], series: series, names: names, seq: d.imgs + 1})
	if err != nil {
		return err
	}
	d.chart(png, bodyW, h)

	// The same as a table, months across.
	cols := []col{{18, "L"}}
	header := []string{""}
	for m := range 12 {
		cols = append(cols, col{(bodyW - 18 - 16) / 12, "R"})
		header = append(header, w.short[m])
	}
	cols = append(cols, col{16, "R"})
	header = append(header, w.total)
	row := func(y *Year) []string {
		r := []string{strconv.Itoa(y.Year)}
		for _, n := range y.PerMonth {
			r = append(r, strconv.Itoa(n))
		}
		return append(r, strconv.Itoa(y.Received))
	}
	rows := [][]string{row(&d.f.Current)}
	if d.f.Previous != nil {
		rows = append(rows, row(d.f.Previous))
	}
	d.table(cols, header, rows)
	return nil
}

// maxChartSubjects is how many subjects the chart shows; the table lists all.
const maxChartSubjects = 10

func (d *doc) subjects() error {
	w := d.w
	keys := subjectKeys(d.f)
	shown := keys
	if len(shown) > maxChartSubjects {
		shown = shown[:maxChartSubjects]
	}
	bars := 1
	if d.f.Previous != nil {
		bars = 2
	}
	h := min(20+float64(len(shown)*bars)*5.5, 110)
	d.heading(w.bySubject)
	labels := make([]string, len(shown))
	for i, k := range shown {
		labels[i] = w.subjectLabel(k)
	}
	series, names := d.series(func(y *Year) []float64 {
		out := make([]float64, len(shown))
		for i, k := range shown {
			out[i] = float64(countOf(y.Subjects, k))
		}
		return out
	})
	png, err := barChart(chartSpec{w: bodyW, h: h, categories: labels, series: series, names: names, seq: d.imgs + 1, horizontal: true})
	if err != nil {
		return err
	}
	d.chart(png, bodyW, h)

	cols, header := d.yearCols()
	header[0] = w.subject
	var rows [][]string
	for _, k := range keys {
		rows = append(rows, d.yearRow(w.subjectLabel(k), func(y *Year) string { return strconv.Itoa(countOf(y.Subjects, k)) }))
	}
	d.table(cols, header, rows)
	return nil
}

// countTable prints a table of counts per key with each year's share.
func (d *doc) countTable(title string, keys []string, labels func(string) string, list func(y *Year) []Count) {
	cols, header := d.yearCols()
	header[0] = title
	var rows [][]string
	for _, k := range keys {
		rows = append(rows, d.yearRow(labels(k), func(y *Year) string {
			total := 0
			for _, c := range list(y) {
				total += c.N
			}
			n := countOf(list(y), k)
			if total == 0 {
				return "0"
			}
			return strconv.Itoa(n) + "  (" + d.w.percent(float64(n)/float64(total)) + ")"
		}))
	}
	d.table(cols, header, rows)
}

func (d *doc) channelsStatus() error {
	w := d.w
	cur, prev := &d.f.Current, d.f.Previous
	chKeys := nonZeroKeys(keysOf(cur.Channels, prev, func(y *Year) []Count { return y.Channels }), cur, prev, func(y *Year) []Count { return y.Channels })
	d.heading(w.byChannel)
	d.countTable(w.channelH, chKeys, func(k string) string { return label(w.channel, k) }, func(y *Year) []Count { return y.Channels })

	stKeys := keysOf(cur.Status, prev, func(y *Year) []Count { return y.Status })
	d.heading(w.statusAtEnd)
	d.countTable(w.statusH, stKeys, func(k string) string { return label(w.status, k) }, func(y *Year) []Count { return y.Status })
	return nil
}

// nonZeroKeys drops the keys that are zero in both years.
func nonZeroKeys(keys []string, cur, prev *Year, list func(y *Year) []Count) []string {
	var out []string
	for _, k := range keys {
		if countOf(list(cur), k) > 0 || (prev != nil && countOf(list(prev), k) > 0) {
			out = append(out, k)
		}
	}
	return out
}

func (d *doc) verdicts() error {
	w := d.w
	cur, prev := &d.f.Current, d.f.Previous
	keys := keysOf(cur.Verdicts, prev, func(y *Year) []Count { return y.Verdicts })
	const h = 55.0
	d.heading(w.verdicts)
	d.place(h + 40) // the chart with its table
	labels := make([]string, len(keys))
	for i, k := range keys {
		labels[i] = label(w.verdict, k)
	}
	series, names := d.series(func(y *Year) []float64 {
		out := make([]float64, len(keys))
		for i, k := range keys {
			out[i] = float64(countOf(y.Verdicts, k))
		}
		return out
	})
	png, err := barChart(chartSpec{w: bodyW, h: h, categories: labels, series: series, names: names, seq: d.imgs + 1})
	if err != nil {
		return err
	}
	d.chart(png, bodyW, h)
	d.countTable(w.verdictH, keys, func(k string) string { return label(w.verdict, k) }, func(y *Year) []Count { return y.Verdicts })
	return nil
}

func (d *doc) termsSection() error {
	w := d.w
	const h = 52.0
	d.heading(w.terms)
	d.place(h + 40) // the chart with the table of counts
	kinds := []struct {
		name string
		of   func(y *Year) Terms
	}{
		{w.acknowledgement, func(y *Year) Terms { return y.Acknowledgement }},
		{w.decisionExt, func(y *Year) Terms { return y.Decision }},
		{w.decisionOrig, func(y *Year) Terms { return y.DecisionOrig }},
	}
	// A term nobody could keep or break (none in the profile, or every
	// dossier still running) has no share: its bar is left out, or marked
	// "–" where the other year has one.
	short := []string{w.acknowledgement, w.decision + " *", w.decision + " **"}
	years := []*Year{&d.f.Current}
	if d.f.Previous != nil {
		years = append(years, d.f.Previous)
	}
	spec := chartSpec{w: bodyW, h: h, seq: d.imgs + 1, percent: true, series: make([][]float64, len(years)), undefined: make([][]bool, len(years))}
	_, spec.names = d.series(func(*Year) []float64 { return nil })
	for i, k := range kinds {
		any := false
		for _, y := range years {
			_, ok := k.of(y).Share()
			any = any || ok
		}
		if !any {
			continue
		}
		spec.categories = append(spec.categories, short[i])
		for j, y := range years {
			v, ok := k.of(y).Share()
			spec.series[j] = append(spec.series[j], v*100)
			spec.undefined[j] = append(spec.undefined[j], !ok)
		}
	}
	if len(spec.categories) > 0 {
		png, err := barChart(spec)
		if err != nil {
			return err
		}
		d.chart(png, bodyW, h)
	}
	d.para("* "+w.decisionExt+"   ** "+w.decisionOrig, "", 8, greyMuted)

	// The counts of this year, then the share on time of both years.
	cols := []col{{0, "L"}, {16, "R"}, {16, "R"}, {22, "R"}, {18, "R"}, {22, "R"}}
	header := []string{fmt.Sprintf(w.countsOf, d.f.Year), w.onTime, w.late, w.pending, w.noTerm, w.onTime + " " + strconv.Itoa(d.f.Year)}
	if d.f.Previous != nil {
		cols = append(cols, col{22, "R"})
		header = append(header, w.onTime+" "+strconv.Itoa(d.f.Previous.Year))
	}
	var rows [][]string
	for _, k := range kinds {
		t := k.of(&d.f.Current)
		row := []string{k.name, strconv.Itoa(t.OnTime), strconv.Itoa(t.Late), strconv.Itoa(t.Pending), strconv.Itoa(t.NoTerm), d.shareOnly(t)}
		if d.f.Previous != nil {
			row = append(row, d.shareOnly(k.of(d.f.Previous)))
		}
		rows = append(rows, row)
	}
	d.table(cols, header, rows)

	cols, header = d.yearCols()
	header[0] = w.daysH
	d.table(cols, header, [][]string{
		d.yearRow(w.medianAck, func(y *Year) string { return d.median(y.DaysToAcknowledgement) }),
		d.yearRow(w.medianDecision, func(y *Year) string { return d.median(y.DaysToDecision) }),
	})
	return nil
}

func (d *doc) shareOnly(t Terms) string {
	s, ok := t.Share()
	if !ok {
		return "–"
	}
	return d.w.percent(s)
}

// group is the dossiers that share one free text.
type group struct {
	text  string
	items []Item
}

// groupItems gathers the items of one text (ignoring case): a cause that
// recurs shows as one row with its dossiers. Most frequent first, equal
// counts in the order of their first dossier.
func groupItems(items []Item) []group {
	var out []group
	at := map[string]int{}
	for _, it := range items {
		k := strings.ToLower(it.Text)
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, group{text: it.Text})
		}
		out[i].items = append(out[i].items, it)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].items) > len(out[j].items) })
	return out
}

func (g group) numbers() string {
	var n []string
	for _, it := range g.items {
		if !contains(n, it.Number) {
			n = append(n, it.Number)
		}
	}
	return strings.Join(n, ", ")
}

// dossiersW is the width of a column of dossier numbers: two to a line.
const dossiersW = 57.0

// itemTable lists free texts with how often they occur and in which
// dossiers.
func (d *doc) itemTable(items []Item, title, none string) {
	if len(items) == 0 {
		d.para(none, "", sizeText, greyMuted)
		return
	}
	var rows [][]string
	for _, g := range groupItems(items) {
		rows = append(rows, []string{g.text, strconv.Itoa(len(g.items)), g.numbers()})
	}
	d.table([]col{{0, "L"}, {16, "R"}, {dossiersW, "L"}}, []string{title, d.w.count, d.w.dossiersH}, rows)
}

func (d *doc) extensions() error {
	w := d.w
	d.heading(w.extensions)
	cols, header := d.yearCols()
	d.table(cols, header, [][]string{
		d.yearRow(w.extensionCount, func(y *Year) string { return strconv.Itoa(y.Extensions) }),
		d.yearRow(w.extendedDossiers, func(y *Year) string { return strconv.Itoa(y.ExtendedDossiers) }),
	})
	if len(d.f.Current.ExtensionReasons) > 0 {
		d.subheading(w.reasons)
		d.itemTable(d.f.Current.ExtensionReasons, w.reasonH, w.noReasons)
	}
	return nil
}

func (d *doc) hearingsAppeals() error {
	w := d.w
	d.heading(w.hearingsAppeals)
	d.place(30) // the table with the line of appealed dossiers
	cols, header := d.yearCols()
	d.table(cols, header, [][]string{
		d.yearRow(w.hearings, func(y *Year) string { return strconv.Itoa(len(y.Hearings)) }),
		d.yearRow(w.appeals, func(y *Year) string { return strconv.Itoa(len(y.Appeals)) }),
	})
	if a := d.f.Current.Appeals; len(a) > 0 {
		d.para(fmt.Sprintf(w.appealNumbers, strings.Join(a, ", ")), "", sizeText, greyText)
	}
	return nil
}

func (d *doc) causes() error {
	d.heading(d.w.causes)
	d.itemTable(d.f.Current.Causes, d.w.causeH, d.w.noCauses)
	return nil
}

func (d *doc) measures() error {
	w := d.w
	cur := &d.f.Current
	d.heading(w.measures)
	d.subheading(w.corrective)
	if len(cur.Corrective) == 0 {
		d.para(w.noMeasures, "", sizeText, greyMuted)
	} else {
		// Did the corrective measures satisfy: the agreement reached in
		// the dossiers where each was taken.
		var rows [][]string
		for _, g := range groupItems(cur.Corrective) {
			var a Agreement
			for _, it := range g.items {
				switch it.Agreement {
				case AgreementYes:
					a.Yes++
				case AgreementNo:
					a.No++
				default:
					a.Unknown++
				}
			}
			var parts []string
			for _, p := range []struct {
				key string
				n   int
			}{{AgreementYes, a.Yes}, {AgreementNo, a.No}, {AgreementUnknown, a.Unknown}} {
				if p.n > 0 {
					parts = append(parts, w.agreement[p.key]+" "+strconv.Itoa(p.n))
				}
			}
			rows = append(rows, []string{g.text, g.numbers(), strings.Join(parts, ", ")})
		}
		d.table([]col{{0, "L"}, {dossiersW, "L"}, {34, "L"}}, []string{w.measureH, w.dossiersH, w.agreementCol}, rows)
	}
	d.subheading(w.preventive)
	d.preventiveTable(cur.Preventive, w.noMeasures)
	if d.f.Previous != nil && len(d.f.Previous.Preventive) > 0 {
		d.subheading(fmt.Sprintf(w.prevLastYear, d.f.Previous.Year))
		d.preventiveTable(d.f.Previous.Preventive, w.noMeasures)
	}
	return nil
}

// preventiveTable lists preventive measures with the number of complaints
// about their subjects this year and last, so that the reader can see
// whether they worked.
func (d *doc) preventiveTable(items []Item, none string) {
	w := d.w
	if len(items) == 0 {
		d.para(none, "", sizeText, greyMuted)
		return
	}
	var rows [][]string
	for _, g := range groupItems(items) {
		var subjects, subs []string
		for _, it := range g.items {
			for _, s := range it.Subjects {
				if !contains(subjects, s) {
					subjects = append(subjects, s)
				}
			}
		}
		for _, s := range subjects {
			n := strconv.Itoa(countOf(d.f.Current.Subjects, s))
			if d.f.Previous != nil {
				n += " / " + strconv.Itoa(countOf(d.f.Previous.Subjects, s))
			}
			subs = append(subs, s+": "+n)
		}
		rows = append(rows, []string{g.text, g.numbers(), strings.Join(subs, "; ")})
	}
	h := w.subject + " " + strconv.Itoa(d.f.Year)
	if d.f.Previous != nil {
		h += " / " + strconv.Itoa(d.f.Previous.Year)
	}
	d.table([]col{{0, "L"}, {dossiersW, "L"}, {40, "L"}}, []string{w.measureH, w.dossiersH, h}, rows)
}

func (d *doc) agreement() error {
	w := d.w
	d.heading(w.agreementH)
	cols, header := d.yearCols()
	itoa := strconv.Itoa
	d.table(cols, header, [][]string{
		d.yearRow(w.agreementYes, func(y *Year) string { return itoa(y.Agreement.Yes) }),
		d.yearRow(w.agreementNo, func(y *Year) string { return itoa(y.Agreement.No) }),
		d.yearRow(w.agreementUnknown, func(y *Year) string { return itoa(y.Agreement.Unknown) }),
		d.yearRow("\x01"+w.agreementRate, func(y *Year) string {
			if r, ok := y.Agreement.Rate(); ok {
				return d.w.percent(r)
			}
			return "–"
		}),
	})
	return nil
}

func (d *doc) recommendations() {
	w := d.w
	d.heading(w.recommendations)
	text := strings.TrimSpace(d.opt.Recommendations)
	if text == "" {
		d.para(w.noRecommendations, "", sizeText, greyMuted)
		return
	}
	for _, block := range paragraphs(text) {
		if strings.HasPrefix(block, "• ") {
			d.bullet(strings.TrimPrefix(block, "• "))
			continue
		}
		d.para(block, "", sizeText, greyText)
	}
}

// bullet prints one list item, indented, with a bullet.
func (d *doc) bullet(s string) {
	d.font("", sizeText)
	const indent = 5.0
	lines := d.split(s, bodyW-indent)
	d.place(float64(min(len(lines), 2)) * lineH)
	d.font("", sizeText)
	for i, line := range lines {
		d.need(lineH)
		if i == 0 {
			d.cell(marginL+1, d.y, indent, lineH, "•", "L")
		}
		d.cell(marginL+indent, d.y, bodyW-indent, lineH, line, "L")
		d.y += lineH
	}
	d.y += 1
}

// maxRecommendation is the longest paragraph of recommendations printed.
const maxRecommendation = 4000

// paragraphs splits the officer's text into paragraphs (at blank lines)
// and list items (lines starting with "- ", "* " or "• "), each cleaned
// like any free text.
func paragraphs(s string) []string {
	var out []string
	var cur []string
	flush := func() {
		if t := scrub(strings.Join(cur, " "), maxRecommendation); t != "" {
			out = append(out, t)
		}
		cur = nil
	}
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "- "), strings.HasPrefix(t, "* "), strings.HasPrefix(t, "• "):
			flush()
			if item := scrub(t[strings.Index(t, " ")+1:], maxRecommendation); item != "" {
				out = append(out, "• "+item)
			}
		default:
			cur = append(cur, t)
		}
	}
	flush()
	return out
}

func (d *doc) notes() {
	w := d.w
	d.heading(w.notes)
	for i, n := range w.noteLines {
		if i == 0 {
			n = fmt.Sprintf(n, d.f.Year)
		}
		d.para(n, "", 8.5, greyMuted)
	}
}
