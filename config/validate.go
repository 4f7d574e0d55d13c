package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/klachtd/klachtd/procedure"
)

// The raw structs mirror the file; every key the file may hold is a field
// here, so that go-toml's strict mode rejects everything else.
type rawConfig struct {
	DataDir      string            `toml:"data_dir"`
	LogLevel     string            `toml:"log_level"`
	LogFormat    string            `toml:"log_format"`
	TemplatesDir string            `toml:"templates_dir"`
	Organisation []rawOrganisation `toml:"organisation"`
	Mailbox      []rawMailbox      `toml:"mailbox"`
	Web          rawWeb            `toml:"web"`
}

type rawWeb struct {
	Listen         string   `toml:"listen"`
	BaseURL        string   `toml:"base_url"`
	TrustedProxies []string `toml:"trusted_proxies"`
}

type rawOrganisation struct {
	ID               string       `toml:"id"`
	Name             string       `toml:"name"`
	PostalAddress    []string     `toml:"postal_address"`
	Officer          string       `toml:"officer"`
	AlternateOfficer string       `toml:"alternate_officer"`
	Staff            []string     `toml:"staff"`
	Member           []rawMember  `toml:"member"`
	DefaultHandler   string       `toml:"default_handler"`
	Language         string       `toml:"language"`
	NumberPrefix     string       `toml:"number_prefix"`
	Appeal           string       `toml:"appeal"`
	Post             string       `toml:"post"`
	ClosedDays       []any        `toml:"closed_days"` // "2026-12-31" or a TOML local date
	Logo             string       `toml:"logo"`
	Signature        string       `toml:"signature"`
	Procedure        rawProcedure `toml:"procedure"`
}

type rawMember struct {
	Address  string `toml:"address"`
	Name     string `toml:"name"`
	Function string `toml:"function"`
}

type rawProcedure struct {
	AcknowledgeWithin   string `toml:"acknowledge_within"`
	DecideWithin        string `toml:"decide_within"`
	DelayNoticeBefore   string `toml:"delay_notice_before"`
	Extension           string `toml:"extension"`
	AppealWithin        string `toml:"appeal_within"`
	RetainAfterClose    string `toml:"retain_after_close"`
	DestroyAfterReceipt string `toml:"destroy_after_receipt"`
	DecideWithinSimple  string `toml:"decide_within_simple"`
	DecideMax           string `toml:"decide_max"`
	RejectWithin        string `toml:"reject_within"`
	ReportWithin        string `toml:"report_within"`
	Hearing             bool   `toml:"hearing"`
	DecisionToConcerned bool   `toml:"decision_to_concerned"`
}

type rawMailbox struct {
	Organisation     string `toml:"organisation"`
	IMAP             string `toml:"imap"`
	SMTP             string `toml:"smtp"`
	Username         string `toml:"username"`
	PasswordEnv      string `toml:"password_env"`
	PasswordFile     string `toml:"password_file"`
	Password         string `toml:"password"` // only to reject it with a clear message
	Address          string `toml:"address"`
	Folder           string `toml:"folder"`
	ProcessedFolder  string `toml:"processed_folder"`
	QuarantineFolder string `toml:"quarantine_folder"`
	CAFile           string `toml:"ca_file"`
	PollInterval     string `toml:"poll_interval"`

	Auth                   string   `toml:"auth"`
	OAuth2Provider         string   `toml:"oauth2_provider"`
	OAuth2ClientID         string   `toml:"oauth2_client_id"`
	OAuth2Tenant           string   `toml:"oauth2_tenant"`
	OAuth2ClientSecretEnv  string   `toml:"oauth2_client_secret_env"`
	OAuth2ClientSecretFile string   `toml:"oauth2_client_secret_file"`
	OAuth2DeviceURL        string   `toml:"oauth2_device_url"`
	OAuth2TokenURL         string   `toml:"oauth2_token_url"`
	OAuth2Scopes           []string `toml:"oauth2_scopes"`
}

const (
	defaultPollInterval = 60 * time.Second
	minPollInterval     = time.Second
)

