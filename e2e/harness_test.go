// Package e2e runs the klachtd binary against a real Dovecot + Postfix stack
// on loopback (e2e/mailstack) and checks what complainants, staff and the
// register see. The tests share the stack's mailboxes and never run in
// parallel.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
)

// Set once by TestMain.
var (
	repoRoot   string    // the repository root (holds go.mod)
	mailstack  string    // path of e2e/mailstack
	klachtdBin string    // the binary under test, built once
	stack      stackInfo // where the running mail stack listens
	skipReason string    // non-empty: the stack is unavailable and every test skips
	buildErr   error     // klachtd did not build: every test that runs it fails
)

// stackInfo is what `mailstack env` reports about the running stack.
type stackInfo struct {
	IMAPAddr  string
	IMAPSAddr string
	SMTPAddr  string
	CACert    string
	Password  string
	OAuthAddr string // where Dovecot's oauth2 passdb expects the tests' authorization server
}

const (
	intake      = "info@example.nl"
	complainant = "klant@example.com"
	officer     = "officer@example.nl"
	staffPiet   = "piet@example.nl"
	staffAnna   = "anna@example.nl"
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	root, err := findRoot()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	repoRoot = root
	mailstack = filepath.Join(root, "e2e", "mailstack")

	if err := bringUpStack(); err != nil {
		if required() {
			fmt.Fprintf(os.Stderr, "e2e: FAIL: the test stack is required here (CI or KLACHTD_E2E=1): %v\n", err)
			return 1
		}
		skipReason = err.Error()
		fmt.Fprintf(os.Stderr, "e2e: skipping: %s\n", skipReason)
		return m.Run()
	}

	tmp, err := os.MkdirTemp("", "klachtd-e2e-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	klachtdBin = filepath.Join(tmp, "klachtd")
	if buildErr = buildKlachtd(klachtdBin); buildErr != nil {
		fmt.Fprintf(os.Stderr, "e2e: every test that runs klachtd fails: %v\n", buildErr)
	}
	return m.Run()
}

// required reports whether a missing stack is a failure rather than a skip.
func required() bool {
	ci := strings.ToLower(os.Getenv("CI"))
	return (ci != "" && ci != "false" && ci != "0") || os.Getenv("KLACHTD_E2E") == "1"
}

// findRoot finds the repository root from the package directory, where go
// test runs the test binary.
func findRoot() (string, error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	return root, nil
}

// bringUpStack starts the mail stack (idempotent), makes sure pdftotext is
// there, and reads the stack's addresses.
func bringUpStack() error {
	if os.Geteuid() != 0 {
		return errors.New("needs root to start the Dovecot/Postfix test stack: run as root or e2e/mailstack up")
	}
	if out, err := runTool(5*time.Minute, mailstack, "up"); err != nil {
		return fmt.Errorf("e2e/mailstack up: %w\n%s", err, out)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if _, err := runTool(5*time.Minute, "apt-get", "install", "-y", "-qq", "poppler-utils"); err != nil {
			// A bare machine may have no package lists yet.
			if out, err := runTool(5*time.Minute, "apt-get", "update", "-qq"); err != nil {
				return fmt.Errorf("apt-get update: %w\n%s", err, out)
			}
			if out, err := runTool(5*time.Minute, "apt-get", "install", "-y", "-qq", "poppler-utils"); err != nil {
				return fmt.Errorf("apt-get install poppler-utils: %w\n%s", err, out)
			}
		}
		if _, err := exec.LookPath("pdftotext"); err != nil {
			return fmt.Errorf("pdftotext still missing after installing poppler-utils: %w", err)
		}
	}
	out, err := runTool(30*time.Second, mailstack, "env")
	if err != nil {
		return fmt.Errorf("e2e/mailstack env: %w\n%s", err, out)
	}
	vars := parseExports(out)
	stack = stackInfo{
		IMAPAddr:  vars["MAILSTACK_IMAP_ADDR"],
		IMAPSAddr: vars["MAILSTACK_IMAPS_ADDR"],
		SMTPAddr:  vars["MAILSTACK_SMTP_ADDR"],
		CACert:    vars["MAILSTACK_CA_CERT"],
		Password:  vars["MAILSTACK_PASSWORD"],
		OAuthAddr: vars["MAILSTACK_OAUTH_ADDR"],
	}
	if stack.IMAPAddr == "" || stack.SMTPAddr == "" || stack.Password == "" {
		return fmt.Errorf("e2e/mailstack env printed no addresses:\n%s", out)
	}
	return nil
}

// runTool runs a helper program with no stdin and returns its combined output.
func runTool(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// parseExports reads `export NAME='value'` lines.
func parseExports(s string) map[string]string {
	vars := make(map[string]string)
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "export ")
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		vars[name] = strings.Trim(value, "'")
	}
	return vars
}

