package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

// base is a minimal valid configuration. Error cases replace one of its
// lines, so the line numbers below are part of the expected output:
//
//	1 data_dir            8 default_handler     15 [[mailbox]]
//	3 [[organisation]]   10 [organisation.procedure]  16 organisation
//	4 id                 11 acknowledge_within  17 imap
//	5 name               12 decide_within       18 smtp
//	6 officer            13 delay_notice_before 19 username
//	7 staff                                     20 password_env
//	                                            21 address
const base = `data_dir = "var"

[[organisation]]
id = "acme"
name = "Acme Coaching"
officer = "officer@example.nl"
staff = ["piet@example.nl"]
default_handler = "piet@example.nl"

[organisation.procedure]
acknowledge_within = "5 werkdagen"
decide_within = "4 weken"
delay_notice_before = "3 werkdagen"

[[mailbox]]
organisation = "acme"
imap = "imaps://imap.example.nl"
smtp = "smtps://smtp.example.nl"
username = "info@example.nl"
password_env = "KLACHTD_INFO_PASSWORD"
address = "info@example.nl"
`

// edit returns base with the line that starts with prefix replaced.
func edit(t *testing.T, prefix, with string) string {
	t.Helper()
	lines := strings.Split(base, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			lines[i] = with
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("no line starts with %q", prefix)
	return ""
}

func TestBaseIsValid(t *testing.T) {
	if _, err := Parse("base.toml", []byte(base)); err != nil {
		t.Fatalf("base config: %v", err)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  func(t *testing.T) string
		want []string
	}{
		{
			name: "unknown key with suggestion",
			doc:  func(t *testing.T) string { return edit(t, "name =", `naam = "Acme Coaching"`) },
			want: []string{
				"bad.toml:3: organisation[0].name: required",
				"bad.toml:5: organisation[0].naam: unknown key (did you mean name?)",
			},
		},
		{
			name: "unknown key in a nested table",
			doc:  func(t *testing.T) string { return edit(t, "decide_within", `decide_withn = "4 weken"`) },
			want: []string{
				`bad.toml:10: organisation[0].procedure.decide_within: required, e.g. "5 werkdagen", "2 weeks", "1 maand"`,
				"bad.toml:12: organisation[0].procedure.decide_withn: unknown key (did you mean decide_within?)",
			},
		},
		{
			name: "inline table where a string belongs",
			doc: func(t *testing.T) string {
				return base + "\n[[mailbox]]\norganisation = \"acme\"\nimap = { host = \"h\" }\n"
			},
			want: []string{
				`bad.toml:25: mailbox[1].imap: is a TOML inline table, want a string in quotes`,
			},
		},
		{
			name: "unknown key in an inline array of tables",
			doc: func(t *testing.T) string {
				return edit(t, "default_handler", `default_handler = "piet@example.nl"`+"\nmember = [{adress = \"piet@example.nl\"}]")
			},
			want: []string{
				"bad.toml:9: organisation[0].member[0].adress: unknown key (did you mean address?)",
				"bad.toml:9: organisation[0].member[0].address: required",
			},
		},
		{
			name: "unknown table",
			doc:  func(t *testing.T) string { return base + "\n[imap]\nhost = \"x\"\n" },
			want: []string{"bad.toml:23: imap: unknown table"},
		},
		{
			name: "unknown key without a near match",
			doc:  func(t *testing.T) string { return edit(t, "data_dir", `data_dir = "var"`+"\ncolour = 1") },
			want: []string{"bad.toml:2: colour: unknown key"},
		},
		{
			name: "wrong type",
			doc:  func(t *testing.T) string { return edit(t, "staff", `staff = "piet@example.nl"`) },
			want: []string{`bad.toml:7: organisation[0].staff: is a TOML string, want a list of strings like ["a", "b"]`},
		},
		{
			name: "wrong type for a bool",
			doc:  func(t *testing.T) string { return edit(t, "decide_within", `hearing = "ja"`) },
			want: []string{"bad.toml:12: organisation[0].procedure.hearing: is a TOML string, want true or false"},
		},
		{
			name: "wrong type for a list of dates",
			doc: func(t *testing.T) string {
				return edit(t, "default_handler", `default_handler = "piet@example.nl"`+"\nclosed_days = \"2026-12-31\"")
			},
			want: []string{`bad.toml:9: organisation[0].closed_days: is a TOML string, want a list like ["2026-12-31"]`},
		},
		{
			name: "syntax error",
			doc:  func(t *testing.T) string { return edit(t, "name =", `name = "Acme Coaching`) },
			want: []string{"bad.toml:5: basic strings cannot have new lines (column 22)"},
		},
		{
			name: "plain password",
			doc:  func(t *testing.T) string { return edit(t, "password_env", `password = "secret"`) },
			want: []string{
				"bad.toml:15: mailbox[0].password_env: required: password_env (an environment variable) or password_file",
				"bad.toml:20: mailbox[0].password: plain passwords are not allowed in the config; use password_env or password_file",
			},
		},
		{
			name: "plain password next to password_env",
			doc: func(t *testing.T) string {
				return edit(t, "password_env", `password_env = "KLACHTD_INFO_PASSWORD"`+"\npassword = \"secret\"")
			},
			want: []string{"bad.toml:21: mailbox[0].password: plain passwords are not allowed in the config; use password_env or password_file"},
		},
		{
			name: "password in the URL",
			doc:  func(t *testing.T) string { return edit(t, "imap", `imap = "imaps://info:secret@imap.example.nl"`) },
			want: []string{"bad.toml:17: mailbox[0].imap: plain passwords are not allowed in the config; use password_env or password_file"},
		},
		{
			name: "password itself in password_env",
			doc:  func(t *testing.T) string { return edit(t, "password_env", `password_env = "s3cret!"`) },
			want: []string{`bad.toml:20: mailbox[0].password_env: "s3cret!" is not an environment variable name; put the name of the variable here, not the password`},
		},
		{
			name: "both password_env and password_file",
			doc: func(t *testing.T) string {
				return edit(t, "password_env", `password_env = "P"`+"\npassword_file = \"p.secret\"")
			},
			want: []string{"bad.toml:21: mailbox[0].password_file: set either password_env or password_file, not both"},
		},
		{
			name: "missing data_dir",
			doc:  func(t *testing.T) string { return edit(t, "data_dir", `log_level = "info"`) },
			want: []string{`bad.toml: data_dir: required, e.g. data_dir = "var"`},
		},
		{
			name: "bad log level and format",
			doc: func(t *testing.T) string {
				return edit(t, "data_dir", `data_dir = "var"`+"\nlog_level = \"loud\"\nlog_format = \"xml\"")
			},
			want: []string{
				`bad.toml:2: log_level: "loud" is not one of debug, info, warn, error`,
				`bad.toml:3: log_format: "xml" is not one of text, json`,
			},
		},
		{
			name: "no organisation",
			doc:  func(t *testing.T) string { return `data_dir = "var"` + "\n" },
			want: []string{"bad.toml: organisation: at least one [[organisation]] table is required"},
		},
		{
			name: "duplicate organisation id and number prefix",
			doc: func(t *testing.T) string {
				return base + `
[[organisation]]
id = "acme"
name = "Acme Two"
officer = "officer@example.nl"
staff = ["piet@example.nl"]
default_handler = "piet@example.nl"
[organisation.procedure]
acknowledge_within = "5 werkdagen"
decide_within = "4 weken"
delay_notice_before = "3 werkdagen"
`
			},
			want: []string{
				`bad.toml:23: organisation[1].number_prefix: "KL" is also the number prefix of organisation[0]; numbers and subject tags must be unique`,
				`bad.toml:24: organisation[1].id: "acme" is also the id of organisation[0]`,
			},
		},
		{
			name: "bad id and number prefix",
			doc:  func(t *testing.T) string { return edit(t, "id =", `id = "Acme Coaching"`+"\nnumber_prefix = \"kl-\"") },
			want: []string{
				`bad.toml:4: organisation[0].id: "Acme Coaching": use lowercase letters, digits, '-' and '_'`,
				`bad.toml:5: organisation[0].number_prefix: "kl-": use 1 to 8 capital letters A-Z`,
				`bad.toml:17: mailbox[0].organisation: "acme" is not the id of any [[organisation]] (known: "Acme Coaching")`,
			},
		},
		{
			name: "mailbox for an unknown organisation",
			doc:  func(t *testing.T) string { return edit(t, "organisation =", `organisation = "acne"`) },
			want: []string{`bad.toml:16: mailbox[0].organisation: "acne" is not the id of any [[organisation]] (known: "acme")`},
		},
		{
			name: "bad URL scheme",
			doc:  func(t *testing.T) string { return edit(t, "imap", `imap = "pop3://mail.example.nl"`) },
			want: []string{`bad.toml:17: mailbox[0].imap: scheme "pop3": use imap, imaps, imap+insecure`},
		},
		{
			name: "imap scheme for smtp",
			doc:  func(t *testing.T) string { return edit(t, "smtp", `smtp = "imaps://mail.example.nl"`) },
			want: []string{`bad.toml:18: mailbox[0].smtp: scheme "imaps": use smtp, smtps, smtp+insecure`},
		},
		{
			name: "not a URL",
			doc:  func(t *testing.T) string { return edit(t, "imap", `imap = "imap.example.nl:993"`) },
			want: []string{`bad.toml:17: mailbox[0].imap: "imap.example.nl:993" is not a URL like imaps://imap.example.nl:993`},
		},
		{
			name: "insecure to a remote host",
			doc:  func(t *testing.T) string { return edit(t, "smtp", `smtp = "smtp+insecure://smtp.example.nl:25"`) },
			want: []string{"bad.toml:18: mailbox[0].smtp: smtp+insecure:// sends the password unencrypted and is only for loopback test servers; use smtp:// or smtps://"},
		},
		{
			name: "bad port",
			doc:  func(t *testing.T) string { return edit(t, "imap", `imap = "imaps://imap.example.nl:99999"`) },
			want: []string{`bad.toml:17: mailbox[0].imap: port "99999" is not a port number`},
		},
		{
			name: "missing mailbox keys",
			doc: func(t *testing.T) string {
				doc := edit(t, "imap", "")
				return strings.Replace(doc, `username = "info@example.nl"`, "", 1)
			},
			want: []string{
				`bad.toml:15: mailbox[0].imap: required, e.g. imap = "imaps://imap.example.nl:993"`,
				"bad.toml:15: mailbox[0].username: required",
			},
		},
		{
			name: "not an address",
			doc:  func(t *testing.T) string { return edit(t, "officer", `officer = "officer(at)example.nl"`) },
			want: []string{`bad.toml:6: organisation[0].officer: "officer(at)example.nl" is not a plain email address like piet@example.nl`},
		},
		{
			name: "bad staff entry in a multi-line list",
			doc: func(t *testing.T) string {
				return edit(t, "staff", "staff = [\n  \"piet@example.nl\",\n  \"anna at example.nl\",\n  \"PIET@example.nl\",\n]")
			},
			want: []string{
				`bad.toml:9: organisation[0].staff[1]: "anna at example.nl" is not an address like piet@example.nl or "Piet Jansen <piet@example.nl>"`,
				"bad.toml:10: organisation[0].staff[2]: piet@example.nl is already listed as organisation[0].staff[0]",
			},
		},
		{
			name: "default handler not in staff",
			doc:  func(t *testing.T) string { return edit(t, "default_handler", `default_handler = "anna@example.nl"`) },
			want: []string{"bad.toml:8: organisation[0].default_handler: anna@example.nl is not in staff"},
		},
		{
			name: "officer equals alternate officer",
			doc: func(t *testing.T) string {
				return edit(t, "officer", `officer = "officer@example.nl"`+"\nalternate_officer = \"Officer@example.nl\"")
			},
			want: []string{"bad.toml:7: organisation[0].alternate_officer: must differ from officer: complaints about the officer go to the alternate (PROCEDURE.md step 4)"},
		},
		{
			name: "unknown language and post",
			doc: func(t *testing.T) string {
				return edit(t, "name =", `name = "Acme"`+"\nlanguage = \"fr\"\npost = \"fax\"")
			},
			want: []string{
				`bad.toml:6: organisation[0].language: "fr" is not one of nl, en`,
				`bad.toml:7: organisation[0].post: "fax" is not one of none, decision, all`,
			},
		},
		{
			name: "bad term",
			doc:  func(t *testing.T) string { return edit(t, "decide_within", `decide_within = "4 fortnights"`) },
			want: []string{`bad.toml:12: organisation[0].procedure.decide_within: invalid term "4 fortnights": unknown unit "fortnights"; accepted: werkdagen/working days, dagen/days, weken/weeks, maanden/months, jaar/years`},
		},
		{
			name: "zero required term",
			doc:  func(t *testing.T) string { return edit(t, "acknowledge_within", `acknowledge_within = "0 werkdagen"`) },
			want: []string{`bad.toml:11: organisation[0].procedure.acknowledge_within: "0 werkdagen": must be more than zero`},
		},
		{
			name: "terms the wrong way round",
			doc: func(t *testing.T) string {
				return edit(t, "delay_notice_before", `delay_notice_before = "5 weken"`+"\ndecide_max = \"2 weken\"\ndecide_within_simple = \"2 maanden\"")
			},
			want: []string{
				"bad.toml:13: organisation[0].procedure.delay_notice_before: 5 weeks is not shorter than decide_within (4 weeks)",
				"bad.toml:14: organisation[0].procedure.decide_max: 2 weeks is shorter than decide_within (4 weeks)",
				"bad.toml:15: organisation[0].procedure.decide_within_simple: 2 months is longer than decide_within (4 weeks)",
			},
		},
		{
			name: "missing procedure table",
			doc: func(t *testing.T) string {
				doc := base
				for _, l := range []string{"[organisation.procedure]", `acknowledge_within = "5 werkdagen"`, `decide_within = "4 weken"`, `delay_notice_before = "3 werkdagen"`} {
					doc = strings.Replace(doc, l, "", 1)
				}
				return doc
			},
			want: []string{
				`bad.toml:3: organisation[0].procedure.acknowledge_within: required, e.g. "5 werkdagen", "2 weeks", "1 maand"`,
				`bad.toml:3: organisation[0].procedure.decide_within: required, e.g. "5 werkdagen", "2 weeks", "1 maand"`,
				`bad.toml:3: organisation[0].procedure.delay_notice_before: required, e.g. "5 werkdagen", "2 weeks", "1 maand"`,
			},
		},
		{
			name: "bad closed days",
			doc: func(t *testing.T) string {
				return edit(t, "default_handler", `default_handler = "piet@example.nl"`+"\nclosed_days = [\"2026-13-01\", 2026-12-31, 20261231]")
			},
			want: []string{
				`bad.toml:9: organisation[0].closed_days[0]: "2026-13-01" is not a date like "2026-12-31"`,
				`bad.toml:9: organisation[0].closed_days[2]: 20261231 is not a date like "2026-12-31"`,
			},
		},
		{
			name: "missing logo and templates_dir",
			doc: func(t *testing.T) string {
				doc := edit(t, "default_handler", `default_handler = "piet@example.nl"`+"\nlogo = \"nope.png\"")
				return strings.Replace(doc, `data_dir = "var"`, `data_dir = "var"`+"\ntemplates_dir = \"nope\"", 1)
			},
			want: []string{
				"bad.toml:2: templates_dir: " + abs(t, "nope") + ": does not exist",
				"bad.toml:10: organisation[0].logo: " + abs(t, "nope.png") + ": does not exist",
			},
		},
		{
			name: "intake address is a staff address",
			doc:  func(t *testing.T) string { return edit(t, "address", `address = "Piet@example.nl"`) },
			want: []string{"bad.toml:21: mailbox[0].address: piet@example.nl is also a staff address of acme; notifications to staff would come back in as complaints"},
		},
		{
			name: "duplicate mailbox address",
			doc: func(t *testing.T) string {
				return base + "\n[[mailbox]]\norganisation = \"acme\"\nimap = \"imaps://h\"\nsmtp = \"smtps://h\"\nusername = \"u\"\npassword_env = \"P\"\naddress = \"INFO@example.nl\"\n"
			},
			want: []string{"bad.toml:29: mailbox[1].address: info@example.nl is also the address of mailbox[0]"},
		},
		{
			name: "folders and poll interval",
			doc: func(t *testing.T) string {
				return edit(t, "address", `address = "info@example.nl"`+"\nprocessed_folder = \"inbox\"\npoll_interval = \"soon\"")
			},
			want: []string{
				"bad.toml:22: mailbox[0].processed_folder: must differ from folder (INBOX)",
				`bad.toml:23: mailbox[0].poll_interval: "soon" is not a duration like "30s" or "2m"`,
			},
		},
		{
			name: "quarantine folder is the intake folder",
			doc: func(t *testing.T) string {
				return edit(t, "address", `address = "info@example.nl"`+"\nquarantine_folder = \"Inbox\"")
			},
			want: []string{"bad.toml:22: mailbox[0].quarantine_folder: must differ from folder (INBOX): quarantined messages would be fetched again"},
		},
		{
			name: "quarantine folder is the processed folder",
			doc: func(t *testing.T) string {
				return edit(t, "address", `address = "info@example.nl"`+"\nquarantine_folder = \"klachten\"")
			},
			want: []string{"bad.toml:22: mailbox[0].quarantine_folder: must differ from processed_folder (Klachten)"},
		},
		{
			name: "member without address",
			doc: func(t *testing.T) string {
				return edit(t, "default_handler", `default_handler = "piet@example.nl"`+"\n[[organisation.member]]\nname = \"Piet\"")
			},
			want: []string{"bad.toml:9: organisation[0].member[0].address: required"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.toml", []byte(tc.doc(t)))
			if err == nil {
				t.Fatal("no error")
			}
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("error %T %v is not a *config.Error", err, err)
			}
			want := strings.Join(tc.want, "\n")
			if err.Error() != want {
				t.Errorf("error:\n%s\nwant:\n%s", err, want)
			}
		})
	}
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestParseFull(t *testing.T) {
	cfg, err := Load("testdata/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	dir := abs(t, "testdata")
	if cfg.File != filepath.Join(dir, "full.toml") || cfg.DataDir != filepath.Join(dir, "state") ||
		cfg.TemplatesDir != filepath.Join(dir, "templates") || cfg.LogLevel != "debug" || cfg.LogFormat != "json" {
		t.Errorf("top level = %+v", cfg)
	}
	if len(cfg.Organisations) != 2 || len(cfg.Mailboxes) != 2 {
		t.Fatalf("%d organisations, %d mailboxes", len(cfg.Organisations), len(cfg.Mailboxes))
	}
	if cfg.Organisation("nope") != nil {
		t.Error(`Organisation("nope") != nil`)
	}

	o := cfg.Organisation("acme")
	if o == nil {
		t.Fatal(`Organisation("acme") = nil`)
	}
	if o.Officer != "officer@example.nl" || o.AlternateOfficer != "anna@example.nl" || o.DefaultHandler != "piet@example.nl" ||
		o.Language != "en" || o.NumberPrefix != "ACME" || o.Post != "all" || o.Signature != "Complaints officer" ||
		o.LogoFile != filepath.Join(dir, "logo.png") || len(o.PostalAddress) != 2 {
		t.Errorf("organisation = %+v", o)
	}
	wantStaff := []Person{
		{Name: "Piet Jansen", Address: "piet@example.nl", Function: "coach"},
		{Address: "anna@example.nl"},
		{Address: "kees@example.nl"},
		{Name: "Sara Bakker", Address: "sara@example.nl", Function: "trainer"},
	}
	if len(o.Staff) != len(wantStaff) {
		t.Fatalf("staff = %+v", o.Staff)
	}
	for i := range wantStaff {
		if o.Staff[i] != wantStaff[i] {
			t.Errorf("staff[%d] = %+v, want %+v", i, o.Staff[i], wantStaff[i])
		}
	}
	wantProc := Procedure{
		AcknowledgeWithin:   procedure.Term{N: 5, Unit: procedure.WorkingDays},
		DecideWithin:        procedure.Term{N: 4, Unit: procedure.Weeks},
		DelayNoticeBefore:   procedure.Term{N: 3, Unit: procedure.WorkingDays},
		Extension:           procedure.Term{N: 2, Unit: procedure.Weeks},
		AppealWithin:        procedure.Term{N: 2, Unit: procedure.Weeks},
		RetainAfterClose:    procedure.Term{N: 1, Unit: procedure.Years},
		DestroyAfterReceipt: procedure.Term{N: 7, Unit: procedure.Years},
		DecideWithinSimple:  procedure.Term{N: 1, Unit: procedure.WorkingDays},
		DecideMax:           procedure.Term{N: 6, Unit: procedure.Weeks},
		RejectWithin:        procedure.Term{N: 4, Unit: procedure.Weeks},
		ReportWithin:        procedure.Term{N: 2, Unit: procedure.Weeks},
		Hearing:             true,
		DecisionToConcerned: true,
	}
	if o.Procedure != wantProc {
		t.Errorf("procedure = %+v\nwant %+v", o.Procedure, wantProc)
	}

	// closed_days as a string and as a TOML date; the calendar knows them.
	if len(o.ClosedDays) != 2 || !o.ClosedDays[1].Equal(time.Date(2027, 5, 7, 0, 0, 0, 0, procedure.Amsterdam)) {
		t.Errorf("closed days = %v", o.ClosedDays)
	}
	if o.Calendar == nil || o.Calendar.IsWorkday(time.Date(2026, 12, 31, 10, 0, 0, 0, procedure.Amsterdam)) {
		t.Error("calendar does not know closed day 2026-12-31")
	}

	beta := cfg.Organisation("beta")
	if beta.Language != "nl" || beta.NumberPrefix != "KL" || beta.Post != "decision" || !beta.Procedure.Extension.IsZero() {
		t.Errorf("defaults = %+v", beta)
	}

	m := cfg.Mailboxes[0]
	if m.IMAP.String() != "imaps://imap.example.nl:993" || m.SMTP.String() != "smtp://smtp.example.nl:587" ||
		m.Address != "info@example.nl" || m.Folder != "Inbox" || m.ProcessedFolder != "Archief/Klachten" || m.QuarantineFolder != "Archief/Quarantaine" ||
		m.PasswordFile != filepath.Join(dir, "info.secret") || m.CAFile != filepath.Join(dir, "ca.pem") ||
		m.PollInterval != 30*time.Second || m.Organisation != "acme" || m.Username != "info@example.nl" {
		t.Errorf("mailbox[0] = %+v", m)
	}
	m = cfg.Mailboxes[1]
	if m.IMAP.String() != "imap+insecure://127.0.0.1:10143" || m.SMTP.String() != "smtp+insecure://localhost:10025" ||
		m.Folder != "INBOX" || m.ProcessedFolder != "Klachten" || m.QuarantineFolder != "Quarantaine" || m.PollInterval != 60*time.Second || m.PasswordEnv != "BETA_PASSWORD" {
		t.Errorf("mailbox[1] = %+v", m)
	}
}

func TestPeople(t *testing.T) {
	cfg, err := Load("testdata/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	o := cfg.Organisation("acme")
	staff := []struct {
		addr string
		want bool
	}{
		{"piet@example.nl", true},
		{"PIET@Example.NL", true},
		{"Piet Jansen <piet@example.nl>", true},
		{"sara@example.nl", true},    // added by a member table
		{"officer@example.nl", true}, // the officer
		{"anna@example.nl", true},    // staff and alternate officer
		{"klant@example.com", false}, // a complainant
		{"", false},
	}
	for _, tc := range staff {
		t.Run("IsStaff "+tc.addr, func(t *testing.T) {
			if got := o.IsStaff(tc.addr); got != tc.want {
				t.Errorf("IsStaff(%q) = %v, want %v", tc.addr, got, tc.want)
			}
		})
	}
	people := []struct {
		addr string
		want Person
	}{
		{"Piet@example.nl", Person{Name: "Piet Jansen", Address: "piet@example.nl", Function: "coach"}},
		{"officer@example.nl", Person{Name: "Olga Verbeek", Address: "officer@example.nl", Function: "klachtenfunctionaris"}},
		{"klant@example.com", Person{Address: "klant@example.com"}},
	}
	for _, tc := range people {
		t.Run("Person "+tc.addr, func(t *testing.T) {
			if got := o.Person(tc.addr); got != tc.want {
				t.Errorf("Person(%q) = %+v, want %+v", tc.addr, got, tc.want)
			}
		})
	}
	// The officer, described by a member table, is not added to staff.
	for _, p := range o.Staff {
		if p.Address == "officer@example.nl" {
			t.Error("officer was added to Staff")
		}
	}
}

func TestPassword(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("KLACHTD_TEST_PW", "  secret \n")
	t.Setenv("KLACHTD_TEST_EMPTY", "")
	tests := []struct {
		name    string
		m       Mailbox
		want    string
		wantErr string
	}{
		{"env", Mailbox{PasswordEnv: "KLACHTD_TEST_PW"}, "secret", ""},
		{"env unset", Mailbox{Address: "info@example.nl", PasswordEnv: "KLACHTD_TEST_UNSET"}, "", "mailbox info@example.nl: password_env: environment variable KLACHTD_TEST_UNSET is not set"},
		{"env empty", Mailbox{Address: "info@example.nl", PasswordEnv: "KLACHTD_TEST_EMPTY"}, "", "mailbox info@example.nl: password_env: environment variable KLACHTD_TEST_EMPTY is empty"},
		{"file", Mailbox{PasswordFile: write("pw", "geheim\n")}, "geheim", ""},
		{"file empty", Mailbox{Address: "info@example.nl", PasswordFile: write("empty", "\n")}, "", "password_file: " + filepath.Join(dir, "empty") + " is empty"},
		{"file missing", Mailbox{Address: "info@example.nl", PasswordFile: filepath.Join(dir, "nope")}, "", "mailbox info@example.nl: password_file: open " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"neither", Mailbox{Address: "info@example.nl"}, "", "neither password_env nor password_file is set"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.m.Password()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Password() error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Password() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestRootCAs(t *testing.T) {
	tests := []struct {
		name    string
		caFile  string
		wantErr string
	}{
		{"system only", "", ""},
		{"with test CA", "testdata/ca.pem", ""},
		{"not PEM", "testdata/logo.png", "no PEM certificates in testdata/logo.png"},
		{"missing", "testdata/nope.pem", "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &Mailbox{Address: "info@example.nl", CAFile: tc.caFile}
			pool, err := m.RootCAs()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("RootCAs() error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || pool == nil {
				t.Fatalf("RootCAs() = %v, %v", pool, err)
			}
		})
	}
}

// TestSamples parses the sample config.toml and every example.
func TestSamples(t *testing.T) {
	files, err := filepath.Glob("../examples/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 5 {
		t.Fatalf("found %d examples, want the five procedure profiles", len(files))
	}
	for _, f := range append([]string{"../config.toml"}, files...) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cfg, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Organisations) == 0 || len(cfg.Mailboxes) == 0 {
				t.Errorf("%s: %d organisations, %d mailboxes", f, len(cfg.Organisations), len(cfg.Mailboxes))
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/nope.toml")
	if err == nil || !strings.Contains(err.Error(), "testdata/nope.toml") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestWeb(t *testing.T) {
	t.Run("off by default", func(t *testing.T) {
		cfg, err := Parse("base.toml", []byte(base))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Web.Listen != "" || cfg.Web.BaseURL != "" || cfg.Web.TrustedProxies != nil {
			t.Errorf("Web = %+v, want zero", cfg.Web)
		}
	})
	t.Run("valid", func(t *testing.T) {
		doc := base + "\n[web]\nlisten = \"127.0.0.1:8080\"\nbase_url = \"https://klachten.example.nl/desk/\"\ntrusted_proxies = [\"127.0.0.1\", \"10.1.2.3/8\", \"::1\"]\n"
		cfg, err := Parse("base.toml", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		w := cfg.Web
		if w.Listen != "127.0.0.1:8080" || w.BaseURL != "https://klachten.example.nl/desk" {
			t.Errorf("Web = %+v", w)
		}
		var got []string
		for _, p := range w.TrustedProxies {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != "127.0.0.1/32 10.0.0.0/8 ::1/128" {
			t.Errorf("trusted_proxies = %v", got)
		}
	})
	tests := []struct {
		name, table string
		want        []string
	}{
		{"listen without port", `listen = "127.0.0.1"`,
			[]string{`bad.toml:24: web.listen: "127.0.0.1" is not host:port, e.g. listen = "127.0.0.1:8080"`}},
		{"listen on a host name", `listen = "desk.example.nl:80"`,
			[]string{`bad.toml:24: web.listen: "desk.example.nl": give an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost, not a host name`}},
		{"bad port", `listen = "127.0.0.1:http"`,
			[]string{`bad.toml:24: web.listen: port "http" is not a port number`}},
		{"public listen without base_url", `listen = "0.0.0.0:8080"`,
			[]string{`bad.toml:23: web.base_url: required when listen is not a loopback address: the address people reach the desk at, e.g. "https://klachten.example.nl"`}},
		{"base_url not a URL", "listen = \"127.0.0.1:8080\"\nbase_url = \"klachten.example.nl\"",
			[]string{`bad.toml:25: web.base_url: "klachten.example.nl" is not a URL like "https://klachten.example.nl"`}},
		{"plain http to the world", "listen = \"127.0.0.1:8080\"\nbase_url = \"http://klachten.example.nl\"",
			[]string{`bad.toml:25: web.base_url: "http://klachten.example.nl": use https:// (a reverse proxy in front of klachtd does TLS); plain http is only for loopback`}},
		{"base_url with a query", "listen = \"127.0.0.1:8080\"\nbase_url = \"https://k.example.nl/?a=b\"",
			[]string{`bad.toml:25: web.base_url: "https://k.example.nl/?a=b": only scheme, host, port and path are expected`}},
		{"bad proxy", "listen = \"127.0.0.1:8080\"\ntrusted_proxies = [\"proxy.local\"]",
			[]string{`bad.toml:25: web.trusted_proxies[0]: "proxy.local" is not an IP address or a prefix like 10.0.0.0/8`}},
		{"unknown key", "listen = \"127.0.0.1:8080\"\nport = 8080",
			[]string{`bad.toml:25: web.port: unknown key`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.toml", []byte(base+"\n[web]\n"+tc.table+"\n"))
			if err == nil {
				t.Fatal("no error")
			}
			if got, want := err.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("error:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// oauthMailbox replaces line 20 of base (password_env) with the given
// oauth2 lines; the first of them is on line 20.
func oauthMailbox(t *testing.T, lines ...string) string {
	t.Helper()
	return edit(t, "password_env", strings.Join(lines, "\n"))
}

func TestOAuth2Valid(t *testing.T) {
	t.Setenv("GOOGLE_SECRET", " s3cret \n")
	tests := []struct {
		name  string
		lines []string
		check func(t *testing.T, o *OAuth2)
	}{
		{
			name:  "microsoft with default tenant",
			lines: []string{`auth = "oauth2"`, `oauth2_provider = "microsoft"`, `oauth2_client_id = "0d3c4e5f-1111-2222-3333-444455556666"`},
			check: func(t *testing.T, o *OAuth2) {
				if o.Tenant != "organizations" || o.ClientID != "0d3c4e5f-1111-2222-3333-444455556666" {
					t.Errorf("got %+v", o)
				}
				if s, err := o.ClientSecret(); s != "" || err != nil {
					t.Errorf("ClientSecret() = %q, %v; want none (public client)", s, err)
				}
			},
		},
		{
			name:  "microsoft with tenant domain",
			lines: []string{`auth = "oauth2"`, `oauth2_provider = "microsoft"`, `oauth2_client_id = "abc"`, `oauth2_tenant = "example.nl"`},
			check: func(t *testing.T, o *OAuth2) {
				if o.Tenant != "example.nl" {
					t.Errorf("tenant %q", o.Tenant)
				}
			},
		},
		{
			name:  "google with secret env",
			lines: []string{`auth = "oauth2"`, `oauth2_provider = "google"`, `oauth2_client_id = "123.apps.googleusercontent.com"`, `oauth2_client_secret_env = "GOOGLE_SECRET"`},
			check: func(t *testing.T, o *OAuth2) {
				if s, err := o.ClientSecret(); s != "s3cret" || err != nil {
					t.Errorf("ClientSecret() = %q, %v", s, err)
				}
			},
		},
		{
			name: "custom on loopback",
			lines: []string{`auth = "oauth2"`, `oauth2_provider = "custom"`, `oauth2_client_id = "klachtd"`,
				`oauth2_device_url = "http://127.0.0.1:9999/device"`, `oauth2_token_url = "https://login.example.nl/token"`,
				`oauth2_scopes = ["mail", "offline_access"]`},
			check: func(t *testing.T, o *OAuth2) {
				if o.DeviceURL != "http://127.0.0.1:9999/device" || o.TokenURL != "https://login.example.nl/token" || strings.Join(o.Scopes, " ") != "mail offline_access" {
					t.Errorf("got %+v", o)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("ok.toml", []byte(oauthMailbox(t, tc.lines...)))
			if err != nil {
				t.Fatal(err)
			}
			mb := cfg.Mailboxes[0]
			if mb.Auth != AuthOAuth2 || mb.OAuth2 == nil {
				t.Fatalf("auth %q, oauth2 %v", mb.Auth, mb.OAuth2)
			}
			tc.check(t, mb.OAuth2)
		})
	}
	cfg, err := Parse("ok.toml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if mb := cfg.Mailboxes[0]; mb.Auth != AuthPassword || mb.OAuth2 != nil {
		t.Errorf("default auth %q, oauth2 %v; want password, nil", mb.Auth, mb.OAuth2)
	}
}

func TestOAuth2Errors(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{
			name: "unknown auth",
			doc:  edit(t, "password_env", `password_env = "X"`+"\n"+`auth = "kerberos"`),
			want: []string{`bad.toml:21: mailbox[0].auth: "kerberos" is not one of password, oauth2`},
		},
		{
			name: "oauth2 without provider and client id",
			doc:  oauthMailbox(t, `auth = "oauth2"`),
			want: []string{
				`bad.toml:15: mailbox[0].oauth2_provider: required with auth = "oauth2": "microsoft", "google" or "custom"`,
				`bad.toml:15: mailbox[0].oauth2_client_id: required with auth = "oauth2": the application (client) ID of the app registration`,
			},
		},
		{
			name: "unknown provider",
			doc:  oauthMailbox(t, `auth = "oauth2"`, `oauth2_provider = "yahoo"`, `oauth2_client_id = "x"`),
			want: []string{`bad.toml:21: mailbox[0].oauth2_provider: "yahoo" is not one of microsoft, google, custom`},
		},
		{
			name: "password with oauth2",
			doc:  edit(t, "password_env", `password_env = "X"`+"\n"+`auth = "oauth2"`+"\n"+`oauth2_provider = "microsoft"`+"\n"+`oauth2_client_id = "x"`),
			want: []string{`bad.toml:20: mailbox[0].password_env: not used with auth = "oauth2": the mailbox logs in with a token (klachtd login); remove this key`},
		},
		{
			name: "oauth2 keys with password auth",
			doc:  edit(t, "password_env", `password_env = "X"`+"\n"+`oauth2_client_id = "x"`),
			want: []string{`bad.toml:21: mailbox[0].oauth2_client_id: only used with auth = "oauth2" (this mailbox logs in with a password)`},
		},
		{
			name: "google without secret",
			doc:  oauthMailbox(t, `auth = "oauth2"`, `oauth2_provider = "google"`, `oauth2_client_id = "x"`),
			want: []string{`bad.toml:15: mailbox[0].oauth2_client_secret_env: required with oauth2_provider = "google": oauth2_client_secret_env or oauth2_client_secret_file (the client secret of the Desktop app client)`},
		},
		{
			name: "tenant on google",
			doc:  oauthMailbox(t, `auth = "oauth2"`, `oauth2_provider = "google"`, `oauth2_client_id = "x"`, `oauth2_client_secret_file = "s"`, `oauth2_tenant = "example.nl"`),
			want: []string{`bad.toml:24: mailbox[0].oauth2_tenant: only used with oauth2_provider = "microsoft"`},
		},
		{
			name: "bad tenant",
			doc:  oauthMailbox(t, `auth = "oauth2"`, `oauth2_provider = "microsoft"`, `oauth2_client_id = "x"`, `oauth2_tenant = "https://login.microsoftonline.com/x"`),
			want: []string{`bad.toml:23: mailbox[0].oauth2_tenant: "https://login.microsoftonline.com/x" is not a directory (tenant) ID or domain like 0d3c…-… or example.nl`},
		},
		{
			name: "secret in the env key",
			doc:  oauthMailbox(t, `auth = "oauth2"`, `oauth2_provider = "microsoft"`, `oauth2_client_id = "x"`, `oauth2_client_secret_env = "Abc~123.xyz"`),
			want: []string{`bad.toml:23: mailbox[0].oauth2_client_secret_env: "Abc~123.xyz" is not an environment variable name; put the name of the variable here, not the secret`},
		},
		{
			name: "custom without endpoints and scopes",
			doc:  oauthMailbox(t, `auth = "oauth2"`, `oauth2_provider = "custom"`, `oauth2_client_id = "x"`),
			want: []string{
				`bad.toml:15: mailbox[0].oauth2_device_url: required, e.g. "https://login.example.nl/oauth2/device_url"`,
				`bad.toml:15: mailbox[0].oauth2_token_url: required, e.g. "https://login.example.nl/oauth2/token_url"`,
				`bad.toml:15: mailbox[0].oauth2_scopes: required with oauth2_provider = "custom": the scopes for IMAP and SMTP, e.g. ["mail", "offline_access"]`,
			},
		},
		{
			name: "custom over plain http",
			doc: oauthMailbox(t, `auth = "oauth2"`, `oauth2_provider = "custom"`, `oauth2_client_id = "x"`,
				`oauth2_device_url = "http://login.example.nl/device"`, `oauth2_token_url = "ftp://login.example.nl/token"`, `oauth2_scopes = ["a b"]`),
			want: []string{
				`bad.toml:23: mailbox[0].oauth2_device_url: "http://login.example.nl/device": http:// is only for loopback test servers; use https://`,
				`bad.toml:24: mailbox[0].oauth2_token_url: "ftp://login.example.nl/token" is not an https:// URL`,
				`bad.toml:25: mailbox[0].oauth2_scopes[0]: "a b" is not a scope: one scope per string, without spaces`,
			},
		},
		{
			name: "token url for microsoft",
			doc:  oauthMailbox(t, `auth = "oauth2"`, `oauth2_provider = "microsoft"`, `oauth2_client_id = "x"`, `oauth2_token_url = "https://x.example/token"`),
			want: []string{`bad.toml:23: mailbox[0].oauth2_token_url: only used with oauth2_provider = "custom"; microsoft has its own`},
		},
		{
			name: "misspelt key",
			doc:  oauthMailbox(t, `auth = "oauth2"`, `oauth2_provider = "microsoft"`, `oauth2_clientid = "x"`),
			want: []string{
				`bad.toml:15: mailbox[0].oauth2_client_id: required with auth = "oauth2": the application (client) ID of the app registration`,
				`bad.toml:22: mailbox[0].oauth2_clientid: unknown key (did you mean oauth2_client_id?)`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.toml", []byte(tc.doc))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("Parse: %v, want *Error", err)
			}
			var got []string
			for _, p := range ce.Problems {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
