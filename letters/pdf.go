package letters

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sync"
	"unicode/utf8"

	"github.com/klachtd/klachtd/internal/fpdf"
)

// DejaVu Sans, regular and bold (Bitstream Vera licence, fonts/LICENSE).
// The bytes are read-only and shared by every document.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// pdfFace is the set of fonts a PDF is set in: how they are added to a
// document, their family name, and how text is made fit for them.
type pdfFace struct {
	family string
	add    func(p *fpdf.Fpdf) error
	prep   func(style, s string) string // clean text to what the font of style can draw (see drawable)
}

// dejaVuFonts parses the fonts once per process, at the first letter: a
// document then only subsets them (see internal/fpdf/README.md).
var dejaVuFonts = sync.OnceValues(func() ([2]*fpdf.UTF8Font, error) {
	var fonts [2]*fpdf.UTF8Font
	for i, ttf := range [][]byte{fontRegular, fontBold} {
		f, err := fpdf.NewUTF8Font(ttf)
		if err != nil {
			return fonts, err
		}
		fonts[i] = f
	}
	return fonts, nil
})

// dejaVu is the face of every letter.
var dejaVu = pdfFace{
	family: "DejaVu",
	add: func(p *fpdf.Fpdf) error {
		fonts, err := dejaVuFonts()
		if err != nil {
			return fmt.Errorf("fonts: %w", err)
		}
		p.AddUTF8FontPrepared("DejaVu", "", fonts[0])
		p.AddUTF8FontPrepared("DejaVu", "B", fonts[1])
		return nil
	},
	prep: func(style, s string) string {
		fonts, _ := dejaVuFonts() // add has returned the error, if any
		f := fonts[0]
		if style == "B" {
			f = fonts[1]
		}
		return drawable(s, f.Has)
	},
}

// Page geometry in millimetres, A4 portrait, after DIN 5008 form B ("Form
// B", the taller letterhead): the letterhead fills the top 45 mm; the
// address field is 85 × 45 mm, 20 mm from the left edge and 45 mm from the
// top, so that it shows through the window of a DL, C5 or C4 window
// envelope (DIN 680: window 20 mm from the left). Its first 17.7 mm are the
// zone for the return address, the remaining 27.3 mm hold the address
// proper. Body text starts 25 mm from the left edge (the address is inset
// 5 mm in its field to the same line); the right margin is 20 mm. Fold
// marks sit at 105 mm and 210 mm, the punch mark at 148.5 mm.
const (
	pageW, pageH = 210.0, 297.0
	marginLeft   = 25.0
	marginRight  = 20.0
	bodyW        = pageW - marginLeft - marginRight

	addrFieldX, addrFieldY = 20.0, 45.0
	addrFieldW, addrFieldH = 85.0, 45.0
	addrReturnZoneH        = 17.7
	addrInset              = 5.0

	infoX, infoY = 125.0, 50.0 // information block beside the address field
	infoLabelW   = 30.0

	subjectY    = 98.5 // two blank lines under the address field
	nextPageTop = 25.0
	bodyBottom  = pageH - 25.0 // nothing below this but the footer
	footerY     = pageH - 15.0

	foldMark1, foldMark2, punchMark = 105.0, 210.0, 148.5

	sizeBody   = 10.0
	lineH      = 4.7
	paraGap    = 2.6
	sizeSmall  = 8.5
	sizeReturn = 7.0
)

// Colours as grey levels.
const (
	greyText  = 25
	greyMuted = 100
	greyLine  = 185
)

// pdfDoc is one letter being laid out; y is the cursor below the last
// thing printed.
type pdfDoc struct {
	p     *fpdf.Fpdf
	f     pdfFace
	style string // of the current font
	l     Letter
	ch    chrome
	y     float64
}

