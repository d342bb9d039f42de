package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// amountRE is the amount syntax of deals files, which carried-in files
// share: an optional minus, digits and an optional fraction. No exponent,
// no leading "+" or ".", no thousands separators.
var amountRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// maxAmountLen bounds an amount's text, as in deals files.
const maxAmountLen = 40

// parseAmount reads an amount in currency cur written as in deals files,
// with no more decimal places than the currency's minor unit, or than
// places when the program rounds to more (rounding: {scale: 4}, whose
// statements carry amounts such as 1.2300): a carried amount was paid, or
// owed, in whole units of the program's rounding.
func parseAmount(text string, cur incentive.Currency, places int32) (decimal.Decimal, error) {
	if len(text) > maxAmountLen || !amountRE.MatchString(text) {
		return decimal.Decimal{}, fmt.Errorf("want a decimal amount such as 40.00 or -12.5 (no exponent, sign \"+\" or leading \".\"), got %q", clipText(text))
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q: %w", clipText(text), err)
	}
	if cur != "" && -d.Exponent() > max(cur.MinorUnits(), places) {
		if places > cur.MinorUnits() {
			return decimal.Decimal{}, fmt.Errorf("%s has more decimal places than the program rounds %s to (%d)", text, cur, places)
		}
		return decimal.Decimal{}, fmt.Errorf("%s has more decimal places than %s has (%d)", text, cur, cur.MinorUnits())
	}
	return d, nil
}

// clipText shortens text quoted in a message.
func clipText(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "..."
	}
	return s
}

// carriedIn is what each partner brings in, per payout bucket
// (incentive.DefaultBucket, "", for a program without payouts: buckets).
type carriedIn map[string]map[string]decimal.Decimal

// parseCarried reads a carried-in file: a JSON object of partner id to an
// amount in the program currency, written as a string ("40.00") or a
// number (40), or to an object of payout bucket to amount ({"rebates":
// "-30.00"}, where "default" names the default bucket); or a previous
// run's JSON statement. A partner or bucket
// listed twice, an amount in another syntax than deals files use or with
// more places than the currency has is an error naming the line.
func parseCarried(name string, src []byte, cur incentive.Currency, places int32) (carriedIn, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) == nil && top["partners"] != nil && top["program"] != nil {
		return carriedFromStatement(name, src, cur, places)
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	at := func() string { return fmt.Sprintf("%s:%d", name, lineAt(src, dec.InputOffset())) }
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s: %s", at(), fmt.Sprintf(format, a...))
	}
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%s: want a JSON object of partner id to amount, such as {\"P-1\": \"40.00\"}", name)
	}
	out := carriedIn{}
	// amount reads an amount token (tok already read).
	amount := func(what string, tok json.Token) (decimal.Decimal, error) {
		var text string
		switch v := tok.(type) {
		case string:
			text = v
		case json.Number:
			text = v.String()
		default:
			if d, ok := tok.(json.Delim); ok {
				return decimal.Decimal{}, bad("%s: want an amount, got a JSON %s", what, delimName(d))
			}
			return decimal.Decimal{}, bad("%s: want an amount, got %v", what, tok)
		}
		d, err := parseAmount(text, cur, places)
		if err != nil {
			return decimal.Decimal{}, bad("%s: %v", what, err)
		}
		return d, nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad("%v", err)
		}
		id, _ := tok.(string)
		if id == "" {
			return nil, bad("a partner id must not be empty")
		}
		if _, dup := out[id]; dup {
			return nil, bad("partner %s is listed twice", id)
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, bad("partner %s: %v", id, err)
		}
		out[id] = map[string]decimal.Decimal{}
		if tok != json.Delim('{') {
			d, err := amount("partner "+id, tok)
			if err != nil {
				return nil, err
			}
			out[id][incentive.DefaultBucket] = d
			continue
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, bad("partner %s: %v", id, err)
			}
			bucket, _ := tok.(string)
			if bucket == "" {
				return nil, bad("partner %s: a bucket name must not be empty", id)
			}
			if bucket == "default" {
				// The statement's and the YAML tests' name for the
				// bucket of the earning types no bucket lists (a
				// program's bucket cannot be named default).
				bucket = incentive.DefaultBucket
			}
			if _, dup := out[id][bucket]; dup {
				return nil, bad("partner %s: bucket %s is listed twice", id, bucketLabel(bucket))
			}
			if tok, err = dec.Token(); err != nil {
				return nil, bad("partner %s: %v", id, err)
			}
			d, err := amount("partner "+id+", bucket "+bucket, tok)
			if err != nil {
				return nil, err
			}
			out[id][bucket] = d
		}
		if _, err := dec.Token(); err != nil {
			return nil, bad("partner %s: %v", id, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad("%v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: want a single JSON object", name)
	}
	return out, nil
}

