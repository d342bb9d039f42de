package ledger

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// ErrReplayMismatch: replaying the entries or re-evaluating an accrual gave
// a different figure than the one stored.
var ErrReplayMismatch = errors.New("replay mismatch")

// ReplayParams selects what Replay checks.
type ReplayParams struct {
	// SkipAccruals skips re-evaluating claims against their programs.
	SkipAccruals bool
}

// ReplayReport is what Replay found.
type ReplayReport struct {
	// Entries is the number of entries replayed; Head the chain's end.
	Entries int  `json:"entries"`
	Head    Head `json:"head"`
	// Balances are rebuilt from the entries alone.
	Balances []Balance `json:"balances"`
	// Accruals is the number of earning claims re-evaluated.
	Accruals int `json:"accruals"`
	// Mismatches describe every difference found; empty when the replay
	// agrees to the cent.
	Mismatches []string `json:"mismatches"`
}

// Replay reads every entry, verifies the hash chain, rebuilds every
// balance from the postings and compares it with the store's balances, and
// re-evaluates each earning claim's accrual against the exact program
// version it was evaluated under (by content hash), with the input, prior
// totals, rate and time recorded with it. A broken chain is an error
// wrapping ErrChain; differences are listed in the report and the error
// wraps ErrReplayMismatch.
func (l *Ledger) Replay(ctx context.Context, p ReplayParams) (ReplayReport, error) {
	rep := ReplayReport{Mismatches: []string{}}
	type key struct {
		a Account
		c incentive.Currency
	}
	sums := map[key]*acc{}
	head := Head{}
	err := l.eachEntry(ctx, EntriesParams{}, func(e *Entry) error {
		h, err := VerifyChain(head, []Entry{*e})
		if err != nil {
			return err
		}
		head = h
		rep.Entries++
		for _, ps := range e.Postings {
			k := key{ps.Account, ps.Amount.Currency()}
			a := sums[k]
			if a == nil {
				a = &acc{}
				sums[k] = a
			}
			a.add(ps.Amount.Amount())
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	rep.Head = head
	stored, err := l.cfg.Store.Head(ctx, HeadParams{})
	if err != nil {
		return rep, err
	}
	if stored != head {
		rep.Mismatches = append(rep.Mismatches, fmt.Sprintf("store head is %d/%s, the entries end at %d/%s", stored.Seq, stored.Hash, head.Seq, head.Hash))
	}
	rebuilt := make(map[key]decimal.Decimal, len(sums))
	for k, v := range sums {
		rebuilt[k] = v.value()
		rep.Balances = append(rep.Balances, Balance{Account: k.a, Amount: incentive.NewMoney(rebuilt[k], k.c)})
	}
	slices.SortFunc(rep.Balances, func(a, b Balance) int {
		if a.Account != b.Account {
			return compareStrings(string(a.Account), string(b.Account))
		}
		return compareStrings(string(a.Amount.Currency()), string(b.Amount.Currency()))
	})
	bs, err := l.cfg.Store.Balances(ctx, BalancesParams{})
	if err != nil {
		return rep, err
	}
	seen := map[key]bool{}
	for _, b := range bs {
		k := key{b.Account, b.Amount.Currency()}
		seen[k] = true
		if !rebuilt[k].Equal(b.Amount.Amount()) {
			rep.Mismatches = append(rep.Mismatches, fmt.Sprintf("%s: store says %s, entries say %s", b.Account, b.Amount, incentive.NewMoney(rebuilt[k], k.c)))
		}
	}
	for k, v := range rebuilt {
		if !seen[k] && !v.IsZero() {
			rep.Mismatches = append(rep.Mismatches, fmt.Sprintf("%s: store has no balance, entries say %s", k.a, incentive.NewMoney(v, k.c)))
		}
	}
	if !p.SkipAccruals {
		claims, err := l.cfg.Store.Claims(ctx, ClaimsParams{})
		if err != nil {
			return rep, err
		}
		for _, c := range claims {
			if c.Kind != EarningClaim || len(c.Input) == 0 || c.State == Rejected {
				continue
			}
			rep.Accruals++
			if msg := l.reevaluate(ctx, &c); msg != "" {
				rep.Mismatches = append(rep.Mismatches, msg)
			}
		}
	}
	slices.Sort(rep.Mismatches)
	if len(rep.Mismatches) > 0 {
		return rep, fmt.Errorf("%w: %d differences, first: %s", ErrReplayMismatch, len(rep.Mismatches), rep.Mismatches[0])
	}
	return rep, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// reevaluate evaluates a claim again and describes any difference.
func (l *Ledger) reevaluate(ctx context.Context, c *Claim) string {
	l.mu.RLock()
	pe, ok := l.hash[c.Program.Hash]
	l.mu.RUnlock()
	if !ok {
		return fmt.Sprintf("claim %s: program %s version %d (hash %s) is not registered", c.ID, c.Program.ID, c.Program.Version, c.Program.Hash)
	}
	in, asOf, err := decodeInput(c.Input)
	if err != nil {
		return fmt.Sprintf("claim %s: %v", c.ID, err)
	}
	res, err := pe.ev.Evaluate(ctx, in, asOf)
	if err != nil {
		return fmt.Sprintf("claim %s: re-evaluation failed: %v", c.ID, err)
	}
	if c.exceptionAmount() {
		// The exception paid a deal the terms found not eligible: the
		// replay must find it not eligible still.
		if res.Eligible {
			return fmt.Sprintf("claim %s: paid by exception as not eligible, re-evaluated as eligible", c.ID)
		}
		return ""
	}
	if !res.Total.Equal(c.Amount) && !(res.Total.Amount().Equal(c.Amount.Amount()) && res.Total.Currency() == c.Amount.Currency()) {
		return fmt.Sprintf("claim %s: re-evaluated to %s, recorded %s", c.ID, res.Total, c.Amount)
	}
	var lines []ClaimLine
	for _, ln := range res.Lines {
		if !ln.Amount.IsZero() {
			lines = append(lines, ClaimLine{Earning: ln.Earning, Type: ln.Type, Amount: ln.Amount})
		}
	}
	if len(lines) != len(c.Lines) {
		return fmt.Sprintf("claim %s: re-evaluated to %d lines, recorded %d", c.ID, len(lines), len(c.Lines))
	}
	for i := range lines {
		if lines[i].Earning != c.Lines[i].Earning || lines[i].Type != c.Lines[i].Type || !lines[i].Amount.Amount().Equal(c.Lines[i].Amount.Amount()) {
			return fmt.Sprintf("claim %s: line %s re-evaluated to %s, recorded %s", c.ID, lines[i].Earning, lines[i].Amount, c.Lines[i].Amount)
		}
	}
	return ""
}
