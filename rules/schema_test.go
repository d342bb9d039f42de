package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// schemaCheck checks v against the subset of JSON Schema that Schema uses
// (type, const, properties, additionalProperties, required, items,
// anyOf, oneOf, $ref to $defs) and returns the problems.
func schemaCheck(root, s map[string]any, v any, path string) []string {
	if r, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(r, "#/$defs/")
		return schemaCheck(root, root["$defs"].(map[string]any)[name].(map[string]any), v, path)
	}
	var out []string
	if c, ok := s["const"]; ok && c != v {
		out = append(out, fmt.Sprintf("%s: want %v, got %v", path, c, v))
	}
	if e, ok := s["enum"].([]any); ok && !slices.Contains(e, v) {
		out = append(out, fmt.Sprintf("%s: want one of %v, got %v", path, e, v))
	}
	if t, ok := s["type"]; ok && !typeOK(t, v) {
		return append(out, fmt.Sprintf("%s: want %v, got %T", path, t, v))
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		alts, ok := s[key].([]any)
		if !ok {
			continue
		}
		pass := 0
		var why []string
		for _, a := range alts {
			p := schemaCheck(root, a.(map[string]any), v, path)
			if len(p) == 0 {
				pass++
			}
			why = append(why, p...)
		}
		if pass == 0 || (key == "oneOf" && pass > 1) {
			out = append(out, fmt.Sprintf("%s: %s matches %d alternatives (%s)", path, key, pass, strings.Join(why, "; ")))
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := x[r]; !ok {
				out = append(out, fmt.Sprintf("%s: missing %q", path, r))
			}
		}
		for k, val := range x {
			if ps, ok := props[k]; ok {
				out = append(out, schemaCheck(root, ps.(map[string]any), val, path+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					out = append(out, fmt.Sprintf("%s: unknown key %q", path, k))
				}
			case map[string]any:
				out = append(out, schemaCheck(root, ap, val, path+"."+k)...)
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, it := range x {
				out = append(out, schemaCheck(root, items, it, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return out
}

func asList(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}

func typeOK(t, v any) bool {
	if list, ok := t.([]any); ok {
		return slices.ContainsFunc(list, func(x any) bool { return typeOK(x, v) })
	}
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "integer":
		_, ok := v.(int64)
		return ok
	case "number":
		_, ok := v.(float64)
		_, isInt := v.(int64)
		return ok || isInt
	case "boolean":
		_, ok := v.(bool)
		return ok
	}
	return false
}

// yamlValue turns a YAML node into the JSON data model an editor sees:
// dates and other timestamps are strings.
func yamlValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return yamlValue(n.Content[0])
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = yamlValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, yamlValue(c))
		}
		return l
	}
	switch n.Tag {
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return i
		}
		return float64(0)
	case "!!float":
		return float64(0)
	case "!!bool":
		return strings.EqualFold(n.Value, "true")
	case "!!null":
		return nil
	}
	return n.Value
}

// documents validates every YAML document of a file.
func schemaProblems(t *testing.T, path string) []string {
	t.Helper()
	var root map[string]any
	require.NoError(t, json.Unmarshal(Schema(), &root))
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var out []string
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			return append(out, "YAML: "+err.Error())
		}
		if len(n.Content) == 0 {
			continue
		}
		out = append(out, schemaCheck(root, root, yamlValue(&n), "$")...)
	}
}

// TestSchemaAcceptsEveryValidFile: every example and reference file passes
// the schema.
func TestSchemaAcceptsEveryValidFile(t *testing.T) {
	var files []string
	for _, glob := range []string{"../examples/programs/*.yaml", "testdata/reference/*.yaml", "testdata/tierpolicy/*.yaml", "testdata/approval/*.yaml"} {
		m, err := filepath.Glob(glob)
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.GreaterOrEqual(t, len(files), 10)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			assert.Empty(t, schemaProblems(t, f))
		})
	}
}

// TestSchemaRejectsShapeErrors: every golden error file whose errors are
// about shape (an unknown or missing key, a list where a mapping belongs,
// the wrong apiVersion) fails the schema.
func TestSchemaRejectsShapeErrors(t *testing.T) {
	goldens, err := filepath.Glob("testdata/errors/*.golden")
	require.NoError(t, err)
	shape := regexp.MustCompile(`unknown key|missing required key|want a mapping|want a list|apiVersion`)
	n := 0
	for _, g := range goldens {
		out, err := os.ReadFile(g)
		require.NoError(t, err)
		if !shape.Match(out) {
			continue
		}
		f := strings.TrimSuffix(g, ".golden") + ".yaml"
		// The schema gives no shape yet to keys added after it (a program's
		// registration:, a test's rates:); errors inside them are the
		// compiler's.
		if slices.Contains([]string{"claims_anchor.yaml", "test_rates.yaml"}, filepath.Base(f)) {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			assert.NotEmpty(t, schemaProblems(t, f), "the schema accepts a file with shape errors:\n%s", out)
		})
	}
	assert.GreaterOrEqual(t, n, 7)
}

