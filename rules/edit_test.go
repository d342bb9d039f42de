package rules_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/partnerops/partnerops/rules"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindAndSetNumber(t *testing.T) {
	src, err := os.ReadFile("../examples/programs/q4-growth.yaml")
	require.NoError(t, err)
	cases := []struct {
		path, value, newText string
		key                  string // on the number's line
		linked               []string
	}{
		{"caps.per_deal", "2500", "per_deal: 3000", "per_deal:", nil},
		{"caps.per_partner.limit", "25000", "per_partner: {limit: 3000, period: quarter}", "limit:", nil},
		{"earnings[new-logo-spiff].cap", "1500", "cap: 3000", "cap:", nil},
		{"earnings[3].bands.table[1].rate", "0.02", "- {from: 100000, to: 250000, rate: 3000, label: silver}", "rate: 0.02", nil},
		{"earnings[volume-rebate].bands.table[0].to", "100000", "- {from: 3000, to: 250000, rate: 0.02, label: silver}", "to: 100000", []string{"earnings[volume-rebate].bands.table[1].from"}},
		{"earnings[volume-rebate].bands.table[2].from", "250000", "- {from: 3000, rate: 0.03, label: gold}", "from: 250000", []string{"earnings[volume-rebate].bands.table[1].to"}},
		{"min_payout", "100", "min_payout: 3000", "min_payout", nil},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			ref, err := rules.FindNumber("q4.yaml", src, "", c.path)
			require.NoError(t, err)
			assert.Equal(t, c.value, ref.Value.String())
			// The position points at the number's text in the file.
			line := []rune(strings.Split(string(src), "\n")[ref.Line-1])
			assert.True(t, strings.HasPrefix(string(line[ref.Col-1:]), c.value), "%d:%d: %s", ref.Line, ref.Col, string(line))
			assert.Contains(t, string(line), c.key)
			assert.Equal(t, c.linked, ref.Linked)
			out := ref.Set(src, decimal.NewFromInt(3000))
			assert.Contains(t, string(out), c.newText)
			// Only the number (and a linked bound) changed: the same number
			// of lines, every other line as it was.
			a, b := strings.Split(string(src), "\n"), strings.Split(string(out), "\n")
			require.Len(t, b, len(a))
			changed := 0
			for i := range a {
				if a[i] != b[i] {
					changed++
				}
			}
			// A band's to and the next band's from are on lines of their own.
			assert.Equal(t, 1+len(c.linked), changed)
			_, err = rules.Compile("q4.yaml", out)
			if c.path == "earnings[volume-rebate].bands.table[2].from" {
				// 3,000 puts the gold band below the silver band's start.
				assert.ErrorContains(t, err, "table")
			} else {
				assert.NoError(t, err, "the linked bound keeps the bands contiguous")
			}
		})
	}
}

func TestFindNumberErrors(t *testing.T) {
	src := []byte(`apiVersion: partnerops/v1
kind: Program
id: p
name: P
version: 1
currency: USD
effective: {from: 2026-01-01, to: 2026-12-31}
earnings:
  - {id: base, type: spiff, amount: deal.amount * 0.02}
caps: {per_deal: "2500 USD"}
`)
	withWhen := []byte(strings.Replace(string(src), "amount: deal.amount * 0.02}", "amount: deal.amount * 0.02,\n     when: deal.type == \"renewal 2\" || deal.x2 > 1.5 || 100 <= deal.amount}", 1))
	cases := []struct{ path, want string }{
		{"caps.per_dael", `p.yaml:10:7: caps: caps has no key "per_dael"; did you mean "per_deal"?`},
		{"earnings[bonus].amount", "p.yaml:9:3: earnings: earnings has no item bonus (1 items; choose one by index from 0 or by id)"},
		{"earnings[base].amount#2", `p.yaml:9:37: earnings[base].amount: #2: "deal.amount * 0.02" holds 1 numbers; choose #1 to #1`},
		{"earnings[base].when", `p.yaml:10:12: earnings[base].when: "deal.type == \"renewal 2\" || deal.x2 > 1.5 || 100 <= deal.amount" holds 2 numbers (1.5, 100); add #1 to #2 to the path to choose one`},
		{"earnings[base].type", `p.yaml:9:22: earnings[base].type: "spiff" holds no number to vary`},
		{"earnings", `p.yaml:9:3: earnings: is a list, not a number; sweep a plain number (a rate, a bound, a cap) or one written in a one-line expression`},
		{"caps..x", `p.yaml:10:7: caps: bad path segment "" in "caps..x"; write key.key[index].key, an index being a number or an id`},
		{"version.x", `p.yaml:5:10: version: version is a number (1); it has no key "x"`},
	}
	for _, c := range cases {
		in := src
		if strings.Contains(c.path, "when") {
			in = withWhen
		}
		_, err := rules.FindNumber("p.yaml", in, "", c.path)
		var l rules.ErrorList
		require.True(t, errors.As(err, &l), c.path)
		require.Len(t, l, 1)
		first := strings.SplitN(l[0].Error(), "\n", 2)[0]
		assert.Equal(t, c.want, first, c.path)
	}
	// A number with a currency keeps it; a quoted number stays quoted.
	ref, err := rules.FindNumber("p.yaml", src, "", "caps.per_deal")
	require.NoError(t, err)
	assert.Equal(t, "2500", ref.Value.String())
	assert.Contains(t, string(ref.Set(src, decimal.RequireFromString("3000.50"))), `caps: {per_deal: "3000.5 USD"}`)

	// The number of an expression: 0.02 in "deal.amount * 0.02", 14
	// characters after the expression's start (column 37).
	ref, err = rules.FindNumber("p.yaml", src, "", "earnings[base].amount")
	require.NoError(t, err)
	assert.Equal(t, "0.02", ref.Value.String())
	assert.Equal(t, 9, ref.Line)
	assert.Equal(t, 37+14, ref.Col)
	assert.Contains(t, string(ref.Set(src, decimal.RequireFromString("0.025"))), "amount: deal.amount * 0.025}")
	ref, err = rules.FindNumber("p.yaml", withWhen, "", "earnings[base].when#2")
	require.NoError(t, err)
	assert.Equal(t, "100", ref.Value.String())
	assert.Contains(t, string(ref.Set(withWhen, decimal.NewFromInt(90))), `deal.x2 > 1.5 || 90 <= deal.amount`)

	_, err = rules.FindNumber("p.yaml", src, "other", "caps.per_deal")
	assert.ErrorContains(t, err, `no Program document with id "other"`)
}