func renderPDF(face pdfFace, l Letter, subject string, blocks []block, ch chrome, sig []string) ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCatalogSort(true)
	p.SetCreationDate(l.Date)
	p.SetModificationDate(l.Date)
	p.SetTitle(subject, true) // UTF-16 in the metadata: any text
	p.SetAuthor(l.Org.Name, true)
	p.SetCreator("klachtd", true)
	p.SetProducer("klachtd", true)
	p.SetLang(l.Language)
	if err := face.add(p); err != nil {
		return nil, err
	}
	p.SetMargins(marginLeft, nextPageTop, marginRight)
	p.SetCellMargin(0)
	p.SetAutoPageBreak(false, 0)
	p.AliasNbPages("{nb}")

	d := &pdfDoc{p: p, f: face, l: l, ch: ch}
	p.SetFooterFuncLpi(d.footer)
	p.SetHeaderFunc(d.header)
	p.AddPage()
	if err := d.letterhead(); err != nil {
		return nil, err
	}
	d.addressField()
	d.infoBlock()
	d.foldMarks()

	d.y = subjectY
	d.setFont("B", 11)
	rtl := paragraphRTL(subject)
	for _, line := range d.split(subject, bodyW) {
		d.text(marginLeft, line, 5.5, rtl)
	}
	d.y += 6

	for i, b := range blocks {
		if i > 0 {
			d.y += paraGap
		}
		reserve := 0.0
		if i == len(blocks)-1 {
			reserve = paraGap + signatureHeight(sig) // keep the last lines with the signature
		}
		d.block(b, reserve)
	}
	d.y += paraGap
	d.signature(sig)

	p.GrowBuffer(64 << 10) // a letter of two pages is about 40 KB: no regrowth
	return p.OutputBytes()
}

func (d *pdfDoc) setFont(style string, size float64) {
	d.style = style
	d.p.SetFont(d.f.family, style, size)
}

// split breaks s into lines that fit w in the current font. The lines are
// ready to draw (drawable), in logical order: draw them with text or line.
func (d *pdfDoc) split(s string, w float64) []string {
	_, size := d.p.GetFontSize()
	fits := func(units int) bool { return float64(units)*size/1000 <= w } // as GetStringWidth computes it
	return breakLines(d.f.prep(d.style, s), fits, d.p.GetStringSymbolWidth, true)
}

// width is the width of s in the current font.
func (d *pdfDoc) width(s string) float64 {
	return d.p.GetStringWidth(d.f.prep(d.style, s))
}

// cell prints s on one line in a cell of w × h at the current position.
func (d *pdfDoc) cell(w, h float64, s, align string) {
	s = d.f.prep(d.style, s)
	d.line(w, h, s, align, paragraphRTL(s))
}

// line prints a line from split in a cell of w × h at the current
// position, in visual order for a paragraph of the given direction.
func (d *pdfDoc) line(w, h float64, line, align string, rtl bool) {
	d.p.CellFormat(w, h, visual(line, rtl), "", 0, align, false, 0, "")
}

// text prints one line from split at x on the cursor (right-aligned in a
// right-to-left paragraph) and moves the cursor down by h.
func (d *pdfDoc) text(x float64, line string, h float64, rtl bool) {
	d.p.SetXY(x, d.y)
	align := "L"
	if rtl {
		align = "R"
	}
	d.line(pageW-marginRight-x, h, line, align, rtl)
	d.y += h
}

// room reports whether h millimetres still fit on the page.
func (d *pdfDoc) room(h float64) bool {
	return d.y+h <= bodyBottom
}

// need starts a new page unless h millimetres still fit.
func (d *pdfDoc) need(h float64) {
	if !d.room(h) {
		d.newPage()
	}
}

func (d *pdfDoc) newPage() {
	d.p.AddPage()
	d.y = nextPageTop
}

