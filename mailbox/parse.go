package mailbox

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	msgmail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
	"github.com/emersion/go-msgauth/authres"
)

// Limits that keep a hostile message from exhausting memory.
const (
	// maxHeaderBytes bounds a header block. go-message's default is 1 MiB;
	// real mail with long Received chains or DKIM/ARC sets stays far below 4 MiB.
	maxHeaderBytes = 4 << 20
	// maxTextBytes bounds each text body kept in memory (Text, HTML).
	maxTextBytes = 4 << 20
	// maxEmbeddedHeader bounds the header read from a message/rfc822,
	// text/rfc822-headers or message/delivery-status part.
	maxEmbeddedHeader = 1 << 20
	// maxDepth bounds multipart nesting.
	maxDepth = 32
	// maxParts bounds the number of body parts walked.
	maxParts = 1000
)

// Attachment is a non-text part of a message, stored content-addressed.
type Attachment struct {
	Filename    string // decoded (RFC 2231 / encoded words), without directories; "" → caller may name it
	ContentType string // lower case, without parameters
	Size        int64
	SHA256      string // hex; "" when TooLarge
	Path        string // content-addressed file: filesDir/<sha[:2]>/<sha>, 0600, dirs 0700; "" if not stored
	TooLarge    bool   // larger than the limit: not stored (Path ""), Size is what was read (limit+1)
}

// Parsed is what Parse found in one message. Text and HTML use "\n" line ends.
type Parsed struct {
	MessageID   string   // without <>; "" if missing
	InReplyTo   []string // without <>
	References  []string // without <>
	From        *mail.Address
	ReplyTo     []*mail.Address
	To, Cc      []*mail.Address
	DeliveredTo []string // all Delivered-To / X-Original-To values, lowercased
	Subject     string   // decoded
	Date        time.Time
	Text        string // text/plain in UTF-8, or a text rendering of the HTML for HTML-only mail
	HTML        string // the text/html part, if any (UTF-8)
	Attachments []Attachment
	Auto        Automatic
	AuthResults []AuthResult
	Header      message.Header // the top-level header
	Problems    []string       // non-fatal problems met while parsing
}

// AuthResult is one result of an Authentication-Results header (RFC 8601).
type AuthResult struct {
	AuthServID string // e.g. "mx.example.nl"
	Method     string // e.g. "dkim", "spf", "dmarc"
	Result     string // e.g. "pass", "fail"
}

// AuthFailed reports whether any DKIM, SPF or DMARC result is "fail" (SPF
// "hardfail" counts too), with a reason such as "dkim=fail (mx.example.nl)".
// The results are whatever headers the message carries: only the ones added
// by the receiving server (its authserv-id) can be trusted.
func (p *Parsed) AuthFailed() (bool, string) {
	var reasons []string
	for _, r := range p.AuthResults {
		switch r.Method {
		case "dkim", "spf", "dmarc":
		default:
			continue
		}
		if r.Result == "fail" || (r.Method == "spf" && r.Result == "hardfail") {
			reasons = append(reasons, fmt.Sprintf("%s=%s (%s)", r.Method, r.Result, r.AuthServID))
		}
	}
	if len(reasons) == 0 {
		return false, ""
	}
	return true, strings.Join(reasons, ", ")
}

