package incentive

import (
	"strings"
	"testing"

	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewJSONInlinePartnerExtras: a JSON (Lines) deal's inline partner
// takes payment_method as a YAML deal's does (its tier_history and
// attribute_history: TestJSONDealPartnerHistory).
func TestReviewJSONInlinePartnerExtras(t *testing.T) {
	for _, tc := range []struct {
		name, partner string
		method        partner.PaymentMethod
		err           string
	}{
		{"payment method", `{"id": "P-1", "payment_method": "check"}`, partner.Check, ""},
		{"unknown payment method", `{"id": "P-1", "payment_method": "cash"}`, "", `partner.payment_method: unknown payment method "cash"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `{"id": "D-1", "partner": ` + tc.partner + `, "amount": "10", "close_date": "2026-11-03", "segment": "smb"}` + "\n"
			for _, dec := range []struct {
				name string
				got  decoded
			}{
				{"jsonl", collect(DecodeJSONLines(strings.NewReader(src), fileProgram(), DecodeOptions{Name: "d.jsonl"}))},
				{"json", collect(DecodeJSON(strings.NewReader("["+src+"]"), fileProgram(), DecodeOptions{Name: "d.json"}))},
			} {
				if tc.err != "" {
					require.Len(t, dec.got.errs, 1, dec.name)
					assert.Contains(t, dec.got.errs[0].Error(), tc.err, dec.name)
					continue
				}
				require.Empty(t, dec.got.errs, dec.name)
				require.Len(t, dec.got.ins, 1, dec.name)
				require.NotNil(t, dec.got.ins[0].Partner.Payment, dec.name)
				assert.Equal(t, tc.method, dec.got.ins[0].Partner.Payment.Method, dec.name)
			}
		})
	}
}

// TestReviewAppendDealJSONPaymentMethod: the encoded deal keeps its
// partner's payment method, so decoding it gives the method back.
func TestReviewAppendDealJSONPaymentMethod(t *testing.T) {
	in := Input{Deal: Deal{ID: "D-1", PartnerID: "P-1", Amount: usd("10"), CloseDate: midnightNY(2026, 11, 3),
		Fields: map[string]any{"segment": "smb"}},
		Partner: partner.Partner{ID: "P-1", Payment: &partner.PaymentDetails{Method: partner.PayPal}}}
	b, err := AppendDealJSON(nil, &in)
	require.NoError(t, err)
	got := collect(DecodeJSONLines(strings.NewReader(string(b)+"\n"), fileProgram(), DecodeOptions{Name: "d.jsonl"}))
	require.Empty(t, got.errs)
	require.Len(t, got.ins, 1)
	require.NotNil(t, got.ins[0].Partner.Payment)
	assert.Equal(t, partner.PayPal, got.ins[0].Partner.Payment.Method)
}
