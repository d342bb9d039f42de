package rules

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Format rewrites a program or tests file in canonical form: the keys of
// a Program document, of each earning, band table, test and expectation
// in the order the decoder lists them (the order of the package
// documentation), other keys after them in their own order, two-space
// indentation. Comments stay with the keys they were written next to.
// Formatting is idempotent: Format of its own output returns it
// unchanged. A file that is not valid YAML returns its errors as an
// ErrorList, like Compile, and no output.
func Format(name string, src []byte) ([]byte, error) {
	d := &diag{src: newSource(name, src)}
	if len(src) > MaxFileSize {
		return nil, errors.New("file too large to format")
	}
	// Parse with the same checks as Compile (limits, no anchors), so that
	// what is formatted is what compiles.
	parseDocuments(src, d, MaxDocuments, MaxNodes)
	if len(d.errs) > 0 {
		return nil, d.errs.Err()
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(doc.Content) == 1 {
			canonical(doc.Content[0])
		}
		literalFolds(&doc)
		if err := enc.Encode(&doc); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return spaceOut(out.Bytes()), nil
}

// literalFolds writes every folded (>) scalar that spans lines as a
// literal (|) one. yaml.v3 writes a folded scalar with a more-indented line
// with one blank line more than it read, which changes the scalar's text
// and makes formatting grow the file each time; a literal scalar keeps its
// text exactly.
func literalFolds(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Style&yaml.FoldedStyle != 0 && strings.Contains(n.Value, "\n") {
		n.Style = n.Style&^yaml.FoldedStyle | yaml.LiteralStyle
	}
	for _, c := range n.Content {
		literalFolds(c)
	}
}

// spacedKeys are the top-level keys that get a blank line before them;
// the items of spacedLists get one between them.
var (
	spacedKeys  = []string{"fields", "line_fields", "payment_methods", "payouts", "values", "eligibility", "earnings", "groups", "caps", "split", "settlements", "tests"}
	spacedLists = []string{"earnings", "tests"}
)

// spaceOut puts back the blank lines the YAML encoder drops: before the
// top-level sections and between the items of earnings and tests, above
// any comment lines that belong to them.
func spaceOut(src []byte) []byte {
	lines := bytes.Split(src, []byte("\n"))
	blankBefore := make([]bool, len(lines))
	section := ""
	firstItem := false
	for i, l := range lines {
		if len(l) > 0 && l[0] != ' ' && l[0] != '#' && l[0] != '-' {
			key, _, _ := bytes.Cut(l, []byte(":"))
			section = string(key)
			firstItem = true
			if slices.Contains(spacedKeys, section) {
				blankBefore[i] = true
			}
			continue
		}
		if bytes.HasPrefix(l, []byte("  - ")) && slices.Contains(spacedLists, section) {
			if !firstItem {
				blankBefore[i] = true
			}
			firstItem = false
		}
	}
	var out [][]byte
	for i, l := range lines {
		if blankBefore[i] {
			// Above the comment lines that lead into this line.
			j := len(out)
			for j > 0 && bytes.HasPrefix(bytes.TrimLeft(out[j-1], " "), []byte("#")) {
				j--
			}
			if j > 0 && len(out[j-1]) > 0 && !bytes.Equal(out[j-1], []byte("---")) {
				out = slices.Insert(out, j, []byte{})
			}
		}
		out = append(out, l)
	}
	return bytes.Join(out, []byte("\n"))
}

// canonical orders the keys of a document's top mapping and of the
// mappings under it whose key lists the decoder knows.
func canonical(root *yaml.Node) {
	if root.Kind != yaml.MappingNode {
		return
	}
	kind := ""
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "kind" {
			kind = root.Content[i+1].Value
		}
	}
	switch kind {
	case "Program":
		orderKeys(root, programKeys)
		eachValue(root, func(key string, v *yaml.Node) {
			switch key {
			case "earnings":
				for _, e := range seqItems(v) {
					orderKeys(e, earningKeys)
					eachValue(e, func(k string, b *yaml.Node) {
						if k == "bands" {
							orderKeys(b, bandKeys)
						}
					})
				}
			case "tests":
				orderTests(v)
			case "effective":
				orderKeys(v, []string{"from", "to", "timezone", "ends"})
			case "claims":
				orderKeys(v, claimsKeys)
			case "rounding":
				orderKeys(v, []string{"scale", "mode", "at"})
			case "caps":
				orderKeys(v, []string{"per_deal", "per_partner", "budget"})
			case "hold":
				orderKeys(v, holdKeys)
			case "payouts":
				for _, b := range seqItems(v) {
					orderKeys(b, bucketKeys)
				}
			}
		})
	case "Tests":
		orderKeys(root, []string{"apiVersion", "kind", "program", "version", "tests"})
		eachValue(root, func(key string, v *yaml.Node) {
			if key == "tests" {
				orderTests(v)
			}
		})
	}
}

func orderTests(v *yaml.Node) {
	for _, t := range seqItems(v) {
		orderKeys(t, testKeys)
		eachValue(t, func(k string, e *yaml.Node) {
			if k == "expect" {
				orderKeys(e, expectKeys)
			}
		})
	}
}

func seqItems(n *yaml.Node) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func eachValue(m *yaml.Node, f func(key string, v *yaml.Node)) {
	if m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		f(m.Content[i].Value, m.Content[i+1])
	}
}

// orderKeys sorts a mapping's pairs by their key's place in order; keys
// not in order keep their relative order after the known ones.
func orderKeys(m *yaml.Node, order []string) {
	if m.Kind != yaml.MappingNode {
		return
	}
	type pair struct{ k, v *yaml.Node }
	pairs := make([]pair, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		pairs = append(pairs, pair{m.Content[i], m.Content[i+1]})
	}
	rank := func(p pair) int {
		if i := slices.Index(order, p.k.Value); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return rank(a) - rank(b) })
	m.Content = m.Content[:0]
	for _, p := range pairs {
		m.Content = append(m.Content, p.k, p.v)
	}
}
