package mailbox

import (
	"net/mail"
	"regexp"
	"strings"

	msgmail "github.com/emersion/go-message/mail"
)

// Automatic says whether a message was sent by a machine rather than a
// person (docs/spec.md, "Automatic mail"). Automatic mail never creates a
// dossier and never gets a letter: answering it risks mail loops (RFC 3834
// §2). The rules are those of
// detectAutomatic; a bounce of one of klachtd's letters is matched to the
// letter through BouncedMessageIDs.
type Automatic struct {
	Is                bool
	Reason            string   // the first rule that matched, e.g. "Auto-Submitted: auto-replied (RFC 3834)"
	Bounce            bool     // a non-delivery report: a DSN with a failed recipient, or a MAILER-DAEMON bounce
	BouncedMessageIDs []string // Message-IDs of the original message of any delivery report (also a delay), without <>
	BouncedRecipients []string // Final-Recipient / Original-Recipient addresses of failed recipients
}

// autoEvidence is what the body walk found that matters for Automatic.
type autoEvidence struct {
	report         bool   // a multipart/report was seen (RFC 6522)
	reportType     string // its report-type parameter, lower case
	deliveryStatus bool   // a message/delivery-status part was seen (RFC 3464 §2)
	dsnGroups      []dsnGroup
	embedded       bool     // a message/rfc822 or text/rfc822-headers part was seen
	embeddedIDs    []string // Message-IDs of message/rfc822 and text/rfc822-headers parts
}

type dsnGroup struct {
	action    string // RFC 3464 §2.3.3: failed, delayed, delivered, relayed, expanded
	recipient string
}

// The rules below decide in this order; the first that matches gives the
// reason. Delivery reports come first, so that a bounce is recognised as one
// even though it also carries Auto-Submitted. A subject is typed by people
// too ("pakket niet bezorgd" is a fine complaint), so a subject never
// decides on its own: it counts only together with a sender or a header
// field that no person's mail client sets.
func detectAutomatic(p *Parsed, ev *autoEvidence) Automatic {
	h := msgmail.Header{Header: p.Header}
	s := senderFacts(p)

	a := deliveryReport(p, ev, h, s)
	if a.Is {
		a.BouncedMessageIDs = dedup(ev.embeddedIDs)
		if len(a.BouncedMessageIDs) == 0 && a.Bounce {
			// A bounce without an attached original often copies the
			// original's header into its text ("Message headers follow").
			a.BouncedMessageIDs = dedup(bodyMessageIDs(p.Text))
		}
		if len(a.BouncedMessageIDs) == 0 {
			a.BouncedMessageIDs = dedup(append(append([]string(nil), p.InReplyTo...), p.References...))
		}
		return a
	}
	if r := autoHeaderReason(p, ev, h, s); r != "" {
		return Automatic{Is: true, Reason: r}
	}
	return Automatic{}
}

// deliveryReport recognises delivery reports: RFC 3464 DSNs, and the
// non-standard bounces that MTAs still send as plain text.
func deliveryReport(p *Parsed, ev *autoEvidence, h msgmail.Header, s sender) Automatic {
	var a Automatic
	// RFC 3464 §2 and RFC 6522: a DSN is a multipart/report with
	// report-type=delivery-status containing a message/delivery-status part.
	if ev.reportType == "delivery-status" || ev.deliveryStatus {
		a.Is = true
		a.Reason = "delivery status notification (RFC 3464)"
		failed := len(ev.dsnGroups) == 0 // no readable groups: assume the worst
		for _, g := range ev.dsnGroups {
			if g.action == "failed" || g.action == "" {
				failed = true
				if g.recipient != "" {
					a.BouncedRecipients = append(a.BouncedRecipients, g.recipient)
				}
			}
		}
		if failed {
			a.Bounce = true
		} else {
			a.Reason += ": " + ev.dsnGroups[0].action
		}
		return a
	}
	// A report of another kind (RFC 6522: MDN, ARF, …) is not a bounce.
	if ev.report && ev.reportType != "" {
		return a
	}

	bounceSubject := isBounceSubject(p.Subject)
	switch {
	case (s.mailerDaemon || s.postmaster) && bounceSubject:
		a.Reason = "From MAILER-DAEMON/postmaster"
	case s.postmaster && (ev.embedded || smtpFailureRe.MatchString(p.Text)):
		// RFC 5321 §4.5.1: postmaster is a role address; with an SMTP
		// failure in the text or the original attached it is the MTA.
		a.Reason = "From postmaster with an SMTP failure"
	case h.Has("X-Failed-Recipients"):
		// Exim names the failed recipients of its bounces in this field.
		a.Reason = "X-Failed-Recipients (Exim bounce)"
	case bounceSubject && (s.nullPath || autoSubmitted(h) != ""):
		// RFC 5321 §4.5.5: notifications are sent with a null reverse-path.
		a.Reason = "bounce from a null sender"
	case bounceSubject && s.noReply && ev.embedded:
		a.Reason = "bounce from a no-reply sender with the original attached"
	default:
		return a
	}
	a.Is, a.Bounce = true, true
	return a
}

