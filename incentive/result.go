package incentive

import (
	"github.com/shopspring/decimal"
)

// ProgramRef identifies the exact terms a result was computed under.
type ProgramRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// Result is the outcome of evaluating one deal.
type Result struct {
	Program   ProgramRef `json:"program"`
	DealID    string     `json:"deal"`
	PartnerID string     `json:"partner"`
	// Payee is who is paid: PayeePartner or the role of a partner contact.
	Payee string `json:"payee"`
	// PayeeName is the name of the paid contact, when the payee is a role.
	PayeeName string `json:"payee_name,omitempty"`
	// Eligible is false when the deal falls outside the effective window or
	// an eligibility clause failed; Failed names it.
	Eligible bool   `json:"eligible"`
	Failed   string `json:"failed,omitempty"`
	// Lines are the earnings lines that paid (after groups and caps), in
	// program order. Lines cut to zero by a cap are kept.
	Lines []Line `json:"lines"`
	// Total is the sum of the lines, in the program currency, rounded as
	// the program's rounding stage says.
	Total Money `json:"total"`
	// ClaimBy is the last day an earning on this deal may be claimed; zero
	// when the program has no claim window.
	ClaimBy Date `json:"claim_by"`
	// Expired is true when the as-of date is after ClaimBy.
	Expired bool `json:"expired,omitempty"`
	// Conversion is set when the deal was converted into the program
	// currency.
	Conversion *Conversion `json:"conversion,omitempty"`
	// Trace is the structured explanation; Explain renders it in words.
	Trace []Step `json:"trace"`
}

// Line is one earnings line of a result.
type Line struct {
	Earning string      `json:"earning"`
	Type    EarningType `json:"type"`
	Group   string      `json:"group,omitempty"`
	// Gross is the amount before caps and rounding.
	Gross Money `json:"gross"`
	// Amount is what the line pays.
	Amount Money `json:"amount"`
	// Band is the band the basis reached, for band-table earnings.
	Band *BandHit `json:"band,omitempty"`
	// Cuts lists the caps that reduced this line, in the order applied.
	Cuts []CapCut `json:"cuts,omitempty"`
}

// BandHit is the band a basis reached.
type BandHit struct {
	Index int    `json:"index"` // 0-based position in the table
	Of    int    `json:"of"`    // number of bands
	Label string `json:"label,omitempty"`
}

// CapCut records how much one cap took off.
type CapCut struct {
	Cap   int             `json:"cap"` // index in Program.Caps
	Scope CapScope        `json:"scope"`
	Limit decimal.Decimal `json:"limit"`
	Cut   decimal.Decimal `json:"cut"`
}

// StepKind names the kind of a trace step.
type StepKind string

// Trace step kinds.
const (
	StepWindow     StepKind = "window"
	StepConversion StepKind = "conversion"
	StepClause     StepKind = "clause"
	StepCondition  StepKind = "condition"
	StepFormula    StepKind = "formula"
	StepBand       StepKind = "band"
	StepGroup      StepKind = "group"
	StepCap        StepKind = "cap"
	StepRounding   StepKind = "rounding"
	StepClaim      StepKind = "claim"
	StepTotal      StepKind = "total"
)

// Observed is one input value a condition or formula read.
type Observed struct {
	Path  string `json:"path"`
	Value string `json:"value"`
}

// Step is one entry of an explanation trace.
type Step struct {
	Kind StepKind `json:"kind"`
	// Ref names the part of the program: a clause name, an earning id, a
	// group id, or "caps[i]".
	Ref string `json:"ref,omitempty"`
	// Index is the position of the part in its list (clause, band, cap).
	Index int `json:"index"`
	// Source is the condition or formula as written.
	Source string `json:"source,omitempty"`
	// Value is the step's result as text ("true", "240.00").
	Value string `json:"value,omitempty"`
	// OK is false for a failed clause or condition, a window or claim
	// deadline missed, or a cap that bound.
	OK bool `json:"ok"`
	// Inputs are the values read by the condition or formula.
	Inputs []Observed `json:"inputs,omitempty"`
	// Words is the plain-words rendering of the step.
	Words  string `json:"words"`
	Origin Origin `json:"origin"`
}
