package incentive_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// Validate names each problem by its path in the program, the way the
// YAML DSL writes it.
func ExampleProgram_Validate_error() {
	to := decimal.RequireFromString("50000")
	p := &incentive.Program{ID: "p", Version: 1, Currency: incentive.USD,
		Earnings: []incentive.Earning{{ID: "volume", Type: incentive.Rebate, Bands: &incentive.BandTable{
			Method: incentive.Retroactive, Pays: incentive.PaysRate,
			Bands: []incentive.Band{{From: decimal.Zero, To: &to, Value: decimal.RequireFromString("0.01")}},
		}}},
	}
	err := p.Validate()
	var pe *incentive.ProgramError
	if errors.As(err, &pe) {
		fmt.Println(pe.Path)
	}
	fmt.Println(errors.Is(err, incentive.ErrInvalidProgram))
	// Output:
	// earnings[0].bands.table[0].to
	// true
}

// SortInputs puts deals into the order Run requires: close time, then id.
func ExampleSortInputs() {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	in := []incentive.Input{
		{Deal: incentive.Deal{ID: "D-3", CloseDate: at.Add(time.Hour)}},
		{Deal: incentive.Deal{ID: "D-2", CloseDate: at}},
		{Deal: incentive.Deal{ID: "D-1", CloseDate: at}},
	}
	incentive.SortInputs(in)
	for _, x := range in {
		fmt.Print(x.Deal.ID, " ")
	}
	fmt.Println()
	// Output:
	// D-1 D-2 D-3
}
