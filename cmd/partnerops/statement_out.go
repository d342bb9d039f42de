package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// statementDoc is the statement as the command prints it: the library's
// statement with the program's name, the as-of time, the partners' names,
// earned shown before expiry (so the rows read earned - expired - held +
// carried in - withheld = payable + carried out) and the totals of every
// column.
type statementDoc struct {
	Program struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Version int    `json:"version"`
		Hash    string `json:"hash"`
	} `json:"program"`
	// AsOf is the instant claim windows were checked at, RFC 3339; empty
	// when no -as-of was given (nothing expired).
	AsOf     string             `json:"as_of"`
	Currency incentive.Currency `json:"currency"`
	Rounding string             `json:"rounding"`
	Deals    int                `json:"deals"`
	Eligible int                `json:"eligible"`
	// The totals over partners.
	Earned     incentive.Money `json:"earned"`
	Expired    incentive.Money `json:"expired"`
	Held       incentive.Money `json:"held"`
	CarriedIn  incentive.Money `json:"carried_in"`
	Withheld   incentive.Money `json:"withheld"`
	Payable    incentive.Money `json:"payable"`
	CarriedOut incentive.Money `json:"carried_out"`
	// Fees are the payment methods' fees deducted from the payments; Sent
	// is Payable - Fees, what the payments send.
	Fees incentive.Money `json:"fees"`
	Sent incentive.Money `json:"sent"`
	// BudgetUsed is what the program's budget has paid through this run,
	// the figure carried in from -carried included (as
	// incentive.Statement.BudgetUsed); -carried reads it back, so the
	// next run's budget starts from it. Left out when the program has no
	// budget cap.
	BudgetUsed *incentive.Money `json:"budget_used,omitempty"`
	// budgets are the limits of the program's budget caps, which the
	// text statement sets BudgetUsed against (the JSON leaves them to the
	// program).
	budgets  []incentive.Money
	Partners []partnerRow `json:"partners"`
	// Check states the identity every row satisfies, and whether it held.
	Check string `json:"check"`
}

// partnerRow is one partner of a statementDoc.
type partnerRow struct {
	Partner  string `json:"partner"`
	Name     string `json:"name,omitempty"`
	Deals    int    `json:"deals"`
	Eligible int    `json:"eligible"`
	// Earned is what the partner's eligible deals earned, expired or not.
	Earned  incentive.Money `json:"earned"`
	Expired incentive.Money `json:"expired"`
	// Held has not matured as of the run (see the program's hold).
	Held      incentive.Money `json:"held"`
	CarriedIn incentive.Money `json:"carried_in"`
	// Withheld is a negative balance brought in, deducted from this payout.
	Withheld   incentive.Money `json:"withheld"`
	Payable    incentive.Money `json:"payable"`
	CarriedOut incentive.Money `json:"carried_out"`
	// PaymentMethod is how the partner is paid; Fee its method's fee on
	// the payment and Sent = Payable - Fee (see the program's
	// payment_methods).
	PaymentMethod string          `json:"payment_method,omitempty"`
	Fee           incentive.Money `json:"fee"`
	Sent          incentive.Money `json:"sent"`
	// ByType and ByPayee break Earned down; what expired is their
	// entry "(expired)", so each sums to Earned.
	ByType  []incentive.Subtotal `json:"by_type"`
	ByPayee []incentive.Subtotal `json:"by_payee"`
	// Holds is Held by maturity date and bucket; -carried reads it back,
	// and the next run pays what has matured by its -as-of date.
	Holds []incentive.HeldAmount `json:"holds,omitempty"`
	// Buckets are the program's payout buckets (its payouts:), earned
	// counting what expired as above; bucket "" is the default bucket.
	// -carried reads each bucket's carried_out back.
	Buckets []incentive.BucketStatement `json:"buckets,omitempty"`
	// Shares are the split deals shared with another partner (from it,
	// or to it), as incentive.PartnerStatement.Shares.
	Shares []incentive.StatementShare `json:"shares,omitempty"`
	// Settlements are the partner's period settlements (advances,
	// true-up, carry), as incentive.PartnerStatement.Settlements.
	Settlements []incentive.SettlementLine `json:"settlements,omitempty"`
	// SettlementCarry is the partner's settlement state at the end of the
	// run (negative true-up carried, year to date, open periods), as
	// incentive.PartnerStatement.SettlementCarry; -carried reads it back.
	SettlementCarry []incentive.SettlementCarry `json:"settlement_carry,omitempty"`
}