// buildKlachtd builds the binary from the repository root.
func buildKlachtd(out string) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = "/usr/local/go/bin/go"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, ".")
	cmd.Dir = repoRoot
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build klachtd: %w\n%s", err, b)
	}
	return nil
}

// ---------------------------------------------------------------------------
// The environment of one test: a fresh stack, a data dir and a config.
// ---------------------------------------------------------------------------

// env is one test's klachtd installation.
type env struct {
	t       testing.TB
	dir     string
	dataDir string
	config  string        // the config file passed with -config
	timeout time.Duration // for one klachtd run to completion

	mu  sync.Mutex
	log []string // transcript of klachtd runs, printed if the test fails
}

// mailboxConfig is the [[mailbox]] table of a generated config.
type mailboxConfig struct {
	IMAP      string // URL
	SMTP      string // URL
	User      string // username and address
	CAFile    string // ca_file, optional
	Processed string // processed_folder
}

// defaultMailbox is the intake mailbox over plain IMAP and SMTP on loopback.
func defaultMailbox() mailboxConfig {
	return mailboxConfig{
		IMAP:      "imap+insecure://" + stack.IMAPAddr,
		SMTP:      "smtp+insecure://" + stack.SMTPAddr,
		User:      intake,
		Processed: "Klachten",
	}
}

// newEnv empties every mailbox of the stack and prepares a data dir and a
// config for the organisation "acme".
func newEnv(t *testing.T) *env {
	t.Helper()
	requireStack(t)
	if buildErr != nil {
		t.Fatal("klachtd did not build (the go build output is printed once, before the tests)")
	}
	resetStack(t)
	dir := t.TempDir()
	e := &env{t: t, dir: dir, dataDir: filepath.Join(dir, "var"), timeout: 2 * time.Minute}
	e.config = e.writeConfig("config.toml", defaultMailbox())
	t.Cleanup(func() {
		if t.Failed() {
			e.mu.Lock()
			defer e.mu.Unlock()
			for _, entry := range e.log {
				t.Log(entry)
			}
		}
	})
	return e
}

// requireStack skips the test if the mail stack could not be brought up.
func requireStack(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}

// resetStack empties every mailbox and the Postfix queue.
func resetStack(t testing.TB) {
	t.Helper()
	if out, err := runTool(time.Minute, mailstack, "reset"); err != nil {
		t.Fatalf("e2e/mailstack reset: %v\n%s", err, out)
	}
}

// writeConfig writes a config file named name into the test's directory and
// returns its path.
func (e *env) writeConfig(name string, mb mailboxConfig) string {
	e.t.Helper()
	path := filepath.Join(e.dir, name)
	if err := os.WriteFile(path, []byte(configText(e.dataDir, mb)), 0o600); err != nil {
		e.t.Fatalf("write config: %v", err)
	}
	return path
}

