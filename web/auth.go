package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/mail"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/store"
)

// cookieName is the session cookie.
const cookieName = "klachtd_session"

// user is a signed-in staff member and what they may see: the dossiers of
// the organisations whose staff they are; the print queue and the report
// of those where they are the officer or the alternate officer.
type user struct {
	Email   string
	Orgs    []*config.Organisation
	officer map[string]bool
	Lang    string
	session string // hash of the session token
}

// IsOfficer reports whether the user is the officer or alternate officer
// of organisation id.
func (u *user) IsOfficer(id string) bool { return u.officer[id] }

// AnyOfficer reports whether the user is an officer anywhere.
func (u *user) AnyOfficer() bool { return len(u.officer) > 0 }

// org returns the user's organisation with this id, or nil: a dossier of
// any other organisation does not exist for this user.
func (u *user) org(id string) *config.Organisation {
	for _, o := range u.Orgs {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// userFor returns the staff member with this address, or nil if the
// address is staff of no organisation (any more).
func (s *Server) userFor(email string) *user {
	u := &user{Email: strings.ToLower(email), officer: map[string]bool{}}
	for _, o := range s.cfg.Organisations {
		if !o.IsStaff(u.Email) {
			continue
		}
		u.Orgs = append(u.Orgs, o)
		if u.Email == o.Officer || u.Email == o.AlternateOfficer {
			u.officer[o.ID] = true
		}
	}
	if len(u.Orgs) == 0 {
		return nil
	}
	u.Lang = u.Orgs[0].Language
	return u
}

// newSecret returns 32 random bytes, URL-safe base64.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validSecret checks the form of a token from a URL or cookie before it
// goes near the database.
func validSecret(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// current returns the signed-in user of a request, or nil.
func (s *Server) current(r *http.Request) *user {
	c, err := r.Cookie(cookieName)
	if err != nil || !validSecret(c.Value) {
		return nil
	}
	hash := store.HashToken(c.Value)
	now := s.Now()
	var tok *store.WebToken
	err = s.store.View(r.Context(), func(tx *store.Tx) error {
		var err error
		tok, err = tx.WebToken(store.TokenSession, hash)
		return err
	})
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("read session", "err", err)
		}
		return nil
	}
	if !now.Before(tok.ExpiresAt) {
		return nil
	}
	u := s.userFor(tok.Email)
	if u == nil {
		return nil // no longer staff: the session ends with the config
	}
	u.session = hash
	if now.Sub(tok.SeenAt) >= touchEvery {
		expires := now.Add(SessionIdle)
		if end := tok.CreatedAt.Add(SessionMax); end.Before(expires) {
			expires = end
		}
		if err := s.store.Tx(r.Context(), func(tx *store.Tx) error { return tx.TouchSession(hash, now, expires) }); err != nil {
			s.log.Warn("touch session", "err", err)
		}
	}
	return u
}

// signedIn wraps a page for signed-in staff. Signed out, the register
// shows the sign-in page; every other page sends the browser there.
func (s *Server) signedIn(h func(http.ResponseWriter, *http.Request, *user), isRoot bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := s.current(r)
		if u == nil {
			if isRoot {
				s.renderLogin(w, r, http.StatusOK, loginPage{})
				return
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, s.path("/login"), http.StatusSeeOther)
				return
			}
			s.render(w, r, nil, http.StatusUnauthorized, "message", message{Title: "signed_out", Text: "signed_out_text", Fresh: true})
			return
		}
		h(w, r, u)
	}
}

// secure reports whether the browser reached the desk over https: the
// base URL says so, the connection is TLS, or a trusted proxy says so in
// X-Forwarded-Proto.
func (s *Server) secure(r *http.Request) bool {
	if s.base.Scheme == "https" || r.TLS != nil {
		return true
	}
	return s.fromProxy(r) && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}

// remote is the address of the connection's peer.
func remote(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		a, _ := netip.ParseAddr(host)
		return a.Unmap()
	}
	return ap.Addr().Unmap()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.Web.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// fromProxy reports whether the request came through a trusted proxy.
func (s *Server) fromProxy(r *http.Request) bool { return s.trusted(remote(r)) }

