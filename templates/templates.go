// Package templates holds the texts of klachtd's letters and internal mails,
// in Dutch (nl/) and English (en/), embedded in the binary and overridable
// file by file from a directory on disk. README.md describes the format.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
)

//go:embed nl/*.tmpl en/*.tmpl
var embedded embed.FS

// kinds lists every template kind; each exists in every language.
var kinds = []string{
	"acknowledgement",
	"delay",
	"decision",
	"rejection",
	"closing",
	"hearing",
	"notification",
	"reminder",
	"alert",
	"digest",
	"topost",
	"commanderror",
	"followup",
	"held",
	"dossier",
	"signin",
}

// languages lists the supported letter languages.
var languages = []string{"nl", "en"}

// ErrUnknown is returned by Render for a language or kind the set does not have.
var ErrUnknown = errors.New("unknown template")

// Set is a parsed set of templates: one per kind and language. A Set is
// safe for concurrent use.
type Set struct {
	byName map[string]*template.Template // "nl/acknowledgement"
}

// Kinds returns the names of all template kinds.
func Kinds() []string {
	return append([]string(nil), kinds...)
}

// Languages returns the supported languages ("nl", "en").
func Languages() []string {
	return append([]string(nil), languages...)
}

// Load parses the embedded templates. If overrideDir is not empty, a file
// overrideDir/<lang>/<kind>.tmpl replaces the embedded one; a .tmpl file there
// that matches no language and kind is an error, so a misspelt name is not
// silently ignored. Parse errors name the file and line.
func Load(overrideDir string) (*Set, error) {
	overrides := map[string]string{} // "nl/acknowledgement" -> file path
	if overrideDir != "" {
		var err error
		overrides, err = scanOverrides(overrideDir)
		if err != nil {
			return nil, err
		}
	}
	s := &Set{byName: map[string]*template.Template{}}
	for _, lang := range languages {
		funcs := funcMap(lang)
		for _, kind := range kinds {
			key := lang + "/" + kind
			name := key + ".tmpl"
			var src []byte
			var err error
			if file, ok := overrides[key]; ok {
				name = file
				src, err = os.ReadFile(file)
			} else {
				src, err = embedded.ReadFile(key + ".tmpl")
			}
			if err != nil {
				return nil, fmt.Errorf("read template: %w", err)
			}
			t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
			if err != nil {
				return nil, fmt.Errorf("parse template: %w", err)
			}
			for _, part := range []string{"subject", "body"} {
				if t.Lookup(part) == nil {
					return nil, fmt.Errorf("template %s: missing {{define %q}}", name, part)
				}
			}
			s.byName[key] = t
		}
	}
	return s, nil
}

func scanOverrides(dir string) (map[string]string, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("template override dir: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("template override dir %s: not a directory", dir)
	}
	known := map[string]bool{}
	for _, lang := range languages {
		for _, kind := range kinds {
			known[lang+"/"+kind+".tmpl"] = true
		}
	}
	out := map[string]string{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".tmpl") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !known[rel] {
			return fmt.Errorf("template override %s: unknown language or kind (want <%s>/<kind>.tmpl, kinds: %s)",
				p, strings.Join(languages, "|"), strings.Join(kinds, ", "))
		}
		out[strings.TrimSuffix(rel, ".tmpl")] = p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan template overrides: %w", err)
	}
	return out, nil
}

// Has reports whether the set has a template for lang and kind.
func (s *Set) Has(lang, kind string) bool {
	_, ok := s.byName[lang+"/"+kind]
	return ok
}

// Render executes the template for lang and kind with data. The subject is
// one line with runs of white space collapsed. The body is the template's
// text with trailing white space removed from every line, runs of blank
// lines reduced to one, and no blank lines at the start or end; it still
// carries the markup described in README.md.
func (s *Set) Render(lang, kind string, data any) (subject, body string, err error) {
	t, ok := s.byName[lang+"/"+kind]
	if !ok {
		return "", "", fmt.Errorf("render %s/%s: %w", lang, kind, ErrUnknown)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "subject", data); err != nil {
		return "", "", fmt.Errorf("render %s/%s: %w", lang, kind, err)
	}
	subject = strings.Join(strings.Fields(buf.String()), " ")
	buf.Reset()
	if err := t.ExecuteTemplate(&buf, "body", data); err != nil {
		return "", "", fmt.Errorf("render %s/%s: %w", lang, kind, err)
	}
	return subject, tidyBody(buf.String()), nil
}

// tidyBody normalises line ends, strips trailing white space, collapses runs
// of blank lines and trims blank lines at both ends.
func tidyBody(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	blank := true // drop leading blank lines
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, line)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// KindName returns the name of a letter kind in lang, as used in file names
// and in mails about a letter ("ontvangstbevestiging", "acknowledgement").
// Unknown kinds and languages return kind unchanged.
func KindName(lang, kind string) string {
	if lang == "nl" {
		if n, ok := kindNamesNL[kind]; ok {
			return n
		}
	}
	return kind
}

var kindNamesNL = map[string]string{
	"acknowledgement": "ontvangstbevestiging",
	"delay":           "uitstelbericht",
	"decision":        "beslissing",
	"rejection":       "niet-ontvankelijkverklaring",
	"closing":         "afsluiting",
	"hearing":         "verzoek-om-reactie",
	"notification":    "melding",
	"reminder":        "herinnering",
	"alert":           "waarschuwing",
	"digest":          "weekoverzicht",
	"topost":          "postopdracht",
	"commanderror":    "foutmelding",
	"dossier":         "dossier",
}
