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
	"syscall"
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

func TestLargeAttachment(t *testing.T) {
	e := newEnv(t)
	number := firstNumber()
	attachment := make([]byte, largeAttachmentSize)
	_, _ = rand.NewChaCha8([32]byte{'k', 'l', 'a', 'c', 'h', 't'}).Read(attachment)
	want := sha256.Sum256(attachment)
	id := newMessageID("groot")
	sendMail(t, complainant, intake, largeComplaint(id, attachment))
	attachment = nil

	r := e.run(nil, "once")
	if r.err != nil {
		t.Fatalf("klachtd once: %v\nstderr:\n%s", r.err, tail(r.stderr, 4000))
	}
	rss := r.state.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
	t.Logf("klachtd once filed a %d MiB attachment in %.2fs, peak RSS %.1f MiB", largeAttachmentSize>>20, r.took.Seconds(), float64(rss)/1024)
	if rss >= maxOnceRSS {
		t.Errorf("peak RSS of klachtd once = %.1f MiB, want < %d MiB", float64(rss)/1024, maxOnceRSS>>10)
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
	// SPEC.md "Data safety": files are created 0600.
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