// TestSchemaKeysAreTheDecoders: each key list the schema spells out is the
// list of keys the decoder accepts there, read back from the decoder's
// "unknown key ... (want one of ...)" error.
func TestSchemaKeysAreTheDecoders(t *testing.T) {
	head := "apiVersion: partnerops/v1\nkind: Program\nid: x\nname: x\nversion: 1\ncurrency: USD\n"
	eff := "effective: {from: 2026-01-01, to: 2026-12-31}\n"
	earn := "earnings: [{id: e, type: spiff, amount: 1}]\n"
	cases := []struct {
		name string
		keys []string
		src  string
	}{
		{"effective", effectiveKeys, head + "effective: {from: 2026-01-01, zzzzzz: 1}\n" + earn},
		{"claims", claimsKeys, head + eff + "claims: {window: 60d, zzzzzz: 1}\n" + earn},
		{"rounding", roundingKeys, head + eff + "rounding: {zzzzzz: 1}\n" + earn},
		{"caps", capsKeys, head + eff + "caps: {zzzzzz: 1}\n" + earn},
		{"per_partner", partnerCapKeys, head + eff + "caps: {per_partner: {limit: 5, zzzzzz: 1}}\n" + earn},
		{"fields", fieldDeclKeys, head + eff + "fields: {seg: {type: string, zzzzzz: 1}}\n" + earn},
		{"eligibility", clauseKeys, head + eff + "eligibility: [{name: a, when: true, zzzzzz: 1}]\n" + earn},
		{"groups", groupKeys, head + eff + "groups: [{id: g, zzzzzz: 1}]\n" + earn},
		{"band rows", bandRowKeys, head + eff + "earnings: [{id: e, type: rebate, bands: {method: marginal, basis: deal, pays: rate, table: [{from: 0, rate: 0.01, zzzzzz: 1}]}}]\n"},
		{"top", programKeys, head + eff + earn + "zzzzzz: 1\n"},
		{"earning", earningKeys, head + eff + "earnings: [{id: e, type: spiff, amount: 1, zzzzzz: 1}]\n"},
		{"bands", bandKeys, head + eff + "earnings: [{id: e, type: rebate, bands: {zzzzzz: 1}}]\n"},
		{"test", testKeys, head + eff + earn + "tests: [{name: t, expect: {total: 1}, zzzzzz: 1}]\n"},
		{"expect", expectKeys, head + eff + earn + "tests: [{name: t, deal: {id: D, amount: 1, close_date: 2026-02-01, partner: {id: P}}, expect: {zzzzzz: 1}}]\n"},
		{"partner", partnerKeys, head + eff + earn + "tests: [{name: t, partner: {id: P, zzzzzz: 1}, deal: {id: D, amount: 1, close_date: 2026-02-01}, expect: {total: 1}}]\n"},
		{"contact", contactKeys, head + eff + earn + "tests: [{name: t, partner: {id: P, contacts: [{role: r, zzzzzz: 1}]}, deal: {id: D, amount: 1, close_date: 2026-02-01}, expect: {total: 1}}]\n"},
		{"customer", customerKeys, head + eff + earn + "tests: [{name: t, deal: {id: D, amount: 1, close_date: 2026-02-01, partner: {id: P}, customer: {zzzzzz: 1}}, expect: {total: 1}}]\n"},
		{"product", productKeys, head + eff + earn + "tests: [{name: t, deal: {id: D, amount: 1, close_date: 2026-02-01, partner: {id: P}, products: [{product: p, zzzzzz: 1}]}, expect: {total: 1}}]\n"},
		{"registration", registrationK, head + eff + earn + "tests: [{name: t, deal: {id: D, amount: 1, close_date: 2026-02-01, partner: {id: P}, registration: {zzzzzz: 1}}, expect: {total: 1}}]\n"},
		{"prior", priorKeys, head + eff + earn + "tests: [{name: t, prior: {zzzzzz: 1}, deal: {id: D, amount: 1, close_date: 2026-02-01, partner: {id: P}}, expect: {total: 1}}]\n"},
		{"split", splitKeys, head + eff + earn + "split: {zzzzzz: 1}\n"},
		{"split payee", splitPayeeKeys, head + eff + earn + "split: {remainder: first, to: [{payee: partner, zzzzzz: 1}]}\n"},
		{"settlement", settlementKeys, head + eff + earn + "settlements: [{zzzzzz: 1}]\n"},
		{"advances", advanceKeys, head + eff + earn + "settlements: [{advances: {zzzzzz: 1}}]\n"},
		{"tests document", testsDocKeys, "apiVersion: partnerops/v1\nkind: Tests\nprogram: x\ntests: []\nzzzzzz: 1\n"},
	}
	want := regexp.MustCompile(`unknown key "zzzzzz" \(want one of ([^)]*)\)`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile("k.yaml", []byte(c.src))
			require.Error(t, err)
			m := want.FindStringSubmatch(err.Error())
			require.NotNil(t, m, "no unknown-key error listing the keys:\n%v", err)
			assert.Equal(t, strings.Join(c.keys, ", "), m[1])
		})
	}
}

// TestSchemaIsValidJSON: the schema names its draft and its $id.
func TestSchemaIsValidJSON(t *testing.T) {
	var s map[string]any
	require.NoError(t, json.Unmarshal(Schema(), &s))
	assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", s["$schema"])
	assert.Equal(t, SchemaID, s["$id"])
}