// header runs on every page; pages after the first repeat the reference.
func (d *pdfDoc) header() {
	if d.p.PageNo() == 1 {
		return
	}
	d.setFont("", sizeSmall)
	d.p.SetTextColor(greyMuted, greyMuted, greyMuted)
	parts := nonEmpty([]string{d.l.Org.Name, d.ch.reference + " " + d.l.Number, formatDate(d.l.Language, d.l.Date)})
	d.p.SetXY(marginLeft, 12)
	d.cell(bodyW, 4, strings.Join(parts, "  ·  "), "L")
	d.p.SetDrawColor(greyLine, greyLine, greyLine)
	d.p.SetLineWidth(0.2)
	d.p.Line(marginLeft, 17.5, pageW-marginRight, 17.5)
	d.p.SetTextColor(greyText, greyText, greyText)
}

// footer prints "Pagina n van N", but only on letters of two pages or more.
func (d *pdfDoc) footer(lastPage bool) {
	if d.p.PageNo() == 1 && lastPage {
		return
	}
	d.setFont("", sizeSmall)
	d.p.SetTextColor(greyMuted, greyMuted, greyMuted)
	d.p.SetXY(marginLeft, footerY)
	d.cell(bodyW, 4, fmt.Sprintf(d.ch.page, d.p.PageNo(), "{nb}"), "R")
	d.p.SetTextColor(greyText, greyText, greyText)
}

// letterhead prints the logo (if any) on the left and the organisation's
// name and postal address on the right, above a thin rule.
func (d *pdfDoc) letterhead() error {
	p := d.p
	if d.l.Org.LogoFile != "" {
		if err := d.logo(d.l.Org.LogoFile); err != nil {
			return err
		}
	}
	right := pageW - marginRight
	p.SetTextColor(greyText, greyText, greyText)
	d.setFont("B", 14)
	p.SetXY(110, 14)
	d.cell(right-110, 6, d.l.Org.Name, "R")
	d.setFont("", 9)
	p.SetTextColor(greyMuted, greyMuted, greyMuted)
	y := 21.5
	for _, line := range nonEmpty(d.l.Org.Address) {
		p.SetXY(110, y)
		d.cell(right-110, 4, line, "R")
		y += 4
	}
	p.SetDrawColor(greyLine, greyLine, greyLine)
	p.SetLineWidth(0.2)
	p.Line(marginLeft, 38, right, 38)
	p.SetTextColor(greyText, greyText, greyText)
	return nil
}

// logo places a PNG or JPEG at most 70 × 18 mm in the top left corner.
func (d *pdfDoc) logo(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("logo: %w", err)
	}
	var typ string
	switch strings.ToLower(filepath.Ext(file)) {
	case ".png":
		typ = "PNG"
	case ".jpg", ".jpeg":
		typ = "JPG"
	default:
		return fmt.Errorf("logo %s: want a .png, .jpg or .jpeg file", file)
	}
	opt := fpdf.ImageOptions{ImageType: typ}
	info := d.p.RegisterImageOptionsReader("logo", opt, bytes.NewReader(data))
	if err := d.p.Error(); err != nil {
		return fmt.Errorf("logo %s: %w", file, err)
	}
	w, h := info.Width(), info.Height()
	if w <= 0 || h <= 0 {
		return fmt.Errorf("logo %s: empty image", file)
	}
	const maxW, maxH = 70.0, 18.0
	scale := min(maxW/w, maxH/h)
	d.p.ImageOptions("logo", marginLeft, 12, w*scale, h*scale, false, opt, 0, "")
	return nil
}

