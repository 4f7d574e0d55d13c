package letters

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/klachtd/klachtd/templates"
)

var (
	update  = flag.Bool("update", false, "rewrite the golden files in testdata")
	dumpDir = flag.String("dump", "", "also write every rendered letter (txt, html, pdf) to this directory")
)

func loadSet(t *testing.T) *templates.Set {
	t.Helper()
	set, err := loadSetErr()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func loadSetErr() (*templates.Set, error) {
	return templates.Load("")
}

func render(t *testing.T, set *templates.Set, l Letter) *Rendered {
	t.Helper()
	r, err := Render(set, l)
	if err != nil {
		t.Fatalf("Render(%s/%s): %v", l.Language, l.Kind, err)
	}
	return r
}

// pdfText runs pdftotext (poppler) on pdf; extra args go before the file.
func pdfText(t *testing.T, pdf []byte, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	file := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", append(append(args, "-enc", "UTF-8"), file, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestRenderAllKinds(t *testing.T) {
	set := loadSet(t)
	for _, lang := range templates.Languages() {
		for _, kind := range templates.Kinds() {
			t.Run(lang+"/"+kind, func(t *testing.T) {
				r := render(t, set, sample(lang, kind))
				if r.Subject == "" || strings.Contains(r.Subject, "\n") {
					t.Errorf("subject = %q", r.Subject)
				}
				if kind != "digest" && kind != "signin" && !strings.Contains(r.Subject, "[KL-2026-0001]") {
					t.Errorf("subject %q lacks the tag", r.Subject)
				}
				for name, s := range map[string]string{"subject": r.Subject, "text": r.Text, "html": r.HTML} {
					if strings.Contains(s, "<no value>") || strings.Contains(s, "[[") {
						t.Errorf("%s has a hole or stray markup:\n%s", name, s)
					}
				}
				for i, line := range strings.Split(r.Text, "\n") {
					if strings.TrimRight(line, " \t") != line {
						t.Errorf("text line %d has trailing space: %q", i+1, line)
					}
					if utf8.RuneCountInString(line) > textWidth && strings.Contains(strings.TrimPrefix(strings.TrimSpace(line), "> "), " ") {
						t.Errorf("text line %d is longer than %d columns: %q", i+1, textWidth, line)
					}
				}
				if IsInternal(kind) {
					if r.PDF != nil || r.Filename != "" {
						t.Errorf("internal kind has a PDF (%d bytes, %q)", len(r.PDF), r.Filename)
					}
					if strings.Contains(r.Text, "\n"+chromeFor(lang).closing+"\n\n") {
						t.Error("internal mail carries a letter's closing")
					}
				} else {
					if !bytes.HasPrefix(r.PDF, []byte("%PDF-")) {
						t.Errorf("no PDF")
					}
					if !strings.HasPrefix(r.Filename, "KL-2026-0001-") || !strings.HasSuffix(r.Filename, ".pdf") {
						t.Errorf("filename = %q", r.Filename)
					}
					if !strings.Contains(r.Text, chromeFor(lang).closing+"\n\n") {
						t.Error("letter has no closing")
					}
				}
				if *dumpDir != "" {
					base := filepath.Join(*dumpDir, lang+"-"+kind)
					os.WriteFile(base+".txt", []byte("Subject: "+r.Subject+"\n\n"+r.Text), 0o644)
					os.WriteFile(base+".html", []byte(r.HTML), 0o644)
					if r.PDF != nil {
						os.WriteFile(base+".pdf", r.PDF, 0o644)
					}
				}
			})
		}
	}
}

func TestAcknowledgementPDFText(t *testing.T) {
	set := loadSet(t)
	tests := []struct {
		lang string
		want []string
	}{
		{"nl", []string{"KL-2026-0001", "José Müller-Çelik", "€ 1.250,00", "Datum:", "24 april 2026", "Ons kenmerk:",
			"Ontvangstbevestiging van uw klacht", "Met vriendelijke groet,", "Piet Jansen", "Klachtbehandelaar", "Lindelaan 12 bis", "Pagina 1 van 2"}},
		{"en", []string{"KL-2026-0001", "José Müller-Çelik", "€ 1.250,00", "Date:", "24 April 2026", "Our reference:", "Kind regards,", "Page 1 of 2"}},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			text := pdfText(t, render(t, set, sample(tc.lang, "acknowledgement")).PDF)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

func TestGoldenPDF(t *testing.T) {
	set := loadSet(t)
	got := render(t, set, sample("nl", "acknowledgement")).PDF
	golden := filepath.Join("testdata", "acknowledgement-nl.golden.pdf")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		bad := filepath.Join(t.TempDir(), "acknowledgement-nl.pdf")
		os.WriteFile(bad, got, 0o644)
		t.Errorf("PDF differs from %s (%d vs %d bytes); got written to %s; run go test -update if the change is intended",
			golden, len(got), len(want), bad)
	}
}

func TestDeterministic(t *testing.T) {
	set := loadSet(t)
	for _, kind := range []string{"acknowledgement", "decision"} {
		t.Run(kind, func(t *testing.T) {
			first := render(t, set, sample("nl", kind))
			const n = 4
			var wg sync.WaitGroup
			results := make([]*Rendered, n)
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() { results[i], errs[i] = Render(set, sample("nl", kind)) })
			}
			wg.Wait()
			for i := range n {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				if !bytes.Equal(first.PDF, results[i].PDF) || first.Text != results[i].Text || first.HTML != results[i].HTML {
					t.Errorf("render %d differs from the first", i)
				}
			}
		})
	}
}