// Parse reads a whole message from r and returns what it found. It streams:
// bodies are never held whole except text parts (each up to 4 MiB), and
// attachments up to maxAttachment bytes (no limit if maxAttachment <= 0) are
// written to content-addressed files under filesDir; with filesDir "" they are
// measured and hashed but not stored. Malformed input gives a Parsed with
// Problems; the error is non-nil only when no header could be read at all.
func Parse(r io.Reader, filesDir string, maxAttachment int64) (*Parsed, error) {
	p := &Parsed{}
	br := bufio.NewReaderSize(r, 32<<10)
	rawHeader, complete, err := readRawHeader(br, maxHeaderBytes)
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	cleanHeader, dropped := sanitizeHeader(rawHeader)
	for _, line := range dropped {
		p.problemf("dropped malformed header line %q", truncate(line, 80))
	}
	if len(bytes.TrimSpace(cleanHeader)) == 0 {
		if len(rawHeader) == 0 {
			return nil, errors.New("read header: empty message")
		}
		return nil, errors.New("read header: no header fields")
	}
	var body io.Reader = br
	if !complete {
		p.problemf("header larger than %d MiB: truncated, body not read", maxHeaderBytes>>20)
		body = strings.NewReader("")
	}
	cleanHeader = append(cleanHeader, "\r\n"...)

	e, err := message.ReadWithOptions(io.MultiReader(bytes.NewReader(cleanHeader), body),
		&message.ReadOptions{MaxHeaderBytes: -1})
	if e == nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	p.Header = e.Header

	ps := &parser{p: p, filesDir: filesDir, max: maxAttachment}
	if ps.max <= 0 {
		ps.max = math.MaxInt64 - 1
	}
	ps.parseHeader()
	ps.walk(e, err, "1", 0, "")

	p.Text = strings.Join(ps.plain, "\n\n")
	p.HTML = strings.Join(ps.html, "\n")
	if strings.TrimSpace(p.Text) == "" && p.HTML != "" {
		p.Text = HTMLToText(p.HTML)
	}
	p.Auto = detectAutomatic(p, &ps.ev)
	return p, nil
}

// parser holds the state of one Parse call.
type parser struct {
	p        *Parsed
	filesDir string
	max      int64
	parts    int
	plain    []string
	html     []string
	textSize int
	ev       autoEvidence
}

func (p *Parsed) problemf(format string, args ...any) {
	p.Problems = append(p.Problems, fmt.Sprintf(format, args...))
}

// parseHeader fills the header-derived fields of Parsed.
func (ps *parser) parseHeader() {
	p := ps.p
	h := msgmail.Header{Header: p.Header}

	if v := h.Get("Message-Id"); v != "" {
		id, err := h.MessageID()
		if err != nil || id == "" {
			id = lenientMsgID(v)
			p.problemf("Message-ID unparseable: %q", truncate(v, 200))
		}
		p.MessageID = id
	}
	p.InReplyTo = ps.msgIDList(h, "In-Reply-To")
	p.References = ps.msgIDList(h, "References")

	if from := ps.addressList(h, "From"); len(from) > 0 {
		p.From = from[0]
		if !utf8.ValidString(p.From.Name) {
			p.From.Name = toUTF8(p.From.Name)
			p.problemf("From name has raw non-UTF-8 bytes: decoded as windows-1252")
		}
	}
	p.ReplyTo = ps.addressList(h, "Reply-To")
	p.To = ps.addressList(h, "To")
	p.Cc = ps.addressList(h, "Cc")

	for _, key := range []string{"Delivered-To", "X-Original-To"} {
		for _, v := range h.Values(key) {
			v = strings.ToLower(strings.Trim(strings.TrimSpace(v), "<>"))
			if v != "" {
				p.DeliveredTo = append(p.DeliveredTo, v)
			}
		}
	}

	subj, err := h.Subject()
	if err != nil {
		p.problemf("Subject not fully decoded: %v", err)
	}
	if !utf8.ValidString(subj) {
		// Raw 8-bit bytes that are not UTF-8 (RFC 6532 allows only UTF-8).
		subj = toUTF8(subj)
		p.problemf("Subject has raw non-UTF-8 bytes: decoded as windows-1252")
	}
	p.Subject = subj

	if v := h.Get("Date"); v != "" {
		d, err := h.Date()
		if err != nil {
			p.problemf("Date header unparseable: %q", truncate(v, 100))
		} else {
			p.Date = d
		}
	}

	for _, v := range h.Values("Authentication-Results") {
		id, results, err := authres.Parse(v)
		if err != nil {
			p.problemf("Authentication-Results unparseable: %v", err)
			continue
		}
		for _, r := range results {
			if ar, ok := authResult(id, r); ok {
				p.AuthResults = append(p.AuthResults, ar)
			}
		}
	}
}

