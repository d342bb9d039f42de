package growthref

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// EvaluateMinor is Evaluate over cents for every deal Minor accepts, and
// Minor accepts negative amounts: the decimal version rounds them half away
// from zero (shopspring Round), so the int64 one must too; (x + 50) / 100
// truncates toward zero and rounded -0.025 to -0.02.
func TestReviewSpeedMinorNegativeAmounts(t *testing.T) {
	closeDate := time.Date(2026, 11, 3, 12, 0, 0, 0, loc)
	tests := []struct {
		amount               string
		spiff, rebate, total string
	}{
		// spiff -1.25 x 0.02 = -0.025 -> -0.03 (half away from zero);
		// rebate marginal(-1.25) - marginal(0) = -1.25 x 0.01 = -0.0125 ->
		// -0.01; total -0.03 + 0 + -0.01 = -0.04, under every cap's room.
		{"-1.25", "-0.03", "-0.01", "-0.04"},
		// spiff -0.25 x 0.02 = -0.005 -> -0.01; rebate -0.0025 -> -0.00;
		// total -0.01.
		{"-0.25", "-0.01", "0.00", "-0.01"},
		// spiff -0.75 x 0.02 = -0.015 -> -0.02; rebate -0.0075 -> -0.01;
		// total -0.03.
		{"-0.75", "-0.02", "-0.01", "-0.03"},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			d := Deal{ID: "D-1", PartnerID: "P-1", Amount: decimal.RequireFromString(tt.amount), Type: "new_business",
				Registered: true, Segment: "smb", Tier: "silver", CloseDate: closeDate}
			want := Evaluate(&d, Prior{})
			for _, c := range []struct {
				name string
				dec  decimal.Decimal
				hand string
			}{{"spiff", want.Spiff, tt.spiff}, {"rebate", want.Rebate, tt.rebate}, {"total", want.Total, tt.total}} {
				if c.dec.StringFixed(2) != c.hand {
					t.Fatalf("decimal %s %s, by hand %s", c.name, c.dec.StringFixed(2), c.hand)
				}
			}
			md, ok := Minor(&d)
			if !ok {
				t.Fatalf("Minor refused %s", tt.amount)
			}
			got := EvaluateMinor(&md, MinorPrior{})
			for _, c := range []struct {
				name  string
				cents int64
				hand  string
			}{{"spiff", got.Spiff, tt.spiff}, {"rebate", got.Rebate, tt.rebate}, {"total", got.Total, tt.total}} {
				if s := fmtCents(c.cents); s != c.hand {
					t.Errorf("int64 %s %s, want %s", c.name, s, c.hand)
				}
			}
		})
	}
}