// clientIP is the address sign-in requests are counted by: the peer, or,
// behind trusted proxies, the last address in X-Forwarded-For that is not
// one of them (earlier entries are the client's to forge).
func (s *Server) clientIP(r *http.Request) string {
	a := remote(r)
	if !s.trusted(a) {
		return a.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if h = h.Unmap(); !s.trusted(h) {
			return h.String()
		}
	}
	return a.String()
}

func (s *Server) setSession(w http.ResponseWriter, r *http.Request, secret string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name:     cookieName,
		Value:    secret,
		Path:     s.path("/"),
		MaxAge:   int(maxAge.Seconds()),
		HttpOnly: true,
		Secure:   s.secure(r),
		SameSite: http.SameSiteLaxMode,
	})
}

// loginPage is the data of the sign-in page.
type loginPage struct {
	Email   string
	Error   string // a key of the messages
	Sent    bool   // the "a link is on its way" answer
	Notice  string // a key: why the person is here (signed out, link used …)
	Minutes int
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, p loginPage) {
	p.Minutes = int(SignInValid / time.Minute)
	s.render(w, r, nil, status, "login", p)
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if s.current(r) != nil {
		http.Redirect(w, r, s.path("/"), http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, loginPage{})
}

// loginRequest answers a sign-in request. The answer is the same whether
// or not the address is staff, and comes before the work is done, so that
// neither its words nor its time tell a stranger which addresses are known.
func (s *Server) loginRequest(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		s.renderLogin(w, r, http.StatusBadRequest, loginPage{Error: "bad_email"})
		return
	}
	raw := strings.TrimSpace(r.PostForm.Get("email"))
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Name != "" || strings.ContainsAny(raw, "<>") || len(raw) > 254 {
		s.renderLogin(w, r, http.StatusBadRequest, loginPage{Email: raw, Error: "bad_email"})
		return
	}
	email := strings.ToLower(a.Address)
	now := s.Now()
	if !s.limiter.allow("ip:"+s.clientIP(r), ipLimit, now) || !s.limiter.allow("addr:"+email, addressLimit, now) {
		s.log.Warn("sign-in requests rate-limited", "ip", s.clientIP(r))
		s.renderLogin(w, r, http.StatusTooManyRequests, loginPage{Email: email, Error: "too_many"})
		return
	}
	s.bg.Go(func() { s.sendLink(email) })
	s.renderLogin(w, r, http.StatusOK, loginPage{Email: email, Sent: true})
}

// sendLink stores a sign-in link (its hash) and queues the mail with it,
// in one transaction, if email is staff; otherwise it only logs.
func (s *Server) sendLink(email string) {
	u := s.userFor(email)
	if u == nil {
		s.log.Info("sign-in link asked for an address that is not staff")
		return
	}
	secret := newSecret()
	now := s.Now()
	link := s.base.String() + "/login/" + secret
	err := s.store.Tx(s.bgCtx, func(tx *store.Tx) error {
		tx.SetChannel("web")
		if err := tx.AddWebToken(&store.WebToken{Hash: store.HashToken(secret), Kind: store.TokenSignIn, Email: email,
			CreatedAt: now, ExpiresAt: now.Add(SignInValid)}); err != nil {
			return err
		}
		if err := tx.PruneWebTokens(now.Add(-24 * time.Hour)); err != nil {
			return err
		}
		if err := s.mailer.QueueSignIn(tx, u.Orgs[0], email, link); err != nil {
			return err
		}
		return tx.AddEvent(&store.Event{At: now, Actor: email, Action: "sign-in link", Detail: "a sign-in link was mailed"})
	})
	if err != nil {
		s.log.Error("queue sign-in link", "err", err)
	}
}

// redeemable checks a sign-in link without using it up.
func (s *Server) redeemable(r *http.Request, secret string) error {
	if !validSecret(secret) {
		return store.ErrNotFound
	}
	return s.store.View(r.Context(), func(tx *store.Tx) error {
		t, err := tx.WebToken(store.TokenSignIn, store.HashToken(secret))
		switch {
		case err != nil:
			return err
		case !t.UsedAt.IsZero():
			return store.ErrTokenUsed
		case !s.Now().Before(t.ExpiresAt):
			return store.ErrTokenExpired
		}
		return nil
	})
}

