package rules

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestScalarMap checks that a position inside a scalar's value maps to the
// file position of the same character, for every scalar style.
func TestScalarMap(t *testing.T) {
	cases := []struct {
		name  string
		yaml  string
		token string // first occurrence in the value
		line  int    // expected file position of the token
		col   int
	}{
		{"plain", "when: deal.x > 5\n", "deal.x", 1, 7},
		{"plain after multibyte", `when: deal.s == "é" && deal.h` + "\n", "deal.h", 1, 24},
		{"plain folded", "when: a &&\n  deal.f\n", "deal.f", 2, 3},
		{"flow mapping", "m: {name: x, when: deal.g > 1}\n", "deal.g", 1, 20},
		{"double quoted", `when: "a == \"b\" && deal.y"` + "\n", "deal.y", 1, 22},
		{"double quoted escapes", `when: "x\t\u00e9 deal.z"` + "\n", "deal.z", 1, 18},
		{"escape maps to its backslash", `when: "x\t\u00e9 deal.z"` + "\n", "é", 1, 11},
		{"escaped line break", "when: \"deal.a &&\\\n  deal.b\"\n", "deal.b", 2, 3},
		{"double quoted folded", "when: \"a &&\n  deal.k\"\n", "deal.k", 2, 3},
		{"single quoted", "when: 'it''s == deal.c'\n", "deal.c", 1, 17},
		{"literal block", "when: |\n  a &&\n    deal.d\n", "deal.d", 3, 5},
		{"literal block with comment", "when: | # note\n  deal.d2 > 1\n", "deal.d2", 2, 3},
		{"folded block", "when: >\n  a\n  && deal.e\n", "deal.e", 3, 6},
		{"indented block in a list", "- name: x\n  when: |\n    a ||\n      deal.l\n", "deal.l", 4, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := findWhen(t, c.yaml)
			m := newScalarMap(newSource("t.yaml", []byte(c.yaml)), n)
			i := strings.Index(n.Value, c.token)
			if i < 0 {
				t.Fatalf("token %q not in value %q", c.token, n.Value)
			}
			line, col := 1, 1
			for _, r := range n.Value[:i] {
				if r == '\n' {
					line, col = line+1, 1
				} else {
					col++
				}
			}
			if got := m.at(line, col); got != (filePos{c.line, c.col}) {
				t.Errorf("value %q: %q at %d:%d maps to %d:%d, want %d:%d", n.Value, c.token, line, col, got.line, got.col, c.line, c.col)
			}
		})
	}
}

func TestScalarMapPastTheEnd(t *testing.T) {
	src := "when: deal.x >\n"
	n := findWhen(t, src)
	m := newScalarMap(newSource("t.yaml", []byte(src)), n)
	// "deal.x >" is 8 characters; an error at column 9 (end of input) sits
	// just after the last character, file column 15.
	if got := m.at(1, 9); got != (filePos{1, 15}) {
		t.Errorf("end of input maps to %v", got)
	}
	if got := m.at(7, 1); got != (filePos{1, 15}) {
		t.Errorf("a line past the end maps to %v", got)
	}
	empty := &yaml.Node{Kind: yaml.ScalarNode, Line: 3, Column: 9}
	if got := newScalarMap(newSource("t.yaml", nil), empty).at(1, 1); got != (filePos{3, 9}) {
		t.Errorf("an empty value maps to %v", got)
	}
}

// findWhen returns the first `when` value in src.
func findWhen(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	var found *yaml.Node
	var visit func(n *yaml.Node)
	visit = func(n *yaml.Node) {
		for i := 0; i+1 < len(n.Content) && found == nil; i++ {
			if n.Kind == yaml.MappingNode && i%2 == 0 && n.Content[i].Value == "when" {
				found = n.Content[i+1]
				return
			}
		}
		for _, c := range n.Content {
			if found == nil {
				visit(c)
			}
		}
	}
	visit(&doc)
	if found == nil {
		t.Fatalf("no when in %q", src)
	}
	return found
}
