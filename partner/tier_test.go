package partner

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func revenue(in TierInput) decimal.Decimal { return in.Metrics.Revenue12M }
func certified(in TierInput) decimal.Decimal {
	return decimal.NewFromInt(in.Metrics.CertifiedPeople)
}

// policy: registered (entry), silver (revenue >= 100000), gold (revenue >=
// 250000 and 2 certified people); 90 days of grace.
func policy() *TierPolicy {
	return &TierPolicy{
		ID: "reseller-tiers", GraceDays: 90,
		Tiers: []TierLevel{
			{Tier: "registered"},
			{Tier: "silver", Criteria: []Criterion{{Name: "revenue", Condition: Threshold("metrics.revenue_12m", dec("100000"), revenue)}}},
			{Tier: "gold", Criteria: []Criterion{
				{Name: "revenue", Condition: Threshold("metrics.revenue_12m", dec("250000"), revenue)},
				{Name: "certified", Condition: Threshold("metrics.certified_people", dec("2"), certified)},
			}},
		},
	}
}

func TestTierPolicyAcrossBoundaries(t *testing.T) {
	tests := []struct {
		name       string
		tier       Tier
		belowSince string
		revenue    string
		certified  int64
		on         string
		action     Action
		to         Tier
		qualified  Tier
		graceEnds  string
		reason     string
	}{
		{name: "just below silver stays registered", tier: "registered", revenue: "99999.99", on: "2026-06-01",
			action: Keep, to: "registered", qualified: "registered",
			reason: "keep registered: meets the entry tier registered (no criteria)"},
		{name: "exactly silver's threshold promotes", tier: "registered", revenue: "100000", on: "2026-06-01",
			action: Promote, to: "silver", qualified: "silver", reason: "promote registered to silver: meets all 1 criteria of silver"},
		{name: "two steps up at once", tier: "registered", revenue: "250000", certified: 2, on: "2026-06-01",
			action: Promote, to: "gold", qualified: "gold", reason: "promote registered to gold: meets all 2 criteria of gold"},
		{name: "gold revenue without certified people is silver", tier: "silver", revenue: "300000", certified: 1, on: "2026-06-01",
			action: Keep, to: "silver", qualified: "silver", reason: "keep silver: meets all 1 criteria of silver"},
		{name: "no tier yet is placed", tier: "", revenue: "0", on: "2026-06-01",
			action: Promote, to: "registered", qualified: "registered", reason: "promote (no tier) to registered: meets the entry tier registered (no criteria)"},
		{name: "first day below starts the grace", tier: "gold", revenue: "249999.99", certified: 3, on: "2026-06-01",
			// 2026-06-01 + 90 days = 2026-08-30
			action: Keep, to: "gold", qualified: "silver", graceEnds: "2026-08-30",
			reason: "keep gold in grace: misses gold revenue (metrics.revenue_12m = 249999.99) since 2026-06-01; demotion to silver on 2026-08-30 unless it qualifies again"},
		{name: "last day of grace keeps", tier: "gold", belowSince: "2026-06-01", revenue: "200000", certified: 1, on: "2026-08-29",
			action: Keep, to: "gold", qualified: "silver", graceEnds: "2026-08-30",
			reason: "keep gold in grace: misses gold revenue (metrics.revenue_12m = 200000), certified (metrics.certified_people = 1) since 2026-06-01; demotion to silver on 2026-08-30 unless it qualifies again"},
		{name: "grace over demotes to the qualified tier", tier: "gold", belowSince: "2026-06-01", revenue: "50000", certified: 3, on: "2026-08-30",
			action: Demote, to: "registered", qualified: "registered", graceEnds: "2026-08-30",
			reason: "demote gold to registered: misses gold revenue (metrics.revenue_12m = 50000) since 2026-06-01; the 90-day grace period ended on 2026-08-30"},
		{name: "qualifying again ends the grace", tier: "gold", belowSince: "2026-06-01", revenue: "250000", certified: 2, on: "2026-07-01",
			action: Keep, to: "gold", qualified: "gold", reason: "keep gold: meets all 2 criteria of gold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Partner{ID: "P-1", Type: Reseller, Tier: tt.tier}
			if tt.belowSince != "" {
				p.TierBelowSince = d(tt.belowSince)
			}
			rec, err := policy().Evaluate(p, TierMetrics{Revenue12M: dec(tt.revenue), CertifiedPeople: tt.certified}, d(tt.on))
			require.NoError(t, err)
			assert.Equal(t, tt.action, rec.Action)
			assert.Equal(t, tt.to, rec.To)
			assert.Equal(t, tt.qualified, rec.Qualified)
			assert.Equal(t, tt.reason, rec.Reason)
			if tt.graceEnds != "" {
				assert.Equal(t, d(tt.graceEnds), rec.GraceEnds)
			} else {
				assert.True(t, rec.GraceEnds.IsZero())
				assert.True(t, rec.BelowSince.IsZero())
			}
			require.Len(t, rec.Levels, 3)
			assert.True(t, rec.Levels[0].Met)
		})
	}
}

