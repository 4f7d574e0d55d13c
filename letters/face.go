package letters

import "github.com/klachtd/klachtd/internal/fpdf"

// FontFamily is the family name under which AddFonts adds the letter
// fonts to a document.
const FontFamily = "DejaVu"

// AddFonts adds the fonts of the letters (DejaVu Sans, regular and bold,
// parsed once per process) to a document of another kind, such as the
// yearly report, so that every PDF klachtd makes is set in the same face
// and renders any text the same way.
func AddFonts(p *fpdf.Fpdf) error { return dejaVu.add(p) }

// PDFText makes text typed by people drawable in the fonts of AddFonts in
// the given style ("" or "B"): control characters go, composed characters
// are composed, and characters the fonts lack (emoji, CJK) become a visible
// replacement glyph instead of breaking the document. The text is in
// logical order; it is meant for left-to-right documents such as reports.
func PDFText(style, s string) string { return dejaVu.prep(style, cleanLine(s)) }

// FontRegular is the TTF program of the regular face, for drawing charts
// in the same face (the bytes are shared: do not modify them).
func FontRegular() []byte { return fontRegular }
