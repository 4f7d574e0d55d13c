package templates

import (
	"fmt"
	"reflect"
	"strings"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/klachtd/klachtd/procedure"
	"github.com/klachtd/klachtd/register/values"
)

// Languager is what the term function prints: a procedure term (such as
// "2 weken") that can name itself in a language.
type Languager interface {
	Language(lang string) string
}

// funcMap returns the template functions bound to one language; each
// language directory is parsed with its own map, so a date in an nl/
// template is always Dutch.
func funcMap(lang string) template.FuncMap {
	return template.FuncMap{
		"date":     func(t time.Time) (string, error) { return formatDate(lang, t) },
		"datetime": func(t time.Time) (string, error) { return formatDateTime(lang, t) },
		"term":     func(v any) (string, error) { return formatTerm(lang, v) },
		"verdict":  func(v string) (string, error) { return formatVerdict(lang, v) },
		"shorten":  shorten,
		"quote":    quote,
		"join":     func(sep string, items []string) string { return strings.Join(NonEmpty(items), sep) },
		"kindname": func(kind string) string { return KindName(lang, kind) },
		"count":    count,
	}
}

// formatDate is procedure.LongDate for the templates: a zero time is an
// error, so that a letter never promises a date it does not know.
func formatDate(lang string, t time.Time) (string, error) {
	if t.IsZero() {
		return "", fmt.Errorf("date: zero time")
	}
	return procedure.LongDate(lang, t), nil
}

// formatDateTime is formatDate followed by the time of day, 24-hour clock.
func formatDateTime(lang string, t time.Time) (string, error) {
	d, err := formatDate(lang, t)
	if err != nil {
		return "", fmt.Errorf("datetime: %w", err)
	}
	return d + ", " + t.Format("15:04"), nil
}

// formatTerm prints a term: anything with a Language(string) string method
// (procedure.Term), or a plain string.
func formatTerm(lang string, v any) (string, error) {
	switch t := v.(type) {
	case nil:
		return "", fmt.Errorf("term: no value")
	case Languager:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return "", fmt.Errorf("term: nil %T", v)
		}
		return t.Language(lang), nil
	case string:
		return t, nil
	}
	// A value whose Language method has a pointer receiver.
	pv := reflect.New(reflect.TypeOf(v))
	pv.Elem().Set(reflect.ValueOf(v))
	if l, ok := pv.Interface().(Languager); ok {
		return l.Language(lang), nil
	}
	return "", fmt.Errorf("term: cannot print %T (want a Language(string) string method)", v)
}

// formatVerdict translates a stored verdict value into the letter language.
func formatVerdict(lang, v string) (string, error) {
	name, ok := values.VerdictName(lang, v)
	if !ok {
		return "", fmt.Errorf("verdict: unknown value %q", v)
	}
	return name, nil
}

// shorten cuts s to at most about n characters at a word boundary and
// marks the cut with an ellipsis. Runs of spaces and of blank lines are
// collapsed first; line breaks are kept.
func shorten(n int, s string) string {
	s = tidyText(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := n
	for i := n; i > n/2; i-- {
		if r[i] == ' ' || r[i] == '\n' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " \n,;:.-") + " …"
}

// tidyText collapses runs of spaces inside lines and runs of blank lines,
// and drops blank lines at both ends.
func tidyText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// reflowMin is the length from which a line is taken to be hard-wrapped
// prose: the next line of the same paragraph is joined to it.
const reflowMin = 50

// quote turns s into a quote block of the body markup: every line gets
// "> " (a blank line just ">"). Lines that look hard-wrapped by a mail
// program (reflowMin runes or more, followed by a line that does not start
// a list item) are joined, so the letter can wrap them again; short lines
// such as a signature or an address keep their breaks.
func quote(s string) string {
	var out []string
	prev := 0 // rune length of the previous line; 0 after a blank line
	for _, l := range strings.Split(tidyText(s), "\n") {
		switch {
		case l == "":
			out = append(out, ">")
			prev = 0
			continue
		case prev >= reflowMin && !startsItem(l):
			out[len(out)-1] += " " + l
		default:
			out = append(out, "> "+l)
		}
		prev = utf8.RuneCountInString(l)
	}
	return strings.Join(out, "\n")
}

// startsItem reports whether a line starts a list item ("- ", "* ", "• ",
// "1. ", "2) ").
func startsItem(l string) bool {
	for _, p := range []string{"- ", "* ", "• "} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	return i > 0 && i < len(l)-1 && (l[i] == '.' || l[i] == ')') && l[i+1] == ' '
}

// count returns the length of a slice, array or map (0 for nil), so a
// template can print "3 open" for any list it is given.
func count(v any) (int, error) {
	if v == nil {
		return 0, nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		return rv.Len(), nil
	}
	return 0, fmt.Errorf("count: cannot count %T", v)
}

// NonEmpty returns the items that are not blank, trimmed: what the join
// function joins, and the lines of an address or a signature block.
func NonEmpty(items []string) []string {
	var out []string
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
