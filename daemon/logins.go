package daemon

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/oauth"
)

// Logins holds what the mailboxes log in with: the password, or for
// auth = "oauth2" one token source per mailbox that IMAP and SMTP share.
// It also remembers which mailboxes cannot log in, so that a broken login
// is told once (when it breaks) and once more when it works again, not on
// every retry.
type Logins struct {
	dataDir string
	log     *slog.Logger

	mu      sync.Mutex
	sources map[string]*oauth.Source
	broken  map[string]string // mailbox address → what is wrong, as told
}

// NewLogins returns the logins of the mailboxes of a data directory.
func NewLogins(dataDir string, log *slog.Logger) *Logins {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Logins{dataDir: dataDir, log: log, sources: map[string]*oauth.Source{}, broken: map[string]string{}}
}

// DataDir is where the grants are stored.
func (l *Logins) DataDir() string { return l.dataDir }

// Source returns the token source of a mailbox with auth = "oauth2".
func (l *Logins) Source(mb *config.Mailbox) (*oauth.Source, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.sources[mb.Address]; s != nil {
		return s, nil
	}
	s, err := oauth.NewSource(l.dataDir, mb, l.log)
	if err != nil {
		return nil, err
	}
	l.sources[mb.Address] = s
	return s, nil
}

// credentials returns the password or the token source of a mailbox.
func (l *Logins) credentials(mb *config.Mailbox) (string, mailbox.TokenSource, error) {
	if mb.Auth == config.AuthOAuth2 {
		s, err := l.Source(mb)
		return "", s, err
	}
	pass, err := mb.Password()
	return pass, nil, err
}

// SMTPConfig is the SMTP side of a [[mailbox]], with its credentials and CAs.
func (l *Logins) SMTPConfig(mb *config.Mailbox) (mailbox.SMTPConfig, error) {
	pass, tokens, err := l.credentials(mb)
	if err != nil {
		return mailbox.SMTPConfig{}, err
	}
	roots, err := mb.RootCAs()
	if err != nil {
		return mailbox.SMTPConfig{}, err
	}
	return mailbox.SMTPConfig{URL: mb.SMTP, Username: mb.Username, Password: pass, Token: tokens, RootCAs: roots, Timeout: 60 * time.Second}, nil
}

// IMAPConfig is the IMAP side of a [[mailbox]], with its credentials and CAs.
func (l *Logins) IMAPConfig(mb *config.Mailbox, timeout time.Duration, log *slog.Logger) (mailbox.IMAPConfig, error) {
	pass, tokens, err := l.credentials(mb)
	if err != nil {
		return mailbox.IMAPConfig{}, err
	}
	roots, err := mb.RootCAs()
	if err != nil {
		return mailbox.IMAPConfig{}, err
	}
	return mailbox.IMAPConfig{URL: mb.IMAP, Username: mb.Username, Password: pass, Token: tokens, RootCAs: roots, Timeout: timeout, Logger: log}, nil
}

// LoginProblem words what a login error means for the person who has to
// act, or returns "" when err is not about the login (network trouble, a
// refused recipient): a grant that needs `klachtd login`, or credentials
// that the server refused.
func LoginProblem(mb *config.Mailbox, err error) string {
	var ge *oauth.GrantError
	var ae *mailbox.AuthError
	switch {
	case errors.As(err, &ge):
		return ge.Error()
	case errors.As(err, &ae) && ae.OAuth2():
		return fmt.Sprintf("the %s server refuses the OAuth2 token of %s (consent for %s missing, %s switched off for the mailbox, or signed in as another user?): fix that, then run klachtd login -mailbox %s",
			ae.Protocol, mb.Address, protocolScope(ae.Protocol), protocolAuth(ae.Protocol), mb.Address)
	case errors.As(err, &ae):
		return fmt.Sprintf("the %s server refuses the password of %s (user %s): correct %s", ae.Protocol, mb.Address, mb.Username, passwordKey(mb))
	}
	return ""
}

func protocolScope(p string) string {
	if p == "smtp" {
		return "sending (SMTP.Send)"
	}
	return "IMAP (IMAP.AccessAsUser.All)"
}

func protocolAuth(p string) string {
	if p == "smtp" {
		return "SMTP AUTH"
	}
	return "IMAP"
}

func passwordKey(mb *config.Mailbox) string {
	if mb.PasswordFile != "" {
		return "the password in " + mb.PasswordFile
	}
	return "the password in $" + mb.PasswordEnv
}

// Report records the outcome of a login attempt over protocol ("imap" or
// "smtp"; err nil: it worked). A login problem is logged as an error once
// when it appears and once when it is gone; repeats are debug lines, so
// that retries do not flood the log. A grant that needs `klachtd login`
// is one problem for both protocols. Other errors are not its business.
func (l *Logins) Report(mb *config.Mailbox, protocol string, err error) {
	grantKey, protoKey := mb.Address+" oauth2", mb.Address+" "+protocol
	problem := ""
	if err != nil {
		if problem = LoginProblem(mb, err); problem == "" {
			return
		}
	}
	key := protoKey
	if errors.Is(err, oauth.ErrLoginNeeded) {
		key = grantKey
	}
	l.mu.Lock()
	prev, was := l.broken[key]
	var cleared []string
	if problem != "" {
		l.broken[key] = problem
	} else {
		for _, k := range []string{grantKey, protoKey} {
			if _, ok := l.broken[k]; ok {
				cleared = append(cleared, k)
				delete(l.broken, k)
			}
		}
	}
	l.mu.Unlock()
	switch {
	case problem != "" && (!was || prev != problem):
		l.log.Error("ALERT: mailbox cannot log in; nothing is received or sent for it until this is fixed; letters stay queued",
			"mailbox", mb.Address, "protocol", protocol, "problem", problem)
	case problem != "":
		l.log.Debug("mailbox still cannot log in", "mailbox", mb.Address, "protocol", protocol, "problem", problem)
	case len(cleared) > 0:
		l.log.Info("mailbox logs in again", "mailbox", mb.Address, "protocol", protocol)
	}
}

// Broken returns what is wrong with the logins of a mailbox, if anything.
func (l *Logins) Broken(address string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, k := range []string{address + " oauth2", address + " imap", address + " smtp"} {
		if p, ok := l.broken[k]; ok {
			out = append(out, p)
		}
	}
	return out
}