func TestTierRecommendationListsEveryCriterion(t *testing.T) {
	p := &Partner{ID: "P-1", Tier: "silver"}
	rec, err := policy().Evaluate(p, TierMetrics{Revenue12M: dec("260000"), CertifiedPeople: 1}, d("2026-06-01"))
	require.NoError(t, err)
	assert.Equal(t, []LevelResult{
		{Tier: "registered", Met: true},
		{Tier: "silver", Met: true, Criteria: []CriterionResult{{Name: "revenue", Met: true, Values: []Value{{"metrics.revenue_12m", "260000"}}}}},
		{Tier: "gold", Met: false, Criteria: []CriterionResult{
			{Name: "revenue", Met: true, Values: []Value{{"metrics.revenue_12m", "260000"}}},
			{Name: "certified", Met: false, Values: []Value{{"metrics.certified_people", "1"}}},
		}},
	}, rec.Levels)
}

// TestTierGraceOverTime walks one partner through monthly evaluations,
// applying each recommendation, and reads its tier history back.
func TestTierGraceOverTime(t *testing.T) {
	tp := policy()
	tp.GraceDays = 60
	p := &Partner{ID: "P-1", Type: Reseller, Tier: "gold"}
	steps := []struct {
		on      string
		revenue string
		tier    Tier
		below   string
	}{
		{"2026-01-01", "300000", "gold", ""},
		{"2026-02-01", "120000", "gold", "2026-02-01"}, // falls below: grace to 2026-04-02
		{"2026-03-01", "300000", "gold", ""},           // back: grace cleared
		{"2026-04-01", "120000", "gold", "2026-04-01"}, // below again: a new grace, to 2026-05-31
		{"2026-05-01", "120000", "gold", "2026-04-01"},
		{"2026-05-31", "120000", "silver", ""}, // 2026-04-01 + 60 = 2026-05-31: demoted
		{"2026-07-01", "300000", "gold", ""},   // promoted at once
	}
	for _, s := range steps {
		rec, err := tp.Evaluate(p, TierMetrics{Revenue12M: dec(s.revenue), CertifiedPeople: 5}, d(s.on))
		require.NoError(t, err, s.on)
		_, _, err = Apply(p, rec, d(s.on).In(nil), "tier-job")
		require.NoError(t, err, s.on)
		assert.Equal(t, s.tier, p.Tier, s.on)
		if s.below == "" {
			assert.True(t, p.TierBelowSince.IsZero(), s.on)
		} else {
			assert.Equal(t, d(s.below), p.TierBelowSince, s.on)
		}
	}
	require.Len(t, p.History, 2)
	assert.Equal(t, Tier("gold"), p.TierAt(d("2026-05-30").In(nil)))
	assert.Equal(t, Tier("silver"), p.TierAt(d("2026-05-31").In(nil)))
	assert.Equal(t, Tier("gold"), p.TierAt(d("2026-07-01").In(nil)))
	assert.Equal(t, "tier-job", p.History[0].Actor)
	assert.Contains(t, p.History[0].Reason, "demote gold to silver")
}

