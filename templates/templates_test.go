package templates

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type person struct{ Name string }

// ackData has the fields the acknowledgement templates use.
type ackData struct {
	Number               string
	Recipient, Handler   person
	ReceivedAt, DecideBy time.Time
	Description          string
}

func sampleAck() ackData {
	return ackData{
		Number:      "KL-2026-0001",
		Recipient:   person{Name: "José Müller-Çelik"},
		Handler:     person{Name: "Piet Jansen"},
		ReceivedAt:  time.Date(2026, 4, 24, 9, 30, 0, 0, time.UTC),
		DecideBy:    time.Date(2026, 5, 22, 0, 0, 0, 0, time.UTC),
		Description: strings.Repeat("De factuur van € 1.250,00 klopt niet. ", 20),
	}
}

func TestLoadEmbedded(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages() {
		for _, kind := range Kinds() {
			if !s.Has(lang, kind) {
				t.Errorf("Has(%q, %q) = false", lang, kind)
			}
		}
	}
	if s.Has("de", "acknowledgement") || s.Has("nl", "nonsense") {
		t.Error("Has reports a template that does not exist")
	}
	if len(Kinds()) != 16 {
		t.Errorf("Kinds() has %d kinds, want 16", len(Kinds()))
	}
}

func TestRenderAcknowledgement(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang        string
		subject     string
		contains    []string
		notContains []string
	}{
		{"nl", "[KL-2026-0001] Ontvangstbevestiging van uw klacht",
			[]string{"Beste José Müller-Çelik,", "24 april 2026", "22 mei 2026", "Piet Jansen behandelt uw klacht", "[[facts]]\nKenmerk: KL-2026-0001\n", "> De factuur van € 1.250,00", " …"},
			[]string{"<no value>", "\n\n\n", " \n"}},
		{"en", "[KL-2026-0001] We have received your complaint",
			[]string{"Dear José Müller-Çelik,", "24 April 2026", "22 May 2026", "Piet Jansen will handle", "Handled by: Piet Jansen", "> De factuur"},
			[]string{"<no value>", "\n\n\n", " \n"}},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			subject, body, err := s.Render(tc.lang, "acknowledgement", sampleAck())
			if err != nil {
				t.Fatal(err)
			}
			if subject != tc.subject {
				t.Errorf("subject = %q, want %q", subject, tc.subject)
			}
			for _, want := range tc.contains {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q:\n%s", want, body)
				}
			}
			for _, bad := range tc.notContains {
				if strings.Contains(body, bad) {
					t.Errorf("body contains %q:\n%s", bad, body)
				}
			}
			if strings.HasPrefix(body, "\n") || strings.HasSuffix(body, "\n") {
				t.Errorf("body has blank lines at an end: %q", body)
			}
		})
	}
}

func TestRenderWithoutHandler(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	d := sampleAck()
	d.Handler = person{}
	_, body, err := s.Render("nl", "acknowledgement", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(body, "Behandelaar:") {
		t.Errorf("facts table names an empty handler:\n%s", body)
	}
	if !strings.Contains(body, "Een van onze medewerkers behandelt uw klacht.") {
		t.Errorf("no fallback for a missing handler:\n%s", body)
	}
}

func TestRenderErrors(t *testing.T) {
	s, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("unknown kind", func(t *testing.T) {
		_, _, err := s.Render("nl", "nonsense", sampleAck())
		if !errors.Is(err, ErrUnknown) {
			t.Errorf("err = %v, want ErrUnknown", err)
		}
	})
	t.Run("unknown language", func(t *testing.T) {
		_, _, err := s.Render("fr", "acknowledgement", sampleAck())
		if !errors.Is(err, ErrUnknown) {
			t.Errorf("err = %v, want ErrUnknown", err)
		}
	})
	t.Run("zero date", func(t *testing.T) {
		d := sampleAck()
		d.DecideBy = time.Time{}
		_, _, err := s.Render("nl", "acknowledgement", d)
		if err == nil || !strings.Contains(err.Error(), "zero time") || !strings.Contains(err.Error(), "nl/acknowledgement.tmpl") {
			t.Errorf("err = %v, want a zero time error naming the file", err)
		}
	})
	t.Run("missing field", func(t *testing.T) {
		_, _, err := s.Render("nl", "acknowledgement", map[string]any{"Number": "KL-2026-0001"})
		if err == nil {
			t.Error("rendering with missing data succeeded")
		}
	})
}

func TestOverride(t *testing.T) {
	s, err := Load(filepath.Join("testdata", "override"))
	if err != nil {
		t.Fatal(err)
	}
	subject, body, err := s.Render("nl", "acknowledgement", sampleAck())
	if err != nil {
		t.Fatal(err)
	}
	if want := "[KL-2026-0001] Wij hebben uw klacht ontvangen"; subject != want {
		t.Errorf("subject = %q, want %q", subject, want)
	}
	if want := "Beste José Müller-Çelik,\n\nEigen tekst van de organisatie, ontvangen op 24 april 2026."; body != want {
		t.Errorf("body = %q, want %q", body, want)
	}
	subject, _, err = s.Render("en", "acknowledgement", sampleAck())
	if err != nil {
		t.Fatal(err)
	}
	if subject != "[KL-2026-0001] We have received your complaint" {
		t.Errorf("en subject = %q, want the embedded one", subject)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		dir  string
		want []string
	}{
		{"syntax error names file and line", "badsyntax", []string{filepath.Join("testdata", "badsyntax", "nl", "delay.tmpl") + ":3"}},
		{"unknown file", "unknownfile", []string{"acknowledgment.tmpl", "unknown language or kind"}},
		{"missing subject", "nodefine", []string{"alert.tmpl", `missing {{define "subject"}}`}},
		{"no such dir", "doesnotexist", []string{"doesnotexist"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", tc.dir))
			if err == nil {
				t.Fatal("Load succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestTidyBody(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\n\n  \nA  \r\nB\t\n\n\n\nC\n\n", "A\nB\n\nC"},
		{"", ""},
		{"one", "one"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := tidyBody(tc.in); got != tc.want {
				t.Errorf("tidyBody(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestKindName(t *testing.T) {
	tests := []struct{ lang, kind, want string }{
		{"nl", "acknowledgement", "ontvangstbevestiging"},
		{"nl", "decision", "beslissing"},
		{"en", "decision", "decision"},
		{"nl", "unknown", "unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.lang+"/"+tc.kind, func(t *testing.T) {
			if got := KindName(tc.lang, tc.kind); got != tc.want {
				t.Errorf("KindName = %q, want %q", got, tc.want)
			}
		})
	}
}