func authResult(id string, r authres.Result) (AuthResult, bool) {
	ar := AuthResult{AuthServID: id}
	switch r := r.(type) {
	case *authres.DKIMResult:
		ar.Method, ar.Result = "dkim", string(r.Value)
	case *authres.SPFResult:
		ar.Method, ar.Result = "spf", string(r.Value)
	case *authres.DMARCResult:
		ar.Method, ar.Result = "dmarc", string(r.Value)
	case *authres.ARCResult:
		ar.Method, ar.Result = "arc", string(r.Value)
	case *authres.AuthResult:
		ar.Method, ar.Result = "auth", string(r.Value)
	case *authres.DomainKeysResult:
		ar.Method, ar.Result = "domainkeys", string(r.Value)
	case *authres.IPRevResult:
		ar.Method, ar.Result = "iprev", string(r.Value)
	case *authres.SenderIDResult:
		ar.Method, ar.Result = "sender-id", string(r.Value)
	case *authres.GenericResult:
		ar.Method, ar.Result = strings.ToLower(r.Method), string(r.Value)
	default:
		return ar, false
	}
	return ar, true
}

var msgIDPattern = regexp.MustCompile(`<([^<>\s]+)>`)

func (ps *parser) msgIDList(h msgmail.Header, key string) []string {
	v := h.Get(key)
	if v == "" {
		return nil
	}
	ids, err := h.MsgIDList(key)
	if err == nil {
		return ids
	}
	var out []string
	for _, m := range msgIDPattern.FindAllStringSubmatch(v, -1) {
		out = append(out, m[1])
	}
	ps.p.problemf("%s header not fully parseable, kept %d ids: %v", key, len(out), err)
	return out
}

// lenientMsgID returns the id of a Message-ID value that the strict parser
// refused: the first <…> or else the trimmed value if it has no spaces.
func lenientMsgID(v string) string {
	if m := msgIDPattern.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	v = strings.Trim(strings.TrimSpace(v), "<>")
	if v == "" || strings.ContainsAny(v, " \t\r\n") {
		return ""
	}
	return v
}

var bareAddrPattern = regexp.MustCompile(`[^\s<>"(),;:@\[\]]+@[^\s<>"(),;:@\[\]]+`)

// addressList parses an address header; if the whole list fails, each
// comma-separated element is tried alone and a bare address is salvaged from
// the ones that still fail.
func (ps *parser) addressList(h msgmail.Header, key string) []*mail.Address {
	v := h.Get(key)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	list, err := h.AddressList(key)
	if err == nil {
		return list
	}
	var out []*mail.Address
	for _, item := range splitAddressList(v) {
		if strings.TrimSpace(item) == "" {
			continue
		}
		if a, err := msgmail.ParseAddress(item); err == nil {
			out = append(out, a)
			continue
		}
		if m := bareAddrPattern.FindString(item); m != "" {
			a := &mail.Address{Address: strings.Trim(m, ".")}
			if i := strings.IndexByte(item, '<'); i > 0 {
				name := strings.Trim(strings.TrimSpace(item[:i]), `"`)
				if dec, err := decodeWords(name); err == nil {
					name = dec
				}
				a.Name = name
			}
			out = append(out, a)
		}
	}
	ps.p.problemf("%s header unparseable (%v): recovered %d address(es)", key, err, len(out))
	return out
}

