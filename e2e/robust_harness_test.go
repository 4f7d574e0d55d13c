package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"net/textproto"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Helpers of the robustness tests (issue 7): the kill campaign, the server
// faults and the hostile corpus.

// quarantineFolder is where klachtd moves the messages it quarantines
// ([[mailbox]] quarantine_folder; its default).
const quarantineFolder = "Quarantaine"

// addUsers adds users to the stack (one Postfix reload) and waits until
// Dovecot lets each log in. Users stay across resets; adding them again is
// harmless.
func addUsers(t *testing.T, addrs ...string) {
	t.Helper()
	args := append([]string{"addusers", stack.Password}, addrs...)
	if out, err := runTool(time.Minute, mailstack, args...); err != nil {
		t.Fatalf("mailstack addusers: %v\n%s", err, out)
	}
	deadline := time.Now().Add(15 * time.Second)
	for _, addr := range addrs {
		for {
			_, done, err := imapLogin(addr)
			if err == nil {
				done()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s cannot log in 15s after addusers: %v", addr, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// folderHeader returns, for every message of user's folder, the header
// fields named (one textproto.MIMEHeader per message, in UID order). A
// folder that does not exist yields nothing.
func folderHeader(t testing.TB, user, folder string, names ...string) []textproto.MIMEHeader {
	t.Helper()
	hs, err := tryFolderHeader(user, folder, names...)
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

// tryFolderHeader is folderHeader for goroutines that may not fail the test.
func tryFolderHeader(user, folder string, names ...string) ([]textproto.MIMEHeader, error) {
	c, done, err := imapLoginFor(user, 5*time.Minute)
	if err != nil {
		return nil, err
	}
	defer done()
	uids, exists, err := selectUIDs(c, folder, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", user, err)
	}
	if !exists || len(uids) == 0 {
		return nil, nil
	}
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: names, Peek: true}
	bufs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		return nil, fmt.Errorf("%s: fetch headers of %s: %w", user, folder, err)
	}
	var out []textproto.MIMEHeader
	for _, b := range bufs {
		raw := b.FindBodySection(section)
		h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
		if err != nil && len(h) == 0 {
			h = textproto.MIMEHeader{}
		}
		out = append(out, h)
	}
	return out, nil
}

// messageIDsIn lists the Message-IDs (without brackets) of user's folder,
// one per message ("" for a message without one).
func messageIDsIn(t testing.TB, user, folder string) []string {
	t.Helper()
	var ids []string
	for _, h := range folderHeader(t, user, folder, "Message-ID") {
		ids = append(ids, bareID(h.Get("Message-ID")))
	}
	return ids
}

// countIDs counts the values of a list.
func countIDs(ids []string) map[string]int {
	n := make(map[string]int)
	for _, id := range ids {
		n[id]++
	}
	return n
}

// panicRe matches a Go panic or a runtime crash in klachtd's output.
var panicRe = regexp.MustCompile(`(?m)(^panic: |^fatal error: |goroutine \d+ \[|runtime error:|panicked)`)

// noPanic fails the test if klachtd's output shows a panic, even one that
// was recovered: one bad message must end in quarantine with a reason, not
// in a stack trace.
func noPanic(t testing.TB, what, output string) {
	t.Helper()
	if loc := panicRe.FindStringIndex(output); loc != nil {
		from := max(loc[0]-1500, 0)
		t.Errorf("%s shows a panic:\n%s", what, output[from:min(loc[1]+3000, len(output))])
	}
}

// envDuration reads a duration from the environment, with a default.
func envDuration(t testing.TB, name string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return d
}

// envInt reads an integer from the environment, with a default.
func envInt(t testing.TB, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return n
}

// pollUntil polls cond every interval until it holds or timeout passes,
// and reports whether it held.
func pollUntil(timeout, interval time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval)
	}
}

// headerOf returns a header field of a raw message, "" if absent or
// unparsable.
func headerOf(raw []byte, name string) string {
	h, err := readHeader(raw)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(h.Get(name))
}

// rawHeaderNames lists the field names of a raw message's top header.
func rawHeaderNames(raw []byte) []string {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		end = bytes.Index(raw, []byte("\n\n"))
	}
	if end < 0 {
		end = len(raw)
	}
	var names []string
	for _, line := range strings.Split(string(raw[:end]), "\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		if name, _, ok := strings.Cut(line, ":"); ok {
			names = append(names, strings.ToLower(strings.TrimSpace(name)))
		}
	}
	return names
}

// keepLogOnFailure writes a daemon's whole output to a file in the temp
// dir when the test fails (the transcript printed with the failure keeps
// only its tail), and names the file in the failure.
func keepLogOnFailure(t *testing.T, name string, out func() string) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		f, err := os.CreateTemp("", "klachtd-"+name+"-*.log")
		if err != nil {
			t.Logf("keep the log of %s: %v", name, err)
			return
		}
		defer f.Close()
		_, _ = f.WriteString(out())
		t.Logf("the whole output of %s is in %s", name, f.Name())
	})
}