// autoHeaderReason applies the rules for automatic mail that is not a
// delivery report, and returns the reason of the first that matches.
func autoHeaderReason(p *Parsed, ev *autoEvidence, h msgmail.Header, s sender) string {
	// RFC 3834 §5: any Auto-Submitted value other than "no" marks automatic
	// mail (auto-generated, auto-replied, auto-notified).
	if kw := autoSubmitted(h); kw != "" {
		return "Auto-Submitted: " + kw + " (RFC 3834)"
	}
	if h.Has("X-Autoreply") {
		return "X-Autoreply"
	}
	if h.Has("X-Autorespond") {
		return "X-Autorespond"
	}
	// Apple iCloud's vacation responder marks its replies so and sets no
	// Auto-Submitted.
	if strings.EqualFold(strings.TrimSpace(h.Get("X-Apple-Action")), "vacation") {
		return "X-Apple-Action: VACATION (Apple vacation reply)"
	}
	// [MS-OXCMAIL] §2.2.3.2.14: Exchange marks the messages it generates
	// itself (out-of-office replies, reports) with "All". A person's Outlook
	// sends a partial list ("DR, RN, NRN, OOF, AutoReply") on ordinary mail,
	// which is not evidence.
	if xarsAll(h) {
		return "X-Auto-Response-Suppress: All (Exchange)"
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); autoPrecedence[v] {
		return "Precedence: " + v
	}
	// X-Loop is set by procmail, Sieve and ticket systems on the mail they
	// generate, so that they do not answer themselves (procmailex(5)). A
	// value naming one of this message's own recipients is the loop guard
	// of a forward on the receiving side (klachten@ forwarding to info@),
	// which says nothing about the sender.
	if xLoopForeign(p, h) {
		return "X-Loop present"
	}
	// RFC 2919 (List-Id) and RFC 2369 (List-Unsubscribe and the other
	// List-* fields): mailing-list mail; RFC 3834 §2 names these as reasons
	// not to respond.
	for _, f := range listFields {
		if h.Has(f) {
			return f + " present"
		}
	}
	// RFC 3834 §3.3 / RFC 5321 §4.5.5: a null reverse-path means the message
	// is a notification that must not be answered.
	if s.nullPath {
		return "empty Return-Path"
	}
	// Other reports (RFC 6522), e.g. read receipts (RFC 8098) and abuse
	// reports (RFC 5965).
	if ev.report {
		if ev.reportType == "" {
			return "multipart/report (RFC 6522)"
		}
		return "multipart/report " + ev.reportType + " (RFC 6522)"
	}
	// RFC 3834 §2 advises not to respond to MAILER-DAEMON; no person writes
	// from it (RFC 5321 §4.5.5 notifications).
	if s.mailerDaemon {
		return "From MAILER-DAEMON"
	}
	// Amazon SNS delivers its notifications (SES bounces, complaints,
	// deliveries) as mail that carries this field.
	if h.Has("X-Amz-Sns-Message-Id") {
		return "Amazon SNS notification"
	}
	// An auto-reply subject ("Automatic reply:", "Auto reply:") counts with
	// a second sign: Exchange's inbox-rule loop field, any
	// X-Auto-Response-Suppress, a no-reply sender, or In-Reply-To.
	// A reply (In-Reply-To) whose subject says it was sent automatically
	// is one: no person types that prefix when answering our letter.
	if prefix, ok := autoReplySubject(p.Subject); ok &&
		(h.Has("X-MS-Exchange-Inbox-Rules-Loop") || h.Has("X-Auto-Response-Suppress") || s.noReply || len(p.InReplyTo) > 0) {
		return "auto-reply subject " + strings.TrimSpace(prefix)
	}
	return ""
}

