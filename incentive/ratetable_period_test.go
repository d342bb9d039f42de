package incentive

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRateValidityPeriod: a rate with a validity period answers for
// exactly its dates, ahead of rates by as-of date; outside it the latest
// rate as of the date answers.
func TestRateValidityPeriod(t *testing.T) {
	daily := Rate{From: EUR, To: USD, Rate: dec("2.0"), AsOf: Date{2026, 3, 9}, Source: "daily"}
	march := Rate{From: EUR, To: USD, Rate: dec("1.0625"), AsOf: Date{2026, 3, 31}, Source: "month end",
		ValidFrom: Date{2026, 3, 1}, ValidTo: Date{2026, 3, 31}}
	tab, err := NewRateTable(daily, march)
	require.NoError(t, err)
	tab.AllowInverse = true
	cases := []struct {
		from, to Currency
		on       Date
		want     string
		source   string
	}{
		{EUR, USD, Date{2026, 3, 1}, "1.0625", "month end"}, // first day of the period, before its as-of date
		{EUR, USD, Date{2026, 3, 10}, "1.0625", "month end"},
		{EUR, USD, Date{2026, 3, 31}, "1.0625", "month end"},
		{EUR, USD, Date{2026, 4, 1}, "2", "daily"}, // after the period: latest as of
		// 1 / 1.0625 = 0.9411764705882..., 10 places half away from zero
		{USD, EUR, Date{2026, 3, 15}, "0.9411764706", "inverse of month end"},
	}
	for _, c := range cases {
		r, err := tab.Rate(c.from, c.to, c.on)
		require.NoError(t, err)
		assert.Equal(t, c.want, r.Rate.String(), "%s->%s on %s", c.from, c.to, c.on)
		assert.Equal(t, c.source, r.Source)
	}
	_, err = tab.Rate(EUR, USD, Date{2026, 2, 28})
	assert.True(t, errors.Is(err, ErrNoRate), "before the period and before the first as-of date: %v", err)
}

func TestRateValidityPeriodErrors(t *testing.T) {
	m := func(from, to Date) Rate {
		return Rate{From: EUR, To: USD, Rate: dec("1.1"), AsOf: Date{2026, 3, 31}, ValidFrom: from, ValidTo: to}
	}
	cases := []struct {
		rates []Rate
		index int
		msg   string
	}{
		{[]Rate{m(Date{2026, 3, 1}, Date{2026, 3, 31}), m(Date{2026, 3, 31}, Date{2026, 4, 30})}, 1, "overlaps"},
		{[]Rate{m(Date{2026, 3, 1}, Date{})}, 0, "needs both its first and its last day"},
		{[]Rate{m(Date{2026, 3, 31}, Date{2026, 3, 1})}, 0, "ends (2026-03-01) before it starts (2026-03-31)"},
	}
	for _, c := range cases {
		_, err := NewRateTable(c.rates...)
		require.Error(t, err)
		assert.True(t, errors.Is(err, ErrInvalidRate), "%v", err)
		var re *RateError
		require.True(t, errors.As(err, &re))
		assert.Equal(t, c.index, re.Index)
		assert.Contains(t, err.Error(), c.msg)
	}
	// adjacent periods do not overlap
	_, err := NewRateTable(m(Date{2026, 3, 1}, Date{2026, 3, 31}), m(Date{2026, 4, 1}, Date{2026, 4, 30}))
	assert.NoError(t, err)
}
