package mailbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/klachtd/klachtd/mailbox/bearer"
)

// SMTPConfig says how to reach the submission server.
//
// Schemes: smtp:// (STARTTLS mandatory, default port 587), smtps:// (implicit
// TLS, default port 465), smtp+insecure:// (no TLS, for loopback tests;
// default port 25).
type SMTPConfig struct {
	URL      *url.URL
	Username string
	Password string
	// Token, when set, authenticates with an OAuth2 access token (XOAUTH2
	// or OAUTHBEARER, whichever the server offers; Mechanism forces one)
	// instead of the password.
	Token     TokenSource
	Mechanism string
	RootCAs   *x509.CertPool // trusted in addition to the system roots
	Timeout   time.Duration  // per command; default 60s
	HeloName  string         // EHLO name; default "localhost"
}

const defaultSMTPTimeout = 60 * time.Second

// Send transmits raw exactly as given, from the envelope sender from to
// rcpts. It authenticates with PLAIN when cfg.Username is set (only over TLS,
// except with smtp+insecure://), asks for delivery status notifications of
// failures and delays with headers only (RFC 3461: NOTIFY=FAILURE,DELAY,
// RET=HDRS) when the server offers DSN, and gives up when ctx ends. If any
// recipient is refused, nothing is sent. Every error is a *SendError that
// says whether the session, the recipient or the message is at fault.
func Send(ctx context.Context, cfg SMTPConfig, from string, rcpts []string, raw []byte) error {
	if err := send(ctx, cfg, from, rcpts, raw); err != nil {
		return classify(ctx, err)
	}
	return nil
}

func send(ctx context.Context, cfg SMTPConfig, from string, rcpts []string, raw []byte) error {
	if len(rcpts) == 0 {
		return errors.New("no recipients")
	}
	c, done, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	mailOpts := &smtp.MailOptions{Return: smtp.DSNReturnHeaders, Size: int64(len(raw))}
	if err := c.Mail(from, mailOpts); err != nil {
		return atStage(StageMail, fmt.Errorf("mail from: %w", err))
	}
	rcptOpts := &smtp.RcptOptions{Notify: []smtp.DSNNotify{smtp.DSNNotifyFailure, smtp.DSNNotifyDelayed}}
	for _, rcpt := range rcpts {
		if err := c.Rcpt(rcpt, rcptOpts); err != nil {
			return atStage(StageRcpt, fmt.Errorf("rcpt to %s: %w", rcpt, err))
		}
	}
	w, err := c.Data()
	if err != nil {
		return atStage(StageData, fmt.Errorf("data: %w", err))
	}
	if _, err := w.Write(raw); err != nil {
		w.Close()
		return atStage(StageData, fmt.Errorf("data: %w", err))
	}
	if err := w.Close(); err != nil {
		return atStage(StageData, fmt.Errorf("data: %w", err))
	}
	// The message is accepted; a failing QUIT does not change that.
	_ = c.Quit()
	return nil
}

// connect dials the server of cfg, does TLS as its scheme says and
// authenticates. done closes everything; call it when finished.
func connect(ctx context.Context, cfg SMTPConfig) (*smtp.Client, func(), error) {
	c, done, err := dialSMTP(ctx, cfg)
	if err != nil || cfg.Username == "" {
		return c, done, err
	}
	if cfg.Token == nil {
		err := c.Auth(sasl.NewPlainClient("", cfg.Username, cfg.Password))
		if err == nil {
			return c, done, nil
		}
		done()
		if smtpRefused(err) {
			return nil, nil, &AuthError{Protocol: "smtp", Mechanism: sasl.Plain, Username: cfg.Username, Err: err}
		}
		return nil, nil, fmt.Errorf("auth: %w", err)
	}
	_, mechs := c.Extension("AUTH")
	mech, err := bearer.Choose(strings.Fields(mechs), cfg.Mechanism)
	if err != nil {
		done()
		return nil, nil, fmt.Errorf("auth: %w", err)
	}
	err = tokenLogin(ctx, cfg.Token, "smtp", mech, cfg.Username, cfg.URL.Hostname(), cfg.URL.Port(), smtpRefused,
		func(attempt int, sc *bearer.Client) error {
			if attempt > 1 {
				// go-smtp ends a failed AUTH with "*", which Postfix takes
				// for a non-SMTP command and hangs up on: start afresh.
				done()
				var err error
				if c, done, err = dialSMTP(ctx, cfg); err != nil {
					c, done = nil, func() {}
					return err
				}
			}
			return c.Auth(sc)
		}, func() {})
	if err != nil {
		done()
		return nil, nil, err
	}
	return c, done, nil
}

