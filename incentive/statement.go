package incentive

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// Statement is an earnings statement for one program over a set of results:
// per partner, what was earned, what expired, what is held until it
// matures, what is payable, withheld and carried over, broken down by
// payee, by earning type and by payout bucket.
//
// Every partner, and every bucket of a partner, satisfies
// Earned - Held + CarriedIn - Withheld = Payable + CarriedOut
// (Earned leaves out what expired).
type Statement struct {
	Program  ProgramRef `json:"program"`
	Currency Currency   `json:"currency"`
	// Partners are sorted by partner id.
	Partners []PartnerStatement `json:"partners"`
	// Deals counts the results added; Eligible those that were eligible.
	Deals    int `json:"deals"`
	Eligible int `json:"eligible"`
	// The sums over partners.
	Earned     Money `json:"earned"`
	Expired    Money `json:"expired"`
	Held       Money `json:"held"`
	CarriedIn  Money `json:"carried_in"`
	Withheld   Money `json:"withheld"`
	Payable    Money `json:"payable"`
	CarriedOut Money `json:"carried_out"`
	// Fees are the payment methods' fees deducted from the payments (see
	// PaymentTerms); Sent is Payable - Fees, what the payments send.
	Fees Money `json:"fees"`
	Sent Money `json:"sent"`
	// Rounding describes how the statement's amounts were rounded.
	Rounding string `json:"rounding"`
	// BudgetUsed is what the program's budget has paid through the run
	// the statement is of (the earlier runs' figure carried in included),
	// exactly as the budget cap counted it: the next run of a chain
	// starts from it (RunOptions.BudgetUsed). StatementBuilder does not
	// see the run's counts, so the caller sets it, from
	// RunCounts.BudgetUsed or SettlementBuilder.BudgetUsed; nil (left out
	// of the JSON) when the program has no budget cap.
	BudgetUsed *Money `json:"budget_used,omitempty"`
}

// PartnerStatement is one partner's part of a Statement: the sums of its
// buckets.
type PartnerStatement struct {
	PartnerID string `json:"partner"`
	Deals     int    `json:"deals"`
	Eligible  int    `json:"eligible"`
	// Earned is the total of the partner's results whose claim window is
	// open as of the run (held ones included); Expired the total of those
	// whose window closed.
	Earned  Money `json:"earned"`
	Expired Money `json:"expired"`
	// Held is the part of Earned that has not matured (see Hold); Holds
	// breaks it down by maturity date.
	Held Money `json:"held"`
	// CarriedIn is the positive balance brought in from the previous
	// statement (below the minimum payout then); Withheld the negative
	// balance brought in, as a positive amount, withheld from this payout.
	CarriedIn Money `json:"carried_in"`
	Withheld  Money `json:"withheld"`
	// Payable and CarriedOut: see BucketStatement.
	Payable    Money `json:"payable"`
	CarriedOut Money `json:"carried_out"`
	// ByPayee and ByType break Earned down; each sums to Earned.
	ByPayee []Subtotal `json:"by_payee"`
	ByType  []Subtotal `json:"by_type"`
	// PaymentMethod is how the partner is paid (Result.PaymentMethod, or
	// StatementBuilder.SetPaymentMethod); empty when unknown. When the
	// program lists terms for it (Program.PaymentMethods), its minimum
	// applies to the buckets (BucketStatement.MinPayout) and its Fee is
	// deducted once from a payment: Sent = Payable - Fee.
	PaymentMethod partner.PaymentMethod `json:"payment_method,omitempty"`
	Fee           Money                 `json:"fee"`
	Sent          Money                 `json:"sent"`
	// Holds is Held by maturity date, earliest first; a held amount whose
	// hold has not started (the deal lacks the start date) comes last,
	// with a zero date.
	Holds []HeldAmount `json:"holds,omitempty"`
	// Buckets are the partner's payout buckets, in program order, the
	// default bucket last; set only when the program names buckets.
	Buckets []BucketStatement `json:"buckets,omitempty"`
	// Shares lists the split deals (see Split) this partner was paid a part
	// of another partner's deal on (From is the other partner), or paid a
	// part of its own deal to another (To is the other partner), in the
	// order added. Earned counts the partner's own parts only.
	Shares []StatementShare `json:"shares,omitempty"`
	// Settlements are the partner's period settlements added with
	// AddSettlements; Earned includes their payable true-ups.
	Settlements []SettlementLine `json:"settlements,omitempty"`
	// SettlementCarry is the partner's settlement state at the end of the
	// statement (SettlementBuilder.Carries, added with
	// AddSettlementCarries): what the next run continues from with
	// SettlementBuilder.CarryIn.
	SettlementCarry []SettlementCarry `json:"settlement_carry,omitempty"`
}

