package incentive

import (
	"context"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewIneligiblePaymentMethod: a partner whose deals in the period
// are all ineligible still has a payment method, and its carried-in
// balance is paid under that method's terms. Program: cheques from 100.00
// with a 5.00 fee. P-1 (check) carries in 240.00; its only deal is a
// silver partner's (not eligible: "gold or platinum partner"), earning 0.
// Balance 0 + 240.00 = 240.00 >= 100.00: fee 5.00, sent 240.00 - 5.00 =
// 235.00. Before the fix the result named no method, so the statement
// charged no fee and sent 240.00.
func TestReviewIneligiblePaymentMethod(t *testing.T) {
	p := spiffProgram()
	min := dec("100")
	p.PaymentMethods = []PaymentTerms{{Method: partner.Check, MinPayout: &min, Fee: dec("5")}}
	ev, err := NewEvaluator(p)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		in   func(*Input)
	}{
		{"failed clause", func(in *Input) { in.Partner.Tier = "silver" }},
		{"outside the window", func(in *Input) { in.Deal.CloseDate = day("2027-01-05") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{Deal: deal("D-1", "P-1", "12000.00", "2026-11-03"), Partner: gold("P-1")}
			in.Partner.Payment = &partner.PaymentDetails{Method: partner.Check}
			tc.in(&in)
			r, err := ev.Evaluate(context.Background(), in, time.Time{})
			require.NoError(t, err)
			require.False(t, r.Eligible)
			assert.Equal(t, partner.Check, r.PaymentMethod)
			sb := ev.NewStatement(func(string) decimal.Decimal { return dec("240") })
			require.NoError(t, sb.Add(r))
			st := sb.Statement()
			require.Len(t, st.Partners, 1)
			assert.Equal(t, partner.Check, st.Partners[0].PaymentMethod)
			assert.Equal(t, "5.00", FormatAmount(st.Partners[0].Fee.Amount(), USD))
			assert.Equal(t, "235.00", FormatAmount(st.Partners[0].Sent.Amount(), USD))
		})
	}
}
