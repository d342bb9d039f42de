package incentive

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// Evaluate computes what one deal earns under program p, as of the given
// instant (which decides whether the claim window has passed). The partner's
// totals before the deal come from in.Prior. It validates p first; to
// evaluate many deals, build an Evaluator once, or use Run.
//
// A deal outside the effective window or failing an eligibility clause is
// not an error: the result says Eligible false and names the clause. Bad
// data (a missing field, an unknown currency, a formula dividing by zero) is
// an error of type *EvalError naming the deal and the part of the program.
func Evaluate(ctx context.Context, p *Program, in Input, asOf time.Time) (*Result, error) {
	e, err := NewEvaluator(p)
	if err != nil {
		return nil, err
	}
	return e.Evaluate(ctx, in, asOf)
}

// Evaluator evaluates deals under one validated program. It is safe for
// concurrent use.
type Evaluator struct {
	p      *Program
	ref    ProgramRef
	places int32
	mode   RoundingMode
	stage  RoundingStage
	// firstDeferred is the index of the first eligibility clause that reads
	// accumulators; it and every later clause run in the ordered phase.
	firstDeferred int
	earn          []earnPlan
	capOrder      []int // indices into p.Caps, in application order
	dealCaps      []int // the deal caps of capOrder
	runCaps       []int // the partner and budget caps of capOrder
	// stateful: some band table reads a partner's running basis.
	stateful bool
	// periods are the period kinds totals are kept for; periods[0] is the
	// program's own period (for the period.* accumulators).
	periods   []Period
	capPeriod map[int]int // partner cap index -> periods index
	// periodBasis and periodCaps, per periods index: whether a
	// partner-period band table or a partner cap keeps totals there.
	periodBasis, periodCaps []bool
	capLimit                []decimal.Decimal // cap limits at the currency scale
	// dealFormulas: some deal cap computes its limit (Cap.Formula).
	dealFormulas bool
	// readsAcc: some condition or formula reads period.* or cumulative.*.
	readsAcc     bool
	groupMembers [][]int // earning indices per group
	fieldTypes   map[string]FieldType
	// money names the custom fields declared FieldMoney, converted with
	// a deal in another currency (convertDeal).
	money         moneyFields
	roundingWords func() string
	// splits is nil unless the program splits payouts.
	splits *splitPlan
	// zeroRoom is what a spent cap has room for: zero at the payout
	// scale (decimals never change, so every deal shares it).
	zeroRoom decimal.Decimal
	// solo pools the state of single-deal evaluations (*soloState).
	solo sync.Pool
	// exprDetail and ruleDetail are the details of every clause,
	// condition and formula step (detailExpr) and of the rounding rule's
	// (detailRule): the compact step names its part instead.
	exprDetail, ruleDetail stepDetail
	// parts are the clauses', conditions', formulas' and caps' names,
	// origins, sources and reads, which their steps derive (exprPart).
	parts [4][]partInfo
	// detailViaStep: addDetail records every step through add and step
	// (tests compare the two).
	detailViaStep bool
}

type earnPlan struct {
	e              *Earning
	whenDeferred   bool
	amountDeferred bool
	// stateful tables read the partner's running basis.
	stateful        bool
	measureDeferred bool
	period          Period
	periodIdx       int
	group           *Group
	lineCaps        []int // caps that limit this line
	// capDeferred: a computed line cap reads running totals, so the line
	// is settled in the ordered phase.
	capDeferred bool
	table       *tablePlan
	// hits are the BandHits of the earning's band table, by band: the
	// results' lines point at them (Line.Band), so that a line's band
	// takes no memory of its result's.
	hits []BandHit
}

// NewEvaluator validates p and prepares it for evaluation. The program must
// not be modified afterwards.
func NewEvaluator(p *Program) (*Evaluator, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil program", ErrInvalidProgram)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	e := &Evaluator{
		p:             p,
		ref:           ProgramRef{ID: p.ID, Version: p.Version, Hash: p.Hash},
		places:        p.Rounding.Places(p.Currency),
		mode:          p.Rounding.Mode.OrDefault(),
		stage:         p.Rounding.StageOrDefault(),
		zeroRoom:      decimal.New(0, -p.Rounding.Places(p.Currency)),
		firstDeferred: len(p.Eligibility),
		fieldTypes:    map[string]FieldType{},
	}
	for i, c := range p.Eligibility {
		if p.readsAcc(c.When) {
			e.firstDeferred = i
			break
		}
	}
	groups := map[string]int{}
	for i := range p.Groups {
		groups[p.Groups[i].ID] = i
	}
	e.groupMembers = make([][]int, len(p.Groups))
	e.periods = []Period{p.periodOrDefault()}
	e.capPeriod = map[int]int{}
	addPeriod := func(per Period) int {
		if per == "" {
			per = p.periodOrDefault()
		}
		for k, q := range e.periods {
			if q == per {
				return k
			}
		}
		e.periods = append(e.periods, per)
		return len(e.periods) - 1
	}
	e.readsAcc = e.firstDeferred < len(p.Eligibility)
	for i := range p.Earnings {
		ep := earnPlan{e: &p.Earnings[i]}
		if gi, ok := groups[ep.e.Group]; ok && ep.e.Group != "" {
			ep.group = &p.Groups[gi]
			e.groupMembers[gi] = append(e.groupMembers[gi], i)
		}
		ep.whenDeferred = ep.e.When != nil && p.readsAcc(ep.e.When)
		ep.amountDeferred = ep.e.Amount != nil && p.readsAcc(ep.e.Amount)
		if t := ep.e.Bands; t != nil {
			ep.table = planTable(t, e.places)
			ep.hits = make([]BandHit, len(t.Bands))
			for k := range ep.hits {
				ep.hits[k] = bandHit(t, k)
			}
			ep.stateful = t.Basis == BasisPeriod || t.Basis == BasisCumulative
			e.stateful = e.stateful || ep.stateful
			ep.measureDeferred = t.Measure != nil && p.readsAcc(t.Measure)
			if t.Basis == BasisPeriod {
				ep.period = t.Period
				if ep.period == "" {
					ep.period = p.periodOrDefault()
				}
				ep.periodIdx = addPeriod(t.Period)
			}
		}
		// An earning reading a deferred earning is deferred with it.
		for _, x := range []any{ep.e.When, ep.e.Amount} {
			for _, j := range p.earningDeps(x) {
				if j < len(e.earn) {
					if dj := &e.earn[j]; dj.whenDeferred || dj.amountDeferred || dj.measureDeferred || dj.stateful {
						ep.whenDeferred, ep.amountDeferred = ep.e.When != nil, ep.e.Amount != nil
					}
				}
			}
		}
		e.readsAcc = e.readsAcc || ep.whenDeferred || ep.amountDeferred || ep.measureDeferred
		for ci, c := range p.Caps {
			if c.Scope == CapLine && (c.Earning == "" || c.Earning == ep.e.ID) {
				ep.lineCaps = append(ep.lineCaps, ci)
				if c.LimitFormula != nil && p.readsAcc(c.LimitFormula) {
					ep.capDeferred = true
					e.readsAcc = true
				}
			}
		}
		e.earn = append(e.earn, ep)
	}
	e.capLimit = make([]decimal.Decimal, len(p.Caps))
	for i, c := range p.Caps {
		e.capLimit[i] = atScale(c.Limit, e.places)
	}
	for _, scope := range capOrder {
		for i, c := range p.Caps {
			if c.Scope == scope {
				e.capOrder = append(e.capOrder, i)
				switch scope {
				case CapDeal:
					e.dealCaps = append(e.dealCaps, i)
					if c.LimitFormula != nil {
						e.dealFormulas = true
						e.readsAcc = e.readsAcc || p.readsAcc(c.LimitFormula)
					}
				case CapPartner:
					e.capPeriod[i] = addPeriod(c.Period)
					e.runCaps = append(e.runCaps, i)
				case CapBudget:
					e.runCaps = append(e.runCaps, i)
				}
			}
		}
	}
	e.periodBasis, e.periodCaps = make([]bool, len(e.periods)), make([]bool, len(e.periods))
	for _, ep := range e.earn {
		if t := ep.e.Bands; t != nil && t.Basis == BasisPeriod {
			e.periodBasis[ep.periodIdx] = true
		}
	}
	for _, k := range e.capPeriod {
		e.periodCaps[k] = true
	}
	for _, f := range p.Fields {
		e.fieldTypes[f.Name] = f.Type
	}
	e.money = moneyFieldsOf(p)
	scale := "the currency's minor units (" + itoa(int(e.places)) + " places)"
	if p.Rounding.Scale != nil {
		scale = itoa(int(e.places)) + " places"
	}
	words := "rounding: " + string(e.mode) + " to " + scale + ", per " + string(e.stage)
	if p.Rounding.Mode == "" {
		words += " (half_up is the default mode)"
	}
	e.roundingWords = func() string { return words }
	e.splits = planSplits(p)
	e.exprDetail = stepDetail{kind: detailExpr, e: e}
	e.ruleDetail = stepDetail{kind: detailRule, e: e}
	e.planParts()
	return e, nil
}

