package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/daemon"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/templates"
)

// Two organisations: acme (officer, alternate officer anna, staff piet)
// and beta (officer bea, staff bob).
const testConfig = `data_dir = "var"

[[organisation]]
id = "acme"
name = "Acme Coaching"
officer = "officer@example.nl"
alternate_officer = "anna@example.nl"
staff = ["piet@example.nl", "anna@example.nl"]
default_handler = "piet@example.nl"
language = "%s"
[organisation.procedure]
acknowledge_within = "5 werkdagen"
decide_within = "4 weken"
delay_notice_before = "3 werkdagen"

[[organisation]]
id = "beta"
name = "Beta Training"
number_prefix = "BT"
officer = "bea@beta.example"
staff = ["bob@beta.example"]
default_handler = "bob@beta.example"
[organisation.procedure]
acknowledge_within = "5 werkdagen"
decide_within = "4 weken"
delay_notice_before = "3 werkdagen"

[[mailbox]]
organisation = "acme"
imap = "imap+insecure://127.0.0.1:1"
smtp = "smtp+insecure://127.0.0.1:1"
username = "info@example.nl"
password_env = "KLACHTD_TEST_UNUSED"
address = "info@example.nl"

[[mailbox]]
organisation = "beta"
imap = "imap+insecure://127.0.0.1:1"
smtp = "smtp+insecure://127.0.0.1:1"
username = "info@beta.example"
password_env = "KLACHTD_TEST_UNUSED"
address = "info@beta.example"

[web]
listen = "127.0.0.1:8080"
base_url = "%s"
`

// desk is a test installation: config, store, the real daemon as mailer,
// the server, and the fixture's dossiers.
type desk struct {
	t      *testing.T
	cfg    *config.Config
	st     *store.Store
	srv    *Server
	dm     *daemon.Daemon
	now    time.Time // the clock; set it with advance
	mu     sync.Mutex
	acme   *store.Dossier // KL-2026-0001: open, overdue, a decision letter to post, a note, an attachment
	acme2  *store.Dossier // KL-2026-0002: open, not overdue
	beta   *store.Dossier // BT-2026-0001
	letter *store.Letter  // the decision letter of acme, waiting for the post
	ack    *store.Letter  // the acknowledgement of acme (email only)
	att    *store.Attachment
	betaL  *store.Letter
}

func newDesk(t *testing.T, lang, baseURL string) *desk {
	t.Helper()
	dir := t.TempDir()
	cfg, err := config.Parse(filepath.Join(dir, "config.toml"), []byte(fmt.Sprintf(testConfig, lang, baseURL)))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tpl, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := mailbox.LoadSecret(cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dm := daemon.New(cfg, st, tpl, secret, log)
	srv, err := New(cfg, st, dm, log)
	if err != nil {
		t.Fatal(err)
	}
	d := &desk{t: t, cfg: cfg, st: st, srv: srv, dm: dm, now: time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)}
	srv.Now = func() time.Time {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.now
	}
	dm.Now = srv.Now
	t.Cleanup(srv.Close)
	d.fixture()
	return d
}

