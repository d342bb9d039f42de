package rules

import (
	"regexp"
	"strconv"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"gopkg.in/yaml.v3"
)

// An ApprovalPolicy document is a program's approval chain and holds for
// package incentive/ledger:
//
//	apiVersion: partnerops/v1
//	kind: ApprovalPolicy
//	program: q4-2026-new-logo-spiff
//	approvals:                     # the rule with the largest `from` not above the claim applies
//	  - from: 0                    # no roles: auto-approved
//	  - from: 1000
//	    roles: [manager]
//	  - from: 5000
//	    roles: [manager, finance]  # in this order, by two different people
//	  - types: [mdf]               # rules naming a type win over rules for every type;
//	                               # a claim of several types needs every role they need
//	    from: 0
//	    roles: [manager]
//	approvers:                     # optional: who may approve as each role
//	  finance: [carol, dave]
//	  exception: [vp]              # binds the approver a late claim's exception names
//	holds:                         # optional: refund windows per earning type, from the close date
//	  referral: 30d

var approvalKeys = []string{"apiVersion", "kind", "program", "approvals", "approvers", "holds"}

var holdRE = regexp.MustCompile(`^([0-9]{1,5})d$`)

// compileApprovalPolicy decodes one ApprovalPolicy document; nil when it has
// errors (they are reported to d).
func compileApprovalPolicy(d *diag, root *yaml.Node) *ledger.ApprovalPolicy {
	nerr := len(d.errs)
	f, ok := d.mapping(root, "", approvalKeys...)
	if !ok || !d.require(f, "program", "approvals") {
		return nil
	}
	pol := &ledger.ApprovalPolicy{}
	if id, ok := d.ident(f.get("program"), "program", "program id"); ok {
		pol.Program = id
	}
	types := make([]string, 0, len(incentive.EarningTypes()))
	for _, t := range incentive.EarningTypes() {
		types = append(types, string(t))
	}
	if items, ok := d.list(f.get("approvals"), "approvals"); ok {
		if len(items) == 0 {
			d.errorf(f.get("approvals"), "approvals", "list at least one approval rule, e.g. `- from: 0` to auto-approve")
		}
		seen := map[string]int{} // type|from -> line
		for i, it := range items {
			path := index("approvals", i)
			rf, ok := d.mapping(it, path, "types", "from", "roles")
			if !ok || !d.require(rf, "from") {
				continue
			}
			var r ledger.ApprovalRule
			if v := rf.get("types"); v != nil {
				if ts, ok := d.list(v, rf.at("types")); ok {
					for j, tn := range ts {
						if s, ok := d.enum(tn, index(rf.at("types"), j), types...); ok {
							r.Types = append(r.Types, incentive.EarningType(s))
						}
					}
				}
			}
			from, ok := d.number(rf.get("from"), rf.at("from"))
			if ok && from.Sign() < 0 {
				d.errorf(rf.get("from"), rf.at("from"), "a threshold cannot be negative, got %s", from)
				ok = false
			}
			if ok {
				r.From = from
				keys := []string{""}
				if len(r.Types) > 0 {
					keys = keys[:0]
					for _, t := range r.Types {
						keys = append(keys, string(t))
					}
				}
				for _, k := range keys {
					key := k + "|" + from.String()
					if line, dup := seen[key]; dup {
						what := "every type"
						if k != "" {
							what = k
						}
						d.errorf(rf.get("from"), rf.at("from"), "another rule (line %d) already starts at %s for %s", line, from, what)
						continue
					}
					seen[key] = rf.get("from").Line
				}
			}
			if v := rf.get("roles"); v != nil {
				if rs, ok := d.list(v, rf.at("roles")); ok {
					for j, rn := range rs {
						if s, ok := d.ident(rn, index(rf.at("roles"), j), "role"); ok {
							r.Roles = append(r.Roles, s)
						}
					}
				}
			}
			pol.Rules = append(pol.Rules, r)
		}
	}
	if v := f.get("approvers"); v != nil {
		if af, ok := d.mapping(v, "approvers"); ok {
			pol.Approvers = map[string][]string{}
			for i := 0; i+1 < len(v.Content); i += 2 {
				role := v.Content[i].Value
				if _, ok := af.m[role]; !ok {
					continue
				}
				if _, ok := d.ident(v.Content[i], af.at(role), "role"); !ok {
					continue
				}
				people, ok := d.list(v.Content[i+1], af.at(role))
				if !ok {
					continue
				}
				if len(people) == 0 {
					d.errorf(v.Content[i+1], af.at(role), "list at least one approver, or leave the role out to let anyone acting as %s approve", role)
				}
				pol.Approvers[role] = []string{}
				for j, pn := range people {
					if s, ok := d.text(pn, index(af.at(role), j)); ok {
						pol.Approvers[role] = append(pol.Approvers[role], s)
					}
				}
			}
		}
	}
	if v := f.get("holds"); v != nil {
		if hf, ok := d.mapping(v, "holds", types...); ok {
			pol.HoldDays = map[incentive.EarningType]int{}
			for t, kv := range hf.m {
				s, ok := d.scalar(kv.val, hf.at(t), "a number of days such as 30d")
				if !ok {
					continue
				}
				m := holdRE.FindStringSubmatch(s)
				days := -1
				if m != nil {
					days, _ = strconv.Atoi(m[1])
				}
				if days < 0 || days > maxClaimDays {
					d.errorf(kv.val, hf.at(t), "want a number of days between 0d and %dd such as 30d, got %q", maxClaimDays, clip(s))
					continue
				}
				pol.HoldDays[incentive.EarningType(t)] = days
			}
		}
	}
	if len(d.errs) != nerr {
		return nil
	}
	if err := pol.Validate(); err != nil {
		// The checks above should have caught it; name the document.
		d.errorf(root, "", "%v", err)
		return nil
	}
	return pol
}

// addApprovalPolicy compiles an ApprovalPolicy document into f; a second
// policy for the same program in one file is an error.
func (f *File) addApprovalPolicy(d *diag, root *yaml.Node) {
	pol := compileApprovalPolicy(d, root)
	if pol == nil {
		return
	}
	for _, p := range f.ApprovalPolicies {
		if p.Program == pol.Program {
			at := root
			for i := 0; i+1 < len(root.Content); i += 2 {
				if root.Content[i].Value == "program" {
					at = root.Content[i+1]
				}
			}
			d.errorf(at, "program", "program %q already has an approval policy in this file", pol.Program)
			return
		}
	}
	f.ApprovalPolicies = append(f.ApprovalPolicies, pol)
}

// ApprovalPolicy returns the approval policy for a program id from any file
// of the set, or nil when none names it.
func (s *Set) ApprovalPolicy(program string) *ledger.ApprovalPolicy {
	for _, f := range s.files() {
		for _, p := range f.ApprovalPolicies {
			if p.Program == program {
				return p
			}
		}
	}
	return nil
}
