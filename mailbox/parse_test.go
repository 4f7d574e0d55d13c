package mailbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func parseFile(t *testing.T, name, filesDir string, max int64) *Parsed {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := Parse(f, filesDir, max)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return p
}

func TestParseSamples(t *testing.T) {
	tests := []struct {
		file        string
		messageID   string
		fromName    string
		fromAddr    string
		subject     string
		text        []string // substrings of Text
		notText     []string
		html        string // substring of HTML
		date        string // RFC 3339, "" = zero
		problems    []string
		noProblems  bool
		deliveredTo []string
	}{
		{
			file:        "cp1252_qp.eml",
			messageID:   "cp1252-1@mail.example.com",
			fromName:    "José Müller",
			fromAddr:    "jose@example.com",
			subject:     "Klacht over factuur €120 “dubbel”",
			text:        []string{"factuur van €120", "“eenmalige”", "José Müller\n"},
			date:        "2026-11-02T10:15:00+01:00",
			noProblems:  true,
			deliveredTo: []string{"info@example.nl", "info@example.nl"},
		},
		{
			file:      "latin1_html_b64.eml",
			messageID: "latin1-html@example.org",
			fromName:  "Renée de Vries",
			subject:   "Bestelling niet geleverd",
			text: []string{
				"Geachte dames en heren,\n\nMijn café-bestelling is niet geleverd.\nZie mijn bestelling (https://example.com/bestelling/42) & de bevestiging.",
				"- Eerste punt\n- Tweede punt", "Groet,\nRenée",
			},
			notText:    []string{"alert", "color", "<p>", "Klacht"},
			html:       "caf&eacute;-bestelling",
			noProblems: true,
		},
		{
			file:       "alternative.eml",
			messageID:  "alt-1@example.com",
			fromName:   "Piet Klant",
			subject:    "Re: Klacht “vertraging”",
			text:       []string{"Dit is de platte tekst. Prijs: € 10."},
			notText:    []string{"HTML"},
			html:       "<b>HTML</b>",
			noProblems: true,
		},
		{
			file:       "no_message_id.eml",
			messageID:  "",
			fromAddr:   "noid@example.com",
			text:       []string{"ik heb een klacht"},
			noProblems: true,
		},
		{
			file:      "raw8bit_subject.eml",
			messageID: "raw8@example.com",
			subject:   "café één",
			problems:  []string{"Subject has raw non-UTF-8 bytes"},
		},
		{
			file:      "unknown_charset.eml",
			messageID: "charset@example.com",
			text:      []string{"café klacht"},
			problems:  []string{"unknown charset x-foo in part 1"},
		},
		{
			file:      "unknown_cte.eml",
			messageID: "uu@example.com",
			text:      []string{"begin 644 klacht.txt"},
			problems:  []string{`unknown transfer encoding "x-uuencode" in part 1: kept raw body`},
		},
		{
			file:     "malformed_header.eml",
			fromAddr: "kapot@example.com",
			subject:  "Kapotte kop",
			text:     []string{"Tekst."},
			problems: []string{
				"dropped malformed header line \"this line is not a header\"",
				"Message-ID unparseable",
				"To header unparseable",
				"Date header unparseable",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := parseFile(t, tt.file, t.TempDir(), 1<<20)
			if p.MessageID != tt.messageID {
				t.Errorf("MessageID = %q, want %q", p.MessageID, tt.messageID)
			}
			if tt.fromName != "" && (p.From == nil || p.From.Name != tt.fromName) {
				t.Errorf("From = %v, want name %q", p.From, tt.fromName)
			}
			if tt.fromAddr != "" && (p.From == nil || p.From.Address != tt.fromAddr) {
				t.Errorf("From = %v, want address %q", p.From, tt.fromAddr)
			}
			if tt.subject != "" && p.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", p.Subject, tt.subject)
			}
			for _, s := range tt.text {
				if !strings.Contains(p.Text, s) {
					t.Errorf("Text = %q, want it to contain %q", p.Text, s)
				}
			}
			for _, s := range tt.notText {
				if strings.Contains(p.Text, s) {
					t.Errorf("Text = %q, must not contain %q", p.Text, s)
				}
			}
			if tt.html != "" && !strings.Contains(p.HTML, tt.html) {
				t.Errorf("HTML = %q, want it to contain %q", p.HTML, tt.html)
			}
			if tt.date != "" && p.Date.Format(time.RFC3339) != tt.date {
				t.Errorf("Date = %v, want %s", p.Date, tt.date)
			}
			if tt.noProblems && len(p.Problems) > 0 {
				t.Errorf("Problems = %q, want none", p.Problems)
			}
			for _, want := range tt.problems {
				if !containsSub(p.Problems, want) {
					t.Errorf("Problems = %q, want one containing %q", p.Problems, want)
				}
			}
			if tt.deliveredTo != nil && fmt.Sprint(p.DeliveredTo) != fmt.Sprint(tt.deliveredTo) {
				t.Errorf("DeliveredTo = %q, want %q", p.DeliveredTo, tt.deliveredTo)
			}
			if p.Auto.Is {
				t.Errorf("Auto = %+v, want not automatic", p.Auto)
			}
		})
	}
}