// addressField prints the return address and the recipient's name and
// postal address inside the window area (see the geometry above).
func (d *pdfDoc) addressField() {
	p := d.p
	x := addrFieldX + addrInset
	w := addrFieldW - 2*addrInset

	// Return address: one small line at the foot of the return zone.
	ret := strings.Join(nonEmpty(append([]string{d.l.Org.Name}, d.l.Org.Address...)), " · ")
	size := sizeReturn
	d.setFont("", size)
	for size > 5 && d.width(ret) > w {
		size -= 0.5
		d.setFont("", size)
	}
	p.SetTextColor(greyMuted, greyMuted, greyMuted)
	p.SetXY(x, addrFieldY+addrReturnZoneH-5)
	d.cell(w, 3.5, ret, "L")
	p.SetDrawColor(greyLine, greyLine, greyLine)
	p.SetLineWidth(0.15)
	p.Line(x, addrFieldY+addrReturnZoneH-1.2, x+w, addrFieldY+addrReturnZoneH-1.2)

	// The address proper. A name or address too long for the window is
	// set smaller, and what still does not fit is cut off with an
	// ellipsis: nothing is printed outside the field.
	p.SetTextColor(greyText, greyText, greyText)
	type addrLine struct {
		s   string
		rtl bool
	}
	var lines []addrLine
	addr := nonEmpty(d.l.Recipient.Address)
	zoneH := addrFieldH - addrReturnZoneH
	lh, minLH := 4.4, 0.0
	for _, size := range []float64{10, 8.5, 7} {
		d.setFont("", size)
		lines = lines[:0]
		for _, s := range append(nonEmpty([]string{d.l.Recipient.Name}), addr...) {
			rtl := paragraphRTL(s)
			for _, l := range d.split(s, w) {
				lines = append(lines, addrLine{l, rtl})
			}
		}
		minLH = size * 25.4 / 72 * 1.1 // the font size in mm, with 10 % leading
		lh = min(4.4, zoneH/float64(len(lines)+1))
		if lh >= minLH {
			break
		}
	}
	if n := int(zoneH/minLH) - 1; len(lines) > n {
		lines = lines[:n]
		lines[n-1].s = d.ellipsis(lines[n-1].s, w)
		lh = zoneH / float64(n+1)
	}
	y := addrFieldY + addrReturnZoneH + 1.5
	for _, l := range lines {
		p.SetXY(x, y)
		d.line(w, lh, l.s, "L", l.rtl)
		y += lh
	}
	if len(addr) == 0 {
		p.SetTextColor(greyMuted, greyMuted, greyMuted)
		p.SetXY(x, y)
		d.cell(w, lh, d.ch.addressUnknown, "L")
		p.SetTextColor(greyText, greyText, greyText)
	}
}

// ellipsis returns line from split with " …" after it, shortened to fit w.
func (d *pdfDoc) ellipsis(line string, w float64) string {
	dots := d.f.prep(d.style, " …")
	for line != "" && d.p.GetStringWidth(line+dots) > w {
		_, size := utf8.DecodeLastRuneInString(line)
		line = line[:len(line)-size]
	}
	return line + dots
}

// infoBlock prints reference and date beside the address field.
func (d *pdfDoc) infoBlock() {
	p := d.p
	rows := [][2]string{}
	if d.l.Number != "" {
		rows = append(rows, [2]string{d.ch.reference, d.l.Number})
	}
	rows = append(rows, [2]string{d.ch.date, formatDate(d.l.Language, d.l.Date)})
	if !d.l.ReceivedAt.IsZero() {
		rows = append(rows, [2]string{d.ch.yourMessage, formatDate(d.l.Language, d.l.ReceivedAt)})
	}
	y := infoY
	valueW := pageW - marginRight - infoX - infoLabelW
	for _, r := range rows {
		d.setFont("", 9)
		p.SetTextColor(greyMuted, greyMuted, greyMuted)
		p.SetXY(infoX, y)
		d.cell(infoLabelW, 5, r[0]+":", "L")
		d.setFont("", 9)
		p.SetTextColor(greyText, greyText, greyText)
		rtl := paragraphRTL(r[1])
		for _, line := range d.split(r[1], valueW) {
			p.SetXY(infoX+infoLabelW, y)
			d.line(valueW, 5, line, "L", rtl)
			y += 4.5
		}
		y += 0.5
	}
}