// autoPrecedence are the Precedence values that mark bulk or automatic mail
// (RFC 3834 §2 mentions the convention; RFC 2076 §3.9).
var autoPrecedence = map[string]bool{"bulk": true, "junk": true, "list": true, "auto_reply": true}

// listFields mark mail sent through a list server: RFC 2919, RFC 2369, and
// the fields of ezmlm (Mailing-List), SmartList (X-Mailing-List) and fml
// (X-ML-Name, X-MLServer), which predate them.
var listFields = []string{
	"List-Id", "List-Unsubscribe", "List-Subscribe", "List-Help", "List-Post",
	"List-Owner", "List-Archive", "Mailing-List", "X-Mailing-List", "X-ML-Name", "X-MLServer",
}

// autoSubmitted returns the Auto-Submitted keyword in lower case, or "" when
// the field is absent or "no" (RFC 3834 §5: the keyword may be surrounded
// by comments and followed by parameters after ";").
func autoSubmitted(h msgmail.Header) string {
	v := h.Get("Auto-Submitted")
	if v == "" {
		return ""
	}
	kw := strings.ToLower(strings.TrimSpace(stripComments(strings.SplitN(v, ";", 2)[0])))
	if f := strings.Fields(kw); len(f) > 0 {
		kw = f[0]
	}
	if kw == "no" {
		return ""
	}
	return kw
}

// stripComments removes RFC 5322 §3.2.2 comments ("(…)", nested).
func stripComments(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xLoopForeign reports whether the message has an X-Loop field that does
// not name one of its recipients.
func xLoopForeign(p *Parsed, h msgmail.Header) bool {
	recipients := map[string]bool{}
	for _, a := range append(append([]*mail.Address(nil), p.To...), p.Cc...) {
		recipients[strings.ToLower(a.Address)] = true
	}
	for _, d := range p.DeliveredTo {
		recipients[d] = true
	}
	for _, v := range h.Values("X-Loop") {
		v = strings.ToLower(strings.Trim(strings.TrimSpace(v), "<>"))
		if !recipients[v] {
			return true
		}
	}
	return false
}

func xarsAll(h msgmail.Header) bool {
	for _, v := range strings.Split(h.Get("X-Auto-Response-Suppress"), ",") {
		if strings.EqualFold(strings.TrimSpace(v), "all") {
			return true
		}
	}
	return false
}

// sender holds what the From and Return-Path fields say about the sender.
type sender struct {
	mailerDaemon bool // From or Return-Path is MAILER-DAEMON
	postmaster   bool // From is a postmaster address (RFC 5321 §4.5.1)
	noReply      bool // From is a no-reply address
	nullPath     bool // Return-Path is <> (RFC 5321 §4.5.5)
}

var addrInAngles = regexp.MustCompile(`<([^<>]*)>`)

func senderFacts(p *Parsed) sender {
	var s sender
	h := msgmail.Header{Header: p.Header}
	for _, v := range h.Values("Return-Path") {
		inner := strings.Join(strings.Fields(v), "")
		if inner == "<>" {
			s.nullPath = true
		}
		if localPart(strings.Trim(inner, "<>")) == "mailer-daemon" {
			s.mailerDaemon = true
		}
	}
	var locals []string
	if p.From != nil {
		locals = append(locals, localPart(p.From.Address))
	}
	raw := h.Get("From")
	if m := addrInAngles.FindStringSubmatch(raw); m != nil {
		locals = append(locals, localPart(m[1]))
		if strings.TrimSpace(m[1]) == "" {
			// "MAILER-DAEMON <>": the name is all there is.
			locals = append(locals, localPart(strings.Trim(strings.TrimSpace(raw[:strings.Index(raw, "<")]), `"`)))
		}
	} else if p.From == nil {
		// "mailer-daemon" without a domain, or a comment after it.
		locals = append(locals, localPart(strings.TrimSpace(stripComments(raw))))
	}
	for _, l := range locals {
		switch l {
		case "mailer-daemon", "mailer_daemon":
			s.mailerDaemon = true
		case "postmaster", "post_master", "post-master":
			s.postmaster = true
		case "no-reply", "noreply", "no_reply", "do-not-reply", "donotreply", "do_not_reply":
			s.noReply = true
		}
	}
	return s
}

// localPart returns the lower-case local part of an address ("" → "").
func localPart(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		addr = addr[:at]
	}
	return strings.Trim(addr, `"' `)
}

