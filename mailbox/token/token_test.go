package token

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var testSecret = bytes.Repeat([]byte{0x42}, 32)

func TestToken(t *testing.T) {
	tok := Token(testSecret, "KL-2026-0001", "")
	if !regexp.MustCompile(`^[a-z2-7]{10}$`).MatchString(tok) {
		t.Errorf("Token = %q, want 10 lower-case base32 characters", tok)
	}
	if Token(testSecret, "kl-2026-0001", "") != tok {
		t.Error("Token depends on the case of the number")
	}
	distinct := map[string]string{
		"relay":  tok,
		"intern": Token(testSecret, "KL-2026-0001", "intern"),
		"hoor":   Token(testSecret, "KL-2026-0001", "hoor"),
		"other":  Token(testSecret, "KL-2026-0002", ""),
		"key":    Token(bytes.Repeat([]byte{1}, 32), "KL-2026-0001", ""),
	}
	seen := map[string]string{}
	for name, v := range distinct {
		if prev, ok := seen[v]; ok {
			t.Errorf("tokens %s and %s collide: %s", prev, name, v)
		}
		seen[v] = name
	}
}

func TestPlusAddressRoundTrip(t *testing.T) {
	base := "info@example.nl"
	tests := []struct {
		name    string
		addr    func() string
		ok      bool
		valid   bool
		number  string
		purpose string
	}{
		{name: "relay", addr: func() string { return PlusAddress(base, "KL-2026-0001", "", testSecret) },
			ok: true, valid: true, number: "KL-2026-0001"},
		{name: "intern", addr: func() string { return PlusAddress(base, "KL-2026-0001", "intern", testSecret) },
			ok: true, valid: true, number: "KL-2026-0001", purpose: "intern"},
		{name: "hoor", addr: func() string { return PlusAddress(base, "KL-2026-0012", "hoor", testSecret) },
			ok: true, valid: true, number: "KL-2026-0012", purpose: "hoor"},
		{name: "lower-cased by a client", addr: func() string {
			return strings.ToLower(PlusAddress(base, "KL-2026-0001", "intern", testSecret))
		}, ok: true, valid: true, number: "KL-2026-0001", purpose: "intern"},
		{name: "upper-cased by a client", addr: func() string {
			return strings.ToUpper(PlusAddress(base, "KL-2026-0001", "", testSecret))
		}, ok: true, valid: true, number: "KL-2026-0001"},
		{name: "angle brackets", addr: func() string { return "<" + PlusAddress(base, "KL-2026-0001", "", testSecret) + ">" },
			ok: true, valid: true, number: "KL-2026-0001"},
		{name: "tampered token", addr: func() string {
			a := PlusAddress(base, "KL-2026-0001", "", testSecret)
			i := strings.IndexByte(a, '.') + 1
			c := byte('a')
			if a[i] == 'a' {
				c = 'b'
			}
			return a[:i] + string(c) + a[i+1:]
		}, ok: true, valid: false, number: "KL-2026-0001"},
		{name: "token of another number", addr: func() string {
			a := PlusAddress(base, "KL-2026-0002", "", testSecret)
			return strings.Replace(a, "KL-2026-0002", "KL-2026-0001", 1)
		}, ok: true, valid: false, number: "KL-2026-0001"},
		{name: "wrong purpose: relay token used as intern", addr: func() string {
			a := PlusAddress(base, "KL-2026-0001", "", testSecret)
			return strings.Replace(a, "@", ".intern@", 1)
		}, ok: true, valid: false, number: "KL-2026-0001", purpose: "intern"},
		{name: "wrong purpose: intern token used as relay", addr: func() string {
			a := PlusAddress(base, "KL-2026-0001", "intern", testSecret)
			return strings.Replace(a, ".intern@", "@", 1)
		}, ok: true, valid: false, number: "KL-2026-0001"},
		{name: "unknown purpose", addr: func() string { return "info+KL-2026-0001.abcdefghij.admin@example.nl" },
			ok: true, valid: false, number: "KL-2026-0001", purpose: "admin"},
		{name: "no token", addr: func() string { return "info+KL-2026-0001@example.nl" },
			ok: true, valid: false, number: "KL-2026-0001"},
		{name: "other key", addr: func() string { return PlusAddress(base, "KL-2026-0001", "", []byte("other")) },
			ok: true, valid: false, number: "KL-2026-0001"},
		{name: "plain base", addr: func() string { return base }, ok: false},
		{name: "other domain", addr: func() string {
			return strings.Replace(PlusAddress(base, "KL-2026-0001", "", testSecret), "example.nl", "example.com", 1)
		}, ok: false},
		{name: "other mailbox", addr: func() string {
			return "sales" + strings.TrimPrefix(PlusAddress(base, "KL-2026-0001", "", testSecret), "info")
		}, ok: false},
		{name: "plus without number", addr: func() string { return "info+nieuwsbrief@example.nl" }, ok: false},
		{name: "garbage", addr: func() string { return "not an address" }, ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := tt.addr()
			p, ok := ParsePlus(addr, base, testSecret)
			if ok != tt.ok {
				t.Fatalf("ParsePlus(%q) ok = %v, want %v", addr, ok, tt.ok)
			}
			if !ok {
				return
			}
			if p.Valid != tt.valid || p.Number != tt.number || p.Purpose != tt.purpose {
				t.Errorf("ParsePlus(%q) = %+v, want Valid %v Number %s Purpose %q", addr, p, tt.valid, tt.number, tt.purpose)
			}
		})
	}
	if got := PlusAddress(base, "KL-2026-0001", "intern", testSecret); !regexp.MustCompile(
		`^info\+KL-2026-0001\.[a-z2-7]{10}\.intern@example\.nl$`).MatchString(got) {
		t.Errorf("PlusAddress = %q", got)
	}
}