// delimName names the value a JSON delimiter opens.
func delimName(d json.Delim) string {
	if d == '[' {
		return "list"
	}
	return "object"
}

// lineAt is the 1-based line of byte offset off in src.
func lineAt(src []byte, off int64) int {
	off = min(max(off, 0), int64(len(src)))
	return bytes.Count(src[:off], []byte("\n")) + 1
}

// carriedFromStatement reads what each partner carries out of a previous
// run's JSON statement (-output json): it is carried into this one, bucket
// by bucket when the statement has payout buckets.
func carriedFromStatement(name string, src []byte, cur incentive.Currency, places int32) (carriedIn, error) {
	type amount struct {
		Amount   string `json:"amount"`
		Currency string `json:"currency"`
	}
	var st struct {
		Currency string `json:"currency"`
		Partners []struct {
			Partner    string `json:"partner"`
			CarriedOut amount `json:"carried_out"`
			Buckets    []struct {
				Bucket     *string `json:"bucket"`
				CarriedOut amount  `json:"carried_out"`
			} `json:"buckets"`
		} `json:"partners"`
	}
	if err := json.Unmarshal(src, &st); err != nil {
		return nil, fmt.Errorf("%s: not a statement written by 'partnerops run -output json': %v", name, err)
	}
	if st.Currency != string(cur) {
		return nil, fmt.Errorf("%s: the statement is in %s, the program pays in %s", name, st.Currency, cur)
	}
	out := carriedIn{}
	for i, p := range st.Partners {
		if p.Partner == "" {
			return nil, fmt.Errorf("%s: partners[%d] has no partner id", name, i)
		}
		if _, dup := out[p.Partner]; dup {
			return nil, fmt.Errorf("%s: partner %s is listed twice", name, p.Partner)
		}
		m := map[string]decimal.Decimal{}
		if len(p.Buckets) == 0 {
			d, err := parseAmount(p.CarriedOut.Amount, cur, places)
			if err != nil {
				return nil, fmt.Errorf("%s: partner %s: carried_out: %v", name, p.Partner, err)
			}
			if !d.IsZero() {
				m[incentive.DefaultBucket] = d
			}
		}
		for k, b := range p.Buckets {
			if b.Bucket == nil {
				return nil, fmt.Errorf("%s: partner %s: buckets[%d] has no bucket name", name, p.Partner, k)
			}
			if _, dup := m[*b.Bucket]; dup {
				return nil, fmt.Errorf("%s: partner %s: bucket %s is listed twice", name, p.Partner, bucketLabel(*b.Bucket))
			}
			d, err := parseAmount(b.CarriedOut.Amount, cur, places)
			if err != nil {
				return nil, fmt.Errorf("%s: partner %s: bucket %s: carried_out: %v", name, p.Partner, bucketLabel(*b.Bucket), err)
			}
			if !d.IsZero() {
				m[*b.Bucket] = d
			}
		}
		if len(m) > 0 {
			out[p.Partner] = m
		}
	}
	return out, nil
}

// check makes sure every bucket the carried amounts name is one the
// program pays from, so no balance is silently dropped.
func (c carriedIn) check(name string, p *incentive.Program) error {
	buckets := p.PayoutBuckets()
	for _, id := range sortedKeys(c) {
		for b := range c[id] {
			if slices.Contains(buckets, b) {
				continue
			}
			var names []string
			for _, x := range buckets {
				names = append(names, bucketLabel(x))
			}
			if b == incentive.DefaultBucket {
				return fmt.Errorf("%s: partner %s carries an amount without a bucket, but program %s pays every earning type from a named bucket (%s): give the amount per bucket, such as {\"%s\": {\"%s\": \"40.00\"}}",
					name, id, p.ID, strings.Join(names, ", "), id, buckets[0])
			}
			return fmt.Errorf("%s: partner %s: program %s has no payout bucket %q (it pays from %s)", name, id, p.ID, b, strings.Join(names, ", "))
		}
	}
	return nil
}

