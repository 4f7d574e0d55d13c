package triage

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// The pattern language of the rule tables. A pattern is a sequence of
// elements separated by spaces, matched against the consecutive words of one
// clause (see clauses):
//
//	word        the word itself (patterns are folded like text: case and
//	            accents do not matter)
//	stem*       any word starting with stem (at least three letters), for
//	            inflections: "teleurgesteld*" also matches "teleurgestelde"
//	#           a number: "2", "3x", "2e"
//	a|b*|#      any of the alternatives, each a single word: "geen
//	            reactie|antwoord" is "geen" followed by one of the two;
//	            "a|b c" is (a or b) followed by c, never a or "b c"
//	..          up to maxGap arbitrary words ("niet .. tevreden" matches
//	            "niet tevreden" and "niet erg tevreden"); never first or last
//	^           (first only) the match starts a clause: "^ als u .. klacht*"
//	            is the conditional "Als u een klacht heeft", not "…, als u
//	            mijn klacht leest"
//
// One rule may list several patterns separated by commas ("te laat, uren te
// laat"): alternatives of whole phrases. A rule counts once per message,
// whichever of its patterns matched.
//
// Where patterns overlap, one match wins (see pick), and the words it covers
// match nothing else.
const maxGap = 3

type alt struct {
	s      string
	prefix bool
}

type elem struct {
	alts []alt
	gap  bool
	num  bool // "#" is one of the alternatives
}

func (e elem) matches(w string) bool {
	if e.num && isNumber(w) {
		return true
	}
	for _, a := range e.alts {
		if a.prefix {
			if strings.HasPrefix(w, a.s) {
				return true
			}
		} else if w == a.s {
			return true
		}
	}
	return false
}

// isNumber reports whether w is a number, possibly with a counting suffix
// ("3x", "2e", "1ste").
func isNumber(w string) bool {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	switch w[i:] {
	case "", "x", "e", "de", "ste", "keer":
		return true
	}
	return false
}

// pattern is one compiled phrase of a rule.
type pattern struct {
	rule   *rule
	group  *group
	elems  []elem
	anchor bool // "^": only at the start of a clause
	minLen int  // the fewest words a match takes
	// lit is the number of literal letters: the more specific of two
	// equally long matches wins.
	lit int
}

// compile parses one phrase. Errors are in the static tables, found at
// package initialisation (and so by every test run).
func compile(src string) (p pattern, err error) {
	fields := strings.Fields(src)
	if len(fields) > 0 && fields[0] == "^" {
		p.anchor = true
		fields = fields[1:]
	}
	for _, f := range fields {
		if f == ".." {
			p.elems = append(p.elems, elem{gap: true})
			continue
		}
		var e elem
		for _, a := range strings.Split(f, "|") {
			if a == "#" {
				e.num = true
				continue
			}
			prefix := strings.HasSuffix(a, "*")
			a = fold(strings.TrimSuffix(a, "*"))
			if a == "" {
				return p, fmt.Errorf("pattern %q: empty alternative in %q", src, f)
			}
			if prefix && len(a) < 3 {
				return p, fmt.Errorf("pattern %q: stem %q shorter than three letters", src, a)
			}
			for _, r := range a {
				if !isWordRune(r) {
					return p, fmt.Errorf("pattern %q: %q is not one word (texts are split at %q)", src, a, r)
				}
			}
			e.alts = append(e.alts, alt{s: a, prefix: prefix})
		}
		if len(e.alts) > 0 {
			p.lit += len(e.alts[0].s)
		}
		p.minLen++
		p.elems = append(p.elems, e)
	}
	if len(p.elems) == 0 {
		return p, fmt.Errorf("pattern %q: empty", src)
	}
	if p.elems[0].gap || p.elems[len(p.elems)-1].gap {
		return p, fmt.Errorf("pattern %q: %q first or last", src, "..")
	}
	return p, nil
}

