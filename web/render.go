package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/klachtd/klachtd/procedure"
)

// pageNames are the templates in templates/, each used with layout.html.
var pageNames = []string{"login", "confirm", "logout", "message", "register", "dossier", "print", "report"}

// parsePages parses every page once per language, with the functions of
// that language bound.
func parsePages(basePath string) (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for lang := range messages {
		for _, name := range pageNames {
			t, err := template.New("layout.html").Option("missingkey=error").Funcs(funcs(lang, basePath)).
				ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
			if err != nil {
				return nil, fmt.Errorf("web: template %s: %w", name, err)
			}
			out[lang+"/"+name] = t
		}
	}
	return out, nil
}

func funcs(lang, basePath string) template.FuncMap {
	return template.FuncMap{
		"t":     func(key string, args ...any) string { return tr(lang, key, args...) },
		"day":   func(t time.Time) string { return day(lang, t) },
		"stamp": func(t time.Time) string { return stamp(lang, t) },
		"iso":   isoDay,
		"word":  func(prefix, v string) string { return word(lang, prefix, v) },
		"path":  func(p string) string { return basePath + p },
		"viewKey": func(v string) string {
			if v == "topost" {
				return "to_post"
			}
			return v
		},
		"pct": func(n, max int) int {
			if max <= 0 {
				return 0
			}
			return n * 100 / max
		},
		"add": func(a, b int) int { return a + b },
		"int": func(f float64) int { return int(f) },
		"bar": func(n, max int, width float64) float64 {
			if max <= 0 {
				return 0
			}
			return float64(n) * width / float64(max)
		},
	}
}

// page is what the layout gets: the user (nil signed out), the language,
// which menu entry is current, and the page's own data.
type page struct {
	User     *user
	Lang     string
	Nav      string
	ThisYear int
	Data     any
}

// path prefixes an absolute desk path with the base URL's path.
func (s *Server) path(p string) string { return s.base.Path + p }

// lang is the language of a page: the user's, or signed out the first
// organisation's.
func (s *Server) lang(u *user) string {
	if u != nil && u.Lang != "" {
		return u.Lang
	}
	if len(s.cfg.Organisations) > 0 && s.cfg.Organisations[0].Language != "" {
		return s.cfg.Organisations[0].Language
	}
	return "nl"
}

// render writes a page; a template error is logged and becomes a 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, u *user, status int, name string, data any) {
	lang := s.lang(u)
	t := s.pages[lang+"/"+name]
	if t == nil {
		t = s.pages["en/"+name]
	}
	var buf bytes.Buffer
	nav := name
	if err := t.Execute(&buf, page{User: u, Lang: lang, Nav: nav, ThisYear: s.Now().In(procedure.Amsterdam).Year(), Data: data}); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		if name != "message" {
			s.render(w, r, u, http.StatusInternalServerError, "message", message{Title: "error", Text: "error_text"})
			return
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// message is a page that says one thing: its title and text are keys.
type message struct {
	Title, Text string
	Detail      string // an untranslated detail, e.g. why an action failed
	Fresh       bool   // offer to sign in again
	Back        string // a link back
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, u *user) {
	if u == nil {
		u = s.current(r)
	}
	s.render(w, r, u, http.StatusNotFound, "message", message{Title: "not_found", Text: "not_found_text", Back: s.path("/")})
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, u *user) {
	s.render(w, r, u, http.StatusForbidden, "message", message{Title: "forbidden", Text: "forbidden_text", Back: s.path("/")})
}

// fail is the page for an internal error; the cause goes to the log only.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, u *user, err error) {
	s.log.Error("request failed", "path", r.URL.Path, "err", err)
	s.render(w, r, u, http.StatusInternalServerError, "message", message{Title: "error", Text: "error_text", Back: s.path("/")})
}

// crossOrigin answers a request that http.CrossOriginProtection refused.
func (s *Server) crossOrigin(w http.ResponseWriter, r *http.Request) {
	s.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path,
		"origin", r.Header.Get("Origin"), "sec-fetch-site", r.Header.Get("Sec-Fetch-Site"))
	s.render(w, r, nil, http.StatusForbidden, "message", message{Title: "cross_origin", Text: "cross_origin_text", Back: s.path("/")})
}