// heldFromStatement reads what a previous run's JSON statement held (each
// partner's holds): this run carries it in, and pays what has matured as
// of its -as-of date. A file that is not a statement holds nothing.
func heldFromStatement(name string, src []byte, cur incentive.Currency, places int32) (map[string][]incentive.HeldAmount, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) != nil || top["partners"] == nil || top["program"] == nil {
		return nil, nil
	}
	var st struct {
		Partners []struct {
			Partner string `json:"partner"`
			Holds   []struct {
				Bucket    string         `json:"bucket"`
				MaturesOn incentive.Date `json:"matures_on"`
				Amount    struct {
					Amount string `json:"amount"`
				} `json:"amount"`
			} `json:"holds"`
		} `json:"partners"`
	}
	if err := json.Unmarshal(src, &st); err != nil {
		return nil, fmt.Errorf("%s: not a statement written by 'partnerops run -output json': %v", name, err)
	}
	out := map[string][]incentive.HeldAmount{}
	for _, p := range st.Partners {
		for k, h := range p.Holds {
			d, err := parseAmount(h.Amount.Amount, cur, places)
			if err != nil {
				return nil, fmt.Errorf("%s: partner %s: holds[%d]: %v", name, p.Partner, k, err)
			}
			out[p.Partner] = append(out[p.Partner], incentive.HeldAmount{Bucket: h.Bucket, MaturesOn: h.MaturesOn, Amount: incentive.NewMoney(d, cur)})
		}
	}
	return out, nil
}

// statementProgram is the program a JSON statement was written for.
type statementProgram struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// settlementFromStatement reads what a previous run's JSON statement
// carries of the program's period settlements (each partner's
// settlement_carry), after checking that the statement is of the same
// program: another program id is an error, another version or hash a
// warning (returned in warn), as the terms may change from one quarter to
// the next while the balances carry on. A file that is not a statement
// carries no settlement.
func settlementFromStatement(name string, src []byte, p *incentive.Program) (carries []incentive.SettlementCarry, warn string, err error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) != nil || top["partners"] == nil || top["program"] == nil {
		return nil, "", nil
	}
	var st struct {
		Program  statementProgram `json:"program"`
		Partners []struct {
			Partner         string                      `json:"partner"`
			SettlementCarry []incentive.SettlementCarry `json:"settlement_carry"`
		} `json:"partners"`
	}
	if err := json.Unmarshal(src, &st); err != nil {
		return nil, "", fmt.Errorf("%s: not a statement written by 'partnerops run -output json': %v", name, err)
	}
	if st.Program.ID != p.ID {
		return nil, "", fmt.Errorf("%s is a statement of program %q, not of %q: its balances and settlements carry into the same program only", name, st.Program.ID, p.ID)
	}
	if hash := p.Hash; st.Program.Version != p.Version || st.Program.Hash != hash {
		warn = fmt.Sprintf("%s is a statement of %s v%d (hash %s); this run is v%d (hash %s): its balances and settlements are carried into the new terms as they are",
			name, st.Program.ID, st.Program.Version, st.Program.Hash, p.Version, hash)
	}
	for _, ps := range st.Partners {
		for k, c := range ps.SettlementCarry {
			if c.PartnerID != ps.Partner {
				return nil, "", fmt.Errorf("%s: partner %s: settlement_carry[%d] is partner %q's", name, ps.Partner, k, c.PartnerID)
			}
			carries = append(carries, c)
		}
	}
	return carries, warn, nil
}