// StatementShare is one part of a split deal paid to a partner other than
// the deal's: it appears on both partners' statements.
type StatementShare struct {
	Deal string `json:"deal"`
	// From is the deal's partner, To the partner paid the part.
	From string `json:"from"`
	To   string `json:"to"`
	// Via says how the payee was found ("deal.referrer").
	Via     string `json:"via"`
	Amount  Money  `json:"amount"`
	Expired bool   `json:"expired,omitempty"`
}

// BucketStatement is one payout bucket of a partner.
type BucketStatement struct {
	// Bucket is the bucket's id; DefaultBucket ("") for the earning types
	// no named bucket lists.
	Bucket    string `json:"bucket"`
	MinPayout Money  `json:"min_payout"`
	Earned    Money  `json:"earned"`
	Expired   Money  `json:"expired"`
	Held      Money  `json:"held"`
	CarriedIn Money  `json:"carried_in"`
	Withheld  Money  `json:"withheld"`
	// Payable is the matured balance (Earned - Held + CarriedIn -
	// Withheld) when it is positive and reaches MinPayout; otherwise
	// nothing is paid and the balance is CarriedOut: below the minimum, it
	// waits; negative, it is withheld from the bucket's next payout until
	// recovered.
	Payable    Money `json:"payable"`
	CarriedOut Money `json:"carried_out"`
}

// HeldAmount is what one payout bucket holds until one maturity date.
type HeldAmount struct {
	// Bucket is the payout bucket (DefaultBucket for a program without
	// buckets).
	Bucket    string `json:"bucket"`
	MaturesOn Date   `json:"matures_on"`
	Amount    Money  `json:"amount"`
}

// Subtotal is one line of a breakdown.
type Subtotal struct {
	Key    string `json:"key"`
	Amount Money  `json:"amount"`
}

// StatementBuilder accumulates results into a Statement. Its memory grows
// with the number of partners, payees, earning types, buckets and maturity
// dates, not with the number of results (except that each part of a split
// deal paid to another partner is listed, PartnerStatement.Shares, and
// each period settlement added). Build one with NewStatement or
// Evaluator.NewStatement: the zero value has no program, and its Add
// returns an error wrapping ErrNoEvaluator.
type StatementBuilder struct {
	e       *Evaluator
	buckets bucketPlan
	carried func(partnerID, bucket string) decimal.Decimal
	// heldIn are held amounts brought in from the previous statement;
	// asOf decides which of them have matured.
	heldIn   map[string][]HeldAmount
	asOf     Date
	partners map[string]*partnerAcc
	deals    int
	eligible int
}

type partnerAcc struct {
	deals, eligible int
	method          partner.PaymentMethod
	// per bucket index
	earned, expired, held []decimal.Decimal
	byPayee               map[string]decimal.Decimal
	byType                map[string]decimal.Decimal
	holds                 map[holdKey]decimal.Decimal
	shares                []StatementShare
	settlements           []SettlementLine
	carries               []SettlementCarry
	// fast holds what Add added to earned, expired and held (3 x buckets,
	// in that order) since the last sync; types and payees what it added
	// to byType and byPayee (see fxSum).
	fast          []fxSum
	types, payees []keyedSum
}

// holdKey is a bucket index and a maturity date.
type holdKey struct {
	bucket int
	date   Date
}

// NewStatement starts a statement for results of program p. carried
// returns what each partner carries over from the previous statement
// (below the minimum payout then, or negative) into the default bucket
// (the first bucket when every earning type is in a named one); nil means
// nothing. See StatementBuilder.CarryIn for balances per bucket.
func NewStatement(p *Program, carried func(partnerID string) decimal.Decimal) (*StatementBuilder, error) {
	e, err := NewEvaluator(p)
	if err != nil {
		return nil, err
	}
	return e.NewStatement(carried), nil
}

