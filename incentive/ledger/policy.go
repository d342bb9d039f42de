package ledger

import (
	"fmt"
	"slices"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// Approval roles used by the default policy and by exception requests.
const (
	// RoleManager is the partner manager.
	RoleManager = "manager"
	// RoleFinance is finance.
	RoleFinance = "finance"
	// RoleException is the step of an exception request; only its named
	// approver may approve it.
	RoleException = "exception"
)

// ApprovalPolicy is a program's approval chain and holds. Package rules
// compiles it from a `kind: ApprovalPolicy` YAML document.
//
// The zero value requires one approval by RoleManager for every claim and
// holds nothing.
type ApprovalPolicy struct {
	// Program is the program id the policy applies to.
	Program string
	// Rules choose a claim's approval steps (see Steps); a claim with
	// lines of several earning types needs every role any of them needs.
	Rules []ApprovalRule
	// Approvers lists, per role, who may approve as that role. A role
	// without a list accepts any actor acting in that role. A list for
	// RoleException binds the approver an exception request names.
	Approvers map[string][]string
	// HoldDays is, per earning type, how many days after the deal's close
	// date an approved earning is held (its refund window); it becomes
	// payable the day after the hold ends.
	HoldDays map[incentive.EarningType]int
}

// ApprovalRule requires approvals for claims of at least From.
type ApprovalRule struct {
	// Types restricts the rule to these earning types; empty: every type.
	Types []incentive.EarningType
	// From is the smallest claim amount (program currency) the rule covers.
	From decimal.Decimal
	// Roles are the approvals needed, in order; none auto-approves.
	Roles []string
}

// Validate reports a negative threshold, a rule without a role name, or two
// rules for the same type and threshold.
func (p *ApprovalPolicy) Validate() error {
	seen := map[string]bool{}
	for i, r := range p.Rules {
		if r.From.Sign() < 0 {
			return fmt.Errorf("%w: approval rule %d: threshold %s is negative", ErrInvalid, i+1, r.From)
		}
		for _, role := range r.Roles {
			if role == "" {
				return fmt.Errorf("%w: approval rule %d: empty role", ErrInvalid, i+1)
			}
		}
		types := r.Types
		if len(types) == 0 {
			types = []incentive.EarningType{""}
		}
		for _, t := range types {
			k := string(t) + "|" + r.From.String()
			if seen[k] {
				return fmt.Errorf("%w: approval rule %d: another rule already covers %s from %s", ErrInvalid, i+1, typeName(t), r.From)
			}
			seen[k] = true
		}
	}
	for t, d := range p.HoldDays {
		if d < 0 {
			return fmt.Errorf("%w: hold for %s is %d days", ErrInvalid, t, d)
		}
	}
	return nil
}

func typeName(t incentive.EarningType) string {
	if t == "" {
		return "every type"
	}
	return string(t)
}

// Steps returns the approvals a claim of the given type and amount needs.
// Rules naming the type take precedence over rules for every type; among
// them the one with the largest From not above the amount applies. With no
// applicable rule, one RoleManager approval is needed.
func (p *ApprovalPolicy) Steps(t incentive.EarningType, amount decimal.Decimal) []ApprovalStep {
	pick := func(typed bool) (*ApprovalRule, bool) {
		var best *ApprovalRule
		for i := range p.Rules {
			r := &p.Rules[i]
			if typed != (len(r.Types) > 0) || (typed && !slices.Contains(r.Types, t)) {
				continue
			}
			if r.From.LessThanOrEqual(amount) && (best == nil || r.From.GreaterThan(best.From)) {
				best = r
			}
		}
		return best, best != nil
	}
	r, ok := pick(true)
	if !ok {
		r, ok = pick(false)
	}
	if !ok {
		return []ApprovalStep{{Role: RoleManager}}
	}
	steps := make([]ApprovalStep, len(r.Roles))
	for i, role := range r.Roles {
		steps[i] = ApprovalStep{Role: role}
	}
	return steps
}

// stepsFor returns the approvals a claim with lines of the given types and
// a total amount needs: every role any of its types requires (Steps of each
// type at the claim's total), the longest chain first, each role once. A
// claim cannot avoid a type's approvals by listing another type first.
func (p *ApprovalPolicy) stepsFor(types []incentive.EarningType, amount decimal.Decimal) []ApprovalStep {
	if len(types) <= 1 {
		var t incentive.EarningType
		if len(types) == 1 {
			t = types[0]
		}
		return p.Steps(t, amount)
	}
	chains := make([][]ApprovalStep, len(types))
	for i, t := range types {
		chains[i] = p.Steps(t, amount)
	}
	slices.SortStableFunc(chains, func(a, b []ApprovalStep) int { return len(b) - len(a) })
	var steps []ApprovalStep
	for _, ch := range chains {
		for _, st := range ch {
			if !slices.ContainsFunc(steps, func(s ApprovalStep) bool { return s.Role == st.Role }) {
				steps = append(steps, st)
			}
		}
	}
	return steps
}

// mayApprove reports whether actor may approve as role.
func (p *ApprovalPolicy) mayApprove(role, actor string) bool {
	list, ok := p.Approvers[role]
	return !ok || slices.Contains(list, actor)
}

// hold returns the longest hold of the given earning types.
func (p *ApprovalPolicy) hold(types []incentive.EarningType) int {
	n := 0
	for _, t := range types {
		n = max(n, p.HoldDays[t])
	}
	return n
}
