package mailbox

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// fakeTokens is a TokenSource that hands out tokens in order: Token the
// first, each Refresh the next.
type fakeTokens struct {
	mu        sync.Mutex
	tokens    []string
	i         int
	refreshes int
	err       error // returned by Refresh when set
}

func (f *fakeTokens) Token(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens[f.i], nil
}

func (f *fakeTokens) Refresh(_ context.Context, rejected string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refreshes++
	if f.err != nil {
		return "", f.err
	}
	if f.tokens[f.i] == rejected && f.i+1 < len(f.tokens) {
		f.i++
	}
	return f.tokens[f.i], nil
}

// xoauth2Server is the server side of XOAUTH2 as Google and Microsoft
// describe it: a refused token gets a JSON challenge, and after the
// client's empty response the failure.
type xoauth2Server struct {
	valid  string
	failed bool
	user   *string
}

func (s *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if s.failed {
		if len(resp) != 0 {
			return nil, true, errors.New("want an empty response after the error challenge")
		}
		return nil, true, smtp.ErrAuthFailed
	}
	parts := strings.Split(string(resp), "\x01")
	if len(parts) != 4 || !strings.HasPrefix(parts[0], "user=") || parts[2] != "" || parts[3] != "" {
		return nil, true, errors.New("malformed XOAUTH2 response")
	}
	if parts[1] != "auth=Bearer "+s.valid {
		s.failed = true
		return []byte(`{"status":"401","schemes":"bearer","scope":"https://outlook.office.com/SMTP.Send"}`), false, nil
	}
	*s.user = strings.TrimPrefix(parts[0], "user=")
	return nil, true, nil
}

type tokenSession struct {
	smtpSession
	valid string
}

func (s *tokenSession) AuthMechanisms() []string { return []string{sasl.Plain, "XOAUTH2"} }

func (s *tokenSession) Auth(mech string) (sasl.Server, error) {
	if mech != "XOAUTH2" {
		return nil, smtp.ErrAuthUnsupported
	}
	return &xoauth2Server{valid: s.valid, user: &s.r.authUser}, nil
}

func startTokenSMTP(t *testing.T, valid string) (*url.URL, *smtpRecorder) {
	t.Helper()
	rec := &smtpRecorder{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &tokenSession{smtpSession: smtpSession{r: rec}, valid: valid}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &url.URL{Scheme: "smtp+insecure", Host: ln.Addr().String()}, rec
}

func TestSendWithToken(t *testing.T) {
	raw := []byte("Subject: x\r\n\r\nx\r\n")
	tests := []struct {
		name      string
		tokens    []string
		refreshes int
		refresh   error
		wantErr   string // "" for success
	}{
		{name: "valid token", tokens: []string{"good"}, refreshes: 0},
		{name: "stale token refreshed once", tokens: []string{"stale", "good"}, refreshes: 1},
		{name: "refused twice", tokens: []string{"stale", "also-bad"}, refreshes: 1,
			wantErr: "smtp: login as info@example.nl with XOAUTH2 refused: the server did not accept the OAuth2 access token, even a freshly refreshed one (status 401, scope https://outlook.office.com/SMTP.Send)"},
		{name: "refresh fails", tokens: []string{"stale"}, refreshes: 1, refresh: errors.New("OAuth2 grant revoked or expired for info@example.nl: run klachtd login -mailbox info@example.nl"),
			wantErr: "smtp: the server refused the access token, and refreshing it failed: OAuth2 grant revoked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, rec := startTokenSMTP(t, "good")
			src := &fakeTokens{tokens: tt.tokens, err: tt.refresh}
			cfg := SMTPConfig{URL: u, Username: "info@example.nl", Token: src, Timeout: 5 * time.Second}
			err := Send(context.Background(), cfg, "info@example.nl", []string{"klant@example.com"}, raw)
			if src.refreshes != tt.refreshes {
				t.Errorf("%d refreshes, want %d", src.refreshes, tt.refreshes)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if rec.authUser != "info@example.nl" || string(rec.data) != string(raw) {
					t.Errorf("server saw user %q and data %q", rec.authUser, rec.data)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Send = %v, want %q", err, tt.wantErr)
			}
			var se *SendError
			if !errors.As(err, &se) || se.Permanent {
				t.Errorf("Send = %#v: a login failure must be a temporary *SendError (the letter stays queued)", err)
			}
			if rec.data != nil {
				t.Error("data sent despite the failed login")
			}
		})
	}
}

func TestSendWithTokenNoMechanism(t *testing.T) {
	u, _, _ := startSMTP(t, "plain") // offers PLAIN only
	cfg := SMTPConfig{URL: u, Username: "info@example.nl", Token: &fakeTokens{tokens: []string{"x"}}, Timeout: 5 * time.Second}
	err := Send(context.Background(), cfg, "info@example.nl", []string{"klant@example.com"}, []byte("x\r\n"))
	if err == nil || !strings.Contains(err.Error(), "the server offers neither XOAUTH2 nor OAUTHBEARER") {
		t.Errorf("Send = %v", err)
	}
}