// configText is a config.toml per SPEC.md's "Configuration" section.
func configText(dataDir string, mb mailboxConfig) string {
	var b strings.Builder
	fmt.Fprintf(&b, `data_dir = %q
log_level = "debug"

[[organisation]]
id = "acme"
name = "Acme Coaching"
postal_address = ["Stationsstraat 1", "1234 AB Utrecht"]
officer = "officer@example.nl"
alternate_officer = "anna@example.nl"
staff = ["piet@example.nl", "anna@example.nl"]
default_handler = "piet@example.nl"
language = "nl"
number_prefix = "KL"
appeal = "De Geschillencommissie, Postbus 90600, 2509 LP Den Haag"
post = "decision"
  [organisation.procedure]
  acknowledge_within = "5 werkdagen"
  decide_within = "4 weken"
  delay_notice_before = "3 werkdagen"
  extension = "2 weken"
  appeal_within = "2 weken"
  retain_after_close = "1 jaar"
  destroy_after_receipt = "7 jaar"

[[mailbox]]
organisation = "acme"
imap = %q
smtp = %q
username = %q
password_env = "KLACHTD_INFO_PASSWORD"
address = %q
folder = "INBOX"
processed_folder = %q
poll_interval = "1s"
`, dataDir, mb.IMAP, mb.SMTP, mb.User, mb.User, mb.Processed)
	if mb.CAFile != "" {
		fmt.Fprintf(&b, "ca_file = %q\n", mb.CAFile)
	}
	return b.String()
}

// result is the outcome of one klachtd run.
type result struct {
	stdout, stderr string
	err            error
	state          *os.ProcessState
	took           time.Duration
}

// command builds a klachtd command: the subcommand, then -config, then the
// rest (flags before positional arguments, as Go's flag package wants).
func (e *env) command(ctx context.Context, extraEnv []string, args ...string) *exec.Cmd {
	full := []string{}
	if len(args) > 0 {
		full = append(full, args[0], "-config", e.config)
		full = append(full, args[1:]...)
	}
	cmd := exec.CommandContext(ctx, klachtdBin, full...)
	cmd.Dir = e.dir
	var environ []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KLACHTD_") {
			environ = append(environ, kv)
		}
	}
	cmd.Env = append(environ, "KLACHTD_INFO_PASSWORD="+stack.Password)
	cmd.Env = append(cmd.Env, extraEnv...)
	return cmd
}

// run runs klachtd to completion (at most e.timeout) with extra
// environment variables.
func (e *env) run(extraEnv []string, args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	cmd := e.command(ctx, extraEnv, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), err: err, state: cmd.ProcessState, took: time.Since(start)}
	e.record(fmt.Sprintf("klachtd %s %s (%v, %.2fs)", strings.Join(extraEnv, " "), strings.Join(args, " "), err, r.took.Seconds()), r.stdout, r.stderr)
	return r
}

// klachtd runs `klachtd ARGS...` with the test's config.
func (e *env) klachtd(args ...string) (stdout, stderr string, err error) {
	e.t.Helper()
	r := e.run(nil, args...)
	return r.stdout, r.stderr, r.err
}

// mustKlachtd runs klachtd and fails the test unless it exits 0.
func (e *env) mustKlachtd(args ...string) string {
	e.t.Helper()
	stdout, stderr, err := e.klachtd(args...)
	if err != nil {
		e.t.Fatalf("klachtd %s: %v\nstderr:\n%s", strings.Join(args, " "), err, tail(stderr, 4000))
	}
	return stdout
}

// record keeps a klachtd run's output for the failure transcript.
func (e *env) record(what, stdout, stderr string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, fmt.Sprintf("%s\n--- stdout:\n%s\n--- stderr:\n%s", what, tail(stdout, 4000), tail(stderr, 8000)))
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// daemon is a klachtd process running in the background.
type daemon struct {
	e      *env
	cmd    *exec.Cmd
	stdout syncBuffer
	stderr syncBuffer
	done   chan struct{}
	err    error // valid after done is closed
}

// start runs `klachtd ARGS...` (usually "run") in the background. The
// process is killed when the test ends if it is still running.
func (e *env) start(args ...string) *daemon {
	e.t.Helper()
	return e.startWith(nil, args...)
}

