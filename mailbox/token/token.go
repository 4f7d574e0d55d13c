// Package token addresses a dossier in mail: the reply addresses with an
// HMAC token that route staff replies without trusting the subject
// (docs/spec.md "Reply addresses"), the secret that keys them, and the
// [KL-2026-0001] tag in subjects (docs/spec.md "Number and tag").
package token

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Staff notifications carry plus-addresses of the intake mailbox whose
// detail part names the dossier and an HMAC over the number, so that a reply
// can be routed without trusting the subject, and a forged address can be
// recognised.

// Token purposes. The relay purpose is the empty string.
const (
	PurposeRelay   = ""
	PurposeIntern  = "intern"
	PurposeHearing = "hoor"
)

// tokenLen is the number of base32 characters kept of the HMAC: 50 bits.
const tokenLen = 10

// secretSize is the size of the key in data_dir/secret.
const secretSize = 32

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// numberPattern matches a dossier number such as KL-2026-0001.
var numberPattern = regexp.MustCompile(`^[A-Za-z]{1,8}-\d{4}-\d{4,}$`)

// TagPattern matches a "[KL-2026-0001]"-style subject tag; the first group is
// the number.
var TagPattern = regexp.MustCompile(`\[([A-Z]{1,8}-\d{4}-\d{4,})\]`)

// Token returns the reply-address token for a dossier number and purpose:
// HMAC-SHA256 over number+"\x00"+purpose, base32 in lower case without
// padding, first 10 characters. The number is upper-cased first, so that a
// mail client that lower-cases the address does not break the token.
func Token(secret []byte, number, purpose string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strings.ToUpper(number)))
	mac.Write([]byte{0})
	mac.Write([]byte(purpose))
	return strings.ToLower(tokenEncoding.EncodeToString(mac.Sum(nil)))[:tokenLen]
}

// PlusAddress returns the plus-address of base for a dossier number and
// purpose: "info@example.nl" becomes "info+KL-2026-0001.<token>@example.nl",
// or "info+KL-2026-0001.<token>.intern@example.nl" for purpose "intern". If
// base is not an address (no "@"), it is returned unchanged.
func PlusAddress(base, number, purpose string, secret []byte) string {
	at := strings.LastIndexByte(base, '@')
	if at < 0 {
		return base
	}
	number = strings.ToUpper(number)
	detail := number + "." + Token(secret, number, purpose)
	if purpose != "" {
		detail += "." + purpose
	}
	return base[:at] + "+" + detail + base[at:]
}

// Plus is a parsed plus-address of the intake mailbox.
type Plus struct {
	Number  string // upper case, e.g. "KL-2026-0001"
	Token   string // as found, lower-cased
	Purpose string // "" (relay), "intern", "hoor", or whatever was found
	Valid   bool   // the token matches number and purpose under the secret
}

// ParsePlus recognises addr as a plus-address of base. ok is false if addr is
// not a plus-address of base carrying a dossier number at all; Valid is false
// if it is one but the token is missing, malformed, of an unknown purpose or
// does not match (forged or tampered). Local part and domain compare
// case-insensitively; the number is returned in upper case.
func ParsePlus(addr, base string, secret []byte) (Plus, bool) {
	addr = strings.TrimSpace(addr)
	addr = strings.TrimSuffix(strings.TrimPrefix(addr, "<"), ">")
	at := strings.LastIndexByte(addr, '@')
	bat := strings.LastIndexByte(base, '@')
	if at < 0 || bat < 0 {
		return Plus{}, false
	}
	local, domain := addr[:at], addr[at+1:]
	baseLocal, baseDomain := base[:bat], base[bat+1:]
	if !strings.EqualFold(domain, baseDomain) {
		return Plus{}, false
	}
	prefix := baseLocal + "+"
	if len(local) <= len(prefix) || !strings.EqualFold(local[:len(prefix)], prefix) {
		return Plus{}, false
	}
	fields := strings.Split(local[len(prefix):], ".")
	if !numberPattern.MatchString(fields[0]) {
		return Plus{}, false
	}
	p := Plus{Number: strings.ToUpper(fields[0])}
	if len(fields) < 2 || len(fields) > 3 {
		return p, true
	}
	p.Token = strings.ToLower(fields[1])
	if len(fields) == 3 {
		p.Purpose = strings.ToLower(fields[2])
	}
	switch p.Purpose {
	case PurposeRelay, PurposeIntern, PurposeHearing:
	default:
		return p, true
	}
	want := Token(secret, p.Number, p.Purpose)
	p.Valid = hmac.Equal([]byte(p.Token), []byte(want))
	return p, true
}

// SubjectTags returns the dossier numbers found in "[KL-2026-0001]"-style tags
// in subject, in order of appearance, without duplicates.
func SubjectTags(subject string) []string {
	var out []string
	seen := make(map[string]bool)
	for _, m := range TagPattern.FindAllStringSubmatch(subject, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// LoadSecret returns the token key from dataDir/secret. On first use it
// creates the file with 32 random bytes (mode 0600, dataDir 0700 if absent).
// It fails if the file is unreadable, has the wrong size, or is readable or
// writable by group or others.
func LoadSecret(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, "secret")
	secret, err := readSecret(path)
	if err == nil {
		return secret, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if err := createSecret(path); err != nil {
		return nil, err
	}
	return readSecret(path)
}

func readSecret(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open secret: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat secret: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("secret %s: not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("secret %s: mode %04o is too permissive, want 0600", path, perm)
	}
	if fi.Size() != secretSize {
		return nil, fmt.Errorf("secret %s: size %d, want %d bytes", path, fi.Size(), secretSize)
	}
	buf := make([]byte, secretSize)
	if _, err := f.ReadAt(buf, 0); err != nil {
		return nil, fmt.Errorf("read secret: %w", err)
	}
	return buf, nil
}

// createSecret writes a new secret to a temporary file and links it into
// place, so that a concurrent reader never sees a partial file and two
// concurrent creators agree on one secret.
func createSecret(path string) error {
	buf := make([]byte, secretSize)
	if _, err := rand.Read(buf); err != nil {
		return fmt.Errorf("generate secret: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret-*")
	if err != nil {
		return fmt.Errorf("create secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf); err != nil {
		tmp.Close()
		return fmt.Errorf("write secret: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync secret: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close secret: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("install secret: %w", err)
	}
	return nil
}
