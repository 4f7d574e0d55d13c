package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runMain(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("data_dir = \"x\"\nbogus = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"no command", nil, exitUsage, "usage: klachtd COMMAND"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"help", []string{"help"}, exitOK, "usage: klachtd COMMAND"},
		{"missing config", []string{"list", "-config", "/nonexistent/klachtd.toml"}, exitUsage, "/nonexistent/klachtd.toml"},
		{"unknown key", []string{"check", "-config", bad}, exitUsage, bad + ":2: bogus: unknown key"},
		{"bad flag", []string{"list", "-bogus"}, exitUsage, "flag provided but not defined"},
		{"bad status", []string{"list", "-status", "half"}, exitUsage, "-status must be open, closed or all"},
		{"bad -now", []string{"once", "-now", "gisteren"}, exitUsage, "neither a date"},
		{"pdf usage", []string{"pdf", "KL-2026-0001"}, exitUsage, "usage: klachtd pdf NUMBER KIND"},
		{"pdf kind", []string{"pdf", "KL-2026-0001", "brief"}, exitUsage, `unknown letter kind "brief"`},
		{"quarantine usage", []string{"quarantine", "KL-2026-0001"}, exitUsage, "usage: klachtd quarantine [-json]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}

func TestParseNow(t *testing.T) {
	tests := []struct {
		in   string
		want string // UTC
	}{
		{"2027-04-27", "2027-04-27T07:00:00Z"}, // 09:00 CEST
		{"2026-12-24", "2026-12-24T08:00:00Z"}, // 09:00 CET
		{"2026-12-24T10:00:00+01:00", "2026-12-24T09:00:00Z"},
	}
	for _, tt := range tests {
		got, err := parseNow(tt.in)
		if err != nil || got.Format(time.RFC3339) != tt.want {
			t.Errorf("parseNow(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

// TestDemo runs the README's first command, `klachtd demo`, and then looks
// at its register with `list -json` and a dossier with `show` and `pdf`.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := run(t, "demo", "-dir", dir)
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"All 3 complaints registered and acknowledged", "José Müller-Çelik", "Not a complaint: \"Afwezig: Uw bericht\"", "Letters as PDF:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
	cfg := filepath.Join(dir, "config.toml")
	code, stdout, stderr = run(t, "list", "-config", cfg, "-json")
	if code != exitOK {
		t.Fatalf("list: exit %d: %s", code, stderr)
	}
	var ds []map[string]any
	if err := json.Unmarshal([]byte(stdout), &ds); err != nil {
		t.Fatalf("list -json: %v\n%s", err, stdout)
	}
	if len(ds) != 3 {
		t.Fatalf("list -json has %d dossiers, want 3", len(ds))
	}
	for _, key := range []string{"number", "organisation", "status", "complainant", "categories", "handler", "received_at", "acknowledged_at", "decide_by", "verdict", "closed_at", "overdue"} {
		if _, ok := ds[0][key]; !ok {
			t.Errorf("list -json lacks %q", key)
		}
	}
	number := ds[1]["number"].(string)
	code, stdout, _ = run(t, "show", number, "-config", cfg)
	if code != exitOK || !strings.Contains(stdout, "José Müller-Çelik") || !strings.Contains(stdout, "working days after") {
		t.Errorf("show %s: exit %d\n%s", number, code, stdout)
	}
	out := filepath.Join(dir, "ack.pdf")
	if code, _, stderr = run(t, "pdf", number, "ontvangstbevestiging", "-o", out, "-config", cfg); code != exitOK {
		t.Fatalf("pdf: exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("pdf wrote no PDF: %v", err)
	}
	if code, _, stderr = run(t, "pdf", number, "dossier", "-o", filepath.Join(dir, "dossier.pdf"), "-config", cfg); code != exitOK {
		t.Errorf("pdf dossier: exit %d: %s", code, stderr)
	}
	// Nothing of the demo is quarantined; -json is an empty array, not null.
	if code, stdout, stderr = run(t, "quarantine", "-config", cfg, "-json"); code != exitOK || strings.TrimSpace(stdout) != "[]" {
		t.Errorf("quarantine -json: exit %d, %q %s", code, stdout, stderr)
	}
	if code, stdout, _ = run(t, "quarantine", "-config", cfg); code != exitOK || !strings.Contains(stdout, "No messages in quarantine") {
		t.Errorf("quarantine: exit %d, %q", code, stdout)
	}
}
