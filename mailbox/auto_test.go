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
