// Package oauthtest is a small OAuth2 authorization server for tests: the
// device authorization grant (RFC 8628) with a verification page that a
// test fills in as a person would in the browser, the authorization code
// grant with PKCE (RFC 7636) for the loopback flow, refresh tokens that
// rotate on every use, and token introspection (RFC 7662) for Dovecot's
// oauth2 passdb. Tests expire access tokens and revoke grants on command.
package oauthtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Server is a running authorization server.
type Server struct {
	URL string // http://127.0.0.1:PORT, without a trailing slash

	// Lifetime is the lifetime of new access tokens (default one hour).
	// Interval is the polling interval the device flow asks for (default 1s).
	Lifetime time.Duration
	Interval int
	// AutoUser, when set, is the user who approves every /authorize
	// request at once (the loopback flow's browser).
	AutoUser string

	srv *http.Server
	ln  net.Listener

	mu        sync.Mutex
	devices   map[string]*device // by device code
	codes     map[string]*authCode
	access    map[string]*token // by access token
	refresh   map[string]*grant // by current refresh token
	refreshes int               // successful refresh_token grants
	intros    int               // introspection requests
	refused   int               // refresh_token grants refused
}

type device struct {
	userCode string
	clientID string
	scope    string
	expires  time.Time
	user     string // set on approval
	denied   bool
	taken    bool
}

type authCode struct {
	clientID, redirect, challenge, scope, user string
}

type grant struct {
	user, clientID, scope string
	revoked               bool
	noConsent             bool // refresh refused for want of consent
}

type token struct {
	g       *grant
	expires time.Time
	expired bool // expired on command
}

// Start listens on addr ("127.0.0.1:0" for any free port) and serves.
func Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("oauthtest: listen %s: %w", addr, err)
	}
	s := &Server{
		URL:      "http://" + ln.Addr().String(),
		Lifetime: time.Hour,
		Interval: 1,
		ln:       ln,
		devices:  map[string]*device{},
		codes:    map[string]*authCode{},
		access:   map[string]*token{},
		refresh:  map[string]*grant{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /device", s.handleDevice)
	mux.HandleFunc("GET /verify", s.handleVerifyPage)
	mux.HandleFunc("POST /verify", s.handleVerify)
	mux.HandleFunc("GET /authorize", s.handleAuthorize)
	mux.HandleFunc("POST /token", s.handleToken)
	mux.HandleFunc("POST /introspect", s.handleIntrospect)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln) //nolint:errcheck // ends with Close
	return s, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Endpoints.
func (s *Server) DeviceURL() string     { return s.URL + "/device" }
func (s *Server) TokenURL() string      { return s.URL + "/token" }
func (s *Server) AuthURL() string       { return s.URL + "/authorize" }
func (s *Server) IntrospectURL() string { return s.URL + "/introspect" }
func (s *Server) VerifyURL() string     { return s.URL + "/verify" }

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func userCode() string {
	const letters = "BCDFGHJKLMNPQRSTVWXZ" // RFC 8628 §6.1: no vowels, easy to type
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b[:4]) + "-" + string(b[4:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, code, desc string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
}

// handleDevice is the device authorization endpoint (RFC 8628 §3.1).
func (s *Server) handleDevice(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("client_id") == "" {
		oauthError(w, "invalid_client", "client_id missing")
		return
	}
	d := &device{userCode: userCode(), clientID: r.FormValue("client_id"), scope: r.FormValue("scope"), expires: time.Now().Add(10 * time.Minute)}
	dc := random()
	s.mu.Lock()
	s.devices[dc] = d
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code":      dc,
		"user_code":        d.userCode,
		"verification_uri": s.VerifyURL(),
		"expires_in":       600,
		"interval":         s.Interval,
	})
}

// handleVerifyPage is the page the person opens: a form for the code.
func (s *Server) handleVerifyPage(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, `<!doctype html><title>Sign in</title><form method="post">
<label>Code <input name="user_code" value="%s"></label>
<label>Account <input name="user"></label>
<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button>
</form>`, html.EscapeString(r.FormValue("user_code")))
}

