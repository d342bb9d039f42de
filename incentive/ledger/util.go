package ledger

import (
	"fmt"
	"math"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/deccoef"
	"github.com/shopspring/decimal"
)

var utc = time.UTC

// checkDay is ErrInvalid when d, a date a caller gives as what, is neither
// zero nor a day of the calendar (2026-11-31 built in Go): recorded, a
// store that keeps dates as text could not read it back, and comparisons
// (field by field) and the words would read a day that does not exist.
func checkDay(what string, d incentive.Date) error {
	if d.Valid() {
		return nil
	}
	return fmt.Errorf("%w: %s %04d-%02d-%02d is not a day of the calendar", ErrInvalid, what, d.Year, int(d.Month), d.Day)
}

// acc sums decimals exactly. While the addends share one exponent and the
// sum fits in an int64 it adds machine integers (no allocation); anything
// else goes to an exact decimal remainder. (deccoef.Small reads the
// coefficient in place, without shopspring's digit count.)
type acc struct {
	n    int64
	exp  int32
	set  bool
	rest decimal.Decimal
}

func (a *acc) add(x decimal.Decimal) {
	if c, e, ok := deccoef.Small(x); ok && (!a.set || e == a.exp) {
		if (c > 0 && a.n <= math.MaxInt64-c) || (c <= 0 && a.n >= math.MinInt64-c) {
			a.n += c
			a.exp, a.set = e, true
			return
		}
	}
	a.rest = a.rest.Add(x)
}

func (a *acc) value() decimal.Decimal {
	if !a.set {
		return a.rest
	}
	return decimal.New(a.n, a.exp).Add(a.rest)
}