// NewStatement starts a statement for results of the evaluator's program;
// see the package-level NewStatement.
func (e *Evaluator) NewStatement(carried func(partnerID string) decimal.Decimal) *StatementBuilder {
	b := &StatementBuilder{e: e, partners: map[string]*partnerAcc{}}
	if e.ready() != nil {
		return b
	}
	b.buckets = newBucketPlan(e.p)
	if carried != nil {
		first := b.buckets.names[0]
		if b.buckets.deflt >= 0 {
			first = DefaultBucket
		}
		b.carried = func(id, bucket string) decimal.Decimal {
			if bucket != first {
				return decimal.Zero
			}
			return carried(id)
		}
	}
	return b
}

// CarryIn sets what each partner brings into each bucket from the previous
// statement (that statement's BucketStatement.CarriedOut): positive
// balances that were below the bucket's minimum, negative ones to be
// withheld. The bucket is a Bucket.ID or DefaultBucket. It replaces the
// carried function given to NewStatement.
func (b *StatementBuilder) CarryIn(carried func(partnerID, bucket string) decimal.Decimal) {
	b.carried = carried
}

// Include puts partners on the statement even if no result of theirs is
// added, so a partner who only carries an amount in (from an earlier
// statement below the minimum payout) is still shown, and paid once the
// carried amount reaches the minimum.
func (b *StatementBuilder) Include(partnerIDs ...string) {
	if b.partners == nil {
		b.partners = map[string]*partnerAcc{}
	}
	for _, id := range partnerIDs {
		b.partner(id)
	}
}

// SetPaymentMethod names how a partner is paid, for a partner with no
// result on the statement (see Include) or to override the method its
// results name; a later result naming a method replaces it again.
func (b *StatementBuilder) SetPaymentMethod(partnerID string, m partner.PaymentMethod) {
	if b.partners == nil {
		b.partners = map[string]*partnerAcc{}
	}
	b.partner(partnerID).method = m
}

func (b *StatementBuilder) partner(id string) *partnerAcc {
	a := b.partners[id]
	if a == nil {
		n := len(b.buckets.names)
		all := make([]decimal.Decimal, 3*n)
		a = &partnerAcc{earned: all[:n:n], expired: all[n : 2*n : 2*n], held: all[2*n:], fast: make([]fxSum, 3*n),
			byPayee: map[string]decimal.Decimal{}, byType: map[string]decimal.Decimal{}}
		b.partners[id] = a
	}
	return a
}

// Add adds one result. A result of another program, or in another currency,
// is an error; so is Add on a zero-value StatementBuilder (ErrNoEvaluator).
func (b *StatementBuilder) Add(r *Result) error {
	if b == nil || b.e.ready() != nil {
		return fmt.Errorf("%w (Add on a zero-value StatementBuilder)", ErrNoEvaluator)
	}
	p := b.e.p
	if r == nil {
		return fmt.Errorf("%w: nil result added to a statement", ErrInvalidDeal)
	}
	if r.Program != b.e.ref {
		return fmt.Errorf("%w: result of %s v%d added to a statement of %s v%d", ErrInvalidProgram, r.Program.ID, r.Program.Version, p.ID, p.Version)
	}
	if !r.Total.IsZero() && r.Total.Currency() != p.Currency {
		return fmt.Errorf("%w: result in %s added to a %s statement", ErrCurrencyMismatch, r.Total.Currency(), p.Currency)
	}
	for _, l := range r.Lines {
		if !l.Amount.IsZero() && l.Amount.Currency() != p.Currency {
			return fmt.Errorf("%w: result line in %s added to a %s statement", ErrCurrencyMismatch, l.Amount.Currency(), p.Currency)
		}
	}
	a := b.partner(r.PartnerID)
	if r.PaymentMethod != "" {
		a.method = r.PaymentMethod
	}
	b.deals++
	a.deals++
	if !r.Eligible {
		return nil
	}
	b.eligible++
	a.eligible++
	if len(r.Shares) > 0 {
		b.addShares(r)
		return nil
	}
	bp := &b.buckets
	n := len(bp.names)
	if r.Expired {
		for _, l := range r.Lines {
			k := bp.of(l.Type)
			a.fast[n+k].add(&a.expired[k], l.Amount.Amount())
		}
		return nil
	}
	held := r.Hold != nil && r.Hold.Held
	if held && a.holds == nil {
		a.holds = map[holdKey]decimal.Decimal{}
	}
	for _, l := range r.Lines {
		k, v := bp.of(l.Type), l.Amount.Amount()
		a.fast[k].add(&a.earned[k], v)
		addKeyed(&a.types, a.byType, string(l.Type), "", v)
		if held {
			a.fast[2*n+k].add(&a.held[k], v)
			hk := holdKey{k, r.Hold.MaturesOn}
			a.holds[hk] = decAdd(a.holds[hk], v)
		}
	}
	addKeyed(&a.payees, a.byPayee, r.Payee, r.PayeeName, r.Total.Amount())
	return nil
}

