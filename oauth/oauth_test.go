package oauth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/oauth/oauthtest"
)

const user = "info@example.nl"

func startServer(t *testing.T) *oauthtest.Server {
	t.Helper()
	srv, err := oauthtest.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func customMailbox(srv *oauthtest.Server) *config.Mailbox {
	return &config.Mailbox{
		Address:  user,
		Username: user,
		Auth:     config.AuthOAuth2,
		OAuth2: &config.OAuth2{
			Provider:  config.ProviderCustom,
			ClientID:  "klachtd-test",
			DeviceURL: srv.DeviceURL(),
			TokenURL:  srv.TokenURL(),
			Scopes:    []string{"mail", "offline_access"},
		},
	}
}

// syncWriter collects output written by one goroutine and read by another.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// waitFor polls out until re matches and returns the first group.
func waitFor(t *testing.T, out *syncWriter, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %v in output:\n%s", re, out.String())
	return ""
}

// login runs the device flow and approves the code as the person would.
func login(t *testing.T, srv *oauthtest.Server, dataDir string, mb *config.Mailbox) string {
	t.Helper()
	out := &syncWriter{}
	done := make(chan error, 1)
	var path string
	go func() {
		var err error
		path, err = Login(context.Background(), dataDir, mb, out, nil)
		done <- err
	}()
	code := waitFor(t, out, regexp.MustCompile(`enter the code\s+(\S+)`))
	if !strings.Contains(out.String(), srv.VerifyURL()) {
		t.Errorf("the verification URL is not printed:\n%s", out)
	}
	if err := srv.Approve(code, user); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Login: %v\n%s", err, out)
	}
	return path
}

