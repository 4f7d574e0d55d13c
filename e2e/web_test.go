package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Tests of the officer's desk (package web) in a real browser: Debian's
// chromium, headless, driven over the DevTools protocol by chromedp. Staff
// sign in with the link klachtd mailed to their real Dovecot mailbox.

const (
	staffBob   = "bob@example.com"  // staff of the second organisation, beta
	intakeBeta = "info@example.com" // beta's intake mailbox
)

// chromiumFlags are the flags the browser runs with (issue 13); a fresh
// --user-data-dir is added per browser.
var chromiumFlags = []string{"headless", "no-sandbox", "disable-gpu", "disable-quic", "no-first-run",
	"disable-background-networking", "disable-component-update", "disable-sync"}

// ensureChromium installs Debian's chromium when it is missing, as
// bringUpStack does for poppler-utils.
func ensureChromium(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	install := func() (string, error) {
		return runTool(10*time.Minute, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-dejavu-core")
	}
	if _, err := install(); err != nil {
		if out, err := runTool(5*time.Minute, "apt-get", "update", "-qq"); err != nil {
			t.Fatalf("apt-get update: %v\n%s", err, out)
		}
		if out, err := install(); err != nil {
			t.Fatalf("apt-get install chromium: %v\n%s", err, out)
		}
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium still missing after apt-get install: %v", err)
	}
	return p
}

var betaUsers sync.Once

// deskEnv is a running klachtd with the desk on, two organisations, and a
// complaint whose decision letter waits for the post.
type deskEnv struct {
	*env
	daemon *daemon
	base   string // the desk's base URL
	number string // the acme dossier
	link   string // the link to the dossier in piet's notification
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func newDeskEnv(t *testing.T) *deskEnv {
	t.Helper()
	e := newEnv(t)
	betaUsers.Do(func() {
		addUser(t, staffBob)
		addUser(t, intakeBeta)
	})
	port := freePort(t)
	de := &deskEnv{env: e, base: fmt.Sprintf("http://127.0.0.1:%d", port), number: firstNumber()}
	cfg := configText(e.dataDir, defaultMailbox()) + fmt.Sprintf(`
[[organisation]]
id = "beta"
name = "Beta Training"
officer = "officer@example.com"
staff = [%q]
default_handler = %q
language = "en"
number_prefix = "BT"
  [organisation.procedure]
  acknowledge_within = "5 working days"
  decide_within = "4 weeks"
  delay_notice_before = "3 working days"

[[mailbox]]
organisation = "beta"
imap = %q
smtp = %q
username = %q
password_env = "KLACHTD_INFO_PASSWORD"
address = %q
processed_folder = "Klachten"
poll_interval = "1s"

[web]
listen = "127.0.0.1:%d"
base_url = %q
`, staffBob, staffBob, "imap+insecure://"+stack.IMAPAddr, "smtp+insecure://"+stack.SMTPAddr, intakeBeta, intakeBeta, port, de.base)
	if err := os.WriteFile(e.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	sendComplaint(t, "Klacht over mijn coachtraject")
	de.daemon = e.start("run")
	waitMail(t, complainant, letterOf("acknowledgement", de.number), 30*time.Second)
	c := &dossierCase{e: e, number: de.number}
	raw := waitMail(t, staffPiet, notice("notification", de.number), 30*time.Second)
	c.readNotification(t, raw)
	// Every staff mail links to its dossier on the desk.
	de.link = de.base + "/dossiers/" + de.number
	if text := parseMail(t, raw).Text; !regexp.MustCompile(`In de browser:\s+` + regexp.QuoteMeta(de.link) + `\s`).MatchString(text) {
		t.Errorf("the notification does not link to %s:\n%s", de.link, text)
	}
	// A decision, by mail: its letter goes to the officer to post.
	muttDraft(t, staffPiet, draft{To: c.internal, Subject: "[" + de.number + "] oordeel",
		Body: "Oordeel: gegrond\n\nFeiten: De coach zegde drie keer af.\nStandpunt: Dat had niet mogen gebeuren.\nMaatregelen: U krijgt twee sessies extra.\n"})
	waitMail(t, officer, notice("topost", de.number), 30*time.Second)
	return de
}

// chrome is one browser with its own profile.
type chrome struct {
	ctx       context.Context
	downloads string
}

func newChrome(t *testing.T, width, height int) *chrome {
	t.Helper()
	path := ensureChromium(t)
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height)}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	c := &chrome{ctx: bctx, downloads: t.TempDir()}
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return c
}

// open navigates to url and returns the HTTP status.
func (c *chrome) open(t *testing.T, url string) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(c.ctx, chromedp.Navigate(url))
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return resp.Status
}

