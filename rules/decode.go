package rules

import (
	"fmt"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/textdist"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// This file holds the strict decoding helpers shared by programs, tests
// and deals: mappings with known keys only, typed scalars read from their
// text, and did-you-mean suggestions.

// kv is one key and its value in a mapping.
type kv struct{ key, val *yaml.Node }

// fields is a decoded mapping: its node, its path and its pairs by key.
type fields struct {
	node *yaml.Node
	path string
	m    map[string]kv
	// typos are the keys suggested for unknown keys: a missing required
	// key that was suggested is not reported again.
	typos map[string]bool
}

// has reports whether key is present.
func (f fields) has(key string) bool { _, ok := f.m[key]; return ok }

// get returns the value of key, or nil.
func (f fields) get(key string) *yaml.Node { return f.m[key].val }

// pairs yields the keys and values of mapping n (the node f was decoded
// from) in file order, each key once: a repeated key, which decoding
// reported, yields only where it was first written.
func (f fields) pairs(n *yaml.Node) iter.Seq2[*yaml.Node, *yaml.Node] {
	return func(yield func(k, v *yaml.Node) bool) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if f.m[k.Value].key != k {
				continue
			}
			if !yield(k, v) {
				return
			}
		}
	}
}

// at returns the path of key.
func (f fields) at(key string) string { return join(f.path, key) }

// join appends a key to a YAML path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a YAML path.
func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// kindName names what a node is, for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "an empty value"
		case "!!bool":
			return "true/false"
		case "!!int", "!!float":
			return "a number (" + n.Value + ")"
		}
		return fmt.Sprintf("text (%q)", clip(n.Value))
	}
	return "an unsupported value"
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "..."
	}
	return s
}

// mapping checks that n is a mapping with unique scalar keys, each one of
// allowed, and returns its pairs. Unknown keys are reported with a
// suggestion. It returns false when n is not a mapping.
func (d *diag) mapping(n *yaml.Node, path string, allowed ...string) (fields, bool) {
	f := fields{node: n, path: path, m: map[string]kv{}}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "want a mapping (key: value lines), got %s", kindName(n))
		return f, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!null" {
			d.errorf(k, path, "keys must be plain names, got %s", kindName(k))
			continue
		}
		if prev, dup := f.m[k.Value]; dup {
			d.errorf(k, path, "duplicate key %q (first given on line %d)", k.Value, prev.key.Line)
			continue
		}
		if allowed != nil && !contains(allowed, k.Value) {
			hint := suggest(k.Value, allowed, true)
			d.errorf(k, path, "unknown key %q%s", k.Value, hint)
			if s, ok := strings.CutPrefix(hint, "; did you mean "); ok {
				if f.typos == nil {
					f.typos = map[string]bool{}
				}
				f.typos[strings.Trim(s, `"?`)] = true
			}
			continue
		}
		f.m[k.Value] = kv{k, v}
	}
	return f, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// require reports each missing key, unless it was already suggested for a
// misspelt key, and reports whether all are present.
func (d *diag) require(f fields, keys ...string) bool {
	ok := true
	for _, k := range keys {
		if f.has(k) {
			continue
		}
		if !f.typos[k] {
			d.errorf(f.node, f.path, "missing required key %q", k).missing = join(f.path, k)
		}
		ok = false
	}
	return ok
}

// suggest returns "; did you mean "x"?" for the closest candidate, or, when
// listAll is set and nothing is close, the list of valid names.
func suggest(got string, candidates []string, listAll bool) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if dist := textdist.Distance(strings.ToLower(got), strings.ToLower(c)); dist < bestD {
			best, bestD = c, dist
		}
	}
	limit := max(1, len([]rune(best))/3)
	if best != "" && bestD <= limit {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	if listAll && len(candidates) > 0 {
		return " (want one of " + strings.Join(candidates, ", ") + ")"
	}
	return ""
}

// scalar checks that n is a non-empty scalar and returns its text.
func (d *diag) scalar(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, path, "want %s, got %s", want, kindName(n))
		return "", false
	}
	return n.Value, true
}

// text reads free text (a name, a label). Numbers are taken as written.
func (d *diag) text(n *yaml.Node, path string) (string, bool) {
	s, ok := d.scalar(n, path, "text")
	if !ok {
		return "", false
	}
	if n.Tag == "!!bool" {
		d.errorf(n, path, "want text, got %s; quote it if it is meant as text", kindName(n))
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		d.errorf(n, path, "must not be blank")
		return "", false
	}
	return s, true
}

var identRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ident reads an identifier: letters, digits, "-", "_" and ".", starting
// with a letter or digit, at most 128 characters.
func (d *diag) ident(n *yaml.Node, path, what string) (string, bool) {
	s, ok := d.scalar(n, path, what)
	if !ok {
		return "", false
	}
	if len(s) > 128 || !identRE.MatchString(s) {
		d.errorf(n, path, "%s %q must be letters, digits, \"-\", \"_\" or \".\", starting with a letter or digit", what, clip(s))
		return "", false
	}
	return s, true
}