func TestDeviceLoginStoresGrant0600(t *testing.T) {
	old := syscall.Umask(0) // the file modes must not depend on the umask
	defer syscall.Umask(old)
	srv := startServer(t)
	dataDir := t.TempDir()
	path := login(t, srv, dataDir, customMailbox(srv))
	if path != filepath.Join(dataDir, "oauth2", "info@example.nl.json") {
		t.Errorf("grant stored at %s", path)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700 | os.ModeDir, path + ".lock": 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
	}
	g, err := loadGrant(path)
	if err != nil {
		t.Fatal(err)
	}
	if g.RefreshToken == "" || g.AccessToken == "" || g.ClientID != "klachtd-test" || g.Mailbox != user {
		t.Errorf("grant %+v", g)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".grant-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestSourceRefreshes(t *testing.T) {
	srv := startServer(t)
	srv.Lifetime = 100 * time.Second
	dataDir := t.TempDir()
	mb := customMailbox(srv)
	path := login(t, srv, dataDir, mb)
	first, _ := loadGrant(path)

	src, err := NewSource(dataDir, mb, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	src.Now = func() time.Time { return now }
	ctx := context.Background()
	tok, err := src.Token(ctx)
	if err != nil || tok != first.AccessToken {
		t.Fatalf("Token() = %q, %v; want the stored token", tok, err)
	}
	if n, _, _ := srv.Stats(); n != 0 {
		t.Errorf("%d refreshes for a fresh token", n)
	}

	// 85 s into a 100 s lifetime the margin (a fifth: 20 s) is reached.
	now = now.Add(85 * time.Second)
	tok2, err := src.Token(ctx)
	if err != nil || tok2 == tok {
		t.Fatalf("Token() near expiry = %q, %v; want a new token", tok2, err)
	}
	second, _ := loadGrant(path)
	if second.AccessToken != tok2 || second.RefreshToken == first.RefreshToken {
		t.Errorf("the refreshed grant (rotated refresh token) is not stored: %+v", second)
	}

	// A server refused tok2: Refresh gets another; a second caller that
	// saw tok2 refused too gets the new one without another refresh.
	tok3, err := src.Refresh(ctx, tok2)
	if err != nil || tok3 == tok2 {
		t.Fatalf("Refresh() = %q, %v", tok3, err)
	}
	tok4, err := src.Refresh(ctx, tok2)
	if err != nil || tok4 != tok3 {
		t.Errorf("second Refresh(rejected) = %q, %v; want %q without asking again", tok4, err, tok3)
	}
	if n, _, _ := srv.Stats(); n != 2 {
		t.Errorf("%d refreshes, want 2", n)
	}

	// Another process (a second Source on the same file) sees the new
	// token without refreshing.
	other, _ := NewSource(dataDir, mb, nil)
	if tok, err := other.Token(ctx); err != nil || tok != tok3 {
		t.Errorf("other source: %q, %v; want %q", tok, err, tok3)
	}

	srv.Revoke(user)
	_, err = src.Refresh(ctx, tok3)
	var ge *GrantError
	if !errors.As(err, &ge) || !errors.Is(err, ErrLoginNeeded) {
		t.Fatalf("after revocation: %v, want a GrantError", err)
	}
	if ge.Reason != "grant revoked or expired" || !strings.Contains(err.Error(), "run klachtd login -mailbox info@example.nl") {
		t.Errorf("error %q", err)
	}
}

func TestNoGrant(t *testing.T) {
	srv := startServer(t)
	src, err := NewSource(t.TempDir(), customMailbox(srv), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Token(context.Background())
	if !errors.Is(err, ErrLoginNeeded) || !strings.Contains(err.Error(), "login missing") {
		t.Errorf("Token() without login: %v", err)
	}
}

func TestGrantOfAnotherClient(t *testing.T) {
	srv := startServer(t)
	dataDir := t.TempDir()
	mb := customMailbox(srv)
	login(t, srv, dataDir, mb)
	mb.OAuth2.ClientID = "another-app"
	src, _ := NewSource(dataDir, mb, nil)
	src.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	_, err := src.Token(context.Background())
	if !errors.Is(err, ErrLoginNeeded) || !strings.Contains(err.Error(), "stored for client klachtd-test, the config says another-app") {
		t.Errorf("Token() with another client ID: %v", err)
	}
}

func TestDeviceLoginDenied(t *testing.T) {
	srv := startServer(t)
	out := &syncWriter{}
	done := make(chan error, 1)
	go func() {
		_, err := Login(context.Background(), t.TempDir(), customMailbox(srv), out, nil)
		done <- err
	}()
	code := waitFor(t, out, regexp.MustCompile(`enter the code\s+(\S+)`))
	resp, err := http.PostForm(srv.VerifyURL(), map[string][]string{"user_code": {code}, "decision": {"deny"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "the sign-in was refused") {
		t.Errorf("Login after deny: %v", err)
	}
}

func TestLoopbackLogin(t *testing.T) {
	for _, how := range []string{"redirect", "paste"} {
		t.Run(how, func(t *testing.T) {
			srv := startServer(t)
			srv.AutoUser = user
			conf := &oauth2.Config{
				ClientID:     "desktop-client",
				ClientSecret: "not-really-secret",
				Endpoint:     oauth2.Endpoint{AuthURL: srv.AuthURL(), TokenURL: srv.TokenURL(), AuthStyle: oauth2.AuthStyleInParams},
				Scopes:       []string{"https://mail.google.com/"},
			}
			out := &syncWriter{}
			pr, pw := io.Pipe()
			defer pw.Close()
			done := make(chan error, 1)
			go func() {
				_, err := LoopbackLogin(context.Background(), conf, user, out, pr)
				done <- err
			}()
			authURL := waitFor(t, out, regexp.MustCompile(`(?m)^\s+(http://\S+/authorize\S+)$`))
			for _, p := range []string{"code_challenge_method=S256", "access_type=offline", "login_hint=info%40example.nl", "redirect_uri=http%3A%2F%2F127.0.0.1%3A"} {
				if !strings.Contains(authURL, p) {
					t.Errorf("authorization URL lacks %s: %s", p, authURL)
				}
			}
			browser := &http.Client{}
			if how == "paste" {
				// The browser is on another computer: the redirect does
				// not load there, the person pastes its address.
				browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			}
			resp, err := browser.Get(authURL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if how == "paste" {
				if _, err := io.WriteString(pw, "not an address at all\n"+resp.Header.Get("Location")+"\n"); err != nil {
					t.Fatal(err)
				}
			}
			if err := <-done; err != nil {
				t.Fatalf("LoopbackLogin: %v\n%s", err, out)
			}
		})
	}
}

// After a grant is found revoked, the provider is not asked again until
// `klachtd login` replaced the grant file.
func TestRevokedGrantNotAskedAgain(t *testing.T) {
	srv := startServer(t)
	dataDir := t.TempDir()
	mb := customMailbox(srv)
	login(t, srv, dataDir, mb)
	src, _ := NewSource(dataDir, mb, nil)
	ctx := context.Background()
	tok, err := src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.Revoke(user)
	for range 3 {
		if _, err := src.Refresh(ctx, tok); !errors.Is(err, ErrLoginNeeded) {
			t.Fatalf("Refresh after revocation: %v", err)
		}
	}
	if _, refused, _ := srv.Stats(); refused != 1 {
		t.Errorf("the token endpoint was asked %d times, want once", refused)
	}
	time.Sleep(10 * time.Millisecond) // a new modification time
	login(t, srv, dataDir, mb)
	tok2, err := src.Refresh(ctx, tok)
	if err != nil || tok2 == tok {
		t.Errorf("Refresh after a new login = %q, %v", tok2, err)
	}
}