// dialSMTP connects to the server of cfg, does TLS as its scheme says and
// greets it; it refuses a connection that would authenticate without TLS.
func dialSMTP(ctx context.Context, cfg SMTPConfig) (c *smtp.Client, done func(), err error) {
	if cfg.URL == nil {
		return nil, nil, errors.New("no server URL")
	}
	host := cfg.URL.Hostname()
	if host == "" {
		return nil, nil, fmt.Errorf("%s: no host", cfg.URL.Redacted())
	}
	port := cfg.URL.Port()
	var implicitTLS, startTLS bool
	switch cfg.URL.Scheme {
	case "smtp":
		startTLS, port = true, orDefault(port, "587")
	case "smtps":
		implicitTLS, port = true, orDefault(port, "465")
	case "smtp+insecure":
		port = orDefault(port, "25")
	default:
		return nil, nil, fmt.Errorf("unsupported scheme %q: want smtp, smtps or smtp+insecure", cfg.URL.Scheme)
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = defaultSMTPTimeout
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = max(time.Until(dl), time.Millisecond)
	}

	addr := net.JoinHostPort(host, port)
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	// go-smtp sets and clears deadlines per command; closing the connection
	// is what makes a cancelled ctx stop a command in flight.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	fail := func(err error) (*smtp.Client, func(), error) {
		stop()
		conn.Close()
		return nil, nil, err
	}

	tlsCfg := tlsConfig(host, cfg.RootCAs)
	if implicitTLS {
		tc := tls.Client(conn, tlsCfg)
		hctx, cancel := context.WithTimeout(ctx, timeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			return fail(fmt.Errorf("tls handshake with %s: %w", addr, err))
		}
		conn = tc
	}

	if startTLS {
		// NewClientStartTLS refuses a server that does not offer STARTTLS.
		c, err = newSMTPClientStartTLS(conn, tlsCfg, timeout)
		if err != nil {
			return fail(fmt.Errorf("starttls with %s: %w", addr, err))
		}
	} else {
		c = smtp.NewClient(conn)
		c.CommandTimeout, c.SubmissionTimeout = timeout, timeout
	}
	done = func() {
		c.Close()
		stop()
		conn.Close()
	}
	if cfg.HeloName != "" {
		if err := c.Hello(cfg.HeloName); err != nil {
			done()
			return nil, nil, fmt.Errorf("ehlo: %w", err)
		}
	}
	if cfg.Username != "" && !implicitTLS && !startTLS && cfg.URL.Scheme != "smtp+insecure" {
		done()
		return nil, nil, errors.New("refusing to authenticate without TLS")
	}
	return c, done, nil
}

// CheckSMTP connects and authenticates as Send would, sends nothing, and
// describes what it found (for `klachtd check`).
func CheckSMTP(ctx context.Context, cfg SMTPConfig) (string, error) {
	c, done, err := connect(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer done()
	var found []string
	if _, ok := c.TLSConnectionState(); ok {
		found = append(found, "TLS")
	} else {
		found = append(found, "no TLS")
	}
	switch {
	case cfg.Username != "" && cfg.Token != nil:
		found = append(found, "authenticated as "+cfg.Username+" with an OAuth2 token")
	case cfg.Username != "":
		found = append(found, "authenticated as "+cfg.Username)
	}
	if ok, _ := c.Extension("DSN"); ok {
		found = append(found, "DSN")
	}
	if ok, size := c.Extension("SIZE"); ok && size != "" {
		found = append(found, "max size "+size+" bytes")
	}
	_ = c.Quit()
	return strings.Join(found, ", "), nil
}

func newSMTPClientStartTLS(conn net.Conn, cfg *tls.Config, timeout time.Duration) (*smtp.Client, error) {
	// The greeting and EHLO before STARTTLS run under go-smtp's default
	// 5-minute command timeout, which replaces any deadline set here; a
	// watchdog bounds the exchange instead.
	watchdog := time.AfterFunc(2*timeout, func() { conn.Close() })
	c, err := smtp.NewClientStartTLS(conn, cfg)
	if !watchdog.Stop() && err != nil {
		return nil, fmt.Errorf("timed out after %v: %w", 2*timeout, err)
	}
	if err != nil {
		return nil, err
	}
	c.CommandTimeout, c.SubmissionTimeout = timeout, timeout
	return c, nil
}
