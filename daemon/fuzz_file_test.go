package daemon

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klachtd/klachtd/config"
	"github.com/klachtd/klachtd/demo"
	"github.com/klachtd/klachtd/e2e/hostile"
	"github.com/klachtd/klachtd/filing"
	"github.com/klachtd/klachtd/mailbox"
	"github.com/klachtd/klachtd/mailbox/token"
	"github.com/klachtd/klachtd/store"
	"github.com/klachtd/klachtd/store/files"
	"github.com/klachtd/klachtd/templates"
)

// FuzzFileRaw drives the whole path from the raw bytes of a fetched message
// to a filed dossier and its rendered letters, in process: fileFetched
// (parse, classify, file in one transaction, or quarantine with a reason),
// then the outbox (render every letter and notice, PDF included, compose,
// send to a capturing SMTP). It fails on a store error, a message left
// unrecorded, a quarantine without a reason, any panic (even one that
// klachtd recovered: one bad message ends in quarantine, but a panic is
// still a bug), a mail that could not be rendered, and a sent mail that
// does not parse or carries a header line that is not one line.
//
// The seeds are the hostile corpus of e2e/hostile (up to 256 KiB each), the
// demo samples, and a staff reply to a real reply-token address.
//
//	go test -run xxx -fuzz FuzzFileRaw -fuzztime 10m ./daemon/
func FuzzFileRaw(f *testing.F) {
	f.Setenv("KLACHTD_DEMO_PASSWORD", demo.Password)
	fuzzing := flag.Lookup("test.fuzz") != nil && flag.Lookup("test.fuzz").Value.String() != ""
	opts := hostile.Default(fuzzNow)
	opts.Escape = filepath.Join(os.TempDir(), "klachtd-fuzz-escape-")
	for i, m := range hostile.Corpus(opts) {
		// Without -fuzz the seeds run as a test: a quarter of the corpus
		// (some of every group) keeps `go test ./...` quick (e2e's
		// TestHostileCorpus sends all of it); fuzzing uses it all.
		if len(m.Raw) > 256<<10 || (!fuzzing && i%4 != 0) {
			continue
		}
		f.Add(m.Raw)
	}
	samples, err := demo.Samples()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range samples {
		f.Add(s.Raw)
	}
	relay := token.PlusAddress("info@example.nl", "KL-2026-0001", token.PurposeRelay, fuzzSecret)
	internal := token.PlusAddress("info@example.nl", "KL-2026-0001", token.PurposeIntern, fuzzSecret)
	f.Add([]byte(strings.ReplaceAll(staffReply("piet@example.nl", relay, "KL-2026-0001.notification.0@example.nl",
		"Beste mevrouw,\n\nWij bellen u morgen.\n\nPiet", "## Antwoord boven deze regel / reply above this line ##\n\nNieuwe klacht"), "\n", "\r\n")))
	f.Add([]byte(strings.ReplaceAll(staffReply("piet@example.nl", internal, "KL-2026-0001.notification.0@example.nl",
		"Oordeel: gegrond\n\nFeiten: afgezegd.\nStandpunt: terecht.\nMaatregelen: nieuwe afspraak.", "## Antwoord boven deze regel / reply above this line ##"), "\n", "\r\n")))

	var w *fuzzWorld
	f.Cleanup(func() {
		if w != nil {
			w.close()
		}
	})
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 1<<20 {
			t.Skip("larger than 1 MiB")
		}
		// A fresh world every 300 messages keeps the store small and the
		// executions fast.
		if w == nil || w.filed >= 300 {
			if w != nil {
				w.close()
			}
			w = newFuzzWorld(t)
		}
		w.fileAndSend(t, raw)
	})
}