// addShares adds a split result: each payee's part goes to its own
// partner (by bucket, held as the result is), and a part paid to a
// partner other than the deal's is listed on both.
func (b *StatementBuilder) addShares(r *Result) {
	bp := &b.buckets
	n := len(bp.names)
	held := r.Hold != nil && r.Hold.Held
	for _, sh := range r.Shares {
		a := b.partner(sh.PartnerID)
		if sh.PartnerID != r.PartnerID {
			entry := StatementShare{Deal: r.DealID, From: r.PartnerID, To: sh.PartnerID, Via: sh.Via, Amount: sh.Amount, Expired: r.Expired}
			a.shares = append(a.shares, entry)
			from := b.partner(r.PartnerID)
			from.shares = append(from.shares, entry)
		}
		for _, l := range sh.Lines {
			k, v := bp.of(l.Type), l.Amount.Amount()
			if r.Expired {
				a.fast[n+k].add(&a.expired[k], v)
				continue
			}
			a.fast[k].add(&a.earned[k], v)
			addKeyed(&a.types, a.byType, string(l.Type), "", v)
			if held {
				a.fast[2*n+k].add(&a.held[k], v)
				if a.holds == nil {
					a.holds = map[holdKey]decimal.Decimal{}
				}
				hk := holdKey{k, r.Hold.MaturesOn}
				a.holds[hk] = decAdd(a.holds[hk], v)
			}
		}
		if r.Expired {
			continue
		}
		amt := sh.Amount.Amount()
		if sh.PartnerID != r.PartnerID {
			addKeyed(&a.payees, a.byPayee, PayeePartner+" (split via "+sh.Via+")", "", amt)
			continue
		}
		addKeyed(&a.payees, a.byPayee, r.Payee, r.PayeeName, amt)
	}
}

// AddSettlements adds the lines of SettlementBuilder.Settle: each partner
// lists its own, and the payable true-up of each settled period is earned
// (by the settlement's earning type and its bucket, under the program's
// payee). A line of another currency is an error wrapping
// ErrCurrencyMismatch; so is AddSettlements on a zero-value
// StatementBuilder (ErrNoEvaluator).
func (b *StatementBuilder) AddSettlements(lines []SettlementLine) error {
	if b == nil || b.e.ready() != nil {
		return fmt.Errorf("%w (AddSettlements on a zero-value StatementBuilder)", ErrNoEvaluator)
	}
	p := b.e.p
	b.sync() // the lines add to the totals directly
	for _, l := range lines {
		if c := l.Payable.Currency(); c != "" && c != p.Currency {
			return fmt.Errorf("%w: settlement in %s added to a %s statement", ErrCurrencyMismatch, c, p.Currency)
		}
		a := b.partner(l.PartnerID)
		a.settlements = append(a.settlements, l)
		if !l.Settled || l.Payable.IsZero() {
			continue
		}
		k, amt := b.buckets.of(l.Type), l.Payable.Amount()
		a.earned[k] = a.earned[k].Add(amt)
		a.byPayee[p.Payee] = a.byPayee[p.Payee].Add(amt)
		a.byType[string(l.Type)] = a.byType[string(l.Type)].Add(amt)
	}
	return nil
}

// AddSettlementCarries adds SettlementBuilder.Carries to the statement:
// each partner lists its own (PartnerStatement.SettlementCarry), and a
// partner with nothing else on the statement is put on it, so the next
// run can carry it in. It changes no amount. A carry in another currency
// is an error wrapping ErrCurrencyMismatch, and nothing is added; so is
// AddSettlementCarries on a zero-value StatementBuilder (ErrNoEvaluator).
func (b *StatementBuilder) AddSettlementCarries(carries []SettlementCarry) error {
	if b == nil || b.e.ready() != nil {
		return fmt.Errorf("%w (AddSettlementCarries on a zero-value StatementBuilder)", ErrNoEvaluator)
	}
	cur := b.e.p.Currency
	for _, c := range carries {
		for _, m := range []Money{c.Carried, c.Basis, c.Credited} {
			if m.currency != "" && m.currency != cur {
				return fmt.Errorf("%w: settlement carry in %s added to a %s statement", ErrCurrencyMismatch, m.currency, cur)
			}
		}
	}
	for _, c := range carries {
		a := b.partner(c.PartnerID)
		a.carries = append(a.carries, c)
	}
	return nil
}

