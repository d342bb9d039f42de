package incentive

import (
	"slices"
	"strings"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// PaymentTerms are one payment method's own payout terms: a bank transfer
// may be paid from a lower amount than a cheque, and a cheque may cost a
// fee. A partner is paid by the method of its payment details
// (partner.Partner.Payment.Method); a partner whose method the program
// lists no terms for, or who has no payment details, is paid under the
// program's own terms (Program.MinPayout, no fee).
type PaymentTerms struct {
	// Method is the payment method the terms apply to.
	Method partner.PaymentMethod
	// MinPayout, when set, is the smallest payment the method makes: it
	// replaces the program's MinPayout, and a payout bucket whose own
	// minimum is lower is raised to it. Nil: the program's minimums apply.
	MinPayout *decimal.Decimal
	// Fee is charged once for each payment made by the method (once per
	// partner on a statement, once per batch line of a ledger payment run)
	// and deducted from what the payment sends. It must be below
	// MinPayout, which must then be set, so that no payment is smaller than
	// its fee. Zero: no fee.
	Fee decimal.Decimal
	// Origin is where the terms were written, when known.
	Origin Origin
}

// PaymentTermsFor returns the program's terms for payment method m, and
// whether the program lists any; for the empty method it reports false.
func (p *Program) PaymentTermsFor(m partner.PaymentMethod) (PaymentTerms, bool) {
	if p == nil || m == "" {
		return PaymentTerms{}, false
	}
	for _, t := range p.PaymentMethods {
		if t.Method == m {
			return t, true
		}
	}
	return PaymentTerms{}, false
}

// Minimum returns the minimum payout under the terms for an amount whose
// minimum is otherwise base: MinPayout replaces the program's minimum
// (programMin true) and raises a lower bucket minimum (programMin false)
// to itself. Without MinPayout it is base.
func (t PaymentTerms) Minimum(base decimal.Decimal, programMin bool) decimal.Decimal {
	if t.MinPayout == nil {
		return base
	}
	if programMin {
		return *t.MinPayout
	}
	return decimal.Max(base, *t.MinPayout)
}

// validatePaymentMethods checks Program.PaymentMethods.
func (p *Program) validatePaymentMethods(at func(path, format string, args ...any)) {
	seen := map[partner.PaymentMethod]int{}
	for i, t := range p.PaymentMethods {
		path := index("payment_methods", i)
		switch first, dup := seen[t.Method]; {
		case t.Method == "":
			at(path+".method", "payment method has no method")
		case !slices.Contains(partner.PaymentMethods(), t.Method):
			names := make([]string, 0, len(partner.PaymentMethods()))
			for _, m := range partner.PaymentMethods() {
				names = append(names, string(m))
			}
			at(path+".method", "unknown payment method %q (want %s)", string(t.Method), strings.Join(names, ", "))
		case dup:
			at(path+".method", "payment method %q has terms twice (first at payment_methods[%d])", string(t.Method), first)
		}
		seen[t.Method] = i
		if t.MinPayout != nil && t.MinPayout.Sign() < 0 {
			at(path+".min_payout", "minimum payout %s is negative", t.MinPayout)
		}
		switch {
		case t.Fee.Sign() < 0:
			at(path+".fee", "fee %s is negative", t.Fee)
		case t.Fee.Sign() > 0 && t.MinPayout == nil:
			at(path+".fee", "a fee of %s needs the method's own min_payout above it, so that no payment is smaller than its fee", t.Fee)
		case t.Fee.Sign() > 0 && t.MinPayout.Cmp(t.Fee) <= 0:
			at(path+".fee", "fee %s is not below the method's minimum payout %s: a payment could send nothing or less", t.Fee, t.MinPayout)
		}
	}
}
