package mailbox

import (
	"strings"

	msgmail "github.com/emersion/go-message/mail"
)

// Automatic says whether a message was sent by a machine rather than a
// person (docs/spec.md "Automatic mail"). Automatic mail never creates a dossier and
// never gets a letter: answering it risks mail loops (RFC 3834 §2).
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
	embeddedIDs    []string // Message-IDs of message/rfc822 and text/rfc822-headers parts
}

type dsnGroup struct {
	action    string // RFC 3464 §2.3.3: failed, delayed, delivered, relayed, expanded
	recipient string
}

// bounceSubjects are subject fragments (lower case) of non-RFC 3464 bounces
// sent by MAILER-DAEMON or postmaster.
var bounceSubjects = []string{
	"undeliver", "undelivered", "delivery status", "delivery failure", "delivery failed",
	"delivery has failed", "failure notice", "returned mail", "mail delivery",
	"non remis", "onbestelbaar", "niet afgeleverd", "kan niet worden bezorgd",
	"niet bezorgd", "unzustellbar",
}

// autoPrecedence are the Precedence values that mark bulk or automatic mail
// (RFC 3834 §2 mentions the convention; RFC 2076 §3.9).
var autoPrecedence = map[string]bool{"bulk": true, "junk": true, "list": true, "auto_reply": true}

// detectAutomatic applies the rules of docs/spec.md "Automatic mail" in order; the
// first that matches gives the reason. Delivery reports come first, so that a
// bounce is recognised as one even though it also carries Auto-Submitted.
func detectAutomatic(p *Parsed, ev *autoEvidence) Automatic {
	h := msgmail.Header{Header: p.Header}
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
	} else if isMailerDaemon(p) && isBounceSubject(p.Subject) {
		a.Is, a.Bounce = true, true
		a.Reason = "From MAILER-DAEMON/postmaster"
	}
	if a.Is {
		a.BouncedMessageIDs = dedup(ev.embeddedIDs)
		if len(a.BouncedMessageIDs) == 0 {
			a.BouncedMessageIDs = dedup(append(append([]string(nil), p.InReplyTo...), p.References...))
		}
	}
	if a.Is {
		return a
	}

	// RFC 3834 §5: any Auto-Submitted value other than "no" marks automatic
	// mail; the field may carry parameters after ";".
	if v := h.Get("Auto-Submitted"); v != "" {
		kw := strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
		if kw != "no" && kw != "" {
			return Automatic{Is: true, Reason: "Auto-Submitted: " + kw + " (RFC 3834)"}
		}
	}
	if h.Has("X-Autoreply") {
		return Automatic{Is: true, Reason: "X-Autoreply"}
	}
	if h.Has("X-Autorespond") {
		return Automatic{Is: true, Reason: "X-Autorespond"}
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Precedence"))); autoPrecedence[v] {
		return Automatic{Is: true, Reason: "Precedence: " + v}
	}
	// RFC 2919 (List-Id) and RFC 2369 (List-Unsubscribe): mailing-list mail.
	if h.Has("List-Id") {
		return Automatic{Is: true, Reason: "List-Id present"}
	}
	if h.Has("List-Unsubscribe") {
		return Automatic{Is: true, Reason: "List-Unsubscribe present"}
	}
	// RFC 3834 §3.3 / RFC 5321 §4.5.5: a null reverse-path means the message
	// is a notification that must not be answered.
	for _, v := range h.Values("Return-Path") {
		if strings.Join(strings.Fields(v), "") == "<>" {
			return Automatic{Is: true, Reason: "empty Return-Path"}
		}
	}
	// Other reports (RFC 6522), e.g. read receipts (RFC 8098).
	if ev.report {
		return Automatic{Is: true, Reason: "multipart/report " + ev.reportType + " (RFC 6522)"}
	}
	return Automatic{}
}

func isMailerDaemon(p *Parsed) bool {
	addr := ""
	if p.From != nil {
		addr = p.From.Address
	} else {
		addr = p.Header.Get("From")
	}
	addr = strings.ToLower(addr)
	local := addr
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		local = addr[:at]
	}
	local = strings.TrimSpace(local)
	if i := strings.LastIndexAny(local, "< \""); i >= 0 {
		local = local[i+1:]
	}
	return local == "mailer-daemon" || local == "postmaster"
}

func isBounceSubject(subject string) bool {
	s := strings.ToLower(subject)
	for _, frag := range bounceSubjects {
		if strings.Contains(s, frag) {
			return true
		}
	}
	return false
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