// Statement returns the statement of everything added so far (an empty
// statement for a zero-value StatementBuilder). With the statement
// rounding stage, each total (earned, expired, held) is rounded here and
// shared over the partners, and each partner's amount over its buckets and
// breakdowns, by largest remainder (ties to the earlier key), so every
// level adds up and rounding never pays more than the exact amounts allow.
func (b *StatementBuilder) Statement() *Statement {
	if b == nil || b.e.ready() != nil {
		return &Statement{}
	}
	b.sync()
	e := b.e
	cur := e.p.Currency
	z := Zero(cur)
	s := &Statement{Program: e.ref, Currency: cur, Deals: b.deals, Eligible: b.eligible,
		Earned: z, Expired: z, Held: z, CarriedIn: z, Withheld: z, Payable: z, CarriedOut: z, Fees: z, Sent: z}
	s.Rounding = e.roundingWords()
	ids := make([]string, 0, len(b.partners))
	for id := range b.partners {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	round := e.stage == StageStatement
	nb := len(b.buckets.names)
	// sum[f][i] is partner i's figure f (earned, expired, held) over its
	// buckets, shared over the partners when the statement rounds.
	var sum [3][]decimal.Decimal
	for f := range sum {
		sum[f] = make([]decimal.Decimal, len(ids))
		for i, id := range ids {
			a := b.partners[id]
			sum[f][i] = decimal.Sum(decimal.Zero, [][]decimal.Decimal{a.earned, a.expired, a.held}[f]...)
		}
		if round {
			// The statement total is rounded once and shared over the
			// partners by largest remainder, so rounding cannot pay more
			// than the exact amounts that the caps and budget held (0.005
			// + 0.005 + 0.01 pays 0.02, not 0.01 + 0.01 + 0.01).
			sum[f] = largestRemainder(sum[f], e.mode.Round(decimal.Sum(decimal.Zero, sum[f]...), e.places), e.places)
		}
	}
	for i, id := range ids {
		a := b.partners[id]
		earned, expired, held := sum[0][i], sum[1][i], sum[2][i]
		bEarned, bExpired, bHeld := a.earned, a.expired, a.held
		if round {
			bEarned = largestRemainder(a.earned, earned, e.places)
			bExpired = largestRemainder(a.expired, expired, e.places)
			bHeld = largestRemainder(a.held, held, e.places)
		}
		ps := PartnerStatement{PartnerID: id, Deals: a.deals, Eligible: a.eligible,
			Earned: Money{earned, cur}, Expired: Money{expired, cur}, Held: Money{held, cur},
			CarriedIn: z, Withheld: z, Payable: z, CarriedOut: z,
			ByPayee: e.subtotals(a.byPayee, earned, round), ByType: e.typeSubtotals(a.byType, bEarned, round, &b.buckets),
			Shares: a.shares, Settlements: a.settlements, SettlementCarry: a.carries, PaymentMethod: a.method, Fee: z, Sent: z}
		terms, hasTerms := e.p.PaymentTermsFor(a.method)
		// Held amounts brought in: what has matured as of the statement
		// is carried in; what has not is carried in and held again.
		heldIn, maturedIn := make([]decimal.Decimal, nb), make([]decimal.Decimal, nb)
		var holds map[holdKey]decimal.Decimal
		for _, h := range b.heldIn[id] {
			k := slices.Index(b.buckets.names, h.Bucket)
			if !b.asOf.IsZero() && !h.MaturesOn.IsZero() && !b.asOf.Before(h.MaturesOn) {
				maturedIn[k] = maturedIn[k].Add(h.Amount.amount)
				continue
			}
			heldIn[k] = heldIn[k].Add(h.Amount.amount)
			ps.Held.amount = ps.Held.amount.Add(h.Amount.amount)
			if holds == nil {
				holds = map[holdKey]decimal.Decimal{}
			}
			hk := holdKey{k, h.MaturesOn}
			holds[hk] = holds[hk].Add(h.Amount.amount)
		}
		ps.Holds = e.heldAmounts(a.holds, bHeld, round, b.buckets.names, holds)
		for k := range nb {
			min := b.buckets.mins[k]
			if hasTerms {
				min = terms.Minimum(min, k == b.buckets.deflt)
			}
			bs := b.bucket(id, k, min, bEarned[k], bExpired[k], bHeld[k], heldIn[k], maturedIn[k])
			ps.CarriedIn.amount = ps.CarriedIn.amount.Add(bs.CarriedIn.amount)
			ps.Withheld.amount = ps.Withheld.amount.Add(bs.Withheld.amount)
			ps.Payable.amount = ps.Payable.amount.Add(bs.Payable.amount)
			ps.CarriedOut.amount = ps.CarriedOut.amount.Add(bs.CarriedOut.amount)
			if b.buckets.present {
				ps.Buckets = append(ps.Buckets, bs)
			}
		}
		ps.Sent.amount = ps.Payable.amount
		if hasTerms && terms.Fee.Sign() > 0 && ps.Payable.amount.Sign() > 0 {
			// One payment per partner and statement. Every bucket paid
			// reached the method's minimum, which Validate keeps above
			// the fee, so the payment never sends less than nothing.
			ps.Fee.amount = terms.Fee
			ps.Sent.amount = ps.Payable.amount.Sub(terms.Fee)
		}
		s.Partners = append(s.Partners, ps)
		for _, f := range []struct{ to, from *Money }{{&s.Earned, &ps.Earned}, {&s.Expired, &ps.Expired}, {&s.Held, &ps.Held},
			{&s.CarriedIn, &ps.CarriedIn}, {&s.Withheld, &ps.Withheld}, {&s.Payable, &ps.Payable}, {&s.CarriedOut, &ps.CarriedOut},
			{&s.Fees, &ps.Fee}, {&s.Sent, &ps.Sent}} {
			f.to.amount = f.to.amount.Add(f.from.amount)
		}
	}
	return s
}

// bucket settles bucket k of a partner under minimum payout min: what is
// payable, withheld and carried out. heldIn is what the previous statement
// held that is still held; maturedIn what it held that has matured since.
func (b *StatementBuilder) bucket(id string, k int, min, earned, expired, held, heldIn, maturedIn decimal.Decimal) BucketStatement {
	cur := b.e.p.Currency
	name := b.buckets.names[k]
	carried := decimal.Zero
	if b.carried != nil {
		carried = b.carried(id, name)
	}
	bs := BucketStatement{Bucket: name, MinPayout: Money{min, cur},
		Earned: Money{earned, cur}, Expired: Money{expired, cur}, Held: Money{held, cur},
		CarriedIn: Zero(cur), Withheld: Zero(cur), Payable: Zero(cur), CarriedOut: Zero(cur)}
	if carried.Sign() >= 0 {
		bs.CarriedIn.amount = carried
	} else {
		bs.Withheld.amount = carried.Neg()
	}
	// A held amount brought in is carried in and, until it matures, held
	// again: it adds to both columns and to neither balance.
	bs.CarriedIn.amount = bs.CarriedIn.amount.Add(heldIn).Add(maturedIn)
	bs.Held.amount = held.Add(heldIn)
	due := earned.Sub(held).Add(carried).Add(maturedIn)
	if due.Cmp(min) >= 0 && due.Sign() > 0 {
		bs.Payable.amount = due
	} else {
		// Below the minimum, or a negative balance to be withheld from
		// the bucket's later payouts: nothing is paid now.
		bs.CarriedOut.amount = due
	}
	return bs
}

// heldAmounts sorts held amounts by maturity date (a zero date last),
// then bucket. When round is set, this run's amounts m are rounded, bucket
// by bucket, to add up to that bucket's rounded held amount (bucketHeld),
// so that what a bucket holds by date is what its statement row holds
// (and -carried brings each cent back into the bucket that held it); the
// amounts brought in (in), rounded already, are added after.
func (e *Evaluator) heldAmounts(m map[holdKey]decimal.Decimal, bucketHeld []decimal.Decimal, round bool, names []string, in map[holdKey]decimal.Decimal) []HeldAmount {
	if len(m)+len(in) == 0 {
		return nil
	}
	sorted := func(m map[holdKey]decimal.Decimal) []holdKey {
		keys := make([]holdKey, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, b := keys[i], keys[j]
			if a.date != b.date {
				if a.date.IsZero() != b.date.IsZero() {
					return b.date.IsZero()
				}
				return a.date.Before(b.date)
			}
			return a.bucket < b.bucket
		})
		return keys
	}
	all := map[holdKey]decimal.Decimal{}
	keys := sorted(m)
	parts := make([]decimal.Decimal, len(keys))
	for i, k := range keys {
		parts[i] = m[k]
	}
	if round {
		for bk := range bucketHeld {
			var idx []int
			var sub []decimal.Decimal
			for i, k := range keys {
				if k.bucket == bk {
					idx, sub = append(idx, i), append(sub, parts[i])
				}
			}
			for j, v := range largestRemainder(sub, bucketHeld[bk], e.places) {
				parts[idx[j]] = v
			}
		}
	}
	for i, k := range keys {
		all[k] = parts[i]
	}
	for k, v := range in {
		all[k] = all[k].Add(v)
	}
	keys = sorted(all)
	out := make([]HeldAmount, len(keys))
	for i, k := range keys {
		out[i] = HeldAmount{Bucket: names[k.bucket], MaturesOn: k.date, Amount: Money{all[k], e.p.Currency}}
	}
	return out
}

