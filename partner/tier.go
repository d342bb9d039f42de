package partner

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// TierMetrics are the partner measures a tier policy's criteria read. The
// caller computes them (see the metrics in this package, or its own data
// warehouse) for the evaluation day.
type TierMetrics struct {
	// Revenue12M is the trailing 12-month revenue in the program currency.
	Revenue12M decimal.Decimal
	// CertifiedPeople counts people with a valid certification (see
	// Partner.CertifiedOn).
	CertifiedPeople int64
	// DealsClosed counts deals closed won in the trailing 12 months.
	DealsClosed int64
	// CSAT is the customer satisfaction score (on the program's scale).
	CSAT decimal.Decimal
	// Custom holds further measures by name, e.g. "pipeline".
	Custom map[string]decimal.Decimal
}

// TierInput is what a tier criterion sees.
type TierInput struct {
	Partner *Partner
	Metrics TierMetrics
	On      Date
}

// Value is one value a criterion read, for the explanation: a name such as
// "metrics.revenue_12m" and its value as text.
type Value struct {
	Name string
	Text string
}

// Condition is a tier criterion's test, supplied from outside: package
// rules compiles it from an expression, ConditionFunc wraps Go code.
type Condition interface {
	// Eval reports whether the criterion holds for in, with the values it
	// read.
	Eval(in TierInput) (met bool, read []Value, err error)
}

// ConditionFunc adapts a function to a Condition.
type ConditionFunc func(in TierInput) (bool, []Value, error)

// Eval calls f.
func (f ConditionFunc) Eval(in TierInput) (bool, []Value, error) { return f(in) }

// Criterion is one named requirement of a tier.
type Criterion struct {
	Name string
	// Source is the condition as written, for explanations (optional).
	Source    string
	Condition Condition
}

// TierLevel is one tier of a policy and the criteria a partner must all
// meet to qualify for it. A level without criteria always qualifies: the
// entry tier.
type TierLevel struct {
	Tier     Tier
	Criteria []Criterion
}

// TierPolicy recommends tier changes from partner metrics. Tiers are
// ordered from the lowest to the highest; a partner qualifies for the
// highest tier whose criteria all hold. A promotion is recommended at once;
// a demotion only after the partner has qualified below its tier for
// GraceDays days in a row.
type TierPolicy struct {
	ID      string
	Name    string
	Version int
	// Types are the partner types the policy applies to; empty means all.
	Types []Type
	// Tiers, lowest first.
	Tiers []TierLevel
	// GraceDays is how long a partner keeps its tier after it stops
	// qualifying: it is demoted on day BelowSince + GraceDays. 0 demotes on
	// the first evaluation below.
	GraceDays int
}

// Validate checks the policy and returns nil or a *ValidationError with
// every problem.
func (tp *TierPolicy) Validate() error {
	var ps problems
	if strings.TrimSpace(tp.ID) == "" {
		ps.add("id", "is required")
	}
	if len(tp.Tiers) == 0 {
		ps.add("tiers", "needs at least one tier")
	}
	if tp.GraceDays < 0 {
		ps.add("grace_days", "%d is negative", tp.GraceDays)
	}
	seen := map[Tier]int{}
	for i, l := range tp.Tiers {
		path := fmt.Sprintf("tiers[%d]", i)
		if l.Tier == "" {
			ps.add(path+".tier", "is required")
		} else if j, dup := seen[l.Tier]; dup {
			ps.add(path+".tier", "%q is also tiers[%d]", l.Tier, j)
		} else {
			seen[l.Tier] = i
		}
		for k, c := range l.Criteria {
			cp := fmt.Sprintf("%s.criteria[%d]", path, k)
			if c.Name == "" {
				ps.add(cp+".name", "is required")
			}
			if c.Condition == nil {
				ps.add(cp+".condition", "is required")
			}
		}
	}
	return ps.err(fmt.Sprintf("tier policy %q", tp.ID))
}

// Action is what a tier recommendation says to do.
type Action string

// Recommendation actions.
const (
	Promote Action = "promote"
	Demote  Action = "demote"
	Keep    Action = "keep"
)

// Actions lists the recommendation actions.
func Actions() []Action { return []Action{Promote, Demote, Keep} }

