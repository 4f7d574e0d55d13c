// Package hostile generates a corpus of hostile mail for klachtd's intake:
// every charset (right, wrong and unknown), broken MIME, every script and
// kind of odd Unicode, NUL bytes, huge headers, header injection,
// path-traversal attachment names, a large attachment, forged subject tags
// and reply-token addresses, and every kind of automatic mail (RFC 3834
// auto-replies, RFC 3464 delivery status notifications, the Exchange, Apple
// and Gmail vacation conventions, mailing lists and bulk mail).
//
// The corpus is written afresh here and is deterministic: the same Options
// give the same bytes. Every mail says what klachtd must do with it
// (Expect), so that a test can check the outcome of each one exactly. The
// e2e tests send it through a real Postfix; daemon's fuzz test seeds from it.
package hostile

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
)

// Expect is what klachtd must make of a mail.
type Expect string

const (
	// Complaint: exactly one dossier whose complainant is Mail.Complainant,
	// acknowledged to that address exactly once.
	Complaint Expect = "complaint"
	// Automatic: filed, never a dossier, never a letter to anybody outside.
	Automatic Expect = "automatic"
	// Suspicious: a forged or unknown reply-token address. Filed as
	// suspicious, the officer is alerted, no dossier changes or opens.
	Suspicious Expect = "suspicious"
	// Quarantine: it cannot be a complaint (no usable sender, staff mail
	// outside any dossier): quarantined with a reason, no letter.
	Quarantine Expect = "quarantine"
	// Filed: threads into an existing dossier by a subject tag it should
	// not have (a forged tag of somebody else's dossier); filed, no new
	// dossier, and nothing goes to its sender.
	Filed Expect = "filed"
)

// Mail is one hostile message.
type Mail struct {
	Case         string // unique id, "h001"; also in the X-Hostile-Case header
	Name         string // what it tries
	Group        string // charset, mime, unicode, size, injection, filename, forged, automatic
	Expect       Expect
	EnvelopeFrom string // SMTP MAIL FROM ("" for bounces)
	Rcpt         string // SMTP RCPT TO: the intake address or one of its plus-addresses
	Complainant  string // Complaint: the address that must be the complainant
	Raw          []byte // the message, CRLF line ends
}

// Options are the addresses and sizes the corpus is made for.
type Options struct {
	Intake       string    // the intake address, info@example.nl
	Complainant  string    // complaints come from its plus-addresses: klant+h001@example.com
	Auto         string    // automatic mail comes from its plus-addresses: auto+h101@example.com
	MailerDaemon string    // From of bounces, mailer-daemon@example.com
	Postmaster   string    // From of Exchange-style bounces, postmaster@example.com
	Staff        string    // a staff address, piet@example.nl
	Victim       string    // header injection tries to reach this address
	Prefix       string    // dossier number prefix, "KL"
	Year         int       // the year of the dossier numbers
	Date         time.Time // Date header of every mail
	// Big is the size of the large attachment in bytes (25 MiB in the
	// e2e test); 0 leaves that mail out.
	Big int
	// Escape is the absolute path prefix that path-traversal file names
	// aim at ("/tmp/klachtd-escape-"); a test checks nothing appears there.
	Escape string
	// Seed makes the random parts (large bodies, noise) reproducible.
	Seed uint64
}

// Default returns options for the e2e mail stack's addresses.
func Default(now time.Time) Options {
	return Options{
		Intake:       "info@example.nl",
		Complainant:  "klant@example.com",
		Auto:         "auto@example.com",
		MailerDaemon: "mailer-daemon@example.com",
		Postmaster:   "postmaster@example.com",
		Staff:        "piet@example.nl",
		Victim:       "victim@example.com",
		Prefix:       "KL",
		Year:         now.Year(),
		Date:         now,
		Escape:       "/tmp/klachtd-escape-",
		Seed:         1,
	}
}

// plus makes local+tag@domain.
func plus(addr, tag string) string {
	local, domain, _ := strings.Cut(addr, "@")
	return local + "+" + tag + "@" + domain
}

// gen builds the corpus.
type gen struct {
	o    Options
	rng  *rand.Rand
	out  []Mail
	next int
}

// Corpus returns the hostile corpus for o, in sending order. Mails that use
// a dossier number that must already exist (a forged tag of somebody else's
// dossier) come after the complaints that open it.
func Corpus(o Options) []Mail {
	g := &gen{o: o, rng: rand.New(rand.NewPCG(o.Seed, 0x6b6c61636874))}
	g.charsets()
	g.wrongCharsets()
	g.unicode()
	g.brokenMIME()
	g.sizes()
	g.injection()
	g.filenames()
	g.automatic()
	g.forged()
	return g.out
}

// msg is a message under construction.
type msg struct {
	g       *gen
	m       Mail
	headers []string // raw header lines, without CRLF
	body    []byte
}

// newMail starts a mail; its case id is the next number.
func (g *gen) newMail(group, name string, expect Expect) *msg {
	g.next++
	id := fmt.Sprintf("h%03d", g.next)
	m := &msg{g: g, m: Mail{Case: id, Name: name, Group: group, Expect: expect, Rcpt: g.o.Intake}}
	m.header("X-Hostile-Case", id)
	return m
}

// complaint starts a complaint from the case's own plus-address, with the
// usual headers; the caller adds Subject (unless subject is set), the MIME
// headers and the body.
func (g *gen) complaint(group, name string) *msg {
	m := g.newMail(group, name, Complaint)
	m.m.Complainant = plus(g.o.Complainant, m.m.Case)
	m.m.EnvelopeFrom = m.m.Complainant
	m.header("From", "Karin de Klant <"+m.m.Complainant+">")
	m.header("To", g.o.Intake)
	m.header("Date", g.o.Date.Format(time.RFC1123Z))
	m.header("Message-ID", "<"+m.m.Case+".hostile@example.com>")
	return m
}

func (m *msg) header(name, value string) *msg {
	m.headers = append(m.headers, name+": "+value)
	return m
}

// set replaces the value of the first header field called name.
func (m *msg) set(name, value string) *msg {
	for i, h := range m.headers {
		if strings.HasPrefix(h, name+": ") {
			m.headers[i] = name + ": " + value
			return m
		}
	}
	panic("hostile: no header " + name)
}

// raw adds a header line exactly as given.
func (m *msg) raw(line string) *msg {
	m.headers = append(m.headers, line)
	return m
}

// text sets a text/plain body in UTF-8, 8bit.
func (m *msg) text(body string) *msg {
	m.header("MIME-Version", "1.0")
	m.header("Content-Type", "text/plain; charset=utf-8")
	m.header("Content-Transfer-Encoding", "8bit")
	m.body = []byte(crlf(body))
	return m
}