func TestSubjectTags(t *testing.T) {
	tests := []struct {
		subject string
		want    string
	}{
		{"Re: [KL-2026-0001] Ontvangstbevestiging", "KL-2026-0001"},
		{"[KL-2026-0001] en [KLACHT-2025-12345] en weer [KL-2026-0001]", "KL-2026-0001,KLACHT-2025-12345"},
		{"KL-2026-0001 zonder haken", ""},
		{"[kl-2026-0001] kleine letters", ""},
		{"[KL-2026-001] te kort", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.subject, func(t *testing.T) {
			if got := strings.Join(SubjectTags(tt.subject), ","); got != tt.want {
				t.Errorf("SubjectTags = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadSecret(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s1, err := LoadSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s1) != 32 {
		t.Fatalf("secret has %d bytes", len(s1))
	}
	fi, err := os.Stat(filepath.Join(dir, "secret"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("secret mode %v, %v", fi.Mode(), err)
	}
	di, err := os.Stat(dir)
	if err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v, %v", di.Mode(), err)
	}
	s2, err := LoadSecret(dir)
	if err != nil || !bytes.Equal(s1, s2) {
		t.Errorf("second LoadSecret = %x, %v; want the same secret", s2, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("data dir holds %d entries, want only the secret", len(entries))
	}

	bad := []struct {
		name    string
		content []byte
		mode    os.FileMode
	}{
		{"wrong size", []byte("short"), 0o600},
		{"too permissive", bytes.Repeat([]byte{1}, 32), 0o644},
		{"group readable", bytes.Repeat([]byte{1}, 32), 0o640},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			d := t.TempDir()
			p := filepath.Join(d, "secret")
			if err := os.WriteFile(p, tt.content, tt.mode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(p, tt.mode)
			if s, err := LoadSecret(d); err == nil {
				t.Errorf("LoadSecret = %x, want an error", s)
			}
		})
	}
	t.Run("unreadable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads any file")
		}
		d := t.TempDir()
		p := filepath.Join(d, "secret")
		os.WriteFile(p, bytes.Repeat([]byte{1}, 32), 0o600)
		os.Chmod(p, 0o000)
		if _, err := LoadSecret(d); err == nil {
			t.Error("LoadSecret of an unreadable file succeeded")
		}
	})
}