// foldMarks draws the DIN 5008 form B fold and punch marks on the left edge.
func (d *pdfDoc) foldMarks() {
	p := d.p
	p.SetDrawColor(150, 150, 150)
	p.SetLineWidth(0.2)
	p.Line(4, foldMark1, 9, foldMark1)
	p.Line(4, foldMark2, 9, foldMark2)
	p.Line(4, punchMark, 7, punchMark)
}

// block prints one body block, breaking pages between lines; a heading
// keeps its first two lines of text with it, a paragraph leaves no single
// line behind on a page and carries none over alone.
func (d *pdfDoc) block(b block, reserve float64) {
	p := d.p
	switch b.kind {
	case blockHeading:
		d.setFont("B", sizeBody)
		lines := d.split(b.text, bodyW)
		d.y += 2.5
		d.need(float64(len(lines)+2)*lineH + 1)
		rtl := paragraphRTL(b.text)
		for _, l := range lines {
			d.text(marginLeft, l, lineH, rtl)
		}
		d.y -= paraGap - 1 // a heading sits close to its text
	case blockList:
		d.setFont("", sizeBody)
		const indent = 6.0
		for i, item := range b.items {
			if i > 0 {
				d.y += 1.2
			}
			lines := d.split(item, bodyW-indent)
			d.need(min(float64(len(lines)), 2) * lineH)
			p.SetXY(marginLeft+1.5, d.y)
			d.cell(indent-1.5, lineH, "•", "L")
			d.lines(lines, marginLeft+indent, 0, paragraphRTL(item))
		}
	case blockFacts:
		d.facts(b.rows)
	case blockQuote:
		d.quote(b.lines)
	case blockLiteral:
		d.setFont("", sizeBody)
		d.need(lineH)
		d.text(marginLeft, d.f.prep(d.style, b.text), lineH, false)
	default:
		d.setFont("", sizeBody)
		d.lines(d.split(b.text, bodyW), marginLeft, reserve, paragraphRTL(b.text))
	}
}

// lines prints wrapped lines of one paragraph at x with widow and orphan
// control: no page ends or starts with a single line of it. reserve is the
// height of what must follow the paragraph on the same page (the signature
// block after the last paragraph); if it does not fit, the last two lines
// move to the next page with it.
func (d *pdfDoc) lines(lines []string, x, reserve float64, rtl bool) {
	for len(lines) > 0 {
		avail := bodyBottom - d.y
		fit := int((avail + 0.01) / lineH)
		n := len(lines)
		switch {
		case fit >= n && float64(n)*lineH+reserve <= avail:
			// everything fits, with what must follow
		case fit >= n:
			n -= 2
		default:
			n = fit
			if len(lines)-n < 2 {
				n = len(lines) - 2
			}
		}
		if n < 2 && n < len(lines) {
			if !d.atTop() {
				d.newPage()
				continue
			}
			n = max(1, min(fit, len(lines))) // a page cannot hold more
		}
		for _, l := range lines[:n] {
			d.text(x, l, lineH, rtl)
		}
		lines = lines[n:]
		if len(lines) > 0 {
			d.newPage()
		}
	}
}

// atTop reports whether the cursor is at the top of a continuation page.
func (d *pdfDoc) atTop() bool {
	return d.p.PageNo() > 1 && d.y <= nextPageTop+0.01
}

