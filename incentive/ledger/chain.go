package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// The canonical encoding an entry's hash covers is a sequence of
// netstrings ("<length>:<bytes>,"), one per field in a fixed order, after a
// version tag: every field except Hash, amounts as normalised decimal text
// (so 240.00 and 240.0 hash alike), times in UTC to the microsecond. It is
// unambiguous, since each field says its length.
const canonTag = "partnerops-ledger-entry-v1"

func appendField(b []byte, s string) []byte {
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, ':')
	b = append(b, s...)
	return append(b, ',')
}

func appendDec(b []byte, d decimal.Decimal) []byte { return appendField(b, d.String()) }

// ChainTime is the precision of entry times: whole microseconds in UTC,
// which every SQL timestamp type keeps exactly.
func ChainTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// EntryHash returns the hex SHA-256 of e's canonical encoding, which covers
// its sequence number, the previous hash and every field but Hash.
func EntryHash(e *Entry) string {
	b := make([]byte, 0, 512)
	b = appendField(b, canonTag)
	b = appendField(b, strconv.FormatInt(e.Seq, 10))
	for _, s := range []string{e.PrevHash, e.ID, string(e.Kind), ChainTime(e.Time).Format(time.RFC3339Nano), e.Effective.String(),
		e.Program.ID, strconv.Itoa(e.Program.Version), e.Program.Hash, e.Partner, e.Payee, e.Claim, e.Fund, e.Request, e.Batch,
		e.Reverses, e.Actor, e.Reason} {
		b = appendField(b, s)
	}
	b = appendField(b, strconv.Itoa(len(e.Postings)))
	for _, p := range e.Postings {
		b = appendField(b, string(p.Account))
		b = appendDec(b, p.Amount.Amount())
		b = appendField(b, string(p.Amount.Currency()))
		b = appendField(b, string(p.Type))
	}
	if e.Pay == nil {
		b = appendField(b, "")
	} else {
		b = appendField(b, "pay")
		r := e.Pay.Rate
		b = appendDec(b, e.Pay.From.Amount())
		b = appendField(b, string(e.Pay.From.Currency()))
		b = appendDec(b, e.Pay.To.Amount())
		b = appendField(b, string(e.Pay.To.Currency()))
		b = appendField(b, string(r.From))
		b = appendField(b, string(r.To))
		b = appendDec(b, r.Rate)
		b = appendField(b, r.AsOf.String())
		b = appendField(b, r.Source)
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
