package report

import _ "embed"

// DejaVu Sans, regular and bold (Bitstream Vera licence, fonts/LICENSE): the
// same files as the letters use, for the PDF text and the chart labels.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)