// startWith is start with extra environment variables.
func (e *env) startWith(extraEnv []string, args ...string) *daemon {
	e.t.Helper()
	d := &daemon{e: e, done: make(chan struct{})}
	d.cmd = e.command(context.Background(), extraEnv, args...)
	d.cmd.Stdout, d.cmd.Stderr = &d.stdout, &d.stderr
	if err := d.cmd.Start(); err != nil {
		e.t.Fatalf("start klachtd %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		d.err = d.cmd.Wait()
		close(d.done)
	}()
	e.t.Cleanup(func() {
		d.kill()
		e.record("klachtd "+strings.Join(args, " ")+" (background)", d.stdout.String(), d.stderr.String())
	})
	return d
}

// running reports whether the process has not exited yet.
func (d *daemon) running() bool {
	select {
	case <-d.done:
		return false
	default:
		return true
	}
}

// wait waits up to timeout for the process to exit; exited is false on
// timeout, else err is its exit error.
func (d *daemon) wait(timeout time.Duration) (exited bool, err error) {
	select {
	case <-d.done:
		return true, d.err
	case <-time.After(timeout):
		return false, nil
	}
}

// stop sends SIGTERM and waits up to timeout for the process to exit,
// failing the test (and killing the process) if it does not. It returns the
// exit error (nil for exit status 0).
func (d *daemon) stop(timeout time.Duration) error {
	d.e.t.Helper()
	if d.running() {
		if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
			d.e.t.Fatalf("SIGTERM klachtd: %v", err)
		}
	}
	exited, err := d.wait(timeout)
	if !exited {
		d.kill()
		d.e.t.Fatalf("klachtd did not exit within %v of SIGTERM", timeout)
	}
	return err
}

// kill sends SIGKILL and waits for the process to be reaped.
func (d *daemon) kill() {
	if d.running() {
		_ = d.cmd.Process.Kill()
	}
	<-d.done
}

// syncBuffer is a bytes.Buffer safe for a process writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// killedBy reports whether a finished process died from signal sig.
func killedBy(state *os.ProcessState, sig syscall.Signal) bool {
	if state == nil {
		return false
	}
	ws, ok := state.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == sig
}

// exitCode is the exit status of a finished command, -1 if it did not exit
// normally or did not run.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// ---------------------------------------------------------------------------
// The register: list -json and show -json (SPEC.md, "-json output").
// ---------------------------------------------------------------------------

type person struct {
	Name          string          `json:"name"`
	Email         string          `json:"email"`
	PostalAddress json.RawMessage `json:"postal_address"`
}

type dossier struct {
	Number         string   `json:"number"`
	Organisation   string   `json:"organisation"`
	Status         string   `json:"status"`
	Complainant    person   `json:"complainant"`
	Categories     []string `json:"categories"`
	Handler        string   `json:"handler"`
	ReceivedAt     string   `json:"received_at"`
	AcknowledgedAt string   `json:"acknowledged_at"`
	DecideBy       string   `json:"decide_by"`
	Verdict        string   `json:"verdict"`
	ClosedAt       string   `json:"closed_at"`
	Overdue        bool     `json:"overdue"`
}

type dossierMessage struct {
	Direction string          `json:"direction"`
	From      string          `json:"from"`
	To        json.RawMessage `json:"to"` // a string or a list, per implementation
	Date      string          `json:"date"`
	Subject   string          `json:"subject"`
	MessageID string          `json:"message_id"`
}

type letter struct {
	Kind      string `json:"kind"`
	Language  string `json:"language"`
	CreatedAt string `json:"created_at"`
	SentAt    string `json:"sent_at"`
	PostedAt  string `json:"posted_at"`
	Channel   string `json:"channel"`
}

type event struct {
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Detail string `json:"detail"`
}

type dossierDetail struct {
	dossier
	Messages []dossierMessage `json:"messages"`
	Letters  []letter         `json:"letters"`
	Events   []event          `json:"events"`
}

// listJSON decodes `klachtd list -status all -json`.
func (e *env) listJSON(t testing.TB) []dossier {
	t.Helper()
	out := e.mustKlachtd("list", "-status", "all", "-json")
	var ds []dossier
	if err := json.Unmarshal([]byte(out), &ds); err != nil {
		t.Fatalf("decode list -json: %v\n%s", err, tail(out, 2000))
	}
	return ds
}