// CriterionResult is one criterion's outcome.
type CriterionResult struct {
	Name   string
	Source string
	Met    bool
	Values []Value
}

// LevelResult is one tier's outcome: met when all its criteria are met.
type LevelResult struct {
	Tier     Tier
	Met      bool
	Criteria []CriterionResult
}

// Recommendation is a tier policy's verdict on one partner on one day,
// with every tier's criteria met or missed and the values they read.
type Recommendation struct {
	PolicyID  string
	PartnerID string
	On        Date
	Action    Action
	// From is the partner's tier; To the recommended one (From on Keep).
	From, To Tier
	// Qualified is the highest tier whose criteria all hold.
	Qualified Tier
	// Levels lists every tier, lowest first.
	Levels []LevelResult
	// BelowSince is the first day of the current run of days below the
	// partner's tier (zero when it qualifies); store it in
	// Partner.TierBelowSince (Apply does).
	BelowSince Date
	// GraceEnds is the day a demotion takes effect when the partner keeps
	// qualifying below its tier (zero when it qualifies).
	GraceEnds Date
	Reason    string
}

// ErrUnknownTier: the partner's tier is not one of the policy's tiers.
var ErrUnknownTier = errors.New("partner: tier not in the policy")

// ErrPolicyDoesNotApply: the policy does not cover the partner's type.
var ErrPolicyDoesNotApply = errors.New("partner: tier policy does not apply to this partner type")

// Evaluate recommends a tier for p on day on from the metrics. A partner
// without a tier is placed in the tier it qualifies for (a promotion). An
// error from a criterion is returned wrapped with the tier and criterion
// names; a criterion without a Condition is a *ValidationError.
func (tp *TierPolicy) Evaluate(p *Partner, m TierMetrics, on Date) (Recommendation, error) {
	if p == nil {
		return Recommendation{}, fmt.Errorf("%w: a tier evaluation needs a partner", ErrInvalid)
	}
	rec := Recommendation{PolicyID: tp.ID, PartnerID: p.ID, On: on, From: p.Tier}
	if len(tp.Types) > 0 && !slices.Contains(tp.Types, p.Type) {
		return rec, fmt.Errorf("%w: policy %s covers %s, partner %s is %q", ErrPolicyDoesNotApply, tp.ID, joinList(tp.Types), p.ID, p.Type)
	}
	cur := -1
	if p.Tier != "" {
		cur = slices.IndexFunc(tp.Tiers, func(l TierLevel) bool { return l.Tier == p.Tier })
		if cur < 0 {
			return rec, fmt.Errorf("%w: partner %s is %q; policy %s has %s", ErrUnknownTier, p.ID, p.Tier, tp.ID, tp.tierList())
		}
	}
	var ps problems
	for i, l := range tp.Tiers {
		for k, c := range l.Criteria {
			if c.Condition == nil {
				ps.add(fmt.Sprintf("tiers[%d].criteria[%d].condition", i, k), "is required")
			}
		}
	}
	if err := ps.err(fmt.Sprintf("tier policy %q", tp.ID)); err != nil {
		return rec, err
	}
	in := TierInput{Partner: p, Metrics: m, On: on}
	q := -1
	for i, l := range tp.Tiers {
		lr := LevelResult{Tier: l.Tier, Met: true}
		for _, c := range l.Criteria {
			met, vals, err := c.Condition.Eval(in)
			if err != nil {
				return rec, fmt.Errorf("tier policy %s, tier %s, criterion %q: %w", tp.ID, l.Tier, c.Name, err)
			}
			lr.Criteria = append(lr.Criteria, CriterionResult{Name: c.Name, Source: c.Source, Met: met, Values: vals})
			lr.Met = lr.Met && met
		}
		rec.Levels = append(rec.Levels, lr)
		if lr.Met {
			q = i
		}
	}
	if q >= 0 {
		rec.Qualified = tp.Tiers[q].Tier
	}
	switch {
	case q > cur:
		rec.Action, rec.To = Promote, rec.Qualified
		rec.Reason = fmt.Sprintf("promote %s to %s: meets %s", tierText(p.Tier), rec.To, tp.metText(q))
	case q == cur && cur < 0:
		rec.Action = Keep
		rec.Reason = "keep (no tier): qualifies for no tier"
	case q == cur:
		rec.Action, rec.To = Keep, p.Tier
		rec.Reason = fmt.Sprintf("keep %s: meets %s", p.Tier, tp.metText(cur))
	default:
		below := p.TierBelowSince
		if below.IsZero() || below.After(on) {
			below = on
		}
		rec.BelowSince = below
		rec.GraceEnds = below.AddDays(tp.GraceDays)
		missed := missedText(rec.Levels[cur])
		target := "no tier"
		if q >= 0 {
			target = string(rec.Qualified)
		}
		if on.Before(rec.GraceEnds) {
			rec.Action, rec.To = Keep, p.Tier
			rec.Reason = fmt.Sprintf("keep %s in grace: misses %s since %s; demotion to %s on %s unless it qualifies again",
				p.Tier, missed, below, target, rec.GraceEnds)
		} else {
			rec.Action, rec.To = Demote, rec.Qualified
			rec.Reason = fmt.Sprintf("demote %s to %s: misses %s since %s; the %d-day grace period ended on %s",
				p.Tier, target, missed, below, tp.GraceDays, rec.GraceEnds)
		}
	}
	return rec, nil
}

