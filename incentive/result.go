package incentive

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// ProgramRef identifies the exact terms a result was computed under.
type ProgramRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// Result is the outcome of evaluating one deal.
//
// A result's amounts (its lines' Gross and Amount, Total, cap cuts) share
// blocks of memory with a few neighbouring deals' results: the engine
// makes them 16 at a time rather than two allocations each. Keeping any
// one amount keeps its block (about 640 bytes) alive: a caller that keeps
// a small part of many results (only each Total, say) and drops the rest
// should keep copies (decimal.Decimal.Copy, or the amount's String).
type Result struct {
	Program   ProgramRef `json:"program"`
	DealID    string     `json:"deal"`
	PartnerID string     `json:"partner"`
	// Payee is who is paid: PayeePartner or the role of a partner contact.
	Payee string `json:"payee"`
	// PayeeName is the name of the paid contact, when the payee is a role.
	PayeeName string `json:"payee_name,omitempty"`
	// PaymentMethod is the partner's payment method
	// (partner.Partner.Payment.Method), empty without payment details;
	// statements pay the partner under the program's terms for it.
	PaymentMethod partner.PaymentMethod `json:"payment_method,omitempty"`
	// Eligible is false when the deal falls outside the effective window or
	// an eligibility clause failed; Failed names it.
	Eligible bool `json:"eligible"`
	// dayLo is the low half of the deal's close date's dayKey (see
	// dateKey), in the padding after Eligible.
	dayLo  uint32
	Failed string `json:"failed,omitempty"`
	// Credits is the deal this result's credit note credits (Deal.Credits).
	// Its Lines then say what was taken back from that deal's lines.
	Credits string `json:"credits,omitempty"`
	// Lines are the earnings lines that paid (after groups and caps), in
	// program order. Lines cut to zero by a cap are kept.
	Lines []Line `json:"lines"`
	// Lost are the lines whose condition held but that lost their group's
	// pick, in program order: Amount is what the line would have paid
	// (after its line caps and line rounding) and Band the band it
	// reached. They pay nothing and are not part of Total; tests and
	// coverage read their bands.
	Lost []Line `json:"lost,omitempty"`
	// Total is the sum of the lines, in the program currency, rounded as
	// the program's rounding stage says.
	Total Money `json:"total"`
	// ClaimBy is the last day an earning on this deal may be claimed; zero
	// when the program has no claim window.
	ClaimBy Date `json:"claim_by"`
	// Expired is true when the as-of date is after ClaimBy.
	Expired bool `json:"expired,omitempty"`
	// dayHi is the high half of the close date's dayKey, in the padding
	// after Expired.
	dayHi int32
	// Hold is set for an eligible deal (not a credit note) of a program
	// with a hold (Program.Hold): when its earnings mature, whether they
	// are held as of the run, and the void that cancelled them.
	Hold *HoldStatus `json:"hold,omitempty"`
	// Conversion is set when the deal was converted into the program
	// currency.
	Conversion *Conversion `json:"conversion,omitempty"`
	// Values are the named values computed for the deal (those some
	// expression read), in declaration order.
	Values []ValueResult `json:"values,omitempty"`
	// Shares, when the program splits payouts (Program.Split,
	// Earning.Split), say what each payee is paid: they add up to Total,
	// line by line. Nil for a program without splits.
	Shares []Share `json:"shares,omitempty"`
	// Trace is the structured explanation; Explain renders it in words.
	Trace []Step `json:"trace"`

	// basis is the deal's amount in the program currency, and dayLo and
	// dayHi its close date in the program's time zone, for
	// SettlementBuilder. (The date is split into two halves that fill
	// padding, so that the Result has room for room in its size class:
	// see TestResultSizeClass.)
	basis decimal.Decimal
	// room is the memory Evaluator.EvaluateInto reuses for the result's
	// slices and pointers from deal to deal (nil until the result is
	// first handed to it).
	room *resultBufs
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
	// Band is the band the basis reached, for band-table earnings. It
	// points at the Evaluator's record of that band, which every line
	// reaching the band shares (a result's lines take no memory for
	// their bands): read it, never write through it.
	Band *BandHit `json:"band,omitempty"`
	// Cuts lists the caps that reduced this line, in the order applied.
	Cuts []CapCut `json:"cuts,omitempty"`
	// Items are each product line's result of a per-line earning
	// (Earning.PerLine), in the deal's line order.
	Items []LineItem `json:"items,omitempty"`
}

// UnmarshalJSON reads a line as its JSON reads into a new Line, which
// then replaces l: decoding into l in place (encoding/json's way with a
// struct) would write the stored band into the BandHit l.Band points at,
// which is the Evaluator's, shared by every line reaching that band, so
// that decoding a stored result into a result an Evaluator filled (one the
// caller is done with) changed the band of every later line of that
// Evaluator. null leaves l as it is, as encoding/json does with a struct.
func (l *Line) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	type plain Line // (its fields without this method)
	var v plain
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*l = Line(v)
	return nil
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

