package incentive

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Date built in Go that is not a day of the calendar is refused where it
// enters (reported by reviewer rtracebatch8): the effective window's ends
// (Program.Validate), a registration's approval and a date field of a deal
// or product line (an *EvalError wrapping ErrInvalidDeal). Before, Date
// comparisons (field by field) read 2026-02-29 as a day between February
// 28 and March 1, Date.In as March 1, and the words printed "2026-02-29".
func TestDatesNotOfTheCalendarAreRefused(t *testing.T) {
	for d, want := range map[Date]bool{
		{}: true, {2026, 2, 28}: true, {2028, 2, 29}: true, {2026, 12, 31}: true, {2026, 4, 30}: true,
		{2026, 2, 29}: false, {2026, 4, 31}: false, {2026, 13, 1}: false, {2026, 0, 10}: false, {2026, 1, 0}: false, {2026, 1, 32}: false,
	} {
		assert.Equal(t, want, d.Valid(), "%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}

	p := spiffProgram()
	p.Effective.To = Date{2026, 2, 29}
	p.Effective.From = Date{2026, 1, 1}
	err := p.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2026-02-29 is not a day of the calendar")

	p = spiffProgram()
	p.Fields = []FieldDecl{{Name: "activated", Type: FieldDate, Optional: true}}
	require.NoError(t, p.Validate())
	in := Input{Deal: deal("D-1", "P-1", "1000.00", "2026-10-05"), Partner: gold("P-1")}
	in.Deal.Fields = map[string]any{"activated": Date{2026, 9, 31}}
	_, err = Evaluate(t.Context(), p, in, time.Time{})
	require.ErrorIs(t, err, ErrInvalidDeal)
	assert.Contains(t, err.Error(), `custom field "activated" is 2026-09-31, which is not a day of the calendar`)

	in.Deal.Fields = map[string]any{"activated": Date{2026, 9, 30}}
	in.Deal.Registration = &Registration{ID: "R-1", Approved: Date{2026, 11, 31}}
	_, err = Evaluate(t.Context(), p, in, time.Time{})
	require.ErrorIs(t, err, ErrInvalidDeal)
	assert.Contains(t, err.Error(), "registration approved 2026-11-31, which is not a day of the calendar")
	var ee *EvalError
	assert.True(t, errors.As(err, &ee), "%T", err)

	// Real days evaluate: 1,000.00 x 2% = 20.00.
	in.Deal.Registration.Approved = Date{2026, 11, 30}
	r, err := Evaluate(t.Context(), p, in, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, "20.00", r.Total.Amount().StringFixed(2))
}
