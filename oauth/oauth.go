// Package oauth gets and keeps the OAuth2 tokens of mailboxes with
// auth = "oauth2": the providers' endpoints and scopes, the login flows
// (device authorization grant, RFC 8628; for Google the loopback redirect
// of RFC 8252), the grant stored 0600 in the data directory, and a token
// source that refreshes access tokens before they expire.
package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/klachtd/klachtd/config"
)

// Scopes of the providers. Microsoft: "Authenticate an IMAP, POP or SMTP
// connection using OAuth" (Exchange Online); offline_access yields the
// refresh token. Google: the one scope that covers IMAP and SMTP.
var (
	MicrosoftScopes = []string{
		"https://outlook.office.com/IMAP.AccessAsUser.All",
		"https://outlook.office.com/SMTP.Send",
		"offline_access",
	}
	GoogleScopes = []string{"https://mail.google.com/"}
)

// Endpoint is where a provider hands out tokens. DeviceURL is empty for
// providers without a device flow for mail scopes (Google: its device flow
// only grants a short list of scopes that does not include mail); AuthURL
// is then the authorization endpoint of the loopback redirect flow.
type Endpoint struct {
	DeviceURL string
	AuthURL   string
	TokenURL  string
	Scopes    []string
}

// EndpointOf returns the endpoints and scopes for a mailbox's oauth2 keys.
func EndpointOf(o *config.OAuth2) Endpoint {
	var e Endpoint
	switch o.Provider {
	case config.ProviderMicrosoft:
		base := "https://login.microsoftonline.com/" + o.Tenant + "/oauth2/v2.0/"
		e = Endpoint{DeviceURL: base + "devicecode", AuthURL: base + "authorize", TokenURL: base + "token", Scopes: MicrosoftScopes}
	case config.ProviderGoogle:
		e = Endpoint{AuthURL: "https://accounts.google.com/o/oauth2/v2/auth", TokenURL: "https://oauth2.googleapis.com/token", Scopes: GoogleScopes}
	default:
		e = Endpoint{DeviceURL: o.DeviceURL, TokenURL: o.TokenURL}
	}
	if len(o.Scopes) > 0 {
		e.Scopes = o.Scopes
	}
	return e
}

// Config builds the x/oauth2 configuration of a mailbox, with its client
// secret if it has one.
func Config(mb *config.Mailbox) (*oauth2.Config, error) {
	if mb.OAuth2 == nil {
		return nil, fmt.Errorf("mailbox %s: auth is not \"oauth2\"", mb.Address)
	}
	secret, err := mb.OAuth2.ClientSecret()
	if err != nil {
		return nil, fmt.Errorf("mailbox %s: %w", mb.Address, err)
	}
	e := EndpointOf(mb.OAuth2)
	return &oauth2.Config{
		ClientID:     mb.OAuth2.ClientID,
		ClientSecret: secret,
		Endpoint: oauth2.Endpoint{
			AuthURL:       e.AuthURL,
			DeviceAuthURL: e.DeviceURL,
			TokenURL:      e.TokenURL,
			// Public clients (Microsoft with "Allow public client flows",
			// the device flow in general) send the client ID in the body.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		Scopes: e.Scopes,
	}, nil
}

// httpTimeout bounds one request to a token endpoint.
const httpTimeout = 30 * time.Second

// withClient puts an HTTP client with a timeout into ctx for x/oauth2.
func withClient(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: httpTimeout})
}

// ErrLoginNeeded is matched (errors.Is) by every error that only a new
// `klachtd login` can cure: no grant stored, grant revoked or expired,
// consent missing, client refused.
var ErrLoginNeeded = errors.New("oauth2: login needed")

// GrantError says why a mailbox's grant gives no tokens.
type GrantError struct {
	Mailbox string
	Reason  string // in words: "no grant stored", "grant revoked or expired", …
	Detail  string // the provider's error code and description, if any
}

func (e *GrantError) Error() string {
	s := fmt.Sprintf("OAuth2 %s for %s", e.Reason, e.Mailbox)
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s + ": run klachtd login -mailbox " + e.Mailbox
}

// Is makes errors.Is(err, ErrLoginNeeded) true.
func (e *GrantError) Is(target error) bool { return target == ErrLoginNeeded }

// classify turns a token endpoint's refusal into a GrantError; other
// errors (network, server trouble) are returned wrapped, as temporary.
func classify(mailbox string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("oauth2 token endpoint: %w", err)
	}
	detail := re.ErrorCode
	if re.ErrorDescription != "" {
		desc, _, _ := strings.Cut(re.ErrorDescription, "\n")
		detail += ": " + strings.TrimSpace(desc)
	}
	switch {
	case consentMissing(re):
		return &GrantError{Mailbox: mailbox, Reason: "consent missing", Detail: detail}
	case re.ErrorCode == "invalid_grant":
		return &GrantError{Mailbox: mailbox, Reason: "grant revoked or expired", Detail: detail}
	case re.ErrorCode == "invalid_client", re.ErrorCode == "unauthorized_client":
		return &GrantError{Mailbox: mailbox, Reason: "client refused (check oauth2_client_id and the client secret)", Detail: detail}
	case re.ErrorCode == "invalid_scope":
		return &GrantError{Mailbox: mailbox, Reason: "scopes refused", Detail: detail}
	case re.Response != nil && re.Response.StatusCode >= 500:
		return fmt.Errorf("oauth2 token endpoint: %w", err)
	case re.ErrorCode != "":
		return &GrantError{Mailbox: mailbox, Reason: "token refused", Detail: detail}
	}
	return fmt.Errorf("oauth2 token endpoint: %w", err)
}

// consentMissing recognises the refusal for want of consent: RFC 6749's
// codes, OpenID Connect's consent_required/interaction_required, and
// Microsoft Entra's AADSTS65001 ("the user or administrator has not
// consented to use the application").
func consentMissing(re *oauth2.RetrieveError) bool {
	switch re.ErrorCode {
	case "consent_required", "interaction_required", "access_denied":
		return true
	}
	return strings.Contains(re.ErrorDescription, "AADSTS65001")
}
