package growthref

import (
	"fmt"
	"math/big"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopspring/decimal"
)

// The cheap generator makes the ids the fmt.Sprintf version made, and a
// registration id "R-" + the deal id.
func TestGenerateIDs(t *testing.T) {
	i := 0
	for d := range Generate(12_345, 40) {
		if want := fmt.Sprintf("D-%07d", i); d.ID != want {
			t.Fatalf("deal %d: id %q, want %q", i, d.ID, want)
		}
		var pid int
		if _, err := fmt.Sscanf(d.PartnerID, "P-%d", &pid); err != nil || pid >= 40 || fmt.Sprintf("P-%04d", pid) != d.PartnerID {
			t.Fatalf("deal %s: partner id %q", d.ID, d.PartnerID)
		}
		in := Input(d)
		if d.Registered && in.Deal.Registration.ID != "R-"+d.ID {
			t.Fatalf("deal %s: registration id %q", d.ID, in.Deal.Registration.ID)
		}
		if got := in.Deal.Fields["segment"]; got != d.Segment {
			t.Fatalf("deal %s: segment field %v, want %s", d.ID, got, d.Segment)
		}
		i++
	}
	// Past 7 digits the id grows: deal 12,345,678 is D-12345678.
	if id, reg := dealID(12_345_678); id != "D-12345678" || reg != "R-D-12345678" {
		t.Fatalf("dealID: %q %q", id, reg)
	}
}

// The int64 floor pays to the cent what the decimal reference pays, deal
// by deal, with partner and budget totals carried across 50,000 deals (so
// the rebate bands, partner cap and budget all bind somewhere).
func TestMinorMatchesDecimal(t *testing.T) {
	st := NewState()
	type totals struct{ basis, earned int64 }
	partners := map[string]*totals{}
	keys := map[string]int{}
	var used int64
	n, capped := 0, 0
	for d := range Generate(50_000, 40) {
		md, ok := Minor(&d)
		if !ok {
			t.Fatalf("deal %s: amount %s", d.ID, d.Amount)
		}
		tq := d.CloseDate.In(loc)
		key := tq.Year()*4 + (int(tq.Month())-1)/3
		pt := partners[d.PartnerID]
		if pt == nil || keys[d.PartnerID] != key {
			pt = &totals{}
			partners[d.PartnerID], keys[d.PartnerID] = pt, key
		}
		got := EvaluateMinor(&md, MinorPrior{Basis: pt.basis, Earned: pt.earned, BudgetUsed: used})
		want := st.Next(&d)
		for _, c := range []struct {
			name  string
			cents int64
			dec   decimal.Decimal
		}{{"total", got.Total, want.Total}, {"spiff", got.Spiff, want.Spiff}, {"kicker", got.Kicker, want.Kicker}, {"rebate", got.Rebate, want.Rebate}} {
			if fmtCents(c.cents) != c.dec.StringFixed(2) {
				t.Fatalf("deal %s %s: int64 %s, decimal %s", d.ID, c.name, fmtCents(c.cents), c.dec.StringFixed(2))
			}
		}
		if got.Eligible != want.Eligible {
			t.Fatalf("deal %s: eligible %v vs %v", d.ID, got.Eligible, want.Eligible)
		}
		if got.Eligible {
			pt.basis += md.Amount
			pt.earned += got.Total
			used += got.Total
			if got.Total == 2500_00 { // the deal cap bound
				capped++
			}
		}
		n++
	}
	if capped == 0 || used != 250_000_00 {
		t.Fatalf("the deals should reach the caps and spend the 250,000.00 budget: %d capped, %s used", capped, fmtCents(used))
	}
}

func fmtCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// Generated amounts, built in blocks (amountBlock), are decimal.New's: the
// same value, coefficient, word slice and exponent, so the engine and the
// reference read them as before. The sequence is Generate's own (the
// first deal of Generate(n, 40) for n = 1 is computed by hand below).
func TestGeneratedAmounts(t *testing.T) {
	var b amountBlock
	for i, c := range []int64{50_000, 15_049_999, 1, 1 << 31, 123_456} {
		got, want := b.cents(c), decimal.New(c, -2)
		if !reflect.DeepEqual(got, want) || got.String() != want.String() || got.Exponent() != -2 {
			t.Fatalf("amount %d: %#v (%s), want %#v (%s)", i, got, got, want, want)
		}
	}
	// x = 20261001 * 6364136223846793005 + 1442695040888963407 (mod 2^64),
	// r = x >> 33, amount = (r mod 15,000,000 + 50,000) / 100, by big.Int.
	x := new(big.Int).Mul(big.NewInt(20261001), new(big.Int).SetUint64(6364136223846793005))
	x.Add(x, big.NewInt(1442695040888963407))
	x.Mod(x, new(big.Int).Lsh(big.NewInt(1), 64))
	r := new(big.Int).Rsh(x, 33)
	cents := new(big.Int).Mod(r, big.NewInt(15_000_000))
	cents.Add(cents, big.NewInt(50_000))
	want := decimal.NewFromBigInt(cents, -2)
	n := 0
	for d := range Generate(1, 40) {
		if !d.Amount.Equal(want) || d.Amount.Exponent() != -2 {
			t.Fatalf("deal %s: amount %s, want %s", d.ID, d.Amount, want)
		}
		n++
	}
	require.Equal(t, 1, n)
	// Every amount of a longer run, across blocks, reads as decimal.New's.
	i := 0
	for d := range Generate(3*idBlockSize+7, 40) {
		want := decimal.New(d.Amount.CoefficientInt64(), -2)
		if !reflect.DeepEqual(d.Amount, want) {
			t.Fatalf("deal %d: amount %#v, want %#v", i, d.Amount, want)
		}
		i++
	}
}

// A generated deal whose segment is changed after Generate gets the fields
// of its new segment, not of the one Generate picked (Input looks fields up
// by index only while the segment is Generate's).
func TestInputFieldsFollowSegment(t *testing.T) {
	for d := range Generate(30, 4) {
		for _, seg := range []string{"smb", "mid_market", "enterprise", "public_sector"} {
			d.Segment = seg
			require.Equal(t, map[string]any{"segment": seg}, Input(d).Deal.Fields, "deal %s", d.ID)
		}
	}
}
