package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSignInLinkWorksOnceAndOnlyInTime(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	add := func(secret string, expires time.Time) {
		t.Helper()
		if err := s.Tx(ctx, func(tx *Tx) error {
			return tx.AddWebToken(&WebToken{Hash: HashToken(secret), Kind: TokenSignIn, Email: "Piet@Example.NL", CreatedAt: now, ExpiresAt: expires})
		}); err != nil {
			t.Fatal(err)
		}
	}
	redeem := func(secret string, at time.Time) (*WebToken, error) {
		var got *WebToken
		err := s.Tx(ctx, func(tx *Tx) error {
			var err error
			got, err = tx.RedeemSignIn(HashToken(secret), at)
			return err
		})
		return got, err
	}
	add("good", now.Add(15*time.Minute))
	add("late", now.Add(15*time.Minute))

	tok, err := redeem("good", now.Add(time.Minute))
	if err != nil || tok.Email != "piet@example.nl" {
		t.Fatalf("first use: %+v, %v", tok, err)
	}
	if _, err := redeem("good", now.Add(2*time.Minute)); !errors.Is(err, ErrTokenUsed) {
		t.Errorf("second use: %v, want ErrTokenUsed", err)
	}
	if _, err := redeem("late", now.Add(15*time.Minute)); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("after 15 minutes: %v, want ErrTokenExpired", err)
	}
	if _, err := redeem("never", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown link: %v, want ErrNotFound", err)
	}
	// A session token is not a sign-in link, even with the same secret.
	if err := s.Tx(ctx, func(tx *Tx) error {
		return tx.AddWebToken(&WebToken{Hash: HashToken("sess"), Kind: TokenSession, Email: "piet@example.nl", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := redeem("sess", now); !errors.Is(err, ErrNotFound) {
		t.Errorf("session secret as sign-in link: %v, want ErrNotFound", err)
	}
	// Pruning drops what expired and keeps the session.
	if err := s.Tx(ctx, func(tx *Tx) error { return tx.PruneWebTokens(now.Add(30 * time.Minute)) }); err != nil {
		t.Fatal(err)
	}
	err = s.View(ctx, func(tx *Tx) error {
		if _, err := tx.WebToken(TokenSignIn, HashToken("good")); !errors.Is(err, ErrNotFound) {
			t.Errorf("expired link kept: %v", err)
		}
		_, err := tx.WebToken(TokenSession, HashToken("sess"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing in the table is the secret itself.
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM web_tokens WHERE hash IN ('good', 'late', 'sess')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("secrets stored in the clear: %d, %v", n, err)
	}
}

func TestTransactionChannelNamesEvents(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var id int64
	err := s.Tx(ctx, func(tx *Tx) error {
		d := &Dossier{Number: "KL-2026-0001", Organisation: "acme", ReceivedAt: time.Now()}
		if err := tx.CreateDossier(d); err != nil {
			return err
		}
		id = d.ID
		return tx.AddEvent(&Event{DossierID: id, Actor: "klachtd", Action: "registered"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		tx.SetChannel("web")
		return tx.AddEvent(&Event{DossierID: id, Actor: "officer@example.nl", Action: "posted"})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.View(ctx, func(tx *Tx) error {
		evs, err := tx.Events(id)
		if err != nil {
			return err
		}
		if len(evs) != 2 || evs[0].Channel != "" || evs[1].Channel != "web" {
			t.Errorf("channels: %+v %+v", evs[0], evs[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
