package config

import (
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// positions maps the full key path of every key, table header and array
// element in a TOML document ("organisation[0].procedure.decide_within",
// "organisation[0].staff[1]") to the line it starts on, so that semantic
// errors found after decoding can name a line like syntax errors do.
type positions struct {
	lines  map[string]int
	byLine map[[2]int]string // (line, column) of a key → its full path
}

// index walks the document with go-toml's unstable parser. It returns an
// empty index for a document that does not parse; the decoder reports that.
func index(data []byte) *positions {
	ps := &positions{lines: map[string]int{}, byLine: map[[2]int]string{}}
	var p unstable.Parser
	p.Reset(data)
	arrays := map[string]int{} // array-table path → number of elements so far
	table := ""                // path of the current [table]
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			table = resolve(keyParts(e), arrays)
			ps.record(&p, table, firstKey(e))
		case unstable.ArrayTable:
			base := resolve(keyParts(e), arrays)
			n := arrays[base]
			arrays[base] = n + 1
			table = base + "[" + strconv.Itoa(n) + "]"
			ps.record(&p, table, firstKey(e))
		case unstable.KeyValue:
			ps.keyValue(&p, join(table, strings.Join(keyParts(e), ".")), e)
		}
	}
	return ps
}

// keyValue records a key and, for inline tables and arrays, what is inside.
func (ps *positions) keyValue(p *unstable.Parser, path string, kv *unstable.Node) {
	ps.record(p, path, firstKey(kv))
	ps.value(p, path, kv.Value())
}

func (ps *positions) value(p *unstable.Parser, path string, v *unstable.Node) {
	if v.Raw.Length > 0 {
		// Type errors point at the value rather than the key.
		start := p.Shape(v.Raw).Start
		ps.byLine[[2]int{start.Line, start.Column}] = path
	}
	switch v.Kind {
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			kv := it.Node()
			if kv.Kind == unstable.KeyValue {
				ps.keyValue(p, join(path, strings.Join(keyParts(kv), ".")), kv)
			}
		}
	case unstable.Array:
		it := v.Children()
		for i := 0; it.Next(); i++ {
			el := it.Node()
			elPath := path + "[" + strconv.Itoa(i) + "]"
			if el.Raw.Length > 0 {
				ps.lines[elPath] = p.Shape(el.Raw).Start.Line
			}
			ps.value(p, elPath, el)
		}
	}
}

func (ps *positions) record(p *unstable.Parser, path string, key *unstable.Node) {
	if key == nil || key.Raw.Length == 0 {
		return
	}
	start := p.Shape(key.Raw).Start
	if _, seen := ps.lines[path]; !seen {
		ps.lines[path] = start.Line
	}
	ps.byLine[[2]int{start.Line, start.Column}] = path
}

// line returns the line of path, or of the nearest enclosing table or key
// that is in the document (a missing key is reported on its table's
// header), or 0.
func (ps *positions) line(path string) int {
	for path != "" {
		if l, ok := ps.lines[path]; ok {
			return l
		}
		path = parent(path)
	}
	return 0
}

// has reports whether path itself occurs in the document.
func (ps *positions) has(path string) bool {
	_, ok := ps.lines[path]
	return ok
}

// at returns the full path of the key that starts at line and column.
func (ps *positions) at(line, column int) (string, bool) {
	path, ok := ps.byLine[[2]int{line, column}]
	return path, ok
}

// parent strips the last element of a path: "a[0].b" → "a[0]" → "a" → "".
func parent(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i > 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

func join(table, key string) string {
	if table == "" {
		return key
	}
	return table + "." + key
}

// resolve turns the parts of a table header into a path, entering the last
// element of every array table on the way: after [[organisation]], the
// header [organisation.procedure] means organisation[N-1].procedure.
func resolve(parts []string, arrays map[string]int) string {
	path := ""
	for i, part := range parts {
		path = join(path, part)
		if n := arrays[path]; n > 0 && i < len(parts)-1 {
			path += "[" + strconv.Itoa(n-1) + "]"
		}
	}
	return path
}

func keyParts(n *unstable.Node) []string {
	var parts []string
	it := n.Key()
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}

func firstKey(n *unstable.Node) *unstable.Node {
	it := n.Key()
	if it.Next() {
		return it.Node()
	}
	return nil
}