// done finishes the mail and adds it to the corpus.
func (m *msg) done() {
	var b bytes.Buffer
	for _, h := range m.headers {
		b.WriteString(h)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	b.Write(m.body)
	if len(m.body) > 0 && !bytes.HasSuffix(m.body, []byte("\n")) {
		b.WriteString("\r\n")
	}
	m.m.Raw = b.Bytes()
	m.g.out = append(m.g.out, m.m)
}

// crlf turns LF line ends into CRLF (existing CRLF stays).
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// complaintText is an ordinary complaint, to which cases add their oddity.
const complaintText = "Geachte heer, mevrouw,\n\nMijn coachtraject is drie keer afgezegd en ik heb nog steeds geen nieuwe afspraak.\nIk wil graag dat u hier iets aan doet.\n\nMet vriendelijke groet,\nKarin de Klant\n"

// samples are complaint texts in many scripts.
var samples = map[string]string{
	"latin":    "Geachte heer, mevrouw: café, één, naïef, Müller, Ångström, Øre, ß, ÿ. Ik ben ontevreden.",
	"latin2":   "Stížnost: ěščřžýáíé, Łódź, Kraków, Győr, Târgu Mureș. Jsem nespokojen.",
	"latin3":   "Plendo: ĉu ĝi ŝanĝas ĥoron? Ħal Għargħur, Ġużè. Mi plendas.",
	"baltic":   "Skundas: ąčęėįšųūž, Rīga, Pärnu. Esu nepatenkintas.",
	"cyrillic": "Здравствуйте! Я недоволен обслуживанием. Жалоба на тренера, Ёжик, Ґанок.",
	"greek":    "Καλημέρα σας, έχω ένα παράπονο για την υπηρεσία. Ευχαριστώ.",
	"hebrew":   "שלום, יש לי תלונה על השירות. תודה רבה.",
	"arabic":   "مرحبا، لدي شكوى بشأن الخدمة. شكرا جزيلا.",
	"turkish":  "Merhaba, şikâyetim var: ğüşıöçİ. Teşekkürler.",
	"thai":     "สวัสดีครับ ฉันมีข้อร้องเรียนเกี่ยวกับบริการ ขอบคุณ",
	"viet":     "Xin chào, tôi có khiếu nại về dịch vụ. Cảm ơn.",
	"japanese": "こんにちは。サービスについて苦情があります。コーチの予約が三回キャンセルされました。",
	"chinese":  "您好，我要投诉。教练三次取消了预约，服务很差。",
	"hanzi":    "您好，我要投訴。教練三次取消了預約，服務很差。",
	"korean":   "안녕하세요. 서비스에 대해 불만이 있습니다. 코치가 세 번 취소했습니다.",
	"nordic":   "Hei, jeg har en klage: æøå ÆØÅ, Þórður, Ðoð.",
	"celtic":   "Dia dhuit, tá gearán agam: ẁ ẃ ẅ ỳ ŵ ŷ Ḃ ḃ.",
	"euro":     "Ik betaalde € 250,– voor “niets”; ‘sorry’ is niet genoeg… ™ • † ‰",
}

// charsetCase is a charset and the sample written in it.
type charsetCase struct {
	label, sample string
}

var charsetCases = []charsetCase{
	{"utf-8", "euro"}, {"iso-8859-1", "latin"}, {"iso-8859-2", "latin2"}, {"iso-8859-3", "latin3"},
	{"iso-8859-4", "baltic"}, {"iso-8859-5", "cyrillic"}, {"iso-8859-6", "arabic"}, {"iso-8859-7", "greek"},
	{"iso-8859-8", "hebrew"}, {"iso-8859-8-i", "hebrew"}, {"iso-8859-10", "nordic"}, {"iso-8859-13", "baltic"},
	{"iso-8859-14", "celtic"}, {"iso-8859-15", "euro"}, {"iso-8859-16", "latin2"}, {"windows-874", "thai"},
	{"windows-1250", "latin2"}, {"windows-1251", "cyrillic"}, {"windows-1252", "euro"}, {"windows-1253", "greek"},
	{"windows-1254", "turkish"}, {"windows-1255", "hebrew"}, {"windows-1256", "arabic"}, {"windows-1257", "baltic"},
	{"windows-1258", "viet"}, {"koi8-r", "cyrillic"}, {"koi8-u", "cyrillic"}, {"macintosh", "latin"},
	{"ibm866", "cyrillic"}, {"shift_jis", "japanese"}, {"euc-jp", "japanese"}, {"iso-2022-jp", "japanese"},
	{"gbk", "chinese"}, {"gb18030", "chinese"}, {"gb2312", "chinese"}, {"big5", "hanzi"}, {"euc-kr", "korean"},
	{"utf-16le", "korean"}, {"utf-16be", "arabic"}, {"utf-16", "greek"},
}

// encodeIn writes s in the charset label; characters it lacks become '?'.
func encodeIn(label, s string) []byte {
	enc, err := htmlindex.Get(label)
	if err != nil {
		panic(fmt.Sprintf("hostile: charset %s: %v", label, err))
	}
	out, err := encoding.ReplaceUnsupported(enc.NewEncoder()).Bytes([]byte(s))
	if err != nil {
		panic(fmt.Sprintf("hostile: encode in %s: %v", label, err))
	}
	return out
}

// encodedWord is an RFC 2047 encoded word of raw bytes in charset label.
func encodedWord(label string, raw []byte, q bool) string {
	if q {
		var b strings.Builder
		for _, c := range raw {
			switch {
			case c == ' ':
				b.WriteByte('_')
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("!*+-/", c) >= 0:
				// RFC 2047 section 5 (3): the characters allowed
				// unencoded in a Q-encoded word inside a phrase.
				b.WriteByte(c)
			default:
				fmt.Fprintf(&b, "=%02X", c)
			}
		}
		return "=?" + label + "?Q?" + b.String() + "?="
	}
	return "=?" + label + "?B?" + base64.StdEncoding.EncodeToString(raw) + "?="
}

// transfer encodes body with a Content-Transfer-Encoding.
func transfer(cte string, body []byte) []byte {
	switch cte {
	case "base64":
		return wrap64(body)
	case "quoted-printable":
		var b bytes.Buffer
		w := quotedprintable.NewWriter(&b)
		_, _ = w.Write(body)
		_ = w.Close()
		return b.Bytes()
	}
	return body
}

// wrap64 is base64 in 76-character lines.
func wrap64(data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	var b bytes.Buffer
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteString("\r\n")
	return b.Bytes()
}

// charsets: the complaint text, subject and name in every charset Go's
// x/text knows, in 8bit, base64 and quoted-printable.
func (g *gen) charsets() {
	ctes := []string{"8bit", "base64", "quoted-printable"}
	for i, c := range charsetCases {
		text := samples[c.sample]
		cte := ctes[i%len(ctes)]
		if strings.HasPrefix(c.label, "utf-16") && cte == "8bit" {
			cte = "base64" // UTF-16 has NUL bytes and no line structure
		}
		m := g.complaint("charset", c.label+" "+cte)
		body := encodeIn(c.label, "Klacht\n\n"+text+"\n\n"+complaintText)
		if !strings.HasPrefix(c.label, "utf-16") {
			body = []byte(crlf(string(body)))
		}
		subject := encodeIn(c.label, "Klacht: "+firstWords(text, 6))
		name := encodeIn(c.label, firstWords(text, 2))
		if strings.HasPrefix(c.label, "utf-16") {
			// Encoded words in UTF-16 are legal and rare; keep the
			// header in UTF-8 for these.
			subject, name = []byte("Klacht: "+firstWords(text, 6)), []byte(firstWords(text, 2))
			m.header("Subject", encodedWord("utf-8", subject, false))
			m.set("From", encodedWord("utf-8", name, true)+" <"+m.m.Complainant+">")
		} else {
			m.header("Subject", encodedWord(c.label, subject, i%2 == 0))
			m.set("From", encodedWord(c.label, name, i%2 == 1)+" <"+m.m.Complainant+">")
		}
		m.header("MIME-Version", "1.0")
		m.header("Content-Type", "text/plain; charset="+c.label)
		m.header("Content-Transfer-Encoding", cte)
		m.body = transfer(cte, body)
		m.done()
	}
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

// wrongCharsets: labels that lie, labels nobody knows, labels spelled
// every way, and encoded words that break.
func (g *gen) wrongCharsets() {
	latin := encodeIn("iso-8859-1", samples["latin"]+"\n\n"+complaintText)
	utf8 := []byte(samples["cyrillic"] + "\n\n" + complaintText)
	sjis := encodeIn("shift_jis", samples["japanese"]+"\n\n"+complaintText)
	cases := []struct {
		name, ct string
		body     []byte
		cte      string
	}{
		{"latin-1 bytes labelled utf-8", "text/plain; charset=utf-8", latin, "8bit"},
		{"utf-8 bytes labelled us-ascii", "text/plain; charset=us-ascii", utf8, "8bit"},
		{"utf-8 bytes labelled iso-8859-1", "text/plain; charset=iso-8859-1", utf8, "8bit"},
		{"shift_jis bytes labelled utf-8", "text/plain; charset=utf-8", sjis, "base64"},
		{"unknown charset x-klingon", "text/plain; charset=x-klingon", latin, "8bit"},
		{"charset unknown-8bit", "text/plain; charset=unknown-8bit", latin, "8bit"},
		{"empty charset", "text/plain; charset=", utf8, "8bit"},
		{"charset with stray quote", "text/plain; charset=\"utf-8", utf8, "8bit"},
		{"charset utf8 without dash", "text/plain; charset=UTF8", utf8, "8bit"},
		{"charset utf_8", "text/plain; charset=utf_8", utf8, "quoted-printable"},
		{"charset latin1", "text/plain; charset=latin1", latin, "8bit"},
		{"charset cp1252", "text/plain; charset=cp1252", encodeIn("windows-1252", samples["euro"]+"\n"+complaintText), "8bit"},
		{"charset ISO_8859-1:1987", "text/plain; charset=\"ISO_8859-1:1987\"", latin, "quoted-printable"},
		{"charset csISOLatin1", "text/plain; charset=csISOLatin1", latin, "8bit"},
		{"charset ANSI_X3.4-1968", "text/plain; charset=ANSI_X3.4-1968", []byte(complaintText), "8bit"},
		{"charset x-mac-roman", "text/plain; charset=x-mac-roman", encodeIn("macintosh", samples["latin"]), "8bit"},
		{"charset utf-7", "text/plain; charset=utf-7", []byte("Klacht +AOk-n +IKw- 250\r\n" + complaintText), "7bit"},
		{"charset utf-32", "text/plain; charset=utf-32", []byte{0, 0, 0, 'K', 0, 0, 0, 'l', 0, 0, 0, 'a', 0, 0, 0, 'c', 0, 0, 0, 'h', 0, 0, 0, 't'}, "base64"},
		{"charset ucs-2", "text/plain; charset=ucs-2", encodeIn("utf-16be", "Klacht: "+samples["greek"]), "base64"},
		{"charset ks_c_5601-1987 (Outlook)", "text/plain; charset=ks_c_5601-1987", encodeIn("euc-kr", samples["korean"]), "base64"},
		{"charset windows-31j", "text/plain; charset=windows-31j", sjis, "base64"},
		{"charset cp932", "text/plain; charset=cp932", sjis, "base64"},
		{"charset iso-2022-cn (unsupported)", "text/plain; charset=iso-2022-cn", []byte("\x1b$)A\x0e=;4K\x0f Klacht\r\n"), "7bit"},
		{"charset big5-hkscs", "text/plain; charset=big5-hkscs", encodeIn("big5", samples["hanzi"]), "base64"},
		{"charset viscii (unsupported)", "text/plain; charset=viscii", latin, "8bit"},
		{"charset tis-620", "text/plain; charset=tis-620", encodeIn("windows-874", samples["thai"]), "8bit"},
		{"charset hz-gb-2312", "text/plain; charset=hz-gb-2312", []byte("~{<:Ky2;S{#,NR~}Klacht\r\n"), "7bit"},
		{"charset x-user-defined", "text/plain; charset=x-user-defined", latin, "8bit"},
		{"8bit body without any charset", "text/plain", latin, "8bit"},
		{"no Content-Type, 8bit utf-8 body", "", utf8, ""},
		{"charset parameter twice", "text/plain; charset=utf-8; charset=koi8-r", encodeIn("koi8-r", samples["cyrillic"]), "8bit"},
		{"charset in RFC 2231 form", "text/plain; charset*=utf-8''x", utf8, "8bit"},
	}
	for _, c := range cases {
		m := g.complaint("charset", c.name)
		m.header("Subject", "Klacht ("+c.name+")")
		m.header("MIME-Version", "1.0")
		if c.ct != "" {
			m.header("Content-Type", c.ct)
		}
		if c.cte != "" {
			m.header("Content-Transfer-Encoding", c.cte)
		}
		body := c.body
		if c.cte != "base64" {
			body = []byte(crlf(string(body)))
		}
		m.body = transfer(c.cte, body)
		m.done()
	}

	words := []struct{ name, subject, from string }{
		{"encoded word with unknown charset", "=?x-klingon?Q?Klacht_over_tlhIngan?=", "=?x-klingon?B?S2FyaW4=?="},
		{"encoded word with invalid base64", "=?utf-8?B?!!!not*base64***?= Klacht", "=?utf-8?B?S2Fy@@@aW4?="},
		{"encoded word with invalid QP", "=?utf-8?Q?Klacht=ZZ=G=?=", "=?utf-8?Q?Karin=?="},
		{"unterminated encoded word", "=?utf-8?Q?Klacht_zonder_einde", "=?utf-8?B?S2FyaW4"},
		{"encoded word with empty charset", "=??Q?Klacht?=", "=??B??="},
		{"encoded words in latin-1 bytes raw", "Klacht \xe9\xe9n caf\xe9", "Jos\xe9 M\xfcller"},
		{"encoded word splitting a UTF-8 sequence", "=?utf-8?B?S2xhY2h0IOKC?= =?utf-8?B?rCAyNTA=?=", "=?utf-8?Q?Jos=C3?= =?utf-8?Q?=A9?="},
		{"encoded word with language tag (RFC 2231)", "=?utf-8*nl?Q?Klacht_met_taal?=", "=?utf-8*nl?Q?Karin?="},
		{"encoded word in utf-16", "=?utf-16?B?" + base64.StdEncoding.EncodeToString(encodeIn("utf-16le", "Klacht Ω")) + "?=", "=?utf-16be?B?" + base64.StdEncoding.EncodeToString(encodeIn("utf-16be", "Ωmega")) + "?="},
	}
	for _, w := range words {
		m := g.complaint("charset", w.name)
		m.set("From", w.from+" <"+m.m.Complainant+">")
		m.header("Subject", w.subject)
		m.text(complaintText).done()
	}
}

// unicode: every script and every odd code point, in the subject, the
// complainant's name and the body (UTF-8).
func (g *gen) unicode() {
	cases := []struct{ name, text string }{
		{"angry emoji (the fpdf panic of issue 7)", "Ik ben woedend 😡😡😡 over mijn coach."},
		{"flags and ZWJ families", "Gezin 👨‍👩‍👧‍👦, vlag 🇳🇱🇪🇺🏳️‍🌈, duim 👍🏽, 1️⃣ #️⃣."},
		{"emoji only", "😡🤬💩🔥🙈🙉🙊"},
		{"chinese", samples["chinese"]},
		{"japanese", samples["japanese"]},
		{"korean", samples["korean"]},
		{"arabic with diacritics", "شَكْوَى: لَقَدْ أُلْغِيَتْ مَوَاعِيدِي ثَلَاثَ مَرَّاتٍ."},
		{"hebrew with niqqud", "תְּלוּנָה: הַמְאַמֵּן בִּיטֵּל שָׁלֹשׁ פְּעָמִים."},
		{"mixed RTL and LTR", "Klacht KL-2026 شكوى 250 € תלונה done."},
		{"bidi overrides", "Factuur \u202Efdp.exe\u202C en \u202Dabc\u202C \u2067isolaat\u2069 \u200F\u200E."},
		{"devanagari", "नमस्ते, मुझे सेवा के बारे में शिकायत है।"},
		{"thai", samples["thai"]},
		{"tamil", "வணக்கம், எனக்கு ஒரு புகார் உள்ளது."},
		{"khmer", "សួស្តី ខ្ញុំមានពាក្យបណ្តឹង។"},
		{"myanmar", "မင်္ဂလာပါ၊ ကျွန်ုပ်တွင် တိုင်ကြားချက်ရှိသည်။"},
		{"tibetan", "བཀྲ་ཤིས་བདེ་ལེགས། ངར་གདོང་ལེན་ཞིག་ཡོད།"},
		{"ethiopic", "ሰላም፣ ቅሬታ አለኝ።"},
		{"georgian and armenian", "გამარჯობა, საჩივარი მაქვს. Բարեւ, բողոք ունեմ."},
		{"mongolian", "ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ᠌ ᠭᠣᠮᠣᠳᠬᠠᠯ"},
		{"cherokee and canadian syllabics", "ᎣᏏᏲ ᏙᎯᏧ ᐊᒥᐦᑕ ᓀᐦᐃᔭᐍᐏᐣ"},
		{"zalgo combining marks", "K̸̢̛̗̮͓̲̰̠̾̓̈́̉̐̀͘l̵̨̛̻̗͈̈́̀̾͌a̷̡̺̦͔̍̈́̏͐c̶̛̗̹̣̈́̑h̸̢̗̺̟̾͝t̵̙̟̃͊"},
		{"thousands of combining marks on one letter", "a" + strings.Repeat("\u0301\u0308\u0327", 2000) + " klacht"},
		{"zero-width characters", "Kl\u200Bacht\u200C over\u200D de\u2060 co\uFEFFach\u180E en\u00AD zo."},
		{"C0 control characters", "Klacht\x01\x02\x03\x07\x08\x0b\x0c\x0e\x1b[31mROOD\x1b[0m\x7f einde."},
		{"C1 control characters", "Klacht \u0080\u0085\u008d\u009b31m\u009f einde."},
		{"line and paragraph separators", "Regel een\u2028regel twee\u2029alinea drie\u0085NEL."},
		{"private use and noncharacters", "Klacht \uE000\uF8FF \U000F0000 \U0010FFFD \uFDD0 \uFFFE \uFFFF \U0010FFFF."},
		{"mathematical alphanumerics", "𝔎𝔩𝔞𝔠𝔥𝔱 𝕠𝕧𝕖𝕣 𝓂𝒾𝒿𝓃 𝗰𝗼𝗮𝗰𝗵 𝟙𝟚𝟛"},
		{"historic scripts outside the BMP", "Linear B 𐀀𐀁, cuneiform 𒀀𒀁, hieroglyphs 𓀀𓀁, Gothic 𐌰𐌱, music 𝄞𝄢."},
		{"CJK extension B and beyond", "𠀀𠀁𠀂 𪜀 𫝀 𬺰 𰀀 klacht"},
		{"tag characters and variation selectors", "Vlag 🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F, 葛\U000E0100, ✌\uFE0E ✌\uFE0F"},
		{"fullwidth and halfwidth forms", "Ｋｌａｃｈｔ ｏｖｅｒ ﾐﾝﾅ ｺｰﾁ"},
		{"hangul fillers and blank-looking", "\u3164\u115F\u1160\u2800\u3000 klacht \u3164"},
		{"a body of 50000 emoji", strings.Repeat("😡", 50000)},
	}
	for _, c := range cases {
		m := g.complaint("unicode", c.name)
		name := []rune(c.text)
		if len(name) > 40 {
			name = name[:40]
		}
		m.set("From", mime.BEncoding.Encode("utf-8", string(name))+" <"+m.m.Complainant+">")
		subject := []rune("Klacht: " + c.text)
		if len(subject) > 200 {
			subject = subject[:200]
		}
		m.header("Subject", mime.QEncoding.Encode("utf-8", string(subject)))
		m.text(c.text + "\n\n" + complaintText).done()
	}

	// Raw bytes that are not valid UTF-8 or carry NULs, in headers and body.
	raws := []struct{ name, subject, fromName, body string }{
		{"invalid UTF-8 sequences", "Klacht \xff\xfe \xc0\xaf \xed\xa0\x80 \xe2\x82", "Karin \xff", "Klacht \xff\xfe\xfd \xc0\xaf (overlong) \xed\xa0\x80\xed\xb0\x80 (surrogates) \xe2\x82 (cut)\n" + complaintText},
		{"NUL bytes in the body", "Klacht met NUL", "Karin", "Klacht\x00 met\x00\x00 NUL\x00 bytes.\n" + complaintText},
		{"NUL byte in the subject", "Klacht\x00 NUL", "Karin", complaintText},
		{"NUL byte after the address", "Klacht", "Karin de Klant", complaintText},
		{"raw UTF-8 in headers (no encoded words)", "Klacht over één 😡 coach", "Zoë 😡 Ångström", complaintText},
		{"CESU-8 encoded emoji", "Klacht \xed\xa0\xbd\xed\xb8\xa1", "Karin", "Woedend \xed\xa0\xbd\xed\xb8\xa1\n" + complaintText},
	}
	for _, r := range raws {
		m := g.complaint("unicode", r.name)
		m.set("From", r.fromName+" <"+m.m.Complainant+">")
		if r.name == "NUL byte after the address" {
			// Postfix keeps a header line up to its first NUL.
			m.set("From", r.fromName+" <"+m.m.Complainant+">\x00 (nul)")
		}
		m.header("Subject", r.subject)
		m.text(r.body).done()
	}
}

// brokenMIME: structures that violate RFC 2045/2046 in every way that
// occurs, and some that only an attacker writes.
func (g *gen) brokenMIME() {
	text := "Klacht in een kapotte MIME-structuur.\n\n" + complaintText
	type mc struct {
		name string
		ct   string // Content-Type of the whole message ("" for none)
		cte  string
		body string
	}
	cases := []mc{
		{"multipart without boundary parameter", "multipart/mixed", "", "--x\n\n" + text + "\n--x--\n"},
		{"boundary that never occurs", "multipart/mixed; boundary=nowhere", "", "--elsewhere\nContent-Type: text/plain\n\n" + text},
		{"no closing boundary", "multipart/mixed; boundary=b1", "", "--b1\nContent-Type: text/plain; charset=utf-8\n\n" + text},
		{"empty boundary", "multipart/mixed; boundary=\"\"", "", "--\n\n" + text + "\n----\n"},
		{"boundary of 200 characters", "multipart/mixed; boundary=\"" + strings.Repeat("b", 200) + "\"", "", "--" + strings.Repeat("b", 200) + "\nContent-Type: text/plain\n\n" + text + "\n--" + strings.Repeat("b", 200) + "--\n"},
		{"multipart with no parts", "multipart/mixed; boundary=b", "", "preamble only\n--b--\n"},
		{"preamble holds the complaint", "multipart/mixed; boundary=b", "", text + "\n--b\nContent-Type: application/octet-stream\n\nxx\n--b--\n"},
		{"part without headers", "multipart/mixed; boundary=b", "", "--b\n\n" + text + "\n--b--\n"},
		{"part header without blank line", "multipart/mixed; boundary=b", "", "--b\nContent-Type: text/plain\n" + text + "\n--b--\n"},
		{"invalid base64 body", "text/plain; charset=utf-8", "base64", "S2xhY2h0!!!@@@***\n====\nIGlu\x00\xff\n"},
		{"base64 with wrong padding", "text/plain; charset=utf-8", "base64", "S2xhY2h0IG92ZXIgbWlqbiBjb2FjaA=\nS2xhY2h0===\n"},
		{"truncated base64", "text/plain; charset=utf-8", "base64", base64.StdEncoding.EncodeToString([]byte(text))[:41] + "\n"},
		{"invalid quoted-printable", "text/plain; charset=utf-8", "quoted-printable", "Klacht =ZZ over =\n=G1 mijn =C3=\ncoach =\n" + text + "="},
		{"unknown transfer encoding", "text/plain; charset=utf-8", "x-base65", text},
		{"uuencode transfer encoding", "text/plain", "x-uuencode", "begin 644 klacht.txt\n%2VQA8VAT\n`\nend\n"},
		{"binary transfer encoding with bare CR", "text/plain; charset=utf-8", "binary", "Klacht\rmet\rkale\rCR\r\n" + text},
		{"garbage Content-Type", "\x01\x02;;;=/", "", text},
		{"Content-Type without subtype", "text/", "", text},
		{"Content-Type slash only", "/", "", text},
		{"Content-Type with unbalanced quote", "text/plain; charset=\"utf-8; format=flowed", "", text},
		{"only HTML, with script and style", "text/html; charset=utf-8", "", "<html><head><style>body{display:none}</style><script>alert(1)</script></head><body onload=\"x()\"><p>" + strings.ReplaceAll(text, "\n", "<br>") + "</p><img src=\"http://tracker.invalid/x.gif\"><iframe src=\"javascript:alert(2)\"></iframe></body></html>"},
		{"HTML nested 5000 deep", "text/html; charset=utf-8", "", strings.Repeat("<div>", 5000) + "Klacht diep genest" + strings.Repeat("</div>", 5000)},
		{"HTML that never closes", "text/html", "", "<html><body><p>Klacht<table><tr><td><b><i><u>" + text + "<!--"},
		{"empty body", "text/plain", "", ""},
		{"body of one million dashes boundary lookalike", "multipart/mixed; boundary=--", "", "----\n\n" + text + "\n" + strings.Repeat("-", 1<<20) + "\n"},
		{"multipart/signed with garbage signature", "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=s", "", "--s\nContent-Type: text/plain; charset=utf-8\n\n" + text + "\n--s\nContent-Type: application/pkcs7-signature; name=smime.p7s\nContent-Transfer-Encoding: base64\n\nMIIG!!notasignature\n--s--\n"},
		{"multipart/encrypted PGP", "multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=e", "", "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\nhQEMA0klacht\n-----END PGP MESSAGE-----\n--e--\n"},
		{"TNEF winmail.dat only", "multipart/mixed; boundary=t", "", "--t\nContent-Type: application/ms-tnef; name=winmail.dat\nContent-Transfer-Encoding: base64\n\neJ8+IgEAAQaQCAAEAAAAAAABAAEAAQeQBgAIAAAA5AQAAAAAAADoAAEIgAcAGAAAAElQTS5NaWNy\n--t--\n"},
		{"message/rfc822 that is empty", "multipart/mixed; boundary=r", "", "--r\nContent-Type: text/plain\n\n" + text + "\n--r\nContent-Type: message/rfc822\n\n--r--\n"},
		{"message/partial fragment", "message/partial; id=\"abc@example.com\"; number=2; total=3", "", "Klacht deel twee van drie.\n"},
		{"message/external-body", "message/external-body; access-type=URL; URL=\"file:///etc/passwd\"", "", "Content-Type: text/plain\n\n"},
		{"multipart/digest of nothing", "multipart/digest; boundary=d", "", "--d\n\n--d\n\n--d--\n"},
		{"duplicate MIME headers", "text/plain; charset=koi8-r", "base64", text},
	}
	for _, c := range cases {
		m := g.complaint("mime", c.name)
		m.header("Subject", "Klacht ("+c.name+")")
		m.header("MIME-Version", "1.0")
		if c.ct != "" {
			m.raw("Content-Type: " + c.ct)
		}
		if c.cte != "" {
			m.header("Content-Transfer-Encoding", c.cte)
		}
		if c.name == "duplicate MIME headers" {
			m.raw("Content-Type: text/html; charset=utf-8")
			m.raw("Content-Transfer-Encoding: 8bit")
		}
		m.body = []byte(crlf(c.body))
		if c.cte == "binary" {
			m.body = []byte(strings.ReplaceAll(c.body, "\n", "\r\n"))
		}
		m.done()
	}

	// Deeply nested multiparts and messages.
	for _, depth := range []int{100, 1000, 5000} {
		m := g.complaint("mime", fmt.Sprintf("multipart nested %d deep", depth))
		m.header("Subject", fmt.Sprintf("Klacht, %d lagen diep", depth))
		m.header("MIME-Version", "1.0")
		m.header("Content-Type", "multipart/mixed; boundary=b0")
		var b strings.Builder
		for i := 1; i < depth; i++ {
			fmt.Fprintf(&b, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i-1, i)
		}
		fmt.Fprintf(&b, "--b%d\nContent-Type: text/plain; charset=utf-8\n\n%s\n", depth-1, text)
		for i := depth - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "--b%d--\n", i)
		}
		m.body = []byte(crlf(b.String()))
		m.done()
	}
	for _, depth := range []int{50, 500} {
		m := g.complaint("mime", fmt.Sprintf("message/rfc822 nested %d deep", depth))
		m.header("Subject", fmt.Sprintf("Klacht, doorgestuurd %d keer", depth))
		m.header("MIME-Version", "1.0")
		m.header("Content-Type", "message/rfc822")
		var b strings.Builder
		for i := 0; i < depth; i++ {
			fmt.Fprintf(&b, "From: laag%d@example.com\nSubject: Fwd %d\nContent-Type: message/rfc822\n\n", i, i)
		}
		b.WriteString("From: binnenste@example.com\nSubject: de klacht\nContent-Type: text/plain\n\n" + text)
		m.body = []byte(crlf(b.String()))
		m.done()
	}

	// Header-level breakage.
	hdrs := []struct {
		name  string
		lines []string
	}{
		{"two From headers", []string{"From: Tweede <" + plus(g.o.Complainant, "other") + ">"}},
		{"two Subject and two Message-ID headers", []string{"Subject: Tweede onderwerp", "Message-ID: <second@example.com>"}},
		{"header line without colon", []string{"Dit is geen header", "X-After: yes"}},
		{"continuation line with nothing before it", []string{" \tvervolg zonder begin"}},
		{"header name with spaces and 8-bit", []string{"X Bad Name: a", "X-Ünïcödé: b", "X-\x00-Nul: c"}},
		{"folding line of only whitespace", []string{"X-Folded: a", " ", "\t", " b"}},
		{"Date in the year 99999", []string{"X-Date-Note: see Date"}},
		{"In-Reply-To and References garbage", []string{"In-Reply-To: <<<>>> <@> <a@b", "References: " + strings.Repeat("<x@y> ", 5000)}},
	}
	for _, h := range hdrs {
		m := g.complaint("mime", h.name)
		if h.name == "Date in the year 99999" {
			m.set("Date", "Fri, 31 Dec 99999 23:59:60 +9999")
		}
		m.header("Subject", "Klacht ("+h.name+")")
		for _, l := range h.lines {
			m.raw(l)
		}
		m.text(text).done()
	}
	// A header that never ends: no blank line, the body reads as header.
	m := g.complaint("mime", "no blank line between header and body")
	m.header("Subject", "Klacht zonder lege regel")
	m.header("Content-Type", "text/plain; charset=utf-8")
	var b bytes.Buffer
	for _, h := range m.headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString(crlf("Mijn: coach is drie keer niet gekomen\nIk: wil mijn geld terug\n"))
	m.m.Raw = b.Bytes()
	g.out = append(g.out, m.m)
}

