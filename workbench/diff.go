package workbench

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// DiffOptions configure Compare. The zero value is ready to use.
type DiffOptions struct {
	// AsOf decides claim-window expiry for both versions, as in
	// incentive.RunOptions. Zero: nothing expires.
	AsOf time.Time
	// Prior returns a partner's totals from before the deals, for both
	// versions. Nil: every partner starts from zero.
	Prior func(partnerID string) incentive.Prior
	// Rates converts deals in other currencies, for both versions.
	Rates incentive.RateSource
	// Workers is the number of goroutines each version's run uses for the
	// work that does not depend on other deals; zero means one per CPU.
	// Results do not depend on it.
	Workers int
	// Deals is the number of changed deals kept in Diff.Deals, those with
	// the largest change first; zero keeps every changed deal.
	// Diff.Changed always counts them all.
	Deals int
}

// Amounts is one quantity under both versions: Delta is New - Old.
// In JSON each is a string with at least the currency's minor places.
type Amounts struct {
	Old   decimal.Decimal
	New   decimal.Decimal
	Delta decimal.Decimal
	cur   incentive.Currency
}

func amounts(o, n decimal.Decimal, cur incentive.Currency) Amounts {
	return Amounts{o, n, n.Sub(o), cur}
}

// MarshalJSON renders {"old": "1200.00", "new": "1500.00", "delta": "300.00"}.
func (a Amounts) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Old   string `json:"old"`
		New   string `json:"new"`
		Delta string `json:"delta"`
	}{plain(a.Old, a.cur), plain(a.New, a.cur), plain(a.Delta, a.cur)})
}

// ReasonKind says why a deal's outcome changed between two versions.
type ReasonKind string

// Reason kinds, in the order a change is explained.
const (
	// ReasonEligibility: the deal is eligible under one version only.
	ReasonEligibility ReasonKind = "eligibility"
	// ReasonEarning: an earning pays under one version only (its
	// condition, or the earning itself, differs).
	ReasonEarning ReasonKind = "earning"
	// ReasonGroup: a group picks a different earning.
	ReasonGroup ReasonKind = "group"
	// ReasonBand: a band table places the basis in a different band.
	ReasonBand ReasonKind = "band"
	// ReasonAmount: an earning's amount before caps differs in the same
	// band (a formula or rate changed, or the accumulated basis did).
	ReasonAmount ReasonKind = "amount"
	// ReasonCap: a cap binds under one version only, or cuts a different
	// amount.
	ReasonCap ReasonKind = "cap"
	// ReasonRounding: only the rounding of an amount differs.
	ReasonRounding ReasonKind = "rounding"
)

// ReasonKinds lists the reason kinds in explanation order.
func ReasonKinds() []ReasonKind {
	return []ReasonKind{ReasonEligibility, ReasonEarning, ReasonGroup, ReasonBand, ReasonAmount, ReasonCap, ReasonRounding}
}

func (k ReasonKind) bit() uint8 {
	return 1 << uint8(slices.Index(ReasonKinds(), k))
}

// Reason is one cause of a deal's change, in plain words.
type Reason struct {
	Kind ReasonKind `json:"kind"`
	// Earning is the earning concerned; empty for eligibility.
	Earning string `json:"earning,omitempty"`
	// Detail says what changed, e.g. `band 1 -> band 2 (silver)`.
	Detail string `json:"detail"`
}

// String renders the reason in one line.
func (r Reason) String() string {
	if r.Earning == "" {
		return string(r.Kind) + ": " + r.Detail
	}
	return string(r.Kind) + " " + r.Earning + ": " + r.Detail
}

// ReasonCount is how many changed deals a reason applies to.
type ReasonCount struct {
	Kind  ReasonKind `json:"kind"`
	Deals int        `json:"deals"`
}