// showJSON decodes `klachtd show -json NUMBER`.
func (e *env) showJSON(t testing.TB, number string) dossierDetail {
	t.Helper()
	out := e.mustKlachtd("show", "-json", number)
	var d dossierDetail
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("decode show -json %s: %v\n%s", number, err, tail(out, 2000))
	}
	return d
}

// firstNumber is the number the first dossier of this year gets.
func firstNumber() string {
	return fmt.Sprintf("KL-%d-0001", time.Now().Year())
}

// bareID strips the angle brackets of a Message-ID.
func bareID(id string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
}

// ---------------------------------------------------------------------------
// SMTP and IMAP as the people in the tests.
// ---------------------------------------------------------------------------

// sendMail submits raw to Postfix (SMTP, no auth) with envelope sender from
// ("" sends MAIL FROM:<>, as bounces do) and waits until it is delivered to
// the recipient's mailbox (INBOX, or already filed elsewhere by a running
// daemon).
func sendMail(t *testing.T, from, to string, raw []byte) {
	t.Helper()
	if err := smtpSend(stack.SMTPAddr, from, []string{to}, raw); err != nil {
		t.Fatalf("send mail from <%s> to <%s>: %v", from, to, err)
	}
	h, err := readHeader(raw)
	if err != nil {
		t.Fatalf("send mail: %v", err)
	}
	id, err := h.MessageID()
	if err != nil || id == "" {
		return // nothing to wait for
	}
	timeout := 20*time.Second + time.Duration(len(raw)/(1<<20))*time.Second
	deadline := time.Now().Add(timeout)
	for {
		if folderHasMessageID(t, mailboxUser(to), "INBOX", id) || len(foldersWithMessageID(t, mailboxUser(to), id)) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail <%s> to %s not delivered within %v (see %s/log/)", id, to, timeout, os.Getenv("MAILSTACK_DIR"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// smtpSend is one SMTP transaction.
func smtpSend(addr, from string, to []string, raw []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer c.Close()
	if err := c.Hello("e2e.klachtd.test"); err != nil {
		return fmt.Errorf("ehlo: %w", err)
	}
	if err := c.Mail(from, nil); err != nil {
		return fmt.Errorf("mail from: %w", err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return fmt.Errorf("rcpt to %s: %w", rcpt, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("data: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("write data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end data: %w", err)
	}
	return c.Quit()
}

// mailboxUser maps an address to the stack user that receives it
// (plus-addressing: info+KL-…@example.nl is info@example.nl).
func mailboxUser(addr string) string {
	local, domain, _ := strings.Cut(strings.ToLower(addr), "@")
	local, _, _ = strings.Cut(local, "+")
	return local + "@" + domain
}

// imapLogin opens an IMAP session as user. The connection is closed after
// a minute at the latest, so that a silent server cannot hang the test.
func imapLogin(user string) (*imapclient.Client, func(), error) {
	return imapLoginFor(user, time.Minute)
}

// imapLoginFor is imapLogin with the session's lifetime limited to d.
func imapLoginFor(user string, d time.Duration) (*imapclient.Client, func(), error) {
	c, err := imapclient.DialInsecure(stack.IMAPAddr, &imapclient.Options{
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("dial imap: %w", err)
	}
	watchdog := time.AfterFunc(d, func() { c.Close() })
	done := func() {
		watchdog.Stop()
		_ = c.Logout().Wait()
		c.Close()
	}
	if err := c.Login(user, stack.Password).Wait(); err != nil {
		done()
		return nil, nil, fmt.Errorf("login %s: %w", user, err)
	}
	return c, done, nil
}

// selectUIDs returns the UIDs in folder; exists is false if there is no
// such folder.
func selectUIDs(c *imapclient.Client, folder string, criteria *imap.SearchCriteria) (uids []imap.UID, exists bool, err error) {
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("select %s: %w", folder, err)
	}
	if criteria == nil {
		criteria = &imap.SearchCriteria{}
	}
	sd, err := c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		return nil, true, fmt.Errorf("uid search in %s: %w", folder, err)
	}
	return sd.AllUIDs(), true, nil
}

// mailboxUIDs lists the UIDs of a user's folder (none if it does not exist).
func mailboxUIDs(t *testing.T, user, folder string) []imap.UID {
	t.Helper()
	c, done, err := imapLogin(user)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	uids, _, err := selectUIDs(c, folder, nil)
	if err != nil {
		t.Fatalf("%s: %v", user, err)
	}
	return uids
}

// folderHasMessageID reports whether user's folder holds a message with
// that Message-ID.
func folderHasMessageID(t *testing.T, user, folder, id string) bool {
	t.Helper()
	c, done, err := imapLogin(user)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	uids, _, err := selectUIDs(c, folder, &imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: bareID(id)}},
	})
	if err != nil {
		t.Fatalf("%s: %v", user, err)
	}
	return len(uids) > 0
}

// foldersWithMessageID lists the folders of user that hold the message.
func foldersWithMessageID(t *testing.T, user, id string) []string {
	t.Helper()
	c, done, err := imapLogin(user)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatalf("list folders of %s: %v", user, err)
	}
	var found []string
	for _, mb := range list {
		uids, _, err := selectUIDs(c, mb.Mailbox, &imap.SearchCriteria{
			Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: bareID(id)}},
		})
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		if len(uids) > 0 {
			found = append(found, mb.Mailbox)
		}
	}
	return found
}

