package growthref

import (
	"fmt"
	"iter"
	"math/big"
	"strconv"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/deccoef"
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
		var ids idBlock
		var amounts amountBlock
		for i := range n {
			x = x*6364136223846793005 + 1442695040888963407
			r := x >> 33
			pid := int(r>>8) % partners
			id, reg := ids.next(i, n)
			seg := (r >> 4) % uint64(len(genSegments))
			d := Deal{
				ID:         id,
				regID:      reg,
				PartnerID:  pids[pid],
				Amount:     amounts.cents(int64(r%15_000_000) + 50_000), // 500.00 .. 150,499.99
				Type:       genTypes[r%uint64(len(genTypes))],
				Registered: r%11 != 0,
				Segment:    genSegments[seg],
				seg:        int8(seg + 1),
				Tier:       genTiers[pid%len(genTiers)],
				CloseDate:  from.Add(step * time.Duration(i+1)),
			}
			if !yield(d) {
				return
			}
		}
	}
}

// idBlockSize is the number of deal ids an idBlock makes at once.
const idBlockSize = 256

// idBlock makes the ids of generated deals idBlockSize at a time, in one
// string, so that a deal id costs no allocation of its own: the ids of a
// block share its memory (a kept id keeps its block's few kilobytes).
type idBlock struct {
	text string
	ends [idBlockSize + 1]int // text[ends[k]:ends[k+1]] is the k-th "R-D-..."
	base int                  // the number of the block's first deal
	buf  []byte
}

// next returns the id of deal number i (of n, numbered in order from 0)
// and its registration id, as dealID does.
func (b *idBlock) next(i, n int) (id, reg string) {
	k := i - b.base
	if b.text == "" || k >= idBlockSize {
		b.base, k = i, 0
		b.buf = b.buf[:0]
		b.ends[0] = 0
		for j := range min(idBlockSize, n-i) {
			b.buf = appendDealID(b.buf, i+j)
			b.ends[j+1] = len(b.buf)
		}
		b.text = string(b.buf)
	}
	reg = b.text[b.ends[k]:b.ends[k+1]]
	return reg[2:], reg
}

// amountBlock makes the amounts of generated deals idBlockSize at a time:
// decimal.New costs two allocations a deal (a big.Int and its one word),
// which were most of the generator's allocations and part of every batch
// benchmark's collector work. An amount's big.Int and word are in a block
// of idBlockSize of each (10 KB; a kept amount keeps its block, as a kept
// id does), and the decimal is put together from them with the layout of
// shopspring's Decimal, as the engine's decimal arena does (see
// incentive.decArena), checked once (amountsInPlace); where it does not
// hold, every amount is made with decimal.New. The amounts are the same
// either way (TestGeneratedAmounts).
type amountBlock struct {
	block *amountSlab
	next  int
}

type amountSlab struct {
	ints  [idBlockSize]big.Int
	words [idBlockSize]big.Word
}

// amountsInPlace is whether amountBlock may build decimals in place
// (deccoef.InPlace: shopspring's Decimal has the layout internal/deccoef
// knows, and a word holds any amount Generate makes).
var amountsInPlace = deccoef.InPlace()

// cents returns the decimal c x 10^-2, for c > 0, as decimal.New(c,
// -2) makes it (the same coefficient, word slice length and exponent).
func (a *amountBlock) cents(c int64) decimal.Decimal {
	if !amountsInPlace {
		return decimal.New(c, -2)
	}
	if a.block == nil || a.next == idBlockSize {
		a.block, a.next = new(amountSlab), 0
	}
	b, k := a.block, a.next
	a.next++
	b.words[k] = big.Word(c)
	z := &b.ints[k]
	z.SetBits(b.words[k : k+1 : k+1])
	return deccoef.Make(z, -2)
}

// appendDealID appends "R-D-0000042" for deal number i (at least 7 digits).
func appendDealID(buf []byte, i int) []byte {
	buf = append(buf, "R-D-"...)
	var digits [20]byte
	num := strconv.AppendInt(digits[:0], int64(i), 10)
	for range 7 - len(num) {
		buf = append(buf, '0')
	}
	return append(buf, num...)
}

// dealID returns deal number i's id, "D-0000042" (at least 7 digits),
// and its registration id "R-D-0000042", as Generate makes them.
func dealID(i int) (id, reg string) {
	reg = string(appendDealID(nil, i))
	return reg[2:], reg
}

// segmentFields are the custom fields of a deal per segment, shared by the
// generated inputs (the engine only reads them); genFields are the same
// maps by index in genSegments, for the deals Generate made (Deal.seg),
// without a lookup by name (an eighth of the generator's time).
var segmentFields, genFields = func() (map[string]map[string]any, []map[string]any) {
	m := map[string]map[string]any{}
	var byIndex []map[string]any
	for _, s := range genSegments {
		m[s] = map[string]any{"segment": s}
		byIndex = append(byIndex, m[s])
	}
	return m, byIndex
}()

// Input converts a deal into the engine's input.
func Input(d Deal) incentive.Input {
	return input(d, nil)
}

// input is Input, with the deal's registration written to reg when it
// has one and reg is not nil.
func input(d Deal, reg *incentive.Registration) incentive.Input {
	var fields map[string]any
	if d.seg > 0 && genSegments[d.seg-1] == d.Segment {
		fields = genFields[d.seg-1]
	} else {
		fields = segmentFields[d.Segment]
	}
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
		id := d.regID // "R-" + d.ID, made with it by Generate
		if id == "" {
			id = "R-" + d.ID
		}
		if reg == nil {
			reg = new(incentive.Registration)
		}
		*reg = incentive.Registration{ID: id, Approved: incentive.DateOf(d.CloseDate)}
		in.Deal.Registration = reg
	}
	return in
}

// Inputs converts a stream of deals into an input stream for incentive.Run.
// The registrations of the inputs are allocated idBlockSize at a time (a
// kept input keeps its block's few kilobytes).
func Inputs(deals iter.Seq[Deal]) iter.Seq2[incentive.Input, error] {
	return func(yield func(incentive.Input, error) bool) {
		var regs []incentive.Registration
		for d := range deals {
			var reg *incentive.Registration
			if d.Registered {
				if len(regs) == 0 {
					regs = make([]incentive.Registration, idBlockSize)
				}
				reg, regs = &regs[0], regs[1:]
			}
			if !yield(input(d, reg), nil) {
				return
			}
		}
	}
}