// CarryHeld brings in what the previous statement held (its partners'
// Holds, by partner id): on this statement, an amount that has matured as
// of asOf (the run's as-of date in the program's time zone; zero when the
// run has none, and then nothing has matured) is carried in and payable;
// one that has not is carried in and held again, so it is carried to the
// next statement. The partners are put on the statement (see Include). A
// bucket the program does not pay from, or another currency, is an error
// wrapping ErrInvalidAmount, and nothing is brought in.
func (b *StatementBuilder) CarryHeld(held map[string][]HeldAmount, asOf Date) error {
	if b == nil || b.e.ready() != nil {
		return fmt.Errorf("%w (CarryHeld on a zero-value StatementBuilder)", ErrNoEvaluator)
	}
	for id, hs := range held {
		for _, h := range hs {
			if !slices.Contains(b.buckets.names, h.Bucket) {
				return fmt.Errorf("%w: partner %s: held amount in bucket %q, which program %s does not pay from", ErrInvalidAmount, id, h.Bucket, b.e.p.ID)
			}
			if !h.Amount.IsZero() && h.Amount.Currency() != b.e.p.Currency {
				return fmt.Errorf("%w: partner %s: held amount %s in a %s statement", ErrCurrencyMismatch, id, h.Amount, b.e.p.Currency)
			}
		}
	}
	b.heldIn, b.asOf = held, asOf
	for id := range held {
		b.Include(id)
	}
	return nil
}