// sizes: 200 KB headers, many recipients, long lines, big bodies, many
// attachments, and the large attachment.
func (g *gen) sizes() {
	m := g.complaint("size", "200 KB subject")
	m.header("Subject", "Klacht "+strings.Repeat("heel lang onderwerp ", 10000))
	m.text(complaintText).done()

	m = g.complaint("size", "200 KB subject folded over 4000 lines")
	var b strings.Builder
	b.WriteString("Klacht")
	for i := 0; i < 4000; i++ {
		b.WriteString("\r\n vervolgregel van het onderwerp nummer " + fmt.Sprint(i))
	}
	m.header("Subject", b.String())
	m.text(complaintText).done()

	m = g.complaint("size", "200 KB in 4000 header fields")
	m.header("Subject", "Klacht met duizenden velden")
	for i := 0; i < 4000; i++ {
		m.header(fmt.Sprintf("X-Noise-%d", i), strings.Repeat("ruis ", 10))
	}
	m.text(complaintText).done()

	m = g.complaint("size", "90 KB display name")
	m.set("From", "\""+strings.Repeat("Karin ", 15000)+"\" <"+m.m.Complainant+">")
	m.header("Subject", "Klacht met een heel lange naam")
	m.text(complaintText).done()

	m = g.complaint("size", "200 KB References")
	m.header("Subject", "Klacht met lange References")
	var refs []string
	for i := 0; i < 6000; i++ {
		refs = append(refs, fmt.Sprintf("<ref%d.%s@example.com>", i, m.m.Case))
	}
	m.header("References", strings.Join(refs, "\r\n "))
	m.text(complaintText).done()

	m = g.complaint("size", "5000 recipients in To and Cc")
	var rcpts []string
	for i := 0; i < 5000; i++ {
		rcpts = append(rcpts, fmt.Sprintf("nobody%d@example.org", i))
	}
	m.set("To", g.o.Intake+",\r\n "+strings.Join(rcpts[:2500], ",\r\n "))
	m.header("Cc", strings.Join(rcpts[2500:], ",\r\n "))
	m.header("Subject", "Klacht aan iedereen")
	m.text(complaintText).done()

	m = g.complaint("size", "one line of 1 MB")
	m.header("Subject", "Klacht op één regel")
	m.text(strings.Repeat("klacht ", 150000) + "\n").done()

	m = g.complaint("size", "5 MB of text")
	m.header("Subject", "Klacht van vijf megabyte")
	var t strings.Builder
	for t.Len() < 5<<20 {
		t.WriteString(complaintText)
	}
	m.text(t.String()).done()

	m = g.complaint("size", "500 small attachments")
	m.header("Subject", "Klacht met vijfhonderd bijlagen")
	m.header("MIME-Version", "1.0")
	m.header("Content-Type", "multipart/mixed; boundary=many")
	var mb strings.Builder
	mb.WriteString("--many\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + crlf(complaintText))
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&mb, "--many\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"bijlage%03d.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s", i, wrap64([]byte{byte(i)}))
	}
	mb.WriteString("--many--\r\n")
	m.body = []byte(mb.String())
	m.done()

	m = g.complaint("size", "empty attachment")
	g.withAttachments(m, "Klacht met lege bijlage", []attach{{name: "leeg.pdf", ct: "application/pdf"}})
	m.done()

	if g.o.Big > 0 {
		m = g.complaint("size", fmt.Sprintf("%d MB attachment", g.o.Big>>20))
		data := make([]byte, g.o.Big)
		for i := 0; i < len(data); i += 8 {
			v := g.rng.Uint64()
			for j := 0; j < 8 && i+j < len(data); j++ {
				data[i+j] = byte(v >> (8 * j))
			}
		}
		g.withAttachments(m, "Klacht met een grote bijlage", []attach{{name: "opname.mp4", ct: "video/mp4", data: data}})
		m.done()
	}
}

