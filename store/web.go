package store

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kinds of web token (table web_tokens).
const (
	TokenSignIn  = "signin"  // a one-time sign-in link
	TokenSession = "session" // a signed-in browser
)

// Sign-in errors: a link that was used before or whose time is up. A token
// that never existed is ErrNotFound.
var (
	ErrTokenUsed    = errors.New("sign-in link already used")
	ErrTokenExpired = errors.New("sign-in link expired")
)

// HashToken is how a web token is stored: the hex SHA-256 of the secret
// the browser or the mail holds, so that a copy of the database signs
// nobody in.
func HashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// WebToken is a sign-in link or a session.
type WebToken struct {
	Hash      string
	Kind      string
	Email     string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // sign-in: when the link was followed
	SeenAt    time.Time // session: the last request
}

// AddWebToken stores a token (by its hash).
func (tx *Tx) AddWebToken(t *WebToken) error {
	if _, err := tx.exec(`INSERT INTO web_tokens (hash, kind, email, created_at, expires_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.Hash, t.Kind, strings.ToLower(t.Email), ms(t.CreatedAt), ms(t.ExpiresAt), ms(t.SeenAt)); err != nil {
		return fmt.Errorf("store: add %s token: %w", t.Kind, err)
	}
	return nil
}

// WebToken returns the token with this hash and kind.
func (tx *Tx) WebToken(kind, hash string) (*WebToken, error) {
	t := WebToken{Hash: hash, Kind: kind}
	var created, expires, used, seen sql.NullInt64
	err := tx.queryRow(`SELECT email, created_at, expires_at, used_at, seen_at FROM web_tokens WHERE hash = ? AND kind = ?`,
		hash, kind).Scan(&t.Email, &created, &expires, &used, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: %s token: %w", kind, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %s token: %w", kind, err)
	}
	t.CreatedAt, t.ExpiresAt, t.UsedAt, t.SeenAt = fromMS(created), fromMS(expires), fromMS(used), fromMS(seen)
	return &t, nil
}

// RedeemSignIn marks a sign-in link used and returns it. A link works once,
// and only before it expires: ErrTokenUsed, ErrTokenExpired, ErrNotFound.
func (tx *Tx) RedeemSignIn(hash string, now time.Time) (*WebToken, error) {
	t, err := tx.WebToken(TokenSignIn, hash)
	if err != nil {
		return nil, err
	}
	switch {
	case !t.UsedAt.IsZero():
		return t, ErrTokenUsed
	case !now.Before(t.ExpiresAt):
		return t, ErrTokenExpired
	}
	res, err := tx.exec(`UPDATE web_tokens SET used_at = ? WHERE hash = ? AND kind = ? AND used_at IS NULL`, ms(now), hash, TokenSignIn)
	if err != nil {
		return nil, fmt.Errorf("store: redeem sign-in link: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return t, ErrTokenUsed
	}
	t.UsedAt = now
	return t, nil
}

// TouchSession records a request of a session and moves its idle expiry.
func (tx *Tx) TouchSession(hash string, seen, expires time.Time) error {
	if _, err := tx.exec(`UPDATE web_tokens SET seen_at = ?, expires_at = ? WHERE hash = ? AND kind = ?`,
		ms(seen), ms(expires), hash, TokenSession); err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteWebToken removes a token (sign-out).
func (tx *Tx) DeleteWebToken(kind, hash string) error {
	if _, err := tx.exec(`DELETE FROM web_tokens WHERE hash = ? AND kind = ?`, hash, kind); err != nil {
		return fmt.Errorf("store: delete %s token: %w", kind, err)
	}
	return nil
}

// PruneWebTokens deletes tokens that expired before t.
func (tx *Tx) PruneWebTokens(t time.Time) error {
	if _, err := tx.exec(`DELETE FROM web_tokens WHERE expires_at < ?`, ms(t)); err != nil {
		return fmt.Errorf("store: prune web tokens: %w", err)
	}
	return nil
}