func containsSub(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestParseHeaders(t *testing.T) {
	p := parseFile(t, "alternative.eml", "", 0)
	if got := fmt.Sprint(p.InReplyTo); got != "[KL-2026-0001.1@example.nl]" {
		t.Errorf("InReplyTo = %s", got)
	}
	if got := fmt.Sprint(p.References); got != "[root@example.com KL-2026-0001.1@example.nl]" {
		t.Errorf("References = %s", got)
	}
	if len(p.Cc) != 2 || p.Cc[0].Name != "Jansen, Anna" || p.Cc[1].Address != "bob@example.com" {
		t.Errorf("Cc = %v", p.Cc)
	}
	if len(p.ReplyTo) != 1 || p.ReplyTo[0].Address != "piet.prive@example.com" {
		t.Errorf("ReplyTo = %v", p.ReplyTo)
	}
	if got := p.Header.Get("Message-Id"); got != "<alt-1@example.com>" {
		t.Errorf("Header Message-Id = %q", got)
	}

	p = parseFile(t, "malformed_header.eml", "", 0)
	var addrs []string
	for _, a := range p.To {
		addrs = append(addrs, a.Address)
	}
	if got := strings.Join(addrs, ","); got != "info@example.nl,goed@example.com" {
		t.Errorf("lenient To = %s", got)
	}
	if fmt.Sprint(p.InReplyTo) != "[ok-id@example.com]" {
		t.Errorf("lenient In-Reply-To = %v", p.InReplyTo)
	}
}

func TestParseAttachments(t *testing.T) {
	dir := t.TempDir()
	p := parseFile(t, "attachment_rfc2231.eml", dir, 1<<20)
	if p.Text != "Zie bijlage." {
		t.Errorf("Text = %q", p.Text)
	}
	want := []struct {
		name, ct string
		data     string
	}{
		{"klächt bijlage.pdf", "application/pdf", "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"},
		{"foto één.jpg", "image/jpeg", "JPEGDATA"},
		{"passwd", "application/octet-stream", "evil"},
	}
	if len(p.Attachments) != len(want) {
		t.Fatalf("got %d attachments, want %d: %+v", len(p.Attachments), len(want), p.Attachments)
	}
	for i, w := range want {
		a := p.Attachments[i]
		t.Run(w.name, func(t *testing.T) {
			if a.Filename != w.name || a.ContentType != w.ct {
				t.Errorf("got %q %q, want %q %q", a.Filename, a.ContentType, w.name, w.ct)
			}
			data := w.data
			sum := sha256.Sum256([]byte(data))
			sha := hex.EncodeToString(sum[:])
			if a.SHA256 != sha || a.Size != int64(len(data)) {
				t.Errorf("sha %s size %d, want %s %d", a.SHA256, a.Size, sha, len(data))
			}
			if a.Path != filepath.Join(dir, sha[:2], sha) {
				t.Errorf("Path = %q", a.Path)
			}
			got, err := os.ReadFile(a.Path)
			if err != nil || string(got) != data {
				t.Errorf("file content %q, %v", got, err)
			}
			fi, err := os.Stat(a.Path)
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("file mode %v, %v", fi.Mode(), err)
			}
			di, err := os.Stat(filepath.Dir(a.Path))
			if err != nil || di.Mode().Perm() != 0o700 {
				t.Errorf("dir mode %v, %v", di.Mode(), err)
			}
		})
	}
	// Parsing again reuses the content-addressed files and leaves no temporaries.
	parseFile(t, "attachment_rfc2231.eml", dir, 1<<20)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestParseForwardedMessage(t *testing.T) {
	p := parseFile(t, "forwarded_rfc822.eml", "", 0)
	if len(p.Attachments) != 1 || p.Attachments[0].ContentType != "message/rfc822" || p.Attachments[0].Filename != "" {
		t.Fatalf("Attachments = %+v", p.Attachments)
	}
	if p.Text != "Doorgestuurd." {
		t.Errorf("Text = %q (the embedded message must not be read as body)", p.Text)
	}
	if p.Auto.Is || len(p.Auto.BouncedMessageIDs) > 0 {
		t.Errorf("Auto = %+v", p.Auto)
	}
}

func TestParseTooLarge(t *testing.T) {
	dir := t.TempDir()
	msg := buildAttachmentMessage(t, 1000, "groot.bin")
	p, err := Parse(bytes.NewReader(msg), dir, 999)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Attachments) != 1 {
		t.Fatalf("Attachments = %+v", p.Attachments)
	}
	a := p.Attachments[0]
	if !a.TooLarge || a.Size != 1000 || a.Path != "" || a.SHA256 != "" || a.Filename != "groot.bin" {
		t.Errorf("attachment = %+v, want TooLarge with Size 1000 and no path", a)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left in %s: %v", dir, entries)
	}
	// Exactly at the limit is stored.
	p, err = Parse(bytes.NewReader(msg), dir, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if a := p.Attachments[0]; a.TooLarge || a.Size != 1000 || a.Path == "" {
		t.Errorf("attachment at the limit = %+v", a)
	}
}

// buildAttachmentMessage returns a message with a text part and a base64
// attachment of size bytes of deterministic content.
func buildAttachmentMessage(t *testing.T, size int, name string) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("From: groot@example.com\r\nTo: info@example.nl\r\nSubject: groot\r\n" +
		"Message-ID: <groot@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"G\"\r\n\r\n" +
		"--G\r\nContent-Type: text/plain\r\n\r\nZie bijlage.\r\n" +
		"--G\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	b.Write(base64Lines(patternReader(size)))
	b.WriteString("\r\n--G--\r\n")
	return b.Bytes()
}

func patternReader(n int) io.Reader {
	return io.LimitReader(&patternSource{}, int64(n))
}

type patternSource struct{ i byte }

func (p *patternSource) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = p.i
		p.i = p.i*31 + 7
	}
	return len(b), nil
}

