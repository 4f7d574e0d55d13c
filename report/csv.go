package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// The CSV is written for Excel with Dutch regional settings, the
// spreadsheet of the firms klachtd serves, whatever the report's language:
// a UTF-8 byte order mark (without it Excel reads the file as Windows-1252
// and garbles "ë"), semicolons between cells (the list separator of the
// Dutch locale; with commas Excel puts every row in one cell), a decimal
// comma ("83,3"), CRLF line ends. Text cells are always quoted (RFC 4180:
// doubled quotes inside); numbers never, so that Excel reads them as
// numbers.
const (
	csvBOM = "\uFEFF"
	csvSep = ';'
)

// CSV writes f as one tidy table: section; item; this year; last year. Counts
// and percentages are numbers (a percentage as 83,3); for the lists (causes,
// measures, reasons of extensions) the item is the dossier number and the
// text stands in the column of its year. Every text cell that a spreadsheet
// could take for a formula is neutralised (guardCell).
func CSV(w io.Writer, f Figures) error {
	if err := f.Check(); err != nil {
		return err
	}
	wd := wordsFor(f.Organisation.Language)
	bw := bufio.NewWriter(w)
	bw.WriteString(csvBOM)
	prevYear := ""
	if f.Previous != nil {
		prevYear = strconv.Itoa(f.Previous.Year)
	}
	writeRow(bw, []cell{text(wd.section), text(wd.item), text(strconv.Itoa(f.Year)), text(prevYear)})
	for _, r := range csvRows(f, wd) {
		writeRow(bw, []cell{text(r.section), text(r.item), r.cur, r.prev})
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	return nil
}

// cell is one CSV cell: a text, or a number written with a decimal comma.
type cell struct {
	s       string
	numeric bool
}

func text(s string) cell { return cell{s: s} }

func num(v float64) cell {
	v = math.Round(v*10) / 10
	return cell{s: strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1), numeric: true}
}

func count(n int) cell { return cell{s: strconv.Itoa(n), numeric: true} }

var empty = cell{numeric: true} // an empty cell: no figure

type csvRow struct {
	section, item string
	cur, prev     cell
}

func writeRow(w *bufio.Writer, cells []cell) {
	for i, c := range cells {
		if i > 0 {
			w.WriteByte(csvSep)
		}
		if c.numeric {
			w.WriteString(c.s)
			continue
		}
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(guardCell(oneLine(c.s)), `"`, `""`))
		w.WriteByte('"')
	}
	w.WriteString("\r\n")
}

// oneLine puts a text on one line: a line break inside a cell is valid CSV
// but trips up simpler readers, and the report's texts are single lines.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)
}