// matchAt returns the end of a match of es starting at words[i], trying the
// shortest gaps first.
func matchAt(es []elem, words []string, i int) (int, bool) {
	if len(es) == 0 {
		return i, true
	}
	e := es[0]
	if e.gap {
		for k := 0; k <= maxGap && i+k <= len(words); k++ {
			if end, ok := matchAt(es[1:], words, i+k); ok {
				return end, true
			}
		}
		return 0, false
	}
	if i >= len(words) || !e.matches(words[i]) {
		return 0, false
	}
	return matchAt(es[1:], words, i+1)
}

// index finds the patterns that may start at a word: by the word itself,
// and by its first three bytes for the stems (a stem is at least three
// letters long), and the patterns that start with a number.
type index struct {
	exact  map[string][]*pattern
	prefix map[string][]*pattern
	number []*pattern
}

func newIndex(ps []*pattern) *index {
	ix := &index{exact: map[string][]*pattern{}, prefix: map[string][]*pattern{}}
	for _, p := range ps {
		first := p.elems[0]
		if first.num {
			ix.number = append(ix.number, p)
		}
		for _, a := range first.alts {
			if a.prefix {
				k := a.s[:3]
				if l := ix.prefix[k]; len(l) == 0 || l[len(l)-1] != p {
					ix.prefix[k] = append(l, p)
				}
			} else {
				ix.exact[a.s] = append(ix.exact[a.s], p)
			}
		}
	}
	return ix
}

// hit is one match of a pattern in a clause.
type hit struct {
	p          *pattern
	clause     int
	start, end int
	wordsIn    []string // the words matched
}

// find returns the matches in cls that pick keeps.
func (ix *index) find(cls [][]string) []hit {
	var hits []hit
	try := func(p *pattern, c int, words []string, i, here int) []hit {
		if (p.anchor && i > 0) || p.minLen > len(words)-i {
			return hits
		}
		for _, h := range hits[here:] {
			if h.p == p {
				return hits // a pattern listed under two alternatives
			}
		}
		if end, ok := matchAt(p.elems, words, i); ok {
			hits = append(hits, hit{p: p, clause: c, start: i, end: end, wordsIn: words[i:end]})
		}
		return hits
	}
	for c, words := range cls {
		for i, w := range words {
			here := len(hits)
			for _, p := range ix.exact[w] {
				hits = try(p, c, words, i, here)
			}
			if len(w) >= 3 {
				for _, p := range ix.prefix[w[:3]] {
					if p.elems[0].matches(w) {
						hits = try(p, c, words, i, here)
					}
				}
			}
			if len(ix.number) > 0 && w[0] >= '0' && w[0] <= '9' && isNumber(w) {
				for _, p := range ix.number {
					hits = try(p, c, words, i, here)
				}
			}
		}
	}
	return pick(hits, cls)
}

// pick chooses among overlapping matches. A match of a group that knows
// another meaning of the same words (negation, conditional, a medical
// "klachten") wins over the plain signal it overlaps; then the longer match
// wins; then the one with more literal letters; then the earlier one. The
// words of a chosen match are not used again.
func pick(hits []hit, cls [][]string) []hit {
	slices.SortStableFunc(hits, func(ha, hb hit) int {
		if ha.p.group.overrides != hb.p.group.overrides {
			if ha.p.group.overrides {
				return -1
			}
			return 1
		}
		if la, lb := ha.end-ha.start, hb.end-hb.start; la != lb {
			return cmp.Compare(lb, la)
		}
		if ha.p.lit != hb.p.lit {
			return cmp.Compare(hb.p.lit, ha.p.lit)
		}
		if ha.clause != hb.clause {
			return cmp.Compare(ha.clause, hb.clause)
		}
		return cmp.Compare(ha.start, hb.start)
	})
	used := make([][]bool, len(cls))
	var out []hit
	for _, h := range hits {
		if used[h.clause] == nil {
			used[h.clause] = make([]bool, len(cls[h.clause]))
		}
		free := true
		for k := h.start; k < h.end; k++ {
			if used[h.clause][k] {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		for k := h.start; k < h.end; k++ {
			used[h.clause][k] = true
		}
		out = append(out, h)
	}
	slices.SortStableFunc(out, func(a, b hit) int {
		if a.clause != b.clause {
			return cmp.Compare(a.clause, b.clause)
		}
		return cmp.Compare(a.start, b.start)
	})
	return out
}