// handleVerify takes the filled-in form.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	code, user, decision := strings.ToUpper(strings.TrimSpace(r.FormValue("user_code"))), r.FormValue("user"), r.FormValue("decision")
	if user == "" && decision != "deny" {
		http.Error(w, "sign in with an account", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.devices {
		if d.userCode == code && time.Now().Before(d.expires) {
			if decision == "deny" {
				d.denied = true
				fmt.Fprintln(w, "Denied.")
				return
			}
			d.user = user
			fmt.Fprintf(w, "Signed in as %s. You can close this page.\n", html.EscapeString(user))
			return
		}
	}
	http.Error(w, "unknown or expired code", http.StatusBadRequest)
}

// Approve approves a user code for user, as the verification page does.
func (s *Server) Approve(code, user string) error {
	resp, err := http.PostForm(s.VerifyURL(), url.Values{"user_code": {code}, "user": {user}, "decision": {"allow"}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("verify %s: %s", code, resp.Status)
	}
	return nil
}

// handleAuthorize is the authorization endpoint of the code flow; AutoUser
// approves at once and the browser is sent to the redirect URI.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1" {
		http.Error(w, "redirect_uri must be a loopback address", http.StatusBadRequest)
		return
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "PKCE with S256 required", http.StatusBadRequest)
		return
	}
	v := url.Values{"state": {q.Get("state")}}
	if s.AutoUser == "" {
		v.Set("error", "access_denied")
	} else {
		c := random()
		s.mu.Lock()
		s.codes[c] = &authCode{clientID: q.Get("client_id"), redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge"), scope: q.Get("scope"), user: s.AutoUser}
		s.mu.Unlock()
		v.Set("code", c)
	}
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// issue makes a new access token (and a new refresh token) for g. The
// caller holds s.mu.
func (s *Server) issue(g *grant) map[string]any {
	at, rt := random(), random()
	s.access[at] = &token{g: g, expires: time.Now().Add(s.Lifetime)}
	s.refresh[rt] = g
	return map[string]any{
		"access_token":  at,
		"token_type":    "Bearer",
		"expires_in":    int(s.Lifetime / time.Second),
		"refresh_token": rt,
		"scope":         g.scope,
	}
}

// handleToken is the token endpoint: device code, authorization code and
// refresh token grants. Refresh tokens are single-use: each refresh
// returns a new one, as Microsoft's do.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.FormValue("grant_type") {
	case "urn:ietf:params:oauth:grant-type:device_code":
		d := s.devices[r.FormValue("device_code")]
		switch {
		case d == nil || d.taken:
			oauthError(w, "invalid_grant", "unknown device code")
		case d.clientID != r.FormValue("client_id"):
			oauthError(w, "invalid_client", "device code of another client")
		case time.Now().After(d.expires):
			oauthError(w, "expired_token", "the device code expired")
		case d.denied:
			oauthError(w, "access_denied", "the user denied the request")
		case d.user == "":
			oauthError(w, "authorization_pending", "")
		default:
			d.taken = true
			writeJSON(w, http.StatusOK, s.issue(&grant{user: d.user, clientID: d.clientID, scope: d.scope}))
		}
	case "authorization_code":
		c := s.codes[r.FormValue("code")]
		delete(s.codes, r.FormValue("code"))
		sum := sha256.Sum256([]byte(r.FormValue("code_verifier")))
		switch {
		case c == nil:
			oauthError(w, "invalid_grant", "unknown code")
		case c.redirect != r.FormValue("redirect_uri"):
			oauthError(w, "invalid_grant", "redirect_uri differs")
		case base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
			oauthError(w, "invalid_grant", "PKCE verification failed")
		default:
			writeJSON(w, http.StatusOK, s.issue(&grant{user: c.user, clientID: c.clientID, scope: c.scope}))
		}
	case "refresh_token":
		rt := r.FormValue("refresh_token")
		g := s.refresh[rt]
		if g == nil || g.revoked || g.clientID != r.FormValue("client_id") {
			s.refused++
			oauthError(w, "invalid_grant", "AADSTS50173: The provided grant has expired due to it being revoked.")
			return
		}
		if g.noConsent {
			s.refused++
			oauthError(w, "invalid_grant", "AADSTS65001: The user or administrator has not consented to use the application.")
			return
		}
		delete(s.refresh, rt)
		s.refreshes++
		writeJSON(w, http.StatusOK, s.issue(g))
	default:
		oauthError(w, "unsupported_grant_type", r.FormValue("grant_type"))
	}
}

// handleIntrospect is token introspection (RFC 7662 §2), as Dovecot's
// oauth2 passdb asks it with introspection_mode = post.
func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.intros++
	t := s.access[r.FormValue("token")]
	if t == nil || t.expired || t.g.revoked || time.Now().After(t.expires) {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"active":    true,
		"username":  t.g.user,
		"email":     t.g.user,
		"client_id": t.g.clientID,
		"scope":     t.g.scope,
		"exp":       t.expires.Unix(),
	})
}

// ExpireAccessTokens makes every access token issued so far invalid, as
// if its lifetime had run out; refresh tokens keep working.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.access {
		t.expired = true
	}
}

// Revoke revokes every grant of user: its access and refresh tokens stop
// working at once.
func (s *Server) Revoke(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.refresh {
		if g.user == user {
			g.revoked = true
		}
	}
	for _, t := range s.access {
		if t.g.user == user {
			t.g.revoked = true
		}
	}
}

// WithdrawConsent makes the refresh of user's grants fail for want of
// consent, as Microsoft Entra answers when an administrator removed the
// application's permissions; access tokens issued before stop working.
func (s *Server) WithdrawConsent(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.refresh {
		if g.user == user {
			g.noConsent = true
		}
	}
	for _, t := range s.access {
		if t.g.user == user {
			t.expired = true
		}
	}
}

// Stats counts successful and refused refreshes and introspections.
func (s *Server) Stats() (refreshes, refused, introspections int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes, s.refused, s.intros
}