// subtotals sorts a breakdown by key; when round is set it rounds the
// parts so they add up to the rounded total.
func (e *Evaluator) subtotals(m map[string]decimal.Decimal, total decimal.Decimal, round bool) []Subtotal {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]decimal.Decimal, len(keys))
	for i, k := range keys {
		parts[i] = m[k]
	}
	if round {
		parts = largestRemainder(parts, total, e.places)
	}
	out := make([]Subtotal, len(keys))
	for i, k := range keys {
		out[i] = Subtotal{Key: k, Amount: Money{parts[i], e.p.Currency}}
	}
	return out
}

// typeSubtotals is the breakdown by earning type. Each type is paid from
// one bucket, so when round is set the types of each bucket are rounded to
// add up to that bucket's rounded earned amount (bucketEarned): a type's
// subtotal never takes a cent its bucket's row does not show.
func (e *Evaluator) typeSubtotals(m map[string]decimal.Decimal, bucketEarned []decimal.Decimal, round bool, bp *bucketPlan) []Subtotal {
	out := e.subtotals(m, decimal.Zero, false)
	if !round {
		return out
	}
	for k := range bucketEarned {
		var idx []int
		var sub []decimal.Decimal
		for i, s := range out {
			if bp.of(EarningType(s.Key)) == k {
				idx, sub = append(idx, i), append(sub, s.Amount.amount)
			}
		}
		for j, v := range largestRemainder(sub, bucketEarned[k], e.places) {
			out[idx[j]].Amount.amount = v
		}
	}
	return out
}

// largestRemainder rounds parts to places so that they add up to total
// (which must already be rounded to places and lie within len(parts) units
// of their sum): each part is rounded toward negative infinity, then the
// missing units go one each to the parts with the largest remainders, ties
// to the earlier part.
func largestRemainder(parts []decimal.Decimal, total decimal.Decimal, places int32) []decimal.Decimal {
	out := make([]decimal.Decimal, len(parts))
	rem := make([]decimal.Decimal, len(parts))
	idx := make([]int, len(parts))
	sum := decimal.Zero
	for i, p := range parts {
		out[i] = p.RoundFloor(places)
		rem[i] = p.Sub(out[i])
		sum = sum.Add(out[i])
		idx[i] = i
	}
	unit := decimal.New(1, -places)
	n := int(total.Sub(sum).Div(unit).IntPart())
	sort.SliceStable(idx, func(a, b int) bool { return rem[idx[a]].Cmp(rem[idx[b]]) > 0 })
	for k := 0; k < n && k < len(idx); k++ {
		out[idx[k]] = out[idx[k]].Add(unit)
	}
	return out
}

