// Package letters renders a letter or an internal mail (a templates kind
// plus its data) to a text/plain body, a simple HTML body and, for letters
// to complainants and other outside parties, an A4 PDF for the post.
//
// Every text renders. Whatever the data holds (emoji, any script, control
// characters, invalid UTF-8), Render neither fails nor panics on it
// (FuzzRender): clean drops what no reader should get raw (control
// characters, bidi overrides, noncharacters) from every rendering, and a
// line break in a one-line field (a name, the subject) becomes a space.
// The text and HTML bodies keep everything else as it is. The PDF is set
// in DejaVu Sans, which covers the Latin, Greek, Cyrillic, Arabic and
// Hebrew scripts: drawable composes the text, shapes Arabic with the
// presentation forms, and draws a white square (□) for what the font
// lacks: emoji, CJK, and anything outside the Basic Multilingual Plane,
// which fpdf cannot address. visual orders right-to-left text for fpdf,
// which draws left to right and does no shaping of its own.
//
// The fonts are parsed once per process (internal/fpdf, a patched
// copy of fpdf: see its README.md); a document only subsets them. A letter
// is byte-identical for identical input, and Render is safe for concurrent
// use.
package letters

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/klachtd/klachtd/templates"
)

// Org is the organisation a letter is from: it heads the letterhead.
type Org struct {
	Name     string
	Address  []string // postal address lines
	LogoFile string   // optional PNG or JPEG for the letterhead
}

// Person is a recipient, signer or handler.
type Person struct {
	Name, Email, Function string
	Address               []string // postal address lines; may be empty
}

// Letter is everything a letter or internal mail needs. Fields a kind does
// not use stay zero; templates/README.md lists what each kind reads.
type Letter struct {
	Kind      string    // a templates kind
	Language  string    // "nl" | "en"
	Number    string    // "KL-2026-0001"
	Date      time.Time // the letter's date; also the PDF creation date (byte-identical output for identical input)
	Org       Org
	Recipient Person // To; Address is the postal address (may be empty: the PDF then says it is unknown and Rendered.AddressMissing is set)
	Signer    Person // handler or officer: name and function in the signature block

	// Data for the templates.
	Description                           string // the complaint text as understood (acknowledgement: shortened by the template)
	Subject                               string // the complainant's own subject line
	ReceivedAt                            time.Time
	AcknowledgeBy, DecideBy               time.Time
	Handler                               Person
	OldDecideBy, NewDecideBy              time.Time
	Reason                                string
	Verdict                               string // founded | unfounded | partly_founded | inadmissible
	Facts, Position, Measures             string
	Appeal                                string
	AppealWithin                          any // a procedure.Term (anything with Language(string) string) or nil
	RespondBy                             time.Time
	RelayAddress, InternalAddress, Marker string
	OtherOpen                             []string
	// DeskURL links an internal mail to its page on the officer's desk
	// (the dossier, or the register); "" when [web] base_url is not set.
	DeskURL string
	Extra   map[string]any // anything else a template needs
}

// DigestRow is one row of the officer's weekly digest (Extra keys Open,
// DueThisWeek, Overdue and ToPost of the digest kind).
type DigestRow struct {
	Number      string
	Complainant string
	DecideBy    time.Time
}

// Rendered is a letter ready to send.
type Rendered struct {
	Subject        string
	Text           string // text/plain email body, wrapped at 72 columns where possible, no trailing spaces
	HTML           string // simple, inline-styled, escaped HTML (tables as <table>)
	PDF            []byte // nil for internal kinds
	Filename       string // e.g. "KL-2026-0001-ontvangstbevestiging.pdf"; empty for internal kinds
	AddressMissing bool   // a PDF letter without the recipient's postal address
}

var internalKinds = map[string]bool{
	"notification": true,
	"reminder":     true,
	"alert":        true,
	"digest":       true,
	"topost":       true,
	"commanderror": true,
	"followup":     true,
	"held":         true,
	"signin":       true,
}

// IsInternal reports whether kind is a mail to staff (no letterhead, no
// signature, no PDF) rather than a letter to an outside party.
func IsInternal(kind string) bool {
	return internalKinds[kind]
}

