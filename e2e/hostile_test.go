package e2e

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtd/klachtd/e2e/hostile"
)

// Users the hostile corpus writes from, besides the stack's own: automatic
// mail comes from auto+CASE@, bounces from mailer-daemon@ and postmaster@,
// and header injection aims at victim@. Anything klachtd sends to them is
// a mail loop or an injection.
const (
	autoUser     = "auto@example.com"
	mailerDaemon = "mailer-daemon@example.com"
	postmaster   = "postmaster@example.com"
	victim       = "victim@example.com"
)

// TestHostileCorpus sends ≥ 200 hostile mails of e2e/hostile through the
// real Postfix to the intake mailbox, runs `klachtd run`, and checks the
// outcome of every one (issue 7, "A hostile corpus"): 100 % filed or
// quarantined with a reason, no crash, no mail loop, no injection, no file
// outside the data directory, and a normal complaint afterwards
// acknowledged within seconds.
//
// KLACHTD_E2E_HOSTILE_BIG sets the size of the large attachment in MiB
// (default 25; 0 leaves that mail out).
func TestHostileCorpus(t *testing.T) {
	e := newEnv(t)
	addUsers(t, autoUser, mailerDaemon, postmaster, victim)
	escape := filepath.Join(os.TempDir(), fmt.Sprintf("klachtd-escape-%d-", os.Getpid()))
	opts := hostile.Default(time.Now())
	opts.Big = envInt(t, "KLACHTD_E2E_HOSTILE_BIG", 25) << 20
	opts.Escape = escape
	corpus := hostile.Corpus(opts)
	// KLACHTD_E2E_HOSTILE_CASES=h015,h183 sends only those cases (to
	// reproduce one failure); the forged cases that name dossier 0001 then
	// need a complaint case before them.
	if only := os.Getenv("KLACHTD_E2E_HOSTILE_CASES"); only != "" {
		keep := map[string]bool{}
		for _, c := range strings.Split(only, ",") {
			keep[strings.TrimSpace(c)] = true
		}
		var sub []hostile.Mail
		for _, m := range corpus {
			if keep[m.Case] {
				sub = append(sub, m)
			}
		}
		corpus = sub
		t.Logf("KLACHTD_E2E_HOSTILE_CASES: %d case(s)", len(corpus))
	} else if len(corpus) < 200 {
		t.Fatalf("the hostile corpus has %d mails, want at least 200", len(corpus))
	}
	byCase := make(map[string]hostile.Mail, len(corpus))
	for _, m := range corpus {
		byCase[m.Case] = m
	}

	// Through the real Postfix, one SMTP transaction each. Postfix may
	// refuse a mail outright; that is its right, and such a mail is left
	// out of the count (none is refused today).
	start := time.Now()
	var refused []string
	var bytesSent int
	for _, m := range corpus {
		if err := smtpSend(stack.SMTPAddr, m.EnvelopeFrom, []string{m.Rcpt}, m.Raw); err != nil {
			refused = append(refused, fmt.Sprintf("%s (%s): %v", m.Case, m.Name, err))
			delete(byCase, m.Case)
			continue
		}
		bytesSent += len(m.Raw)
	}
	if len(refused) > 0 {
		t.Logf("Postfix refused %d mail(s):\n  %s", len(refused), strings.Join(refused, "\n  "))
	}
	if !pollUntil(2*time.Minute, 200*time.Millisecond, func() bool { return len(mailboxUIDs(t, intake, "INBOX")) >= len(byCase) }) {
		t.Fatalf("only %d of %d hostile mails reached %s's INBOX within 2 minutes", len(mailboxUIDs(t, intake, "INBOX")), len(byCase), intake)
	}
	t.Logf("%d hostile mails (%.1f MB) delivered to %s in %.1fs", len(byCase), float64(bytesSent)/(1<<20), intake, time.Since(start).Seconds())

	// klachtd as it runs in production.
	start = time.Now()
	d := e.start("run")
	keepLogOnFailure(t, "hostile", func() string { return d.stdout.String() + d.stderr.String() })
	// One bad message must never block the next: the INBOX shrinks until
	// it is empty (klachtd moves what it filed after each pass over the
	// folder), and a minute in which neither the INBOX shrinks nor klachtd
	// logs anything is a failure.
	left, logged, progressed := len(byCase), 0, time.Now()
	for d.running() && left > 0 {
		if time.Since(progressed) > time.Minute {
			t.Fatalf("klachtd stopped filing: %d of %d hostile mails still in the INBOX after a minute without progress", left, len(byCase))
		}
		time.Sleep(500 * time.Millisecond)
		if n := len(mailboxUIDs(t, intake, "INBOX")); n < left {
			left, progressed = n, time.Now()
		}
		if n := len(d.stderr.String()); n > logged {
			logged, progressed = n, time.Now()
		}
	}
	if !d.running() {
		_, err := d.wait(0)
		t.Fatalf("klachtd run exited while filing the hostile corpus: %v\n%s", err, tail(d.stderr.String(), 6000))
	}
	t.Logf("klachtd emptied the INBOX in %.1fs", time.Since(start).Seconds())

	// The letters of the corpus: wait until every complaint case is
	// acknowledged, or until nothing new arrives for 30 s.
	complaints := 0
	for _, m := range byCase {
		if m.Expect == hostile.Complaint {
			complaints++
		}
	}
	acks := func() []string {
		var out []string
		for _, h := range folderHeader(t, complainant, "INBOX", "X-Klachtd-Letter") {
			if h.Get("X-Klachtd-Letter") == "acknowledgement" {
				out = append(out, h.Get("X-Klachtd-Letter"))
			}
		}
		return out
	}
	last, lastChange := -1, time.Now()
	pollUntil(5*time.Minute, time.Second, func() bool {
		n := len(acks())
		if n != last {
			last, lastChange = n, time.Now()
		}
		return n >= complaints || time.Since(lastChange) > 30*time.Second
	})
	t.Logf("%d acknowledgements arrived for %d complaint cases, %.1fs after the start", last, complaints, time.Since(start).Seconds())

	// A normal complaint afterwards is acknowledged within seconds.
	sent := time.Now()
	normalID := sendComplaint(t, "Klacht na de vijandige post")
	normalAck := waitMail(t, complainant, func(raw []byte) bool {
		return headerOf(raw, "X-Klachtd-Letter") == "acknowledgement" && strings.Contains(headerOf(raw, "In-Reply-To"), normalID)
	}, 15*time.Second)
	took := time.Since(sent)
	t.Logf("a normal complaint after the corpus was acknowledged in %.2fs", took.Seconds())
	if took > 10*time.Second {
		t.Errorf("the normal complaint took %.1fs to be acknowledged, want within 10s", took.Seconds())
	}
	_ = normalAck

	if err := d.stop(30 * time.Second); err != nil {
		t.Errorf("klachtd run after SIGTERM: %v, want exit status 0", err)
	}
	noPanic(t, "klachtd run", d.stdout.String()+d.stderr.String())

	checkHostileOutcome(t, e, byCase, normalID, escape)
}