// splitAddressList splits an address list on commas outside quotes, angle
// brackets and comments.
func splitAddressList(v string) []string {
	var out []string
	var quoted bool
	var angle, comment int
	start := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"' && comment == 0:
			quoted = !quoted
		case quoted:
		case c == '(':
			comment++
		case c == ')' && comment > 0:
			comment--
		case c == '<' && comment == 0:
			angle++
		case c == '>' && angle > 0 && comment == 0:
			angle--
		case c == ',' && angle == 0 && comment == 0:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

func decodeWords(s string) (string, error) {
	var h message.Header
	h.Set("X", s)
	return h.Text("X")
}

// walk visits one entity. num is its IMAP-style part number, used in
// Problems; parentType is the media type of the enclosing multipart.
func (ps *parser) walk(e *message.Entity, readErr error, num string, depth int, parentType string) {
	ps.parts++
	mt, params, err := e.Header.ContentType()
	if err != nil {
		if e.Header.Get("Content-Type") != "" {
			ps.p.problemf("bad Content-Type in part %s: %v", num, err)
		}
		mt, params = "", nil
	}
	if mt == "" {
		// RFC 2045 §5.2 default, except in a digest (RFC 2046 §5.1.5).
		mt = "text/plain"
		if parentType == "multipart/digest" {
			mt = "message/rfc822"
		}
	}
	if readErr != nil {
		switch {
		case message.IsUnknownEncoding(readErr):
			ps.p.problemf("unknown transfer encoding %q in part %s: kept raw body",
				e.Header.Get("Content-Transfer-Encoding"), num)
		case message.IsUnknownCharset(readErr):
			// reported by readText, which also repairs the bytes
		default:
			ps.p.problemf("part %s: %v", num, readErr)
		}
	}

	if strings.HasPrefix(mt, "multipart/") {
		ps.walkMultipart(e, mt, params, num, depth)
		return
	}

	disp, dparams, derr := e.Header.ContentDisposition()
	if derr != nil && e.Header.Get("Content-Disposition") != "" {
		ps.p.problemf("bad Content-Disposition in part %s: %v", num, derr)
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(e.Header.Get("Content-Disposition"))), "attachment") {
			disp = "attachment"
		}
	}
	filename := ps.filename(dparams, params)

	switch {
	case (mt == "text/plain" || mt == "text/html") && disp != "attachment" && filename == "":
		text := ps.readText(e.Body, params["charset"], readErr, num)
		if mt == "text/plain" {
			ps.plain = append(ps.plain, text)
		} else {
			ps.html = append(ps.html, text)
		}
	case mt == "message/delivery-status" || mt == "message/global-delivery-status":
		ps.ev.deliveryStatus = true
		ps.attach(e.Body, filename, mt, num, func(r *bufio.Reader) { ps.readDeliveryStatus(r) })
	case mt == "message/rfc822" || mt == "message/global" ||
		mt == "text/rfc822-headers" || mt == "message/global-headers":
		ps.attach(e.Body, filename, mt, num, func(r *bufio.Reader) { ps.readEmbeddedHeader(r) })
	default:
		ps.attach(e.Body, filename, mt, num, nil)
	}
}

func (ps *parser) walkMultipart(e *message.Entity, mt string, params map[string]string, num string, depth int) {
	if mt == "multipart/report" {
		ps.ev.report = true
		if rt := strings.ToLower(params["report-type"]); rt != "" && ps.ev.reportType == "" {
			ps.ev.reportType = rt
		}
	}
	if depth >= maxDepth {
		ps.p.problemf("part %s: multipart nested deeper than %d: skipped", num, maxDepth)
		return
	}
	mr := e.MultipartReader()
	if mr == nil {
		ps.attach(e.Body, "", mt, num, nil)
		return
	}
	defer mr.Close()
	for i := 1; ; i++ {
		sub := fmt.Sprintf("%d", i)
		if depth > 0 || num != "1" {
			sub = num + "." + sub
		}
		part, err := mr.NextPart()
		if err == io.EOF {
			return
		}
		if part == nil {
			ps.p.problemf("part %s: %v", sub, err)
			return
		}
		if ps.parts >= maxParts {
			ps.p.problemf("more than %d parts: rest skipped", maxParts)
			return
		}
		ps.walk(part, err, sub, depth+1, mt)
	}
}

// filename returns the sanitised attachment name of a part (RFC 2231
// parameters and RFC 2047 words are decoded by go-message).
func (ps *parser) filename(dparams, ctparams map[string]string) string {
	name, ok := dparams["filename"]
	if !ok {
		name = ctparams["name"]
	}
	if name == "" {
		return ""
	}
	if strings.Contains(name, "=?") {
		if dec, err := decodeWords(name); err == nil {
			name = dec
		}
	}
	if !utf8.ValidString(name) {
		name = toUTF8(name)
	}
	// Keep only the last path element and drop control characters.
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." {
		name = ""
	}
	return name
}

