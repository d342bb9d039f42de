package partner

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAttrHistory: a tier and a region change in one history; AttrAt
// reads each from its own changes, StateAt ignores them, Validate accepts
// the record.
func TestAttrHistory(t *testing.T) {
	p := Partner{ID: "P-1", Name: "Acme", Type: Reseller, Region: "emea", Tier: "silver"}
	require.NoError(t, SetAttrHistory(&p, AttrRegion, []DatedValue{
		{From: at("2026-01-01T00:00:00Z"), Value: "emea"}, {From: at("2026-06-01T00:00:00Z"), Value: "na"},
	}))
	require.NoError(t, SetAttrHistory(&p, AttrTier, []DatedValue{{From: at("2026-03-01T00:00:00Z"), Value: "gold"}}))
	assert.Equal(t, "na", p.Region, "the current region is the last change's")
	assert.Equal(t, Tier("gold"), p.Tier)
	// Events are in time order: region Jan 1, tier Mar 1, region Jun 1.
	require.Len(t, p.History, 3)
	assert.Equal(t, []EventKind{EventAttr, EventTier, EventAttr}, []EventKind{p.History[0].Kind, p.History[1].Kind, p.History[2].Kind})
	for _, tc := range []struct {
		when         string
		region, tier string
	}{
		{"2025-12-31T00:00:00Z", "", ""}, // before every change: no value
		{"2026-01-01T00:00:00Z", "emea", ""},
		{"2026-03-01T00:00:00Z", "emea", "gold"},
		{"2026-06-01T00:00:00Z", "na", "gold"},
	} {
		assert.Equal(t, tc.region, p.AttrAt(AttrRegion, at(tc.when)), tc.when)
		assert.Equal(t, Tier(tc.tier), p.TierAt(at(tc.when)), tc.when)
		assert.Equal(t, "reseller", p.AttrAt(AttrType, at(tc.when)), "type has no changes: the current value throughout")
	}
	assert.Equal(t, Prospect, p.StateAt(at("2026-07-01T00:00:00Z")), "attribute events are not state events")
	p.Status = Prospect
	assert.NoError(t, p.Validate())

	// Replacing the region's changes leaves the tier's.
	require.NoError(t, SetAttrHistory(&p, AttrRegion, nil))
	require.Len(t, p.History, 1)
	assert.Equal(t, EventTier, p.History[0].Kind)
	assert.Equal(t, "na", p.Region, "no values: the current value stays")
}

func TestSetAttrHistoryErrors(t *testing.T) {
	jan, feb := at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z")
	for _, tc := range []struct {
		name  string
		attr  AttrName
		vals  []DatedValue
		index int
		msg   string
	}{
		{"unknown attribute", "segment", []DatedValue{{From: jan, Value: "x"}}, -1, `unknown attribute "segment"`},
		{"duplicate date", AttrRegion, []DatedValue{{From: jan, Value: "emea"}, {From: jan, Value: "na"}}, 1, "is not after the change before it"},
		{"unsorted", AttrRegion, []DatedValue{{From: feb, Value: "emea"}, {From: jan, Value: "na"}}, 1, "is not after the change before it"},
		{"bad country", AttrCountry, []DatedValue{{From: jan, Value: "DE"}, {From: feb, Value: "Germany"}}, 1, `country "Germany" is not an ISO 3166-1 alpha-2 code`},
		{"bad type", AttrType, []DatedValue{{From: jan, Value: "Reseller"}}, 0, `type "Reseller" is not a lower-case name`},
		{"empty value", AttrTier, []DatedValue{{From: jan, Value: " "}}, 0, "tier is empty"},
		{"no date", AttrRegion, []DatedValue{{Value: "emea"}}, 0, "no date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Partner{ID: "P-1", Region: "apac", Country: "FR", Type: MSP}
			err := SetAttrHistory(&p, tc.attr, tc.vals)
			require.ErrorIs(t, err, ErrInvalidAttr)
			var ae *AttrError
			require.True(t, errors.As(err, &ae))
			assert.Equal(t, tc.index, ae.Index)
			assert.Contains(t, ae.Msg, tc.msg)
			assert.Empty(t, p.History, "the partner is unchanged")
			assert.Equal(t, "apac", p.Region)
		})
	}
}

func TestSetAttr(t *testing.T) {
	p := Partner{ID: "P-1", Region: "emea", Tier: "silver"}
	e, err := SetAttr(&p, AttrChange{Attr: AttrRegion, To: "na", At: at("2026-04-01T00:00:00Z"), Actor: "ops"})
	require.NoError(t, err)
	assert.Equal(t, Event{Kind: EventAttr, Attr: AttrRegion, FromValue: "emea", ToValue: "na", At: at("2026-04-01T00:00:00Z"), Actor: "ops"}, e)
	assert.Equal(t, "na", p.Region)
	assert.Equal(t, "emea", p.AttrAt(AttrRegion, at("2026-03-31T23:59:59Z")))

	// A tier change is a tier event.
	e, err = SetAttr(&p, AttrChange{Attr: AttrTier, To: "gold", At: at("2026-05-01T00:00:00Z"), Actor: "ops"})
	require.NoError(t, err)
	assert.Equal(t, EventTier, e.Kind)
	assert.Equal(t, Tier("gold"), p.Tier)

	for _, c := range []AttrChange{
		{Attr: AttrRegion, To: "na", At: at("2026-06-01T00:00:00Z"), Actor: "ops"},   // already na
		{Attr: AttrRegion, To: "apac", At: at("2026-04-15T00:00:00Z"), Actor: "ops"}, // before the last event
		{Attr: AttrRegion, To: "apac", At: at("2026-06-01T00:00:00Z")},               // no actor
		{Attr: AttrCountry, To: "usa", At: at("2026-06-01T00:00:00Z"), Actor: "ops"}, // not alpha-2
	} {
		_, err := SetAttr(&p, c)
		assert.ErrorIs(t, err, ErrInvalidAttr, "%+v", c)
	}
	assert.Len(t, p.History, 2, "refused changes record nothing")
}

func TestValidateAttrEvents(t *testing.T) {
	p := Partner{ID: "P-1", Name: "Acme", Type: Reseller, Region: "apac", History: []Event{
		{Kind: EventAttr, Attr: AttrRegion, FromValue: "", ToValue: "emea", At: at("2026-01-01T00:00:00Z")},
		{Kind: EventAttr, Attr: AttrRegion, FromValue: "na", ToValue: "apac", At: at("2026-02-01T00:00:00Z")},
		{Kind: EventAttr, Attr: "segment", ToValue: "x", At: at("2026-03-01T00:00:00Z")},
		{Kind: EventAttr, Attr: AttrCountry, ToValue: "Germany", At: at("2026-04-01T00:00:00Z")},
	}}
	p.Country = "Germany"
	err := p.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	msg := err.Error()
	assert.Contains(t, msg, `history[1].from_value: is "na", but the previous region event moved to "emea"`)
	assert.Contains(t, msg, `history[2].attr: unknown attribute "segment"`)
	assert.Contains(t, msg, `history[3].to_value: country "Germany" is not an ISO 3166-1 alpha-2 code`)
}