var (
	idPattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	prefixPattern = regexp.MustCompile(`^[A-Z]{1,8}$`)
	envPattern    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	tenantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)
	indexes       = regexp.MustCompile(`\[\d+\]`)
)

// validator turns the raw document into a Config, collecting problems.
type validator struct {
	file     string
	dir      string // directory of the config file, for relative paths
	pos      *positions
	problems []Problem
}

func (v *validator) add(key, format string, args ...any) {
	v.problems = append(v.problems, Problem{
		File:    v.file,
		Line:    v.pos.line(key),
		Key:     key,
		Message: fmt.Sprintf(format, args...),
	})
}

// unknown reports a key of the document that no field takes.
func (v *validator) unknown(e *toml.DecodeError) {
	line, col := e.Position()
	parts := e.Key()
	key, ok := v.pos.at(line, col)
	if ok {
		// The indexed path is complete; go-toml's key lacks the enclosing
		// table for keys inside inline tables.
		parts = strings.Split(indexes.ReplaceAllString(key, ""), ".")
	} else {
		key = strings.Join(parts, ".")
	}
	what := "unknown key"
	if strings.HasSuffix(e.Error(), "missing table") {
		what = "unknown table"
	}
	if s := suggest(parts); s != "" {
		what += fmt.Sprintf(" (did you mean %s?)", s)
	}
	v.problems = append(v.problems, Problem{File: v.file, Line: line, Key: key, Message: what})
}

// path makes a file path absolute, relative to the config file's directory.
func (v *validator) path(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(v.dir, p)
}

func (v *validator) oneOf(key, val, def string, allowed ...string) string {
	if val == "" {
		return def
	}
	for _, a := range allowed {
		if val == a {
			return val
		}
	}
	v.add(key, "%q is not one of %s", val, strings.Join(allowed, ", "))
	return def
}

func (v *validator) config(raw *rawConfig) *Config {
	cfg := &Config{
		LogLevel:  v.oneOf("log_level", raw.LogLevel, "info", "debug", "info", "warn", "error"),
		LogFormat: v.oneOf("log_format", raw.LogFormat, "text", "text", "json"),
	}
	if raw.DataDir == "" {
		v.add("data_dir", `required, e.g. data_dir = "var"`)
	} else {
		cfg.DataDir = v.path(raw.DataDir)
	}
	if raw.TemplatesDir != "" {
		cfg.TemplatesDir = v.path(raw.TemplatesDir)
		if fi, err := os.Stat(cfg.TemplatesDir); err != nil {
			v.add("templates_dir", "%s: %v", cfg.TemplatesDir, errNotExist(err))
		} else if !fi.IsDir() {
			v.add("templates_dir", "%s is not a directory", cfg.TemplatesDir)
		}
	}

	if len(raw.Organisation) == 0 {
		v.add("organisation", "at least one [[organisation]] table is required")
	}
	ids := map[string]string{}      // id → key of the organisation that has it
	prefixes := map[string]string{} // number prefix → key of the organisation that has it
	for i := range raw.Organisation {
		key := fmt.Sprintf("organisation[%d]", i)
		o := v.organisation(key, &raw.Organisation[i])
		if o.ID != "" {
			if prev, dup := ids[o.ID]; dup {
				v.add(key+".id", "%q is also the id of %s", o.ID, prev)
			}
			ids[o.ID] = key
		}
		if prev, dup := prefixes[o.NumberPrefix]; dup {
			v.add(key+".number_prefix", "%q is also the number prefix of %s; numbers and subject tags must be unique", o.NumberPrefix, prev)
		}
		prefixes[o.NumberPrefix] = key
		cfg.Organisations = append(cfg.Organisations, o)
	}

	addrs := map[string]string{}
	for i := range raw.Mailbox {
		key := fmt.Sprintf("mailbox[%d]", i)
		m := v.mailbox(key, &raw.Mailbox[i], cfg)
		if m.Address != "" {
			if prev, dup := addrs[m.Address]; dup {
				v.add(key+".address", "%s is also the address of %s", m.Address, prev)
			}
			addrs[m.Address] = key
		}
		cfg.Mailboxes = append(cfg.Mailboxes, m)
	}
	cfg.Web = v.web("web", &raw.Web)
	return cfg
}

