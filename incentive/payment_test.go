package incentive

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaymentTermsMinimum(t *testing.T) {
	min := dec("250")
	withMin := PaymentTerms{Method: partner.Check, MinPayout: &min, Fee: dec("5")}
	noMin := PaymentTerms{Method: partner.BankTransfer}
	for _, tc := range []struct {
		name       string
		terms      PaymentTerms
		base       string
		programMin bool
		want       string
	}{
		{"replaces a higher program minimum", withMin, "300", true, "250"},
		{"replaces a lower program minimum", withMin, "100", true, "250"},
		{"raises a lower bucket minimum", withMin, "100", false, "250"},
		{"keeps a higher bucket minimum", withMin, "500", false, "500"},
		{"no minimum of its own: the base", noMin, "100", true, "100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.True(t, dec(tc.want).Equal(tc.terms.Minimum(dec(tc.base), tc.programMin)))
		})
	}
}

func TestPaymentTermsFor(t *testing.T) {
	min := dec("25")
	p := &Program{PaymentMethods: []PaymentTerms{{Method: partner.BankTransfer, MinPayout: &min}}}
	got, ok := p.PaymentTermsFor(partner.BankTransfer)
	require.True(t, ok)
	assert.Equal(t, partner.BankTransfer, got.Method)
	_, ok = p.PaymentTermsFor(partner.Check)
	assert.False(t, ok)
	_, ok = p.PaymentTermsFor("")
	assert.False(t, ok)
	var nilProg *Program
	_, ok = nilProg.PaymentTermsFor(partner.Check)
	assert.False(t, ok)
}

func TestValidatePaymentMethods(t *testing.T) {
	five, neg := dec("5"), dec("-1")
	for _, tc := range []struct {
		name  string
		terms []PaymentTerms
		path  string // "" for valid
	}{
		{"valid", []PaymentTerms{{Method: partner.Check, MinPayout: decp("250"), Fee: five}, {Method: partner.BankTransfer}}, ""},
		{"unknown method", []PaymentTerms{{Method: "cheque"}}, "payment_methods[0].method"},
		{"no method", []PaymentTerms{{}}, "payment_methods[0].method"},
		{"twice", []PaymentTerms{{Method: partner.Card}, {Method: partner.Card}}, "payment_methods[1].method"},
		{"fee without a minimum", []PaymentTerms{{Method: partner.Check, Fee: five}}, "payment_methods[0].fee"},
		{"fee at the minimum", []PaymentTerms{{Method: partner.Check, MinPayout: &five, Fee: five}}, "payment_methods[0].fee"},
		{"negative fee", []PaymentTerms{{Method: partner.Check, Fee: neg}}, "payment_methods[0].fee"},
		{"negative minimum", []PaymentTerms{{Method: partner.Check, MinPayout: &neg}}, "payment_methods[0].min_payout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := spiffProgram()
			p.PaymentMethods = tc.terms
			err := p.Validate()
			if tc.path == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidProgram)
			var pe *ProgramError
			require.True(t, errors.As(err, &pe))
			found := false
			for _, e := range programErrors(err) {
				found = found || e.Path == tc.path
			}
			assert.True(t, found, "no error at %s in %v", tc.path, err)
		})
	}
}

// programErrors lists the *ProgramError values inside err.
func programErrors(err error) []*ProgramError {
	var out []*ProgramError
	var walk func(error)
	walk = func(e error) {
		if pe, ok := e.(*ProgramError); ok {
			out = append(out, pe)
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		} else if u := errors.Unwrap(e); u != nil {
			walk(u)
		}
	}
	walk(err)
	return out
}

// TestResultPaymentMethod: the result names the partner's payment method.
func TestResultPaymentMethod(t *testing.T) {
	p := spiffProgram()
	in := Input{Deal: deal("D-1", "P-1", "12000.00", "2026-11-03"), Partner: gold("P-1")}
	in.Deal.Type = NewBusiness
	in.Deal.Registration = &Registration{Approved: Date{2026, 11, 1}}
	in.Partner.Payment = &partner.PaymentDetails{Method: partner.Check}
	r, err := Evaluate(context.Background(), p, in, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, partner.Check, r.PaymentMethod)
	in.Partner.Payment = nil
	r, err = Evaluate(context.Background(), p, in, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, partner.PaymentMethod(""), r.PaymentMethod)
}
