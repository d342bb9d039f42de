package incentive

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixedRate is a RateSource that answers one rate, whatever it is asked.
type fixedRate struct{ r Rate }

func (f fixedRate) Rate(from, to Currency, on Date) (Rate, error) { return f.r, nil }

// A rate whose as-of day or validity period names a day that is not of the
// calendar (2026-11-31, built in Go) is refused (ErrInvalidRate), as
// 50283c7 refuses such a Date in a program or deal: the rate table took it,
// Convert used it, and a ledger claim paid in another currency recorded it
// (Claim.PayRate, the entries' Pay): SQLite, which keeps dates as text,
// could then not read the claim or any entry back ("hash chain broken at
// entry 1: ... date "2026-11-31" is not YYYY-MM-DD"), and the words said
// "as of 2026-11-31". A leap day is a day.
func TestReviewRlead9RateOnNoDayRefused(t *testing.T) {
	noDay := Date{2026, time.November, 31}
	base := Rate{From: USD, To: EUR, Rate: decimal.RequireFromString("0.92"), AsOf: Date{2026, time.November, 30}, Source: "ECB"}
	for name, r := range map[string]Rate{
		"as of":      {From: USD, To: EUR, Rate: base.Rate, AsOf: noDay, Source: "ECB"},
		"valid from": {From: USD, To: EUR, Rate: base.Rate, AsOf: base.AsOf, ValidFrom: noDay, ValidTo: Date{2026, time.December, 31}},
		"valid to":   {From: USD, To: EUR, Rate: base.Rate, AsOf: base.AsOf, ValidFrom: Date{2026, time.November, 1}, ValidTo: noDay},
	} {
		_, err := NewRateTable(r)
		require.ErrorIs(t, err, ErrInvalidRate, name)
		assert.Contains(t, err.Error(), "2026-11-31 is not a day of the calendar", name)

		// Any other source's answer is checked where it is used.
		_, err = Convert(MustParseMoney("100.00", "USD"), EUR, fixedRate{r}, Date{2026, time.December, 2})
		require.ErrorIs(t, err, ErrInvalidRate, name)
		assert.Contains(t, err.Error(), "2026-11-31 is not a day of the calendar", name)
	}

	leap := Rate{From: USD, To: EUR, Rate: base.Rate, AsOf: Date{2028, time.February, 29}, Source: "ECB",
		ValidFrom: Date{2028, time.February, 1}, ValidTo: Date{2028, time.February, 29}}
	tab, err := NewRateTable(leap)
	require.NoError(t, err)
	// 100.00 x 0.92 = 92.00 EUR (exact: 92.0000).
	c, err := Convert(MustParseMoney("100.00", "USD"), EUR, tab, Date{2028, time.February, 29})
	require.NoError(t, err)
	assert.True(t, c.To.Amount().Equal(decimal.RequireFromString("92.00")), "%s", c.To)
}

// Values of every type a step reads, written as JSON, read back and
// written again, give the same bytes, twice over (39c5146); the text read
// back is what the first JSON holds. Passes on the current code: it pins
// the read-back text against a second level of quoting for the values the
// fixed-point test does not read (quotes, unicode, lists, dates, nil).
func TestReviewRlead9ObservedRoundTrips(t *testing.T) {
	for _, v := range []any{
		"gold", `say "hi"\`, "Zürich – 東京", "", "line\nbreak",
		decimal.RequireFromString("12000.00"), decimal.RequireFromString("-0.005"),
		Date{2028, time.February, 29}, true, false, int64(-42),
		[]string{"a", `b"c`, "ü"}, []string{}, nil,
	} {
		o := Observed{Path: "deal.x", Value: v, On: Date{2026, time.November, 30}}
		first, err := json.Marshal(o)
		require.NoError(t, err)
		var back Observed
		require.NoError(t, json.Unmarshal(first, &back))
		second, err := json.Marshal(back)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(second), "%#v", v)
		var again Observed
		require.NoError(t, json.Unmarshal(second, &again))
		third, err := json.Marshal(again)
		require.NoError(t, err)
		assert.Equal(t, string(first), string(third), "%#v", v)
		// The text read back is the value's text as the JSON holds it.
		var raw struct{ Value string }
		require.NoError(t, json.Unmarshal(first, &raw))
		assert.Equal(t, raw.Value, back.Value, "%#v", v)
		assert.Equal(t, o.On, back.On)
	}
	// A value written as a JSON number (by hand) is refused, not read
	// into a float64.
	var o Observed
	require.Error(t, json.Unmarshal([]byte(`{"path":"deal.amount","value":12000.5}`), &o))
}

// A result read back from JSON explains itself in the same words as the
// original (its steps keep their words). Passes on the current code.
func TestReviewRlead9ReadBackExplainsTheSame(t *testing.T) {
	p := spiffProgram()
	for _, d := range []Deal{
		deal("D-1", "P-1", "120000.00", "2026-10-05"),
		deal("D-2", "P-1", "1000.00", "2026-10-06"),
	} {
		r := mustEval(t, p, Input{Deal: d, Partner: gold("P-1")})
		b, err := json.Marshal(r)
		require.NoError(t, err)
		var back Result
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, r.Explain(), back.Explain())
	}
}
