package ledger

import (
	"context"
	"errors"
	"fmt"
)

// ErrChainTruncated: the chain ends before an anchor the caller kept, so
// entries were removed from its end (a *AnchorError says where).
var ErrChainTruncated = errors.New("hash chain truncated")

// Anchor is a checkpoint of the hash chain kept outside the store: the
// number of entries and the hash of the last one at some moment.
//
// The chain alone detects a changed, removed or inserted entry anywhere but
// at its end: whoever can delete the last entries (and set the head back)
// leaves a shorter chain that still verifies. An anchor closes that gap.
// Take one with Checkpoint after a payment run, at the end of a day or
// after every commit, and keep it where the store's operators cannot
// rewrite it (a signed log, another database, an auditor's mailbox, the
// payment file). Verify with the anchor then fails with ErrChainTruncated
// when the chain has fewer entries than the anchor counts, and with
// ErrChain when the entry at the anchor's position has another hash (the
// tail was cut and written again).
type Anchor struct {
	// Seq is the number of entries (the last entry's sequence number).
	Seq int64 `json:"seq"`
	// Hash is the hash of entry Seq ("" for an empty ledger).
	Hash string `json:"hash"`
}

// AnchorError is a chain that does not reach or does not match an anchor.
type AnchorError struct {
	Anchor Anchor
	// Head is the end of the chain as the store has it.
	Head Head
	// Truncated: the chain ends before the anchor; otherwise the entry at
	// the anchor's position has another hash.
	Truncated bool
}

// Error implements error.
func (e *AnchorError) Error() string {
	if e.Truncated {
		return fmt.Sprintf("%s: the anchor counts %d entries (last hash %s), the chain ends at entry %d", ErrChainTruncated, e.Anchor.Seq, e.Anchor.Hash, e.Head.Seq)
	}
	return fmt.Sprintf("%s at entry %d: the anchor's hash is %s, the chain's another (the entries up to it were rewritten)", ErrChain, e.Anchor.Seq, e.Anchor.Hash)
}

// Unwrap returns ErrChain and, for a truncated chain, ErrChainTruncated.
func (e *AnchorError) Unwrap() []error {
	if e.Truncated {
		return []error{ErrChain, ErrChainTruncated}
	}
	return []error{ErrChain}
}

// CheckpointParams selects nothing today; it exists so the method can grow.
type CheckpointParams struct{}

// Checkpoint returns an Anchor of the chain as it is now: the store's head.
// Keep it outside the store (see Anchor).
func (l *Ledger) Checkpoint(ctx context.Context, _ CheckpointParams) (Anchor, error) {
	h, err := l.cfg.Store.Head(ctx, HeadParams{})
	if err != nil {
		return Anchor{}, err
	}
	return Anchor{Seq: h.Seq, Hash: h.Hash}, nil
}

// VerifyParams says what Verify checks the chain against.
type VerifyParams struct {
	// Anchors are checkpoints kept outside the store (see Anchor); each
	// must lie on the chain. None: the chain is checked on its own, which
	// cannot detect entries removed from its end.
	Anchors []Anchor
}

// Verify reads every entry and checks the hash chain (VerifyChain), that
// it ends at the store's head, and that it passes through every anchor. It
// returns the head the entries end at. A changed, removed or inserted entry
// is a *ChainError; a chain that ends before an anchor, or does not match
// one, is an *AnchorError (errors.Is finds ErrChainTruncated or ErrChain).
func (l *Ledger) Verify(ctx context.Context, p VerifyParams) (Head, error) {
	// Every anchor is checked, also several of one entry (an anchor that
	// does not match may not hide behind one that does).
	want := map[int64][]string{}
	var last int64
	for _, a := range p.Anchors {
		if a.Seq < 0 || (a.Seq > 0) != (a.Hash != "") {
			return Head{}, fmt.Errorf("%w: anchor %d/%q", ErrInvalid, a.Seq, a.Hash)
		}
		want[a.Seq] = append(want[a.Seq], a.Hash)
		last = max(last, a.Seq)
	}
	head := Head{}
	err := l.eachEntry(ctx, EntriesParams{}, func(e *Entry) error {
		h, err := VerifyChain(head, []Entry{*e})
		if err != nil {
			return err
		}
		head = h
		for _, w := range want[e.Seq] {
			if w != e.Hash {
				return &AnchorError{Anchor: Anchor{Seq: e.Seq, Hash: w}, Head: head}
			}
		}
		return nil
	})
	if err != nil {
		return head, err
	}
	stored, err := l.cfg.Store.Head(ctx, HeadParams{})
	if err != nil {
		return head, err
	}
	if stored != head {
		return head, &ChainError{Seq: head.Seq, Reason: fmt.Sprintf("the store's head is %d/%s, the entries end at %d/%s", stored.Seq, stored.Hash, head.Seq, head.Hash)}
	}
	if last > head.Seq {
		return head, &AnchorError{Anchor: Anchor{Seq: last, Hash: want[last][0]}, Head: head, Truncated: true}
	}
	return head, nil
}