func (p *Program) periodOrDefault() Period {
	if p.Period == "" {
		return PeriodProgram
	}
	return p.Period
}

// Program returns the program the evaluator runs (nil for a zero-value
// or nil Evaluator).
func (e *Evaluator) Program() *Program {
	if e == nil {
		return nil
	}
	return e.p
}

// ErrNoEvaluator is wrapped by the error a zero-value (or nil) Evaluator
// or StatementBuilder returns: it has no program, because only
// NewEvaluator (or NewStatement) prepares one. It wraps ErrInvalidProgram.
var ErrNoEvaluator = fmt.Errorf("%w: no program: build the evaluator with NewEvaluator (a statement with NewStatement or Evaluator.NewStatement)", ErrInvalidProgram)

// ready reports ErrNoEvaluator for a zero-value or nil Evaluator.
func (e *Evaluator) ready() error {
	if e == nil || e.p == nil {
		return ErrNoEvaluator
	}
	return nil
}

// Evaluate computes what one deal earns, starting from in.Prior. See the
// package-level Evaluate.
func (e *Evaluator) Evaluate(ctx context.Context, in Input, asOf time.Time) (*Result, error) {
	return e.evaluate(ctx, &in, nil, asOf, false, nil)
}

// EvaluateNoTrace is Evaluate without the explanation: the result's Trace
// is empty, everything else is the same (as RunOptions.NoTrace does for a
// run). For services that evaluate deals inline and only need the amounts;
// Recheck explains such a result later, evaluating the deal again and
// refusing if it no longer computes what the result says.
func (e *Evaluator) EvaluateNoTrace(ctx context.Context, in Input, asOf time.Time) (*Result, error) {
	return e.evaluate(ctx, &in, nil, asOf, true, nil)
}

// ErrNilResult is returned by EvaluateInto and EvaluateNoTraceInto given
// a nil *Result to write into.
var ErrNilResult = errors.New("nil result to evaluate into")

// EvaluateInto is Evaluate writing the deal's result into res, which the
// caller owns and reuses deal after deal, instead of a new Result: for
// services that evaluate deals inline and do not keep the results (they
// sum them, add them to a statement, write them out). After the first
// call res keeps the memory behind its slices and pointers and reuses it,
// so that in the steady state a deal allocates nothing of its own but
// its amounts (decimals made 16 at a time: about one allocation for every
// four deals of the example program), with the trace the trace's block of
// records, and what a few programs' deals need besides (named values,
// per-line items, a split's working memory). The result is the one
// Evaluate gives, field for field: its JSON is the same, byte for byte.
// (Only reflect.DeepEqual tells them apart, by the unexported pointer to
// that memory.)
//
// What the caller may keep after the next call with res: values copied
// out of it (its strings, Money and decimal amounts, Date, ProgramRef,
// bools, a Step copied by value, words rendered by Explain, a line's
// Band, which points at the Evaluator's shared BandHit and never
// changes): amounts never change once made. What it may not: res
// itself, and anything else reached through a slice or pointer of res
// (Lines, Lost, their Cuts and Items, Hold, Conversion, Values, Shares,
// Trace), which the next call overwrites. A copy of a Result (r2 :=
// *res) shares that memory: use one Result per sequence of calls, and
// copy deeply what must outlive it.
//
// res may be a zero Result, or any Result the caller is done with (one
// from Evaluate, say): its fields are overwritten, and the memory its
// slices and pointers pointed to before its first EvaluateInto is never
// written (it may be shared, as a ReuseResults run's result's is), only
// dropped; its lines' Band points at the Evaluator's shared BandHit. in
// is read in place during the call only and never changed (the
// evaluator's pooled state keeps a pointer to it, so it and its maps and
// slices stay reachable, until the state's next deal; Evaluate keeps a
// shallow copy instead).
//
// On error, res holds no result: every exported field is zero, as in a
// new Result (it keeps its memory for the next call). The errors are
// Evaluate's (an *EvalError for bad data, the context's error,
// ErrNoEvaluator), one wrapping ErrInvalidDeal for a nil in, and
// ErrNilResult for a nil res.
//
// Like Evaluate it is safe for concurrent use, each goroutine with its own
// Result: calls that share a Result must not overlap.
func (e *Evaluator) EvaluateInto(ctx context.Context, res *Result, in *Input, asOf time.Time) error {
	return e.evaluateInto(ctx, res, in, asOf, false)
}