func (d *desk) fixture() {
	t := d.t
	ams := procedure.Amsterdam
	pdf, _, _, err := d.st.PutFile("letters", strings.NewReader("%PDF-1.4\n% decision letter\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	ackPDF, _, _, err := d.st.PutFile("letters", strings.NewReader("%PDF-1.4\n% acknowledgement\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	attPath, _, _, err := d.st.PutFile("files", strings.NewReader("<script>alert(1)</script>"))
	if err != nil {
		t.Fatal(err)
	}
	err = d.st.Tx(context.Background(), func(tx *store.Tx) error {
		cal := procedure.NewCalendar(nil)
		received := time.Date(2026, 2, 2, 9, 30, 0, 0, ams)
		ack := cal.After(received, procedure.Term{N: 5, Unit: procedure.WorkingDays})
		dec := cal.After(received, procedure.Term{N: 4, Unit: procedure.Weeks})
		d.acme = &store.Dossier{Number: "KL-2026-0001", Organisation: "acme", Language: "nl", Mailbox: "info@example.nl",
			ComplainantName: "José Müller-Çelik", ComplainantEmail: "klant@example.com", PostalAddress: []string{"Dorpsstraat 1", "1234 AB Utrecht"},
			Subject: "Factuur te hoog", Description: "Ik kreeg een factuur van € 1.250,00.", Categories: []string{"factuur"},
			Handler: "piet@example.nl", ReceivedAt: received, AcknowledgeBy: ack.Date, AcknowledgeBasis: ack.Basis,
			AcknowledgedAt: received.Add(time.Minute), DecideBy: dec.Date, DecideBasis: dec.Basis}
		if err := tx.CreateDossier(d.acme); err != nil {
			return err
		}
		d.acme2 = &store.Dossier{Number: "KL-2026-0002", Organisation: "acme", Mailbox: "info@example.nl",
			ComplainantName: "Jan de Boer", ComplainantEmail: "jan@example.com", Subject: "Sessie vergeten",
			Handler: "anna@example.nl", ReceivedAt: time.Date(2026, 3, 18, 9, 0, 0, 0, ams), DecideBy: time.Date(2026, 4, 15, 0, 0, 0, 0, ams)}
		if err := tx.CreateDossier(d.acme2); err != nil {
			return err
		}
		d.beta = &store.Dossier{Number: "BT-2026-0001", Organisation: "beta", Mailbox: "info@beta.example",
			ComplainantName: "Geheime Klager", ComplainantEmail: "geheim@example.com", Subject: "Training",
			Handler: "bob@beta.example", ReceivedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, ams), DecideBy: time.Date(2026, 3, 30, 0, 0, 0, 0, ams)}
		if err := tx.CreateDossier(d.beta); err != nil {
			return err
		}
		complaint := &store.Message{DossierID: d.acme.ID, Direction: store.DirectionIn, Kind: store.KindComplaint, RawPath: "mail/x.eml",
			FromAddr: "klant@example.com", FromName: "José Müller-Çelik", To: []string{"info@example.nl"}, Subject: "Factuur te hoog",
			Text: "Ik kreeg een factuur van € 1.250,00.", ReceivedAt: received}
		if err := tx.InsertMessage(complaint); err != nil {
			return err
		}
		d.att = &store.Attachment{MessageRef: complaint.ID, Filename: "factuur.html", ContentType: "text/html", Size: 26, Path: attPath}
		if err := tx.InsertAttachment(d.att); err != nil {
			return err
		}
		note := &store.Message{DossierID: d.acme.ID, Direction: store.DirectionInternal, Kind: store.KindNote, RawPath: "mail/y.eml",
			FromAddr: "piet@example.nl", Subject: "intern", Text: "Klant belde ook nog.", ReceivedAt: received.Add(24 * time.Hour)}
		if err := tx.InsertMessage(note); err != nil {
			return err
		}
		d.ack = &store.Letter{DossierID: d.acme.ID, Kind: "acknowledgement", Language: "nl", Recipient: "klant@example.com",
			PDFPath: ackPDF, CreatedAt: received.Add(time.Minute), SentAt: received.Add(2 * time.Minute)}
		if err := tx.InsertLetter(d.ack); err != nil {
			return err
		}
		d.letter = &store.Letter{DossierID: d.acme.ID, Kind: "decision", Language: "nl", Recipient: "klant@example.com",
			PDFPath: pdf, CreatedAt: time.Date(2026, 3, 10, 11, 0, 0, 0, ams)}
		if err := tx.InsertLetter(d.letter); err != nil {
			return err
		}
		if err := tx.SetLetterPost(d.letter.ID, true); err != nil {
			return err
		}
		d.betaL = &store.Letter{DossierID: d.beta.ID, Kind: "decision", Language: "nl", Recipient: "geheim@example.com",
			PDFPath: pdf, CreatedAt: time.Date(2026, 3, 10, 11, 0, 0, 0, ams)}
		if err := tx.InsertLetter(d.betaL); err != nil {
			return err
		}
		if err := tx.SetLetterPost(d.betaL.ID, true); err != nil {
			return err
		}
		return tx.AddEvent(&store.Event{DossierID: d.acme.ID, Actor: "klachtd", Action: "registered"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// session signs email in directly (a session row and its cookie).
func (d *desk) session(email string) *http.Cookie {
	d.t.Helper()
	secret := newSecret()
	err := d.st.Tx(context.Background(), func(tx *store.Tx) error {
		return tx.AddWebToken(&store.WebToken{Hash: store.HashToken(secret), Kind: store.TokenSession, Email: email,
			CreatedAt: d.now, ExpiresAt: d.now.Add(SessionIdle), SeenAt: d.now})
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return &http.Cookie{Name: cookieName, Value: secret}
}

// do sends a request through the whole handler (security headers and
// cross-origin protection included).
func (d *desk) do(method, target string, c *http.Cookie, form url.Values, headers ...string) *httptest.ResponseRecorder {
	d.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = "192.0.2.10:40000"
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if c != nil {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	d.srv.ServeHTTP(w, req)
	return w
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	d := newDesk(t, "nl", "https://klachten.example.nl")
	officer := d.session("officer@example.nl")
	for _, target := range []string{"/", "/login", "/dossiers/KL-2026-0001", "/nope", "/static/style.css",
		fmt.Sprintf("/dossiers/KL-2026-0001/letters/%d", d.letter.ID)} {
		w := d.do("GET", target, officer, nil)
		h := w.Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") && !strings.Contains(csp, "sandbox") {
			t.Errorf("%s: CSP %q", target, csp)
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %q", target, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", target, h)
		}
	}
	// No page carries an inline script or style.
	for _, target := range []string{"/", "/dossiers/KL-2026-0001", "/print", "/report/2026"} {
		body := d.do("GET", target, officer, nil).Body.String()
		if strings.Contains(body, "<script") || strings.Contains(body, "style=") || strings.Contains(body, "<style") {
			t.Errorf("%s has inline script or style", target)
		}
	}
}

// linkFrom reads the sign-in link out of the mail klachtd queued.
func (d *desk) linkFrom(email string) string {
	d.t.Helper()
	d.srv.bg.Wait()
	if err := d.dm.RenderDrafts(context.Background()); err != nil {
		d.t.Fatal(err)
	}
	var link string
	err := d.st.View(context.Background(), func(tx *store.Tx) error {
		ms, err := tx.UnfiledMessages(50)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Kind == store.KindNotice && len(m.To) == 1 && m.To[0] == email {
				if l := regexp.MustCompile(`https?://\S+/login/[A-Za-z0-9_-]{43}`).FindString(m.Text); l != "" {
					link = l
					return nil
				}
			}
		}
		return nil
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return link
}

func TestSignIn(t *testing.T) {
	d := newDesk(t, "en", "https://klachten.example.nl")
	// The answer is the same for staff and for a stranger.
	known := d.do("POST", "/login", nil, url.Values{"email": {"Piet@Example.nl"}})
	stranger := d.do("POST", "/login", nil, url.Values{"email": {"piet@example.com"}})
	if known.Code != 200 || stranger.Code != 200 {
		t.Fatalf("status %d, %d", known.Code, stranger.Code)
	}
	norm := func(s string) string { return strings.ReplaceAll(s, "piet@example.com", "piet@example.nl") }
	if norm(known.Body.String()) != norm(stranger.Body.String()) {
		t.Error("the answer tells a known address from an unknown one")
	}
	if !strings.Contains(known.Body.String(), "15 minutes") {
		t.Errorf("answer: %s", known.Body)
	}
	if l := d.linkFrom("piet@example.com"); l != "" {
		t.Errorf("a stranger got a link: %s", l)
	}
	link := d.linkFrom("piet@example.nl")
	if !strings.HasPrefix(link, "https://klachten.example.nl/login/") {
		t.Fatalf("no sign-in link in the outbox (got %q)", link)
	}
	path := strings.TrimPrefix(link, "https://klachten.example.nl")

	// Opening the link does not use it; the button does.
	for range 2 {
		if w := d.do("GET", path, nil, nil); w.Code != 200 || !strings.Contains(w.Body.String(), `action="`+path+`"`) {
			t.Fatalf("GET link: %d\n%s", w.Code, w.Body)
		}
	}
	w := d.do("POST", path, nil, url.Values{})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("POST link: %d %v", w.Code, w.Header())
	}
	sc := w.Result().Cookies()
	if len(sc) != 1 || !sc[0].HttpOnly || !sc[0].Secure || sc[0].SameSite != http.SameSiteLaxMode || sc[0].Name != cookieName {
		t.Fatalf("cookie: %+v", sc)
	}
	if w := d.do("GET", "/", sc[0], nil); w.Code != 200 || !strings.Contains(w.Body.String(), "KL-2026-0001") {
		t.Fatalf("register after sign-in: %d", w.Code)
	}
	// The session is stored hashed; the sign-in is an event on the web.
	err := d.st.View(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.WebToken(store.TokenSession, sc[0].Value); err == nil {
			t.Error("session stored in the clear")
		}
		_, err := tx.WebToken(store.TokenSession, store.HashToken(sc[0].Value))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var signedIn bool
	err = d.st.View(context.Background(), func(tx *store.Tx) error {
		evs, err := tx.EventsOfNoDossier(20)
		for _, e := range evs {
			signedIn = signedIn || (e.Action == "signed in" && e.Actor == "piet@example.nl" && e.Channel == "web")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !signedIn {
		t.Error("no 'signed in' event by piet on the web")
	}

	// Used again: a clear page and a fresh start.
	for _, m := range []string{"GET", "POST"} {
		w := d.do(m, path, nil, url.Values{})
		if w.Code != http.StatusGone || !strings.Contains(w.Body.String(), "used already") || !strings.Contains(w.Body.String(), `name="email"`) {
			t.Errorf("%s reused link: %d\n%s", m, w.Code, w.Body)
		}
		if len(w.Result().Cookies()) != 0 {
			t.Error("reused link set a cookie")
		}
	}
	// Tampered.
	tampered := path[:len(path)-1] + map[bool]string{true: "A", false: "B"}[!strings.HasSuffix(path, "A")]
	for _, p := range []string{tampered, "/login/short", "/login/" + strings.Repeat("%2E", 43)} {
		w := d.do("POST", p, nil, url.Values{})
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "not valid") {
			t.Errorf("tampered %s: %d", p, w.Code)
		}
	}
	// Expired.
	d.do("POST", "/login", nil, url.Values{"email": {"officer@example.nl"}})
	link = d.linkFrom("officer@example.nl")
	d.advance(SignInValid)
	w = d.do("POST", strings.TrimPrefix(link, "https://klachten.example.nl"), nil, url.Values{})
	if w.Code != http.StatusGone || !strings.Contains(w.Body.String(), "expired") {
		t.Errorf("expired link: %d\n%s", w.Code, w.Body)
	}
}

func TestSignInBadInputAndRateLimits(t *testing.T) {
	d := newDesk(t, "nl", "http://127.0.0.1:8080")
	for _, e := range []string{"", "piet", "Piet <piet@example.nl>", strings.Repeat("a", 250) + "@example.nl"} {
		w := d.do("POST", "/login", nil, url.Values{"email": {e}})
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "geen e-mailadres") {
			t.Errorf("%q: %d", e, w.Code)
		}
	}
	for i := range addressLimit.n {
		if w := d.do("POST", "/login", nil, url.Values{"email": {"piet@example.nl"}}); w.Code != 200 {
			t.Fatalf("request %d: %d", i+1, w.Code)
		}
	}
	if w := d.do("POST", "/login", nil, url.Values{"email": {"piet@example.nl"}}); w.Code != http.StatusTooManyRequests {
		t.Errorf("past the address limit: %d", w.Code)
	}
	// Per client IP, whatever the address.
	for i := addressLimit.n + 1; i < ipLimit.n; i++ {
		d.do("POST", "/login", nil, url.Values{"email": {fmt.Sprintf("x%d@example.org", i)}})
	}
	if w := d.do("POST", "/login", nil, url.Values{"email": {"new@example.org"}}); w.Code != http.StatusTooManyRequests {
		t.Errorf("past the IP limit: %d", w.Code)
	}
	// The window passes.
	d.advance(addressLimit.per)
	if w := d.do("POST", "/login", nil, url.Values{"email": {"piet@example.nl"}}); w.Code != 200 {
		t.Errorf("after the window: %d", w.Code)
	}
	// Over plain http on loopback the cookie is not Secure.
	d.srv.bg.Wait()
	link := d.linkFrom("piet@example.nl")
	w := d.do("POST", strings.TrimPrefix(link, "http://127.0.0.1:8080"), nil, url.Values{})
	if c := w.Result().Cookies(); len(c) != 1 || c[0].Secure {
		t.Errorf("cookie over http: %+v", c)
	}
}

func TestWhoSeesWhat(t *testing.T) {
	d := newDesk(t, "nl", "https://klachten.example.nl")
	users := map[string]*http.Cookie{
		"officer":      d.session("officer@example.nl"),
		"alternate":    d.session("anna@example.nl"),
		"staff":        d.session("piet@example.nl"),
		"other":        d.session("bob@beta.example"),
		"otherofficer": d.session("bea@beta.example"),
		"stranger":     d.session("klant@example.com"), // a session for an address that is no staff
		"signedout":    nil,
	}
	acmePDF := fmt.Sprintf("/dossiers/KL-2026-0001/letters/%d", d.letter.ID)
	acmeAtt := fmt.Sprintf("/dossiers/KL-2026-0001/attachments/%d", d.att.ID)
	betaPDF := fmt.Sprintf("/dossiers/BT-2026-0001/letters/%d", d.betaL.ID)
	tests := []struct {
		path string
		want map[string]int
	}{
		{"/", map[string]int{"officer": 200, "alternate": 200, "staff": 200, "other": 200, "otherofficer": 200, "stranger": 200, "signedout": 200}},
		{"/dossiers/KL-2026-0001", map[string]int{"officer": 200, "alternate": 200, "staff": 200, "other": 404, "otherofficer": 404, "stranger": 303, "signedout": 303}},
		{"/dossiers/kl-2026-0001", map[string]int{"officer": 200, "other": 404}},
		{"/dossiers/BT-2026-0001", map[string]int{"officer": 404, "staff": 404, "other": 200, "otherofficer": 200}},
		{"/dossiers/KL-2026-9999", map[string]int{"officer": 404, "other": 404, "signedout": 303}},
		{acmePDF, map[string]int{"officer": 200, "staff": 200, "other": 404, "signedout": 303}},
		{acmeAtt, map[string]int{"officer": 200, "staff": 200, "other": 404, "signedout": 303}},
		{betaPDF, map[string]int{"officer": 404, "other": 200}},
		{fmt.Sprintf("/dossiers/KL-2026-0001/letters/%d", d.betaL.ID), map[string]int{"officer": 404}}, // a letter of another dossier
		{"/print", map[string]int{"officer": 200, "alternate": 200, "staff": 403, "other": 403, "otherofficer": 200, "signedout": 303}},
		{"/report/2026", map[string]int{"officer": 200, "alternate": 200, "staff": 403, "other": 403, "otherofficer": 200, "signedout": 303}},
		{"/report/2026/pdf", map[string]int{"officer": 200, "staff": 403, "signedout": 303}},
		{"/report/2026/csv", map[string]int{"officer": 200, "staff": 403}},
		{"/report/2026?org=beta", map[string]int{"officer": 404, "otherofficer": 200}},
		{"/report/1999", map[string]int{"officer": 404}},
		{"/report/2026/xls", map[string]int{"officer": 404}},
		{"/nope", map[string]int{"officer": 404, "signedout": 404}},
	}
	for _, tc := range tests {
		for who, want := range tc.want {
			w := d.do("GET", tc.path, users[who], nil)
			if w.Code != want {
				t.Errorf("%s GET %s: %d, want %d", who, tc.path, w.Code, want)
			}
			body := w.Body.String()
			if who != "other" && who != "otherofficer" && strings.Contains(body, "Geheime Klager") {
				t.Errorf("%s GET %s shows beta's complainant", who, tc.path)
			}
			if (who == "other" || who == "otherofficer") && strings.Contains(body, "Müller") {
				t.Errorf("%s GET %s shows acme's complainant", who, tc.path)
			}
		}
	}
	// A foreign number and an unknown one look the same.
	a := d.do("GET", "/dossiers/BT-2026-0001", users["officer"], nil).Body.String()
	b := d.do("GET", "/dossiers/BT-2026-0002", users["officer"], nil).Body.String()
	if a != b {
		t.Error("a foreign dossier's 404 differs from an unknown one's")
	}
	// Signed out, the register is the sign-in page.
	if body := d.do("GET", "/", nil, nil).Body.String(); !strings.Contains(body, `name="email"`) || strings.Contains(body, "KL-2026") {
		t.Error("signed out / is not the sign-in page")
	}
	// The other organisation's officer sees only beta in the register and the print queue.
	for _, p := range []string{"/", "/print"} {
		body := d.do("GET", p, users["otherofficer"], nil).Body.String()
		if !strings.Contains(body, "BT-2026-0001") || strings.Contains(body, "KL-2026") {
			t.Errorf("beta's officer on %s:\n%s", p, body)
		}
	}
}

func TestRegisterHasTheFiguresOfList(t *testing.T) {
	d := newDesk(t, "en", "https://klachten.example.nl")
	c := d.session("officer@example.nl")
	body := d.do("GET", "/", c, nil).Body.String()
	// list: 2 open, KL-2026-0001 past its decide-by date, 1 with a letter to post.
	var open, overdue, toPost int
	err := d.st.View(context.Background(), func(tx *store.Tx) error {
		ds, err := tx.Dossiers(store.DossierFilter{Statuses: register.Open, Organisation: "acme"})
		if err != nil {
			return err
		}
		tp, err := register.ToPost(tx)
		if err != nil {
			return err
		}
		for _, x := range ds {
			open++
			if register.Overdue(x, d.now) {
				overdue++
			}
			if len(tp[x.ID]) > 0 {
				toPost++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if open != 2 || overdue != 1 || toPost != 1 {
		t.Fatalf("fixture: open %d overdue %d to post %d", open, overdue, toPost)
	}
	for _, want := range []string{
		fmt.Sprintf(`Open <span class="count">%d</span>`, open),
		fmt.Sprintf(`Overdue <span class="count">%d</span>`, overdue),
		fmt.Sprintf(`To post <span class="count">%d</span>`, toPost),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("register lacks %q", want)
		}
	}
	views := []struct {
		query     string
		want, not []string
	}{
		{"view=overdue", []string{"KL-2026-0001"}, []string{"KL-2026-0002"}},
		{"view=topost", []string{"KL-2026-0001"}, []string{"KL-2026-0002"}},
		{"q=jan+de", []string{"KL-2026-0002"}, []string{"KL-2026-0001"}},
		{"q=kl-2026-0001", []string{"KL-2026-0001"}, []string{"KL-2026-0002"}},
		{"handler=anna%40example.nl", []string{"KL-2026-0002"}, []string{"KL-2026-0001"}},
		{"view=bogus", []string{"KL-2026-0001", "KL-2026-0002"}, nil},
		{"q=%3Cscript%3E", nil, []string{"<script>"}},
	}
	for _, v := range views {
		body := d.do("GET", "/?"+v.query, c, nil).Body.String()
		for _, w := range v.want {
			if !strings.Contains(body, `">`+w+`</a>`) {
				t.Errorf("?%s lacks %s", v.query, w)
			}
		}
		for _, w := range v.not {
			if strings.Contains(body, `">`+w+`</a>`) || (w == "<script>" && strings.Contains(body, w)) {
				t.Errorf("?%s shows %s", v.query, w)
			}
		}
	}
}

func TestDossierPage(t *testing.T) {
	d := newDesk(t, "nl", "https://klachten.example.nl")
	body := d.do("GET", "/dossiers/KL-2026-0001", d.session("piet@example.nl"), nil).Body.String()
	for _, term := range register.Terms(d.acme) {
		if !strings.Contains(body, term.Basis) {
			t.Errorf("page lacks the basis %q", term.Basis)
		}
	}
	for _, want := range []string{"Interne notitie — de klager ziet dit niet", "Klant belde ook nog.", "factuur.html",
		"Jos\u00e9 M\u00fcller-\u00c7elik", "Dorpsstraat 1", "wacht op de post", `lang="nl"`, "Te laat"} {
		if !strings.Contains(body, want) {
			t.Errorf("dossier page lacks %q", want)
		}
	}
	// Staff see the letter waiting but get no posting form.
	if strings.Contains(body, "/posted") {
		t.Error("staff get the posting form")
	}
	if body := d.do("GET", "/dossiers/KL-2026-0001", d.session("officer@example.nl"), nil).Body.String(); !strings.Contains(body, "/posted") {
		t.Error("the officer gets no posting form")
	}
	// Downloads: the letter as PDF, the HTML attachment as bytes that do not run.
	w := d.do("GET", fmt.Sprintf("/dossiers/KL-2026-0001/letters/%d", d.letter.ID), d.session("piet@example.nl"), nil)
	if w.Header().Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-")) ||
		!strings.Contains(w.Header().Get("Content-Disposition"), "KL-2026-0001-decision.pdf") {
		t.Errorf("letter download: %v %q", w.Header(), w.Body.String()[:8])
	}
	w = d.do("GET", fmt.Sprintf("/dossiers/KL-2026-0001/attachments/%d", d.att.ID), d.session("piet@example.nl"), nil)
	if w.Header().Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") ||
		!strings.Contains(w.Header().Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("attachment download: %v", w.Header())
	}
}

func TestPathTricksOnDownloadsAreRefused(t *testing.T) {
	d := newDesk(t, "nl", "https://klachten.example.nl")
	c := d.session("officer@example.nl")
	// A stored path that would leave the data directory is never read.
	secret := filepath.Join(filepath.Dir(d.cfg.DataDir), "secret.txt")
	if err := os.WriteFile(secret, []byte("geheim"), 0o600); err != nil {
		t.Fatal(err)
	}
	var evil int64
	err := d.st.Tx(context.Background(), func(tx *store.Tx) error {
		l := &store.Letter{DossierID: d.acme.ID, Kind: "delay", Language: "nl", PDFPath: "../secret.txt", CreatedAt: d.now}
		err := tx.InsertLetter(l)
		evil = l.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		fmt.Sprintf("/dossiers/KL-2026-0001/letters/%d", evil),
		"/dossiers/KL-2026-0001/letters/..%2F..%2Fsecret.txt",
		"/dossiers/KL-2026-0001/letters/-1",
		"/dossiers/KL-2026-0001/letters/1e3",
		"/dossiers/KL-2026-0001/attachments/..%2f..%2fklachtd.db",
		"/dossiers/..%2F..%2Fsecret.txt/letters/1",
		"/dossiers/KL-2026-0001/letters/../../../secret.txt",
		"/static/../klachtd.db",
		"/static/..%2f..%2fsecret.txt",
	} {
		w := d.do("GET", p, c, nil)
		if strings.Contains(w.Body.String(), "geheim") || (w.Code != 404 && w.Code != 301 && w.Code != 307 && w.Code != 308) {
			t.Errorf("GET %s: %d %q", p, w.Code, w.Body.String()[:min(80, w.Body.Len())])
		}
	}
}

// events returns the events of a dossier.
func (d *desk) events(dos *store.Dossier) []*store.Event {
	d.t.Helper()
	var evs []*store.Event
	err := d.st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		evs, err = tx.Events(dos.ID)
		return err
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return evs
}

func (d *desk) postedAt(id int64) time.Time {
	d.t.Helper()
	var at time.Time
	err := d.st.View(context.Background(), func(tx *store.Tx) error {
		ls, err := tx.Letters(d.acme.ID)
		for _, l := range ls {
			if l.ID == id {
				at = l.PostedAt
			}
		}
		return err
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return at
}

func TestPostedRecordsThroughTheMailCommandsCode(t *testing.T) {
	d := newDesk(t, "en", "https://klachten.example.nl")
	officer := d.session("officer@example.nl")
	target := fmt.Sprintf("/dossiers/KL-2026-0001/letters/%d/posted", d.letter.ID)
	refused := []struct {
		name string
		who  *http.Cookie
		date string
		code int
		says string
	}{
		{"staff", d.session("piet@example.nl"), "2026-03-19", 422, "Only the complaints officer"},
		{"no date", officer, "", 422, "Type a date"},
		{"not a date", officer, "19-03-2026'; DROP TABLE letters", 422, "Type a date"},
		{"future", officer, "2026-03-21", 422, "in the future"},
		{"before the letter", officer, "2026-03-09", 422, "before the day the letter was made"},
		{"other organisation", d.session("bea@beta.example"), "2026-03-19", 404, ""},
		{"signed out", nil, "2026-03-19", 401, ""},
	}
	before := len(d.events(d.acme))
	for _, tc := range refused {
		w := d.do("POST", target, tc.who, url.Values{"date": {tc.date}})
		if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.says) {
			t.Errorf("%s: %d, want %d with %q", tc.name, w.Code, tc.code, tc.says)
		}
	}
	if !d.postedAt(d.letter.ID).IsZero() || len(d.events(d.acme)) != before {
		t.Fatal("a refused action changed something")
	}
	// A forged cross-origin POST is refused, however valid its cookie.
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		w := d.do("POST", target, officer, url.Values{"date": {"2026-03-19"}}, h...)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "another website") {
			t.Errorf("cross-origin %v: %d", h, w.Code)
		}
	}
	if !d.postedAt(d.letter.ID).IsZero() {
		t.Fatal("a cross-origin POST recorded the posting")
	}

	w := d.do("POST", target, officer, url.Values{"date": {"2026-03-19"}, "back": {"print"}},
		"Origin", "https://klachten.example.nl", "Sec-Fetch-Site", "same-origin")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/print?posted=") {
		t.Fatalf("post: %d %v\n%s", w.Code, w.Header(), w.Body)
	}
	if got := d.do("GET", w.Header().Get("Location"), officer, nil).Body.String(); !strings.Contains(got, "Recorded: decision posted on 19 March 2026") {
		t.Errorf("print page after posting:\n%s", got)
	}
	if at := d.postedAt(d.letter.ID); at.In(procedure.Amsterdam).Format("2006-01-02") != "2026-03-19" {
		t.Errorf("posted_at = %v", at)
	}
	evs := d.events(d.acme)
	last := evs[len(evs)-1]
	// The same event the "Verzonden:" command writes (store.Tx.RecordPosted),
	// by the officer, on the web.
	if last.Action != "posted" || last.Actor != "officer@example.nl" || last.Channel != "web" ||
		last.Detail != "decision letter posted on 2026-03-19" {
		t.Errorf("event: %+v", last)
	}
	// Again: not waiting any more, nothing changes.
	w = d.do("POST", target, officer, url.Values{"date": {"2026-03-20"}})
	if w.Code != 422 || !strings.Contains(w.Body.String(), "not (or no longer) waiting") {
		t.Errorf("second posting: %d", w.Code)
	}
	if len(d.events(d.acme)) != len(evs) {
		t.Error("the second posting added an event")
	}
}

func TestSignOut(t *testing.T) {
	d := newDesk(t, "nl", "https://klachten.example.nl")
	c := d.session("piet@example.nl")
	if w := d.do("GET", "/logout", c, nil); w.Code != 200 || !strings.Contains(w.Body.String(), "afmelden") {
		t.Errorf("GET /logout: %d", w.Code)
	}
	w := d.do("POST", "/logout", c, url.Values{})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "afgemeld") {
		t.Errorf("POST /logout: %d", w.Code)
	}
	if sc := w.Result().Cookies(); len(sc) != 1 || sc[0].MaxAge >= 0 {
		t.Errorf("cookie not cleared: %+v", sc)
	}
	if w := d.do("GET", "/dossiers/KL-2026-0001", c, nil); w.Code != http.StatusSeeOther {
		t.Errorf("old cookie after sign-out: %d", w.Code)
	}
	// Sessions end when idle, and at the latest SessionMax after sign-in.
	c = d.session("piet@example.nl")
	d.advance(SessionIdle)
	if w := d.do("GET", "/dossiers/KL-2026-0001", c, nil); w.Code != http.StatusSeeOther {
		t.Errorf("idle session: %d", w.Code)
	}
	c = d.session("piet@example.nl")
	for range int(SessionMax/time.Hour) + 1 {
		d.advance(time.Hour)
		d.do("GET", "/", c, nil)
	}
	if w := d.do("GET", "/dossiers/KL-2026-0001", c, nil); w.Code != http.StatusSeeOther {
		t.Errorf("session past its maximum: %d", w.Code)
	}
}

func TestReportPage(t *testing.T) {
	d := newDesk(t, "nl", "https://klachten.example.nl")
	c := d.session("officer@example.nl")
	body := d.do("GET", "/report/2026", c, nil).Body.String()
	for _, want := range []string{"Jaarverslag 2026", "Ontvangen per maand", "<svg", "factuur", "/report/2026/pdf?org=acme"} {
		if !strings.Contains(body, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	w := d.do("GET", "/report/2026/pdf", c, nil)
	if !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-")) {
		t.Errorf("report PDF: %d %q", w.Code, w.Body.String()[:min(40, w.Body.Len())])
	}
	w = d.do("GET", "/report/2026/csv", c, nil)
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") || !strings.Contains(w.Body.String(), "2026") {
		t.Errorf("report CSV: %v", w.Header())
	}
}

func TestClientIPBehindTrustedProxy(t *testing.T) {
	d := newDesk(t, "nl", "https://klachten.example.nl")
	d.srv.cfg.Web.TrustedProxies = mustPrefixes(t, "192.0.2.10/32")
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "192.0.2.10:1234"
	req.Header.Set("X-Forwarded-For", "6.6.6.6, 198.51.100.7")
	if got := d.srv.clientIP(req); got != "198.51.100.7" {
		t.Errorf("clientIP = %s", got)
	}
	req.RemoteAddr = "203.0.113.9:1234" // not a proxy: its header is not believed
	if got := d.srv.clientIP(req); got != "203.0.113.9" {
		t.Errorf("clientIP = %s", got)
	}
}

func mustPrefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, s := range ss {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// advance moves the clock once the sign-in mails being queued are done.
func (d *desk) advance(by time.Duration) {
	d.srv.bg.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.now = d.now.Add(by)
}