// base64Lines encodes r as base64 in 76-character lines.
func base64Lines(r io.Reader) []byte {
	var out bytes.Buffer
	raw, _ := io.ReadAll(r)
	const chunk = 57
	enc := make([]byte, 76)
	for len(raw) > 0 {
		n := min(chunk, len(raw))
		m := encodeBase64(enc, raw[:n])
		out.Write(enc[:m])
		out.WriteString("\r\n")
		raw = raw[n:]
	}
	return out.Bytes()
}

// newBigMessage streams a message with a base64 attachment of size bytes
// without ever holding it whole, so the test measures Parse, not the fixture.
func newBigMessage(size int64) io.Reader {
	head := "From: groot@example.com\r\nTo: info@example.nl\r\nSubject: groot\r\n" +
		"Message-ID: <groot@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"G\"\r\n\r\n" +
		"--G\r\nContent-Type: text/plain\r\n\r\nZie bijlage.\r\n" +
		"--G\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"groot.pdf\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n"
	return io.MultiReader(strings.NewReader(head), &base64Stream{src: io.LimitReader(&patternSource{}, size)},
		strings.NewReader("\r\n--G--\r\n"))
}

type base64Stream struct {
	src io.Reader
	buf []byte
	in  [57]byte
	out [78]byte
}

func (s *base64Stream) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		n, err := io.ReadFull(s.src, s.in[:])
		if n == 0 {
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			return 0, err
		}
		m := encodeBase64(s.out[:], s.in[:n])
		s.out[m], s.out[m+1] = '\r', '\n'
		s.buf = s.out[:m+2]
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

func encodeBase64(dst, src []byte) int {
	base64.StdEncoding.Encode(dst, src)
	return base64.StdEncoding.EncodedLen(len(src))
}

func TestParseLargeAttachmentStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("25 MB attachment")
	}
	const size = 25 << 20
	dir := t.TempDir()

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	p, err := Parse(newBigMessage(size), dir, 30<<20)
	elapsed := time.Since(start)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("25 MiB attachment: %v, TotalAlloc during Parse %.1f MiB, peak HeapInuse %.1f MiB (before %.1f MiB)",
		elapsed, float64(alloc)/(1<<20), float64(peak.Load())/(1<<20), float64(before.HeapInuse)/(1<<20))
	if len(p.Attachments) != 1 || p.Attachments[0].Size != size || p.Attachments[0].Path == "" {
		t.Fatalf("Attachments = %+v", p.Attachments)
	}
	if alloc > 20<<20 {
		t.Errorf("Parse allocated %d MiB for a 25 MiB attachment; it must stream", alloc>>20)
	}
	if peak.Load() > 50<<20 {
		t.Errorf("peak HeapInuse %d MiB; want well under 100 MiB", peak.Load()>>20)
	}
	h := sha256.New()
	io.Copy(h, io.LimitReader(&patternSource{}, size))
	if got := hex.EncodeToString(h.Sum(nil)); p.Attachments[0].SHA256 != got {
		t.Errorf("SHA256 = %s, want %s", p.Attachments[0].SHA256, got)
	}
}

func TestParseLargeHeader(t *testing.T) {
	tests := []struct {
		name      string
		filler    int // bytes of X-Filler fields
		truncated bool
	}{
		{"2 MiB header parses", 2 << 20, false},
		{"5 MiB header is cut", 5 << 20, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			b.WriteString("From: kop@example.com\r\nSubject: grote kop\r\nMessage-ID: <kop@example.com>\r\n")
			line := "X-Filler: " + strings.Repeat("x", 990) + "\r\n"
			for b.Len() < tt.filler {
				b.WriteString(line)
			}
			b.WriteString("\r\nDe tekst.\r\n")
			p, err := Parse(&b, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if p.Subject != "grote kop" || p.MessageID != "kop@example.com" {
				t.Errorf("Subject %q MessageID %q", p.Subject, p.MessageID)
			}
			if tt.truncated {
				if !containsSub(p.Problems, "header larger than 4 MiB") || p.Text != "" {
					t.Errorf("Problems = %q, Text = %q", p.Problems, p.Text)
				}
			} else if len(p.Problems) > 0 || p.Text != "De tekst.\n" {
				t.Errorf("Problems = %q, Text = %q", p.Problems, p.Text)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{"empty", ""},
		{"no header fields", "just some text\nwithout any header\n"},
		{"blank line first", "\r\nbody only\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if p, err := Parse(strings.NewReader(tt.input), "", 0); err == nil {
				t.Errorf("Parse = %+v, want an error", p)
			}
		})
	}
}

func TestParseAuthResults(t *testing.T) {
	p := parseFile(t, "authres_dkim_fail.eml", "", 0)
	want := []AuthResult{
		{"mx.example.nl", "dkim", "fail"},
		{"mx.example.nl", "spf", "pass"},
		{"mx.example.nl", "dmarc", "pass"},
	}
	if fmt.Sprint(p.AuthResults) != fmt.Sprint(want) {
		t.Errorf("AuthResults = %v, want %v", p.AuthResults, want)
	}
	failed, reason := p.AuthFailed()
	if !failed || reason != "dkim=fail (mx.example.nl)" {
		t.Errorf("AuthFailed = %v %q", failed, reason)
	}

	tests := []struct {
		name    string
		results []AuthResult
		failed  bool
	}{
		{"all pass", []AuthResult{{"mx", "dkim", "pass"}, {"mx", "spf", "pass"}}, false},
		{"dmarc fail", []AuthResult{{"mx", "dmarc", "fail"}}, true},
		{"spf hardfail", []AuthResult{{"mx", "spf", "hardfail"}}, true},
		{"spf softfail", []AuthResult{{"mx", "spf", "softfail"}}, false},
		{"arc fail does not count", []AuthResult{{"mx", "arc", "fail"}}, false},
		{"none", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Parsed{AuthResults: tt.results}
			if got, _ := p.AuthFailed(); got != tt.failed {
				t.Errorf("AuthFailed = %v, want %v", got, tt.failed)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: multipart/alternative; boundary=y\n\n--y\n"))
	f.Add([]byte("From: a@b\nContent-Type: message/delivery-status\n\n\n\nAction: failed\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		p, err := Parse(bytes.NewReader(b), dir, 1<<16)
		if err != nil {
			return
		}
		if p == nil {
			t.Fatal("nil Parsed without error")
		}
		for _, a := range p.Attachments {
			if a.Path != "" && !strings.HasPrefix(a.Path, dir) {
				t.Fatalf("attachment stored outside filesDir: %s", a.Path)
			}
		}
		_ = HTMLToText(p.HTML)
	})
}