// pages splits pdftotext output at form feeds.
func pages(text string) []string {
	return strings.Split(strings.TrimRight(text, "\f\n"), "\f")
}

func TestPageNumbers(t *testing.T) {
	set := loadSet(t)
	long := sample("nl", "decision")
	long.Facts = strings.Repeat("Wij hebben de offerte, de factuur en de agenda van de coach naast elkaar gelegd. ", 12)
	tests := []struct {
		name  string
		l     Letter
		pages int
	}{
		{"one page", sample("nl", "rejection"), 1},
		{"two pages", long, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := pages(pdfText(t, render(t, set, tc.l).PDF))
			if len(ps) != tc.pages {
				t.Fatalf("%d pages, want %d", len(ps), tc.pages)
			}
			for i, p := range ps {
				want := "Pagina " + strconv.Itoa(i+1) + " van " + strconv.Itoa(tc.pages)
				if has := strings.Contains(p, want); has != (tc.pages > 1) {
					t.Errorf("page %d: contains %q = %v", i+1, want, has)
				}
				if tc.pages == 1 && strings.Contains(p, "Pagina") {
					t.Errorf("one-page letter has a page number:\n%s", p)
				}
			}
			if tc.pages > 1 && !strings.Contains(ps[len(ps)-1], "Met vriendelijke groet,") {
				t.Error("closing is not on the last page")
			}
		})
	}
}

// TestClosingNotAlone checks that no letter leaves its closing and
// signature alone on the last page.
func TestClosingNotAlone(t *testing.T) {
	set := loadSet(t)
	for _, lang := range templates.Languages() {
		for _, kind := range templates.Kinds() {
			if IsInternal(kind) {
				continue
			}
			t.Run(lang+"/"+kind, func(t *testing.T) {
				ps := pages(pdfText(t, render(t, set, sample(lang, kind)).PDF))
				if len(ps) < 2 {
					return
				}
				last := strings.TrimSpace(ps[len(ps)-1])
				if _, rest, ok := strings.Cut(last, "\n"); ok { // drop the running header
					last = strings.TrimSpace(rest)
				}
				if strings.HasPrefix(last, chromeFor(lang).closing) {
					t.Errorf("the closing stands alone on page %d:\n%s", len(ps), last)
				}
			})
		}
	}
}

var bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// TestAddressInWindow checks that every word of the recipient's name and
// address lies inside the DIN 5008 form B address field (20 mm from the
// left, 45 mm from the top, 85 × 45 mm), i.e. in the envelope window.
func TestAddressInWindow(t *testing.T) {
	set := loadSet(t)
	l := sample("nl", "acknowledgement")
	out := pdfText(t, render(t, set, l).PDF, "-bbox", "-f", "1", "-l", "1")
	want := map[string]bool{}
	for _, s := range append([]string{l.Recipient.Name}, l.Recipient.Address...) {
		for _, w := range strings.Fields(s) {
			want[w] = true
		}
	}
	const pt = 25.4 / 72 // millimetres per point
	inside := map[string]bool{}
	for _, m := range bboxWord.FindAllStringSubmatch(out, -1) {
		word := m[5]
		if !want[word] {
			continue
		}
		x0, _ := strconv.ParseFloat(m[1], 64)
		y0, _ := strconv.ParseFloat(m[2], 64)
		x1, _ := strconv.ParseFloat(m[3], 64)
		y1, _ := strconv.ParseFloat(m[4], 64)
		x0, y0, x1, y1 = x0*pt, y0*pt, x1*pt, y1*pt
		if x0 >= addrFieldX && x1 <= addrFieldX+addrFieldW && y0 >= addrFieldY+addrReturnZoneH && y1 <= addrFieldY+addrFieldH {
			inside[word] = true
		}
	}
	for w := range want {
		if !inside[w] {
			t.Errorf("%q is not inside the window (x %.0f–%.0f mm, y %.1f–%.0f mm)", w,
				addrFieldX, addrFieldX+addrFieldW, addrFieldY+addrReturnZoneH, addrFieldY+addrFieldH)
		}
	}
}

func TestAddressMissing(t *testing.T) {
	set := loadSet(t)
	tests := []struct{ lang, want string }{
		{"nl", "Postadres onbekend"},
		{"en", "Postal address unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			l := sample(tc.lang, "decision")
			l.Recipient.Address = []string{" ", ""}
			r := render(t, set, l)
			if !r.AddressMissing {
				t.Error("AddressMissing = false")
			}
			if text := pdfText(t, r.PDF); !strings.Contains(text, tc.want) {
				t.Errorf("PDF lacks %q", tc.want)
			}
			if full := render(t, set, sample(tc.lang, "decision")); full.AddressMissing {
				t.Error("AddressMissing set for a letter with an address")
			}
		})
	}
}