// buildStatement turns the library's statement into the command's,
// checking that every row and the total add up.
func buildStatement(st *incentive.Statement, p *incentive.Program, asOf time.Time, names map[string]string) (*statementDoc, error) {
	cur := st.Currency
	d := &statementDoc{Currency: cur, Rounding: st.Rounding, Deals: st.Deals, Eligible: st.Eligible, BudgetUsed: st.BudgetUsed}
	d.Program.ID, d.Program.Name, d.Program.Version, d.Program.Hash = p.ID, p.Name, p.Version, st.Program.Hash
	for _, c := range p.Caps {
		if c.Scope == incentive.CapBudget {
			d.budgets = append(d.budgets, incentive.NewMoney(c.Limit, cur))
		}
	}
	if !asOf.IsZero() {
		d.AsOf = asOf.Format(time.RFC3339)
	}
	var earned, expired, held, carriedIn, withheld, payable, carriedOut decimal.Decimal
	var broken []string
	// adds is the identity every row and bucket satisfies.
	adds := func(earned, expired, held, in, withheld, payable, out incentive.Money) bool {
		lhs := earned.Amount().Sub(expired.Amount()).Sub(held.Amount()).Add(in.Amount()).Sub(withheld.Amount())
		return lhs.Equal(payable.Amount().Add(out.Amount()))
	}
	for _, ps := range st.Partners {
		r := partnerRow{Partner: ps.PartnerID, Name: names[ps.PartnerID], Deals: ps.Deals, Eligible: ps.Eligible,
			Expired: ps.Expired, Held: ps.Held, CarriedIn: ps.CarriedIn, Withheld: ps.Withheld, Payable: ps.Payable, CarriedOut: ps.CarriedOut,
			ByType: ps.ByType, ByPayee: ps.ByPayee, Holds: ps.Holds, Shares: ps.Shares, Settlements: ps.Settlements, SettlementCarry: ps.SettlementCarry,
			PaymentMethod: string(ps.PaymentMethod), Fee: ps.Fee, Sent: ps.Sent}
		gross := ps.Earned.Amount().Add(ps.Expired.Amount())
		r.Earned = incentive.NewMoney(gross, cur)
		if !ps.Expired.IsZero() {
			// The library's breakdowns sum to its earned, which leaves
			// out what expired; the command's earned counts it, so each
			// breakdown lists it too and sums to the column it sits
			// under. New slices: the library's are not written to.
			exp := incentive.Subtotal{Key: expiredKey, Amount: ps.Expired}
			r.ByType = append(append(make([]incentive.Subtotal, 0, len(ps.ByType)+1), ps.ByType...), exp)
			r.ByPayee = append(append(make([]incentive.Subtotal, 0, len(ps.ByPayee)+1), ps.ByPayee...), exp)
		}
		if !adds(r.Earned, r.Expired, r.Held, r.CarriedIn, r.Withheld, r.Payable, r.CarriedOut) {
			broken = append(broken, ps.PartnerID)
		}
		for _, b := range ps.Buckets {
			b.Earned = incentive.NewMoney(b.Earned.Amount().Add(b.Expired.Amount()), cur)
			if !adds(b.Earned, b.Expired, b.Held, b.CarriedIn, b.Withheld, b.Payable, b.CarriedOut) {
				broken = append(broken, ps.PartnerID+" bucket "+bucketLabel(b.Bucket))
			}
			r.Buckets = append(r.Buckets, b)
		}
		earned, expired, held = earned.Add(gross), expired.Add(ps.Expired.Amount()), held.Add(ps.Held.Amount())
		carriedIn, withheld = carriedIn.Add(ps.CarriedIn.Amount()), withheld.Add(ps.Withheld.Amount())
		payable, carriedOut = payable.Add(ps.Payable.Amount()), carriedOut.Add(ps.CarriedOut.Amount())
		d.Partners = append(d.Partners, r)
	}
	if !payable.Equal(st.Payable.Amount()) || !carriedOut.Equal(st.CarriedOut.Amount()) {
		broken = append(broken, "total")
	}
	d.Earned, d.Expired, d.Held = incentive.NewMoney(earned, cur), incentive.NewMoney(expired, cur), incentive.NewMoney(held, cur)
	d.CarriedIn, d.Withheld = incentive.NewMoney(carriedIn, cur), incentive.NewMoney(withheld, cur)
	d.Payable, d.CarriedOut = incentive.NewMoney(payable, cur), incentive.NewMoney(carriedOut, cur)
	d.Fees, d.Sent = incentive.NewMoney(st.Fees.Amount(), cur), incentive.NewMoney(st.Sent.Amount(), cur)
	const identity = "earned - expired - held + carried in - withheld = payable + carried out"
	d.Check = identity + ": holds for every partner, bucket and the total"
	if len(broken) > 0 {
		d.Check = identity + ": DOES NOT HOLD for " + strings.Join(broken, ", ")
		return d, fmt.Errorf("the statement does not add up for %s", strings.Join(broken, ", "))
	}
	return d, nil
}

