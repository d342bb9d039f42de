package ledger_test

import (
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A partner cap whose period differs from the program's period: each cap
// starts from what the partner holds of THAT cap in the deal's period of
// that cap (its cap/<program>/<partner>/<n>@<start>/used account), not
// from the program-period earnings or another cap's balance (failed
// before the fix: the ledger gave the engine one PeriodEarned, the
// program-period earnings or the highest cap's used balance, and the
// engine started every partner cap from it).
//
// Every program below is ledgertest.SpiffProgram (2% SPIFF, deal cap
// 2,500.00 at Caps[0], Q4 2026) with the period and partner caps of the
// case; deals of 50,000.00 earn 50,000.00 x 2% = 1,000.00 and deals of
// 30,000.00 earn 30,000.00 x 2% = 600.00, both under the deal cap.
func TestReviewPartnerCapPeriodOtherThanProgramPeriod(t *testing.T) {
	month := func(limit string) incentive.Cap {
		return incentive.Cap{Scope: incentive.CapPartner, Limit: decimal.RequireFromString(limit), Period: incentive.PeriodMonth}
	}
	quarter := func(limit string) incentive.Cap {
		return incentive.Cap{Scope: incentive.CapPartner, Limit: decimal.RequireFromString(limit), Period: incentive.PeriodQuarter}
	}
	type claim struct {
		deal, amount, day string
		want              string // "" = rejected with ErrPartnerCapExceeded
		why               string // what the rejection's reason says
	}
	type used struct {
		cap        int
		start      string
		want       string
		wantSource string
	}
	tests := []struct {
		name   string
		period incentive.Period
		caps   []incentive.Cap // appended after the deal cap: Caps[1], Caps[2]
		claims []claim
		used   []used
	}{{
		// The reported case: a quarterly program with a 1,000.00 monthly
		// cap. October's 1,000.00 fills October's cap; November is a new
		// month with 1,000.00 of room, so its 600.00 is paid whole
		// (before the fix the quarter's 1,000.00 earned started November's
		// cap: room 1,000.00 - 1,000.00 = 0, rejected).
		name: "quarterly program, monthly cap", period: incentive.PeriodQuarter,
		caps: []incentive.Cap{month("1000")},
		claims: []claim{
			{"D-OCT", "50000.00", "2026-10-15", "1000.00", ""},
			// Still October: 1,000.00 - 1,000.00 = 0 room, rejected.
			{"D-OCT2", "30000.00", "2026-10-20", "", "has earned 1000.00 USD of the 1000.00 USD cap caps[1] in the month from 2026-10-01"},
			{"D-NOV", "30000.00", "2026-11-10", "600.00", ""},
			// November again: 1,000.00 - 600.00 = 400.00 room, cut to it.
			{"D-NOV2", "30000.00", "2026-11-12", "400.00", ""},
		},
		used: []used{
			{1, "2026-10-01", "1000.00", "-1000.00"},
			// 600.00 + 400.00 = 1,000.00.
			{1, "2026-11-01", "1000.00", "-1000.00"},
		},
	}, {
		// Two caps with different periods in a quarterly program: the
		// monthly cap (Caps[1]) starts November at 0.00, the quarterly
		// cap (Caps[2]) at October's 1,000.00. November's 600.00 is cut
		// to the quarterly room 1,500.00 - 1,000.00 = 500.00 (the monthly
		// room, 1,000.00 - 0.00, does not bind). Before the fix both caps
		// started from 1,000.00 and the monthly one rejected the claim.
		name: "quarterly program, monthly and quarterly caps", period: incentive.PeriodQuarter,
		caps: []incentive.Cap{month("1000"), quarter("1500")},
		claims: []claim{
			{"D-OCT", "50000.00", "2026-10-15", "1000.00", ""},
			{"D-NOV", "30000.00", "2026-11-10", "500.00", ""},
			// The quarter is full: 1,000.00 + 500.00 = 1,500.00.
			{"D-DEC", "30000.00", "2026-12-10", "", "has earned 1500.00 USD of the 1500.00 USD cap caps[2] in the quarter from 2026-10-01"},
		},
		used: []used{
			{1, "2026-10-01", "1000.00", "-1000.00"},
			{1, "2026-11-01", "500.00", "-500.00"},
			{1, "2026-12-01", "0.00", "0.00"},
			// 1,000.00 + 500.00 = 1,500.00.
			{2, "2026-10-01", "1500.00", "-1500.00"},
		},
	}, {
		// A monthly program with a monthly cap (Caps[1], the program's
		// period) and a 1,500.00 quarterly cap (Caps[2]): the quarterly
		// cap's 1,000.00 used in Q4 must not start November's monthly
		// cap. November's 600.00 is cut to the quarterly room 1,500.00 -
		// 1,000.00 = 500.00, the monthly room being 1,000.00 - 0.00.
		// Before the fix the monthly cap started from the quarterly
		// cap's 1,000.00 (the highest used balance): room 0, rejected.
		name: "monthly program, monthly and quarterly caps", period: incentive.PeriodMonth,
		caps: []incentive.Cap{month("1000"), quarter("1500")},
		claims: []claim{
			{"D-OCT", "50000.00", "2026-10-15", "1000.00", ""},
			{"D-NOV", "30000.00", "2026-11-10", "500.00", ""},
		},
		used: []used{
			{1, "2026-11-01", "500.00", "-500.00"},
			{2, "2026-10-01", "1500.00", "-1500.00"},
		},
	}, {
		// The program's own period is unchanged: a quarterly program with
		// a 1,000.00 quarterly cap still binds across months (October's
		// 1,000.00 leaves 0 room in November).
		name: "quarterly program, quarterly cap", period: incentive.PeriodQuarter,
		caps: []incentive.Cap{quarter("1000")},
		claims: []claim{
			{"D-OCT", "50000.00", "2026-10-15", "1000.00", ""},
			{"D-NOV", "30000.00", "2026-11-10", "", "has earned 1000.00 USD of the 1000.00 USD cap caps[1] in the quarter from 2026-10-01"},
		},
		used: []used{{1, "2026-10-01", "1000.00", "-1000.00"}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := ledgertest.NewHarness(t, newStore, ledger.Config{})
			h.Clock.Set("2026-12-12")
			p := ledgertest.SpiffProgram()
			p.ID, p.Hash, p.Period = "capperiod", "capperiod-v1", tc.period
			p.Caps = append(p.Caps, tc.caps...)
			policy := &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}}
			require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: p, Policy: policy, Actor: "ops"}))
			for _, cl := range tc.claims {
				c, err := h.Submit("capperiod", ledgertest.Deal(cl.deal, "P-1", cl.amount, cl.day), ledgertest.Gold("P-1"))
				if cl.want == "" {
					require.ErrorIs(t, err, ledger.ErrPartnerCapExceeded, cl.deal)
					assert.Contains(t, err.Error(), cl.why, cl.deal)
					continue
				}
				require.NoError(t, err, cl.deal)
				assert.Equal(t, cl.want, c.Amount.Amount().StringFixed(2), cl.deal)
			}
			for _, u := range tc.used {
				assert.Equal(t, u.want, h.Balance(ledger.CapAccount("capperiod", "P-1", u.cap, day(u.start), ledger.CapUsed)), "cap %d from %s", u.cap, u.start)
				assert.Equal(t, u.wantSource, h.Balance(ledger.CapAccount("capperiod", "P-1", u.cap, day(u.start), ledger.CapSource)), "cap %d from %s", u.cap, u.start)
			}
			h.ZeroSum()
			// The stored inputs re-evaluate to the recorded amounts.
			rep, err := h.Ledger.Replay(h.Ctx, ledger.ReplayParams{})
			require.NoError(t, err)
			assert.Empty(t, rep.Mismatches)
		})
	}
}