func (tp *TierPolicy) tierList() string {
	s := make([]Tier, len(tp.Tiers))
	for i, l := range tp.Tiers {
		s[i] = l.Tier
	}
	return joinList(s)
}

func tierText(t Tier) string {
	if t == "" {
		return "(no tier)"
	}
	return string(t)
}

// metText describes how level i is met.
func (tp *TierPolicy) metText(i int) string {
	l := tp.Tiers[i]
	if len(l.Criteria) == 0 {
		return "the entry tier " + string(l.Tier) + " (no criteria)"
	}
	return fmt.Sprintf("all %d criteria of %s", len(l.Criteria), l.Tier)
}

// missedText lists the missed criteria of a level with their values.
func missedText(lr LevelResult) string {
	var s []string
	for _, c := range lr.Criteria {
		if c.Met {
			continue
		}
		t := c.Name
		if len(c.Values) > 0 {
			vs := make([]string, len(c.Values))
			for i, v := range c.Values {
				vs[i] = v.Name + " = " + v.Text
			}
			t += " (" + strings.Join(vs, ", ") + ")"
		}
		s = append(s, t)
	}
	return string(lr.Tier) + " " + strings.Join(s, ", ")
}

// Apply records a recommendation on the partner: a promotion or demotion
// becomes a tier event (actor, at, the recommendation's reason) and clears
// TierBelowSince; a keep stores its BelowSince. It reports whether the tier
// changed. The recommendation must be for this partner and its current
// tier.
func Apply(p *Partner, rec Recommendation, at time.Time, actor string) (Event, bool, error) {
	if p == nil {
		return Event{}, false, fmt.Errorf("%w: applying a recommendation needs a partner", ErrInvalid)
	}
	if rec.PartnerID != p.ID || rec.From != p.Tier {
		return Event{}, false, fmt.Errorf("%w: the recommendation is for partner %s at tier %q, the partner is %s at %q",
			ErrInvalidTierChange, rec.PartnerID, rec.From, p.ID, p.Tier)
	}
	if rec.Action == Keep {
		p.TierBelowSince = rec.BelowSince
		return Event{}, false, nil
	}
	e, err := SetTier(p, TierChange{To: rec.To, At: at, Actor: actor, Reason: rec.Reason})
	if err != nil {
		return Event{}, false, err
	}
	p.TierBelowSince = Date{}
	return e, true, nil
}

// Threshold returns a Condition that holds when a metric read by get is at
// least min, reporting the value under name. It is the Go way to write
// "metrics.revenue_12m >= 250000" without package rules.
func Threshold(name string, min decimal.Decimal, get func(TierInput) decimal.Decimal) Condition {
	return ConditionFunc(func(in TierInput) (bool, []Value, error) {
		v := get(in)
		return v.Cmp(min) >= 0, []Value{{Name: name, Text: v.String()}}, nil
	})
}
