package report

import (
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/go-analyze/charts"
	"github.com/golang/freetype/truetype"
	"github.com/klachtd/klachtd/letters"
)

// Charts are drawn with go-analyze/charts (the maintained fork of
// wcharczuk/go-chart) as PNG images and placed in the PDF. They are drawn at
// pxPerMM pixels per millimetre of the page (254 dpi), sharp enough for
// print; sizes in the chart options are in those pixels, and a font size of
// pt points on paper is pt*pxPerMM*25.4/72 pixels, which the library takes
// at its own 96 dpi (fontPx).
const pxPerMM = 10.0

// fontPx converts a font size on paper (points) to the size the chart
// library must be given for pxPerMM.
func fontPx(pt float64) float64 {
	px := pt * 25.4 / 72 * pxPerMM
	return px * 72 / 96
}

// Colours of the two years: this year strong, last year muted.
var (
	colourThis = charts.Color{R: 31, G: 84, B: 150, A: 255}
	colourLast = charts.Color{R: 170, G: 186, B: 204, A: 255}
	colourText = charts.Color{R: 40, G: 40, B: 40, A: 255}
	colourGrid = charts.Color{R: 225, G: 225, B: 225, A: 255}
)

// chartSpec is one bar chart: categories with a bar per year.
type chartSpec struct {
	w, h       float64     // on the page, millimetres
	categories []string    // in order; top to bottom when horizontal
	series     [][]float64 // this year, then last year (optional)
	names      []string    // the legend: the years
	horizontal bool
	percent    bool     // values are percentages: axis 0-100
	undefined  [][]bool // per series, values that have no meaning: labelled "–" (optional)
	seq        int      // the chart's place in the document (see barChart)
}

// chartFont is DejaVu Sans for the chart labels, parsed on first use (not
// at start-up: most klachtd commands draw no chart).
var chartFont = sync.OnceValues(func() (*truetype.Font, error) {
	f, err := truetype.Parse(letters.FontRegular())
	if err != nil {
		return nil, fmt.Errorf("report: parse DejaVuSans.ttf: %w", err)
	}
	return f, nil
})

// barChart draws spec as a PNG. Each chart of a document is made seq
// pixels wider than the page width asks: fpdf (v0.12.0, putimages) writes
// images in the order of their pixel width and leaves equal widths in map
// order, so charts of one width would make the bytes of the PDF differ
// from one run to the next.
func barChart(spec chartSpec) ([]byte, error) {
	font, err := chartFont()
	if err != nil {
		return nil, err
	}
	wpx, hpx := int(math.Round(spec.w*pxPerMM))+spec.seq, int(math.Round(spec.h*pxPerMM))
	colours := []charts.Color{colourThis, colourLast}
	theme := charts.GetTheme("light").
		WithSeriesColors(colours[:len(spec.series)]).
		WithTextColor(colourText).
		WithAxisSplitLineColor(colourGrid).
		WithBackgroundColor(charts.Color{R: 255, G: 255, B: 255, A: 255})

	small := charts.FontStyle{FontSize: fontPx(8), FontColor: colourText, Font: font}
	labels := charts.FontStyle{FontSize: fontPx(7.5), FontColor: colourText, Font: font}

	categories, series := spec.categories, spec.series
	if spec.horizontal {
		// The library puts the first category at the bottom; the reader
		// expects it on top.
		categories = reversed(categories)
		series = make([][]float64, len(spec.series))
		for i, s := range spec.series {
			series[i] = reversed(s)
		}
	}

	// Value labels on the bars: whole numbers, or percentages.
	format := func(v float64) string {
		if spec.percent {
			return strconv.FormatFloat(math.Round(v), 'f', 0, 64) + "%"
		}
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	sl := charts.NewSeriesListBar(series, charts.BarSeriesOption{
		Names: spec.names,
		Label: charts.SeriesLabel{Show: charts.Ptr(true), FontStyle: labels, ValueFormatter: format},
	})
	for i := range sl {
		if i >= len(spec.undefined) {
			break
		}
		undef := spec.undefined[i]
		if spec.horizontal {
			undef = reversed(undef)
		}
		sl[i].Label.LabelFormatter = func(index int, _ string, v float64) (string, *charts.LabelStyle) {
			if index < len(undef) && undef[index] {
				return "–", nil
			}
			return format(v), nil
		}
	}
	opt := charts.NewBarChartOptionWithSeries(sl)
	opt.Theme = theme
	opt.Horizontal = spec.horizontal
	pad := int(3 * pxPerMM)
	opt.Padding = charts.Box{Top: pad, Right: pad * 2, Bottom: pad / 2, Left: pad / 2, IsSet: true}
	opt.CategoryAxis = charts.CategoryAxisOption{
		Labels:         categories,
		LabelFontStyle: small,
		// Every category named, centred under its bars (the library
		// drops labels it expects to collide unless told how many).
		LabelCount:  len(categories),
		BoundaryGap: charts.Ptr(true),
	}
	if spec.horizontal {
		opt.SeriesLabelPosition = "right"
	} else {
		opt.SeriesLabelPosition = "top"
	}

	max := 0.0
	for _, s := range spec.series {
		for _, v := range s {
			max = math.Max(max, v)
		}
	}
	axis := charts.ValueAxisOption{
		LabelFontStyle: small,
		Min:            charts.Ptr(0.0),
		SplitLineShow:  charts.Ptr(true),
	}
	if spec.percent {
		axis.Max = charts.Ptr(100.0)
		axis.LabelCount = 6 // 0, 20, ... 100
		axis.ValueFormatter = func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) + "%" }
	} else {
		// Whole numbers only: a step of 1, 2, 5, 10, ... and a top that is a
		// multiple of it, at least one step above the tallest bar.
		step := niceStep(max)
		top := (math.Floor(max/step) + 1) * step
		axis.Max = charts.Ptr(top)
		axis.LabelCount = int(top/step) + 1
		axis.ValueFormatter = func(v float64) string { return strconv.FormatFloat(math.Round(v), 'f', 0, 64) }
	}
	axis.PreferNiceIntervals = charts.Ptr(false)
	opt.ValueAxis = []charts.ValueAxisOption{axis}

	if len(spec.names) > 1 {
		opt.Legend = charts.LegendOption{
			SeriesNames: spec.names,
			FontStyle:   small,
			Offset:      charts.OffsetRight,
		}
	} else {
		opt.Legend = charts.LegendOption{Show: charts.Ptr(false)}
	}

	p := charts.NewPainter(charts.PainterOptions{
		OutputFormat: charts.ChartOutputPNG,
		Width:        wpx,
		Height:       hpx,
		Font:         font,
		Theme:        theme,
	})
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("report: draw chart: %w", err)
	}
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("report: encode chart: %w", err)
	}
	return b, nil
}

// niceStep is the axis step for counts up to max: about five steps of 1, 2
// or 5 times a power of ten, never below 1.
func niceStep(max float64) float64 {
	if max <= 5 {
		return 1
	}
	raw := max / 5
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw {
			return m * pow
		}
	}
	return 10 * pow
}

func reversed[T any](s []T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}