// attach is one attachment of withAttachments.
type attach struct {
	name   string // the filename parameter exactly as written (may hold anything)
	raw    string // if set, the whole Content-Disposition value
	ct     string
	data   []byte
	ctName string // name parameter of Content-Type, if any
}

// withAttachments makes m a multipart/mixed with the complaint text and atts.
func (g *gen) withAttachments(m *msg, subject string, atts []attach) {
	m.header("Subject", subject)
	m.header("MIME-Version", "1.0")
	m.header("Content-Type", "multipart/mixed; boundary=\"=_att_"+m.m.Case+"\"")
	var b bytes.Buffer
	bd := "--=_att_" + m.m.Case
	b.WriteString(bd + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + crlf(complaintText))
	for _, a := range atts {
		ct := a.ct
		if ct == "" {
			ct = "application/octet-stream"
		}
		if a.ctName != "" {
			ct += "; name=" + a.ctName
		}
		disp := a.raw
		if disp == "" {
			disp = "attachment; filename=\"" + a.name + "\""
		}
		data := a.data
		if data == nil {
			data = []byte("inhoud van " + m.m.Case + "\n")
		}
		b.WriteString(bd + "\r\nContent-Type: " + ct + "\r\nContent-Disposition: " + disp + "\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		b.Write(wrap64(data))
	}
	b.WriteString(bd + "--\r\n")
	m.body = b.Bytes()
}

// injection: CR/LF smuggled into names, subjects and identifiers, trying
// to add recipients or headers to the letters klachtd writes back.
func (g *gen) injection() {
	v := g.o.Victim
	inj := "\r\nBcc: " + v + "\r\nX-Injected: yes"
	cases := []struct{ name, from, subject string }{
		{"CRLF Bcc in the subject (Q encoding)", "", encodedWord("utf-8", []byte("Klacht"+inj), true)},
		{"CRLF Bcc in the subject (B encoding)", "", encodedWord("utf-8", []byte("Klacht"+inj), false)},
		{"CRLF Bcc in the display name", encodedWord("utf-8", []byte("Karin"+inj), true), "Klacht"},
		{"bare LF To: in the display name", encodedWord("utf-8", []byte("Karin\nTo: "+v), false), "Klacht"},
		{"CRLFCRLF body injection in the subject", "", encodedWord("utf-8", []byte("Klacht\r\n\r\n<html>nep</html>"), false)},
		{"victim address as display name", "\"" + v + "\"", "Klacht"},
		{"victim address and comma in the name", "\"" + v + ", Karin\"", "Klacht"},
		{"angle brackets in the encoded name", encodedWord("utf-8", []byte("<"+v+">"), false), "Klacht"},
		{"NUL and CR in the encoded subject", "", encodedWord("utf-8", []byte("Klacht\x00\rX-Injected: yes"), false)},
	}
	for _, c := range cases {
		m := g.complaint("injection", c.name)
		from := c.from
		if from == "" {
			from = "Karin de Klant"
		}
		m.set("From", from+" <"+m.m.Complainant+">")
		m.header("Subject", c.subject)
		m.text(complaintText).done()
	}
	m := g.complaint("injection", "folded Bcc inside Message-ID and References")
	m.set("Message-ID", "<"+m.m.Case+".hostile@example.com>\r\n\tBcc: "+v)
	m.header("Subject", "Klacht")
	m.header("References", "<a@example.com>\r\n Bcc: "+v+"\r\n <b@example.com>")
	m.header("In-Reply-To", "<a@example.com>\r\n X-Injected: yes")
	m.text(complaintText).done()

	m = g.complaint("injection", "Reply-To and Sender pointing at the victim")
	m.header("Subject", "Klacht met Reply-To")
	m.header("Reply-To", v)
	m.header("Sender", v)
	m.header("Return-Receipt-To", v)
	m.header("Disposition-Notification-To", v)
	m.text(complaintText).done()
}

// filenames: attachment names that try to escape the data directory or
// confuse whoever opens them.
func (g *gen) filenames() {
	esc := g.o.Escape
	names := []struct{ name, disp string }{
		{"relative traversal", "../../../../../../../../.." + esc + "rel"},
		{"absolute path", esc + "abs"},
		{"backslash traversal", `..\..\..\..\..\..\..\..\..` + strings.ReplaceAll(esc, "/", `\`) + "bs"},
		{"RFC 2231 encoded traversal", "*"},
		{"encoded-word traversal", encodedWord("utf-8", []byte("../../../../../../../.."+esc+"ew"), false)},
		{"dot", "."},
		{"dot dot", ".."},
		{"only dots", "......"},
		{"empty name", ""},
		{"only a slash", "/"},
		{"trailing slash", "map/"},
		{"Windows device name", "CON"},
		{"Windows device with extension", "nul.txt"},
		{"drive letter path", `C:\Windows\System32\drivers\etc\hosts`},
		{"UNC path", `\\server\share\klacht.doc`},
		{"file URL", "file:///etc/passwd"},
		{"home directory", "~/.ssh/authorized_keys"},
		{"shell substitution", "$(touch " + esc + "shell).txt"},
		{"backticks and semicolons", "`id`;rm -rf ~;.pdf"},
		{"RTL override to fake an extension", "factuur\u202Efdp.exe"},
		{"name of 5000 characters", strings.Repeat("lang", 1250) + ".pdf"},
		{"name with newline", "regel\neen.txt"},
		{"name with control characters", "a\x01\x07\x1b[2Jb.txt"},
		{"name with NUL", "klacht\x00.exe"},
		{"emoji name", "😡😡😡.jpg"},
		{"hebrew and arabic name", "תלונה شكوى.pdf"},
		{"name with quotes", `"quoted" 'name'.txt`},
		{"percent and question mark", "%2e%2e%2f%00?.txt"},
	}
	for _, n := range names {
		m := g.complaint("filename", n.name)
		a := attach{name: n.disp, ct: "application/pdf"}
		switch n.name {
		case "RFC 2231 encoded traversal":
			a.raw = "attachment; filename*=utf-8''" + strings.ReplaceAll(strings.ReplaceAll("../../../../../../../.."+esc+"rfc2231", ".", "%2E"), "/", "%2F")
		case "name with newline", "name with NUL", "name with control characters":
			// As an encoded word: a raw LF would end the header.
			a.raw = "attachment; filename=\"" + encodedWord("utf-8", []byte(n.disp), false) + "\""
		}
		if n.name == "only a slash" {
			a.ctName = "\"../../../../../../../.." + esc + "ctname\""
		}
		g.withAttachments(m, "Klacht met bijlage ("+n.name+")", []attach{a})
		m.done()
	}
}

// automatic: every kind of automatic mail. None may open a dossier or get
// a letter (RFC 3834 section 2: no automatic response to automatic mail).
func (g *gen) automatic() {
	type ac struct {
		name     string
		from     string // From header (default: the case's auto address)
		envelope string // "" for MAIL FROM:<>, "auto" for the auto address
		subject  string
		headers  []string
		ct       string // Content-Type (default text/plain UTF-8)
		body     string
	}
	md := "Mail Delivery System <" + g.o.MailerDaemon + ">"
	orig := "Return-Path: <" + g.o.Intake + ">\nFrom: Acme Coaching <" + g.o.Intake + ">\nTo: someone@example.org\nSubject: [" + g.tag(1) + "] Ontvangstbevestiging\nMessage-ID: <" + g.tag(1) + ".acknowledgement.0123456789ab@example.nl>\n"
	dsn := func(action, status string) string {
		return "--dsn\nContent-Type: text/plain; charset=us-ascii\n\nThis is the mail system at host mail.example.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n--dsn\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.example.org\nArrival-Date: Mon, 1 Jun 2026 10:00:00 +0200\n\nFinal-Recipient: rfc822; someone@example.org\nOriginal-Recipient: rfc822;someone@example.org\nAction: " + action + "\nStatus: " + status + "\nRemote-MTA: dns; mx.example.org\nDiagnostic-Code: smtp; 550 5.1.1 <someone@example.org>: Recipient address rejected\n\n--dsn\nContent-Type: text/rfc822-headers\n\n" + orig + "\n--dsn--\n"
	}
	plainBounce := "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  someone@example.org\n    host mx.example.org [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<someone@example.org>:\n    550 5.1.1 User unknown\n\n------ This is a copy of the message, including all the headers. ------\n\n" + orig + "\nGeachte klant, wij hebben uw klacht ontvangen.\n"
	vacation := "Ik ben afwezig tot en met maandag en lees mijn mail daarna.\nI am out of the office until Monday.\n"
	cases := []ac{
		{name: "RFC 3834 Auto-Submitted: auto-replied", envelope: "auto", subject: "Re: Klacht", headers: []string{"Auto-Submitted: auto-replied"}, body: vacation},
		{name: "RFC 3834 Auto-Submitted: auto-generated", envelope: "auto", subject: "Uw bestelling", headers: []string{"Auto-Submitted: auto-generated"}, body: "Uw bestelling is verzonden.\n"},
		{name: "RFC 5436 Auto-Submitted: auto-notified", envelope: "auto", subject: "Notification", headers: []string{"Auto-Submitted: auto-notified"}, body: "You have new mail.\n"},
		{name: "Auto-Submitted in capitals with a comment", envelope: "auto", subject: "Afwezig", headers: []string{"Auto-Submitted: Auto-Replied (vacation)"}, body: vacation},
		{name: "Auto-Submitted with parameters", envelope: "auto", subject: "Afwezig", headers: []string{"Auto-Submitted: auto-replied; owner-email=\"someone@example.org\""}, body: vacation},
		{name: "X-Autoreply: yes", envelope: "auto", subject: "Re: Klacht", headers: []string{"X-Autoreply: yes"}, body: vacation},
		{name: "X-Autorespond", envelope: "auto", subject: "Re: Klacht", headers: []string{"X-Autorespond: Afwezig"}, body: vacation},
		{name: "Exchange out-of-office (Automatic reply:, X-Auto-Response-Suppress)", envelope: "auto", subject: "Automatic reply: Klacht over mijn coachtraject", headers: []string{"X-Auto-Response-Suppress: All", "X-MS-Exchange-Inbox-Rules-Loop: someone@example.org", "Thread-Topic: Klacht over mijn coachtraject", "X-MS-Has-Attach:", "X-MS-TNEF-Correlator:", "Content-Language: nl-NL"}, body: vacation},
		{name: "Exchange out-of-office in Dutch (Automatisch antwoord:)", envelope: "auto", subject: "Automatisch antwoord: Klacht", headers: []string{"X-Auto-Response-Suppress: All", "Auto-Submitted: auto-generated", "X-MS-Exchange-Inbox-Rules-Loop: someone@example.org"}, body: vacation},
		{name: "Exchange OOF with X-MS-Exchange-Generated-Message-Source", envelope: "auto", subject: "Out of Office: Klacht", headers: []string{"X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent", "X-Auto-Response-Suppress: All"}, body: vacation},
		{name: "Apple vacation (Auto reply:, X-Apple-Action: VACATION)", envelope: "auto", subject: "Auto reply: Klacht", headers: []string{"X-Apple-Action: VACATION", "X-Apple-Mail-Vacation-Message: yes"}, body: vacation},
		{name: "Gmail vacation responder", envelope: "auto", subject: "Re: Klacht", headers: []string{"Auto-Submitted: auto-replied", "X-Google-Smtp-Source: AGHT+IE", "Precedence: bulk"}, body: vacation},
		{name: "Precedence: bulk", envelope: "auto", subject: "Nieuwsbrief juni", headers: []string{"Precedence: bulk"}, body: "Onze aanbiedingen van deze maand.\n"},
		{name: "Precedence: junk", envelope: "auto", subject: "Winactie", headers: []string{"Precedence: junk"}, body: "U heeft gewonnen!\n"},
		{name: "Precedence: list", envelope: "auto", subject: "[coaches] vraag", headers: []string{"Precedence: list"}, body: "Een vraag aan de lijst.\n"},
		{name: "Precedence: auto_reply", envelope: "auto", subject: "Re: Klacht", headers: []string{"Precedence: auto_reply"}, body: vacation},
		{name: "List-Id (RFC 2919)", envelope: "auto", subject: "[coaches] Klacht over mijn coach", headers: []string{"List-Id: Coaches <coaches.lists.example.org>", "List-Post: <mailto:coaches@lists.example.org>"}, body: "Ik heb een klacht over mijn coach (aan de lijst).\n"},
		{name: "Mailman list", envelope: "auto", subject: "[Forum] klacht", headers: []string{"X-Mailman-Version: 2.1.39", "List-Id: <forum.example.org>", "List-Unsubscribe: <mailto:forum-leave@example.org>", "Precedence: list", "Errors-To: forum-bounces@example.org"}, body: "Bericht aan het forum.\n"},
		{name: "ezmlm list (Mailing-List)", envelope: "auto", subject: "klacht", headers: []string{"Mailing-List: contact forum-help@example.org; run by ezmlm", "Delivered-To: mailing list forum@example.org"}, body: "Bericht aan de lijst.\n"},
		{name: "one-click unsubscribe bulk (RFC 8058)", envelope: "auto", subject: "Uw voordeel deze week", headers: []string{"List-Unsubscribe: <https://example.org/u/123>, <mailto:u-123@example.org>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "Precedence: bulk", "Feedback-ID: 123:campagne:example"}, body: "Aanbiedingen.\n"},
		{name: "X-Loop naming our address", envelope: "auto", subject: "Re: Klacht", headers: []string{"X-Loop: " + g.o.Intake}, body: "Doorgestuurd door een filter.\n"},
		{name: "X-Loop naming another address", envelope: "auto", subject: "Re: Klacht", headers: []string{"X-Loop: filter@example.org"}, body: "Doorgestuurd door een filter.\n"},
		{name: "null envelope sender, plain text", envelope: "", subject: "Undelivered Mail Returned to Sender", from: md, body: plainBounce},
		{name: "RFC 3464 DSN, failed, with headers", envelope: "", from: md, subject: "Undelivered Mail Returned to Sender", ct: "multipart/report; report-type=delivery-status; boundary=dsn", body: dsn("failed", "5.1.1")},
		{name: "RFC 3464 DSN, delayed", envelope: "", from: md, subject: "Delayed Mail (still being retried)", ct: "multipart/report; report-type=delivery-status; boundary=dsn", body: dsn("delayed", "4.4.1")},
		{name: "RFC 3464 DSN, delivered (success)", envelope: "", from: md, subject: "Successful Mail Delivery Report", ct: "multipart/report; report-type=delivery-status; boundary=dsn", body: dsn("delivered", "2.0.0")},
		{name: "RFC 3464 DSN with a non-null envelope", envelope: "auto", from: md, subject: "Undelivered Mail Returned to Sender", ct: "multipart/report; report-type=delivery-status; boundary=dsn", body: dsn("failed", "5.0.0")},
		{name: "Exim bounce (Mail delivery failed), MAILER-DAEMON, null envelope", envelope: "", from: md, subject: "Mail delivery failed: returning message to sender", body: plainBounce},
		{name: "Exim bounce from MAILER-DAEMON, non-null envelope", envelope: "auto", from: md, subject: "Mail delivery failed: returning message to sender", body: plainBounce},
		{name: "qmail failure notice", envelope: "", from: g.o.MailerDaemon, subject: "failure notice", body: "Hi. This is the qmail-send program at example.org.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<someone@example.org>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n--- Below this line is a copy of the message.\n\n" + orig},
		{name: "sendmail Returned mail", envelope: "", from: "Mail Delivery Subsystem <" + g.o.MailerDaemon + ">", subject: "Returned mail: see transcript for details", body: "The original message was received at Mon, 1 Jun 2026\n\n   ----- The following addresses had permanent fatal errors -----\n<someone@example.org>\n\n   ----- Transcript of session follows -----\n550 5.1.1 <someone@example.org>... User unknown\n"},
		{name: "Exchange NDR Undeliverable:", envelope: "", from: "Microsoft Outlook <" + g.o.Postmaster + ">", subject: "Undeliverable: Klacht", headers: []string{"X-MS-Exchange-Message-Is-Ndr:", "Auto-Submitted: auto-replied"}, body: "Delivery has failed to these recipients or groups:\n\nsomeone@example.org\nThe email address you entered couldn't be found.\n"},
		{name: "Lotus Notes DELIVERY FAILURE", envelope: "", from: "Postmaster <" + g.o.Postmaster + ">", subject: "DELIVERY FAILURE: User someone not listed in Domino Directory", body: "Your message\n\n  Subject: Klacht\n\nwas not delivered to:\n\n  someone@example.org\n\nbecause:\n\n  User someone not listed in Domino Directory\n"},
		{name: "Russian bounce subject", envelope: "", from: md, subject: mime.BEncoding.Encode("utf-8", "Недоставленное сообщение"), body: "Это письмо создано автоматически. Сообщение не доставлено.\n"},
		{name: "German bounce subject (Unzustellbar)", envelope: "", from: "Postmaster <" + g.o.Postmaster + ">", subject: "Unzustellbar: Klacht", body: "Ihre Nachricht konnte nicht zugestellt werden.\n"},
		{name: "German bounce subject (Nicht zustellbar)", envelope: "", from: md, subject: mime.QEncoding.Encode("utf-8", "Nicht zustellbar: Rückmeldung"), body: "Die Nachricht konnte nicht zugestellt werden.\n"},
		{name: "French bounce subject (Non remis)", envelope: "", from: "Postmaster <" + g.o.Postmaster + ">", subject: "Non remis : Klacht", body: "Votre message n'a pas pu être remis.\n"},
		{name: "Dutch bounce subject (Onbestelbaar)", envelope: "", from: "Postmaster <" + g.o.Postmaster + ">", subject: "Onbestelbaar: Klacht", body: "Uw bericht kon niet worden bezorgd.\n"},
		{name: "multipart/report of delivery-status with only a text part", envelope: "", from: md, subject: "Delivery Status Notification", ct: "multipart/report; report-type=delivery-status; boundary=r", body: "--r\nContent-Type: text/plain\n\nYour message could not be delivered.\n--r--\n"},
		{name: "RFC 8098 read receipt (MDN)", envelope: "", subject: "Gelezen: Klacht", ct: "multipart/report; report-type=disposition-notification; boundary=mdn", body: "--mdn\nContent-Type: text/plain\n\nUw bericht is gelezen.\n--mdn\nContent-Type: message/disposition-notification\n\nReporting-UA: mail.example.org; Outlook\nFinal-Recipient: rfc822; someone@example.org\nOriginal-Message-ID: <x@example.nl>\nDisposition: automatic-action/MDN-sent-automatically; displayed\n\n--mdn--\n"},
		{name: "RFC 5965 abuse feedback report (ARF)", envelope: "auto", subject: "Abuse report", ct: "multipart/report; report-type=feedback-report; boundary=arf", headers: []string{"Auto-Submitted: auto-generated"}, body: "--arf\nContent-Type: text/plain\n\nThis is an abuse report.\n--arf\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: SomeGenerator/1.0\nVersion: 1\n\n--arf\nContent-Type: text/rfc822-headers\n\n" + orig + "\n--arf--\n"},
		{name: "mail from our own intake address (loop guard)", envelope: "auto", from: "Acme Coaching <" + g.o.Intake + ">", subject: "Re: [" + g.tag(1) + "] Ontvangstbevestiging", body: "Onze eigen brief, teruggekomen.\n"},
		{name: "auto-reply in HTML with emoji", envelope: "auto", subject: mime.QEncoding.Encode("utf-8", "Automatisch antwoord 🌴"), headers: []string{"Auto-Submitted: auto-replied"}, ct: "text/html; charset=utf-8", body: "<p>Ik ben op vakantie 🌴🌴 tot maandag.</p>"},
		{name: "auto-reply with a forged subject tag", envelope: "auto", subject: "Re: [" + g.tag(1) + "] Ontvangstbevestiging", headers: []string{"Auto-Submitted: auto-replied", "In-Reply-To: <" + g.tag(1) + ".acknowledgement.0123456789ab@example.nl>"}, body: vacation},
		{name: "auto-reply to a reply-token address", envelope: "auto", subject: "Afwezig", headers: []string{"Auto-Submitted: auto-replied"}, body: vacation},
	}
	for _, c := range cases {
		m := g.newMail("automatic", c.name, Automatic)
		addr := plus(g.o.Auto, m.m.Case)
		from := c.from
		if from == "" {
			from = "Automaat <" + addr + ">"
		}
		if c.envelope == "auto" {
			m.m.EnvelopeFrom = addr
		}
		m.header("From", from)
		to := g.o.Intake
		if c.name == "auto-reply to a reply-token address" {
			to = plus(g.o.Intake, g.tag(1)+".abcdefghij")
			m.m.Rcpt = to
		}
		m.header("To", to)
		m.header("Subject", c.subject)
		m.header("Date", g.o.Date.Format(time.RFC1123Z))
		m.header("Message-ID", "<"+m.m.Case+".hostile@example.com>")
		for _, h := range c.headers {
			m.raw(h)
		}
		ct := c.ct
		if ct == "" {
			ct = "text/plain; charset=utf-8"
		}
		m.header("MIME-Version", "1.0")
		m.header("Content-Type", ct)
		m.header("Content-Transfer-Encoding", "8bit")
		m.body = []byte(crlf(c.body))
		m.done()
	}
	// The counter-case: RFC 3834 "no" means a person sent it.
	m := g.complaint("automatic", "Auto-Submitted: no is a person")
	m.header("Subject", "Klacht")
	m.header("Auto-Submitted", "no")
	m.text(complaintText).done()
}

// tag is the dossier number n of the year.
func (g *gen) tag(n int) string {
	return fmt.Sprintf("%s-%d-%04d", g.o.Prefix, g.o.Year, n)
}

// forged: subject tags and reply-token addresses that klachtd never
// issued.
func (g *gen) forged() {
	tags := []struct {
		name, subject string
		expect        Expect
	}{
		{"tag of a dossier that does not exist", "Re: [" + g.tag(9999) + "] Klacht", Complaint},
		{"tag of a year long past", fmt.Sprintf("Re: [%s-1999-0001] Klacht", g.o.Prefix), Complaint},
		{"unclosed tag", "Re: [" + g.tag(1) + " Klacht", Complaint},
		{"tag in fullwidth digits", "Re: [ＫＬ-２０２６-０００１] Klacht", Complaint},
		{"tag with a number of 40 digits", fmt.Sprintf("Re: [%s-%d-%s] Klacht", g.o.Prefix, g.o.Year, strings.Repeat("9", 40)), Complaint},
		{"tag of another prefix", fmt.Sprintf("Re: [XX-%d-0001] Klacht", g.o.Year), Complaint},
		{"somebody else's existing dossier", "Re: [" + g.tag(1) + "] Ik lees mee", Filed},
		{"a hundred tags", strings.Repeat("["+g.tag(9998)+"]", 100), Complaint},
	}
	for _, t := range tags {
		m := g.complaint("forged", t.name)
		m.m.Expect = t.expect
		if t.expect != Complaint {
			m.m.Complainant = ""
		}
		m.header("Subject", mime.QEncoding.Encode("utf-8", t.subject))
		m.text(complaintText).done()
	}

	tokens := []struct{ name, from, to string }{
		{"invented token", "", plus(g.o.Intake, g.tag(1)+".abcdefghij")},
		{"invented internal token from staff", g.o.Staff, plus(g.o.Intake, g.tag(1)+".abcdefghij.intern")},
		{"invented hearing token", "", plus(g.o.Intake, g.tag(1)+".abcdefghij.hoor")},
		{"token address without a token", "", plus(g.o.Intake, g.tag(1))},
		{"token of a dossier that does not exist", g.o.Staff, plus(g.o.Intake, g.tag(9999)+".abcdefghij")},
		{"token with an unknown purpose", g.o.Staff, plus(g.o.Intake, g.tag(1)+".abcdefghij.admin")},
		{"token in upper case", "", plus(g.o.Intake, strings.ToUpper(g.tag(1))+".ABCDEFGHIJ")},
	}
	for _, t := range tokens {
		m := g.newMail("forged", t.name, Suspicious)
		from := t.from
		if from == "" {
			from = plus(g.o.Complainant, m.m.Case)
		}
		m.m.EnvelopeFrom = from
		m.m.Rcpt = t.to
		m.header("From", from)
		m.header("To", t.to)
		m.header("Subject", "Re: ["+g.tag(1)+"] Klacht")
		m.header("Date", g.o.Date.Format(time.RFC1123Z))
		m.header("Message-ID", "<"+m.m.Case+".hostile@example.com>")
		m.text("Status: afgehandeld\nOordeel: ongegrond\n\nDeze klacht is afgehandeld.\n").done()
	}
	// A forged Delivered-To inside the message: the token is only in a
	// header the sender wrote.
	m := g.newMail("forged", "forged Delivered-To with a token", Suspicious)
	m.m.EnvelopeFrom = g.o.Staff
	m.raw("Delivered-To: " + plus(g.o.Intake, g.tag(1)+".abcdefghij.intern"))
	m.header("From", g.o.Staff)
	m.header("To", g.o.Intake)
	m.header("Subject", "Status")
	m.header("Date", g.o.Date.Format(time.RFC1123Z))
	m.header("Message-ID", "<"+m.m.Case+".hostile@example.com>")
	m.text("Status: afgehandeld\n\nKlaar.\n").done()

	// Mail that cannot be a complaint: no usable sender, or staff mail
	// outside any dossier.
	senders := []struct{ name, from string }{
		{"From is an empty group", "undisclosed-recipients:;"},
		{"From is <>", "<>"},
		{"From is only a comment", "(Karin de Klant)"},
		{"From is only an at sign", "@"},
		{"From has no domain", "karin@"},
		{"staff mail outside any dossier", g.o.Staff},
	}
	for _, s := range senders {
		m := g.newMail("forged", s.name, Quarantine)
		m.m.EnvelopeFrom = plus(g.o.Auto, m.m.Case)
		if s.from == g.o.Staff {
			m.m.EnvelopeFrom = g.o.Staff
		}
		m.header("From", s.from)
		m.header("To", g.o.Intake)
		m.header("Subject", "Klacht zonder afzender")
		m.header("Date", g.o.Date.Format(time.RFC1123Z))
		m.header("Message-ID", "<"+m.m.Case+".hostile@example.com>")
		m.text(complaintText).done()
	}
}
