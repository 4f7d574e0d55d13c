// Package config loads config.toml strictly: unknown keys are errors, and
// every problem in the file is reported at once as FILE:LINE: KEY: message.
// SPEC.md, section "Configuration", is the contract for the key names.
package config

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/klachtd/klachtd/procedure"
)

// Config is a loaded and validated configuration.
type Config struct {
	File          string // absolute path of the file loaded
	DataDir       string // absolute; a relative data_dir is relative to the config file's directory
	LogLevel      string // debug|info|warn|error (default info)
	LogFormat     string // text|json (default text)
	TemplatesDir  string // optional key templates_dir: directory overriding the embedded letter templates; absolute
	Organisations []*Organisation
	Mailboxes     []*Mailbox
	Web           Web // the officer's desk; off when Web.Listen is ""
}

// Web is the [web] table: the officer's desk in a browser (package web).
type Web struct {
	Listen string // host:port to serve on; "" (the default): no web server
	// BaseURL is the address people reach the desk at (behind a TLS
	// reverse proxy: "https://klachten.example.nl"), without a trailing
	// slash. Links in mails are made from it, and an https base URL makes
	// the session cookie Secure. "" when unset.
	BaseURL string
	// TrustedProxies are the addresses (IPs or CIDR prefixes) of reverse
	// proxies whose X-Forwarded-For and X-Forwarded-Proto are believed.
	TrustedProxies []netip.Prefix
}