// WriteText writes the statement as a plain-text report for finance and
// partner operations: the program, currency and rounding, the budget used
// when BudgetUsed is set, and a row per partner (with its earnings by type
// and payee, split deals and payment fees) and for the total. Its earned
// column is PartnerStatement.Earned, without what expired (shown in the
// expired column): partnerops run's statement, and a test's expected
// earned, count the expired amount in earned too, so the same deals read
// a larger earned there. Here payable + carried out = earned - held +
// carried in - withheld.
func (s *Statement) WriteText(w io.Writer) error {
	var b strings.Builder
	cur := s.Currency
	fmt.Fprintf(&b, "Earnings statement: %s v%d", s.Program.ID, s.Program.Version)
	if s.Program.Hash != "" {
		h := s.Program.Hash
		if len(h) > 12 {
			h = h[:12]
		}
		fmt.Fprintf(&b, " (hash %s)", h)
	}
	fmt.Fprintf(&b, "\nCurrency %s; %s\n", cur, s.Rounding)
	fmt.Fprintf(&b, "Deals %d, eligible %d\n", s.Deals, s.Eligible)
	if s.BudgetUsed != nil {
		fmt.Fprintf(&b, "Budget used %s\n", fmtAmount(s.BudgetUsed.amount, cur))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%-16s %6s %8s %14s %14s %14s %14s %14s %14s %14s\n", "partner", "deals", "eligible", "earned", "expired", "held", "carried in", "withheld", "payable", "carried out")
	for _, p := range s.Partners {
		fmt.Fprintf(&b, "%-16s %6d %8d %14s %14s %14s %14s %14s %14s %14s\n", p.PartnerID, p.Deals, p.Eligible,
			fmtAmount(p.Earned.amount, cur), fmtAmount(p.Expired.amount, cur), fmtAmount(p.Held.amount, cur), fmtAmount(p.CarriedIn.amount, cur),
			fmtAmount(p.Withheld.amount, cur), fmtAmount(p.Payable.amount, cur), fmtAmount(p.CarriedOut.amount, cur))
		for _, t := range p.ByType {
			fmt.Fprintf(&b, "  %-30s %14s\n", "type "+t.Key, fmtAmount(t.Amount.amount, cur))
		}
		for _, t := range p.ByPayee {
			fmt.Fprintf(&b, "  %-30s %14s\n", "payee "+t.Key, fmtAmount(t.Amount.amount, cur))
		}
		for _, sh := range p.Shares {
			what := "split deal " + sh.Deal + " to " + sh.To
			if sh.To == p.PartnerID {
				what = "split deal " + sh.Deal + " from " + sh.From
			}
			what += " (" + sh.Via + ")"
			if sh.Expired {
				what += ", expired"
			}
			fmt.Fprintf(&b, "  %-30s %14s\n", what, fmtAmount(sh.Amount.amount, cur))
		}
		if !p.Fee.IsZero() {
			fmt.Fprintf(&b, "  %-30s %14s\n", "fee ("+string(p.PaymentMethod)+")", fmtAmount(p.Fee.amount.Neg(), cur))
			fmt.Fprintf(&b, "  %-30s %14s\n", "sent", fmtAmount(p.Sent.amount, cur))
		}
	}
	fmt.Fprintf(&b, "\n%-16s %6d %8d %14s %14s %14s %14s %14s %14s %14s\n", "total", s.Deals, s.Eligible,
		fmtAmount(s.Earned.amount, cur), fmtAmount(s.Expired.amount, cur), fmtAmount(s.Held.amount, cur), fmtAmount(s.CarriedIn.amount, cur),
		fmtAmount(s.Withheld.amount, cur), fmtAmount(s.Payable.amount, cur), fmtAmount(s.CarriedOut.amount, cur))
	if !s.Fees.IsZero() {
		fmt.Fprintf(&b, "%-32s %14s\n", "total fees", fmtAmount(s.Fees.amount.Neg(), cur))
		fmt.Fprintf(&b, "%-32s %14s\n", "total sent", fmtAmount(s.Sent.amount, cur))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