// FuzzFileClassify is FuzzFileRaw without the outbox: parse, classify and
// file (or quarantine) only, with the same checks. Rendering a letter's PDF
// costs far more than filing, so this target explores the filing logic
// (threading, tokens, commands, quote cutting, automatic mail) many times
// faster; FuzzFileRaw keeps the whole path honest.
//
//	go test -run xxx -fuzz FuzzFileClassify -fuzztime 10m ./daemon/
func FuzzFileClassify(f *testing.F) {
	f.Setenv("KLACHTD_DEMO_PASSWORD", demo.Password)
	fuzzing := flag.Lookup("test.fuzz") != nil && flag.Lookup("test.fuzz").Value.String() != ""
	opts := hostile.Default(fuzzNow)
	opts.Escape = filepath.Join(os.TempDir(), "klachtd-fuzz-escape-")
	for i, m := range hostile.Corpus(opts) {
		if len(m.Raw) > 256<<10 || (!fuzzing && i%4 != 1) {
			continue
		}
		f.Add(m.Raw)
	}
	var w *fuzzWorld
	f.Cleanup(func() {
		if w != nil {
			w.close()
		}
	})
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 1<<20 {
			t.Skip("larger than 1 MiB")
		}
		if w == nil || w.filed >= 2000 {
			if w != nil {
				w.close()
			}
			w = newFuzzWorld(t)
		}
		w.file(t, raw)
	})
}

var (
	fuzzNow    = time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)
	fuzzSecret = []byte("0123456789abcdef0123456789abcdef")
)

// fuzzWorld is a daemon with its own store and a capturing SMTP.
type fuzzWorld struct {
	dir   string
	d     *Daemon
	st    *store.Store
	mb    *config.Mailbox
	log   *problemLog
	sent  [][]byte
	seen  map[string]bool // sha256 of the messages filed so far
	uid   uint32
	filed int
}

func newFuzzWorld(t *testing.T) *fuzzWorld {
	t.Helper()
	dir, err := os.MkdirTemp("", "klachtd-fuzz-")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "config.toml")
	// Nothing listens on the IMAP and SMTP addresses: the filing is called
	// directly and Send is replaced.
	if err := os.WriteFile(file, []byte(demo.Config(filepath.Join(dir, "var"), "127.0.0.1:9", "127.0.0.1:9")), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := templates.Load("")
	if err != nil {
		t.Fatal(err)
	}
	w := &fuzzWorld{dir: dir, st: st, mb: cfg.Mailboxes[0], log: newProblemLog(), seen: map[string]bool{}}
	w.d = New(cfg, st, tpl, fuzzSecret, slog.New(w.log))
	w.d.Now = func() time.Time { return fuzzNow }
	w.d.Send = func(_ context.Context, _ *config.Mailbox, _ string, _ []string, raw []byte) error {
		w.sent = append(w.sent, raw)
		return nil
	}
	// Dossier KL-2026-0001 exists, so that forged and real reply-token
	// addresses and subject tags have something to aim at.
	w.fileAndSend(t, []byte(strings.ReplaceAll(complaint, "\n", "\r\n")))
	return w
}

func (w *fuzzWorld) close() {
	w.st.Close()
	os.RemoveAll(w.dir)
}

// fileAndSend files raw as the next UID of the intake folder, then renders
// and sends what it caused, and checks the invariants.
func (w *fuzzWorld) fileAndSend(t *testing.T, raw []byte) {
	t.Helper()
	w.file(t, raw)
	if err := w.d.sendDue(context.Background()); err != nil {
		t.Fatalf("sendDue: %v", err)
	}
	for _, p := range w.log.problems() {
		t.Errorf("%s", p)
	}
	for _, out := range w.sent {
		checkOutgoing(t, out)
	}
}