// guardCell neutralises a text that a spreadsheet would run as a formula
// (CSV injection, OWASP "CSV Injection": a cell starting with =, +, -, @,
// tab or carriage return) by putting an apostrophe before it, which makes
// Excel read it as text. Leading spaces do not hide the character.
func guardCell(s string) string {
	t := strings.TrimLeft(s, " ")
	if t == "" {
		return s
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// csvRows lists the figures in the order of the PDF.
func csvRows(f Figures, wd *words) []csvRow {
	cur, prev := &f.Current, f.Previous
	var rows []csvRow
	add := func(section, item string, c func(y *Year) cell) {
		r := csvRow{section: section, item: item, cur: c(cur), prev: empty}
		if prev != nil {
			r.prev = c(prev)
		}
		rows = append(rows, r)
	}
	counts := func(section string, keys []string, labels func(string) string, list func(y *Year) []Count) {
		for _, k := range keys {
			add(section, labels(k), func(y *Year) cell { return count(countOf(list(y), k)) })
		}
	}

	add(wd.received, wd.total, func(y *Year) cell { return count(y.Received) })
	for m := range 12 {
		add(wd.perMonth, wd.months[m], func(y *Year) cell { return count(y.PerMonth[m]) })
	}
	counts(wd.bySubject, subjectKeys(f), wd.subjectLabel, func(y *Year) []Count { return y.Subjects })
	counts(wd.byChannel, keysOf(cur.Channels, prev, func(y *Year) []Count { return y.Channels }),
		func(k string) string { return label(wd.channel, k) }, func(y *Year) []Count { return y.Channels })
	counts(wd.statusAtEnd, keysOf(cur.Status, prev, func(y *Year) []Count { return y.Status }),
		func(k string) string { return label(wd.status, k) }, func(y *Year) []Count { return y.Status })
	counts(wd.verdicts, keysOf(cur.Verdicts, prev, func(y *Year) []Count { return y.Verdicts }),
		func(k string) string { return label(wd.verdict, k) }, func(y *Year) []Count { return y.Verdicts })

	terms := []struct {
		name string
		of   func(y *Year) Terms
	}{
		{wd.acknowledgement, func(y *Year) Terms { return y.Acknowledgement }},
		{wd.decisionExt, func(y *Year) Terms { return y.Decision }},
		{wd.decisionOrig, func(y *Year) Terms { return y.DecisionOrig }},
	}
	for _, t := range terms {
		add(t.name, wd.onTime, func(y *Year) cell { return count(t.of(y).OnTime) })
		add(t.name, wd.late, func(y *Year) cell { return count(t.of(y).Late) })
		add(t.name, wd.pending, func(y *Year) cell { return count(t.of(y).Pending) })
		add(t.name, wd.noTerm, func(y *Year) cell { return count(t.of(y).NoTerm) })
		add(t.name, wd.shareOnTime, func(y *Year) cell {
			if s, ok := t.of(y).Share(); ok {
				return num(s * 100)
			}
			return empty
		})
	}
	medians := func(m func(y *Year) Median) func(y *Year) cell {
		return func(y *Year) cell {
			if v := m(y); v.N > 0 {
				return num(v.Days)
			}
			return empty
		}
	}
	add(wd.terms, wd.medianAck, medians(func(y *Year) Median { return y.DaysToAcknowledgement }))
	add(wd.terms, wd.medianDecision, medians(func(y *Year) Median { return y.DaysToDecision }))
	add(wd.extensions, wd.extensionCount, func(y *Year) cell { return count(y.Extensions) })
	add(wd.extensions, wd.extendedDossiers, func(y *Year) cell { return count(y.ExtendedDossiers) })
	add(wd.hearingsAppeals, wd.hearings, func(y *Year) cell { return count(len(y.Hearings)) })
	add(wd.hearingsAppeals, wd.appeals, func(y *Year) cell { return count(len(y.Appeals)) })
	add(wd.agreementH, wd.agreementYes, func(y *Year) cell { return count(y.Agreement.Yes) })
	add(wd.agreementH, wd.agreementNo, func(y *Year) cell { return count(y.Agreement.No) })
	add(wd.agreementH, wd.agreementUnknown, func(y *Year) cell { return count(y.Agreement.Unknown) })
	add(wd.agreementH, wd.agreementRate, func(y *Year) cell {
		if r, ok := y.Agreement.Rate(); ok {
			return num(r * 100)
		}
		return empty
	})

	items := func(section string, list func(y *Year) []Item) {
		for _, it := range list(cur) {
			rows = append(rows, csvRow{section: section, item: it.Number, cur: text(it.Text), prev: empty})
		}
		if prev != nil {
			for _, it := range list(prev) {
				rows = append(rows, csvRow{section: section, item: it.Number, cur: empty, prev: text(it.Text)})
			}
		}
	}
	items(wd.reasons, func(y *Year) []Item { return y.ExtensionReasons })
	items(wd.causes, func(y *Year) []Item { return y.Causes })
	items(wd.corrective, func(y *Year) []Item { return y.Corrective })
	items(wd.preventive, func(y *Year) []Item { return y.Preventive })
	return rows
}

func (w *words) subjectLabel(k string) string {
	if k == "" {
		return w.noSubject
	}
	return k
}

func countOf(list []Count, key string) int {
	for _, c := range list {
		if c.Key == key {
			return c.N
		}
	}
	return 0
}

// keysOf lists the keys of this year's counts followed by the keys only
// last year had.
func keysOf(cur []Count, prev *Year, list func(y *Year) []Count) []string {
	var keys []string
	for _, c := range cur {
		keys = append(keys, c.Key)
	}
	if prev != nil {
		for _, c := range list(prev) {
			if !contains(keys, c.Key) {
				keys = append(keys, c.Key)
			}
		}
	}
	return keys
}

// subjectKeys lists the subjects of both years: this year's most frequent
// first, then those only last year had (most frequent first), "no subject"
// last.
func subjectKeys(f Figures) []string {
	var keys []string
	noSubject := false
	addAll := func(list []Count) {
		for _, c := range list {
			switch {
			case c.Key == "":
				noSubject = true
			case !contains(keys, c.Key):
				keys = append(keys, c.Key)
			}
		}
	}
	addAll(f.Current.Subjects)
	if f.Previous != nil {
		addAll(f.Previous.Subjects)
	}
	if noSubject {
		keys = append(keys, "")
	}
	return keys
}