// DealDiff is one deal whose outcome differs between the versions.
type DealDiff struct {
	Deal    string  `json:"deal"`
	Partner string  `json:"partner"`
	Amounts Amounts `json:"amounts"`
	// Reasons explain the change, in program order of the earnings.
	Reasons []Reason `json:"reasons"`
	pos     int
}

// PartnerDiff is one partner's earned total under both versions.
type PartnerDiff struct {
	Partner string  `json:"partner"`
	Amounts Amounts `json:"amounts"`
	// Deals is the number of the partner's deals whose outcome changed.
	Deals int `json:"deals_changed"`
	// Reasons count the partner's changed deals by reason.
	Reasons []ReasonCount `json:"reasons,omitempty"`
}

// KeyDiff is a total by key (an earning type, an earning id).
type KeyDiff struct {
	Key     string  `json:"key"`
	Amounts Amounts `json:"amounts"`
}

// DealError is a deal that could not be evaluated under one version or
// both; it adds nothing to that version's totals.
type DealError struct {
	Deal string `json:"deal"`
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
}

// Diff is what changes when the deals run under a new version of a
// program instead of the old one. Lists are sorted by impact: the largest
// absolute change first, ties by key.
type Diff struct {
	Old      incentive.ProgramRef `json:"old"`
	New      incentive.ProgramRef `json:"new"`
	Currency incentive.Currency   `json:"currency"`
	// Deals is the number of deals compared; Changed those whose outcome
	// (eligibility, total or a line) differs.
	Deals   int `json:"deals"`
	Changed int `json:"changed"`
	// Eligible counts the eligible deals under each version.
	EligibleOld int `json:"eligible_old"`
	EligibleNew int `json:"eligible_new"`
	// Earned is the program's earned total (claim window open) under each
	// version, as the earnings statement computes it.
	Earned Amounts `json:"earned"`
	// Gainers and Losers count the partners who earn more, or less.
	Gainers int `json:"gainers"`
	Losers  int `json:"losers"`
	// Partners are the partners whose earned total or deals changed.
	Partners []PartnerDiff `json:"partners"`
	// Types are the earned totals by earning type, every type either
	// version paid.
	Types []KeyDiff `json:"types"`
	// Earnings are the line totals by earning id (exact sums of the lines,
	// before any statement-stage rounding; an expired result's lines count
	// in none, as in Earned), every earning either version paid.
	Earnings []KeyDiff `json:"earnings"`
	// Reasons count the changed deals by reason.
	Reasons []ReasonCount `json:"reasons"`
	// DealChanges are the changed deals (at most DiffOptions.Deals).
	DealChanges []DealDiff `json:"deal_changes"`
	// Errors are the deals that failed under either version, in deal order.
	Errors []DealError `json:"errors,omitempty"`
}

// ErrNoProgram is returned when Compare is given a nil program.
var ErrNoProgram = errors.New("workbench: no program")

// ErrZoneMismatch: DealsProgram was given two versions in different time
// zones, for which one decoding of a deals file cannot serve both.
var ErrZoneMismatch = errors.New("workbench: the versions are in different time zones")

type result struct {
	r   *incentive.Result
	err error
}

// partnerAcc counts a partner's changed deals by reason.
type partnerAcc struct {
	deals int
	kinds [8]int
}