// loginConfirm shows the button that signs in. Following the link does
// not use it: mail scanners that open links in advance would otherwise
// spend it before the person does.
func (s *Server) loginConfirm(w http.ResponseWriter, r *http.Request) {
	secret := r.PathValue("token")
	if err := s.redeemable(r, secret); err != nil {
		s.linkFailed(w, r, err)
		return
	}
	s.render(w, r, nil, http.StatusOK, "confirm", struct{ Action string }{s.path("/login/" + secret)})
}

// loginRedeem uses the link, starts a session and records the sign-in.
func (s *Server) loginRedeem(w http.ResponseWriter, r *http.Request) {
	secret := r.PathValue("token")
	if !validSecret(secret) {
		s.linkFailed(w, r, store.ErrNotFound)
		return
	}
	now := s.Now()
	session := newSecret()
	var email string
	err := s.store.Tx(r.Context(), func(tx *store.Tx) error {
		tx.SetChannel("web")
		t, err := tx.RedeemSignIn(store.HashToken(secret), now)
		if err != nil {
			return err
		}
		if s.userFor(t.Email) == nil {
			return store.ErrNotFound // no longer staff
		}
		email = t.Email
		if err := tx.AddWebToken(&store.WebToken{Hash: store.HashToken(session), Kind: store.TokenSession, Email: email,
			CreatedAt: now, ExpiresAt: now.Add(SessionIdle), SeenAt: now}); err != nil {
			return err
		}
		return tx.AddEvent(&store.Event{At: now, Actor: email, Action: "signed in", Detail: "from " + s.clientIP(r)})
	})
	if err != nil {
		s.linkFailed(w, r, err)
		return
	}
	s.log.Info("signed in", "email", email)
	s.setSession(w, r, session, SessionMax)
	http.Redirect(w, r, s.path("/"), http.StatusSeeOther)
}

// linkFailed is the clear page for a link that cannot sign in, with the
// form for a fresh one.
func (s *Server) linkFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrTokenUsed):
		s.renderLogin(w, r, http.StatusGone, loginPage{Notice: "link_used"})
	case errors.Is(err, store.ErrTokenExpired):
		s.renderLogin(w, r, http.StatusGone, loginPage{Notice: "link_expired"})
	case errors.Is(err, store.ErrNotFound):
		s.renderLogin(w, r, http.StatusNotFound, loginPage{Notice: "link_invalid"})
	default:
		s.fail(w, r, nil, err)
	}
}

func (s *Server) logoutForm(w http.ResponseWriter, r *http.Request) {
	u := s.current(r)
	if u == nil {
		s.renderLogin(w, r, http.StatusOK, loginPage{Notice: "signed_out"})
		return
	}
	s.render(w, r, u, http.StatusOK, "logout", nil)
}

// logout ends the session in the store and in the browser.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if u := s.current(r); u != nil {
		err := s.store.Tx(r.Context(), func(tx *store.Tx) error {
			tx.SetChannel("web")
			if err := tx.DeleteWebToken(store.TokenSession, u.session); err != nil {
				return err
			}
			return tx.AddEvent(&store.Event{At: s.Now(), Actor: u.Email, Action: "signed out"})
		})
		if err != nil {
			s.fail(w, r, u, err)
			return
		}
	}
	s.setSession(w, r, "", -time.Second)
	s.renderLogin(w, r, http.StatusOK, loginPage{Notice: "signed_out"})
}

// Sign-in request limits (issue 13: per address and per client IP).
var (
	addressLimit = rate{n: 5, per: 15 * time.Minute}
	ipLimit      = rate{n: 20, per: 15 * time.Minute}
)

type rate struct {
	n   int
	per time.Duration
}

// limiter counts requests per key in a sliding window. It forgets keys
// whose window has passed, so it stays small.
type limiter struct {
	mu    sync.Mutex
	hits  map[string][]time.Time
	swept time.Time
}

func newLimiter() *limiter { return &limiter{hits: map[string][]time.Time{}} }

// allow records a request for key at now and reports whether it is within
// the limit.
func (l *limiter) allow(key string, r rate, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Hour {
		for k, ts := range l.hits {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) > time.Hour {
				delete(l.hits, k)
			}
		}
		l.swept = now
	}
	kept := l.hits[key][:0]
	for _, t := range l.hits[key] {
		if now.Sub(t) < r.per {
			kept = append(kept, t)
		}
	}
	if len(kept) >= r.n {
		l.hits[key] = kept
		return false
	}
	l.hits[key] = append(kept, now)
	return true
}