// checkHostileOutcome checks what became of every hostile mail.
func checkHostileOutcome(t *testing.T, e *env, byCase map[string]hostile.Mail, normalID, escape string) {
	// 1. The IMAP folders: INBOX empty; every case exactly once in the
	// processed or the quarantine folder; nothing else reached info@.
	if n := len(mailboxUIDs(t, intake, "INBOX")); n != 0 {
		t.Errorf("%s INBOX holds %d message(s) after the run, want 0", intake, n)
	}
	where := make(map[string][]string) // case → folders
	others := 0
	for _, folder := range []string{"Klachten", quarantineFolder} {
		for _, h := range folderHeader(t, intake, folder, "X-Hostile-Case", "Message-ID") {
			c := strings.TrimSpace(h.Get("X-Hostile-Case"))
			if c == "" {
				if bareID(h.Get("Message-ID")) != normalID {
					others++
				}
				continue
			}
			where[c] = append(where[c], folder)
		}
	}
	inQuarantineFolder := 0
	for c, m := range byCase {
		switch f := where[c]; {
		case len(f) == 0:
			t.Errorf("%s (%s, %s) is neither in Klachten nor in %s", c, m.Group, m.Name, quarantineFolder)
		case len(f) > 1:
			t.Errorf("%s (%s) is %d times in the folders: %v", c, m.Name, len(f), f)
		case f[0] == quarantineFolder:
			inQuarantineFolder++
		}
	}
	if others != 0 {
		t.Errorf("%d message(s) without X-Hostile-Case reached %s besides the normal complaint (klachtd mailing itself?)", others, intake)
	}

	// 2. The register: `quarantine -json`, `list -json`, `show -json`.
	qs := e.quarantineJSON(t)
	qByID := make(map[string]quarantined)
	for _, q := range qs {
		if strings.TrimSpace(q.Reason) == "" {
			t.Errorf("quarantined message %d (%q from %q) has no reason", q.ID, q.Subject, q.From)
		}
		qByID[bareID(q.MessageID)] = q
	}
	if len(qs) != inQuarantineFolder {
		t.Errorf("quarantine -json lists %d message(s), the %s folder holds %d hostile one(s)", len(qs), quarantineFolder, inQuarantineFolder)
	}
	ds := e.listJSON(t)
	dossiersOf := make(map[string][]dossier) // complainant address → dossiers
	for _, d := range ds {
		dossiersOf[strings.ToLower(d.Complainant.Email)] = append(dossiersOf[strings.ToLower(d.Complainant.Email)], d)
	}

	// 3. The mailboxes of everybody klachtd may write to.
	complainantMail := fetchAll(t, complainant, "INBOX")
	acksTo := make(map[string]int) // recipient address → acknowledgements
	for _, raw := range complainantMail {
		if headerOf(raw, "X-Klachtd-Letter") != "acknowledgement" {
			continue
		}
		for _, to := range headerLines(raw, "To") {
			acksTo[strings.ToLower(strings.Trim(addrOf(to), "<>"))]++
		}
	}
	for _, user := range []string{autoUser, mailerDaemon, postmaster} {
		if msgs := fetchAll(t, user, "INBOX"); len(msgs) != 0 {
			t.Errorf("mail loop: klachtd wrote %d message(s) to the sender of automatic mail %s: %s", len(msgs), user, subjects(msgs))
		}
	}
	if msgs := fetchAll(t, victim, "INBOX"); len(msgs) != 0 {
		t.Errorf("header injection: %s received %d message(s): %s", victim, len(msgs), subjects(msgs))
	}
	for _, user := range append([]string{complainant}, people...) {
		for _, raw := range fetchAll(t, user, "INBOX") {
			for _, name := range rawHeaderNames(raw) {
				if name == "x-injected" || name == "bcc" {
					t.Errorf("header injection: a mail to %s carries a %s header: %q", user, name, headerOf(raw, "Subject"))
				}
			}
		}
	}

	// 4. Every case by what it must become.
	tally := make(map[string]int)
	for _, c := range sortedCases(byCase) {
		m := byCase[c]
		id := c + ".hostile@example.com"
		q, isQ := qByID[id]
		ownDossiers := dossiersOf[strings.ToLower(hostileSender(m))]
		switch m.Expect {
		case hostile.Complaint:
			// Exactly one dossier for its sender, acknowledged once.
			switch {
			case len(dossiersOf[m.Complainant]) == 1:
				tally["dossier"]++
			case isQ:
				t.Errorf("%s (%s, %s): a complaint was quarantined instead of registered: %s", c, m.Group, m.Name, q.Reason)
			default:
				t.Errorf("%s (%s, %s): %d dossiers for %s, want 1", c, m.Group, m.Name, len(dossiersOf[m.Complainant]), m.Complainant)
			}
			// The acknowledgement needs every text to render in the PDF
			// (issue 7 "Every text renders", the letters helper's piece):
			// until that lands, the Unicode cases fail here.
			if n := acksTo[m.Complainant]; n != 1 {
				t.Errorf("%s (%s, %s): %s received %d acknowledgement(s), want 1", c, m.Group, m.Name, m.Complainant, n)
			}
		case hostile.Automatic:
			// Automatic mail: the auto-detection (the corpus helper's
			// piece) must recognise every one of these conventions.
			if len(ownDossiers) != 0 {
				t.Errorf("%s (%s): automatic mail opened dossier %s", c, m.Name, ownDossiers[0].Number)
			}
			if isQ {
				t.Errorf("%s (%s): automatic mail quarantined (%s), want filed as automatic", c, m.Name, q.Reason)
			}
			tally["automatic"]++
		case hostile.Suspicious, hostile.Filed:
			if len(ownDossiers) != 0 {
				t.Errorf("%s (%s): opened dossier %s, want none", c, m.Name, ownDossiers[0].Number)
			}
			if n := acksTo[hostileSender(m)]; n != 0 {
				t.Errorf("%s (%s): its sender got %d acknowledgement(s)", c, m.Name, n)
			}
			if isQ {
				t.Errorf("%s (%s): quarantined (%s), want filed", c, m.Name, q.Reason)
			}
			tally[string(m.Expect)]++
		case hostile.Quarantine:
			if !isQ {
				t.Errorf("%s (%s): not in quarantine -json", c, m.Name)
			}
			if len(ownDossiers) != 0 {
				t.Errorf("%s (%s): opened dossier %s, want quarantine", c, m.Name, ownDossiers[0].Number)
			}
			tally["quarantine"]++
		}
	}
	caseAddr := map[string]bool{}
	for _, m := range byCase {
		caseAddr[strings.ToLower(hostileSender(m))] = true
	}
	for addr, dd := range dossiersOf {
		if !caseAddr[addr] && addr != complainant {
			t.Logf("dossier %s is for %s, the address of no case", dd[0].Number, addr)
		}
	}
	t.Logf("hostile corpus: %d mails: %d dossiers, %d automatic, %d suspicious, %d filed in another dossier, %d quarantined (folder %s holds %d, quarantine -json lists %d)",
		len(byCase), tally["dossier"], tally["automatic"], tally["suspicious"], tally["filed"], tally["quarantine"], quarantineFolder, inQuarantineFolder, len(qs))

	// The forged reply-token commands changed nothing in the dossier they
	// named, and the officer heard of each.
	if len(ds) > 0 {
		first := e.detail(t, firstNumber())
		if first.Status != "open" || first.Verdict != "" {
			t.Errorf("%s: status %q verdict %q after forged commands, want open and no verdict", first.Number, first.Status, first.Verdict)
		}
	}
	alerts := 0
	for _, raw := range fetchAll(t, officer, "INBOX") {
		if headerOf(raw, "X-Klachtd-Notice") == "alert" {
			alerts++
		}
	}
	if alerts < tallyOf(byCase, hostile.Suspicious) {
		t.Errorf("the officer received %d alert(s) for %d suspicious mails", alerts, tallyOf(byCase, hostile.Suspicious))
	}

	// Every dossier's complaint is on file (show -json; two at a time).
	var wg sync.WaitGroup
	var mu sync.Mutex
	numbers := make(chan dossier)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range numbers {
				out, stderr, err := e.klachtd("show", "-json", d.Number)
				var det fullDetail
				if err == nil {
					err = json.Unmarshal([]byte(out), &det)
				}
				mu.Lock()
				switch {
				case err != nil:
					t.Errorf("show -json %s: %v\n%s", d.Number, err, tail(stderr, 2000))
				case !det.hasMessage("complaint", ""):
					t.Errorf("%s (%s): show -json has no complaint message: %s", d.Number, d.Complainant.Email, det.messageKinds())
				}
				mu.Unlock()
			}
		}()
	}
	for _, d := range ds {
		numbers <- d
	}
	close(numbers)
	wg.Wait()

	// 5. Nothing was written outside the data directory.
	if matches, _ := filepath.Glob(escape + "*"); len(matches) != 0 {
		t.Errorf("path traversal: attachment names created %v", matches)
	}
	_ = filepath.WalkDir(e.dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || path == e.dir || de.IsDir() {
			return nil
		}
		if !strings.HasPrefix(path, e.dataDir+string(filepath.Separator)) && filepath.Dir(path) != e.dir {
			t.Errorf("a file outside the data directory: %s", path)
		}
		return nil
	})
}

// hostileSender is the address a hostile mail's letters would go to.
func hostileSender(m hostile.Mail) string {
	if m.Complainant != "" {
		return m.Complainant
	}
	return strings.ToLower(m.EnvelopeFrom)
}

func tallyOf(byCase map[string]hostile.Mail, x hostile.Expect) int {
	n := 0
	for _, m := range byCase {
		if m.Expect == x {
			n++
		}
	}
	return n
}

func sortedCases(byCase map[string]hostile.Mail) []string {
	var cs []string
	for c := range byCase {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return cs
}

// addrOf takes the address out of a To value ("Name <a@b>" → "a@b").
func addrOf(v string) string {
	if i := strings.LastIndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			return v[i+1 : i+j]
		}
	}
	return strings.TrimSpace(v)
}
