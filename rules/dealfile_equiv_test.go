package rules

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// yamlToJSON writes a YAML node as JSON, keeping every scalar's text
// (numbers as written, dates as strings), so that no value passes through
// a float or a time.
func yamlToJSON(t *testing.T, n *yaml.Node, b *bytes.Buffer) {
	t.Helper()
	switch n.Kind {
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(n.Content[i].Value)
			b.Write(k)
			b.WriteString(": ")
			yamlToJSON(t, n.Content[i+1], b)
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteString(", ")
			}
			yamlToJSON(t, c, b)
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int", "!!float", "!!bool":
			b.WriteString(n.Value)
		case "!!null":
			b.WriteString("null")
		default:
			s, _ := json.Marshal(n.Value)
			b.Write(s)
		}
	default:
		t.Fatalf("unexpected YAML node kind %v", n.Kind)
	}
}

// TestJSONLinesMatchesYAML: the example deals written as JSON Lines decode
// to exactly the inputs the YAML deals decoder gives, so the two formats
// mean the same thing.
func TestJSONLinesMatchesYAML(t *testing.T) {
	p := mustCompile(t, "q4-growth.yaml", testFile(t, "../examples/programs/q4-growth.yaml")).Programs[0]
	src, err := os.ReadFile("../examples/data/deals.yaml")
	require.NoError(t, err)
	want, err := DecodeDeals("deals.yaml", src, p)
	require.NoError(t, err)

	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal(src, &doc))
	var lines bytes.Buffer
	for _, item := range doc.Content[0].Content {
		yamlToJSON(t, item, &lines)
		lines.WriteByte('\n')
	}
	var got []incentive.Input
	for in, err := range incentive.DecodeJSONLines(strings.NewReader(lines.String()), p, incentive.DecodeOptions{Name: "deals.jsonl"}) {
		require.NoError(t, err)
		got = append(got, in)
	}
	require.Len(t, got, 32, "the example has 32 deals")
	assert.Equal(t, want, got)
}
