package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/klachtd/klachtd/config"
)

// Source hands out a mailbox's access token, refreshing it with the stored
// refresh token shortly before it expires and whenever the mail server
// refused it. It is safe for concurrent use, and several processes may
// share one grant file.
type Source struct {
	mailbox string
	path    string
	conf    *oauth2.Config
	log     *slog.Logger

	// Now is the clock; tests move it.
	Now func() time.Time

	mu    sync.Mutex
	grant *Grant // as last read or written
	// failed is the last GrantError and the grant file it was about: until
	// `klachtd login` replaces the file, asking again cannot help.
	failed     error
	failedFile fileStamp
}

// fileStamp identifies a version of the grant file.
type fileStamp struct {
	exists  bool
	modTime time.Time
	size    int64
}

func stamp(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{exists: true, modTime: fi.ModTime(), size: fi.Size()}
}

// NewSource returns the token source of a mailbox with auth = "oauth2",
// whose grant lives in dataDir. It reads nothing yet: a missing grant is
// reported by Token.
func NewSource(dataDir string, mb *config.Mailbox, log *slog.Logger) (*Source, error) {
	conf, err := Config(mb)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Source{
		mailbox: mb.Address,
		path:    GrantPath(dataDir, mb.Address),
		conf:    conf,
		log:     log,
		Now:     time.Now,
	}, nil
}

// Path is the grant file of the source.
func (s *Source) Path() string { return s.path }

// margin is how long before its expiry an access token is replaced: a
// fifth of its lifetime, at most five minutes, so that a token never runs
// out during a login or an SMTP session.
func margin(g *Grant) time.Duration {
	if g.IssuedAt.IsZero() || !g.Expiry.After(g.IssuedAt) {
		return 5 * time.Minute
	}
	return min(g.Expiry.Sub(g.IssuedAt)/5, 5*time.Minute)
}

// fresh reports whether the grant's access token may still be used.
func (s *Source) fresh(g *Grant) bool {
	if g == nil || g.AccessToken == "" {
		return false
	}
	if g.Expiry.IsZero() {
		return true // the provider gave no lifetime: use it until refused
	}
	return s.Now().Add(margin(g)).Before(g.Expiry)
}

// Token returns an access token that is valid for a while yet.
func (s *Source) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fresh(s.grant) {
		return s.grant.AccessToken, nil
	}
	return s.refresh(ctx, "")
}

// Refresh returns a new access token after a server refused rejected. If
// another caller already replaced rejected by a fresh token, that one is
// returned without asking the provider again.
func (s *Source) Refresh(ctx context.Context, rejected string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh(ctx, rejected)
}

// refresh reads the grant file under its lock and refreshes the access
// token unless the file already holds a fresh one other than rejected.
func (s *Source) refresh(ctx context.Context, rejected string) (string, error) {
	if s.failed != nil && stamp(s.path) == s.failedFile {
		return "", s.failed
	}
	s.failed = nil
	tok, err := s.refreshLocked(ctx, rejected)
	var ge *GrantError
	if errors.As(err, &ge) {
		s.failed, s.failedFile = err, stamp(s.path)
	}
	return tok, err
}

func (s *Source) refreshLocked(ctx context.Context, rejected string) (string, error) {
	unlock, err := lockGrant(s.path)
	if err != nil {
		return "", err
	}
	defer unlock()
	g, err := loadGrant(s.path)
	if errors.Is(err, errNoGrant) {
		s.grant = nil
		return "", &GrantError{Mailbox: s.mailbox, Reason: "login missing (no grant stored)"}
	}
	if err != nil {
		return "", err
	}
	s.grant = g
	if g.ClientID != s.conf.ClientID {
		return "", &GrantError{Mailbox: s.mailbox, Reason: "grant of another client",
			Detail: fmt.Sprintf("stored for client %s, the config says %s", g.ClientID, s.conf.ClientID)}
	}
	if s.fresh(g) && g.AccessToken != rejected {
		return g.AccessToken, nil
	}
	if g.RefreshToken == "" {
		return "", &GrantError{Mailbox: s.mailbox, Reason: "grant without refresh token (was offline access granted?)"}
	}
	// A token source over a token without access token refreshes at once;
	// x/oauth2 keeps the old refresh token when the provider sends none.
	ts := s.conf.TokenSource(withClient(ctx), &oauth2.Token{RefreshToken: g.RefreshToken})
	t, err := ts.Token()
	if err != nil {
		err = classify(s.mailbox, err)
		s.log.Warn("oauth2 refresh failed", "mailbox", s.mailbox, "err", err)
		return "", err
	}
	g.setToken(t, s.Now())
	if err := saveGrant(s.path, g); err != nil {
		// The new token works for this process; a rotated refresh token
		// that could not be stored is lost, and the next refresh says so.
		s.log.Error("oauth2: storing the refreshed grant failed", "mailbox", s.mailbox, "err", err)
	}
	s.log.Debug("oauth2 access token refreshed", "mailbox", s.mailbox, "expiry", g.Expiry)
	return g.AccessToken, nil
}