// bounceSubjects are subject fragments (lower case) of non-RFC 3464 bounces,
// in the languages MTAs write them in. They count only with other evidence.
var bounceSubjects = []string{
	// English
	"undeliver", "undelivered", "delivery status", "delivery failure", "delivery failed",
	"delivery has failed", "failed delivery", "failure delivery", "delivery problem",
	"failure notice", "returned mail", "returned to sender", "mail delivery", "mail failure",
	"could not be delivered", "not delivered", "non-delivery", "nondeliverable",
	"error sending your mail", "delivery notification",
	// Dutch
	"onbestelbaar", "niet afgeleverd", "kan niet worden bezorgd", "niet bezorgd",
	"onbezorgbaar", "bezorging mislukt", "niet bestelbaar",
	// German
	"unzustellbar", "nicht zustellbar", "nicht zugestellt", "zustellung fehlgeschlagen",
	// French
	"non remis", "non distribuable", "échec de la remise", "échec de remise",
	"impossible de remettre", "non délivré",
	// Spanish, Italian, Portuguese
	"no se puede entregar", "no entregado", "mancato recapito", "non recapitabile",
	"não entregue", "falha na entrega",
	// Russian, Polish
	"не доставлено", "недоставлен", "не может быть доставлено", "ошибка доставки",
	"niedostarczon", "nie można dostarczyć",
	// Scandinavian
	"kunde inte levereras", "kunne ikke leveres", "ikke levert",
	// Japanese, Chinese
	"メールエラー", "配信エラー", "配送エラー", "不達", "退信", "未送达", "投递失败",
}

// notFailureSubjects mark delivery reports that are not a failure: a delay
// warning or a success notice.
var notFailureSubjects = []string{
	"delay", "warning", "still being retried", "success", "relayed",
	"vertraagd", "verzögert", "retardé", "задерж",
}

// replyPrefixRe matches the prefixes that mail clients and auto-responders
// put before a subject they answer or forward: a subject quoting another
// one is not the subject of a bounce.
var replyPrefixRe = regexp.MustCompile(`(?i)^\s*(re|fw|fwd|aw|wg|tr|sv|vs|antw|antwoord|doorst|rv|enc|odp|ynt|r|i)\s*(\[\d+\])?\s*:`)

func isBounceSubject(subject string) bool {
	s := strings.ToLower(subject)
	if replyPrefixRe.MatchString(s) {
		return false
	}
	if _, ok := autoReplySubject(s); ok {
		return false
	}
	for _, frag := range notFailureSubjects {
		if strings.Contains(s, frag) {
			return false
		}
	}
	for _, frag := range bounceSubjects {
		if strings.Contains(s, frag) {
			return true
		}
	}
	return false
}

// autoReplyRe matches the subject prefixes of out-of-office replies:
// Exchange/Outlook ("Automatic reply:", "Automatisch antwoord:",
// "Automatische Antwort:", "Réponse automatique :"), Apple ("Auto reply:"),
// and older forms.
var autoReplyRe = regexp.MustCompile(`(?i)^\s*(automatic reply|automatisch antwoord|automatische antwort|réponse automatique|respuesta automática|risposta automatica|auto[- ]?reply|auto[- ]?response|autosvar|out of office( autoreply| reply)?|abwesenheitsnotiz|afwezigheidsmelding|afwezig)\s*:`)

func autoReplySubject(subject string) (string, bool) {
	m := autoReplyRe.FindString(subject)
	return m, m != ""
}

// smtpFailureRe matches an SMTP failure reply in a bounce's text: a 4xx or
// 5xx reply code with an RFC 3463 enhanced status code, or RFC 5321's
// "Requested action not taken" text.
var smtpFailureRe = regexp.MustCompile(`(?i)\b[45]\d\d[ -]+[45]\.\d{1,3}\.\d{1,3}\b|\b[45]\d\d\b[ -]+requested action not taken`)

// bodyMessageIDRe matches a Message-ID header line copied into a bounce's
// text, possibly quoted or indented.
var bodyMessageIDRe = regexp.MustCompile(`(?im)^[\s>]*message-id:\s*<([^<>\s]+)>`)

func bodyMessageIDs(text string) []string {
	var ids []string
	for _, m := range bodyMessageIDRe.FindAllStringSubmatch(text, 20) {
		ids = append(ids, m[1])
	}
	return ids
}

func dedup(ids []string) []string {
	var out []string
	seen := make(map[string]bool)
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
