package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	largeAttachmentSize = 25 << 20  // 25 MiB, ≈ 34 MB in base64: Postfix takes up to 50 MB
	maxOnceRSS          = 100 << 10 // KiB: `klachtd once` must stream, not hold the mail in memory
)

// largeComplaint builds a complaint with one attachment of random bytes,
// base64 in 76-character lines (RFC 2045 section 6.8).
func largeComplaint(id string, attachment []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Karin de Klant <%s>\nTo: %s\nSubject: Klacht met geluidsopname\n", complainant, intake)
	fmt.Fprintf(&b, "Date: %s\nMessage-ID: <%s>\nMIME-Version: 1.0\n", time.Now().Format(time.RFC1123Z), id)
	b.WriteString("Content-Type: multipart/mixed; boundary=\"grens-e2e-groot\"\n\n")
	b.WriteString("--grens-e2e-groot\nContent-Type: text/plain; charset=utf-8\n\n")
	b.WriteString("Bijgaand de opname van het gesprek waarover ik klaag.\n\nKarin de Klant\n")
	b.WriteString("--grens-e2e-groot\nContent-Type: application/octet-stream; name=\"opname.bin\"\n")
	b.WriteString("Content-Disposition: attachment; filename=\"opname.bin\"\nContent-Transfer-Encoding: base64\n\n")
	enc := base64.StdEncoding.EncodeToString(attachment)
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteByte('\n')
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteString("\n--grens-e2e-groot--\n")
	return b.Bytes()
}

// vmHWM returns the peak resident set size of a running process in KiB, or 0.
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb
		}
	}
	return 0
}

func TestLargeAttachment(t *testing.T) {
	e := newEnv(t)
	number := firstNumber()
	attachment := make([]byte, largeAttachmentSize)
	_, _ = rand.NewChaCha8([32]byte{'k', 'l', 'a', 'c', 'h', 't'}).Read(attachment)
	want := sha256.Sum256(attachment)
	id := newMessageID("groot")
	sendMail(t, complainant, intake, largeComplaint(id, attachment))
	attachment = nil

	// Peak memory is read from /proc/PID/status VmHWM while the process
	// runs. The rusage of the child (ru_maxrss) cannot be used: Go starts
	// children with vfork, and Linux keeps the RSS high-water mark across
	// exec, so the child would be charged with this test's own memory (the
	// attachment and its base64, ~200 MiB).
	start := time.Now()
	d := e.start("once")
	var hwm int64 // KiB
	for d.running() {
		if v := vmHWM(d.cmd.Process.Pid); v > hwm {
			hwm = v
		}
		if time.Since(start) > 2*time.Minute {
			t.Fatal("klachtd once did not finish within 2 minutes")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if d.err != nil {
		t.Fatalf("klachtd once: %v\nstderr:\n%s", d.err, tail(d.stderr.String(), 4000))
	}
	t.Logf("klachtd once filed a %d MiB attachment in %.2fs, peak RSS (VmHWM) %.1f MiB", largeAttachmentSize>>20, time.Since(start).Seconds(), float64(hwm)/1024)
	if hwm == 0 {
		t.Fatal("could not read VmHWM of klachtd once")
	}
	if hwm >= maxOnceRSS {
		t.Errorf("peak RSS of klachtd once = %.1f MiB, want < %d MiB", float64(hwm)/1024, maxOnceRSS>>10)
	}

	onlyDossier(t, e)
	detail := e.showJSON(t, number)
	var filed bool
	for _, m := range detail.Messages {
		if m.Direction == "in" && bareID(m.MessageID) == id {
			filed = true
		}
	}
	if !filed {
		t.Errorf("show -json does not list the complaint <%s>: %+v", id, detail.Messages)
	}
	waitMail(t, complainant, hasSubject("["+number+"]"), 10*time.Second)
	intakeEmpty(t)

	path, mode := findFile(t, e.dataDir, largeAttachmentSize, want)
	if path == "" {
		t.Fatalf("no file of %d bytes with the attachment's SHA-256 under %s", largeAttachmentSize, e.dataDir)
	}
	// docs/spec.md "Data safety": files are created 0600.
	if mode.Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, mode.Perm())
	}
}

// findFile looks under dir for a regular file of the given size and SHA-256.
func findFile(t *testing.T, dir string, size int64, sum [32]byte) (string, fs.FileMode) {
	t.Helper()
	var found string
	var mode fs.FileMode
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || found != "" || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil || info.Size() != size {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		if bytes.Equal(h.Sum(nil), sum[:]) {
			found, mode = path, info.Mode()
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	return found, mode
}
