package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/klachtd/klachtd/config"
	kdaemon "github.com/klachtd/klachtd/daemon"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/oauth/oauthtest"
)

// OAuth2 against the real stack: Dovecot checks bearer tokens by
// introspection at an authorization server that the test runs on the
// stack's MAILSTACK_OAUTH_ADDR (e2e/mailstack, "Logins"), and Postfix's
// SMTP AUTH goes through Dovecot.

const oauthClientID = "klachtd-e2e"

// startAuthServer runs the tests' authorization server where Dovecot
// expects it.
func startAuthServer(t *testing.T) *oauthtest.Server {
	t.Helper()
	if stack.OAuthAddr == "" {
		t.Fatal("e2e/mailstack env printed no MAILSTACK_OAUTH_ADDR (a stack from before OAuth2: run e2e/mailstack up)")
	}
	var srv *oauthtest.Server
	var err error
	for range 50 { // the previous test's server may still be closing
		if srv, err = oauthtest.Start(stack.OAuthAddr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// oauthConfig rewrites the test's config so that the intake mailbox logs
// in with OAuth2 at srv, with processed folder processed.
func (e *env) oauthConfig(srv *oauthtest.Server) {
	e.t.Helper()
	text := configText(e.dataDir, defaultMailbox())
	oauth := fmt.Sprintf(`auth = "oauth2"
oauth2_provider = "custom"
oauth2_client_id = %q
oauth2_device_url = %q
oauth2_token_url = %q
oauth2_scopes = ["mail", "offline_access"]
`, oauthClientID, srv.DeviceURL(), srv.TokenURL())
	if !strings.Contains(text, "password_env = \"KLACHTD_INFO_PASSWORD\"\n") {
		e.t.Fatal("configText has no password_env line to replace")
	}
	text = strings.Replace(text, "password_env = \"KLACHTD_INFO_PASSWORD\"\n", oauth, 1)
	if err := os.WriteFile(e.config, []byte(text), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

var userCodeLine = regexp.MustCompile(`enter the code\s+(\S+)`)

// oauthLogin runs `klachtd login -mailbox info@example.nl` and signs in as
// user on the authorization server's page, as the officer would in the
// browser: open the printed address, type the code, allow.
func (e *env) oauthLogin(t *testing.T, srv *oauthtest.Server, user string) string {
	t.Helper()
	d := e.start("login", "-mailbox", intake)
	deadline := time.Now().Add(20 * time.Second)
	var code string
	for code == "" {
		if m := userCodeLine.FindStringSubmatch(d.stdout.String()); m != nil {
			code = m[1]
			break
		}
		if !d.running() || time.Now().After(deadline) {
			t.Fatalf("klachtd login printed no code:\n%s\n%s", d.stdout.String(), d.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	out := d.stdout.String()
	if !strings.Contains(out, srv.VerifyURL()) {
		t.Errorf("klachtd login does not print the verification address %s:\n%s", srv.VerifyURL(), out)
	}
	page := httpGet(t, srv.VerifyURL()+"?user_code="+code)
	if !strings.Contains(page, `name="user_code"`) {
		t.Fatalf("verification page has no code field:\n%s", page)
	}
	if err := srv.Approve(code, user); err != nil {
		t.Fatal(err)
	}
	exited, err := d.wait(30 * time.Second)
	if !exited || err != nil {
		t.Fatalf("klachtd login did not finish after the approval (exited %v, err %v):\n%s\n%s", exited, err, d.stdout.String(), d.stderr.String())
	}
	if !strings.Contains(d.stdout.String(), "Signed in") {
		t.Errorf("klachtd login does not confirm:\n%s", d.stdout.String())
	}
	return d.stdout.String()
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// logMark remembers how long a log of the stack was, to read what came
// after.
type logMark struct {
	path string
	size int64
}

func markLog(t *testing.T, name string) logMark {
	t.Helper()
	dir := os.Getenv("MAILSTACK_DIR")
	if dir == "" {
		dir = "/tmp/mailstack"
	}
	path := filepath.Join(dir, "log", name)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("stack log: %v", err)
	}
	return logMark{path: path, size: fi.Size()}
}

func (m logMark) since(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(m.path)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) < m.size {
		return string(b)
	}
	return string(b[m.size:])
}

// replyTo matches a mail answering the message with that Message-ID.
func replyTo(id string) func([]byte) bool {
	return func(raw []byte) bool {
		for _, v := range headerLines(raw, "In-Reply-To") {
			if strings.Contains(v, id) {
				return true
			}
		}
		return false
	}
}

// kickIntake ends the daemon's IMAP session (doveadm kick), so that it
// logs in again.
func kickIntake(t *testing.T) {
	t.Helper()
	dir := os.Getenv("MAILSTACK_DIR")
	if dir == "" {
		dir = "/tmp/mailstack"
	}
	out, err := exec.Command("doveadm", "-c", filepath.Join(dir, "dovecot", "dovecot.conf"), "kick", intake).CombinedOutput()
	if err != nil {
		t.Fatalf("doveadm kick %s: %v\n%s", intake, err, out)
	}
}

// waitLog waits until the daemon's log matches re.
func (d *daemon) waitLog(t *testing.T, re *regexp.Regexp, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !re.MatchString(d.stderr.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("klachtd did not log %v within %v:\n%s", re, timeout, tail(d.stderr.String(), 4000))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestOAuthLoginAndRun(t *testing.T) {
	e := newEnv(t)
	srv := startAuthServer(t)
	e.oauthConfig(srv)

	e.oauthLogin(t, srv, intake)
	grant := filepath.Join(e.dataDir, "oauth2", intake+".json")
	fi, err := os.Stat(grant)
	if err != nil {
		t.Fatalf("no grant stored: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("grant file mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(grant)
	if !strings.Contains(string(b), `"refresh_token"`) {
		t.Errorf("grant file holds no refresh token:\n%s", b)
	}

	dovecot, postfix := markLog(t, "dovecot.log"), markLog(t, "postfix.log")
	d := e.start("run")
	id := sendComplaint(t, "Klacht over mijn coachtraject")
	waitMail(t, complainant, replyTo(id), 60*time.Second)
	if err := d.stop(30 * time.Second); err != nil {
		t.Errorf("klachtd run exited with %v", err)
	}
	if ds := e.listJSON(t); len(ds) != 1 || ds[0].AcknowledgedAt == "" {
		t.Errorf("register after the run: %+v", ds)
	}
	// The stack's own logs say how the daemon logged in.
	if log := dovecot.since(t); !regexp.MustCompile(`imap-login: Info: Login: user=<info@example\.nl>, method=XOAUTH2`).MatchString(log) {
		t.Errorf("dovecot logged no IMAP login of %s with XOAUTH2:\n%s", intake, tail(log, 3000))
	}
	if log := postfix.since(t); !regexp.MustCompile(`sasl_method=XOAUTH2, sasl_username=info@example\.nl`).MatchString(log) {
		t.Errorf("postfix logged no SMTP AUTH of %s with XOAUTH2:\n%s", intake, tail(log, 3000))
	}
}

// An access token that runs out during the run is replaced before it
// expires; one that the server stops accepting early is replaced after the
// refusal. No message is dropped either way.
func TestOAuthTokenExpiresMidRun(t *testing.T) {
	e := newEnv(t)
	srv := startAuthServer(t)
	srv.Lifetime = 8 * time.Second
	e.oauthConfig(srv)
	e.oauthLogin(t, srv, intake)
	d := e.start("run")

	first := sendComplaint(t, "Eerste klacht")
	waitMail(t, complainant, replyTo(first), 60*time.Second)

	// Past the token's lifetime: the next SMTP login needs a new one.
	time.Sleep(9 * time.Second)
	second := sendComplaint(t, "Tweede klacht")
	waitMail(t, complainant, replyTo(second), 60*time.Second)
	refreshed, _, _ := srv.Stats()
	if refreshed == 0 {
		t.Error("no refresh although the access token's lifetime ran out")
	}

	// The server stops accepting every token issued so far, and the IMAP
	// session ends: the login is refused once, refreshed, and works.
	srv.ExpireAccessTokens()
	kickIntake(t)
	d.waitLog(t, regexp.MustCompile(`imap server refused the access token; refreshing it once`), 30*time.Second)
	third := sendComplaint(t, "Derde klacht")
	waitMail(t, complainant, replyTo(third), 60*time.Second)
	if after, _, _ := srv.Stats(); after <= refreshed {
		t.Errorf("refreshes %d → %d: no refresh after the refusal", refreshed, after)
	}
	if err := d.stop(30 * time.Second); err != nil {
		t.Errorf("klachtd run exited with %v", err)
	}
	ds := e.listJSON(t)
	if len(ds) != 3 {
		t.Fatalf("%d dossiers, want 3 (no complaint dropped): %+v", len(ds), ds)
	}
	for _, dos := range ds {
		if dos.AcknowledgedAt == "" {
			t.Errorf("%s not acknowledged", dos.Number)
		}
	}
	if n := len(mailboxUIDs(t, intake, "INBOX")); n != 0 {
		t.Errorf("%d message(s) left in the INBOX", n)
	}
	if strings.Contains(d.stderr.String(), "ALERT") {
		t.Errorf("an alert although every login worked in the end:\n%s", tail(d.stderr.String(), 3000))
	}
}

// A grant revoked while the daemon runs: one alert, no crash, no letter
// to the post; the letter stays queued. check names the problem.
func TestOAuthRevokedGrant(t *testing.T) {
	e := newEnv(t)
	srv := startAuthServer(t)
	e.oauthConfig(srv)
	e.oauthLogin(t, srv, intake)
	d := e.start("run")
	first := sendComplaint(t, "Eerste klacht")
	waitMail(t, complainant, replyTo(first), 60*time.Second)

	srv.Revoke(intake)
	// The IMAP session stays logged in and files the second complaint; its
	// acknowledgement cannot be sent.
	second := sendComplaint(t, "Tweede klacht")
	d.waitLog(t, regexp.MustCompile(`ALERT: mailbox cannot log in`), 60*time.Second)
	// The IMAP session ends too: every new login fails the same way.
	kickIntake(t)
	d.waitLog(t, regexp.MustCompile(`imap session ended; reconnecting.*grant revoked`), 30*time.Second)
	time.Sleep(8 * time.Second) // a few reconnection attempts (1 s, 2 s, 4 s apart)
	if !d.running() {
		t.Fatalf("klachtd run exited after the revocation:\n%s", tail(d.stderr.String(), 4000))
	}
	log := d.stderr.String()
	if n := strings.Count(log, "ALERT"); n != 1 {
		t.Errorf("%d alerts, want exactly 1:\n%s", n, tail(log, 6000))
	}
	for _, want := range []string{"grant revoked or expired", "run klachtd login -mailbox info@example.nl"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say %q", want)
		}
	}
	if err := d.stop(30 * time.Second); err != nil {
		t.Errorf("klachtd run exited with %v", err)
	}

	if got := matching(t, complainant, replyTo(second), settle); len(got) != 0 {
		t.Errorf("the complainant got %d acknowledgement(s) of the second complaint although SMTP cannot log in", len(got))
	}
	// Nothing goes to the post: no PDF to the officer, nothing in print/.
	for _, raw := range fetchAll(t, officer, "INBOX") {
		if p := parseMail(t, raw); p.PDF != nil {
			t.Errorf("the officer got a letter to post: %s", subjects([][]byte{raw}))
		}
	}
	number := fmt.Sprintf("KL-%d-0002", time.Now().Year())
	if printed, _ := filepath.Glob(filepath.Join(e.dataDir, "print", number+"*")); len(printed) != 0 {
		t.Errorf("letters of %s in print/: %v", number, printed)
	}
	dd := e.showJSON(t, number)
	for _, l := range dd.Letters {
		if l.Kind == "acknowledgement" && (l.SentAt != "" || l.PostedAt != "") {
			t.Errorf("acknowledgement of %s: sent %q, posted %q; want neither", number, l.SentAt, l.PostedAt)
		}
	}
	for _, ev := range dd.Events {
		if strings.Contains(ev.Action, "post") || strings.Contains(ev.Action, "failed") {
			t.Errorf("event %+v: the letter must stay queued, not fail or go to the post", ev)
		}
	}

	r := e.run(nil, "check")
	if exitCode(r.err) != 1 {
		t.Errorf("check exited %d, want 1", exitCode(r.err))
	}
	for _, want := range []string{"imap imap+insecure://", "FAILED: OAuth2 grant revoked or expired for info@example.nl", "run klachtd login -mailbox info@example.nl"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check does not say %q:\n%s", want, r.stdout)
		}
	}

	// A new login cures it: check passes again.
	e.oauthLogin(t, srv, intake)
	if out, stderr, err := e.klachtd("check"); err != nil {
		t.Errorf("check after a new login: %v\n%s\n%s", err, out, stderr)
	}
}

// check says in words what is wrong with each login.
func TestCheckNamesLoginFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, e *env) []string // returns extra environment
		want  []string
	}{
		{
			name: "wrong password",
			setup: func(t *testing.T, e *env) []string {
				return []string{"KLACHTD_INFO_PASSWORD=wrong"}
			},
			want: []string{
				"imap imap+insecure://" + stack.IMAPAddr + ": FAILED: the imap server refuses the password of info@example.nl",
				"smtp smtp+insecure://" + stack.SMTPAddr + ": FAILED: the smtp server refuses the password of info@example.nl",
				"correct the password in $KLACHTD_INFO_PASSWORD",
			},
		},
		{
			name: "processed folder not creatable",
			setup: func(t *testing.T, e *env) []string {
				mb := defaultMailbox()
				mb.Processed = "Archief/Klachten"
				e.writeConfig("config.toml", mb)
				return nil
			},
			want: []string{"processed folder Archief/Klachten: FAILED: does not exist and cannot be created", "Name must not have '/' characters"},
		},
		{
			name: "no login yet",
			setup: func(t *testing.T, e *env) []string {
				e.oauthConfig(startAuthServer(t))
				return nil
			},
			want: []string{"FAILED: no grant stored at", "FAILED: OAuth2 login missing (no grant stored) for info@example.nl: run klachtd login -mailbox info@example.nl"},
		},
		{
			name: "consent withdrawn",
			setup: func(t *testing.T, e *env) []string {
				srv := startAuthServer(t)
				e.oauthConfig(srv)
				e.oauthLogin(t, srv, intake)
				srv.WithdrawConsent(intake)
				return nil
			},
			want: []string{"FAILED: OAuth2 consent missing for info@example.nl (invalid_grant: AADSTS65001"},
		},
		{
			name: "signed in as someone else",
			setup: func(t *testing.T, e *env) []string {
				srv := startAuthServer(t)
				e.oauthConfig(srv)
				e.oauthLogin(t, srv, complainant) // the token is klant's, not info's
				return nil
			},
			want: []string{"FAILED: the imap server refuses the OAuth2 token of info@example.nl", "FAILED: the smtp server refuses the OAuth2 token of info@example.nl"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			extra := tc.setup(t, e)
			r := e.run(extra, "check")
			t.Logf("klachtd check:\n%s", r.stdout)
			if exitCode(r.err) != 1 {
				t.Errorf("check exited %d, want 1\n%s", exitCode(r.err), r.stderr)
			}
			for _, want := range tc.want {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("check does not say %q:\n%s", want, r.stdout)
				}
			}
		})
	}
}

// check -plus proves that plus-addresses reach the intake mailbox; plain
// check sends nothing.
func TestCheckPlusAddressing(t *testing.T) {
	e := newEnv(t)
	srv := startAuthServer(t)
	e.oauthConfig(srv)
	e.oauthLogin(t, srv, intake)
	out := e.mustKlachtd("check")
	for _, want := range []string{
		"logged in as info@example.nl (oauth2)",
		"processed folder Klachten: created",
		"authenticated as info@example.nl with an OAuth2 token",
		"plus-addressing: not tested (klachtd check -plus",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check does not say %q:\n%s", want, out)
		}
	}
	if n := len(mailboxUIDs(t, intake, "INBOX")); n != 0 {
		t.Errorf("plain check left %d message(s) in the INBOX; it must send nothing", n)
	}
	out = e.mustKlachtd("check", "-plus")
	if !regexp.MustCompile(`plus-addressing ok: a probe to info\+klachtd-check-[0-9a-f]+@example\.nl arrived in INBOX after [0-9.]+s \(deleted again\)`).MatchString(out) {
		t.Errorf("check -plus:\n%s", out)
	}
	if !strings.Contains(out, "processed folder Klachten: exists") {
		t.Errorf("second check does not find the processed folder:\n%s", out)
	}
	if n := len(mailboxUIDs(t, intake, "INBOX")); n != 0 {
		t.Errorf("check -plus left %d message(s) in the INBOX", n)
	}
}

// OAUTHBEARER (RFC 7628) works against the same server: klachtd picks
// XOAUTH2 when offered, so this logs in with the mechanism forced.
func TestOAuthBearerMechanism(t *testing.T) {
	e := newEnv(t)
	srv := startAuthServer(t)
	e.oauthConfig(srv)
	e.oauthLogin(t, srv, intake)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dovecot, postfix := markLog(t, "dovecot.log"), markLog(t, "postfix.log")
	if err := loginWithMechanism(ctx, e, "OAUTHBEARER"); err != nil {
		t.Fatal(err)
	}
	if log := dovecot.since(t); !strings.Contains(log, "user=<info@example.nl>, method=OAUTHBEARER") {
		t.Errorf("dovecot logged no OAUTHBEARER login:\n%s", tail(log, 2000))
	}
	if log := postfix.since(t); !strings.Contains(log, "sasl_method=OAUTHBEARER, sasl_username=info@example.nl") {
		t.Errorf("postfix logged no OAUTHBEARER login:\n%s", tail(log, 2000))
	}
}

// loginWithMechanism logs in to IMAP and SMTP with the test's config and
// grant, through klachtd's own packages, with mech forced.
func loginWithMechanism(ctx context.Context, e *env, mech string) error {
	cfg, err := config.Load(e.config)
	if err != nil {
		return err
	}
	mb := cfg.Mailboxes[0]
	logins := kdaemon.NewLogins(cfg.DataDir, nil)
	icfg, err := logins.IMAPConfig(mb, 30*time.Second, nil)
	if err != nil {
		return err
	}
	icfg.Mechanism = mech
	c, err := mailbox.Dial(ctx, icfg)
	if err != nil {
		return fmt.Errorf("imap with %s: %w", mech, err)
	}
	c.Close()
	scfg, err := logins.SMTPConfig(mb)
	if err != nil {
		return err
	}
	scfg.Mechanism = mech
	// Postfix logs the SASL method with a message, so send one.
	raw := plainMail{From: intake, To: complainant, Subject: "login with " + mech, MessageID: newMessageID("mech"), Body: "test"}.bytes()
	if err := mailbox.Send(ctx, scfg, intake, []string{complainant}, raw); err != nil {
		return fmt.Errorf("smtp with %s: %w", mech, err)
	}
	return nil
}