// submit clicks a button that sends a form and waits for the next page.
func (c *chrome) submit(t *testing.T, sel string) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(c.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
	return resp.Status
}

// text is the visible text of the page.
func (c *chrome) text(t *testing.T) string {
	t.Helper()
	s, err := chromedp.Run(c.ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatalf("read page: %v", err)
	}
	return s
}

func (c *chrome) attr(t *testing.T, sel, name string) string {
	t.Helper()
	r, err := chromedp.Run(c.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil || !r.Exists {
		t.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return r.Value
}

var signInLink = regexp.MustCompile(`https?://\S+/login/[A-Za-z0-9_-]{43}`)

// signIn asks for a link on the sign-in page as user, reads it from the
// user's real mailbox, follows it and presses the button. It returns the
// link.
func (c *chrome) signIn(t *testing.T, base, user, subject string) string {
	t.Helper()
	c.open(t, base+"/")
	if err := chromedp.Do(c.ctx, chromedp.SendKeys(chromedp.CSS("#email"), user)); err != nil {
		t.Fatal(err)
	}
	if st := c.submit(t, "form button[type=submit]"); st != 200 {
		t.Fatalf("sign-in request: HTTP %d", st)
	}
	raw := waitMail(t, user, hasSubject(subject), 30*time.Second)
	link := signInLink.FindString(parseMail(t, raw).Text)
	if link == "" {
		t.Fatalf("no sign-in link in the mail to %s:\n%s", user, parseMail(t, raw).Text)
	}
	if st := c.open(t, link); st != 200 {
		t.Fatalf("open the sign-in link: HTTP %d\n%s", st, c.text(t))
	}
	if st := c.submit(t, "#confirm"); st != 200 {
		t.Fatalf("sign in: HTTP %d\n%s", st, c.text(t))
	}
	return link
}

func TestDeskInABrowser(t *testing.T) {
	de := newDeskEnv(t)
	c := newChrome(t, 1280, 900)

	// The officer signs in with the link from her real mailbox.
	link := c.signIn(t, de.base, officer, "Aanmelden bij het klachtenbureau")
	page := c.text(t)
	if !strings.Contains(page, de.number) || !strings.Contains(page, "Karin de Klant") || !strings.Contains(page, officer) {
		t.Fatalf("register after sign-in:\n%s", page)
	}

	// The dossier, with how each date was computed (as klachtd show says).
	c.submit(t, fmt.Sprintf(`a[href="/dossiers/%s"]`, de.number))
	page = c.text(t)
	show := de.detail(t, de.number)
	for _, want := range []string{show.DecideBasis, show.AcknowledgeBasis, "Mijn coachtraject is drie keer afgezegd", "wacht op de post"} {
		if !strings.Contains(page, want) {
			t.Errorf("dossier page lacks %q:\n%s", want, page)
		}
	}

	// Download the decision letter as PDF.
	progress := chromedp.Events(c.ctx, browser.DownloadProgress)
	err := chromedp.Do(c.ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: c.downloads, EventsEnabled: ptr(true)})
			return err
		}),
		chromedp.Click(chromedp.CSS(`a[data-kind="decision"]`)))
	if err != nil {
		t.Fatal(err)
	}
	var pdf []byte
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			if pdf, err = os.ReadFile(filepath.Join(c.downloads, ev.GUID)); err != nil {
				t.Fatal(err)
			}
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("download cancelled")
		}
	}
	if text := pdfText(t, pdf); !strings.Contains(text, de.number) || !strings.Contains(text, "gegrond") {
		t.Errorf("the downloaded letter:\n%s", text)
	}

	// A forged POST from another origin is refused and changes nothing.
	action := c.attr(t, "form.posted", "action")
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>win a prize</title><form method="post" action="%s%s">
<input name="date" value="2020-01-01"><button id="go" type="submit">Go</button></form>`, de.base, action)
	}))
	defer evil.Close()
	c.open(t, evil.URL)
	if st := c.submit(t, "#go"); st != http.StatusForbidden || !strings.Contains(c.text(t), "andere website") {
		t.Errorf("forged cross-origin POST: HTTP %d\n%s", st, c.text(t))
	}
	if d := de.detail(t, de.number); len(d.ToPost) != 1 || d.hasEvent("posted") {
		t.Fatalf("the forged POST changed the dossier: to_post %v, events:\n  %s", d.ToPost, d.eventList())
	}

	// The print queue: printed and posted today.
	c.open(t, de.base+"/print")
	if page := c.text(t); !strings.Contains(page, de.number) {
		t.Fatalf("print queue:\n%s", page)
	}
	if st := c.submit(t, "form.posted button"); st != 200 {
		t.Fatalf("record posted: HTTP %d\n%s", st, c.text(t))
	}
	if page := c.text(t); !strings.Contains(page, "Vastgelegd: beslissing gepost op") || !strings.Contains(page, "Er wachten geen brieven op de post.") {
		t.Errorf("print queue after posting:\n%s", page)
	}
	c.open(t, de.link)
	if page := c.text(t); !strings.Contains(page, "posted") || !strings.Contains(page, "door "+officer+" (via het bureau)") {
		t.Errorf("the dossier does not show the posting by the officer on the desk:\n%s", page)
	}
	d := de.detail(t, de.number)
	var posted *event
	for i := range d.Events {
		if d.Events[i].Action == "posted" {
			posted = &d.Events[i]
		}
	}
	today := time.Now().Format("2006-01-02")
	if posted == nil || posted.Actor != officer || posted.Detail != "decision letter posted on "+today || len(d.ToPost) != 0 {
		t.Errorf("show -json after posting: to_post %v, event %+v", d.ToPost, posted)
	}
	if out := de.mustKlachtd("show", de.number); !strings.Contains(out, "EVT posted by "+officer+" (web)") {
		t.Errorf("klachtd show does not name the web:\n%s", out)
	}

	// The link is spent.
	if st := c.open(t, link); st != http.StatusGone || !strings.Contains(c.text(t), "al gebruikt") {
		t.Errorf("reused link: HTTP %d\n%s", st, c.text(t))
	}

	// Staff of the second organisation see none of it.
	b := newChrome(t, 1280, 900)
	b.signIn(t, de.base, staffBob, "Sign in to the complaints desk")
	if page := b.text(t); strings.Contains(page, de.number) || strings.Contains(page, "Karin") || !strings.Contains(page, "No dossiers") {
		t.Errorf("beta's register shows acme's dossier:\n%s", page)
	}
	for _, u := range []string{de.link, de.base + action[:strings.LastIndex(action, "/posted")], de.base + "/print", de.base + "/report/" + today[:4]} {
		st := b.open(t, u)
		if page := b.text(t); strings.Contains(page, "Karin") || (st != http.StatusNotFound && st != http.StatusForbidden) {
			t.Errorf("bob opens %s: HTTP %d\n%s", u, st, page)
		}
	}
	if err := de.daemon.stop(30 * time.Second); err != nil {
		t.Errorf("klachtd run did not stop cleanly: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestDeskScreenshots writes a picture of every page of the desk at desktop
// (1280 px) and phone (390 px) width to $KLACHTD_SCREENSHOTS, to be looked
// at; without the variable it is skipped.
func TestDeskScreenshots(t *testing.T) {
	dir := os.Getenv("KLACHTD_SCREENSHOTS")
	if dir == "" {
		t.Skip("set KLACHTD_SCREENSHOTS=DIR to write screenshots of the desk")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	de := newDeskEnv(t)
	sendMail(t, complainant, intake, plainMail{From: "Jan de Boer <" + complainant + ">", To: intake,
		Subject: "Factuur klopt niet", MessageID: newMessageID("klacht2"),
		Body: "Goedemiddag,\n\nDe factuur van maart is € 240 te hoog. Graag een correctie.\n\nJan de Boer\n"}.bytes())
	waitMail(t, staffPiet, notice("notification", fmt.Sprintf("KL-%d-0002", time.Now().Year())), 30*time.Second)
	for _, w := range []int{1280, 390} {
		c := newChrome(t, w, 900)
		if err := chromedp.Do(c.ctx, chromedp.EmulateViewport(int64(w), 900)); err != nil {
			t.Fatal(err)
		}
		shot := func(name string) {
			t.Helper()
			png, err := chromedp.Run(c.ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		c.open(t, de.base+"/")
		shot("1-signin")
		if err := chromedp.Do(c.ctx, chromedp.SendKeys(chromedp.CSS("#email"), "geen-adres")); err != nil {
			t.Fatal(err)
		}
		c.submit(t, "form button[type=submit]")
		shot("2-signin-error")
		resetStack(t) // earlier sign-in mails out of the way
		link := c.signIn(t, de.base, officer, "Aanmelden bij het klachtenbureau")
		shot("3-register")
		c.open(t, de.link)
		shot("4-dossier")
		c.open(t, de.base+"/print")
		shot("5-print")
		c.open(t, fmt.Sprintf("%s/report/%d", de.base, time.Now().Year()))
		shot("6-report")
		c.open(t, de.base+"/dossiers/KL-1999-0001")
		shot("7-not-found")
		c.open(t, link)
		shot("8-link-used")
	}
}
