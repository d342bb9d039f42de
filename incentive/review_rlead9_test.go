package incentive

import (
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
