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
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "mailbox busy, try again later"}
	case strings.HasPrefix(to, "sys"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "local error in processing"}
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
		session   bool // the server or our account is at fault: keep everything queued
		permanent bool // this letter can never be sent by email: to the post
		code      int
		stage     string
		auth      bool // an *AuthError: the session's failure, never the letter's
	}{
		{name: "permanent rcpt failure", rcpt: "perm@example.com", permanent: true, code: 550, stage: StageRcpt,
			cfg: func() SMTPConfig { return SMTPConfig{URL: plainURL} }},
		{name: "temporary rcpt failure", rcpt: "temp@example.com", code: 450, stage: StageRcpt,
			cfg: func() SMTPConfig { return SMTPConfig{URL: plainURL} }},
		{name: "server trouble at rcpt", rcpt: "sys@example.com", session: true, code: 451, stage: StageRcpt,
			cfg: func() SMTPConfig { return SMTPConfig{URL: plainURL} }},
		// RFC 4954 §6: 535 5.7.8 is about our credentials, not the letter.
		{name: "wrong password", rcpt: "x@example.com", session: true, code: 535, stage: StageSession, auth: true,
			cfg: func() SMTPConfig { return SMTPConfig{URL: plainURL, Username: "info@example.nl", Password: "wrong"} }},
		{name: "starttls required but not offered", rcpt: "x@example.com", session: true, stage: StageSession,
			cfg: func() SMTPConfig {
				u := *plainURL
				u.Scheme = "smtp"
				return SMTPConfig{URL: &u}
			}},
		{name: "untrusted certificate", rcpt: "x@example.com", session: true, stage: StageSession,
			cfg: func() SMTPConfig {
				u, _, _ := startSMTP(t, "tls")
				return SMTPConfig{URL: u}
			}},
		{name: "bad scheme", rcpt: "x@example.com", session: true, stage: StageSession,
			cfg: func() SMTPConfig { return SMTPConfig{URL: &url.URL{Scheme: "http", Host: "127.0.0.1:1"}} }},
		{name: "connection refused", rcpt: "x@example.com", session: true, stage: StageSession,
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
			if se.Session != tt.session || se.Permanent != tt.permanent || se.Code != tt.code || se.Stage != tt.stage {
				t.Errorf("SendError = %+v (%v), want Session %v Permanent %v Code %d Stage %s", se, err, tt.session, tt.permanent, tt.code, tt.stage)
			}
			var ae *AuthError
			if errors.As(err, &ae) != tt.auth {
				t.Errorf("Send = %v: *AuthError %v, want %v", err, !tt.auth, tt.auth)
			}
		})
	}
}