// ErrNoTemplates is returned by Render when it is given no template set.
var ErrNoTemplates = errors.New("no template set")

// Render renders l with the templates of set. It is safe for concurrent use.
func Render(set *templates.Set, l Letter) (*Rendered, error) {
	return renderWith(set, l, dejaVu)
}

// renderWith is Render with the PDF set in face.
func renderWith(set *templates.Set, l Letter, face pdfFace) (*Rendered, error) {
	if set == nil {
		return nil, ErrNoTemplates
	}
	l = cleanLetter(l)
	subject, body, err := set.Render(l.Language, l.Kind, l)
	if err != nil {
		return nil, fmt.Errorf("letter %s: %w", l.Number, err)
	}
	// What the templates added from fields cleanLetter does not know (the
	// other types in Extra) is cleaned here.
	subject, body = cleanLine(subject), clean(body)
	blocks, err := parseMarkup(body)
	if err != nil {
		return nil, fmt.Errorf("letter %s: %s/%s template body: %w", l.Number, l.Language, l.Kind, err)
	}
	ch := chromeFor(l.Language)
	var sig []string
	if !IsInternal(l.Kind) {
		sig = signatureLines(l)
	}
	r := &Rendered{
		Subject: subject,
		Text:    renderText(blocks, ch, sig),
		HTML:    renderHTML(l.Language, subject, blocks, ch, sig),
	}
	if IsInternal(l.Kind) {
		return r, nil
	}
	if l.Date.IsZero() {
		return nil, fmt.Errorf("letter %s: no letter date", l.Number)
	}
	r.AddressMissing = len(nonEmpty(l.Recipient.Address)) == 0
	r.PDF, err = renderPDFSafely(face, l, subject, blocks, ch, sig)
	if err != nil {
		return nil, fmt.Errorf("letter %s: pdf: %w", l.Number, err)
	}
	r.Filename = Filename(l.Language, l.Number, l.Kind)
	return r, nil
}

// renderPDFSafely is renderPDF with a panic of the PDF library turned into
// an error: whatever a letter holds, rendering it must not stop the
// process (FuzzRender looks for such panics).
func renderPDFSafely(face pdfFace, l Letter, subject string, blocks []block, ch chrome, sig []string) (pdf []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			pdf, err = nil, fmt.Errorf("internal error: %v", r)
		}
	}()
	return renderPDF(face, l, subject, blocks, ch, sig)
}

// Filename is the PDF file name of a letter: "KL-2026-0001-beslissing.pdf".
func Filename(lang, number, kind string) string {
	name := templates.KindName(lang, kind) + ".pdf"
	if number != "" {
		name = number + "-" + name
	}
	return name
}

// signatureLines are the name, function and organisation under the closing.
func signatureLines(l Letter) []string {
	return nonEmpty([]string{l.Signer.Name, l.Signer.Function, l.Org.Name})
}

// chrome holds the fixed words around a letter body in one language.
type chrome struct {
	date, reference, yourMessage string
	closing                      string
	page                         string // fmt with page number and the total alias
	addressUnknown               string
}

func chromeFor(lang string) chrome {
	if lang == "nl" {
		return chrome{
			date: "Datum", reference: "Ons kenmerk", yourMessage: "Uw bericht van",
			closing:        "Met vriendelijke groet,",
			page:           "Pagina %d van %s",
			addressUnknown: "Postadres onbekend",
		}
	}
	return chrome{
		date: "Date", reference: "Our reference", yourMessage: "Your message of",
		closing:        "Kind regards,",
		page:           "Page %d of %s",
		addressUnknown: "Postal address unknown",
	}
}

// formatDate prints the letter date in the letter language.
func formatDate(lang string, t time.Time) string {
	if lang == "nl" {
		months := [...]string{"januari", "februari", "maart", "april", "mei", "juni",
			"juli", "augustus", "september", "oktober", "november", "december"}
		return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
	}
	return t.Format("2 January 2006")
}

func nonEmpty(items []string) []string {
	var out []string
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
