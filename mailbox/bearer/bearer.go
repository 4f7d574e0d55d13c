// Package bearer holds the SASL client mechanisms that log in to IMAP and
// SMTP with an OAuth2 access token: XOAUTH2, which Microsoft 365 and Google
// speak, and OAUTHBEARER (RFC 7628). Both implement go-sasl's sasl.Client.
package bearer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
)

// Mechanism names.
const (
	XOAuth2     = "XOAUTH2"
	OAuthBearer = sasl.OAuthBearer // "OAUTHBEARER"
)

// Failure is the error a server reports in its challenge when it refuses a
// token (RFC 7628 §3.2.2; XOAUTH2 uses the same JSON object).
type Failure struct {
	Status  string `json:"status"`
	Schemes string `json:"schemes"`
	Scope   string `json:"scope"`
	Raw     string `json:"-"` // the challenge, when it was not such an object
}

func (f *Failure) String() string {
	if f.Raw != "" {
		return fmt.Sprintf("server said %q", f.Raw)
	}
	parts := []string{"status " + f.Status}
	if f.Scope != "" {
		parts = append(parts, "scope "+f.Scope)
	}
	return strings.Join(parts, ", ")
}

// Client is one login attempt with a token. After a failed exchange,
// Failure tells what the server said about the token, if anything.
type Client struct {
	mech    string
	ir      []byte
	dummy   []byte // the answer to an error challenge
	failure *Failure
}

var _ sasl.Client = (*Client)(nil)

// NewXOAuth2 returns an XOAUTH2 client. The initial response is
// "user=" USER ^A "auth=Bearer " TOKEN ^A ^A, as Google's and Microsoft's
// descriptions of the mechanism give it; the transport base64-encodes it.
func NewXOAuth2(user, token string) *Client {
	ir := "user=" + user + "\x01auth=Bearer " + token + "\x01\x01"
	// On failure the server sends a JSON error as a challenge and waits for
	// an empty response before it sends the final NO or 535.
	return &Client{mech: XOAuth2, ir: []byte(ir), dummy: []byte{}}
}

// NewOAuthBearer returns an OAUTHBEARER client (RFC 7628) for user at
// host:port; go-sasl builds the initial response.
func NewOAuthBearer(user, token, host string, port int) *Client {
	c := sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: user, Token: token, Host: host, Port: port})
	_, ir, _ := c.Start() // never fails
	// RFC 7628 §3.2.3: after an error challenge the client sends a single
	// %x01 to get the server's final answer.
	return &Client{mech: OAuthBearer, ir: ir, dummy: []byte{0x01}}
}

// SetErrorResponse replaces the answer to the server's error challenge.
// XOAUTH2 answers with an empty response; a transport that cannot send one
// (go-imap writes "=" there, which Dovecot rejects as bad base64 and
// disconnects) can answer with a single %x01 as OAUTHBEARER does.
func (c *Client) SetErrorResponse(b []byte) { c.dummy = b }

// Start implements sasl.Client.
func (c *Client) Start() (mech string, ir []byte, err error) {
	return c.mech, c.ir, nil
}

// Next implements sasl.Client. The only challenge either mechanism knows
// is the error report; it is recorded and answered so that the server
// ends the exchange with its failure reply.
func (c *Client) Next(challenge []byte) ([]byte, error) {
	if c.failure != nil {
		return nil, sasl.ErrUnexpectedServerChallenge
	}
	f := &Failure{}
	if err := json.Unmarshal(challenge, f); err != nil || f.Status == "" {
		f = &Failure{Raw: string(challenge)}
	}
	c.failure = f
	return c.dummy, nil
}

// Failure returns what the server said about a refused token, or nil.
func (c *Client) Failure() *Failure { return c.failure }

// Mechanism returns the mechanism name.
func (c *Client) Mechanism() string { return c.mech }

// ErrNoMechanism is returned by Choose when the server offers neither
// mechanism.
var ErrNoMechanism = errors.New("the server offers neither XOAUTH2 nor OAUTHBEARER")

// Choose picks the mechanism to use from the ones a server offers: want if
// given (it must be offered), else XOAUTH2, which is what Microsoft 365
// offers and what Google documents first, else OAUTHBEARER.
func Choose(offered []string, want string) (string, error) {
	has := func(m string) bool {
		for _, o := range offered {
			if strings.EqualFold(o, m) {
				return true
			}
		}
		return false
	}
	if want != "" {
		if !has(want) {
			return "", fmt.Errorf("the server does not offer %s (it offers %s)", want, strings.Join(offered, " "))
		}
		return strings.ToUpper(want), nil
	}
	for _, m := range []string{XOAuth2, OAuthBearer} {
		if has(m) {
			return m, nil
		}
	}
	return "", ErrNoMechanism
}