// enum reads one of a fixed set of words.
func (d *diag) enum(n *yaml.Node, path string, allowed ...string) (string, bool) {
	s, ok := d.scalar(n, path, "one of "+strings.Join(allowed, ", "))
	if !ok {
		return "", false
	}
	if !contains(allowed, s) {
		d.errorf(n, path, "unknown value %q%s", clip(s), suggest(s, allowed, true))
		return "", false
	}
	return s, true
}

var intRE = regexp.MustCompile(`^-?[0-9]+$`)

// integer reads a whole number written in decimal digits.
func (d *diag) integer(n *yaml.Node, path string) (int64, bool) {
	s, ok := d.scalar(n, path, "a whole number")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if n.Tag != "!!int" || !intRE.MatchString(s) || err != nil {
		d.errorf(n, path, "want a whole number written in digits, got %s", kindName(n))
		return 0, false
	}
	return v, true
}

// boolean reads true or false.
func (d *diag) boolean(n *yaml.Node, path string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.errorf(n, path, "want true or false, got %s", kindName(n))
		return false, false
	}
	return strings.EqualFold(n.Value, "true"), true
}

// decimalRE is the accepted number syntax: optional minus, digits, an
// optional fraction. No exponents, underscores, hex, infinities or NaN.
var decimalRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// maxDigits bounds the length of a number literal.
const maxDigits = 40

// parseNumber parses the accepted number syntax into an exact decimal.
func parseNumber(s string) (decimal.Decimal, bool) {
	s = strings.TrimSpace(s)
	if len(s) > maxDigits || !decimalRE.MatchString(s) {
		return decimal.Decimal{}, false
	}
	v, err := decimal.NewFromString(s)
	return v, err == nil
}

// number reads a decimal number from the scalar's text, plain or quoted.
func (d *diag) number(n *yaml.Node, path string) (decimal.Decimal, bool) {
	s, ok := d.scalar(n, path, "a number")
	if !ok {
		return decimal.Decimal{}, false
	}
	if n.Tag == "!!bool" {
		d.errorf(n, path, "want a number, got %s", kindName(n))
		return decimal.Decimal{}, false
	}
	v, ok := parseNumber(s)
	if !ok {
		d.errorf(n, path, "want a decimal number such as 1250 or 0.025, got %q", clip(s))
		return decimal.Decimal{}, false
	}
	return v, true
}

// moneyRE matches an amount with a currency code: "500 EUR".
var moneyRE = regexp.MustCompile(`^\s*(-?[0-9]+(?:\.[0-9]+)?)\s+([A-Za-z]{3})\s*$`)

// splitMoney splits "500 EUR" into its number and code.
func splitMoney(s string) (num, code string, ok bool) {
	m := moneyRE.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// money reads an amount in the program currency: a number, or a number
// followed by the program's currency code ("500 USD"). Another code is an
// error: amounts are never converted implicitly.
func (d *diag) money(n *yaml.Node, path string, cur incentive.Currency) (decimal.Decimal, bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		if num, code, ok := splitMoney(n.Value); ok {
			if !d.sameCurrency(n, path, code, cur) {
				return decimal.Decimal{}, false
			}
			v, ok := parseNumber(num)
			if !ok {
				d.errorf(n, path, "want a decimal number such as 1250 or 0.025, got %q", clip(num))
			}
			return v, ok
		}
	}
	return d.number(n, path)
}

// sameCurrency checks that a currency code written beside an amount is the
// program currency.
func (d *diag) sameCurrency(n *yaml.Node, path, code string, cur incentive.Currency) bool {
	c, err := incentive.ParseCurrency(code)
	switch {
	case err != nil:
		d.errorf(n, path, "unknown currency %q in amount", code)
		return false
	case cur != "" && c != cur:
		d.errorf(n, path, "amount is in %s but the program pays in %s; write amounts in %s (rules never convert literals)", c, cur, cur)
		return false
	}
	return true
}

// date reads a calendar date written YYYY-MM-DD.
func (d *diag) date(n *yaml.Node, path string) (incentive.Date, bool) {
	s, ok := d.scalar(n, path, "a date (YYYY-MM-DD)")
	if !ok {
		return incentive.Date{}, false
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		d.errorf(n, path, "want a date written YYYY-MM-DD, got %q", clip(s))
		return incentive.Date{}, false
	}
	return incentive.DateOf(t), true
}

// instant reads a date (midnight in loc) or an RFC 3339 time.
func (d *diag) instant(n *yaml.Node, path string, loc *time.Location) (time.Time, bool) {
	s, ok := d.scalar(n, path, "a date (YYYY-MM-DD) or an RFC 3339 time")
	if !ok {
		return time.Time{}, false
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return incentive.DateOf(t).In(loc), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	d.errorf(n, path, "want a date written YYYY-MM-DD or an RFC 3339 time such as 2026-11-03T15:04:05-05:00, got %q", clip(s))
	return time.Time{}, false
}

// list checks that n is a list.
func (d *diag) list(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "want a list (lines starting with \"- \"), got %s", kindName(n))
		return nil, false
	}
	return n.Content, true
}

// origin returns the file position of n.
func (d *diag) origin(n *yaml.Node) incentive.Origin {
	return incentive.Origin{File: d.src.name, Line: n.Line, Col: n.Column}
}
