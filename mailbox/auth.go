package mailbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"

	"github.com/klachtd/klachtd/mailbox/bearer"
)

// TokenSource supplies OAuth2 access tokens for XOAUTH2 and OAUTHBEARER
// (package oauth's Source). Token returns one that is valid for a while;
// Refresh returns a new one after a server refused rejected.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Refresh(ctx context.Context, rejected string) (string, error)
}

// AuthError is a login that the server refused: a wrong user name or
// password, or an OAuth2 access token that it did not accept even after a
// refresh. It is the session's failure, not a message's: retrying with
// the same credentials will not help, and no message is to blame.
type AuthError struct {
	Protocol  string          // "imap" or "smtp"
	Mechanism string          // LOGIN, PLAIN, XOAUTH2, OAUTHBEARER
	Username  string          //
	Failure   *bearer.Failure // what the server said about the token, if anything
	Err       error           // the server's reply
}

func (e *AuthError) Error() string {
	if e.OAuth2() {
		s := fmt.Sprintf("%s: login as %s with %s refused: the server did not accept the OAuth2 access token, even a freshly refreshed one", e.Protocol, e.Username, e.Mechanism)
		if e.Failure != nil {
			s += " (" + e.Failure.String() + ")"
		}
		return s + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s: login as %s refused (wrong user name or password?): %v", e.Protocol, e.Username, e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

// OAuth2 reports whether the refused login was with a token.
func (e *AuthError) OAuth2() bool {
	return e.Mechanism == bearer.XOAuth2 || e.Mechanism == bearer.OAuthBearer
}

// imapRefused reports whether err is the server's refusal of a LOGIN or
// AUTHENTICATE (a NO, RFC 3501 §6.2.2). A NO [UNAVAILABLE] (RFC 5530) is
// the server's own trouble, such as an unreachable token checker, and not
// a refusal.
func imapRefused(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo && ie.Code != imap.ResponseCodeUnavailable
}

// smtpRefused reports whether err is the server's refusal of AUTH (RFC
// 4954 §6: 535 authentication credentials invalid, 534 mechanism too
// weak, 530 authentication required), not a temporary 454.
func smtpRefused(err error) bool {
	var se *smtp.SMTPError
	return errors.As(err, &se) && (se.Code == 535 || se.Code == 534 || se.Code == 530)
}

// bearerClient builds the SASL client for mech.
func bearerClient(mech, user, token, host, port string) *bearer.Client {
	if mech == bearer.OAuthBearer {
		p, _ := strconv.Atoi(port)
		return bearer.NewOAuthBearer(user, token, host, p)
	}
	return bearer.NewXOAuth2(user, token)
}

// tokenLogin logs in with an access token through try, which runs one
// SASL exchange (attempt 1) or, after the server refused the token and it
// was refreshed, another one (attempt 2; try may need a new connection,
// as an SMTP server may hang up after a failed AUTH). A second refusal is
// an *AuthError: the token may have been revoked early or the clock be
// off, but a fresh token that is refused means the grant is not enough.
func tokenLogin(ctx context.Context, src TokenSource, protocol, mech, user, host, port string,
	refused func(error) bool, try func(attempt int, c *bearer.Client) error, logRefresh func()) error {
	tok, err := src.Token(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", protocol, err)
	}
	for attempt := 1; ; attempt++ {
		c := bearerClient(mech, user, tok, host, port)
		err := try(attempt, c)
		if err == nil {
			return nil
		}
		// A server that sent an error challenge has refused the token,
		// whatever it answers to the client's response to it.
		if !refused(err) && c.Failure() == nil {
			return err
		}
		if attempt == 2 {
			return &AuthError{Protocol: protocol, Mechanism: mech, Username: user, Failure: c.Failure(), Err: err}
		}
		logRefresh()
		if tok, err = src.Refresh(ctx, tok); err != nil {
			return fmt.Errorf("%s: the server refused the access token, and refreshing it failed: %w", protocol, err)
		}
	}
}
