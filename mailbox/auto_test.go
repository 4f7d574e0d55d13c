package mailbox

import (
	"fmt"
	"testing"
)

func TestAutomatic(t *testing.T) {
	tests := []struct {
		file       string
		is         bool
		reason     string
		bounce     bool
		ids        []string
		recipients []string
	}{
		{file: "auto_submitted.eml", is: true, reason: "Auto-Submitted: auto-replied (RFC 3834)"},
		{file: "auto_submitted_no.eml", is: false},
		{file: "x_autoreply.eml", is: true, reason: "X-Autoreply"},
		{file: "x_autorespond.eml", is: true, reason: "X-Autorespond"},
		{file: "precedence_bulk.eml", is: true, reason: "Precedence: bulk"},
		{file: "precedence_junk.eml", is: true, reason: "Precedence: junk"},
		{file: "list_id.eml", is: true, reason: "List-Id present"},
		{file: "list_unsubscribe.eml", is: true, reason: "List-Unsubscribe present"},
		{file: "return_path_empty.eml", is: true, reason: "empty Return-Path"},
		{
			file: "dsn_postfix.eml", is: true, reason: "delivery status notification (RFC 3464)", bounce: true,
			ids: []string{"KL-2026-0003.ack.1@example.nl"}, recipients: []string{"onbekend@example.com"},
		},
		{
			file: "dsn_delayed.eml", is: true, reason: "delivery status notification (RFC 3464): delayed",
			ids: []string{"KL-2026-0004.ack.1@example.nl"},
		},
		{
			file: "mailer_daemon.eml", is: true, reason: "From MAILER-DAEMON/postmaster", bounce: true,
			ids: []string{"KL-2026-0007.1@example.nl"},
		},
		{file: "mdn.eml", is: true, reason: "multipart/report disposition-notification (RFC 6522)"},
		{file: "normal.eml", is: false},
		{file: "cp1252_qp.eml", is: false},
		{file: "forwarded_rfc822.eml", is: false},

		// Plain-text bounces (no RFC 3464 report).
		{
			file: "bounce_null_name.eml", is: true, reason: "From MAILER-DAEMON/postmaster", bounce: true,
			ids: []string{"KL-2026-0012.ack.1@example.nl"}, // from the header copied into the text
		},
		{file: "bounce_no_domain.eml", is: true, reason: "From MAILER-DAEMON/postmaster", bounce: true},
		{
			file: "bounce_ru.eml", is: true, reason: "From MAILER-DAEMON/postmaster", bounce: true,
			ids: []string{"KL-2026-0014.ack.1@example.nl"},
		},
		{
			file: "bounce_de_null_path.eml", is: true, reason: "bounce from a null sender", bounce: true,
			ids: []string{"KL-2026-0015.ack.1@example.nl"},
		},
		{
			file: "x_failed_recipients.eml", is: true, reason: "X-Failed-Recipients (Exim bounce)", bounce: true,
			ids: []string{"KL-2026-0016.ack.1@example.nl"},
		},
		{
			file: "postmaster_smtp.eml", is: true, reason: "From postmaster with an SMTP failure", bounce: true,
			ids: []string{"KL-2026-0017.ack.1@example.nl"},
		},
		{
			file: "noreply_bounce.eml", is: true, reason: "bounce from a no-reply sender with the original attached", bounce: true,
			ids: []string{"KL-2026-0018.ack.1@example.nl"},
		},
		// MAILER-DAEMON mail that is not a failure: automatic, not a bounce.
		{file: "mailer_daemon_notice.eml", is: true, reason: "From MAILER-DAEMON"},
		{file: "mailer_daemon_delayed.eml", is: true, reason: "From MAILER-DAEMON"},

		// Auto-replies and other machine mail.
		{file: "apple_vacation.eml", is: true, reason: "X-Apple-Action: VACATION (Apple vacation reply)"},
		{file: "exchange_ooo.eml", is: true, reason: "X-Auto-Response-Suppress: All (Exchange)"},
		{file: "exchange_rule_reply.eml", is: true, reason: "auto-reply subject Automatic reply:"},
		{file: "ooo_bounce_words.eml", is: true, reason: "Auto-Submitted: auto-replied (RFC 3834)"},
		{file: "x_loop.eml", is: true, reason: "X-Loop present"},
		{file: "exchange_ooo_reply.eml", is: true, reason: "auto-reply subject Automatische Antwort:"},
		{file: "list_ezmlm.eml", is: true, reason: "Mailing-List present"},
		{file: "sns_notification.eml", is: true, reason: "Amazon SNS notification"},

		// People's mail that looks a little like machine mail.
		{file: "auto_submitted_no_comment.eml", is: false},
		{file: "human_undelivered.eml", is: false},
		{file: "human_forwarded_bounce.eml", is: false},
		{file: "human_webform.eml", is: false},
		{file: "human_rules_loop.eml", is: false},
		{file: "human_autoreply_subject.eml", is: false},
		{file: "human_xloop_forward.eml", is: false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a := parseFile(t, tt.file, "", 0).Auto
			if a.Is != tt.is || a.Reason != tt.reason || a.Bounce != tt.bounce {
				t.Errorf("Auto = %+v, want Is %v Reason %q Bounce %v", a, tt.is, tt.reason, tt.bounce)
			}
			if fmt.Sprint(a.BouncedMessageIDs) != fmt.Sprint(tt.ids) {
				t.Errorf("BouncedMessageIDs = %q, want %q", a.BouncedMessageIDs, tt.ids)
			}
			if fmt.Sprint(a.BouncedRecipients) != fmt.Sprint(tt.recipients) {
				t.Errorf("BouncedRecipients = %q, want %q", a.BouncedRecipients, tt.recipients)
			}
		})
	}
}

func TestBounceSubject(t *testing.T) {
	tests := []struct {
		subject string
		want    bool
	}{
		{"Undelivered Mail Returned to Sender", true},
		{"Mail delivery failed: returning message to sender", true},
		{"Returned mail: see transcript for details", true},
		{"failure notice", true},
		{"Onbestelbaar: Ontvangstbevestiging", true},
		{"Unzustellbar: Ihre Nachricht", true},
		{"Non remis : votre message", true},
		{"Ваше письмо не доставлено", true},
		{"Delivery Status Notification (Failure)", true},
		// not failures
		{"Delivery Status Notification (Delay)", false},
		{"Delayed Mail (still being retried)", false},
		{"Warning: message 1abc delayed 24 hours", false},
		{"Delivery Status Notification (Success)", false},
		// a subject that quotes another one
		{"Re: Undelivered Mail Returned to Sender", false},
		{"Fwd: Mail delivery failed", false},
		{"Automatisch antwoord: pakket niet bezorgd", false},
		{"Klacht", false},
	}
	for _, tt := range tests {
		if got := isBounceSubject(tt.subject); got != tt.want {
			t.Errorf("isBounceSubject(%q) = %v, want %v", tt.subject, got, tt.want)
		}
	}
}