// StepKind names the kind of a trace step. It encodes as its name
// ("clause", "band", ...) in JSON and text.
type StepKind uint8

// Trace step kinds.
const (
	StepWindow StepKind = iota + 1
	StepConversion
	StepClause
	StepCondition
	StepFormula
	StepBand
	StepGroup
	StepCap
	StepRounding
	StepClaim
	StepTotal
	// StepCredit: a credit note took back from the deal it names.
	StepCredit
	// StepHold: the program's hold (see Hold): when the deal's earnings
	// mature, or the void that cancelled them.
	StepHold
	// StepSplit: a line was split between payees (see Split).
	StepSplit
	// StepSettlement: a line is an advance against a period settlement.
	StepSettlement
	// StepValue: a named value computed for the deal (Ref is its name).
	StepValue
)

var stepKindNames = [...]string{"", "window", "conversion", "clause", "condition", "formula", "band", "group", "cap", "rounding", "claim", "total", "credit", "hold", "split", "settlement", "value"}

// String returns the kind's name.
func (k StepKind) String() string {
	if int(k) < len(stepKindNames) {
		return stepKindNames[k]
	}
	return "step(" + itoa(int(k)) + ")"
}

// MarshalText encodes the kind as its name.
func (k StepKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a kind from its name.
func (k *StepKind) UnmarshalText(b []byte) error {
	for i, n := range stepKindNames {
		if i > 0 && n == string(b) {
			*k = StepKind(i)
			return nil
		}
	}
	return errors.New("unknown step kind " + strconv.Quote(string(b)))
}

// Observed is one input value a condition or formula read: a string,
// int64, bool, decimal.Decimal, Date or []string, as Scope.Lookup returns
// it. It marshals to JSON with the value as text.
type Observed struct {
	Path  string
	Value any
	// On is the day a dated partner attribute (partner.type, tier, region
	// or country, or one of partner.at_period_start) was read on, set when
	// the partner has a history of changes; zero otherwise.
	On Date
	// text is set on a value read back from JSON (UnmarshalJSON): Value
	// is then the text MarshalJSON wrote, written again as it is.
	text bool
}

// observedJSON is an Observed as its JSON reads.
type observedJSON struct {
	Path  string `json:"path"`
	Value string `json:"value"`
	On    string `json:"on,omitempty"`
}

// MarshalJSON renders {"path": ..., "value": "<text>"}, with "on":
// "YYYY-MM-DD" when On is set.
func (o Observed) MarshalJSON() ([]byte, error) {
	var on string
	if !o.On.IsZero() {
		on = o.On.String()
	}
	value := fmtValue(o.Value)
	if s, ok := o.Value.(string); ok && o.text {
		value = s
	}
	return json.Marshal(observedJSON{o.Path, value, on})
}

// UnmarshalJSON reads a value read as MarshalJSON writes it: Value is its
// text (a string: "\"gold\"", "12000.00", "[\"a\", \"b\"]"), which
// MarshalJSON writes again unchanged, so that a result read back from JSON
// writes the same JSON (it quoted the text a second time).
func (o *Observed) UnmarshalJSON(b []byte) error {
	var v observedJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	var on Date
	if v.On != "" {
		if err := on.UnmarshalText([]byte(v.On)); err != nil {
			return err
		}
	}
	*o = Observed{Path: v.Path, Value: v.Value, On: on, text: true}
	return nil
}

// Step is one entry of an explanation trace. The structured fields are
// filled as the deal is evaluated; the plain-words rendering is produced
// only when Words (or Explain, or JSON encoding) asks for it, so a batch
// run that never reads explanations does not pay for formatting them.
//
// Kind, OK and Index are fields; the part's name (Ref), the expression
// (Source), the amount (Amount), the values read (Inputs) and where the
// part was written (Origin) are methods, because the engine does not
// store them per step: a step is a small record (32 bytes on a 64-bit
// platform, one pointer) that names its part of the program and keeps
// its amount as a scaled integer, and the values its expression read,
// the amounts its words show and their texts sit in one block of the
// result's, which holds no pointers; the methods build the values when
// they are read (each call builds them again). Every deal of a batch
// records a dozen or more steps, most of which nobody reads; keeping them
// small and free of pointers is what makes the explanation cheap. Step
// marshals to JSON with the same keys as the methods' names.
type Step struct {
	Kind StepKind `json:"kind"`
	// OK is false for a failed clause or condition, a window or claim
	// deadline missed, a basis that reached no band, or a cap that bound.
	OK bool `json:"ok"`
	// flags: the low two bits say how the amount is kept (amtNone, the
	// zero Decimal; amtFx, amc x 10^ame; amtWide, the block's word amc x
	// 10^ame; amtDec, amc indexes the block's decimals); flagExtra: det
	// indexes the step's extra.
	flags uint8
	// nin is the number of input records of the step (in is the first).
	nin uint8
	// in is the word offset of the step's first input record.
	in  uint16
	ame int16
	// det is the step's detail: 0 none, detExpr (a clause, condition or
	// formula: Kind and Index name the part), detRule (the rounding rule),
	// else the word offset of its detail record plus one; with
	// flagExtra, the index of its extra plus one (words, name, inputs of
	// a rare step, and its detail: see stepExtra).
	det int32
	amc int32
	// Index is the position of the part in its list (clause, earning,
	// band, cap); -1 for a band step whose basis reached no band, and for a
	// cap step that is not a program cap (a credit note's takeback limited
	// to what the partner was paid, or a credit note that pays nothing).
	Index int `json:"index"`
	// blk is the result's trace block, which the records are in.
	blk *traceBlock
}

// Ref names the part of the program: a clause name, an earning id, a
// group id, or "caps[i]"; for a credit step, the credited deal's id.
func (s *Step) Ref() string {
	if x := s.extra(); x != nil {
		return x.ref
	}
	ref, _ := s.part()
	return ref
}

// Source is the condition or formula as written.
func (s *Step) Source() string {
	if x := s.extra(); x != nil {
		return x.source
	}
	if s.det == detExpr && s.blk != nil {
		if pt := s.blk.e.exprPart(s.Kind, s.Index); pt != nil {
			return pt.source
		}
	}
	return ""
}

// Amount is the step's amount, where it has one: a formula's value, what
// a band table paid, what a cap cut, a rounded amount, the total; zero
// otherwise.
func (s *Step) Amount() decimal.Decimal {
	return s.blk.amount(s.flags&amtMask, int64(s.amc), int32(s.ame))
}

// Inputs are the values read by the condition or formula, one for each
// path of its Reads (Describer) that had a value for the deal, in the
// order Reads lists them: for an expression of a program file, sorted by
// path, each path once, not the order the expression names them
// (`partner.type == "reseller" && deal.amount > 0` reads deal.amount
// first). The slice is the caller's own.
func (s *Step) Inputs() []Observed {
	if x := s.extra(); x != nil {
		if len(x.inputs) == 0 {
			return nil
		}
		return append([]Observed(nil), x.inputs...)
	}
	if s.nin == 0 {
		return nil
	}
	return s.blk.observed(s.exprReads(), int32(s.in), int32(s.nin))
}

// Origin is where the part was written, when known; it points into the
// program (nil otherwise).
func (s *Step) Origin() *Origin {
	if x := s.extra(); x != nil {
		return x.origin
	}
	_, o := s.part()
	return o
}

// MarshalJSON encodes the step as its fields read (kind, ok, index, ref,
// source, amount, inputs, origin) with its words.
func (s Step) MarshalJSON() ([]byte, error) {
	return json.Marshal(stepJSON{s.Kind, s.OK, s.Index, s.Ref(), s.Source(), s.Amount(), s.Inputs(), s.Origin(), s.Words()})
}

// stepJSON is a step as its JSON reads (MarshalJSON, UnmarshalJSON).
type stepJSON struct {
	Kind   StepKind        `json:"kind"`
	OK     bool            `json:"ok"`
	Index  int             `json:"index"`
	Ref    string          `json:"ref,omitempty"`
	Source string          `json:"source,omitempty"`
	Amount decimal.Decimal `json:"amount"`
	Inputs []Observed      `json:"inputs,omitempty"`
	Origin *Origin         `json:"origin,omitempty"`
	Words  string          `json:"words"`
}

// UnmarshalJSON reads a step as MarshalJSON writes it, so that a result
// written as JSON reads back: Ref, Source, Amount, Inputs and Origin give
// the values read (an input's value as its text, which is what the JSON
// keeps of it), and Words the words written.
func (s *Step) UnmarshalJSON(b []byte) error {
	var v stepJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	// A step read back keeps all of it as a rare step does (an extra,
	// its amount a side decimal): it has no program to derive it from.
	words := v.Words
	side := &traceSide{extras: []stepExtra{{ref: v.Ref, source: v.Source, origin: v.Origin, inputs: v.Inputs,
		words: func() string { return words }}}}
	*s = Step{Kind: v.Kind, OK: v.OK, Index: v.Index, flags: flagExtra, det: 1, blk: &traceBlock{side: side}}
	if v.Amount != (decimal.Decimal{}) {
		side.decs = []decimal.Decimal{v.Amount}
		s.flags |= amtDec
	}
	return nil
}

// Words renders the step in plain words, e.g.
// `earning "base": deal.amount * 0.02 = 240.00 (deal.amount = 12,000.00)`.
func (s *Step) Words() string {
	if x := s.extra(); x != nil && x.words != nil {
		return x.words()
	}
	if s.blk == nil {
		return ""
	}
	switch det := s.detail(); {
	case det == detRule:
		return s.blk.e.roundingWords()
	case det > 0:
		d := s.blk.detail(det - 1)
		return d.words(s)
	case det != detExpr:
		return ""
	}
	cur := s.blk.e.p.Currency
	src, inputs := s.Source(), s.Inputs()
	switch s.Kind {
	case StepClause:
		if s.OK {
			return "eligible: " + quote(s.Ref()) + " holds" + describeExpr(src, inputs, cur) + s.divisionNote()
		}
		return "not eligible: " + quote(s.Ref()) + " failed" + describeExpr(src, inputs, cur) + s.divisionNote()
	case StepCondition:
		if s.OK {
			return "earning " + quote(s.Ref()) + " applies" + describeExpr(src, inputs, cur) + s.divisionNote()
		}
		return "earning " + quote(s.Ref()) + " does not apply" + describeExpr(src, inputs, cur) + s.divisionNote()
	case StepFormula:
		return "earning " + quote(s.Ref()) + ": " + src + " = " + fmtAmount(s.Amount(), cur) + describeInputs(inputs, cur) + s.divisionNote()
	}
	return ""
}

// Divider is implemented by conditions and formulas that can say whether
// they divide and at which precision: a quotient is rounded half away
// from zero at places decimal places. Explanations state it for every
// step whose expression divides.
type Divider interface {
	Divides() (divides bool, places int32)
}

// divisionNote states the precision of the step's expression when it
// divides: "; each quotient keeps 16 decimal places (rounded half away
// from zero)".
func (s *Step) divisionNote() string {
	prog := s.program()
	if prog == nil || s.Index < 0 {
		return ""
	}
	var x any
	switch {
	case s.Kind == StepClause && s.Index < len(prog.Eligibility):
		x = prog.Eligibility[s.Index].When
	case s.Kind == StepCondition && s.Index < len(prog.Earnings):
		x = prog.Earnings[s.Index].When
	case s.Kind == StepFormula && s.Index < len(prog.Earnings):
		x = prog.Earnings[s.Index].Amount
	}
	d, ok := x.(Divider)
	if !ok {
		return ""
	}
	if div, places := d.Divides(); div {
		return "; each quotient keeps " + itoa(int(places)) + " decimal places (rounded half away from zero)"
	}
	return ""
}

// program is the program of a clause, condition or formula step (nil for
// a step the engine did not record).
func (s *Step) program() *Program {
	if s.detail() == detExpr && s.blk != nil && s.blk.e != nil {
		return s.blk.e.p
	}
	return nil
}

// dateKey is the result's close date (see dayKey).
func (r *Result) dateKey() dayKey { return dayKey(int64(r.dayHi)<<32 | int64(r.dayLo)) }

// setDate sets the result's close date (dateKey).
func (r *Result) setDate(d Date) {
	k := dayKeyOf(d)
	r.dayLo, r.dayHi = uint32(k), int32(k>>32)
}

// dayKey is a Result's close date (Date, 24 bytes) in 8: the year times
// 512 plus the month times 32 plus the day, which keeps the Result in a
// size class 32 bytes smaller (every result is allocated, a deal's
// largest allocation: see TestResultSizeClass). It holds every date
// with a year within +-2^53, a month from 0 to 15 and a day from 0 to 31:
// every DateOf (time's years are within +-2.93e11), the only dates a
// result keeps (the deal's close date, work.date), and the zero Date as
// 0. See dayKeyOf for the others.
type dayKey int64

// dayKeyLimit bounds the years a dayKey holds: [-dayKeyLimit, dayKeyLimit).
const dayKeyLimit = 1 << 53

// dayKeyOf packs d. A date it cannot hold (never a DateOf) packs as the
// zero date's 0, which a SettlementBuilder reads as "no close date": the
// result then counts towards no settlement period, rather than a wrong one.
func dayKeyOf(d Date) dayKey {
	if y := int64(d.Year); y < -dayKeyLimit || y >= dayKeyLimit || d.Month < 0 || d.Month > 15 || d.Day < 0 || d.Day > 31 {
		return 0
	}
	return dayKey(int64(d.Year)<<9 | int64(d.Month)<<5 | int64(d.Day))
}

// day unpacks the date.
func (k dayKey) day() Date {
	return Date{int(int64(k) >> 9), time.Month(int64(k) >> 5 & 15), int(int64(k) & 31)}
}
