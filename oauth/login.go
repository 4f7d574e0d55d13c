package oauth

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/klachtd/klachtd/config"
)

// Login runs the login flow of a mailbox with auth = "oauth2", talking to
// the person at the terminal through out (and in, for the loopback flow),
// and stores the grant in dataDir. It returns the grant file's path.
func Login(ctx context.Context, dataDir string, mb *config.Mailbox, out io.Writer, in io.Reader) (string, error) {
	conf, err := Config(mb)
	if err != nil {
		return "", err
	}
	var t *oauth2.Token
	if conf.Endpoint.DeviceAuthURL != "" {
		t, err = DeviceLogin(ctx, conf, mb.Username, out)
	} else {
		t, err = LoopbackLogin(ctx, conf, mb.Username, out, in)
	}
	if err != nil {
		return "", err
	}
	if t.RefreshToken == "" {
		return "", fmt.Errorf("the provider granted no refresh token; klachtd cannot keep the login (ask for the offline_access scope)")
	}
	now := time.Now()
	g := &Grant{
		Mailbox:  mb.Address,
		Provider: mb.OAuth2.Provider,
		ClientID: conf.ClientID,
		Scopes:   conf.Scopes,
		LoginAt:  now,
	}
	g.setToken(t, now)
	path := GrantPath(dataDir, mb.Address)
	unlock, err := lockGrant(path)
	if err != nil {
		return "", err
	}
	defer unlock()
	if err := saveGrant(path, g); err != nil {
		return "", err
	}
	return path, nil
}

// DeviceLogin runs the device authorization grant (RFC 8628): it asks for
// a device code, tells the person where to enter the user code, and polls
// the token endpoint until they approved, refused, or the code expired.
func DeviceLogin(ctx context.Context, conf *oauth2.Config, user string, out io.Writer) (*oauth2.Token, error) {
	ctx = withClient(ctx)
	da, err := conf.DeviceAuth(ctx)
	if err != nil {
		return nil, fmt.Errorf("device authorization: %w", loginError(err))
	}
	fmt.Fprintf(out, "To allow klachtd to read and send the mail of %s:\n\n", user)
	fmt.Fprintf(out, "  1. open  %s\n", da.VerificationURI)
	fmt.Fprintf(out, "  2. enter the code  %s\n", da.UserCode)
	fmt.Fprintf(out, "  3. sign in as %s and accept\n\n", user)
	if da.VerificationURIComplete != "" {
		fmt.Fprintf(out, "(or open %s, which carries the code)\n", da.VerificationURIComplete)
	}
	if !da.Expiry.IsZero() {
		fmt.Fprintf(out, "Waiting for the sign-in (the code is valid until %s) …\n", da.Expiry.Local().Format("15:04:05"))
	} else {
		fmt.Fprintln(out, "Waiting for the sign-in …")
	}
	t, err := conf.DeviceAccessToken(ctx, da)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, errors.New("the code expired before the sign-in was done; run klachtd login again")
		}
		return nil, fmt.Errorf("device authorization: %w", loginError(err))
	}
	return t, nil
}

// loginError words the refusals a person can act on (RFC 8628 §3.5).
func loginError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	switch re.ErrorCode {
	case "access_denied":
		return fmt.Errorf("the sign-in was refused (access_denied): %w", err)
	case "expired_token":
		return fmt.Errorf("the code expired before the sign-in was done; run klachtd login again: %w", err)
	case "invalid_client", "unauthorized_client":
		return fmt.Errorf("the provider does not know this client or does not allow it this flow (check oauth2_client_id; Microsoft: \"Allow public client flows\" must be on): %w", err)
	}
	return err
}

// LoopbackLogin runs the authorization code flow with PKCE (RFC 7636) and a
// loopback redirect (RFC 8252 §7.3), as Google requires of command-line
// programs that want mail scopes. The person opens the printed address in
// any browser; when the browser runs on this machine the redirect reaches
// klachtd by itself, otherwise they paste the address of the page the
// browser could not open into the terminal.
func LoopbackLogin(ctx context.Context, conf *oauth2.Config, user string, out io.Writer, in io.Reader) (*oauth2.Token, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("loopback redirect: %w", err)
	}
	defer ln.Close()
	c := *conf
	c.RedirectURL = "http://" + ln.Addr().String() + "/"
	state := randomHex(16)
	verifier := oauth2.GenerateVerifier()
	authURL := c.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("prompt", "consent"), oauth2.SetAuthURLParam("login_hint", user))

	fmt.Fprintf(out, "To allow klachtd to read and send the mail of %s, open this address in a browser,\nsign in as %s and accept:\n\n  %s\n\n", user, user, authURL)
	fmt.Fprintf(out, "If the browser runs on another computer, its last page will not load: copy\nthat page's address from the address bar and paste it here, then press Enter.\n")

	codes := make(chan string, 2)
	errs := make(chan error, 2)
	deliver := func(q url.Values) error {
		if e := q.Get("error"); e != "" {
			return fmt.Errorf("the sign-in was refused (%s)", e)
		}
		if q.Get("state") != state {
			return errors.New("the address is not the answer to this login (state differs)")
		}
		if q.Get("code") == "" {
			return errors.New("the address carries no code")
		}
		codes <- q.Get("code")
		return nil
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		if err := deliver(r.URL.Query()); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			errs <- err
			return
		}
		fmt.Fprintf(w, "<!doctype html><title>klachtd</title><p>klachtd is allowed to use the mailbox %s. You can close this page.</p>", html.EscapeString(user))
	})}
	go srv.Serve(ln) //nolint:errcheck // ends with ln.Close
	defer srv.Close()
	if in != nil {
		go func() {
			sc := bufio.NewScanner(in)
			for sc.Scan() {
				line := strings.TrimSpace(sc.Text())
				if line == "" {
					continue
				}
				u, err := url.Parse(line)
				if err != nil {
					fmt.Fprintln(out, "That is not an address; paste the whole address from the browser.")
					continue
				}
				if err := deliver(u.Query()); err != nil {
					fmt.Fprintf(out, "%v; paste the address of the page after the sign-in.\n", err)
					continue
				}
				return
			}
		}()
	}
	var code string
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case err := <-errs:
		return nil, err
	case code = <-codes:
	}
	t, err := c.Exchange(withClient(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange the code for tokens: %w", loginError(err))
	}
	return t, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}