// readText reads a text part into a UTF-8 string with "\n" line ends.
func (ps *parser) readText(r io.Reader, cs string, readErr error, num string) string {
	limit := int64(maxTextBytes)
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		ps.p.problemf("part %s: read error: %v", num, err)
	}
	if int64(len(b)) > limit {
		b = b[:limit]
		n, _ := io.Copy(io.Discard, r)
		ps.p.problemf("part %s: text longer than %d MiB: %d bytes dropped", num, maxTextBytes>>20, n+1)
	}
	s := string(b)
	unknown := readErr != nil && message.IsUnknownCharset(readErr)
	if !utf8.ValidString(s) {
		s = toUTF8(s)
		if unknown {
			ps.p.problemf("unknown charset %s in part %s: decoded as windows-1252", cs, num)
		} else {
			ps.p.problemf("invalid %s in part %s: decoded as windows-1252", orDefault(cs, "utf-8"), num)
		}
	} else if unknown {
		ps.p.problemf("unknown charset %s in part %s: kept raw bytes", cs, num)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// toUTF8 decodes s as windows-1252, the usual truth behind mislabelled mail.
func toUTF8(s string) string {
	r, err := charset.Reader("windows-1252", strings.NewReader(s))
	if err == nil {
		if b, err := io.ReadAll(r); err == nil && utf8.Valid(b) {
			return string(b)
		}
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// attach streams a part into a content-addressed file. inspect, if not nil,
// sees the part's bytes as they are stored (for DSN and embedded headers).
func (ps *parser) attach(body io.Reader, filename, mt, num string, inspect func(*bufio.Reader)) {
	a := Attachment{Filename: filename, ContentType: mt}
	hash := sha256.New()
	cnt := &countWriter{}
	writers := []io.Writer{hash, cnt}
	var f *os.File
	if ps.filesDir != "" {
		var err error
		if err = os.MkdirAll(ps.filesDir, 0o700); err == nil {
			f, err = os.CreateTemp(ps.filesDir, ".part-*")
		}
		if err != nil {
			ps.p.problemf("part %s: cannot store attachment: %v", num, err)
			f = nil
		} else {
			defer func() {
				if f != nil {
					f.Close()
					os.Remove(f.Name())
				}
			}()
			writers = append(writers, f)
		}
	}
	src := io.TeeReader(io.LimitReader(body, ps.max+1), io.MultiWriter(writers...))
	var err error
	if inspect != nil {
		br := bufio.NewReader(src)
		inspect(br)
		_, err = io.Copy(io.Discard, br)
	} else {
		_, err = io.Copy(io.Discard, src)
	}
	if err != nil {
		ps.p.problemf("part %s: read error: %v", num, err)
	}
	a.Size = cnt.n
	if a.Size > ps.max {
		a.TooLarge = true
		ps.p.Attachments = append(ps.p.Attachments, a)
		return
	}
	a.SHA256 = hex.EncodeToString(hash.Sum(nil))
	if f != nil {
		path, err := installFile(f, ps.filesDir, a.SHA256, a.Size)
		if err != nil {
			ps.p.problemf("part %s: cannot store attachment: %v", num, err)
		} else {
			f = nil // installed; nothing to clean up
			a.Path = path
		}
	}
	ps.p.Attachments = append(ps.p.Attachments, a)
}

// installFile moves the temporary file f to dir/<sha[:2]>/<sha>. An existing
// file of the right size is kept: the name is its content.
func installFile(f *os.File, dir, sha string, size int64) (string, error) {
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("close: %w", err)
	}
	sub := filepath.Join(dir, sha[:2])
	if err := os.MkdirAll(sub, 0o700); err != nil {
		return "", fmt.Errorf("create dir: %w", err)
	}
	dst := filepath.Join(sub, sha)
	if fi, err := os.Stat(dst); err == nil && fi.Mode().IsRegular() && fi.Size() == size {
		os.Remove(f.Name())
		return dst, nil
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		os.Remove(f.Name())
		return "", fmt.Errorf("stat: %w", err)
	}
	if err := os.Rename(f.Name(), dst); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("rename: %w", err)
	}
	return dst, nil
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// readEmbeddedHeader records the Message-ID of an embedded message or header
// block (message/rfc822, text/rfc822-headers), for bounce matching.
func (ps *parser) readEmbeddedHeader(r *bufio.Reader) {
	ps.ev.embedded = true
	h, ok := readHeaderBlock(r)
	if !ok {
		return
	}
	mh := msgmail.Header{Header: message.Header{Header: h}}
	v := mh.Get("Message-Id")
	if v == "" {
		return
	}
	id, err := mh.MessageID()
	if err != nil || id == "" {
		id = lenientMsgID(v)
	}
	if id != "" {
		ps.ev.embeddedIDs = append(ps.ev.embeddedIDs, id)
	}
}

// readDeliveryStatus reads the field groups of a message/delivery-status
// part (RFC 3464 §2.1): one per-message group, then one group per recipient.
func (ps *parser) readDeliveryStatus(r *bufio.Reader) {
	first := true
	for {
		h, ok := readHeaderBlock(r)
		if !ok {
			return
		}
		if first {
			first = false
			continue
		}
		action := strings.ToLower(strings.TrimSpace(h.Get("Action")))
		rcpt := dsnAddress(h.Get("Final-Recipient"))
		if orig := dsnAddress(h.Get("Original-Recipient")); rcpt == "" {
			rcpt = orig
		}
		if action == "" && rcpt == "" {
			continue
		}
		ps.ev.dsnGroups = append(ps.ev.dsnGroups, dsnGroup{action: action, recipient: rcpt})
	}
}

// dsnAddress returns the address of a Final-Recipient/Original-Recipient
// value "rfc822; user@example.nl" (RFC 3464 §2.3.1-2).
func dsnAddress(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[i+1:]
	}
	return strings.Trim(strings.TrimSpace(v), "<>")
}

// readHeaderBlock reads one header block (up to a blank line) leniently.
func readHeaderBlock(r *bufio.Reader) (textproto.Header, bool) {
	for {
		// Skip blank lines between groups.
		b, err := r.Peek(1)
		if err != nil {
			return textproto.Header{}, false
		}
		if b[0] != '\r' && b[0] != '\n' {
			break
		}
		if _, err := r.ReadByte(); err != nil {
			return textproto.Header{}, false
		}
	}
	raw, _, err := readRawHeader(r, maxEmbeddedHeader)
	if err != nil || len(raw) == 0 {
		return textproto.Header{}, false
	}
	clean, _ := sanitizeHeader(raw)
	clean = append(clean, "\r\n"...)
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(clean)))
	if err != nil && h.Len() == 0 {
		return textproto.Header{}, false
	}
	return h, true
}