// facts prints a two-column table with hairlines between the rows; a table
// of up to ten rows is kept on one page.
func (d *pdfDoc) facts(rows [][2]string) {
	p := d.p
	d.setFont("B", 9.5)
	labelW := 0.0
	for _, r := range rows {
		labelW = max(labelW, d.width(r[0]))
	}
	labelW = min(max(labelW+6, 38), 75)
	valueW := bodyW - labelW
	const rowH = 4.6
	const pad = 1.0
	type laid struct {
		label, value []string
		rtl          bool
	}
	var rs []laid
	total := 0.0
	for _, r := range rows {
		d.setFont("B", 9.5)
		ls := d.split(r[0], labelW-3)
		d.setFont("", 9.5)
		vs := d.split(r[1], valueW)
		if len(vs) == 0 {
			vs = []string{""}
		}
		rs = append(rs, laid{ls, vs, paragraphRTL(r[1])})
		total += float64(max(len(ls), len(vs)))*rowH + 2*pad
	}
	if len(rows) <= 10 {
		d.need(total)
	}
	p.SetDrawColor(greyLine, greyLine, greyLine)
	p.SetLineWidth(0.15)
	p.Line(marginLeft, d.y, marginLeft+bodyW, d.y)
	for _, r := range rs {
		h := float64(max(len(r.label), len(r.value)))*rowH + 2*pad
		if !d.room(h) {
			d.newPage()
			p.Line(marginLeft, d.y, marginLeft+bodyW, d.y)
		}
		top := d.y + pad
		d.setFont("B", 9.5)
		for i, s := range r.label {
			p.SetXY(marginLeft, top+float64(i)*rowH)
			d.line(labelW, rowH, s, "L", false)
		}
		d.setFont("", 9.5)
		for i, s := range r.value {
			p.SetXY(marginLeft+labelW, top+float64(i)*rowH)
			d.line(valueW, rowH, s, "L", r.rtl)
		}
		d.y += h
		p.SetDrawColor(greyLine, greyLine, greyLine)
		p.SetLineWidth(0.15)
		p.Line(marginLeft, d.y, marginLeft+bodyW, d.y)
	}
}

// quote prints quoted text indented, in a muted colour, with a bar on the
// left; blank lines inside the quote become small gaps.
func (d *pdfDoc) quote(lines []string) {
	p := d.p
	const indent = 6.0
	const qh = 4.4
	d.setFont("", 9.5)
	type quoteLine struct {
		s   string // "" marks a gap
		rtl bool
	}
	var out []quoteLine
	for _, l := range lines {
		if l == "" {
			out = append(out, quoteLine{})
			continue
		}
		rtl := paragraphRTL(l)
		for _, s := range d.split(l, bodyW-indent) {
			if s == "" {
				s = " "
			}
			out = append(out, quoteLine{s, rtl})
		}
	}
	d.need(min(float64(len(out)), 2) * qh)
	p.SetDrawColor(greyLine, greyLine, greyLine)
	p.SetLineWidth(0.8)
	for _, q := range out {
		h := qh
		if q.s == "" {
			h = qh / 2
		}
		if !d.room(h) {
			d.newPage()
			d.setFont("", 9.5)
			p.SetDrawColor(greyLine, greyLine, greyLine)
			p.SetLineWidth(0.8)
		}
		p.Line(marginLeft+1, d.y, marginLeft+1, d.y+h)
		if q.s != "" {
			p.SetTextColor(70, 70, 70)
			d.text(marginLeft+indent, q.s, h, q.rtl)
			p.SetTextColor(greyText, greyText, greyText)
		} else {
			d.y += h
		}
	}
}

// signSpace is the room left for a handwritten signature.
const signSpace = 16.0

func signatureHeight(sig []string) float64 {
	return lineH + signSpace + float64(len(sig))*lineH
}

// signature prints the closing, room for a handwritten signature, and the
// signer's name and function with the organisation; the block is never split.
func (d *pdfDoc) signature(sig []string) {
	d.need(signatureHeight(sig))
	d.setFont("", sizeBody)
	d.text(marginLeft, d.f.prep(d.style, d.ch.closing), lineH, false)
	d.y += signSpace
	for i, s := range sig {
		if i == 0 {
			d.setFont("B", sizeBody)
		} else {
			d.setFont("", sizeBody)
		}
		d.text(marginLeft, d.f.prep(d.style, s), lineH, paragraphRTL(s))
	}
}