func TestTierPolicyErrors(t *testing.T) {
	tp := policy()
	_, err := tp.Evaluate(&Partner{ID: "P-1", Tier: "diamond"}, TierMetrics{}, d("2026-01-01"))
	assert.ErrorIs(t, err, ErrUnknownTier)
	assert.EqualError(t, err, `partner: tier not in the policy: partner P-1 is "diamond"; policy reseller-tiers has registered, silver, gold`)

	tp.Types = []Type{Reseller}
	_, err = tp.Evaluate(&Partner{ID: "P-1", Type: Referral}, TierMetrics{}, d("2026-01-01"))
	assert.ErrorIs(t, err, ErrPolicyDoesNotApply)

	boom := errors.New("no data")
	tp.Tiers[1].Criteria[0].Condition = ConditionFunc(func(TierInput) (bool, []Value, error) { return false, nil, boom })
	_, err = tp.Evaluate(&Partner{ID: "P-1", Type: Reseller}, TierMetrics{}, d("2026-01-01"))
	assert.ErrorIs(t, err, boom)
	assert.EqualError(t, err, `tier policy reseller-tiers, tier silver, criterion "revenue": no data`)

	rec, err := policy().Evaluate(&Partner{ID: "P-1", Tier: "silver"}, TierMetrics{}, d("2026-01-01"))
	require.NoError(t, err)
	_, _, err = Apply(&Partner{ID: "P-1", Tier: "gold"}, rec, at("2026-01-01"), "x")
	assert.ErrorIs(t, err, ErrInvalidTierChange, "a stale recommendation is refused")

	bad := &TierPolicy{GraceDays: -1, Tiers: []TierLevel{{Tier: "a", Criteria: []Criterion{{}}}, {Tier: "a"}}}
	var ve *ValidationError
	require.ErrorAs(t, bad.Validate(), &ve)
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{"id", "grace_days", "tiers[0].criteria[0].name", "tiers[0].criteria[0].condition", "tiers[1].tier"}, paths)
	assert.NoError(t, policy().Validate())
}

// A tier set by hand (SetTier) starts afresh: the grace period the partner
// was in at its old tier does not carry over, or the first evaluation at
// the new tier would demote at once with a grace that "ended" before the
// tier was even granted.
func TestSetTierRestartsTheGrace(t *testing.T) {
	tp := policy() // 90 days of grace
	p := &Partner{ID: "P-1", Type: Reseller, Tier: "gold"}
	rec, err := tp.Evaluate(p, TierMetrics{Revenue12M: dec("120000"), CertifiedPeople: 5}, d("2026-01-01"))
	require.NoError(t, err)
	_, _, err = Apply(p, rec, at("2026-01-01"), "tier-job")
	require.NoError(t, err)
	require.Equal(t, d("2026-01-01"), p.TierBelowSince, "below gold since 2026-01-01")

	// A manager moves the partner to silver by hand on 2026-06-01.
	_, err = SetTier(p, TierChange{To: "silver", At: at("2026-06-01"), Actor: "pm", Reason: "manual"})
	require.NoError(t, err)
	assert.True(t, p.TierBelowSince.IsZero(), "a new tier has no run of days below it yet")

	// On 2026-06-02 the partner misses silver for the first time: the grace
	// starts that day and ends 2026-06-02 + 90 days = 2026-08-31
	// (June 28 days left + July 31 + August 31 = 90).
	rec, err = tp.Evaluate(p, TierMetrics{Revenue12M: dec("50000"), CertifiedPeople: 5}, d("2026-06-02"))
	require.NoError(t, err)
	assert.Equal(t, Keep, rec.Action)
	assert.Equal(t, d("2026-06-02"), rec.BelowSince)
	assert.Equal(t, d("2026-08-31"), rec.GraceEnds)
}

// A criterion without a condition (a policy built in Go and not
// validated) is bad input: Evaluate returns a *ValidationError naming it
// instead of panicking.
func TestEvaluateCriterionWithoutCondition(t *testing.T) {
	tp := policy()
	tp.Tiers[2].Criteria[1].Condition = nil
	var rec Recommendation
	var err error
	require.NotPanics(t, func() {
		rec, err = tp.Evaluate(&Partner{ID: "P-1", Type: Reseller, Tier: "silver"}, TierMetrics{Revenue12M: dec("300000")}, d("2026-01-01"))
	})
	require.ErrorIs(t, err, ErrInvalid)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1)
	assert.Equal(t, "tiers[2].criteria[1].condition", ve.Fields[0].Path)
	assert.Equal(t, Action(""), rec.Action, "no recommendation from a broken policy")
}