// web checks the [web] table (the officer's desk). An empty listen turns
// the desk off; base_url and trusted_proxies are checked all the same.
func (v *validator) web(key string, r *rawWeb) Web {
	w := Web{Listen: r.Listen}
	listenOK := false
	if r.Listen != "" {
		host, port, err := net.SplitHostPort(r.Listen)
		if err != nil {
			v.add(key+".listen", "%q is not host:port, e.g. listen = \"127.0.0.1:8080\"", r.Listen)
		} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			v.add(key+".listen", "port %q is not a port number", port)
		} else if host != "" && host != "localhost" && net.ParseIP(host) == nil {
			v.add(key+".listen", "%q: give an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost, not a host name", host)
		} else {
			listenOK = true
		}
	}
	if r.BaseURL != "" {
		u, err := url.Parse(r.BaseURL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			v.add(key+".base_url", "%q is not a URL like \"https://klachten.example.nl\"", r.BaseURL)
		case u.User != nil || u.RawQuery != "" || u.Fragment != "":
			v.add(key+".base_url", "%q: only scheme, host, port and path are expected", r.BaseURL)
		case u.Scheme == "http" && !isLoopback(u.Hostname()):
			v.add(key+".base_url", "%q: use https:// (a reverse proxy in front of klachtd does TLS); plain http is only for loopback", r.BaseURL)
		default:
			w.BaseURL = strings.TrimRight(u.String(), "/")
		}
	} else if listenOK && !isLoopbackListen(r.Listen) {
		v.add(key+".base_url", "required when listen is not a loopback address: the address people reach the desk at, e.g. \"https://klachten.example.nl\"")
	}
	for i, s := range r.TrustedProxies {
		k := fmt.Sprintf("%s.trusted_proxies[%d]", key, i)
		if p, err := netip.ParsePrefix(s); err == nil {
			w.TrustedProxies = append(w.TrustedProxies, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			w.TrustedProxies = append(w.TrustedProxies, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else {
			v.add(k, "%q is not an IP address or a prefix like 10.0.0.0/8", s)
		}
	}
	return w
}

// isLoopbackListen reports whether a listen address only takes
// connections from this machine.
func isLoopbackListen(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	return err == nil && isLoopback(host)
}

func errNotExist(err error) string {
	if os.IsNotExist(err) {
		return "does not exist"
	}
	return err.Error()
}

// address checks a plain address ("piet@example.nl") and lowercases it.
func (v *validator) address(key, s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || strings.ContainsAny(s, "<>") {
		v.add(key, "%q is not a plain email address like piet@example.nl", s)
		return ""
	}
	return strings.ToLower(a.Address)
}

func (v *validator) organisation(key string, r *rawOrganisation) *Organisation {
	o := &Organisation{
		ID:            r.ID,
		Name:          r.Name,
		PostalAddress: r.PostalAddress,
		Language:      v.oneOf(key+".language", r.Language, "nl", "nl", "en"),
		NumberPrefix:  r.NumberPrefix,
		Appeal:        r.Appeal,
		Post:          v.oneOf(key+".post", r.Post, "decision", "none", "decision", "all"),
		Signature:     r.Signature,
	}
	switch {
	case r.ID == "":
		v.add(key+".id", `required, e.g. id = "acme"`)
	case !idPattern.MatchString(r.ID):
		v.add(key+".id", "%q: use lowercase letters, digits, '-' and '_'", r.ID)
	}
	if r.Name == "" {
		v.add(key+".name", "required")
	}
	if o.NumberPrefix == "" {
		o.NumberPrefix = "KL"
	} else if !prefixPattern.MatchString(o.NumberPrefix) {
		v.add(key+".number_prefix", "%q: use 1 to 8 capital letters A-Z", o.NumberPrefix)
	}

	if r.Officer == "" {
		v.add(key+".officer", "required: the complaints officer's address")
	} else {
		o.Officer = v.address(key+".officer", r.Officer)
	}
	if r.AlternateOfficer != "" {
		o.AlternateOfficer = v.address(key+".alternate_officer", r.AlternateOfficer)
		if o.AlternateOfficer != "" && o.AlternateOfficer == o.Officer {
			v.add(key+".alternate_officer", "must differ from officer: complaints about the officer go to the alternate (PROCEDURE.md step 4)")
		}
	}

	v.people(key, r, o)

	if r.DefaultHandler == "" {
		v.add(key+".default_handler", "required: the address new complaints are assigned to")
	} else if h := v.address(key+".default_handler", r.DefaultHandler); h != "" {
		o.DefaultHandler = h
		if !o.IsStaff(h) {
			v.add(key+".default_handler", "%s is not in staff", h)
		}
	}

	for i, d := range r.ClosedDays {
		if t, ok := v.date(fmt.Sprintf("%s.closed_days[%d]", key, i), d); ok {
			o.ClosedDays = append(o.ClosedDays, t)
		}
	}
	o.Calendar = procedure.NewCalendar(o.ClosedDays)

	if r.Logo != "" {
		o.LogoFile = v.path(r.Logo)
		switch fi, err := os.Stat(o.LogoFile); {
		case err != nil:
			v.add(key+".logo", "%s: %s", o.LogoFile, errNotExist(err))
		case !fi.Mode().IsRegular():
			v.add(key+".logo", "%s is not a file", o.LogoFile)
		default:
			switch strings.ToLower(filepath.Ext(o.LogoFile)) {
			case ".png", ".jpg", ".jpeg", ".gif":
			default:
				v.add(key+".logo", "%s: use a PNG, JPEG or GIF image", o.LogoFile)
			}
		}
	}

	o.Procedure = v.procedure(key+".procedure", &r.Procedure)
	return o
}

// people fills Staff from the staff list and the member tables.
func (v *validator) people(key string, r *rawOrganisation, o *Organisation) {
	if len(r.Staff) == 0 {
		v.add(key+".staff", `required: at least one address, e.g. staff = ["piet@example.nl"]`)
	}
	seen := map[string]string{}
	for i, s := range r.Staff {
		k := fmt.Sprintf("%s.staff[%d]", key, i)
		a, err := mail.ParseAddress(s)
		if err != nil {
			v.add(k, "%q is not an address like piet@example.nl or \"Piet Jansen <piet@example.nl>\"", s)
			continue
		}
		addr := strings.ToLower(a.Address)
		if prev, dup := seen[addr]; dup {
			v.add(k, "%s is already listed as %s", addr, prev)
			continue
		}
		seen[addr] = k
		o.Staff = append(o.Staff, Person{Name: a.Name, Address: addr})
	}
	members := map[string]string{}
	for i, m := range r.Member {
		k := fmt.Sprintf("%s.member[%d]", key, i)
		if m.Address == "" {
			v.add(k+".address", "required")
			continue
		}
		addr := v.address(k+".address", m.Address)
		if addr == "" {
			continue
		}
		if prev, dup := members[addr]; dup {
			v.add(k+".address", "%s is already described by %s", addr, prev)
			continue
		}
		members[addr] = k
		p := Person{Name: m.Name, Address: addr, Function: m.Function}
		if j := staffIndex(o.Staff, addr); j >= 0 {
			if p.Name == "" {
				p.Name = o.Staff[j].Name
			}
			o.Staff[j] = p
		} else if addr == o.Officer || addr == o.AlternateOfficer {
			o.officers = append(o.officers, p)
		} else {
			o.Staff = append(o.Staff, p)
		}
	}
}

func staffIndex(staff []Person, addr string) int {
	for i, p := range staff {
		if p.Address == addr {
			return i
		}
	}
	return -1
}

// date accepts "2026-12-31" or an unquoted TOML date 2026-12-31.
func (v *validator) date(key string, d any) (time.Time, bool) {
	var s string
	switch d := d.(type) {
	case string:
		s = d
	case toml.LocalDate:
		s = d.String()
	default:
		v.add(key, "%v is not a date like \"2026-12-31\"", d)
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(time.DateOnly, s, procedure.Amsterdam)
	if err != nil {
		v.add(key, "%q is not a date like \"2026-12-31\"", s)
		return time.Time{}, false
	}
	return t, true
}

// term parses an optional term; a required one must be more than zero.
func (v *validator) term(key, s string, required bool) procedure.Term {
	if s == "" {
		if required {
			v.add(key, `required, e.g. "5 werkdagen", "2 weeks", "1 maand"`)
		}
		return procedure.Term{}
	}
	t, err := procedure.ParseTerm(s)
	if err != nil {
		v.add(key, "%v", err)
		return procedure.Term{}
	}
	if required && t.IsZero() {
		v.add(key, "%q: must be more than zero", s)
	}
	return t
}

// approxDays gives the length of a term in days, near enough to catch
// terms configured the wrong way round.
func approxDays(t procedure.Term) float64 {
	n := float64(t.N)
	switch t.Unit {
	case procedure.WorkingDays:
		return n * 7 / 5
	case procedure.Weeks:
		return n * 7
	case procedure.Months:
		return n * 30.44
	case procedure.Years:
		return n * 365.25
	default:
		return n
	}
}

func (v *validator) procedure(key string, r *rawProcedure) Procedure {
	p := Procedure{
		AcknowledgeWithin:   v.term(key+".acknowledge_within", r.AcknowledgeWithin, true),
		DecideWithin:        v.term(key+".decide_within", r.DecideWithin, true),
		DelayNoticeBefore:   v.term(key+".delay_notice_before", r.DelayNoticeBefore, true),
		Extension:           v.term(key+".extension", r.Extension, false),
		AppealWithin:        v.term(key+".appeal_within", r.AppealWithin, false),
		RetainAfterClose:    v.term(key+".retain_after_close", r.RetainAfterClose, false),
		DestroyAfterReceipt: v.term(key+".destroy_after_receipt", r.DestroyAfterReceipt, false),
		DecideWithinSimple:  v.term(key+".decide_within_simple", r.DecideWithinSimple, false),
		DecideMax:           v.term(key+".decide_max", r.DecideMax, false),
		RejectWithin:        v.term(key+".reject_within", r.RejectWithin, false),
		ReportWithin:        v.term(key+".report_within", r.ReportWithin, false),
		Hearing:             r.Hearing,
		DecisionToConcerned: r.DecisionToConcerned,
	}
	if p.DecideWithin.IsZero() {
		return p
	}
	decide := approxDays(p.DecideWithin)
	if !p.DelayNoticeBefore.IsZero() && approxDays(p.DelayNoticeBefore) >= decide {
		v.add(key+".delay_notice_before", "%s is not shorter than decide_within (%s)", p.DelayNoticeBefore, p.DecideWithin)
	}
	if !p.DecideWithinSimple.IsZero() && approxDays(p.DecideWithinSimple) > decide {
		v.add(key+".decide_within_simple", "%s is longer than decide_within (%s)", p.DecideWithinSimple, p.DecideWithin)
	}
	if !p.DecideMax.IsZero() && approxDays(p.DecideMax) < decide {
		v.add(key+".decide_max", "%s is shorter than decide_within (%s)", p.DecideMax, p.DecideWithin)
	}
	return p
}

var defaultPorts = map[string]string{
	"imap": "143", "imaps": "993", "imap+insecure": "143",
	"smtp": "587", "smtps": "465", "smtp+insecure": "25",
}

// serverURL checks an imap or smtp URL and fills in the default port.
func (v *validator) serverURL(key, s, kind string) *url.URL {
	example := map[string]string{"imap": "imaps://imap.example.nl:993", "smtp": "smtps://smtp.example.nl:465"}[kind]
	if s == "" {
		v.add(key, "required, e.g. %s = %q", kind, example)
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		v.add(key, "%q is not a URL like %s", s, example)
		return nil
	}
	u.Scheme = strings.ToLower(u.Scheme)
	schemes := []string{kind, kind + "s", kind + "+insecure"}
	if _, ok := defaultPorts[u.Scheme]; !ok || !strings.HasPrefix(u.Scheme, kind) {
		v.add(key, "scheme %q: use %s", u.Scheme, strings.Join(schemes, ", "))
		return nil
	}
	if u.User != nil {
		if _, hasPassword := u.User.Password(); hasPassword {
			v.add(key, "plain passwords are not allowed in the config; use password_env or password_file")
		} else {
			v.add(key, "put the user name in the username key, not in the URL")
		}
		return nil
	}
	if u.Hostname() == "" {
		v.add(key, "%q has no host", s)
		return nil
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		v.add(key, "%q: only scheme, host and port are expected", s)
		return nil
	}
	if port := u.Port(); port == "" {
		u.Host = net.JoinHostPort(u.Hostname(), defaultPorts[u.Scheme])
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		v.add(key, "port %q is not a port number", port)
		return nil
	}
	u.Path = ""
	if strings.HasSuffix(u.Scheme, "+insecure") && !isLoopback(u.Hostname()) {
		v.add(key, "%s:// sends the password unencrypted and is only for loopback test servers; use %s:// or %ss://", u.Scheme, kind, kind)
		return nil
	}
	return u
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (v *validator) mailbox(key string, r *rawMailbox, cfg *Config) *Mailbox {
	m := &Mailbox{
		Organisation:     r.Organisation,
		Username:         r.Username,
		PasswordEnv:      r.PasswordEnv,
		Folder:           r.Folder,
		ProcessedFolder:  r.ProcessedFolder,
		QuarantineFolder: r.QuarantineFolder,
		PollInterval:     defaultPollInterval,
	}
	var org *Organisation
	if r.Organisation == "" {
		v.add(key+".organisation", "required: the id of an [[organisation]]")
	} else if org = cfg.Organisation(r.Organisation); org == nil {
		var ids []string
		for _, o := range cfg.Organisations {
			ids = append(ids, fmt.Sprintf("%q", o.ID))
		}
		v.add(key+".organisation", "%q is not the id of any [[organisation]] (known: %s)", r.Organisation, strings.Join(ids, ", "))
	}
	m.IMAP = v.serverURL(key+".imap", r.IMAP, "imap")
	m.SMTP = v.serverURL(key+".smtp", r.SMTP, "smtp")
	if r.Username == "" {
		v.add(key+".username", "required")
	}

	if r.Password != "" || v.pos.has(key+".password") {
		v.add(key+".password", "plain passwords are not allowed in the config; use password_env or password_file")
	}
	m.Auth = v.oneOf(key+".auth", r.Auth, AuthPassword, AuthPassword, AuthOAuth2)
	if m.Auth == AuthOAuth2 {
		v.noPassword(key, r)
		m.OAuth2 = v.oauth2(key, r)
	} else {
		v.notOAuth2(key, r)
		v.password(key, r, m)
	}

	if r.Address == "" {
		v.add(key+".address", "required: the address complainants write to")
	} else {
		m.Address = v.address(key+".address", r.Address)
		if org != nil && m.Address != "" && org.IsStaff(m.Address) {
			v.add(key+".address", "%s is also a staff address of %s; notifications to staff would come back in as complaints", m.Address, org.ID)
		}
	}

	if m.Folder == "" {
		m.Folder = "INBOX"
	}
	if m.ProcessedFolder == "" {
		m.ProcessedFolder = "Klachten"
	}
	if strings.EqualFold(m.Folder, m.ProcessedFolder) {
		v.add(key+".processed_folder", "must differ from folder (%s)", m.Folder)
	}
	if m.QuarantineFolder == "" {
		m.QuarantineFolder = "Quarantaine"
	}
	switch {
	case strings.EqualFold(m.QuarantineFolder, m.Folder):
		v.add(key+".quarantine_folder", "must differ from folder (%s): quarantined messages would be fetched again", m.Folder)
	case strings.EqualFold(m.QuarantineFolder, m.ProcessedFolder):
		v.add(key+".quarantine_folder", "must differ from processed_folder (%s)", m.ProcessedFolder)
	}

	if r.CAFile != "" {
		m.CAFile = v.path(r.CAFile)
		if _, err := os.Stat(m.CAFile); err != nil {
			v.add(key+".ca_file", "%s: %s", m.CAFile, errNotExist(err))
		}
	}
	if r.PollInterval != "" {
		d, err := time.ParseDuration(r.PollInterval)
		switch {
		case err != nil:
			v.add(key+".poll_interval", "%q is not a duration like \"30s\" or \"2m\"", r.PollInterval)
		case d < minPollInterval:
			v.add(key+".poll_interval", "%s is shorter than %s", d, minPollInterval)
		default:
			m.PollInterval = d
		}
	}
	return m
}

// password checks password_env and password_file of a mailbox with
// auth = "password".
func (v *validator) password(key string, r *rawMailbox, m *Mailbox) {
	switch {
	case r.PasswordEnv != "" && r.PasswordFile != "":
		v.add(key+".password_file", "set either password_env or password_file, not both")
	case r.PasswordEnv == "" && r.PasswordFile == "":
		v.add(key+".password_env", "required: password_env (an environment variable) or password_file")
	case r.PasswordEnv != "" && !envPattern.MatchString(r.PasswordEnv):
		v.add(key+".password_env", "%q is not an environment variable name; put the name of the variable here, not the password", r.PasswordEnv)
	case r.PasswordFile != "":
		m.PasswordFile = v.path(r.PasswordFile)
	}
}

// noPassword refuses password keys on a mailbox that logs in with OAuth2.
func (v *validator) noPassword(key string, r *rawMailbox) {
	if r.PasswordEnv != "" {
		v.add(key+".password_env", `not used with auth = "oauth2": the mailbox logs in with a token (klachtd login); remove this key`)
	}
	if r.PasswordFile != "" {
		v.add(key+".password_file", `not used with auth = "oauth2": the mailbox logs in with a token (klachtd login); remove this key`)
	}
}

// notOAuth2 refuses oauth2_* keys on a mailbox that logs in with a password:
// they would silently do nothing.
func (v *validator) notOAuth2(key string, r *rawMailbox) {
	set := []struct {
		name string
		set  bool
	}{
		{"oauth2_provider", r.OAuth2Provider != ""},
		{"oauth2_client_id", r.OAuth2ClientID != ""},
		{"oauth2_tenant", r.OAuth2Tenant != ""},
		{"oauth2_client_secret_env", r.OAuth2ClientSecretEnv != ""},
		{"oauth2_client_secret_file", r.OAuth2ClientSecretFile != ""},
		{"oauth2_device_url", r.OAuth2DeviceURL != ""},
		{"oauth2_token_url", r.OAuth2TokenURL != ""},
		{"oauth2_scopes", r.OAuth2Scopes != nil},
	}
	for _, k := range set {
		if k.set {
			v.add(key+"."+k.name, `only used with auth = "oauth2" (this mailbox logs in with a password)`)
		}
	}
}

// oauth2 checks the oauth2_* keys of a mailbox with auth = "oauth2".
func (v *validator) oauth2(key string, r *rawMailbox) *OAuth2 {
	o := &OAuth2{
		Provider: r.OAuth2Provider,
		ClientID: strings.TrimSpace(r.OAuth2ClientID),
		Tenant:   strings.TrimSpace(r.OAuth2Tenant),
		Scopes:   r.OAuth2Scopes,
	}
	switch r.OAuth2Provider {
	case "":
		v.add(key+".oauth2_provider", `required with auth = "oauth2": "microsoft", "google" or "custom"`)
	case ProviderMicrosoft, ProviderGoogle, ProviderCustom:
	default:
		v.add(key+".oauth2_provider", "%q is not one of microsoft, google, custom", r.OAuth2Provider)
	}
	if o.ClientID == "" {
		v.add(key+".oauth2_client_id", "required with auth = \"oauth2\": the application (client) ID of the app registration")
	}
	if o.Tenant != "" && o.Provider != ProviderMicrosoft {
		v.add(key+".oauth2_tenant", "only used with oauth2_provider = \"microsoft\"")
	}
	if o.Provider == ProviderMicrosoft {
		if o.Tenant == "" {
			o.Tenant = "organizations"
		} else if !tenantPattern.MatchString(o.Tenant) {
			v.add(key+".oauth2_tenant", "%q is not a directory (tenant) ID or domain like 0d3c…-… or example.nl", o.Tenant)
		}
	}

	switch {
	case r.OAuth2ClientSecretEnv != "" && r.OAuth2ClientSecretFile != "":
		v.add(key+".oauth2_client_secret_file", "set either oauth2_client_secret_env or oauth2_client_secret_file, not both")
	case r.OAuth2ClientSecretEnv != "" && !envPattern.MatchString(r.OAuth2ClientSecretEnv):
		v.add(key+".oauth2_client_secret_env", "%q is not an environment variable name; put the name of the variable here, not the secret", r.OAuth2ClientSecretEnv)
	case r.OAuth2ClientSecretEnv != "":
		o.ClientSecretEnv = r.OAuth2ClientSecretEnv
	case r.OAuth2ClientSecretFile != "":
		o.ClientSecretFile = v.path(r.OAuth2ClientSecretFile)
	case o.Provider == ProviderGoogle:
		// Google's clients of type "Desktop app" send their secret to the
		// token endpoint; without it Google answers invalid_client.
		v.add(key+".oauth2_client_secret_env", "required with oauth2_provider = \"google\": oauth2_client_secret_env or oauth2_client_secret_file (the client secret of the Desktop app client)")
	}

	if o.Provider == ProviderCustom {
		o.DeviceURL = v.endpoint(key+".oauth2_device_url", r.OAuth2DeviceURL, true)
		o.TokenURL = v.endpoint(key+".oauth2_token_url", r.OAuth2TokenURL, true)
		if len(r.OAuth2Scopes) == 0 {
			v.add(key+".oauth2_scopes", `required with oauth2_provider = "custom": the scopes for IMAP and SMTP, e.g. ["mail", "offline_access"]`)
		}
	} else {
		if r.OAuth2DeviceURL != "" {
			v.add(key+".oauth2_device_url", "only used with oauth2_provider = \"custom\"; %s has its own", orProvider(o.Provider))
		}
		if r.OAuth2TokenURL != "" {
			v.add(key+".oauth2_token_url", "only used with oauth2_provider = \"custom\"; %s has its own", orProvider(o.Provider))
		}
	}
	for i, s := range r.OAuth2Scopes {
		if s == "" || strings.ContainsAny(s, " \t\"\\") {
			v.add(fmt.Sprintf("%s.oauth2_scopes[%d]", key, i), "%q is not a scope: one scope per string, without spaces", s)
		}
	}
	return o
}

func orProvider(p string) string {
	if p == "" {
		return "the provider"
	}
	return p
}

// endpoint checks an OAuth2 endpoint URL: https, or http on loopback for
// test servers (the grant and the tokens travel over it).
func (v *validator) endpoint(key, s string, required bool) string {
	if s == "" {
		if required {
			v.add(key, "required, e.g. %q", "https://login.example.nl/oauth2/"+strings.TrimPrefix(key[strings.LastIndex(key, ".")+1:], "oauth2_"))
		}
		return ""
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		v.add(key, "%q is not an https:// URL", s)
		return ""
	case u.User != nil:
		v.add(key, "no user or secret in the URL; use oauth2_client_secret_env or oauth2_client_secret_file")
		return ""
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		v.add(key, "%q: http:// is only for loopback test servers; use https://", s)
		return ""
	}
	return u.String()
}
