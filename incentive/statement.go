package incentive

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Statement is an earnings statement for one program over a set of results:
// per partner, what was earned, what is payable and what is carried over,
// broken down by payee and by earning type.
type Statement struct {
	Program  ProgramRef `json:"program"`
	Currency Currency   `json:"currency"`
	// Partners are sorted by partner id.
	Partners []PartnerStatement `json:"partners"`
	// Deals counts the results added; Eligible those that were eligible.
	Deals    int `json:"deals"`
	Eligible int `json:"eligible"`
	// Earned, Expired, Payable and CarriedOut are the sums over partners.
	Earned     Money `json:"earned"`
	Expired    Money `json:"expired"`
	Payable    Money `json:"payable"`
	CarriedOut Money `json:"carried_out"`
	// Rounding describes how the statement's amounts were rounded.
	Rounding string `json:"rounding"`
}

// PartnerStatement is one partner's part of a Statement.
type PartnerStatement struct {
	PartnerID string `json:"partner"`
	Deals     int    `json:"deals"`
	Eligible  int    `json:"eligible"`
	// Earned is the total of the partner's results whose claim window is
	// open as of the run; Expired the total of those whose window closed.
	Earned  Money `json:"earned"`
	Expired Money `json:"expired"`
	// CarriedIn was below the minimum payout on the previous statement.
	CarriedIn Money `json:"carried_in"`
	// Payable is Earned + CarriedIn when that reaches the program's
	// minimum payout, else zero and the sum is CarriedOut.
	Payable    Money `json:"payable"`
	CarriedOut Money `json:"carried_out"`
	// ByPayee and ByType break Earned down; each sums to Earned.
	ByPayee []Subtotal `json:"by_payee"`
	ByType  []Subtotal `json:"by_type"`
	// Shares lists the split deals (see Split) this partner was paid a part
	// of another partner's deal on (From is the other partner), or paid a
	// part of its own deal to another (To is the other partner), in the
	// order added. Earned counts the partner's own parts only.
	Shares []StatementShare `json:"shares,omitempty"`
	// Settlements are the partner's period settlements added with
	// AddSettlements; Earned includes their payable true-ups.
	Settlements []SettlementLine `json:"settlements,omitempty"`
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

// Subtotal is one line of a breakdown.
type Subtotal struct {
	Key    string `json:"key"`
	Amount Money  `json:"amount"`
}

// StatementBuilder accumulates results into a Statement. Its memory grows
// with the number of partners, payees and earning types, not with the
// number of results, except that each part of a split deal paid to another
// partner is listed (PartnerStatement.Shares).
type StatementBuilder struct {
	e        *Evaluator
	carried  func(partnerID string) decimal.Decimal
	partners map[string]*partnerAcc
	deals    int
	eligible int
}

type partnerAcc struct {
	deals, eligible int
	earned, expired decimal.Decimal
	byPayee         map[string]decimal.Decimal
	byType          map[string]decimal.Decimal
	shares          []StatementShare
	settlements     []SettlementLine
}

// NewStatement starts a statement for results of program p. carried
// returns what each partner carries over from the previous statement
// (below the minimum payout then); nil means nothing.
func NewStatement(p *Program, carried func(partnerID string) decimal.Decimal) (*StatementBuilder, error) {
	e, err := NewEvaluator(p)
	if err != nil {
		return nil, err
	}
	return e.NewStatement(carried), nil
}

// NewStatement starts a statement for results of the evaluator's program.
func (e *Evaluator) NewStatement(carried func(partnerID string) decimal.Decimal) *StatementBuilder {
	if carried == nil {
		carried = func(string) decimal.Decimal { return decimal.Zero }
	}
	return &StatementBuilder{e: e, carried: carried, partners: map[string]*partnerAcc{}}
}

// Include puts partners on the statement even if no result of theirs is
// added, so a partner who only carries an amount in (from an earlier
// statement below the minimum payout) is still shown, and paid once the
// carried amount reaches the minimum.
func (b *StatementBuilder) Include(partnerIDs ...string) {
	for _, id := range partnerIDs {
		b.partner(id)
	}
}

func (b *StatementBuilder) partner(id string) *partnerAcc {
	a := b.partners[id]
	if a == nil {
		a = &partnerAcc{byPayee: map[string]decimal.Decimal{}, byType: map[string]decimal.Decimal{}}
		b.partners[id] = a
	}
	return a
}

// Add adds one result. A result of another program, or in another currency,
// is an error.
func (b *StatementBuilder) Add(r *Result) error {
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
	a := b.partner(r.PartnerID)
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
	if r.Expired {
		a.expired = a.expired.Add(r.Total.Amount())
		return nil
	}
	a.earned = a.earned.Add(r.Total.Amount())
	payee := r.Payee
	if r.PayeeName != "" {
		payee += " (" + r.PayeeName + ")"
	}
	a.byPayee[payee] = a.byPayee[payee].Add(r.Total.Amount())
	for _, l := range r.Lines {
		a.byType[string(l.Type)] = a.byType[string(l.Type)].Add(l.Amount.Amount())
	}
	return nil
}

// AddSettlements adds the lines of SettlementBuilder.Settle: each partner
// lists its own, and the payable true-up of each settled period is earned
// (by the settlement's earning type, under the program's payee). A line of
// another currency is an error wrapping ErrCurrencyMismatch.
func (b *StatementBuilder) AddSettlements(lines []SettlementLine) error {
	p := b.e.p
	for _, l := range lines {
		if c := l.Payable.Currency(); c != "" && c != p.Currency {
			return fmt.Errorf("%w: settlement in %s added to a %s statement", ErrCurrencyMismatch, c, p.Currency)
		}
		a := b.partner(l.PartnerID)
		a.settlements = append(a.settlements, l)
		if !l.Settled || l.Payable.IsZero() {
			continue
		}
		amt := l.Payable.Amount()
		a.earned = a.earned.Add(amt)
		a.byPayee[p.Payee] = a.byPayee[p.Payee].Add(amt)
		a.byType[string(l.Type)] = a.byType[string(l.Type)].Add(amt)
	}
	return nil
}

// addShares adds a split result: each payee's part goes to its own
// partner, and a part paid to a partner other than the deal's is listed on
// both.
func (b *StatementBuilder) addShares(r *Result) {
	for _, sh := range r.Shares {
		a := b.partner(sh.PartnerID)
		amt := sh.Amount.Amount()
		if sh.PartnerID != r.PartnerID {
			entry := StatementShare{Deal: r.DealID, From: r.PartnerID, To: sh.PartnerID, Via: sh.Via, Amount: sh.Amount, Expired: r.Expired}
			a.shares = append(a.shares, entry)
			from := b.partner(r.PartnerID)
			from.shares = append(from.shares, entry)
		}
		if r.Expired {
			a.expired = a.expired.Add(amt)
			continue
		}
		a.earned = a.earned.Add(amt)
		payee := r.Payee
		if r.PayeeName != "" {
			payee += " (" + r.PayeeName + ")"
		}
		if sh.PartnerID != r.PartnerID {
			payee = PayeePartner + " (split via " + sh.Via + ")"
		}
		a.byPayee[payee] = a.byPayee[payee].Add(amt)
		for _, l := range sh.Lines {
			a.byType[string(l.Type)] = a.byType[string(l.Type)].Add(l.Amount.Amount())
		}
	}
}

// Statement returns the statement of everything added so far. With the
// statement rounding stage, the statement's total is rounded here and shared
// over the partners, and each partner's amount over its breakdowns, by
// largest remainder (ties to the earlier key), so every level adds up and
// rounding never pays more than the exact amounts allow.
func (b *StatementBuilder) Statement() *Statement {
	e := b.e
	cur := e.p.Currency
	s := &Statement{Program: e.ref, Currency: cur, Deals: b.deals, Eligible: b.eligible,
		Earned: Zero(cur), Expired: Zero(cur), Payable: Zero(cur), CarriedOut: Zero(cur)}
	s.Rounding = e.roundingWords()
	ids := make([]string, 0, len(b.partners))
	for id := range b.partners {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	round := e.stage == StageStatement
	earnedBy := make([]decimal.Decimal, len(ids))
	expiredBy := make([]decimal.Decimal, len(ids))
	for i, id := range ids {
		earnedBy[i], expiredBy[i] = b.partners[id].earned, b.partners[id].expired
	}
	if round {
		// The statement total is rounded once and shared over the partners
		// by largest remainder, so rounding cannot pay more than the exact
		// amounts that the caps and budget held (0.005 + 0.005 + 0.01 pays
		// 0.02, not 0.01 + 0.01 + 0.01).
		earnedBy = largestRemainder(earnedBy, e.mode.Round(decimal.Sum(decimal.Zero, earnedBy...), e.places), e.places)
		expiredBy = largestRemainder(expiredBy, e.mode.Round(decimal.Sum(decimal.Zero, expiredBy...), e.places), e.places)
	}
	for i, id := range ids {
		a := b.partners[id]
		earned, expired := earnedBy[i], expiredBy[i]
		ps := PartnerStatement{PartnerID: id, Deals: a.deals, Eligible: a.eligible,
			Earned: Money{earned, cur}, Expired: Money{expired, cur}, CarriedIn: Money{b.carried(id), cur},
			ByPayee: e.subtotals(a.byPayee, earned, round), ByType: e.subtotals(a.byType, earned, round), Shares: a.shares, Settlements: a.settlements}
		due := earned.Add(ps.CarriedIn.amount)
		if due.Cmp(e.p.MinPayout) >= 0 && due.Sign() > 0 {
			ps.Payable, ps.CarriedOut = Money{due, cur}, Zero(cur)
		} else {
			// Below the minimum, or a negative balance to be withheld from
			// later payouts: nothing is paid now.
			ps.Payable, ps.CarriedOut = Zero(cur), Money{due, cur}
		}
		s.Partners = append(s.Partners, ps)
		s.Earned.amount = s.Earned.amount.Add(earned)
		s.Expired.amount = s.Expired.amount.Add(expired)
		s.Payable.amount = s.Payable.amount.Add(ps.Payable.amount)
		s.CarriedOut.amount = s.CarriedOut.amount.Add(ps.CarriedOut.amount)
	}
	return s
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
// partner operations.
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
	fmt.Fprintf(&b, "Deals %d, eligible %d\n\n", s.Deals, s.Eligible)
	fmt.Fprintf(&b, "%-16s %6s %8s %14s %14s %14s %14s %14s\n", "partner", "deals", "eligible", "earned", "expired", "carried in", "payable", "carried out")
	for _, p := range s.Partners {
		fmt.Fprintf(&b, "%-16s %6d %8d %14s %14s %14s %14s %14s\n", p.PartnerID, p.Deals, p.Eligible,
			fmtAmount(p.Earned.amount, cur), fmtAmount(p.Expired.amount, cur), fmtAmount(p.CarriedIn.amount, cur),
			fmtAmount(p.Payable.amount, cur), fmtAmount(p.CarriedOut.amount, cur))
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
	}
	fmt.Fprintf(&b, "\n%-16s %6d %8d %14s %14s %14s %14s %14s\n", "total", s.Deals, s.Eligible,
		fmtAmount(s.Earned.amount, cur), fmtAmount(s.Expired.amount, cur), "",
		fmtAmount(s.Payable.amount, cur), fmtAmount(s.CarriedOut.amount, cur))
	_, err := io.WriteString(w, b.String())
	return err
}
