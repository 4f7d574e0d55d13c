// Package web is the officer's desk in a browser (docs/web.md): the
// register, the dossiers, the print queue and the yearly figures, served by
// `klachtd run` when [web] listen is set. Staff sign in with a one-time
// link mailed through the outbox; every action calls the same code as the
// mail command that does it, and its event names the web as the channel.
// Only the standard library's HTTP server and html/template, with the
// templates and the style sheet embedded; the pages need no JavaScript.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/store"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Mailer puts the sign-in mail in the outbox (daemon.Daemon.QueueSignIn),
// in the transaction that stores the link's hash.
type Mailer interface {
	QueueSignIn(tx *store.Tx, org *config.Organisation, to, link string) error
}

// Durations of the desk's secrets.
const (
	SignInValid = 15 * time.Minute // a mailed link (issue: single use, 15 minutes)
	SessionIdle = 2 * time.Hour    // a session unused this long ends
	SessionMax  = 12 * time.Hour   // and every session ends this long after sign-in
	touchEvery  = time.Minute      // how often a session's last use is written
)

// Server is the desk. Build it with New; it is an http.Handler.
type Server struct {
	cfg    *config.Config
	store  *store.Store
	mailer Mailer
	log    *slog.Logger
	// Now is the clock (tests move it).
	Now func() time.Time

	base     *url.URL // the desk's own address: base_url, or http://listen
	pages    map[string]*template.Template
	static   http.Handler
	handler  http.Handler
	limiter  *limiter
	bg       sync.WaitGroup // sign-in mails being queued
	bgCtx    context.Context
	bgCancel context.CancelFunc
}

// New builds the desk for cfg over st.
func New(cfg *config.Config, st *store.Store, mailer Mailer, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, store: st, mailer: mailer, log: log.With("part", "web"),
		Now: func() time.Time { return time.Now().UTC() }, limiter: newLimiter()}
	base := cfg.Web.BaseURL
	if base == "" {
		base = "http://" + cfg.Web.Listen
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("web: base_url: %w", err)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	s.base = u
	if s.pages, err = parsePages(u.Path); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, fmt.Errorf("web: assets: %w", err)
	}
	s.static = http.StripPrefix("/static/", http.FileServerFS(sub))
	s.bgCtx, s.bgCancel = context.WithCancel(context.Background())

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.signedIn(s.register, true))
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.loginRequest)
	mux.HandleFunc("GET /login/{token}", s.loginConfirm)
	mux.HandleFunc("POST /login/{token}", s.loginRedeem)
	mux.HandleFunc("GET /logout", s.logoutForm)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /dossiers/{number}", s.signedIn(s.dossier, false))
	mux.HandleFunc("GET /dossiers/{number}/letters/{id}", s.signedIn(s.letterPDF, false))
	mux.HandleFunc("GET /dossiers/{number}/attachments/{id}", s.signedIn(s.attachment, false))
	mux.HandleFunc("POST /dossiers/{number}/letters/{id}/posted", s.signedIn(s.posted, false))
	mux.HandleFunc("GET /print", s.signedIn(s.printQueue, false))
	mux.HandleFunc("GET /report/{year}", s.signedIn(s.reportPage, false))
	mux.HandleFunc("GET /report/{year}/{format}", s.signedIn(s.reportFile, false))
	mux.Handle("GET /static/", s.static)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.notFound(w, r, nil) })

	var h http.Handler = mux
	if u.Path != "" {
		h = http.StripPrefix(u.Path, h)
	}
	cop := http.NewCrossOriginProtection()
	if cfg.Web.BaseURL != "" {
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("web: base_url: %w", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(s.crossOrigin))
	s.handler = s.recoverer(securityHeaders(cop.Handler(h)))
	return s, nil
}

// ServeHTTP serves the desk.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Serve serves the desk on ln until ctx is done, then shuts down: requests
// in flight get up to 10 seconds, and sign-in mails being queued finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("officer's desk listening", "addr", ln.Addr().String(), "base_url", s.base.String())
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("web: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	s.Close()
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	s.log.Info("officer's desk stopped")
	return nil
}

// Close waits for the sign-in mails being queued.
func (s *Server) Close() {
	s.bg.Wait()
	s.bgCancel()
}

// securityHeaders sets the headers every response carries: a content
// security policy that allows no inline script or style and no framing,
// no referrer to other sites, no MIME sniffing.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// recoverer turns a panic in a handler into a 500 page and a log line.
func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panicked", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.fail(w, r, nil, errors.New("panic"))
			}
		}()
		h.ServeHTTP(w, r)
	})
}