// Compare runs the same deals under two versions of a program, in one pass
// over the deals, and reports what changes: totals, per partner, per
// earning type and earning, and per deal with the reasons read from the
// results' lines (eligibility, bands, groups, caps).
//
// Deals must be sorted as incentive.Run requires (close time, then id).
// The deals are read once and given to both versions, each in its own
// run, the old one on a goroutine of its own; a custom field that only one
// version declares is given to that version only. Each version's totals
// are what incentive.Run and an earnings statement give for it alone,
// period settlements included: a version with settlements settles them in
// its run (RunOptions.Settlements) and as of opts.AsOf, else as of its
// last deal, as 'partnerops run' does; its payable true-ups count in the
// partners' and types' totals and in Earnings under TrueUpKey. A change of
// a true-up alone changes no deal, so it shows in the totals and partners,
// not in DealChanges.
//
// A deal that fails under a version is listed in Diff.Errors; a deal out
// of order, or a cancelled ctx, ends the comparison with an error.
func Compare(ctx context.Context, oldP, newP *incentive.Program, deals iter.Seq2[incentive.Input, error], opts DiffOptions) (*Diff, error) {
	if oldP == nil || newP == nil {
		return nil, ErrNoProgram
	}
	if deals == nil { // the zero value: no deals (ranging over nil panics)
		deals = func(func(incentive.Input, error) bool) {}
	}
	eo, err := incentive.NewEvaluator(oldP)
	if err != nil {
		return nil, fmt.Errorf("old version: %w", err)
	}
	en, err := incentive.NewEvaluator(newP)
	if err != nil {
		return nil, fmt.Errorf("new version: %w", err)
	}
	if oldP.Currency != newP.Currency {
		return nil, fmt.Errorf("%w: the old version pays in %s, the new one in %s", incentive.ErrCurrencyMismatch, oldP.Currency, newP.Currency)
	}
	c := &comparer{
		oldP: oldP, newP: newP, opts: opts,
		sbOld: eo.NewStatement(nil), sbNew: en.NewStatement(nil),
		partners: map[string]*partnerAcc{},
		earnOld:  map[string]decimal.Decimal{}, earnNew: map[string]decimal.Decimal{},
	}
	runOpts := incentive.RunOptions{AsOf: opts.AsOf, Prior: opts.Prior, Rates: opts.Rates, Workers: opts.Workers, NoTrace: true}
	// A version with period settlements settles them in its run, as
	// 'partnerops run' does, so that its true-ups count in its totals and
	// in its caps.
	optsOld, optsNew := runOpts, runOpts
	optsOld.Settlements, optsNew.Settlements = settlementsOf(eo), settlementsOf(en)

	quit := make(chan struct{})
	defer close(quit)
	srcOld, srcNew := tee(deals, fieldFilter(oldP, newP), fieldFilter(newP, oldP), quit)
	olds := newQueue[result]()
	go func() {
		defer olds.close()
		buf := make([]result, 0, teeChunk)
		for r, err := range eo.Run(ctx, srcOld, optsOld) {
			buf = append(buf, result{r, err})
			if len(buf) == teeChunk {
				select {
				case <-quit:
					return
				default:
				}
				olds.put(buf)
				buf = make([]result, 0, teeChunk)
			}
		}
		olds.put(buf)
	}()
	var pending []result
	for r1, err1 := range en.Run(ctx, srcNew, optsNew) {
		for len(pending) == 0 {
			var ok bool
			if pending, ok = olds.get(); !ok {
				return nil, errors.New("workbench: the old version's run ended early") // cannot happen
			}
		}
		o := pending[0]
		pending = pending[1:]
		if fatal(err1) {
			return nil, err1
		}
		if fatal(o.err) {
			return nil, o.err
		}
		if err := c.add(o.r, o.err, r1, err1); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := settleInto(optsOld.Settlements, c.sbOld, c.earnOld, opts.AsOf, oldP); err != nil {
		return nil, fmt.Errorf("old version: %w", err)
	}
	if err := settleInto(optsNew.Settlements, c.sbNew, c.earnNew, opts.AsOf, newP); err != nil {
		return nil, fmt.Errorf("new version: %w", err)
	}
	return c.finish(), nil
}

// settleInto settles a version's period settlements (b, nil when it has
// none) as 'partnerops run' does, as of asOf, else as of the run's last
// deal, and adds them to its statement: each payable true-up counts in
// the partner's earned and its type's, and in the earnings' totals under
// TrueUpKey of its settlement (when earn is not nil).
func settleInto(b *incentive.SettlementBuilder, sb *incentive.StatementBuilder, earn map[string]decimal.Decimal, asOf time.Time, p *incentive.Program) error {
	if b == nil {
		return nil
	}
	lines := b.Settle(settleDay(b, asOf, p))
	for _, l := range lines {
		if earn != nil && l.Settled && !l.Payable.IsZero() {
			k := TrueUpKey(l.Settlement)
			earn[k] = earn[k].Add(l.Payable.Amount())
		}
	}
	return sb.AddSettlements(lines)
}

// settleDay is the day a run's periods settle as of, as 'partnerops run'
// settles them: asOf's day in the program's zone, else the run's last
// deal's.
func settleDay(b *incentive.SettlementBuilder, asOf time.Time, p *incentive.Program) incentive.Date {
	if !asOf.IsZero() {
		return incentive.DateOf(asOf.In(p.Effective.Loc()))
	}
	return b.Last()
}

// TrueUpKey is the key of a period settlement's payable true-ups among a
// Diff's Earnings (whose other keys are earning ids): "true-up of " and
// the settlement's id.
func TrueUpKey(settlement string) string { return "true-up of " + settlement }

// fatal reports whether a run error ends the run.
func fatal(err error) bool {
	return err != nil && (errors.Is(err, incentive.ErrOutOfOrder) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

type comparer struct {
	oldP, newP       *incentive.Program
	opts             DiffOptions
	sbOld, sbNew     *incentive.StatementBuilder
	partners         map[string]*partnerAcc
	earnOld, earnNew map[string]decimal.Decimal
	kinds            [8]int
	d                Diff
	kept             []DealDiff // a heap when opts.Deals > 0
	pos              int
}

func (c *comparer) add(r0 *incentive.Result, err0 error, r1 *incentive.Result, err1 error) error {
	c.pos++
	c.d.Deals++
	if r0 != nil {
		if err := c.sbOld.Add(r0); err != nil {
			return err
		}
		for _, l := range lines(r0) {
			c.earnOld[l.Earning] = c.earnOld[l.Earning].Add(l.Amount.Amount())
		}
		if r0.Eligible {
			c.d.EligibleOld++
		}
	}
	if r1 != nil {
		if err := c.sbNew.Add(r1); err != nil {
			return err
		}
		for _, l := range lines(r1) {
			c.earnNew[l.Earning] = c.earnNew[l.Earning].Add(l.Amount.Amount())
		}
		if r1.Eligible {
			c.d.EligibleNew++
		}
	}
	if err0 != nil || err1 != nil {
		de := DealError{Deal: dealID(r0, err0, r1, err1)}
		if err0 != nil {
			de.Old = err0.Error()
		}
		if err1 != nil {
			de.New = err1.Error()
		}
		c.d.Errors = append(c.d.Errors, de)
		return nil
	}
	if !changed(r0, r1) {
		return nil
	}
	c.d.Changed++
	delta := r1.Total.Amount().Sub(r0.Total.Amount())
	dd := DealDiff{Deal: r1.DealID, Partner: r1.PartnerID, Amounts: Amounts{r0.Total.Amount(), r1.Total.Amount(), delta, c.newP.Currency}, pos: c.pos}
	keep := c.opts.Deals <= 0 || len(c.kept) < c.opts.Deals || moreImpact(&dd, &c.kept[0])
	kinds, reasons := explainChange(r0, r1, keep)
	pa := c.partners[r1.PartnerID]
	if pa == nil {
		pa = &partnerAcc{}
		c.partners[r1.PartnerID] = pa
	}
	pa.deals++
	for i := range ReasonKinds() {
		if kinds&(1<<i) != 0 {
			pa.kinds[i]++
			c.kinds[i]++
		}
	}
	if keep {
		dd.Reasons = reasons
		c.keep(dd)
	}
	return nil
}

// lines are the lines of r that count in a statement's earned: none of
// an expired result (its claim window closed; the statement counts it as
// expired), so that Earnings add up to Earned as Types do.
func lines(r *incentive.Result) []incentive.Line {
	if r.Expired {
		return nil
	}
	return r.Lines
}

// dealID names the deal of a pair of outcomes where one failed.
func dealID(r0 *incentive.Result, err0 error, r1 *incentive.Result, err1 error) string {
	switch {
	case r0 != nil:
		return r0.DealID
	case r1 != nil:
		return r1.DealID
	}
	var ee *incentive.EvalError
	if errors.As(err0, &ee) || errors.As(err1, &ee) {
		return ee.Deal
	}
	return ""
}

// moreImpact orders deal changes: the larger absolute change first, then
// by deal id, then by position.
func moreImpact(a, b *DealDiff) bool { return compareImpact(a, b) < 0 }

func compareImpact(a, b *DealDiff) int {
	if c := b.Amounts.Delta.Abs().Cmp(a.Amounts.Delta.Abs()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Deal, b.Deal); c != 0 {
		return c
	}
	return cmp.Compare(a.pos, b.pos)
}

// keep adds a deal change; with a limit, kept is a heap whose root is the
// change of least impact, which a change of more impact replaces.
func (c *comparer) keep(dd DealDiff) {
	n := c.opts.Deals
	if n <= 0 {
		c.kept = append(c.kept, dd)
		return
	}
	h := c.kept
	less := func(i, j int) bool { return moreImpact(&h[j], &h[i]) } // min-heap by impact
	if len(h) < n {
		h = append(h, dd)
		for i := len(h) - 1; i > 0; {
			p := (i - 1) / 2
			if !less(i, p) {
				break
			}
			h[i], h[p] = h[p], h[i]
			i = p
		}
		c.kept = h
		return
	}
	h[0] = dd
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && less(l, m) {
			m = l
		}
		if r < len(h) && less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// changed reports whether two outcomes of a deal differ in eligibility,
// total or any line.
func changed(r0, r1 *incentive.Result) bool {
	if r0.Eligible != r1.Eligible || !r0.Total.Amount().Equal(r1.Total.Amount()) || len(r0.Lines) != len(r1.Lines) {
		return true
	}
	for i := range r0.Lines {
		if r0.Lines[i].Earning != r1.Lines[i].Earning || !r0.Lines[i].Amount.Amount().Equal(r1.Lines[i].Amount.Amount()) {
			return true
		}
	}
	return false
}

func (c *comparer) finish() *Diff {
	d := &c.d
	so, sn := c.sbOld.Statement(), c.sbNew.Statement()
	d.Old, d.New, d.Currency = so.Program, sn.Program, sn.Currency
	cur := d.Currency
	d.Earned = amounts(so.Earned.Amount(), sn.Earned.Amount(), cur)
	type pt struct{ old, new decimal.Decimal }
	byPartner := map[string]*pt{}
	byType := map[string]*pt{}
	get := func(m map[string]*pt, k string) *pt {
		v := m[k]
		if v == nil {
			v = &pt{}
			m[k] = v
		}
		return v
	}
	for _, ps := range so.Partners {
		get(byPartner, ps.PartnerID).old = ps.Earned.Amount()
		for _, st := range ps.ByType {
			t := get(byType, st.Key)
			t.old = t.old.Add(st.Amount.Amount())
		}
	}
	for _, ps := range sn.Partners {
		get(byPartner, ps.PartnerID).new = ps.Earned.Amount()
		for _, st := range ps.ByType {
			t := get(byType, st.Key)
			t.new = t.new.Add(st.Amount.Amount())
		}
	}
	for id, v := range byPartner {
		pa := c.partners[id]
		a := amounts(v.old, v.new, cur)
		if a.Delta.IsZero() && pa == nil {
			continue
		}
		pd := PartnerDiff{Partner: id, Amounts: a}
		if pa != nil {
			pd.Deals = pa.deals
			pd.Reasons = counts(pa.kinds)
		}
		switch a.Delta.Sign() {
		case 1:
			d.Gainers++
		case -1:
			d.Losers++
		}
		d.Partners = append(d.Partners, pd)
	}
	slices.SortFunc(d.Partners, func(a, b PartnerDiff) int { return byImpact(a.Amounts, b.Amounts, a.Partner, b.Partner) })
	for k, v := range byType {
		d.Types = append(d.Types, KeyDiff{k, amounts(v.old, v.new, cur)})
	}
	sortKeys(d.Types)
	for k, v := range c.earnOld {
		d.Earnings = append(d.Earnings, KeyDiff{k, amounts(v, c.earnNew[k], cur)})
	}
	for k, v := range c.earnNew {
		if _, ok := c.earnOld[k]; !ok {
			d.Earnings = append(d.Earnings, KeyDiff{k, amounts(decimal.Zero, v, cur)})
		}
	}
	sortKeys(d.Earnings)
	d.Reasons = counts(c.kinds)
	d.DealChanges = c.kept
	slices.SortFunc(d.DealChanges, func(a, b DealDiff) int { return compareImpact(&a, &b) })
	if d.Partners == nil {
		d.Partners = []PartnerDiff{}
	}
	if d.DealChanges == nil {
		d.DealChanges = []DealDiff{}
	}
	return d
}

func byImpact(a, b Amounts, ka, kb string) int {
	if c := b.Delta.Abs().Cmp(a.Delta.Abs()); c != 0 {
		return c
	}
	return cmp.Compare(ka, kb)
}

func sortKeys(l []KeyDiff) {
	slices.SortFunc(l, func(a, b KeyDiff) int { return byImpact(a.Amounts, b.Amounts, a.Key, b.Key) })
}

func counts(k [8]int) []ReasonCount {
	out := []ReasonCount{}
	for i, kind := range ReasonKinds() {
		if k[i] > 0 {
			out = append(out, ReasonCount{kind, k[i]})
		}
	}
	return out
}

// DealsProgram returns the program to decode a deals file with (see
// rules.DecodeDeals) when its deals go to both versions of a diff: the new
// version, with in addition the custom fields only the old one declares
// (optional there) and negative amounts allowed when either allows them.
// Compare gives each version only the fields it declares. A field the two
// declare with different types is an error, and so are versions in two time
// zones (ErrZoneMismatch): a bare close date is midnight in the program's
// time zone, so one decoded deal would close at another instant than
// 'partnerops run' gives one of the versions.
func DealsProgram(oldP, newP *incentive.Program) (*incentive.Program, error) {
	if oldP == nil || newP == nil {
		return nil, ErrNoProgram
	}
	if oz, nz := oldP.Effective.Loc().String(), newP.Effective.Loc().String(); oz != nz {
		return nil, fmt.Errorf("%w: the old version's time zone is %s and the new one's %s, so a deal's bare close date would be midnight in one of them only; compare versions in one time zone, or decode the deals yourself for Compare", ErrZoneMismatch, oz, nz)
	}
	r := *newP
	r.Fields = slices.Clone(newP.Fields)
	r.AllowNegative = oldP.AllowNegative || newP.AllowNegative
	for _, f := range oldP.Fields {
		i := slices.IndexFunc(r.Fields, func(g incentive.FieldDecl) bool { return g.Name == f.Name })
		if i < 0 {
			f.Optional = true
			r.Fields = append(r.Fields, f)
			continue
		}
		if r.Fields[i].Type != f.Type {
			return nil, fmt.Errorf("%w: custom field %q is %s in the old version (%s) and %s in the new one (%s)",
				incentive.ErrInvalidProgram, f.Name, f.Type, f.Origin, r.Fields[i].Type, r.Fields[i].Origin)
		}
		if f.Optional {
			r.Fields[i].Optional = true
		}
	}
	return &r, nil
}