func TestLogo(t *testing.T) {
	set := loadSet(t)
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for x := range 120 {
		for y := range 40 {
			img.Set(x, y, color.RGBA{R: 20, G: 90, B: uint8(x * 2), A: 255})
		}
	}
	logo := filepath.Join(dir, "logo.png")
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(logo, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		file    string
		wantErr string
	}{
		{"png", logo, ""},
		{"missing", filepath.Join(dir, "nope.png"), "logo"},
		{"wrong type", filepath.Join(dir, "logo.gif"), ".png, .jpg or .jpeg"},
	}
	os.WriteFile(filepath.Join(dir, "logo.gif"), []byte("GIF89a"), 0o600)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := sample("nl", "acknowledgement")
			l.Org.LogoFile = tc.file
			r, err := Render(set, l)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			plain := render(t, set, sample("nl", "acknowledgement"))
			if !bytes.Contains(r.PDF, []byte("/Subtype /Image")) || bytes.Contains(plain.PDF, []byte("/Subtype /Image")) {
				t.Error("logo image not embedded exactly when configured")
			}
		})
	}
}

func TestHTML(t *testing.T) {
	set := loadSet(t)
	l := sample("nl", "decision")
	l.Recipient.Name = `Jan <script>alert("x")</script> & Co`
	l.Facts = "Prijs < € 1.000 & meer"
	r := render(t, set, l)
	for _, bad := range []string{"<script>", "Prijs < €"} {
		if strings.Contains(r.HTML, bad) {
			t.Errorf("HTML contains unescaped %q", bad)
		}
	}
	for _, want := range []string{"Jan &lt;script&gt;", "Prijs &lt; €&nbsp;1.000 &amp; meer", "<table", "<blockquote", "<ul", `<html lang="nl">`, "Met vriendelijke groet,"} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	set := loadSet(t)
	tests := []struct {
		name    string
		set     *templates.Set
		l       func() Letter
		wantErr string
	}{
		{"no set", nil, func() Letter { return sample("nl", "acknowledgement") }, "no template set"},
		{"unknown kind", set, func() Letter { return sample("nl", "postcard") }, "unknown template"},
		{"unknown language", set, func() Letter { return sample("de", "acknowledgement") }, "unknown template"},
		{"zero letter date", set, func() Letter {
			l := sample("nl", "delay")
			l.Date = time.Time{}
			return l
		}, "no letter date"},
		{"missing extra key", set, func() Letter {
			l := sample("en", "topost")
			delete(l.Extra, "Addressee")
			return l
		}, "Addressee"},
		{"bad verdict", set, func() Letter {
			l := sample("nl", "decision")
			l.Verdict = "gegrond"
			return l
		}, "verdict"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Render(tc.set, tc.l())
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	if _, err := Render(nil, sample("nl", "acknowledgement")); !errors.Is(err, ErrNoTemplates) {
		t.Errorf("err = %v, want ErrNoTemplates", err)
	}
}

func TestIsInternalAndFilename(t *testing.T) {
	tests := []struct {
		kind     string
		internal bool
		nl, en   string
	}{
		{"acknowledgement", false, "KL-2026-0001-ontvangstbevestiging.pdf", "KL-2026-0001-acknowledgement.pdf"},
		{"decision", false, "KL-2026-0001-beslissing.pdf", "KL-2026-0001-decision.pdf"},
		{"hearing", false, "KL-2026-0001-verzoek-om-reactie.pdf", "KL-2026-0001-hearing.pdf"},
		{"notification", true, "", ""},
		{"topost", true, "", ""},
		{"digest", true, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			if got := IsInternal(tc.kind); got != tc.internal {
				t.Errorf("IsInternal = %v", got)
			}
			if tc.internal {
				return
			}
			if got := Filename("nl", "KL-2026-0001", tc.kind); got != tc.nl {
				t.Errorf("nl filename = %q, want %q", got, tc.nl)
			}
			if got := Filename("en", "KL-2026-0001", tc.kind); got != tc.en {
				t.Errorf("en filename = %q, want %q", got, tc.en)
			}
		})
	}
}

// TestDeskLink: a staff notice links to the dossier on the officer's desk
// when the desk has a base URL, and says nothing of it otherwise.
func TestDeskLink(t *testing.T) {
	set := loadSet(t)
	for _, lang := range templates.Languages() {
		for _, kind := range []string{"notification", "followup", "reminder", "alert", "topost", "held", "commanderror", "digest"} {
			l := sample(lang, kind)
			without := render(t, set, l)
			l.DeskURL = "https://klachten.example.nl/dossiers/KL-2026-0001"
			with := render(t, set, l)
			if !strings.Contains(with.Text, l.DeskURL) || !strings.Contains(with.HTML, l.DeskURL) {
				t.Errorf("%s/%s: no desk link in\n%s", lang, kind, with.Text)
			}
			if strings.Contains(without.Text, "browser") {
				t.Errorf("%s/%s: mentions the browser without a desk link:\n%s", lang, kind, without.Text)
			}
		}
	}
}
