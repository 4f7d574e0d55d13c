// Package demo runs klachtd's try-out world: an in-process IMAP server
// (go-imap's imapmemserver) and an SMTP server (go-smtp) on loopback that
// delivers into the IMAP users' inboxes, plus sample complaints.
package demo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Password is every demo user's password.
const Password = "demo"

// Users of the demo world.
var Users = []string{"info@example.nl", "klant@example.com", "jose@example.com", "sarah@example.com", "piet@example.nl", "anna@example.nl", "officer@example.nl"}

// Servers is a running demo IMAP + SMTP pair.
type Servers struct {
	IMAPAddr string
	SMTPAddr string

	imap  *imapserver.Server
	smtp  *smtp.Server
	users map[string]*imapmemserver.User

	mu        sync.Mutex
	delivered []Delivery

	// FailFetch, when set, is asked before every FETCH of a user; an error
	// it returns is the server's answer (tests of a server that fails to
	// deliver a message).
	FailFetch func(user string, set imap.NumSet) error
}

// Delivery is one message the SMTP server put into a mailbox.
type Delivery struct {
	From string
	To   string
	Size int
	At   time.Time
	Raw  []byte
}

// Start listens on the given loopback addresses ("127.0.0.1:0" picks free
// ports) and serves until Close.
func Start(imapAddr, smtpAddr string) (*Servers, error) {
	s := &Servers{users: map[string]*imapmemserver.User{}}
	mem := imapmemserver.New()
	for _, addr := range Users {
		u := imapmemserver.NewUser(addr, Password)
		for _, box := range []string{"INBOX", "Sent"} {
			if err := u.Create(box, nil); err != nil {
				return nil, fmt.Errorf("demo: create %s for %s: %w", box, addr, err)
			}
		}
		mem.AddUser(u)
		s.users[addr] = u
	}
	s.imap = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &imapSession{s: s}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	iln, err := net.Listen("tcp", imapAddr)
	if err != nil {
		return nil, fmt.Errorf("demo: imap listen %s: %w", imapAddr, err)
	}
	s.IMAPAddr = iln.Addr().String()
	go func() { _ = s.imap.Serve(iln) }()

	s.smtp = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.smtp.Domain = "localhost"
	s.smtp.AllowInsecureAuth = true
	s.smtp.MaxMessageBytes = 60 << 20
	s.smtp.ReadTimeout = time.Minute
	s.smtp.WriteTimeout = time.Minute
	sln, err := net.Listen("tcp", smtpAddr)
	if err != nil {
		iln.Close()
		return nil, fmt.Errorf("demo: smtp listen %s: %w", smtpAddr, err)
	}
	s.SMTPAddr = sln.Addr().String()
	go func() { _ = s.smtp.Serve(sln) }()
	return s, nil
}

// imapSession is imapmemserver's session with a FailFetch hook.
type imapSession struct {
	*imapmemserver.UserSession // nil before login
	s                          *Servers
	user                       string
}

func (sess *imapSession) Login(username, password string) error {
	u, ok := sess.s.users[strings.ToLower(username)]
	if !ok {
		return imapserver.ErrAuthFailed
	}
	if err := u.Login(username, password); err != nil {
		return err
	}
	sess.UserSession, sess.user = imapmemserver.NewUserSession(u), strings.ToLower(username)
	return nil
}

func (sess *imapSession) Close() error {
	if sess.UserSession == nil {
		return nil
	}
	return sess.UserSession.Close()
}

func (sess *imapSession) Fetch(w *imapserver.FetchWriter, set imap.NumSet, options *imap.FetchOptions) error {
	if f := sess.s.FailFetch; f != nil && options.BodySection != nil {
		if err := f(sess.user, set); err != nil {
			return err
		}
	}
	return sess.UserSession.Fetch(w, set, options)
}

// Close stops both servers.
func (s *Servers) Close() {
	s.smtp.Close()
	s.imap.Close()
}

// DeliveredTo returns the raw messages delivered to a user, in order.
func (s *Servers) DeliveredTo(user string) [][]byte {
	var out [][]byte
	for _, d := range s.Deliveries() {
		if d.To == user {
			out = append(out, d.Raw)
		}
	}
	return out
}

// Deliveries returns what the SMTP server delivered so far.
func (s *Servers) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.delivered...)
}

// Append puts a raw message into a user's folder, as a delivering MTA would.
func (s *Servers) Append(user, folder string, raw []byte, at time.Time) error {
	u, ok := s.users[user]
	if !ok {
		return fmt.Errorf("demo: no user %s", user)
	}
	_, err := u.Append(folder, literal{bytes.NewReader(raw), int64(len(raw))}, &imap.AppendOptions{Time: at})
	return err
}

// localUser maps an address (with an optional +detail) to a demo user.
func (s *Servers) localUser(addr string) (string, bool) {
	addr = strings.ToLower(strings.Trim(addr, "<>"))
	at := strings.LastIndex(addr, "@")
	if at < 0 {
		return "", false
	}
	local, domain := addr[:at], addr[at:]
	if i := strings.Index(local, "+"); i >= 0 {
		local = local[:i]
	}
	_, ok := s.users[local+domain]
	return local + domain, ok
}

type literal struct {
	*bytes.Reader
	size int64
}

func (l literal) Size() int64 { return l.size }

// session is one SMTP session: it accepts mail for demo users only.
type session struct {
	s     *Servers
	from  string
	rcpts []string
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if _, ok := ss.s.users[strings.ToLower(username)]; !ok || password != Password {
			return errors.New("invalid username or password")
		}
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	user, ok := ss.s.localUser(to)
	if !ok {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user in the demo: " + to}
	}
	ss.rcpts = append(ss.rcpts, user)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, user := range ss.rcpts {
		if err := ss.s.Append(user, "INBOX", raw, now); err != nil {
			return err
		}
		ss.s.mu.Lock()
		ss.s.delivered = append(ss.s.delivered, Delivery{From: ss.from, To: user, Size: len(raw), At: now, Raw: raw})
		ss.s.mu.Unlock()
	}
	return nil
}

func (ss *session) Reset() { ss.from, ss.rcpts = "", nil }

func (ss *session) Logout() error { return nil }