// EvaluateNoTraceInto is EvaluateInto without the explanation, as
// EvaluateNoTrace is Evaluate without it: the result's Trace is nil.
func (e *Evaluator) EvaluateNoTraceInto(ctx context.Context, res *Result, in *Input, asOf time.Time) error {
	return e.evaluateInto(ctx, res, in, asOf, true)
}

func (e *Evaluator) evaluateInto(ctx context.Context, res *Result, in *Input, asOf time.Time, noTrace bool) error {
	if res == nil {
		return ErrNilResult
	}
	var err error
	if in == nil {
		err = fmt.Errorf("%w: nil input", ErrInvalidDeal)
	} else {
		_, err = e.evaluate(ctx, nil, in, asOf, noTrace, res)
	}
	if err != nil {
		room := res.room
		*res = Result{}
		res.room = room
	}
	return err
}

// intoCuts is the room for cap cuts an EvaluateInto deal's work gets (see
// soloState.cuts): for each line one cut per line cap, deal cap and
// partner or budget cap (two per line and deal cap for a credit note's
// floor), plus the copies takeCutAt makes of a line's earlier cuts, so
// that no deal runs out; at most 4,096 (a larger program's deal allocates
// what it needs beyond).
func (e *Evaluator) intoCuts() int {
	n := 0
	for _, ep := range e.earn {
		k := 2*len(ep.lineCaps) + 2*len(e.dealCaps) + len(e.runCaps)
		n += k * (k + 1) / 2
	}
	return min(n, 4096)
}

