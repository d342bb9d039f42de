package rules

import (
	"errors"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeRates(t *testing.T) {
	yamlSrc := `rates:
  - {from: EUR, to: USD, rate: 1.0832, as_of: 2026-03-09, source: ECB}
  - {from: EUR, to: USD, rate: "1.0790", as_of: 2026-03-31, valid_from: 2026-03-01, valid_to: 2026-03-31, source: month end}
  - {from: GBP, to: USD, rate: 1.2701, as_of: 2026-03-01}
`
	csvSrc := "\ufefffrom,to,rate,as_of,valid_from,valid_to,source\n" +
		"EUR,USD,1.0832,2026-03-09,,,ECB\n" +
		"EUR,USD,1.0790,2026-03-31,2026-03-01,2026-03-31,month end\n" +
		"GBP,USD,1.2701,2026-03-01,,,\n"
	for _, c := range []struct{ name, src string }{{"rates.yaml", yamlSrc}, {"rates.csv", csvSrc}} {
		t.Run(c.name, func(t *testing.T) {
			tab, rates, err := DecodeRates(c.name, []byte(c.src))
			require.NoError(t, err)
			require.Len(t, rates, 3)
			assert.Equal(t, int32(-4), rates[1].Rate.Exponent(), "the rate is kept as written, 1.0790")
			assert.Equal(t, "1.079", rates[1].Rate.String())
			assert.Equal(t, "2026-03-01", rates[1].ValidFrom.String())
			// March 20 is in the month-end rate's period: it wins over the
			// daily rate of March 9.
			r, err := tab.Rate(incentive.EUR, incentive.USD, incentive.Date{Year: 2026, Month: 3, Day: 20})
			require.NoError(t, err)
			assert.Equal(t, "1.079", r.Rate.String())
			assert.Equal(t, "month end, as of 2026-03-31, valid 2026-03-01 to 2026-03-31", r.Describe())
			// April 2 is outside it: the latest rate without a period.
			r, err = tab.Rate(incentive.EUR, incentive.USD, incentive.Date{Year: 2026, Month: 4, Day: 2})
			require.NoError(t, err)
			assert.Equal(t, "1.0832", r.Rate.String())
			r, err = tab.Rate(incentive.GBP, incentive.USD, incentive.Date{Year: 2026, Month: 4, Day: 2})
			require.NoError(t, err)
			assert.Equal(t, "1.2701", r.Rate.String())
		})
	}
}

func TestDecodeRatesErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"r.yaml", "rates:\n  - {from: EUR, to: usd, rate: 1.1, as_of: 2026-03-01}\n",
			`r.yaml:2:21: rates[0].to: unknown currency "usd"; want an ISO 4217 code in capitals such as USD or EUR; did you mean "USD"?`},
		{"r.yaml", "rates:\n  - {from: EUR, to: USD, rate: 1.1}\n",
			`r.yaml:2:5: rates[0]: missing required key "as_of"`},
		{"r.yaml", "rates:\n  - {from: EUR, to: USD, rate: -1.1, as_of: 2026-03-01}\n",
			`r.yaml:2:32: rates[0].rate: invalid amount: rate 1 (EUR -> USD as of 2026-03-01): rate is -1.1, want > 0`},
		{"r.yaml", "rates:\n  - {from: EUR, to: USD, rate: 1.1, as_of: 2026-03-31, valid_from: 2026-03-01, valid_to: 2026-03-31}\n" +
			"  - {from: EUR, to: USD, rate: 1.2, as_of: 2026-04-30, valid_from: 2026-03-31, valid_to: 2026-04-30}\n",
			`r.yaml:3:32: rates[1].rate: invalid rate: rate 2 (EUR -> USD as of 2026-04-30): its validity 2026-03-31 to 2026-04-30 overlaps that of the EUR -> USD rate 1.1 ("", valid 2026-03-01 to 2026-03-31)`},
		{"r.yaml", "rates:\n  - {from: EUR, to: USD, rate: 1.1, as_of: 2026-03-31, valid_from: 2026-03-01}\n",
			`r.yaml:2:32: rates[0].rate: invalid rate: rate 1 (EUR -> USD as of 2026-03-31): a validity period needs both its first and its last day`},
		{"r.yaml", "- {from: EUR}\n", `r.yaml:1:1: want a mapping`},
		{"r.csv", "from,to,rate\nEUR,USD,1.1\n", `r.csv:1:1: missing column "as_of"`},
		{"r.csv", "from,to,rate,as_of,sourc\n", `r.csv:1:20: unknown column "sourc"; did you mean "source"?`},
		{"r.csv", "from,to,rate,as_of\nEUR,USD,1.1,2026-3-1\n", `r.csv:2:13: as_of: want a date written YYYY-MM-DD, got "2026-3-1"`},
		{"r.csv", "from,to,rate,as_of\nEUR,USD,1.1\n", `r.csv:2:1: row has 3 fields, the header 4`},
		{"r.csv", "from,to,rate,as_of\nEUR,USD,1.1,2026-03-01\nEUR,USD,1.2,2026-03-01\n", `r.csv:3:9: rate: invalid rate: rate 2 (EUR -> USD as of 2026-03-01): duplicate`},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			_, _, err := DecodeRates(c.name, []byte(c.src))
			require.Error(t, err)
			var list ErrorList
			require.True(t, errors.As(err, &list))
			assert.Contains(t, list[0].Error(), c.want)
		})
	}
}