// chainIn is what a previous run's JSON statement carries of the program's
// running counts: what its budget had paid, and the day the run was as of.
type chainIn struct {
	// statement: the -carried file is a statement (not a balances
	// object).
	statement bool
	// budget is the statement's budget_used; nil when it has none (a
	// program without a budget cap, or a statement written before
	// partnerops recorded it).
	budget *decimal.Decimal
	// asOf is the statement's as_of, as a day in the program's time
	// zone; zero when it has none.
	asOf incentive.Date
}

// chainFromStatement reads budget_used and as_of from a previous run's
// JSON statement. A file that is not a statement carries neither. A
// budget_used in another currency than the program's, or below zero, is
// an error; so is an as_of that is not an RFC 3339 time.
func chainFromStatement(name string, src []byte, p *incentive.Program) (chainIn, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) != nil || top["partners"] == nil || top["program"] == nil {
		return chainIn{}, nil
	}
	var st struct {
		AsOf       string           `json:"as_of"`
		BudgetUsed *incentive.Money `json:"budget_used"`
	}
	if err := json.Unmarshal(src, &st); err != nil {
		return chainIn{}, fmt.Errorf("%s: not a statement written by 'partnerops run -output json': %v", name, err)
	}
	c := chainIn{statement: true}
	if st.AsOf != "" {
		t, err := time.Parse(time.RFC3339, st.AsOf)
		if err != nil {
			return chainIn{}, fmt.Errorf("%s: as_of: want an RFC 3339 time such as 2027-05-31T23:59:59Z, got %q", name, clipText(st.AsOf))
		}
		c.asOf = incentive.DateOf(t.In(p.Effective.Loc()))
	}
	if m := st.BudgetUsed; m != nil && (m.Currency() != "" || !m.Amount().IsZero()) {
		if m.Currency() != p.Currency {
			return chainIn{}, fmt.Errorf("%s: budget_used is in %s, the program pays in %s", name, m.Currency(), p.Currency)
		}
		if m.Amount().Sign() < 0 {
			return chainIn{}, fmt.Errorf("%s: budget_used %s is below zero", name, m.Amount())
		}
		d := m.Amount()
		c.budget = &d
	}
	return c, nil
}

// budgetCap is the program's first budget cap; nil when it has none.
func budgetCap(p *incentive.Program) *incentive.Cap {
	for i := range p.Caps {
		if p.Caps[i].Scope == incentive.CapBudget {
			return &p.Caps[i]
		}
	}
	return nil
}

// capPeriodWarnings returns a warning for each per_partner cap of p whose
// period holds both the day the carried statement was as of and the
// close day of this run's first deal (first, zero when the run had
// none): the run counts that cap from zero, as the cap counts do not
// carry from one run to the next, so over the two runs a partner can be
// paid past it. A statement without an as_of cannot be checked, and gets
// one warning saying so when p has a per_partner cap.
func capPeriodWarnings(name string, c chainIn, p *incentive.Program, first incentive.Date) []string {
	if !c.statement || first.IsZero() {
		return nil
	}
	var out []string
	for i := range p.Caps {
		cp := &p.Caps[i]
		if cp.Scope != incentive.CapPartner {
			continue
		}
		per := cp.Period
		if per == "" {
			per = p.Period
		}
		if per == "" {
			per = incentive.PeriodProgram
		}
		what := fmt.Sprintf("per_partner cap %s per %s", amountText(incentive.NewMoney(cp.Limit, p.Currency), p.Currency), per)
		if c.asOf.IsZero() {
			return append(out, fmt.Sprintf("%s has no as_of, so this run cannot tell whether it continues a %s of the previous run: the %s (and any other per_partner cap) counts from 0.00 in this run, as cap counts do not carry between runs; run each cap period's deals in one run", name, per, what))
		}
		label := incentive.PeriodLabel(per, first)
		if per == incentive.PeriodProgram {
			label = "the program's term"
		} else if label != incentive.PeriodLabel(per, c.asOf) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: the previous run (%s, as of %s) and this run's first deal (%s) are both in %s, but cap counts do not carry between runs: this run counts the cap from 0.00, so over the two runs a partner can be paid past it; run the whole %s at once (all its deals in one run, -carried from the statement before it)",
			what, name, c.asOf, first, label, per))
	}
	return out
}