// evaluate evaluates one deal on a pooled state: the deal of in, copied
// (Evaluate's, a value), or of ref, read in place (EvaluateInto's, the
// caller's pointer); one of them is nil. With into set the result is
// written there (EvaluateInto), reusing its room.
func (e *Evaluator) evaluate(ctx context.Context, in, ref *Input, asOf time.Time, noTrace bool, into *Result) (*Result, error) {
	if err := e.ready(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// One deal needs the same state as a run of one deal; it is pooled,
	// so evaluating deal after deal allocates little beyond the result.
	s, _ := e.solo.Get().(*soloState)
	if s == nil {
		s = &soloState{}
		s.st = newRunState(e, nil, decimal.Decimal{})
		s.st.solo = true
	}
	// Evaluate's input is copied into the pooled state: pointing the work
	// at the caller's copy would move every Input to the heap (656 bytes
	// a deal). EvaluateInto's is the caller's already, and read in place
	// (a copy of 656 bytes, pointers and all, a deal: nothing writes to an
	// input). Nothing the result keeps points into it (steps capture
	// values). (Two parameters, not one: the work keeps ref, so ref
	// escapes, and in must not.)
	own := ref
	if own == nil {
		s.in = *in
		own = &s.in
	}
	s.st.reset(&own.Prior)
	w := &s.w // empty (its scope zero): a new state, or reused by the previous deal
	w.scope.asOf, w.noTrace = asOf, noTrace
	w.da = e.arena(&s.da)
	if into != nil {
		b := into.room
		if b == nil {
			// Its first EvaluateInto: whatever its slices point to may be
			// shared, and is dropped (start empties it), not reused.
			*into = Result{}
			b = &resultBufs{own: true}
			into.room = b
		}
		b.res = into
		if s.cuts == nil {
			s.cuts = make([]CapCut, e.intoCuts())
		}
		w.bufs, w.cutSpare = b, s.cuts
	}
	e.ownTerms(w, own, own.Rates)
	e.inOrder(w, s.st, asOf)
	res, err := w.res, w.err
	if into != nil && err == nil {
		w.bufs.keep(w)
	}
	w.reuse()
	// s.in keeps the caller's slices and maps until the next deal
	// overwrites it, or the pool drops the state at a collection, as
	// s.st keeps the deal's Prior: clearing its 632 bytes, pointers and
	// all, cost a deal about as much as copying them in (write barriers
	// while the collector marks, which is often at a deal's rate of
	// allocation).
	e.solo.Put(s)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// soloState is what one Evaluate call works in, pooled per Evaluator.
type soloState struct {
	st *runState
	w  work
	in Input
	da decArena
	// cuts is the room for an EvaluateInto deal's cap cuts (intoCuts),
	// which finish copies into its result's room.
	cuts []CapCut
}

// reuse empties w for the next deal, keeping the buffers that no result
// refers to (the per-line work, the group flags and the trace scratch),
// cleared.
func (w *work) reuse() {
	lines, done := w.lines, w.groupDone
	if lines == nil {
		lines = w.linesBuf
	}
	if done == nil {
		done = w.groupBuf
	}
	trace := w.trace
	if trace == nil {
		trace = w.traceBuf
	}
	if ts := w.traceScratch; ts != nil {
		ts.reuse()
	}
	for i := range lines {
		lines[i].empty()
	}
	clear(done)
	w.empty()
	w.linesBuf, w.groupBuf, w.traceBuf = lines[:0], done[:0], trace[:0]
}

// empty zeroes every field of w but its trace scratch, as
// *w = work{traceScratch: w.traceScratch} would, field by field, writing
// only the fields that are not zero already. (The assignment copies the
// whole work, 600 bytes with some forty pointer words, and while the
// collector marks, which at a deal's rate of allocation is a good part of
// the time, every one of those words goes through its write barrier; a
// deal leaves a dozen of them set. TestWorkEmpty checks that no field is
// left out.)
func (w *work) empty() {
	zeroSet(&w.in)
	w.emptyScope()
	zeroSet(&w.scope.asOf)
	zeroSet(&w.res)
	zeroSet(&w.err)
	nilSet(&w.trace)
	nilSet(&w.lines)
	zeroSet(&w.partner)
	nilSet(&w.groupDone)
	zeroSet(&w.payeeErr)
	zeroSet(&w.credits)
	nilSet(&w.items)
	zeroSet(&w.snap)
	zeroSet(&w.netAmount)
	zeroSet(&w.conv)
	nilSet(&w.linesBuf)
	nilSet(&w.groupBuf)
	nilSet(&w.traceBuf)
	zeroSet(&w.dealDet)
	zeroSet(&w.bufs)
	nilSet(&w.cutSpare)
	zeroSet(&w.cutSlab)
	zeroSet(&w.da)
	// (no pointers: plain stores)
	w.closed, w.noTrace, w.creditsExpired, w.claimed, w.override = false, false, false, false, false
	w.next, w.date, w.asOf = 0, Date{}, Date{}
}

// emptyScope zeroes the fields of w's scope that ownTerms does not set
// for each deal, as empty does (and for the same reason): the
// accumulators, the expressions' cache, the product line and the named
// values.
func (w *work) emptyScope() {
	s := &w.scope
	zeroSet(&s.Program)
	zeroSet(&s.Deal)
	zeroSet(&s.Amount)
	zeroSet(&s.Partner)
	if s.History != nil {
		s.History = nil
	}
	zeroSet(&s.work)
	w.emptyScopeDeal()
}

// emptyScopeDeal zeroes what emptyScope does but the fields ownTerms
// sets and the as-of instant.
func (w *work) emptyScopeDeal() {
	s := &w.scope
	zeroSet(&s.Acc)
	zeroSet(&s.cache)
	zeroSet(&s.Line)
	nilSet(&s.vals)
}

// newLines returns the deal's per-line work, zeroed, reusing the buffer of
// an earlier deal when there is one.
func (w *work) newLines(n int) []lineWork {
	if cap(w.linesBuf) >= n {
		l := w.linesBuf[:n]
		w.linesBuf = nil
		return l
	}
	return make([]lineWork, n)
}

// newGroups returns the deal's group flags, false, like newLines.
func (w *work) newGroups(n int) []bool {
	if cap(w.groupBuf) >= n {
		g := w.groupBuf[:n]
		w.groupBuf = nil
		return g
	}
	return make([]bool, n)
}

// work is the state of one deal between the two phases.
type work struct {
	in     *Input
	scope  Scope
	res    *Result
	err    error
	closed bool // ineligible or failed: the ordered phase only finishes the result
	// trace collects the steps of both phases; finish sorts it by section.
	trace     []rawStep
	next      int // next eligibility clause to test
	lines     []lineWork
	partner   string
	date      Date   // close date in the program's time zone
	groupDone []bool // per group
	payeeErr  error
	noTrace   bool // RunOptions.NoTrace: record no steps
	asOf      Date // the as-of date in the program's time zone, when given
	// credits is the deal a credit note credits (Deal.Credits).
	credits string
	// creditsExpired: the deal a credit note credits had expired (its
	// claim window closed as of the run).
	creditsExpired bool
	// claimed: claim has set the result's claim deadline (see finish).
	claimed bool
	// A credit note re-evaluates the deal it credits at the deal's net
	// amount (override, netAmount) under the running totals the deal saw
	// (snap), computing only the deal's terms.
	// items are the per-line earnings' results, by earning index; nil
	// for a program without per-line earnings.
	items     [][]LineItem
	snap      *dealSnap
	override  bool
	netAmount decimal.Decimal
	// conv, with override, is the credited deal's conversion of its lines
	// and money fields (dealRecord.conv).
	conv *Conversion
	// linesBuf and groupBuf are cleared buffers of an earlier deal that
	// lines and groupDone may reuse (see reuse); traceBuf is the same for
	// trace, which is only a scratch: finish copies the deal's steps into
	// the result's own slice of exactly their number, so a deal's trace
	// costs one allocation whatever the order in which its steps came.
	linesBuf []lineWork
	groupBuf []bool
	traceBuf []rawStep
	// traceScratch is the trace's scratch, kept from deal to deal (nil
	// until the work records a step: see scratch).
	*traceScratch
	// dealDet is the deal's detailDeal in details, once made (dealDetail).
	dealDet *stepDetail
	// bufs, with RunOptions.ReuseResults, holds the buffers of the
	// previous deal's result, which this deal's result reuses.
	bufs *resultBufs
	// cutSpare is room for the lines' cap cuts (see takeCutAt), given by a
	// run with ReuseResults (cutRoom) or left by an earlier cut.
	cutSpare []CapCut
	// da makes the decimals the deal's result keeps and its temporaries
	// (see decArena): the arena of the goroutine doing the current stage,
	// set by whoever calls a stage on another goroutine; nil makes them
	// one by one. Running totals never come from it.
	da *decArena
	// cutSlab is the run's room for cap cuts that cutSpare was lent from
	// (cutSlab.lend), which takeCutAt asks for more; nil otherwise. (Last:
	// the fields before it kept their offsets.)
	cutSlab *cutSlab
}

// resultBufs are a result and the memory behind its slices and pointers
// (Lines, Lost, their cuts and bands, Trace, Hold, Conversion), which
// the next deal written into the same result reuses: a run's with
// RunOptions.ReuseResults, or a caller's Result with
// Evaluator.EvaluateInto (Result.room).
type resultBufs struct {
	// res is the result the deals are written into: a run's own (made on
	// its first deal), or EvaluateInto's caller's.
	res         *Result
	trace       []Step
	lines, lost []Line
	// own: the deal's cap cuts are the work's scratch (EvaluateInto), so
	// finish copies each line's into cuts, emptied for each deal (a run
	// gives its deals room of its own: cutRoom).
	own  bool
	cuts []CapCut
	hold *HoldStatus
	conv *Conversion
	// shares is room for the result's Shares, and shareLines for each
	// payee slot's lines (by slot, not by share: the shares a deal pays
	// are compacted, so a share's position does not name its buffer).
	shares     []Share
	shareLines [][]ShareLine
}

// newShares returns room for n shares (see splitResult): the reused
// result's with a resultBufs, else new.
func (w *work) newShares(n int) []Share {
	b := w.bufs
	if b == nil {
		return make([]Share, n)
	}
	if cap(b.shares) < n {
		b.shares = make([]Share, n)
	}
	return b.shares[:n]
}

// shareLines returns the room for payee slot k's share lines, empty.
func (w *work) shareLines(k int) []ShareLine {
	if b := w.bufs; b != nil && k < len(b.shareLines) {
		return b.shareLines[k][:0]
	}
	return nil
}

// keepShareLines takes back the lines of each payee slot's share, for the
// next deal, before splitResult drops the shares that pay nothing.
func (w *work) keepShareLines(shares []Share) {
	b := w.bufs
	if b == nil {
		return
	}
	if len(b.shareLines) < len(shares) {
		b.shareLines = append(b.shareLines, make([][]ShareLine, len(shares)-len(b.shareLines))...)
	}
	for k := range shares {
		if cap(shares[k].Lines) > cap(b.shareLines[k]) {
			b.shareLines[k] = shares[k].Lines
		}
	}
}

// start empties the result the next deal is written into, keeping the
// memory its slices point to (see keep), and returns it.
func (b *resultBufs) start() *Result {
	res := b.res
	if res == nil {
		res = new(Result)
		b.res = res
	}
	b.keepOf(res)
	b.cuts = b.cuts[:0]
	res.empty()
	return res
}

// empty zeroes every field of r but its room, as
// *r = Result{room: r.room} would, field by field, writing only the fields
// that are not zero already (see work.empty: the assignment sends every
// pointer word of the Result through the write barrier while the
// collector marks, nil or not; it was 2.8% of EvaluateNoTraceInto's CPU
// profile). TestResultEmpty checks that no field is left out.
func (r *Result) empty() {
	zeroSet(&r.Program)
	zeroSet(&r.DealID)
	zeroSet(&r.PartnerID)
	zeroSet(&r.Payee)
	zeroSet(&r.PayeeName)
	zeroSet(&r.PaymentMethod)
	zeroSet(&r.Failed)
	zeroSet(&r.Credits)
	nilSet(&r.Lines)
	nilSet(&r.Lost)
	zeroSet(&r.Total)
	zeroSet(&r.ClaimBy)
	zeroSet(&r.Hold)
	zeroSet(&r.Conversion)
	nilSet(&r.Values)
	nilSet(&r.Shares)
	nilSet(&r.Trace)
	zeroSet(&r.basis)
	// (no pointers: plain stores)
	r.Eligible, r.Expired, r.dayLo, r.dayHi = false, false, 0, 0
}

// keep takes back the buffers w's deal grew, for the next deal.
func (b *resultBufs) keep(w *work) { b.keepOf(w.res) }

// keepOf takes back the buffers of res's slices when they are larger
// than b's.
func (b *resultBufs) keepOf(res *Result) {
	if res == nil {
		return
	}
	if cap(res.Trace) > cap(b.trace) {
		b.trace = res.Trace[:0]
	}
	if cap(res.Lines) > cap(b.lines) {
		b.lines = res.Lines[:0]
	}
	if cap(res.Lost) > cap(b.lost) {
		b.lost = res.Lost[:0]
	}
}

// ownCuts returns cuts, a line's cap cuts in the work's scratch, copied
// into the result's room (b.own: EvaluateInto), which grows as needed
// (the lines it already gave keep pointing into the old room, which stays
// valid: the next deal's cuts get the new one).
func (b *resultBufs) ownCuts(cuts []CapCut) []CapCut {
	n := len(cuts)
	if n == 0 {
		return nil
	}
	if cap(b.cuts)-len(b.cuts) < n {
		b.cuts = make([]CapCut, 0, max(2*cap(b.cuts), 8, n))
	}
	k := len(b.cuts)
	b.cuts = append(b.cuts, cuts...)
	return b.cuts[k : k+n : k+n]
}

// newHold returns w's result's HoldStatus, zero: the reused result's with
// a reused result (resultBufs), else a new one.
func (w *work) newHold() *HoldStatus {
	b := w.bufs
	if b == nil {
		return new(HoldStatus)
	}
	if b.hold == nil {
		b.hold = new(HoldStatus)
	} else {
		*b.hold = HoldStatus{}
	}
	return b.hold
}

// newConversion returns c in w's result's Conversion (see newHold).
func (w *work) newConversion(c *Conversion) *Conversion {
	b := w.bufs
	if b == nil {
		n := *c
		return &n
	}
	if b.conv == nil {
		b.conv = new(Conversion)
	}
	*b.conv = *c
	return b.conv
}

// newTrace returns the deal's empty trace scratch with room for n steps.
func (w *work) newTrace(n int) []rawStep {
	if cap(w.traceBuf) >= n {
		t := w.traceBuf[:0]
		w.traceBuf = nil
		return t
	}
	return make([]rawStep, 0, n)
}

// resultTrace is the result's trace of the deal's steps (sorted, in the
// scratch): a copy of exactly their number (never nil, so that an empty
// trace reads [] in JSON) with their block's header and the words its
// records need (which hold no pointers), copied out of the scratch (which
// the next deal overwrites), in one allocation (traceMem). With
// ReuseResults the previous result's steps buffer serves when it is large
// enough; the block is always new, so that a copy of the steps stays valid.
func (w *work) resultTrace(e *Evaluator, steps []rawStep) []Step {
	if len(steps) == 0 {
		return []Step{}
	}
	w.scratch()
	// The details' records go first, at the word offsets offs (a step's
	// det, an extra's, names a detail by its index in the scratch).
	w.detOffs = w.detOffs[:0] // (in place: see traceScratch.reuse)
	nw := 0
	for k := range w.ndet {
		d := &w.detChunks[k/detailChunk][k%detailChunk]
		if (d.payee != "" || d.payeeName != "") && (d.payee != PayeePartner || d.payeeName != "") {
			// (the partner alone is a bit of the record: detPartner)
			d.payeeText, d.nameText = w.textRef(d.payee), w.textRef(d.payeeName)
		} else {
			d.payeeText, d.nameText = textRef{}, textRef{}
		}
		w.detOffs = append(w.detOffs, int32(nw))
		nw += detailWords(d)
	}
	offs := w.detOffs
	// Then the coefficients of the steps' amounts that do not fit a
	// Step's 32 bits (amtWide).
	wideAt := nw
	for i := range steps {
		if r := &steps[i]; r.flags&amtMask == amtFx && r.amc != int64(int32(r.amc)) {
			nw++
		}
	}
	insAt := nw
	textAt := insAt + len(w.ins)
	nw = textAt + (len(w.bytes)+7)/8
	var t []Step
	var blk *traceBlock
	if b := w.bufs; b != nil && cap(b.trace) >= len(steps) {
		t = b.trace[:len(steps)]
		_, blk = w.traceMem(0, nw)
	} else {
		t, blk = w.traceMem(len(steps), nw)
	}
	blk.e, blk.ins, blk.text = e, int32(insAt), int32(textAt)
	data := blk.data()
	// The texts first: the details' payees go after the inputs' texts.
	copy(blk.bytes(), w.bytes)
	copy(blk.inputs(), w.ins)
	for k := range int(w.ndet) {
		w.putDetail(data, int(offs[k]), &w.detChunks[k/detailChunk][k%detailChunk])
	}
	if len(w.decs)+len(w.vals)+len(w.extras) > 0 {
		blk.side = &traceSide{decs: clone(w.decs), vals: clone(w.vals), extras: clone(w.extras)}
		for i := range blk.side.extras {
			if x := &blk.side.extras[i]; x.det > 0 {
				x.det = offs[x.det-1] + 1
			}
		}
	}
	for i := range t {
		// (field by field: a Step value assigned whole is moved with the
		// write barrier over all of it, runtime.wbMove)
		r, st := &steps[i], &t[i]
		st.Kind, st.OK, st.flags, st.nin, st.Index = r.Kind, r.OK, r.flags, r.nin, r.Index
		st.amc, st.ame, st.in, st.det = int32(r.amc), r.ame, r.in, r.det
		if r.flags&amtMask == amtFx && r.amc != int64(int32(r.amc)) {
			data[wideAt] = uint64(r.amc)
			st.flags = r.flags&^amtMask | amtWide
			st.amc = int32(wideAt)
			wideAt++
		}
		if r.det > 0 && r.flags&flagExtra == 0 {
			st.det = offs[r.det-1] + 1
		}
		st.blk = blk
	}
	return t
}

// textRef puts s in the scratch's bytes.
func (w *work) textRef(s string) textRef {
	if s == "" {
		return textRef{}
	}
	off, n := w.text(s)
	return textRef{off, n}
}

// clone copies s (nil when empty).
func clone[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return append([]T(nil), s...)
}

// Trace sections, in explanation order.
const (
	secHead  int32 = 0       // window, conversion, eligibility
	secLines int32 = 1       // + earning index
	secTail  int32 = 1 << 29 // deal, partner and budget caps; deal rounding
	secFinal int32 = 1 << 30 // rounding rule, claim window, total
)

func (w *work) add(section int32, r stepRec) {
	if w.noTrace {
		return
	}
	w.trace = append(w.trace, w.step(section, &r))
}

func (e *Evaluator) groupSection(gi int) int32 { return secLines + int32(len(e.earn)+gi) }

type lineWork struct {
	whenDone, holds bool
	amountDone      bool
	amount          decimal.Decimal // the Amount formula's value
	measureDone     bool
	measure         decimal.Decimal
	grossDone       bool
	gross           decimal.Decimal
	settled         bool // line caps and rounding applied
	final           decimal.Decimal
	// band is the index of the band the line's table reached plus one;
	// 0 for none (finish points the result's line at the earning's
	// BandHit of that band: earnPlan.hits).
	band    int32
	cuts    []CapCut
	dropped bool
}

// empty zeroes the line's work as clear does, field by field, writing
// only the fields that are not zero already (see work.empty: clear sends
// every pointer word of the deal's lines through the write barrier while
// the collector marks, nil or not; a line that held sets two or three of
// its five). TestLineWorkEmpty checks that no field is left out.
func (ln *lineWork) empty() {
	ln.whenDone, ln.holds, ln.amountDone, ln.measureDone, ln.grossDone, ln.settled, ln.dropped = false, false, false, false, false, false, false
	ln.band = 0
	zeroSet(&ln.amount)
	zeroSet(&ln.measure)
	zeroSet(&ln.gross)
	zeroSet(&ln.final)
	nilSet(&ln.cuts)
}

func (e *Evaluator) fail(w *work, part string, o Origin, err error) {
	if w.err == nil {
		w.err = &EvalError{Program: e.p.ID, Deal: w.in.Deal.ID, Part: part, Origin: o, Err: err}
	}
	w.closed = true
}

// ownTerms does everything that does not depend on other deals: checks the
// deal, converts it, tests the window and the eligibility clauses and
// computes the earnings that read no running totals.
func (e *Evaluator) ownTerms(w *work, in *Input, rates RateSource) {
	w.in = in
	d := &in.Deal
	p := e.p
	// (Field by field, not as a composite literal: that is built aside and
	// copied in whole, 448 bytes through the write barrier while the
	// collector marks.)
	var res *Result
	if b := w.bufs; b != nil {
		// RunOptions.ReuseResults, EvaluateInto: the previous deal's
		// result is done with.
		res = b.start()
	} else {
		res = new(Result)
	}
	res.Program, res.DealID, res.Total = e.ref, d.ID, Zero(p.Currency)
	w.res = res
	w.partner = d.PartnerID
	if w.partner == "" {
		w.partner = in.Partner.ID
	}
	w.res.PartnerID = w.partner
	// The method is the partner's whatever the deal earns: a statement of
	// ineligible deals still pays a carried balance under its terms.
	if pd := in.Partner.Payment; pd != nil {
		w.res.PaymentMethod = pd.Method
	}
	if err := e.checkDeal(d, &in.Partner); err != nil {
		e.fail(w, "deal", Origin{}, err)
		return
	}
	// the caller put the run's as-of instant (run.as_of) in w.scope.asOf
	// (Field by field, as w.scope = Scope{...} but keeping asOf: see
	// work.empty. Nothing to clear in a work that reuse emptied.)
	w.emptyScopeDeal()
	sc := &w.scope
	sc.Program, sc.Deal, sc.Amount, sc.Partner, sc.History, sc.work = p, d, d.Amount.amount, &in.Partner, in.History, w
	closeDate := DateOf(d.CloseDate.In(p.Effective.Loc()))
	w.date = closeDate
	if d.Credits != "" {
		// A credit note that names its deal is settled in the ordered
		// phase, under that deal's terms: only its amount is needed here.
		w.credits = d.Credits
		if !w.noTrace {
			w.trace = w.newTrace(4)
		}
		if e.convert(w, rates) {
			e.payee(w)
		}
		return
	}
	// Room for the window, conversion and clauses; a deal that passes them
	// grows the trace once for its earnings (see below).
	if !w.noTrace {
		w.trace = w.newTrace(len(p.Eligibility) + 2)
	}
	if !p.Effective.ContainsDate(closeDate) { // Contains(d.CloseDate), converted once
		w.res.Failed = "effective window"
		w.closed = true
		if w.noTrace {
			return
		}
		if sd, fits := shortDateOf(closeDate); fits {
			d := e.newDetail(w, detailWindow)
			d.date = sd
			e.addDetail(w, secHead, StepWindow, "", 0, nil, false, decimal.Decimal{}, d)
		} else {
			w.add(secHead, stepRec{Kind: StepWindow, words: e.windowWords(closeDate, false)})
		}
		return
	}
	if !w.noTrace {
		// Its words come with finish (windowStep): from the deal's detail
		// arena when the deal is eligible (which has one anyway), else
		// from a closure, as above.
		e.addDetail(w, secHead, StepWindow, "", 0, nil, true, decimal.Decimal{}, nil)
	}
	if !e.registrationValid(w, closeDate) {
		return
	}
	if w.override {
		w.scope.Amount = w.netAmount
		if w.conv != nil {
			if cd, _ := convertDeal(d, *w.conv, e.money); cd != nil {
				w.scope.Deal = cd
			}
		}
	} else if !e.convert(w, rates) {
		return
	}
	if !e.clauses(w, e.firstDeferred) {
		return
	}
	// Usually two steps a line (condition, formula or band), the groups,
	// the rounding, claim and total steps, and one step per cap that binds.
	// (Room for every possible step measured slower: the larger buffer
	// costs more than the rare regrowth. Without room for the caps, a
	// quarter of the example program's eligible deals in a batch regrew
	// their trace to twice the size once its budget or a line cap bound.)
	if !w.noTrace {
		w.trace = slices.Grow(w.trace, 2*len(e.earn)+len(p.Groups)+4+len(p.Caps))
	}
	w.lines = w.newLines(len(e.earn))
	for i := range e.earn {
		e.line(w, i, false)
		if w.closed {
			return
		}
		if !e.earn[i].capDeferred {
			e.settleLine(w, i)
		}
	}
	if n := len(p.Groups); n > 0 {
		w.groupDone = w.newGroups(n)
		e.pickGroups(w)
	}
	e.payee(w)
	if w.bufs == nil && !w.closed && w.snap == nil {
		// (A credit note's re-evaluation of its deal, w.snap, is never
		// finished: its result is not kept.)
		e.lineRoom(w)
	}
}

// lineRoom gives a new result room for the lines it may pay or lose
// (Lines and Lost, one allocation for both): one Line for each line whose
// condition held or is still to be tested (see dealCapNeed), in
// res.Lines, empty, where finish finds it. In a paired or sharded run
// ownTerms runs on another goroutine than finish, whose goroutine does
// the ordered phase and is the busier of the two: making the Lines there
// was its largest allocation (7% of its CPU samples in a 1M run of the
// example without the trace), and with Lost it was two. The room counts
// the lines that may still pay, so finish takes what it needs from it
// (Lines, then Lost, each capped at its length); a deal with more lines
// than room makes its Lines in finish, as before, and an ineligible
// deal's result has none (nil).
func (e *Evaluator) lineRoom(w *work) {
	n := 0
	for i := range w.lines {
		if ln := &w.lines[i]; !(ln.whenDone && !ln.holds) {
			n++
		}
	}
	if n > 0 {
		w.res.Lines = make([]Line, 0, n)
	}
}

// convert converts the deal amount into the program currency, when it is
// in another. It reports whether the deal can go on.
func (e *Evaluator) convert(w *work, rates RateSource) bool {
	p, d := e.p, &w.in.Deal
	if d.Amount.currency == p.Currency {
		return true
	}
	conv, err := Convert(d.Amount, p.Currency, rates, w.date)
	if err != nil {
		e.fail(w, "currency conversion", Origin{}, err)
		return false
	}
	w.res.Conversion = w.newConversion(&conv)
	w.scope.Amount = conv.To.amount
	// The deal's other money (product lines, money fields) is converted
	// by the same rate: the terms read one currency throughout.
	cd, also := convertDeal(d, conv, e.money)
	if cd != nil {
		w.scope.Deal = cd
	}
	from := d.Amount
	if !w.noTrace {
		w.add(secHead, stepRec{Kind: StepConversion, OK: true, amount: conv.To.amount, words: func() string {
			return conversionWords(p, from, conv, also)
		}})
	}
	return true
}

// payee resolves who is paid. A missing payee contact is an error only for
// a deal that turns out eligible (see finish).
func (e *Evaluator) payee(w *work) {
	p := e.p
	w.res.Payee = PayeePartner
	if p.Payee == "" || p.Payee == PayeePartner {
		return
	}
	c, ok := w.in.Partner.Contact(p.Payee)
	if !ok {
		w.payeeErr = fmt.Errorf("%w: partner %q has no contact with role %q, the program's payee", ErrInvalidDeal, w.partner, p.Payee)
		return
	}
	w.res.Payee, w.res.PayeeName = p.Payee, c.Name
}

// clauses tests eligibility clauses up to (not including) end. It reports
// whether the deal is still eligible.
func (e *Evaluator) clauses(w *work, end int) bool {
	for ; w.next < end; w.next++ {
		c := &e.p.Eligibility[w.next]
		ok, err := holds(c.When, &w.scope)
		if err != nil {
			e.fail(w, fmt.Sprintf("eligibility %q", c.Name), c.Origin, err)
			return false
		}
		if !w.noTrace {
			e.addExpr(w, secHead, StepClause, c.Name, w.next, c.When, &c.Origin, ok, decimal.Decimal{})
		}
		if !ok {
			w.res.Failed = c.Name
			w.closed = true
			return false
		}
	}
	return true
}

// line computes as much of earnings line i as the phase allows. In the independent phase (ownTerms)
// (ordered false) it stops at anything that reads running totals.
func (e *Evaluator) line(w *work, i int, ordered bool) {
	ep := &e.earn[i]
	ln := &w.lines[i]
	en := ep.e
	part := func() string { return fmt.Sprintf("earning %q", en.ID) }
	if en.PerLine {
		if !ln.whenDone && (ordered || !ep.whenDeferred && !ep.amountDeferred) {
			e.perLine(w, i)
		}
		return
	}
	if !ln.whenDone {
		if en.When == nil {
			ln.whenDone, ln.holds = true, true
		} else {
			if ep.whenDeferred && !ordered {
				return
			}
			ok, err := holds(en.When, &w.scope)
			if err != nil {
				e.fail(w, part()+" condition", en.Origin, err)
				return
			}
			ln.whenDone, ln.holds = true, ok
			if !w.noTrace {
				e.addExpr(w, secLines+int32(i), StepCondition, en.ID, i, en.When, &en.Origin, ok, decimal.Decimal{})
			}
		}
	}
	if !ln.holds {
		return
	}
	if en.Amount != nil && !ln.amountDone {
		if ep.amountDeferred && !ordered {
			return
		}
		v, err := value(en.Amount, &w.scope)
		if err != nil {
			e.fail(w, part()+" amount", en.Origin, err)
			return
		}
		ln.amountDone, ln.amount = true, v
		if !w.noTrace {
			e.addExpr(w, secLines+int32(i), StepFormula, en.ID, i, en.Amount, &en.Origin, true, v)
		}
	}
	t := en.Bands
	if t == nil {
		ln.grossDone, ln.gross = true, ln.amount
		return
	}
	if !ln.measureDone {
		if ep.measureDeferred && !ordered {
			return
		}
		if t.Measure == nil {
			ln.measure = w.scope.Amount
		} else {
			v, err := value(t.Measure, &w.scope)
			if err != nil {
				e.fail(w, part()+" band measure", t.Origin, err)
				return
			}
			ln.measure = v
		}
		ln.measureDone = true
	}
	if ep.stateful || ln.grossDone {
		// A stateful table is computed in the ordered phase (inOrder),
		// from the running basis; a table over the deal is computed once
		// (the ordered phase calls line again for what waited).
		return
	}
	in := bandInput{after: ln.measure, amount: ln.amount}
	v, hit := ep.table.apply(in, w.da)
	e.bandDone(w, i, in, v, hit)
}

// bandDone records line i's band table result v and the band it reached
// (hit, -1 for none).
func (e *Evaluator) bandDone(w *work, i int, in bandInput, v decimal.Decimal, hit int) {
	ln, en := &w.lines[i], e.earn[i].e
	ln.grossDone, ln.gross, ln.band = true, v, int32(hit+1)
	if w.noTrace {
		return
	}
	d := e.newDetail(w, detailBand)
	d.line, d.started = int32(i), in.started
	w.setAmounts(d, in.before, in.after, in.amount)
	idx, o := -1, &en.Bands.Origin
	if hit >= 0 {
		idx, o = hit, &en.Bands.Bands[hit].Origin
	}
	e.addDetail(w, secLines+int32(i), StepBand, en.ID, idx, o, hit >= 0, v, d)
}

// checkDeal validates the deal's own data against the program.
func (e *Evaluator) checkDeal(d *Deal, pt *partner.Partner) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidDeal, fmt.Sprintf(format, args...))
	}
	switch {
	case d.ID == "":
		return bad("deal has no id")
	case d.PartnerID == "" && pt.ID == "":
		return bad("deal has no partner id")
	case d.PartnerID != "" && pt.ID != "" && d.PartnerID != pt.ID:
		return bad("deal is for partner %q but partner %q was supplied", d.PartnerID, pt.ID)
	case d.CloseDate.IsZero():
		return bad("deal has no close date")
	case d.Amount.currency != e.p.Currency && !d.Amount.currency.Valid(): // (the program's is valid)
		return fmt.Errorf("%w: deal amount currency %q", ErrUnknownCurrency, string(d.Amount.currency))
	case d.Amount.IsNegative() && !e.p.AllowNegative:
		return bad("amount %s is negative and the program does not allow negative amounts", d.Amount)
	case d.Quantity < 0:
		return bad("quantity %d is negative", d.Quantity)
	case d.Credits != "" && !d.Amount.IsNegative():
		return bad("deal credits deal %q but its amount %s is not negative: a credit note's amount is", d.Credits, d.Amount)
	case d.Credits == d.ID && d.Credits != "":
		return bad("deal credits itself")
	case d.Registration != nil && !d.Registration.Approved.Valid():
		a := d.Registration.Approved
		return bad("registration approved %04d-%02d-%02d, which is not a day of the calendar", a.Year, int(a.Month), a.Day)
	}
	known := 0 // declared fields the deal carries
	for _, f := range e.p.Fields {
		v, ok := d.Fields[f.Name]
		if !ok {
			if !f.Optional {
				return bad("missing custom field %q (%s)", f.Name, f.Type)
			}
			continue
		}
		known++
		if ok, why := fieldValueOK(f.Type, v); !ok {
			return bad("custom field %q %s", f.Name, why)
		}
	}
	if known < len(d.Fields) {
		// Some field is not declared (map keys are distinct, so when every
		// key was found above there is none to look for).
		for name := range d.Fields {
			if _, ok := e.fieldTypes[name]; !ok {
				return bad("unknown custom field %q (the program declares %s)", name, e.fieldList())
			}
		}
	}
	if len(d.Lines) > 0 {
		return e.checkLines(d)
	}
	return nil
}

