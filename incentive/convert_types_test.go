package incentive

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestConvertDealWrongMoneyType: a Go caller that puts a string where a
// money field (of the deal or of a line) is declared gets an error naming
// the field, not a panic in the conversion of a deal in another currency
// (a reviewer's suspicion: convertDeal asserted decimal.Decimal).
func TestConvertDealWrongMoneyType(t *testing.T) {
	for name, mutate := range map[string]func(d *Deal){
		"deal field": func(d *Deal) { d.Fields["approved"] = "100.00" },
		"line field": func(d *Deal) { d.Lines[0].Fields["cost"] = "400.00" },
	} {
		t.Run(name, func(t *testing.T) {
			d := eurDeal()
			mutate(&d)
			in := Input{Deal: d, Partner: gold("P-1"), Rates: eurUSD(t)}
			require.NotPanics(t, func() {
				r, err := Evaluate(context.Background(), moneyProgram(), in, time.Time{})
				require.Error(t, err, "a string in a money field is an error")
				require.Nil(t, r)
			})
		})
	}
}
