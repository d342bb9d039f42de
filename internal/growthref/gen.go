package growthref

import (
	"fmt"
	"iter"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

var (
	genTypes    = []string{"new_business", "upsell", "new_business", "renewal", "new_business"}
	genTiers    = []string{"silver", "gold", "platinum", "bronze", "gold", "silver", "gold"}
	genSegments = []string{"smb", "mid_market", "enterprise"}
)

// Generate yields n deals in close order, spread evenly over Q4 2026 (a few
// just outside it), across the given number of partners, with amounts from a
// fixed pseudo-random sequence: the same arguments give the same deals.
func Generate(n, partners int) iter.Seq[Deal] {
	return func(yield func(Deal) bool) {
		x := uint64(20261001)
		from := start.Add(-24 * time.Hour)
		step := (end.Sub(start) + 48*time.Hour) / time.Duration(n+1)
		for i := range n {
			x = x*6364136223846793005 + 1442695040888963407
			r := x >> 33
			pid := int(r>>8) % partners
			d := Deal{
				ID:         fmt.Sprintf("D-%07d", i),
				PartnerID:  fmt.Sprintf("P-%04d", pid),
				Amount:     decimal.New(int64(r%15_000_000)+50_000, -2), // 500.00 .. 150,499.99
				Type:       genTypes[r%uint64(len(genTypes))],
				Registered: r%11 != 0,
				Segment:    genSegments[(r>>4)%uint64(len(genSegments))],
				Tier:       genTiers[pid%len(genTiers)],
				CloseDate:  from.Add(step * time.Duration(i+1)),
			}
			if !yield(d) {
				return
			}
		}
	}
}

// Input converts a deal into the engine's input.
func Input(d Deal) incentive.Input {
	in := incentive.Input{
		Deal: incentive.Deal{
			ID: d.ID, PartnerID: d.PartnerID, CloseDate: d.CloseDate,
			Amount: incentive.NewMoney(d.Amount, incentive.USD),
			Type:   incentive.DealType(d.Type),
			Fields: map[string]any{"segment": d.Segment},
		},
		Partner: partner.Partner{ID: d.PartnerID, Tier: partner.Tier(d.Tier)},
	}
	if d.Registered {
		in.Deal.Registration = &incentive.Registration{ID: "R-" + d.ID, Approved: incentive.DateOf(d.CloseDate)}
	}
	return in
}

// Inputs converts a stream of deals into an input stream for incentive.Run.
func Inputs(deals iter.Seq[Deal]) iter.Seq2[incentive.Input, error] {
	return func(yield func(incentive.Input, error) bool) {
		for d := range deals {
			if !yield(Input(d), nil) {
				return
			}
		}
	}
}
