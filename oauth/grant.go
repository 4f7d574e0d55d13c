package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/oauth2"
)

// Grant is what `klachtd login` stores for a mailbox: the refresh token and
// the latest access token, with what they were obtained for.
type Grant struct {
	Mailbox      string    `json:"mailbox"`
	Provider     string    `json:"provider"`
	ClientID     string    `json:"client_id"`
	Scopes       []string  `json:"scopes"`
	RefreshToken string    `json:"refresh_token"`
	AccessToken  string    `json:"access_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	IssuedAt     time.Time `json:"issued_at,omitzero"` // of the access token
	LoginAt      time.Time `json:"login_at"`           // of the grant
}

// setToken takes a new access token (and a rotated refresh token).
func (g *Grant) setToken(t *oauth2.Token, now time.Time) {
	g.AccessToken, g.TokenType, g.Expiry, g.IssuedAt = t.AccessToken, t.TokenType, t.Expiry, now
	if t.RefreshToken != "" {
		g.RefreshToken = t.RefreshToken
	}
}

// GrantPath is the file of a mailbox's grant: DATA_DIR/oauth2/ADDRESS.json.
func GrantPath(dataDir, address string) string {
	name := strings.NewReplacer("/", "_", "\\", "_").Replace(strings.ToLower(address))
	return filepath.Join(dataDir, "oauth2", name+".json")
}

// errNoGrant is returned by loadGrant when no grant is stored.
var errNoGrant = errors.New("no grant stored")

// loadGrant reads a grant file.
func loadGrant(path string) (*Grant, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoGrant
	}
	if err != nil {
		return nil, fmt.Errorf("read oauth2 grant: %w", err)
	}
	var g Grant
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("read oauth2 grant %s: %w", path, err)
	}
	if g.RefreshToken == "" && g.AccessToken == "" {
		return nil, errNoGrant
	}
	return &g, nil
}

// saveGrant writes a grant atomically: a 0600 temporary file in the 0700
// directory, synced, renamed over the old one.
func saveGrant(path string, g *Grant) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save oauth2 grant: %w", err)
	}
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return fmt.Errorf("save oauth2 grant: %w", err)
	}
	f, err := os.CreateTemp(dir, ".grant-*")
	if err != nil {
		return fmt.Errorf("save oauth2 grant: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing left to remove
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("save oauth2 grant: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("save oauth2 grant: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("save oauth2 grant: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save oauth2 grant: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save oauth2 grant: %w", err)
	}
	return nil
}

// lockGrant takes an exclusive lock beside the grant file, so that the
// daemon, `check` and `once` do not refresh one grant at the same time (a
// provider that rotates refresh tokens would take the second refresh for
// a replayed token). The returned function releases it.
func lockGrant(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("lock oauth2 grant: %w", err)
	}
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock oauth2 grant: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock oauth2 grant: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