// TestReplyScope: what each reply means at each stage (RFC 5321 §4.2.1,
// RFC 3463). Only a recipient or the message itself refused for good sends
// a letter to the post; anything about the server or our account keeps
// every letter queued.
func TestReplyScope(t *testing.T) {
	const (
		S = scopeSession
		T = scopeTemporary
		P = scopePermanent
	)
	e := func(a, b, c int) smtp.EnhancedCode { return smtp.EnhancedCode{a, b, c} }
	none := smtp.EnhancedCode{}
	tests := []struct {
		stage string
		code  int
		enh   smtp.EnhancedCode
		want  scope
	}{
		{StageSession, 535, e(5, 7, 8), S}, // authentication credentials invalid
		{StageSession, 530, e(5, 7, 0), S}, // authentication required
		{StageSession, 454, e(4, 7, 0), S}, // temporary authentication failure
		{StageSession, 554, e(5, 7, 1), S}, // refused at connect: our IP
		{StageSession, 421, e(4, 3, 2), S},
		{StageSession, 550, none, S}, // anything at EHLO/AUTH is about us
		{StageMail, 421, none, S},
		{StageMail, 451, e(4, 3, 0), S},
		{StageMail, 452, e(4, 3, 1), S},          // insufficient system storage
		{StageMail, 530, e(5, 7, 0), S},          // authentication required at MAIL
		{StageMail, 553, e(5, 7, 1), S},          // sender not owned by the authenticated user: our config
		{StageMail, 550, e(5, 1, 8), S},          // bad sender's system address: ours
		{StageMail, 552, e(5, 3, 4), P},          // SIZE too big for the server: this message
		{StageMail, 552, none, P},                // exceeded storage allocation without code: SIZE
		{StageRcpt, 550, e(5, 1, 1), P},          // no such user
		{StageRcpt, 550, none, P},                // mailbox unavailable
		{StageRcpt, 551, none, P},                // user not local
		{StageRcpt, 553, none, P},                // mailbox name not allowed
		{StageRcpt, 501, e(5, 1, 3), P},          // bad recipient address syntax
		{StageRcpt, 550, e(5, 2, 1), P},          // mailbox disabled
		{StageRcpt, 552, e(5, 2, 2), P},          // mailbox full for good
		{StageRcpt, 554, e(5, 7, 1), P},          // relay access denied / not authorised for this recipient
		{StageRcpt, 550, e(5, 4, 4), P},          // unable to route to the recipient's domain
		{StageRcpt, 450, e(4, 2, 1), T},          // mailbox busy
		{StageRcpt, 452, e(4, 2, 2), T},          // mailbox full for now
		{StageRcpt, 451, e(4, 7, 1), T},          // greylisted
		{StageRcpt, 450, none, T},                // mailbox unavailable for now
		{StageRcpt, 421, e(4, 4, 2), S},          // the server closes the channel
		{StageRcpt, 451, e(4, 3, 0), S},          // local error in processing
		{StageRcpt, 530, e(5, 7, 0), S},          // authentication required
		{StageRcpt, 454, e(4, 7, 0), S},          // temporary authentication failure
		{StageRcpt, 503, e(5, 5, 1), S},          // bad sequence: our command
		{StageRcpt, 503, none, S},                // bad sequence without code
		{StageRcpt, 555, e(5, 5, 4), S},          // parameters not recognised: ours
		{StageData, 552, e(5, 3, 4), P},          // message too big
		{StageData, 552, none, P},                // too big without code
		{StageData, 554, e(5, 6, 0), P},          // content refused
		{StageData, 550, e(5, 7, 1), P},          // refused by policy (spam, virus)
		{StageData, 554, none, P},                // transaction failed: the message is refused
		{StageData, 451, e(4, 3, 0), S},          // local error in processing
		{StageData, 452, e(4, 3, 1), S},          // insufficient system storage
		{StageData, 421, none, S},                // closing
		{StageData, 451, e(4, 7, 1), T},          // greylisting after DATA
		{StageData, 452, e(4, 2, 2), T},          // a recipient's mailbox is full for now
		{StageData, 554, e(5, 3, 0), S},          // other mail system problem
		{StageData, 535, e(5, 7, 8), S},          // authentication expired mid-session
		{StageRcpt, 250, none, S},                // not an error reply at all: a confused server
		{StageData, 550, smtp.NoEnhancedCode, P}, // as parsed by go-smtp: -1s mean no code
		{StageRcpt, 450, smtp.NoEnhancedCode, T},
	}
	for _, tt := range tests {
		enh := tt.enh
		if enh == smtp.NoEnhancedCode {
			enh = none // classify does this before calling replyScope
		}
		if got := replyScope(tt.stage, tt.code, enh); got != tt.want {
			t.Errorf("%s %d %v: scope %d, want %d", tt.stage, tt.code, tt.enh, got, tt.want)
		}
	}
	// classify: errors without a reply are the session's; stages are kept.
	ctx := context.Background()
	for _, tt := range []struct {
		err                error
		session, permanent bool
		stage              string
	}{
		{errors.New("dial tcp: connection refused"), true, false, StageSession},
		{atStage(StageData, io.ErrUnexpectedEOF), true, false, StageData},
		{atStage(StageRcpt, &smtp.SMTPError{Code: 550, EnhancedCode: e(5, 1, 1)}), false, true, StageRcpt},
		{atStage(StageRcpt, &smtp.SMTPError{Code: 450, EnhancedCode: smtp.NoEnhancedCode}), false, false, StageRcpt},
		{&smtp.SMTPError{Code: 535, EnhancedCode: e(5, 7, 8)}, true, false, StageSession},
	} {
		se := classify(ctx, tt.err)
		if se.Session != tt.session || se.Permanent != tt.permanent || se.Stage != tt.stage {
			t.Errorf("classify(%v) = %+v, want session %v permanent %v stage %s", tt.err, se, tt.session, tt.permanent, tt.stage)
		}
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
	if !errors.As(err, &se) || se.Permanent || !se.Session {
		t.Errorf("err = %v, want a temporary *SendError of the session", err)
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
