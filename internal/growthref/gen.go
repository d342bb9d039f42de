package growthref

import (
	"fmt"
	"iter"
	"strconv"
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
		// The generator is part of every batch benchmark, so it is kept
		// cheap: partner ids are made once, and a deal id is one string
		// that also holds its registration id (see Input).
		pids := make([]string, partners)
		for i := range pids {
			pids[i] = fmt.Sprintf("P-%04d", i)
		}
		buf := []byte("R-D-")
		for i := range n {
			x = x*6364136223846793005 + 1442695040888963407
			r := x >> 33
			pid := int(r>>8) % partners
			id, reg := dealID(buf, i)
			d := Deal{
				ID:         id,
				regID:      reg,
				PartnerID:  pids[pid],
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

// dealID formats deal number i as "D-0000042" (at least 7 digits) in one
// allocation holding "R-D-0000042", and returns it and the part after
// "R-": the registration id of a generated deal is the same string.
func dealID(buf []byte, i int) (id, reg string) {
	buf = buf[:4]
	var digits [20]byte
	num := strconv.AppendInt(digits[:0], int64(i), 10)
	for range 7 - len(num) {
		buf = append(buf, '0')
	}
	buf = append(buf, num...)
	reg = string(buf)
	return reg[2:], reg
}

// segmentFields are the custom fields of a deal per segment, shared by the
// generated inputs (the engine only reads them).
var segmentFields = func() map[string]map[string]any {
	m := map[string]map[string]any{}
	for _, s := range genSegments {
		m[s] = map[string]any{"segment": s}
	}
	return m
}()

// Input converts a deal into the engine's input.
func Input(d Deal) incentive.Input {
	fields := segmentFields[d.Segment]
	if fields == nil {
		fields = map[string]any{"segment": d.Segment}
	}
	in := incentive.Input{
		Deal: incentive.Deal{
			ID: d.ID, PartnerID: d.PartnerID, CloseDate: d.CloseDate,
			Amount: incentive.NewMoney(d.Amount, incentive.USD),
			Type:   incentive.DealType(d.Type),
			Fields: fields,
		},
		Partner: partner.Partner{ID: d.PartnerID, Tier: partner.Tier(d.Tier)},
	}
	if d.Registered {
		reg := d.regID // "R-" + d.ID, made with it by Generate
		if reg == "" {
			reg = "R-" + d.ID
		}
		in.Deal.Registration = &incentive.Registration{ID: reg, Approved: incentive.DateOf(d.CloseDate)}
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