// readRawHeader reads the header block from r, up to and including the
// blank line that ends it. complete is false if the block exceeds max bytes;
// the bytes read so far are returned. EOF ends the header without error.
func readRawHeader(r *bufio.Reader, max int) (raw []byte, complete bool, err error) {
	atLineStart := true
	for {
		line, err := r.ReadSlice('\n')
		if len(raw)+len(line) > max {
			raw = append(raw, line[:max-len(raw)]...)
			return raw, false, nil
		}
		raw = append(raw, line...)
		if atLineStart && isBlankLine(line) {
			return raw, true, nil
		}
		switch {
		case err == bufio.ErrBufferFull:
			atLineStart = false
		case err == io.EOF:
			return raw, true, nil
		case err != nil:
			return raw, true, err
		default:
			atLineStart = true
		}
	}
}

func isBlankLine(line []byte) bool {
	return string(line) == "\n" || string(line) == "\r\n"
}

// sanitizeHeader drops the lines of a raw header block that go-message would
// refuse (no field name, a bad field name, a continuation without a field),
// removes the terminating blank line and a field cut off at the end of an
// incomplete block, and returns the clean block with CRLF line ends.
func sanitizeHeader(raw []byte) (clean []byte, dropped []string) {
	lines := bytes.SplitAfter(raw, []byte("\n"))
	var inField bool
	for _, line := range lines {
		content := bytes.TrimRight(line, "\r\n")
		if len(content) == 0 {
			break // the blank line that ends the header
		}
		if content[0] == ' ' || content[0] == '\t' {
			if inField {
				clean = append(clean, content...)
				clean = append(clean, "\r\n"...)
			} else {
				dropped = append(dropped, string(content))
			}
			continue
		}
		if validFieldStart(content) {
			inField = true
			clean = append(clean, content...)
			clean = append(clean, "\r\n"...)
			continue
		}
		inField = false
		dropped = append(dropped, string(content))
	}
	return clean, dropped
}

// validFieldStart reports whether line starts with a field name (RFC 5322
// §2.2: printable ASCII except ":") followed, perhaps after blanks, by ":".
func validFieldStart(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	name := bytes.TrimRight(line[:i], " \t")
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
