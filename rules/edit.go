package rules

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// NumberRef is a number found in a program file by FindNumber: its value,
// where it is written, and the places SetNumber edits.
type NumberRef struct {
	// Path is the path as given.
	Path string
	// Value is the number written there.
	Value decimal.Decimal
	// Line and Col are where the number is written (1-based; Col counts
	// characters).
	Line, Col int
	// Linked are the paths of band bounds that move with this one: the
	// `from` of the next band when Path is a band's `to`, and the other way
	// round, so the bands stay contiguous.
	Linked []string

	spots []spot
}

// spot is one scalar to rewrite: a byte range and how it was written.
type spot struct {
	start, end int // byte offsets in the file
	style      yaml.Style
	suffix     string // " USD" when the value was written with a currency
}

var pathSegRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\]]+\])*)$`)

// FindNumber finds the number at path in a program file: a key path like
// the paths in error messages, where a list item is chosen by its index or
// by its id (or name): "caps.per_deal", "earnings[base].cap",
// "earnings[volume-rebate].bands.table[1].rate", "caps.per_partner.limit",
// "min_payout". A path to an expression names the number written in it,
// "earnings[base].amount" for the 0.02 of "deal.amount * 0.02"; when the
// expression holds several numbers, "#2" after the path picks the second. programID chooses the Program document when the file holds
// several ("" for the first). The number may be quoted or carry the
// program's currency ("2500 USD"). A path that leads nowhere, or to
// something other than a number (an expression, say), is an ErrorList
// positioned at the deepest node the path reached.
func FindNumber(name string, src []byte, programID, path string) (*NumberRef, error) {
	d := &diag{src: newSource(name, src)}
	docs := parseDocuments(src, d, MaxDocuments, MaxNodes)
	if err := d.errs.Err(); err != nil {
		return nil, err
	}
	root := programDoc(docs, programID)
	if root == nil {
		what := "no Program document"
		if programID != "" {
			what = fmt.Sprintf("no Program document with id %q", programID)
		}
		d.add(SeverityError, 1, 1, "", what)
		return nil, d.errs.Err()
	}
	keyPath, lit, hasLit := strings.Cut(path, "#")
	n, err := resolve(d, root, keyPath)
	if err != nil {
		return nil, err
	}
	ref := &NumberRef{Path: path, Line: n.Line, Col: n.Column}
	sp, v, ok := numberSpot(src, n)
	if !ok || hasLit {
		// A number written inside an expression: "deal.amount * 0.02".
		var msg string
		sp, v, ref.Col, msg = literalSpot(src, n, lit, hasLit)
		if msg != "" {
			d.errorf(n, keyPath, "%s", msg)
			return nil, d.errs.Err()
		}
	}
	ref.Value = v
	ref.spots = append(ref.spots, sp)
	// A band bound moves the neighbouring band's bound with it.
	if before, key, ok := cutLast(path); ok && (key == "to" || key == "from") {
		if tbl, i, ok := tableIndex(before); ok {
			j, other := i+1, "from"
			if key == "from" {
				j, other = i-1, "to"
			}
			if j >= 0 {
				lp := fmt.Sprintf("%s[%d].%s", tbl, j, other)
				if ln, err := resolve(&diag{src: d.src}, root, lp); err == nil {
					if lsp, lv, ok := numberSpot(src, ln); ok && lv.Equal(v) {
						ref.Linked = append(ref.Linked, lp)
						ref.spots = append(ref.spots, lsp)
					}
				}
			}
		}
	}
	return ref, nil
}

// Set returns a copy of src with the number (and its linked bounds)
// replaced by v, written as it was: quoted when it was quoted, with its
// currency when it had one. Everything else in the file, comments
// included, is kept byte for byte. src must be the file FindNumber read.
func (r *NumberRef) Set(src []byte, v decimal.Decimal) []byte {
	spots := slices.Clone(r.spots)
	slices.SortFunc(spots, func(a, b spot) int { return b.start - a.start })
	out := bytes.Clone(src)
	for _, s := range spots {
		text := v.String() + s.suffix
		switch s.style {
		case yaml.DoubleQuotedStyle:
			text = `"` + text + `"`
		case yaml.SingleQuotedStyle:
			text = `'` + text + `'`
		}
		out = slices.Concat(out[:s.start], []byte(text), out[s.end:])
	}
	return out
}

// programDoc returns the mapping of the Program document with the id, or
// the first Program document when id is "".
func programDoc(docs []*document, id string) *yaml.Node {
	for _, doc := range docs {
		r := doc.root
		if r.Kind != yaml.MappingNode || mapValue(r, "kind") == nil || mapValue(r, "kind").Value != "Program" {
			continue
		}
		if id == "" || (mapValue(r, "id") != nil && mapValue(r, "id").Value == id) {
			return r
		}
	}
	return nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func mapKeys(n *yaml.Node) []string {
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// resolve walks path from root.
func resolve(d *diag, root *yaml.Node, path string) (*yaml.Node, error) {
	n := root
	done := ""
	for _, seg := range strings.Split(path, ".") {
		m := pathSegRE.FindStringSubmatch(seg)
		if m == nil {
			d.errorf(n, done, "bad path segment %q in %q; write key.key[index].key, an index being a number or an id", seg, path)
			return nil, d.errs.Err()
		}
		key := m[1]
		if n.Kind != yaml.MappingNode {
			d.errorf(n, done, "%s is %s; it has no key %q", orRoot(done), kindName(n), key)
			return nil, d.errs.Err()
		}
		v := mapValue(n, key)
		if v == nil {
			d.errorf(n, done, "%s has no key %q%s", orRoot(done), key, suggest(key, mapKeys(n), true))
			return nil, d.errs.Err()
		}
		n, done = v, join(done, key)
		for _, ix := range regexp.MustCompile(`\[([^\]]+)\]`).FindAllStringSubmatch(m[2], -1) {
			sel := ix[1]
			if n.Kind != yaml.SequenceNode {
				d.errorf(n, done, "%s is %s, not a list", done, kindName(n))
				return nil, d.errs.Err()
			}
			item := pickItem(n, sel)
			if item == nil {
				d.errorf(n, done, "%s has no item %s (%d items; choose one by index from 0 or by id)", done, sel, len(n.Content))
				return nil, d.errs.Err()
			}
			n, done = item, done+"["+sel+"]"
		}
	}
	return n, nil
}

func orRoot(p string) string {
	if p == "" {
		return "the program"
	}
	return p
}

// pickItem chooses a list item by index or by its id or name.
func pickItem(list *yaml.Node, sel string) *yaml.Node {
	if i, err := strconv.Atoi(sel); err == nil {
		if i >= 0 && i < len(list.Content) {
			return list.Content[i]
		}
		return nil
	}
	for _, it := range list.Content {
		for _, k := range []string{"id", "name"} {
			if v := mapValue(it, k); v != nil && v.Value == sel {
				return it
			}
		}
	}
	return nil
}

// numberSpot reads a scalar number and finds its bytes in src.
func numberSpot(src []byte, n *yaml.Node) (spot, decimal.Decimal, bool) {
	if n.Kind != yaml.ScalarNode {
		return spot{}, decimal.Decimal{}, false
	}
	text, suffix := n.Value, ""
	if num, code, ok := splitMoney(n.Value); ok {
		text, suffix = num, " "+code
	}
	v, ok := parseNumber(text)
	if !ok {
		return spot{}, decimal.Decimal{}, false
	}
	start := offsetOf(src, n.Line, n.Column)
	if start < 0 {
		return spot{}, decimal.Decimal{}, false
	}
	sp := spot{start: start, style: n.Style, suffix: suffix}
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		q := src[start]
		end := bytes.IndexByte(src[start+1:], q)
		if end < 0 {
			return spot{}, decimal.Decimal{}, false
		}
		sp.end = start + 1 + end + 1
	case 0:
		sp.end = start + len(n.Value)
		if sp.end > len(src) || string(src[start:sp.end]) != n.Value {
			return spot{}, decimal.Decimal{}, false
		}
	default:
		return spot{}, decimal.Decimal{}, false
	}
	return sp, v, true
}

// offsetOf turns a 1-based line and character column into a byte offset.
func offsetOf(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	for c := 1; c < col; c++ {
		if off >= len(src) || src[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(src[off:])
		off += size
	}
	return off
}

// cutLast splits "a.b.c" into "a.b" and "c".
func cutLast(path string) (string, string, bool) {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		return "", "", false
	}
	return path[:i], path[i+1:], true
}

var tableIndexRE = regexp.MustCompile(`^(.*\btable)\[([0-9]+)\]$`)

// tableIndex splits "earnings[x].bands.table[2]" into the table path and 2.
func tableIndex(p string) (string, int, bool) {
	m := tableIndexRE.FindStringSubmatch(p)
	if m == nil {
		return "", 0, false
	}
	i, err := strconv.Atoi(m[2])
	return m[1], i, err == nil
}

// literalSpot finds a number literal inside a one-line expression: the
// one it holds, or the nth (1-based) when pick is set. It returns the
// spot, the value and the literal's column, or a message saying why not.
func literalSpot(src []byte, n *yaml.Node, nth string, pick bool) (spot, decimal.Decimal, int, string) {
	if n.Kind != yaml.ScalarNode || n.Style != 0 || strings.Contains(n.Value, "\n") {
		return spot{}, decimal.Decimal{}, 0, fmt.Sprintf("is %s, not a number; sweep a plain number (a rate, a bound, a cap) or one written in a one-line expression", kindName(n))
	}
	lits := numberLiterals(n.Value)
	if len(lits) == 0 {
		return spot{}, decimal.Decimal{}, 0, fmt.Sprintf("%q holds no number to vary", n.Value)
	}
	i := 0
	switch {
	case pick:
		k, err := strconv.Atoi(nth)
		if err != nil || k < 1 || k > len(lits) {
			return spot{}, decimal.Decimal{}, 0, fmt.Sprintf("#%s: %q holds %d numbers; choose #1 to #%d", nth, n.Value, len(lits), len(lits))
		}
		i = k - 1
	case len(lits) > 1:
		var texts []string
		for _, l := range lits {
			texts = append(texts, n.Value[l[0]:l[1]])
		}
		return spot{}, decimal.Decimal{}, 0, fmt.Sprintf("%q holds %d numbers (%s); add #1 to #%d to the path to choose one", n.Value, len(lits), strings.Join(texts, ", "), len(lits))
	}
	text := n.Value[lits[i][0]:lits[i][1]]
	v, ok := parseNumber(text)
	start := offsetOf(src, n.Line, n.Column)
	if !ok || start < 0 || !bytes.HasPrefix(src[start:], []byte(n.Value)) {
		return spot{}, decimal.Decimal{}, 0, fmt.Sprintf("cannot find the number %s in the file", text)
	}
	col := n.Column + utf8.RuneCountInString(n.Value[:lits[i][0]])
	return spot{start: start + lits[i][0], end: start + lits[i][1]}, v, col, ""
}

// numberLiterals returns the byte ranges of the number literals of an
// expression, outside quoted strings and not part of a name (x2).
func numberLiterals(s string) [][2]int {
	var out [][2]int
	var quote byte
	isWord := func(c byte) bool {
		return c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c >= '0' && c <= '9' && (i == 0 || !isWord(s[i-1])):
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j+1 < len(s) && s[j] == '.' && s[j+1] >= '0' && s[j+1] <= '9' {
				j++
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
			}
			if j == len(s) || !isWord(s[j]) {
				out = append(out, [2]int{i, j})
			}
			i = j - 1
		}
	}
	return out
}