// fetchAll returns every message of a user's folder, in UID order. A
// folder that does not exist fails the test.
func fetchAll(t *testing.T, user, folder string) [][]byte {
	t.Helper()
	msgs, exists, err := tryFetchAll(user, folder)
	if err != nil {
		t.Fatal(err)
	}
	if !exists {
		t.Fatalf("%s has no folder %q", user, folder)
	}
	return msgs
}

func tryFetchAll(user, folder string) (msgs [][]byte, exists bool, err error) {
	c, done, err := imapLogin(user)
	if err != nil {
		return nil, false, err
	}
	defer done()
	uids, exists, err := selectUIDs(c, folder, nil)
	if err != nil || !exists || len(uids) == 0 {
		return nil, exists, err
	}
	section := &imap.FetchItemBodySection{Peek: true}
	bufs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		return nil, true, fmt.Errorf("%s: fetch %s: %w", user, folder, err)
	}
	for _, b := range bufs {
		msgs = append(msgs, b.FindBodySection(section))
	}
	return msgs, true, nil
}

// waitMail polls user's INBOX until a message satisfies pred and returns it.
func waitMail(t *testing.T, user string, pred func(raw []byte) bool, timeout time.Duration) []byte {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs, _, err := tryFetchAll(user, "INBOX")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if pred(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no matching mail in %s's INBOX within %v (it holds %d message(s): %s)", user, timeout, len(msgs), subjects(msgs))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// matching returns the messages of user's INBOX that satisfy pred, after
// waiting settle so that mail still in flight has arrived.
func matching(t *testing.T, user string, pred func(raw []byte) bool, settle time.Duration) [][]byte {
	t.Helper()
	time.Sleep(settle)
	var out [][]byte
	for _, m := range fetchAll(t, user, "INBOX") {
		if pred(m) {
			out = append(out, m)
		}
	}
	return out
}

// subjects summarises messages for failure output.
func subjects(msgs [][]byte) string {
	var s []string
	for _, m := range msgs {
		h, err := readHeader(m)
		if err != nil {
			s = append(s, "(unparsable)")
			continue
		}
		subj, _ := h.Subject()
		s = append(s, fmt.Sprintf("%q", subj))
	}
	return strings.Join(s, ", ")
}

// muttReply has user answer the message with that Message-ID in mutt, with
// text above the quote (e2e/mailstack mutt-reply).
func muttReply(t *testing.T, user, messageID, text string) {
	t.Helper()
	if out, err := runTool(time.Minute, mailstack, "mutt-reply", user, "<"+bareID(messageID)+">", text); err != nil {
		t.Fatalf("mutt-reply as %s to <%s>: %v\n%s", user, bareID(messageID), err, out)
	}
}

// ---------------------------------------------------------------------------
// Reading received mail.
// ---------------------------------------------------------------------------

// readHeader parses the header of a raw message (legacy charsets decoded).
func readHeader(raw []byte) (mail.Header, error) {
	ent, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return mail.Header{}, fmt.Errorf("parse message: %w", err)
	}
	return mail.Header{Header: ent.Header}, nil
}

// hasSubject returns a predicate matching messages whose subject contains s.
func hasSubject(s string) func([]byte) bool {
	return func(raw []byte) bool {
		h, err := readHeader(raw)
		if err != nil {
			return false
		}
		subj, _ := h.Subject()
		return strings.Contains(subj, s)
	}
}

// attachment is one attachment of a received mail.
type attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// mailParts is a received mail taken apart.
type mailParts struct {
	Header      mail.Header
	Text        string // the first text/plain part, UTF-8
	HTML        string // the first text/html part, UTF-8
	PDF         []byte // the first PDF attachment
	Attachments []attachment
}

// parseMail walks a raw message with go-message.
func parseMail(t *testing.T, raw []byte) *mailParts {
	t.Helper()
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		t.Fatalf("parse mail: %v", err)
	}
	p := &mailParts{Header: mr.Header}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) {
			t.Fatalf("parse mail part: %v", err)
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			t.Fatalf("read mail part: %v", err)
		}
		switch h := part.Header.(type) {
		case *mail.InlineHeader:
			ct, _, _ := h.ContentType()
			switch {
			case ct == "text/plain" && p.Text == "":
				p.Text = string(body)
			case ct == "text/html" && p.HTML == "":
				p.HTML = string(body)
			case ct == "application/pdf" && p.PDF == nil:
				p.PDF = body
			}
		case *mail.AttachmentHeader:
			ct, _, _ := h.ContentType()
			name, _ := h.Filename()
			p.Attachments = append(p.Attachments, attachment{Filename: name, ContentType: ct, Data: body})
			if p.PDF == nil && (ct == "application/pdf" || strings.HasSuffix(strings.ToLower(name), ".pdf")) {
				p.PDF = body
			}
		}
	}
	return p
}

