package incentive

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// samePartner reports how two partner records differ ("" when they do
// not): attributes, payment method, contacts and History event by event,
// instants compared as instants.
func samePartner(a, b *partner.Partner) string {
	if a.ID != b.ID || a.Name != b.Name || a.Type != b.Type || a.Tier != b.Tier || a.Region != b.Region || a.Country != b.Country {
		return fmt.Sprintf("attributes: %+v vs %+v", *a, *b)
	}
	if method(a) != method(b) {
		return "payment method"
	}
	if len(a.Contacts) != len(b.Contacts) {
		return "contacts"
	}
	for i := range a.Contacts {
		if a.Contacts[i] != b.Contacts[i] {
			return "contacts"
		}
	}
	if len(a.History) != len(b.History) {
		return fmt.Sprintf("history: %d events vs %d", len(a.History), len(b.History))
	}
	for i := range a.History {
		x, y := a.History[i], b.History[i]
		if !x.At.Equal(y.At) {
			return fmt.Sprintf("history[%d]: at %s vs %s", i, x.At, y.At)
		}
		x.At, y.At = time.Time{}, time.Time{}
		if x != y {
			return fmt.Sprintf("history[%d]: %+v vs %+v", i, x, y)
		}
	}
	return ""
}

func method(p *partner.Partner) partner.PaymentMethod {
	if p.Payment == nil {
		return ""
	}
	return p.Payment.Method
}

// roundTrip writes in with AppendDealJSON and reads it back with
// DecodeJSONLines.
func roundTrip(t require.TestingT, in *Input) Input {
	b, err := AppendDealJSON(nil, in)
	require.NoError(t, err)
	got := collect(DecodeJSONLines(strings.NewReader(string(b)+"\n"), fileProgram(), DecodeOptions{Name: "d.jsonl"}))
	require.Empty(t, got.errs, "%s", b)
	require.Len(t, got.ins, 1)
	return got.ins[0]
}

// TestAppendDealJSONHistoryRoundTrip (property): a partner whose dated
// changes are any mix of tier_history and attribute_history lists (as the
// decoders and partner.SetAttrHistory build them: one to four changes an
// attribute, in time order, at midnights in the program's zone or at any
// instant) is written by AppendDealJSON and read back by DecodeJSONLines
// as the same record, event for event.
func TestAppendDealJSONHistoryRoundTrip(t *testing.T) {
	values := map[partner.AttrName][]string{
		partner.AttrType:    {"reseller", "referral", "msp"},
		partner.AttrTier:    {"silver", "gold", "platinum"},
		partner.AttrRegion:  {"emea", "na", "apac"},
		partner.AttrCountry: {"DE", "US", "FR"},
	}
	rapid.Check(t, func(t *rapid.T) {
		pt := partner.Partner{ID: "P-1", Name: "Acme"}
		tierList := rapid.SampledFrom([]string{"tier_history", "attribute_history"}).Draw(t, "tier list")
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, nyc)
		for _, a := range partner.AttrNames() {
			n := rapid.IntRange(0, 4).Draw(t, "changes of "+string(a))
			var vals []partner.DatedValue
			at := base
			for i := range n {
				if rapid.Bool().Draw(t, "midnight") {
					at = DateOf(at).AddDays(rapid.IntRange(1, 400).Draw(t, "days")).In(nyc)
				} else {
					at = at.Add(time.Duration(rapid.Int64Range(1, 1e15).Draw(t, "nanoseconds")))
				}
				reason := "attribute_history"
				if a == partner.AttrTier {
					reason = tierList
				}
				vals = append(vals, partner.DatedValue{From: at, Value: rapid.SampledFrom(values[a]).Draw(t, fmt.Sprint("value ", i)), Reason: reason})
			}
			if n == 0 && rapid.Bool().Draw(t, "stated") {
				pt.SetAttrValue(a, rapid.SampledFrom(values[a]).Draw(t, "stated value"))
			}
			require.NoError(t, partner.SetAttrHistory(&pt, a, vals))
		}
		in := Input{Deal: Deal{ID: "D-1", PartnerID: "P-1", Amount: usd("10"), CloseDate: midnightNY(2026, 11, 3),
			Fields: map[string]any{"segment": "smb"}}, Partner: pt}
		back := roundTrip(t, &in)
		if d := samePartner(&in.Partner, &back.Partner); d != "" {
			t.Fatalf("the partner read back differs: %s", d)
		}
	})
}

// TestAppendDealJSONHistoryRefused: a History the deal files cannot hold
// exactly is an error naming the deal and partner, never a deal written
// without it.
func TestAppendDealJSONHistoryRefused(t *testing.T) {
	at := midnightNY(2026, 1, 1)
	tierEvent := func(from, to, reason string) partner.Event {
		e := partner.AttrEvent(partner.AttrTier, from, to, at)
		e.Reason = reason
		return e
	}
	for _, tc := range []struct {
		name    string
		history []partner.Event
		tier    partner.Tier
		want    string
	}{
		{"lifecycle event", []partner.Event{{Kind: partner.EventState, To: "active", At: at}}, "", "a state event"},
		{"actor", []partner.Event{func() partner.Event { e := tierEvent("", "gold", "tier_history"); e.Actor = "ops"; return e }()}, "gold", "an actor (ops)"},
		{"other reason", []partner.Event{tierEvent("", "gold", "promotion")}, "gold", `the reason "promotion"`},
		{"not chained", []partner.Event{tierEvent("silver", "gold", "tier_history")}, "gold", "does not read back the same"},
		{"not the current value", []partner.Event{tierEvent("", "gold", "tier_history")}, "platinum", "does not read back the same"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{Deal: Deal{ID: "D-1", PartnerID: "P-1", Amount: usd("10"), CloseDate: midnightNY(2026, 11, 3)},
				Partner: partner.Partner{ID: "P-1", Tier: tc.tier, History: tc.history}}
			b, err := AppendDealJSON(nil, &in)
			require.ErrorIs(t, err, ErrInvalidDeal)
			assert.Nil(t, b)
			assert.Contains(t, err.Error(), "deal D-1: partner P-1: ")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