// file files raw as the next UID of the intake folder and checks that it
// is recorded, quarantined with a reason if at all, and that nothing
// panicked.
func (w *fuzzWorld) file(t *testing.T, raw []byte) {
	t.Helper()
	ctx := context.Background()
	w.log.reset()
	w.sent = nil
	w.uid++
	w.filed++

	var before int
	if err := w.st.View(ctx, func(tx *store.Tx) error {
		q, err := tx.Quarantined()
		before = len(q)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	stored, err := w.st.Files().Put(files.Mail, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	in := &filing.Incoming{Mailbox: w.mb, RawPath: stored.Rel, SHA256: stored.Sum, Size: stored.Size, ReceivedAt: fuzzNow}
	quarantined, err := w.d.fileFetched(ctx, in, 1, w.uid)
	if err != nil {
		t.Fatalf("fileFetched: a store error for a message: %v", err)
	}

	var filed, seenQuarantined bool
	var qs []*store.Quarantined
	if err := w.st.View(ctx, func(tx *store.Tx) error {
		var err error
		if filed, _, seenQuarantined, err = tx.SeenUID(w.mb.Address, w.mb.Folder, 1, w.uid); err != nil {
			return err
		}
		qs, err = tx.Quarantined()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !filed {
		t.Fatalf("the message is not recorded as filed (UID %d)", w.uid)
	}
	if quarantined != seenQuarantined {
		t.Errorf("fileFetched says quarantined=%v, the store says %v", quarantined, seenQuarantined)
	}
	// The same bytes filed again are the same message (SPEC "Data
	// safety": filed once); only a new one adds to the quarantine.
	again := w.seen[in.SHA256]
	w.seen[in.SHA256] = true
	if quarantined && !again {
		if len(qs) != before+1 {
			t.Fatalf("quarantined, but the quarantine list went from %d to %d", before, len(qs))
		}
		if q := qs[len(qs)-1]; strings.TrimSpace(q.Reason) == "" {
			t.Errorf("quarantined without a reason")
		}
	}
	for _, p := range w.log.problems() {
		t.Errorf("%s", p)
	}
	w.log.reset()
}

// checkOutgoing checks a mail klachtd sent: it parses, has a Message-ID,
// and every header line is one line ending in CRLF, without an injected
// Bcc.
func checkOutgoing(t *testing.T, raw []byte) {
	t.Helper()
	head, _, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		t.Fatalf("sent mail has no end of header:\n%q", truncate(string(raw), 2000))
	}
	for _, line := range strings.Split(string(head), "\r\n") {
		if strings.ContainsAny(line, "\r\n\x00") {
			t.Errorf("sent header line with a bare CR, LF or NUL: %q", line)
		}
		if strings.HasPrefix(strings.ToLower(line), "bcc:") {
			t.Errorf("sent mail with a Bcc header line: %q", line)
		}
	}
	p, err := mailbox.Parse(bytes.NewReader(raw), "", 0)
	if err != nil {
		t.Fatalf("sent mail does not parse: %v\n%s", err, truncate(string(head), 2000))
	}
	if p.MessageID == "" {
		t.Errorf("sent mail without Message-ID:\n%s", truncate(string(head), 2000))
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// problemLog is a slog.Handler that keeps the records that show a bug: a
// panic (recovered or not) and a mail that could not be rendered.
type problemLog struct {
	shared *problemList
	attrs  []slog.Attr
}

type problemList struct {
	mu   sync.Mutex
	list []string
}

func newProblemLog() *problemLog { return &problemLog{shared: &problemList{}} }

func (l *problemLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *problemLog) WithGroup(string) slog.Handler            { return l }
func (l *problemLog) WithAttrs(as []slog.Attr) slog.Handler {
	return &problemLog{shared: l.shared, attrs: append(append([]slog.Attr(nil), l.attrs...), as...)}
}

func (l *problemLog) Handle(_ context.Context, r slog.Record) error {
	if r.Level < slog.LevelError {
		return nil
	}
	if !strings.Contains(r.Message, "panicked") && !strings.Contains(r.Message, "could not be rendered") {
		return nil
	}
	var b strings.Builder
	b.WriteString(r.Message)
	add := func(a slog.Attr) bool {
		v := a.Value.String()
		if a.Key == "stack" {
			v = truncate(v, 1500)
		}
		fmt.Fprintf(&b, " %s=%s", a.Key, v)
		return true
	}
	for _, a := range l.attrs {
		add(a)
	}
	r.Attrs(add)
	l.shared.mu.Lock()
	l.shared.list = append(l.shared.list, b.String())
	l.shared.mu.Unlock()
	return nil
}

func (l *problemLog) reset() {
	l.shared.mu.Lock()
	l.shared.list = nil
	l.shared.mu.Unlock()
}

func (l *problemLog) problems() []string {
	l.shared.mu.Lock()
	defer l.shared.mu.Unlock()
	return append([]string(nil), l.shared.list...)
}