// writeStatement writes the statement in the format asked.
func writeStatement(w io.Writer, format string, st *incentive.Statement, p *incentive.Program, asOf time.Time, names map[string]string) error {
	d, err := buildStatement(st, p, asOf, names)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	case "csv":
		return d.writeCSV(w)
	}
	return d.writeText(w)
}

// amountText renders an amount at the currency's places with thousands
// separators: 38,937.01.
func amountText(m incentive.Money, cur incentive.Currency) string {
	s := incentive.FormatAmount(m.Amount(), cur)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// writeText writes an aligned table (laid out as text/tabwriter would),
// whatever the length of the partner ids and names: text columns aligned
// left, amounts right.
func (d *statementDoc) writeText(w io.Writer) error {
	cur := d.Currency
	var b strings.Builder
	fmt.Fprintf(&b, "Earnings statement: %s\n", d.Program.Name)
	fmt.Fprintf(&b, "Program %s v%d, hash %s\n", d.Program.ID, d.Program.Version, d.Program.Hash)
	if d.AsOf != "" {
		fmt.Fprintf(&b, "As of %s (claim windows and holds checked)\n", d.AsOf)
	} else {
		b.WriteString("As of: not given (claim windows not checked; nothing expired; everything under a hold is held)\n")
	}
	fmt.Fprintf(&b, "Currency %s; %s\n", cur, d.Rounding)
	fmt.Fprintf(&b, "Deals %d, eligible %d\n", d.Deals, d.Eligible)
	if line := d.budgetText(); line != "" {
		b.WriteString(line + "\n")
	}
	b.WriteString("\n")

	const textCols = 2 // partner, name; the rest are numbers
	rows := [][]string{{"partner", "name", "deals", "eligible", "earned", "expired", "held", "carried in", "withheld", "payable", "carried out"}}
	amounts := func(ms ...incentive.Money) []string {
		out := make([]string, len(ms))
		for i, m := range ms {
			out[i] = amountText(m, cur)
		}
		return out
	}
	// spans marks the rows of settlement details, whose labels run on
	// into the name column (below).
	spans := map[int]bool{}
	for _, r := range d.Partners {
		rows = append(rows, append([]string{r.Partner, r.Name, strconv.Itoa(r.Deals), strconv.Itoa(r.Eligible)},
			amounts(r.Earned, r.Expired, r.Held, r.CarriedIn, r.Withheld, r.Payable, r.CarriedOut)...))
		for _, bk := range r.Buckets {
			rows = append(rows, append([]string{"  bucket " + bucketLabel(bk.Bucket), "min " + amountText(bk.MinPayout, cur), "", ""},
				amounts(bk.Earned, bk.Expired, bk.Held, bk.CarriedIn, bk.Withheld, bk.Payable, bk.CarriedOut)...))
		}
		for _, h := range r.Holds {
			when := "until " + h.MaturesOn.String()
			if h.MaturesOn.IsZero() {
				when = "hold not started"
			}
			if len(r.Buckets) > 0 {
				when = bucketLabel(h.Bucket) + " " + when
			}
			rows = append(rows, []string{"  held " + when, "", "", "", "", "", amountText(h.Amount, cur), "", "", "", ""})
		}
		for _, s := range r.ByType {
			rows = append(rows, []string{"  type " + s.Key, "", "", "", amountText(s.Amount, cur), "", "", "", "", "", ""})
		}
		for _, s := range r.ByPayee {
			rows = append(rows, []string{"  payee " + s.Key, "", "", "", amountText(s.Amount, cur), "", "", "", "", "", ""})
		}
		for _, s := range r.Shares {
			if s.To != r.Partner {
				// Paid to another partner: not in this partner's earned,
				// so not in the earned column.
				rows = append(rows, []string{"  " + shareText(s, r.Partner), amountText(s.Amount, cur) + ", not in earned", "", "", "", "", "", "", "", "", ""})
				continue
			}
			rows = append(rows, []string{"  " + shareText(s, r.Partner), "", "", "", amountText(s.Amount, cur), "", "", "", "", "", ""})
		}
		for _, s := range r.Settlements {
			for _, sr := range settlementRows(s, cur) {
				spans[len(rows)] = true
				rows = append(rows, sr)
			}
		}
		for _, c := range r.SettlementCarry {
			for _, cr := range carryRows(c, cur) {
				spans[len(rows)] = true
				rows = append(rows, cr)
			}
		}
		if !r.Fee.IsZero() {
			// In the payable column: the fee comes out of the payment.
			rows = append(rows, []string{"  fee (" + r.PaymentMethod + ")", "", "", "", "", "", "", "", "", amountText(r.Fee.Neg(), cur), ""},
				[]string{"  sent", "", "", "", "", "", "", "", "", amountText(r.Sent, cur), ""})
		}
	}
	rows = append(rows, make([]string, len(rows[0])), append([]string{"total", "", strconv.Itoa(d.Deals), strconv.Itoa(d.Eligible)},
		amounts(d.Earned, d.Expired, d.Held, d.CarriedIn, d.Withheld, d.Payable, d.CarriedOut)...))
	if !d.Fees.IsZero() {
		rows = append(rows, []string{"  fees", "", "", "", "", "", "", "", "", amountText(d.Fees.Neg(), cur), ""},
			[]string{"  sent", "", "", "", "", "", "", "", "", amountText(d.Sent, cur), ""})
	}
	// Numbers are padded on the left to their column's width, text on the
	// right, and two blanks part the columns: the layout of
	// text/tabwriter (padding 2), written directly, as the width of every
	// column is known (tabwriter took a quarter of the command's time
	// outside evaluation for 5,000 partners). Blanks that end a line are
	// dropped.
	//
	// A settlement's detail rows (its advances, true-up, cuts, carries)
	// run their labels on into the empty name column, so a long label
	// ("capped (not paid, not carried) ...: partner cap ... cut ...")
	// widens the name column, if anything, and not the partner column,
	// which stays as wide as the ids.
	width := make([]int, len(rows[0]))
	for n, r := range rows {
		for i, c := range r {
			if strings.IndexFunc(c, unicode.IsControl) >= 0 {
				// A line break or tab in a name (a quoted CSV cell)
				// would split the row or shift its columns: shown
				// escaped, as Go writes it.
				q := strconv.Quote(c)
				c = q[1 : len(q)-1]
				r[i] = c
			}
			if i < textCols && spans[n] {
				continue
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for n := range spans {
		width[1] = max(width[1], utf8.RuneCountInString(rows[n][0])-width[0]-2)
	}
	var out strings.Builder
	for line := range strings.SplitSeq(strings.TrimSuffix(b.String(), "\n"), "\n") {
		out.WriteString(strings.TrimRight(line, " "))
		out.WriteByte('\n')
	}
	var line []byte
	for n, r := range rows {
		line = line[:0]
		for i, c := range r {
			if spans[n] && i == 1 {
				continue
			}
			pad := width[i] - utf8.RuneCountInString(c)
			if spans[n] && i == 0 {
				pad += 2 + width[1]
			}
			if i >= textCols {
				line = appendBlanks(line, pad)
			}
			line = append(line, c...)
			if i < textCols {
				line = appendBlanks(line, pad)
			}
			if i < len(r)-1 {
				line = appendBlanks(line, 2)
			}
		}
		for len(line) > 0 && line[len(line)-1] == ' ' {
			line = line[:len(line)-1]
		}
		out.Write(line)
		out.WriteByte('\n')
	}
	fmt.Fprintf(&out, "\nCheck: %s.\n", strings.TrimRight(d.Check, " "))
	_, err := io.WriteString(w, out.String())
	return err
}

// budgetText is the text statement's line on the program's budget: what
// it has paid through this run against its limit ("Budget used
// 47,250.00 of 250,000.00, 202,750.00 left"), or "" for a program
// without a budget cap. A budget used past its limit (a figure carried
// in from an earlier run can be) says by how much. With more than one
// budget cap, every cap counts the same payouts: the line names each
// limit.
func (d *statementDoc) budgetText() string {
	if d.BudgetUsed == nil || len(d.budgets) == 0 {
		return ""
	}
	cur := d.Currency
	used := d.BudgetUsed.Amount()
	line := "Budget used " + amountText(*d.BudgetUsed, cur)
	for i, limit := range d.budgets {
		if i > 0 {
			line += ";"
		}
		left := limit.Amount().Sub(used)
		if left.Sign() >= 0 {
			line += " of " + amountText(limit, cur) + ", " + amountText(incentive.NewMoney(left, cur), cur) + " left"
		} else {
			line += " of " + amountText(limit, cur) + ", over by " + amountText(incentive.NewMoney(left.Neg(), cur), cur)
		}
	}
	return line
}

// expiredKey is the entry of a partner's by_type and by_payee that holds
// what expired, which the command's earned counts (the parentheses keep it
// apart from any earning type's or payee's name).
const expiredKey = "(expired)"

// appendBlanks appends n blanks to b.
func appendBlanks(b []byte, n int) []byte {
	for range n {
		b = append(b, ' ')
	}
	return b
}

// shareText names a split deal on a partner's statement: "split deal D-1
// from P-1 (deal.referrer)" on the partner paid a part, "... to R-9 ..." on
// the deal's partner (whose earned excludes the part).
func shareText(s incentive.StatementShare, partner string) string {
	what := "split deal " + s.Deal + " to " + s.To
	if s.To == partner {
		what = "split deal " + s.Deal + " from " + s.From
	}
	what += " (" + s.Via + ")"
	if s.Expired {
		what += ", expired"
	}
	return what
}

// settlementRows show one period settlement: its advances (by
// sub-period), entitlement, carry and true-up; the payable true-up in the
// earned column, as the partner's earned includes it.
func settlementRows(s incentive.SettlementLine, cur incentive.Currency) [][]string {
	row := func(label, amount string) []string {
		return []string{"  " + label, "", "", "", amount, "", "", "", "", "", ""}
	}
	head := "settlement " + s.Settlement + " " + s.From.String() + ".." + s.To.String()
	if !s.Settled {
		head += " (open: not settled)"
	}
	out := [][]string{row(head, "")}
	for _, a := range s.AdvancesBy {
		out = append(out, row("    advances "+a.Key+" (in earned above)", amountText(a.Amount, cur)))
	}
	out = append(out, row("    basis "+amountText(s.Basis, cur)+", entitlement "+amountText(s.Entitlement, cur), ""))
	if !s.CarriedIn.IsZero() {
		out = append(out, row("    carried in "+amountText(s.CarriedIn, cur), ""))
	}
	if !s.Credited.IsZero() {
		out = append(out, row("    credited in the year before "+amountText(s.Credited, cur), ""))
	}
	if s.Settled {
		out = append(out, row("    true-up "+amountText(s.TrueUp, cur)+", payable", amountText(s.Payable, cur)))
		if !s.Capped.IsZero() {
			// The part the caps cut is lost, as a deal line's cut is.
			out = append(out, row("    capped (not paid, not carried) "+amountText(s.Capped, cur)+": "+settlementCuts(s.Cuts, cur), ""))
		}
		if !s.CarriedOut.IsZero() {
			out = append(out, row("    carried out (not invoiced) "+amountText(s.CarriedOut, cur), ""))
		}
	}
	return out
}

// settlementCuts names the caps that cut a true-up: "partner cap
// 12,000.00 cut 3,900.00; budget 5,000.00 cut 10.00".
func settlementCuts(cuts []incentive.CapCut, cur incentive.Currency) string {
	parts := make([]string, len(cuts))
	for i, c := range cuts {
		name := "partner cap "
		if c.Scope == incentive.CapBudget {
			name = "budget "
		}
		parts[i] = name + amountText(incentive.NewMoney(c.Limit, cur), cur) + " cut " + amountText(incentive.NewMoney(c.Cut, cur), cur)
	}
	return strings.Join(parts, "; ")
}

// carryRows show what a settlement carries into the next run (-carried
// reads it from the JSON statement): a negative true-up, and the periods
// still open with their basis and advances so far.
func carryRows(c incentive.SettlementCarry, cur incentive.Currency) [][]string {
	row := func(label string) []string {
		return []string{"  " + label, "", "", "", "", "", "", "", "", "", ""}
	}
	var out [][]string
	if !c.Carried.IsZero() {
		out = append(out, row(c.Settlement+" carries "+amountText(c.Carried, cur)+" on"))
	}
	for _, o := range c.Open {
		adv := decimal.Zero
		for _, a := range o.Advances {
			adv = adv.Add(a.Amount.Amount())
		}
		out = append(out, row(c.Settlement+" carries open "+o.From.String()+" on"),
			row("    basis "+amountText(o.Basis, cur)+", advanced "+amountText(incentive.NewMoney(adv, cur), cur)))
	}
	return out
}

// writeCSV writes one row per partner and a total row, amounts as plain
// decimals at the currency's places, for a spreadsheet.
func (d *statementDoc) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cur := d.Currency
	amt := func(m incentive.Money) string { return incentive.FormatAmount(m.Amount(), cur) }
	head := []string{"program", "version", "hash", "as_of", "currency", "partner", "name", "deals", "eligible",
		"earned", "expired", "held", "carried_in", "withheld", "payable", "carried_out", "payment_method", "fee", "sent"}
	// With period settlements, a row per settlement line follows its
	// partner's row: kind "settlement", the statement's amount columns
	// empty (the payable true-up is in the partner's earned already) and
	// the settlement's own columns filled; partner rows are kind
	// "partner", the total "total".
	settles := false
	for _, r := range d.Partners {
		settles = settles || len(r.Settlements) > 0
	}
	stCols := []string{"kind", "settlement", "from", "to", "settled", "basis", "entitlement", "advances", "carried_in_true_up", "credited",
		"true_up", "true_up_payable", "true_up_capped", "capped_by", "true_up_carried_out"}
	if settles {
		head = append(head, stCols...)
	}
	// A program with a budget gets a last column, budget_used, filled on
	// the total row only: what the budget has paid through this run is a
	// figure of the program, not of a partner.
	budget := d.BudgetUsed != nil && len(d.budgets) > 0
	if budget {
		head = append(head, "budget_used")
	}
	last := func(rec []string, used string) []string {
		if !budget {
			return rec
		}
		return append(rec, used)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	base := []string{d.Program.ID, strconv.Itoa(d.Program.Version), d.Program.Hash, d.AsOf, string(cur)}
	kind := func(rec []string, k string) []string {
		if !settles {
			return rec
		}
		return append(append(rec, k), make([]string, len(stCols)-1)...)
	}
	for _, r := range d.Partners {
		rec := append(append([]string(nil), base...), r.Partner, r.Name, strconv.Itoa(r.Deals), strconv.Itoa(r.Eligible),
			amt(r.Earned), amt(r.Expired), amt(r.Held), amt(r.CarriedIn), amt(r.Withheld), amt(r.Payable), amt(r.CarriedOut), r.PaymentMethod, amt(r.Fee), amt(r.Sent))
		if err := cw.Write(last(kind(rec, "partner"), "")); err != nil {
			return err
		}
		for _, l := range r.Settlements {
			var by []string
			for _, c := range l.Cuts {
				by = append(by, string(c.Scope))
			}
			rec := append(append(append([]string(nil), base...), r.Partner, r.Name), make([]string, 12)...)
			rec = append(rec, "settlement", l.Settlement, l.From.String(), l.To.String(), strconv.FormatBool(l.Settled), amt(l.Basis), amt(l.Entitlement),
				amt(l.Advances), amt(l.CarriedIn), amt(l.Credited), amt(l.TrueUp), amt(l.Payable), amt(l.Capped), strings.Join(by, ";"), amt(l.CarriedOut))
			if err := cw.Write(last(rec, "")); err != nil {
				return err
			}
		}
	}
	rec := append(append([]string(nil), base...), "TOTAL", "", strconv.Itoa(d.Deals), strconv.Itoa(d.Eligible),
		amt(d.Earned), amt(d.Expired), amt(d.Held), amt(d.CarriedIn), amt(d.Withheld), amt(d.Payable), amt(d.CarriedOut), "", amt(d.Fees), amt(d.Sent))
	used := ""
	if budget {
		used = amt(*d.BudgetUsed)
	}
	if err := cw.Write(last(kind(rec, "total"), used)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// bucketLabel names a payout bucket in the text statement and messages:
// the default bucket (incentive.DefaultBucket, "") is "default".
func bucketLabel(b string) string {
	if b == incentive.DefaultBucket {
		return "default"
	}
	return b
}