// runChain links a run to the previous one of a chain (-carried): it
// starts the budget from the carried budget_used, and records what the
// statement needs for the next (the run's counts) and the close day of
// the run's first deal (for capPeriodWarnings). A nil runChain does
// nothing.
type runChain struct {
	in     chainIn
	counts incentive.RunCounts
	// first is the first deal's close time, stored once by the goroutine
	// reading the deals (the run may read them on one of its own).
	first atomic.Pointer[time.Time]
}

// options sets the run's starting budget and asks it for its counts.
func (c *runChain) options(opts *incentive.RunOptions) {
	if c == nil {
		return
	}
	if c.in.budget != nil {
		opts.BudgetUsed = *c.in.budget
	}
	opts.Counts = &c.counts
}

// watch passes the deals through, noting the first one's close time.
func (c *runChain) watch(seq iter.Seq2[incentive.Input, error]) iter.Seq2[incentive.Input, error] {
	if c == nil {
		return seq
	}
	return func(yield func(incentive.Input, error) bool) {
		seen := false
		for in, err := range seq {
			if !seen && err == nil {
				seen = true
				t := in.Deal.CloseDate
				c.first.Store(&t)
			}
			if !yield(in, err) {
				return
			}
		}
	}
}

// firstDay is the close day of the run's first deal in the program's time
// zone; zero when it had none.
func (c *runChain) firstDay(p *incentive.Program) incentive.Date {
	if t := c.first.Load(); t != nil {
		return incentive.DateOf(t.In(p.Effective.Loc()))
	}
	return incentive.Date{}
}

// budgetUsed is what the budget has paid through the run (settlement
// true-ups settled after it as of at included, when settle is set), for
// the statement; ok is false when the program has no budget cap.
func (c *runChain) budgetUsed(settle *incentive.SettlementBuilder, at incentive.Date) (decimal.Decimal, bool) {
	if settle != nil {
		return settle.BudgetUsed(at)
	}
	return c.counts.BudgetUsed()
}

// budgetWarning says what becomes of the budget when the carried statement
// does not fit the program's: a statement without budget_used (one written
// before partnerops recorded it) for a program with a budget starts this
// run's budget from zero, and a budget_used for a program without a
// budget is not used. "" when there is nothing to say.
func (c chainIn) budgetWarning(name string, p *incentive.Program) string {
	if !c.statement {
		return ""
	}
	bc := budgetCap(p)
	switch {
	case bc != nil && c.budget == nil:
		return fmt.Sprintf("%s records no budget_used (a statement written before partnerops recorded it): this run's budget of %s starts from 0.00, so the chain can pay past it; rerun the earlier runs to get statements with budget_used, or run their deals and this run's at once",
			name, amountText(incentive.NewMoney(bc.Limit, p.Currency), p.Currency))
	case bc == nil && c.budget != nil:
		return fmt.Sprintf("%s records budget_used %s, but program %s v%d has no budget: it is not used",
			name, amountText(incentive.NewMoney(*c.budget, p.Currency), p.Currency), p.ID, p.Version)
	}
	return ""
}

// methodsFromStatement reads each partner's payment method from a previous
// run's JSON statement, for a partner who only carries a balance into this
// run and has no -partners record to name it. A file that is not a
// statement names none; a method partnerops does not know is an error.
func methodsFromStatement(name string, src []byte) (map[string]partner.PaymentMethod, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) != nil || top["partners"] == nil || top["program"] == nil {
		return nil, nil
	}
	var st struct {
		Partners []struct {
			Partner string `json:"partner"`
			Method  string `json:"payment_method"`
		} `json:"partners"`
	}
	if err := json.Unmarshal(src, &st); err != nil {
		return nil, fmt.Errorf("%s: not a statement written by 'partnerops run -output json': %v", name, err)
	}
	out := map[string]partner.PaymentMethod{}
	for _, p := range st.Partners {
		if p.Method == "" {
			continue
		}
		m := partner.PaymentMethod(p.Method)
		if !slices.Contains(partner.PaymentMethods(), m) {
			return nil, fmt.Errorf("%s: partner %s: unknown payment_method %q", name, p.Partner, clipText(p.Method))
		}
		out[p.Partner] = m
	}
	return out, nil
}