// pdfText extracts the text of a PDF with pdftotext (poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF (starts with %q)", pdf[:min(len(pdf), 16)])
	}
	path := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatalf("write pdf: %v", err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// ---------------------------------------------------------------------------
// Building test mail.
// ---------------------------------------------------------------------------

// newMessageID makes a unique Message-ID (without angle brackets).
func newMessageID(tag string) string {
	return fmt.Sprintf("%s.%d@e2e.example.com", tag, time.Now().UnixNano())
}

// plainMail is a simple UTF-8 text message.
type plainMail struct {
	From, To, Subject, MessageID, Body string
	Headers                            []string // extra "Name: value" lines
}

func (m plainMail) bytes() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\n", m.From)
	fmt.Fprintf(&b, "To: %s\n", m.To)
	fmt.Fprintf(&b, "Subject: %s\n", mime.QEncoding.Encode("utf-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\n", m.MessageID)
	for _, h := range m.Headers {
		fmt.Fprintf(&b, "%s\n", h)
	}
	b.WriteString("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n")
	b.WriteString(m.Body)
	if !strings.HasSuffix(m.Body, "\n") {
		b.WriteString("\n")
	}
	return b.Bytes()
}

// testdataMail loads testdata/NAME and fills in ${DATE} and ${MESSAGE_ID}.
func testdataMail(t *testing.T, name, messageID string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read testdata: %v", err)
	}
	raw = bytes.ReplaceAll(raw, []byte("${DATE}"), []byte(time.Now().Format(time.RFC1123Z)))
	raw = bytes.ReplaceAll(raw, []byte("${MESSAGE_ID}"), []byte(messageID))
	return raw
}

// headerLines returns the unfolded values of a header field in raw mail
// exactly as written (no decoding), for checks on the wire format.
func headerLines(raw []byte, name string) []string {
	var vals []string
	r := bufio.NewReader(bytes.NewReader(raw))
	ent, err := message.Read(r)
	if err != nil && ent == nil {
		return nil
	}
	fields := ent.Header.FieldsByKey(name)
	for fields.Next() {
		vals = append(vals, fields.Value())
	}
	return vals
}