// Organisation returns the organisation with the given id, or nil.
func (c *Config) Organisation(id string) *Organisation {
	for _, o := range c.Organisations {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// Person is someone known to an organisation.
type Person struct {
	Name, Address, Function string
}

// Organisation is one firm with its complaint procedure.
type Organisation struct {
	ID, Name         string
	PostalAddress    []string
	Officer          string // address (lowercased)
	AlternateOfficer string // address (lowercased), handles complaints about the officer; may be ""
	// Staff holds the people of `staff = [...]` ("piet@example.nl" or
	// "Piet Jansen <piet@example.nl>") and of [[organisation.member]]
	// tables, which add people or complete them with a name and function.
	// The officers are not added to Staff by a member table.
	Staff          []Person
	DefaultHandler string // address; a staff member or an officer
	Language       string // nl|en (default nl)
	NumberPrefix   string // default "KL"; [A-Z]{1,8}
	Appeal         string
	Post           string      // none|decision|all (default decision)
	ClosedDays     []time.Time // 00:00 Europe/Amsterdam of each closed day
	LogoFile       string      // absolute path, or ""
	Signature      string      // function line under letters, or ""
	Procedure      Procedure
	Calendar       *procedure.Calendar // built from ClosedDays

	officers []Person // officers described by member tables without being staff
}

// normalise reduces "Name <Addr>" or " Addr " to a lowercase address.
func normalise(addr string) string {
	if a, err := mail.ParseAddress(addr); err == nil {
		return strings.ToLower(a.Address)
	}
	return strings.ToLower(strings.TrimSpace(addr))
}

// IsStaff reports whether addr belongs to staff; the officer and the
// alternate officer count as staff too. Case does not matter.
func (o *Organisation) IsStaff(addr string) bool {
	a := normalise(addr)
	if a == "" {
		return false
	}
	if a == o.Officer || a == o.AlternateOfficer {
		return true
	}
	for _, p := range o.Staff {
		if p.Address == a {
			return true
		}
	}
	return false
}

// Person returns what is known about addr, or Person{Address: addr}.
func (o *Organisation) Person(addr string) Person {
	a := normalise(addr)
	for _, p := range o.Staff {
		if p.Address == a {
			return p
		}
	}
	for _, p := range o.officers {
		if p.Address == a {
			return p
		}
	}
	return Person{Address: addr}
}

// Procedure holds the terms and options of an organisation's complaint
// procedure (PROCEDURE.md, "The five procedures as parameters"). A zero
// Term means the procedure does not set it.
type Procedure struct {
	AcknowledgeWithin   procedure.Term // required
	DecideWithin        procedure.Term // required
	DelayNoticeBefore   procedure.Term // required
	Extension           procedure.Term // default extension when Uitstel gives none
	AppealWithin        procedure.Term
	RetainAfterClose    procedure.Term
	DestroyAfterReceipt procedure.Term
	DecideWithinSimple  procedure.Term // term for complaints marked simple
	DecideMax           procedure.Term // an extension may never move decide-by beyond received+this
	RejectWithin        procedure.Term // term to report an inadmissible complaint
	ReportWithin        procedure.Term // closing report after resolution; zero = no closing report
	Hearing             bool           // the person concerned is heard (hoor en wederhoor)
	DecisionToConcerned bool           // the decision letter also goes to the person concerned
}

// Mailbox is an intake mailbox and the SMTP server to send through.
type Mailbox struct {
	Organisation    string
	IMAP, SMTP      *url.URL // schemes imap, imaps, imap+insecure; smtp, smtps, smtp+insecure; port always set
	Username        string
	PasswordEnv     string
	PasswordFile    string // absolute
	Address         string // intake address, lowercased
	Folder          string // default INBOX
	ProcessedFolder string // default "Klachten"
	// QuarantineFolder is where messages that could not be filed go, so
	// that they are not fetched again (default "Quarantaine").
	QuarantineFolder string
	CAFile           string // absolute, or ""
	PollInterval     time.Duration
	Auth             string  // AuthPassword (default) or AuthOAuth2
	OAuth2           *OAuth2 // set when Auth is AuthOAuth2
}

// Ways a mailbox logs in (key auth).
const (
	AuthPassword = "password" // SASL PLAIN with password_env or password_file
	AuthOAuth2   = "oauth2"   // SASL XOAUTH2 or OAUTHBEARER with a token from `klachtd login`
)

// OAuth2 providers (key oauth2_provider).
const (
	ProviderMicrosoft = "microsoft" // Microsoft 365 / Exchange Online
	ProviderGoogle    = "google"    // Google Workspace and Gmail
	ProviderCustom    = "custom"    // any server with a device authorization endpoint (RFC 8628)
)

// OAuth2 is how a mailbox with auth = "oauth2" gets its tokens. The
// endpoints and default scopes of the named providers live in package
// oauth; for ProviderCustom the file gives them.
type OAuth2 struct {
	Provider         string
	ClientID         string
	Tenant           string // Microsoft: directory (tenant) ID or domain; default "organizations"
	ClientSecretEnv  string
	ClientSecretFile string   // absolute
	DeviceURL        string   // custom: device authorization endpoint (RFC 8628 §3.1)
	TokenURL         string   // custom: token endpoint
	Scopes           []string // custom: required; others: replaces the provider's defaults when set
}

// ClientSecret returns the client secret from oauth2_client_secret_env or
// oauth2_client_secret_file, or "" when neither is set (public clients).
func (o *OAuth2) ClientSecret() (string, error) {
	switch {
	case o.ClientSecretEnv != "":
		v, ok := os.LookupEnv(o.ClientSecretEnv)
		if !ok {
			return "", fmt.Errorf("oauth2_client_secret_env: environment variable %s is not set", o.ClientSecretEnv)
		}
		if v = strings.TrimSpace(v); v == "" {
			return "", fmt.Errorf("oauth2_client_secret_env: environment variable %s is empty", o.ClientSecretEnv)
		}
		return v, nil
	case o.ClientSecretFile != "":
		b, err := os.ReadFile(o.ClientSecretFile)
		if err != nil {
			return "", fmt.Errorf("oauth2_client_secret_file: %w", err)
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			return "", fmt.Errorf("oauth2_client_secret_file: %s is empty", o.ClientSecretFile)
		}
		return v, nil
	}
	return "", nil
}

// Password returns the mailbox password from the environment variable
// named by password_env or from the file named by password_file, with
// surrounding white space trimmed.
func (m *Mailbox) Password() (string, error) {
	switch {
	case m.PasswordEnv != "":
		v, ok := os.LookupEnv(m.PasswordEnv)
		if !ok {
			return "", fmt.Errorf("mailbox %s: password_env: environment variable %s is not set", m.Address, m.PasswordEnv)
		}
		if v = strings.TrimSpace(v); v == "" {
			return "", fmt.Errorf("mailbox %s: password_env: environment variable %s is empty", m.Address, m.PasswordEnv)
		}
		return v, nil
	case m.PasswordFile != "":
		b, err := os.ReadFile(m.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("mailbox %s: password_file: %w", m.Address, err)
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			return "", fmt.Errorf("mailbox %s: password_file: %s is empty", m.Address, m.PasswordFile)
		}
		return v, nil
	default:
		return "", fmt.Errorf("mailbox %s: neither password_env nor password_file is set", m.Address)
	}
}

// RootCAs returns the system certificate pool plus the certificates in
// ca_file, if set.
func (m *Mailbox) RootCAs() (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if m.CAFile == "" {
		return pool, nil
	}
	pem, err := os.ReadFile(m.CAFile)
	if err != nil {
		return nil, fmt.Errorf("mailbox %s: ca_file: %w", m.Address, err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("mailbox %s: ca_file: no PEM certificates in %s", m.Address, m.CAFile)
	}
	return pool, nil
}

// Load reads and parses the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates a configuration. file names the document in
// error messages and anchors relative paths (data_dir, templates_dir, logo,
// password_file, ca_file) at its directory; "" stands for config.toml in
// the working directory. The error, if any, is an *Error listing every
// problem.
func Parse(file string, data []byte) (*Config, error) {
	if file == "" {
		file = "config.toml"
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, fmt.Errorf("parse config: %w", err)
	}
	v := &validator{file: file, dir: filepath.Dir(abs)}

	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var raw rawConfig
	err = dec.Decode(&raw)
	var strict *toml.StrictMissingError
	var decErr *toml.DecodeError
	switch {
	case err == nil:
	case errors.As(err, &strict):
		// The rest of the document was decoded: report the unknown keys
		// together with everything else.
		v.pos = index(data)
		for _, e := range strict.Errors {
			v.unknown(&e)
		}
	case errors.As(err, &decErr):
		line, col := decErr.Position()
		key := strings.Join(decErr.Key(), ".")
		if p, ok := index(data).at(line, col); ok {
			key = p
		}
		msg := typeMessage(strings.TrimPrefix(decErr.Error(), "toml: "))
		if key == "" {
			msg = fmt.Sprintf("%s (column %d)", msg, col)
		}
		return nil, &Error{Problems: []Problem{{File: file, Line: line, Key: key, Message: msg}}}
	default:
		return nil, &Error{Problems: []Problem{{File: file, Message: err.Error()}}}
	}
	if v.pos == nil {
		v.pos = index(data)
	}

	cfg := v.config(&raw)
	cfg.File = abs
	if len(v.problems) > 0 {
		sortProblems(v.problems)
		return nil, &Error{Problems: v.problems}
	}
	return cfg, nil
}

// typeMismatch matches go-toml's message for a value of the wrong type,
// which names the internal struct field.
var typeMismatch = regexp.MustCompile(`^cannot decode TOML (.+?) into .* of type (.+)$`)

// typeMessage rewrites a type mismatch in the words of the file.
func typeMessage(msg string) string {
	m := typeMismatch.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := map[string]string{
		"string":         "a string in quotes",
		"[]string":       `a list of strings like ["a", "b"]`,
		"bool":           "true or false",
		"[]interface {}": `a list like ["2026-12-31"]`,
	}[m[2]]
	switch {
	case want != "":
	case strings.HasPrefix(m[2], "[]"):
		want = "a list of tables"
	default:
		want = "a table"
	}
	return fmt.Sprintf("is a TOML %s, want %s", m[1], want)
}