func (e *Evaluator) fieldList() string {
	if len(e.p.Fields) == 0 {
		return "none"
	}
	s := ""
	for i, f := range e.p.Fields {
		if i > 0 {
			s += ", "
		}
		s += f.Name
	}
	return s
}

func fieldTypeOK(t FieldType, v any) bool {
	switch v.(type) {
	case string:
		return t == FieldString
	case int64:
		return t == FieldInt
	case decimal.Decimal:
		return t == FieldDecimal || t == FieldMoney
	case bool:
		return t == FieldBool
	case Date:
		return t == FieldDate
	}
	return false
}

// fieldValueOK is fieldTypeOK and, for a date, a day of the calendar; bad
// is what to say when it is not.
func fieldValueOK(t FieldType, v any) (ok bool, bad string) {
	if !fieldTypeOK(t, v) {
		return false, fmt.Sprintf("is %T, want %s", v, t)
	}
	if d, isDate := v.(Date); isDate && !d.Valid() {
		return false, fmt.Sprintf("is %04d-%02d-%02d, which is not a day of the calendar", d.Year, int(d.Month), d.Day)
	}
	return true, ""
}

// quote quotes a name in an explanation, as %q quotes the values read: a
// name with a quote, a backslash or a character that does not print is
// escaped (a clause named `a "b" c` read "a "b" c", which says something
// else), any other name is only put in quotes.
func quote(s string) string {
	for _, r := range s {
		if r == '"' || r == '\\' || r == utf8.RuneError || !strconv.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return `"` + s + `"`
}

// holds runs a condition. A panic in it (a bug in a Go-written condition)
// becomes an error naming the deal, so one bad condition cannot bring down
// a service or a parallel run.
func holds(c Condition, s *Scope) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, fmt.Errorf("condition panicked: %v", r)
		}
	}()
	return c.Holds(s)
}

// value runs a formula, turning a panic into an error (see holds).
func value(f Formula, s *Scope) (v decimal.Decimal, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = decimal.Decimal{}, fmt.Errorf("formula panicked: %v", r)
		}
	}()
	return f.Value(s)
}
