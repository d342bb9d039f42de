package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// canonEntry is the canonical form an entry's hash covers: every field
// except Hash, amounts as normalised decimal text, times in UTC.
type canonEntry struct {
	Seq       int64       `json:"seq"`
	Prev      string      `json:"prev"`
	ID        string      `json:"id"`
	Kind      EntryKind   `json:"kind"`
	Time      string      `json:"time"`
	Effective string      `json:"effective"`
	Program   [3]string   `json:"program"`
	Partner   string      `json:"partner"`
	Payee     string      `json:"payee"`
	Claim     string      `json:"claim"`
	Fund      string      `json:"fund"`
	Request   string      `json:"request"`
	Batch     string      `json:"batch"`
	Reverses  string      `json:"reverses"`
	Actor     string      `json:"actor"`
	Reason    string      `json:"reason"`
	Postings  [][4]string `json:"postings"`
	Pay       *[8]string  `json:"pay"`
}

func canonDec(d decimal.Decimal) string { return d.String() }

func canonMoney(m incentive.Money) (string, string) {
	return canonDec(m.Amount()), string(m.Currency())
}

// ChainTime is the precision of entry times: whole microseconds in UTC,
// which every SQL timestamp type keeps exactly.
func ChainTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// EntryHash returns the hex SHA-256 of e's canonical encoding, which covers
// its sequence number, the previous hash and every field but Hash.
func EntryHash(e *Entry) string {
	c := canonEntry{
		Seq: e.Seq, Prev: e.PrevHash, ID: e.ID, Kind: e.Kind,
		Time:      ChainTime(e.Time).Format(time.RFC3339Nano),
		Effective: e.Effective.String(),
		Program:   [3]string{e.Program.ID, fmt.Sprint(e.Program.Version), e.Program.Hash},
		Partner:   e.Partner, Payee: e.Payee, Claim: e.Claim, Fund: e.Fund, Request: e.Request,
		Batch: e.Batch, Reverses: e.Reverses, Actor: e.Actor, Reason: e.Reason,
		Postings: make([][4]string, len(e.Postings)),
	}
	for i, p := range e.Postings {
		a, cur := canonMoney(p.Amount)
		c.Postings[i] = [4]string{string(p.Account), a, cur, string(p.Type)}
	}
	if e.Pay != nil {
		fa, fc := canonMoney(e.Pay.From)
		ta, tc := canonMoney(e.Pay.To)
		r := e.Pay.Rate
		c.Pay = &[8]string{fa, fc, ta, tc, canonDec(r.Rate), r.AsOf.String(), r.Source, string(r.From) + ">" + string(r.To)}
	}
	b, err := json.Marshal(c)
	if err != nil {
		// Only strings and fixed arrays: Marshal cannot fail.
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Seal chains entries after prev: it sets each entry's Seq, PrevHash and
// Hash and returns the new head. Stores call it inside Commit's
// transaction after locking the head.
func Seal(prev Head, entries []Entry) Head {
	for i := range entries {
		e := &entries[i]
		e.Seq = prev.Seq + 1
		e.PrevHash = prev.Hash
		e.Time = ChainTime(e.Time)
		e.Hash = EntryHash(e)
		prev = Head{Seq: e.Seq, Hash: e.Hash}
	}
	return prev
}

// VerifyChain checks that entries continue the chain after prev: sequence
// numbers follow each other, each PrevHash is the previous entry's hash,
// each Hash matches the entry's content, and the postings of each entry
// sum to zero per currency. It returns the head after the last entry, or a
// *ChainError.
func VerifyChain(prev Head, entries []Entry) (Head, error) {
	for i := range entries {
		e := &entries[i]
		switch {
		case e.Seq != prev.Seq+1:
			return prev, &ChainError{Seq: e.Seq, Reason: fmt.Sprintf("expected sequence %d", prev.Seq+1)}
		case e.PrevHash != prev.Hash:
			return prev, &ChainError{Seq: e.Seq, Reason: "previous hash does not match (an entry was changed, removed or inserted before it)"}
		case EntryHash(e) != e.Hash:
			return prev, &ChainError{Seq: e.Seq, Reason: "content does not match its hash (the entry was changed)"}
		}
		if err := CheckBalanced(e.Postings); err != nil {
			return prev, &ChainError{Seq: e.Seq, Reason: err.Error()}
		}
		prev = Head{Seq: e.Seq, Hash: e.Hash}
	}
	return prev, nil
}

// CheckBalanced returns an error wrapping ErrUnbalanced unless the postings
// sum to zero in every currency.
func CheckBalanced(ps []Posting) error {
	sums := map[incentive.Currency]decimal.Decimal{}
	for _, p := range ps {
		sums[p.Amount.Currency()] = sums[p.Amount.Currency()].Add(p.Amount.Amount())
	}
	for c, s := range sums {
		if !s.IsZero() {
			return fmt.Errorf("%w: %s %s", ErrUnbalanced, s.String(), c)
		}
	}
	return nil
}
