package mailbox

import (
	"context"
	"crypto/tls"
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

// smtpRecorder is an in-process go-smtp backend that records what it gets.
type smtpRecorder struct {
	mu       sync.Mutex
	authUser string
	from     string
	mailOpts *smtp.MailOptions
	rcpts    []string
	notify   [][]smtp.DSNNotify
	data     []byte
}

type smtpSession struct {
	r *smtpRecorder
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != "info@example.nl" || password != "secret" {
			return smtp.ErrAuthFailed
		}
		s.r.mu.Lock()
		s.r.authUser = username
		s.r.mu.Unlock()
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, opts *smtp.MailOptions) error {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.from, s.r.mailOpts = from, opts
	return nil
}

func (s *smtpSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	switch {
	case strings.HasPrefix(to, "perm"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	case strings.HasPrefix(to, "temp"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.rcpts = append(s.r.rcpts, to)
	s.r.notify = append(s.r.notify, opts.Notify)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	s.r.data = b
	return nil
}

func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

// startSMTP serves an in-process SMTP server; mode is "plain", "starttls" or
// "tls". It returns the URL to reach it and the recorder.
func startSMTP(t *testing.T, mode string) (*url.URL, *smtpRecorder, *tls.Config) {
	t.Helper()
	rec := &smtpRecorder{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{r: rec}, nil
	}))
	srv.Domain = "localhost"
	srv.EnableDSN = true
	srv.AllowInsecureAuth = mode == "plain"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	serverTLS, pool := testCert(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	scheme := "smtp+insecure"
	switch mode {
	case "starttls":
		srv.TLSConfig = serverTLS
		scheme = "smtp"
	case "tls":
		srv.TLSConfig = serverTLS
		ln = tls.NewListener(ln, serverTLS)
		scheme = "smtps"
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	u := &url.URL{Scheme: scheme, Host: ln.Addr().String()}
	return u, rec, &tls.Config{RootCAs: pool}
}

func TestSendExactBytes(t *testing.T) {
	raw, err := Compose(testOutgoing())
	if err != nil {
		t.Fatal(err)
	}
	// A line starting with a dot must survive dot-stuffing.
	raw = append(raw, ".leading dot\r\n"...)
	for _, mode := range []string{"plain", "starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			u, rec, clientTLS := startSMTP(t, mode)
			cfg := SMTPConfig{URL: u, Username: "info@example.nl", Password: "secret",
				RootCAs: clientTLS.RootCAs, Timeout: 5 * time.Second, HeloName: "klachtd.example.nl"}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := Send(ctx, cfg, "info@example.nl", []string{"jose@example.com", "piet@example.nl"}, raw); err != nil {
				t.Fatal(err)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if string(rec.data) != string(raw) {
				t.Errorf("server received %d bytes that differ from the %d sent", len(rec.data), len(raw))
			}
			if rec.authUser != "info@example.nl" {
				t.Errorf("authenticated as %q", rec.authUser)
			}
			if rec.from != "info@example.nl" || strings.Join(rec.rcpts, ",") != "jose@example.com,piet@example.nl" {
				t.Errorf("envelope %s -> %v", rec.from, rec.rcpts)
			}
			if rec.mailOpts.Return != smtp.DSNReturnHeaders {
				t.Errorf("RET = %q, want HDRS", rec.mailOpts.Return)
			}
			for _, n := range rec.notify {
				if len(n) != 2 || n[0] != smtp.DSNNotifyFailure || n[1] != smtp.DSNNotifyDelayed {
					t.Errorf("NOTIFY = %v, want FAILURE,DELAY", n)
				}
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	raw := []byte("From: info@example.nl\r\nTo: x@example.com\r\nSubject: x\r\n\r\nx\r\n")
	plainURL, _, _ := startSMTP(t, "plain")
	tests := []struct {
		name      string
		cfg       func() SMTPConfig
		rcpt      string
		permanent bool
		code      int
		auth      bool // an *AuthError: the session's failure, never the letter's
	}{
		{name: "permanent rcpt failure", rcpt: "perm@example.com", permanent: true, code: 550,
			cfg: func() SMTPConfig { return SMTPConfig{URL: plainURL} }},
		{name: "temporary rcpt failure", rcpt: "temp@example.com", permanent: false, code: 451,
			cfg: func() SMTPConfig { return SMTPConfig{URL: plainURL} }},
		{name: "wrong password", rcpt: "x@example.com", permanent: false, code: 535, auth: true,
			cfg: func() SMTPConfig { return SMTPConfig{URL: plainURL, Username: "info@example.nl", Password: "wrong"} }},
		{name: "starttls required but not offered", rcpt: "x@example.com",
			cfg: func() SMTPConfig {
				u := *plainURL
				u.Scheme = "smtp"
				return SMTPConfig{URL: &u}
			}},
		{name: "untrusted certificate", rcpt: "x@example.com",
			cfg: func() SMTPConfig {
				u, _, _ := startSMTP(t, "tls")
				return SMTPConfig{URL: u}
			}},
		{name: "bad scheme", rcpt: "x@example.com",
			cfg: func() SMTPConfig { return SMTPConfig{URL: &url.URL{Scheme: "http", Host: "127.0.0.1:1"}} }},
		{name: "connection refused", rcpt: "x@example.com",
			cfg: func() SMTPConfig { return SMTPConfig{URL: &url.URL{Scheme: "smtp+insecure", Host: "127.0.0.1:1"}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg()
			cfg.Timeout = 5 * time.Second
			err := Send(context.Background(), cfg, "info@example.nl", []string{tt.rcpt}, raw)
			var se *SendError
			if !errors.As(err, &se) {
				t.Fatalf("Send = %v, want a *SendError", err)
			}
			if se.Permanent != tt.permanent || se.Code != tt.code {
				t.Errorf("SendError = %+v (%v), want Permanent %v Code %d", se, err, tt.permanent, tt.code)
			}
			var ae *AuthError
			if errors.As(err, &ae) != tt.auth {
				t.Errorf("Send = %v: *AuthError %v, want %v", err, !tt.auth, tt.auth)
			}
		})
	}
}

func TestSendRespectsContext(t *testing.T) {
	// A server that accepts the connection and never greets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = Send(ctx, SMTPConfig{URL: &url.URL{Scheme: "smtp+insecure", Host: ln.Addr().String()}, Timeout: time.Minute},
		"info@example.nl", []string{"x@example.com"}, []byte("x\r\n"))
	if err == nil {
		t.Fatal("Send to a silent server succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Send took %v after a 300ms deadline", d)
	}
	var se *SendError
	if !errors.As(err, &se) || se.Permanent {
		t.Errorf("err = %v, want a temporary *SendError", err)
	}
}

func TestCheckSMTP(t *testing.T) {
	tests := []struct {
		mode string
		want string
	}{
		{"plain", "no TLS, authenticated as info@example.nl, DSN"},
		{"starttls", "TLS, authenticated as info@example.nl, DSN"},
		{"tls", "TLS, authenticated as info@example.nl, DSN"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			u, rec, clientTLS := startSMTP(t, tt.mode)
			cfg := SMTPConfig{URL: u, Username: "info@example.nl", Password: "secret",
				RootCAs: clientTLS.RootCAs, Timeout: 5 * time.Second}
			got, err := CheckSMTP(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("CheckSMTP = %q, want prefix %q", got, tt.want)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if rec.data != nil || rec.from != "" {
				t.Error("CheckSMTP started a mail transaction")
			}
			cfg.Password = "wrong"
			if _, err := CheckSMTP(context.Background(), cfg); err == nil {
				t.Error("CheckSMTP with a wrong password succeeded")
			}
		})
	}
}
