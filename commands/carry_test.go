package commands

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/dossier"
	"github.com/klachtd/klachtd/store"
)

// TestCarryWhoAndWhere: Carry refuses a command the sender may not give
// (an officer's command from another staff member) or may not give here
// (a dossier's command outside a dossier), with a reply naming the line
// and nothing changed; the same command from the officer on a dossier is
// carried out.
func TestCarryWhoAndWhere(t *testing.T) {
	spec := byKind[KindAddress]
	spec.Officer = true
	t.Cleanup(func() { spec.Officer = false })

	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	org := &config.Organisation{ID: "acme", Name: "Acme", Language: "nl", Officer: "anna@example.nl",
		Staff: []config.Person{{Address: "piet@example.nl"}}, DefaultHandler: "piet@example.nl", NumberPrefix: "KL"}
	mb := &config.Mailbox{Organisation: "acme", Address: "info@example.nl"}
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	rules := &dossier.Rules{Cfg: &config.Config{Organisations: []*config.Organisation{org}, Mailboxes: []*config.Mailbox{mb}},
		Secret: []byte("0123456789abcdef0123456789abcdef"), Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}

	tests := []struct {
		name       string
		actor      string
		noDossier  bool
		wantReason string // the reply's reason (Dutch); "" when carried out
	}{
		{"another staff member", "piet@example.nl", false, "alleen de klachtenfunctionaris mag Adres geven"},
		{"outside a dossier", "anna@example.nl", true, "Adres gaat over een dossier"},
		{"the officer", "anna@example.nl", false, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var address []string
			var replies []string
			err := st.Tx(context.Background(), func(tx *store.Tx) error {
				dos := &store.Dossier{Number: "KL-2026-000" + string(rune('1'+i)), Organisation: "acme", Language: "nl",
					Mailbox: mb.Address, ComplainantEmail: "klant@example.com", ReceivedAt: now, Handler: "piet@example.nl"}
				if err := tx.CreateDossier(dos); err != nil {
					return err
				}
				m := &store.Message{DossierID: dos.ID, Direction: store.DirectionIn, Kind: store.KindCommand, MessageID: "c@example.nl", FromAddr: tt.actor}
				if err := tx.InsertMessage(m); err != nil {
					return err
				}
				e := &Env{Tx: tx, Rules: rules, Org: org, Dossier: dos, Message: m, Actor: tt.actor,
					Block: Read("Adres: Dorpsstraat 1; 1234 AB Utrecht\n\nMet groet\n")}
				if tt.noDossier {
					e.Dossier = nil
				}
				if err := Carry(e); err != nil {
					return err
				}
				back, err := tx.DossierByID(dos.ID)
				if err != nil {
					return err
				}
				address = back.PostalAddress
				ms, err := tx.UnfiledMessages(10)
				if err != nil {
					return err
				}
				dms, err := tx.Messages(dos.ID)
				if err != nil {
					return err
				}
				for _, m := range append(ms, dms...) {
					if m.Kind != store.KindNotice || m.MessageID == "" {
						continue
					}
					o, err := tx.OutgoingForMessage(m.ID)
					if err != nil {
						return err
					}
					if o != nil && o.CreatedAt.Equal(now) && strings.Contains(o.Draft, `"commanderror"`) {
						replies = append(replies, o.Draft)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantReason == "" {
				if strings.Join(address, "|") != "Dorpsstraat 1|1234 AB Utrecht" {
					t.Errorf("address = %q, want it set", address)
				}
				return
			}
			if len(address) != 0 {
				t.Errorf("address = %q, want nothing changed", address)
			}
			found := false
			for _, r := range replies {
				if strings.Contains(r, tt.wantReason) && strings.Contains(r, `"Line":1`) {
					found = true
				}
			}
			if !found {
				t.Errorf("no reply naming line 1 and %q among %q", tt.wantReason, replies)
			}
		})
	}
}
