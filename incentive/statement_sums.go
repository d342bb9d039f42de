package incentive

import (
	"github.com/shopspring/decimal"
)

// The statement's running totals take one addition per result line; in
// shopspring each allocates a big.Int (and rescales into another when the
// exponents differ), which made StatementBuilder.Add the largest cost of a
// run's command outside evaluation. So Add keeps what it adds since the
// last sync in int64 arithmetic (fx) next to each decimal total, and sync
// writes the totals back before anything reads them (Statement,
// AddSettlements). The totals are exactly those of the chain of
// decimal.Decimal.Add calls they replace: the same coefficient and
// exponent and, for a zero, the same representation. An amount or a sum
// that does not fit an fx is added in shopspring, after the pending sum is
// written back.

// fxSum is what was added to one decimal total since the last flush.
type fxSum struct {
	x fx
	// on is set once something was added since the last flush; x then
	// holds the whole total, the decimal's value included.
	on bool
	// cancelled is set when the last addition cancelled two nonzero
	// operands: shopspring's zero of such a sum differs from its other
	// zeros (see sumZeros).
	cancelled bool
}

// add adds v to total: to the pending int64 sum when both fit, else to
// the decimal, the pending sum written back first.
func (s *fxSum) add(total *decimal.Decimal, v decimal.Decimal) {
	if y, ok := toFx(v); ok {
		cur, ok := s.x, s.on
		if !ok {
			cur, ok = toFx(*total)
		}
		if ok {
			// The exponent bound keeps a zero sum within sumZeros.
			if r, ok := cur.add(y); ok && r.e >= sumZeroMin && r.e <= sumZeroMax {
				s.x, s.on, s.cancelled = r, true, r.c == 0 && cur.c != 0 && y.c != 0
				return
			}
		}
	}
	s.flush(total)
	*total = total.Add(v)
}

// flush writes the pending sum into total as shopspring's Add would have
// made it.
func (s *fxSum) flush(total *decimal.Decimal) {
	if !s.on {
		return
	}
	s.on = false
	switch {
	case s.x.c != 0:
		*total = decimal.New(s.x.c, s.x.e)
	case s.cancelled:
		*total = sumZeros[s.x.e-sumZeroMin]
	default:
		// Two zeros, or a zero and nothing: shopspring's Add of two zero
		// operands gives the zero decimal.New gives.
		*total = decimal.New(0, s.x.e)
	}
}

// keyedSum is a pending addition to one entry of a breakdown map
// (partnerAcc.byType, byPayee), found by its key without building it:
// payee plus " (name)" when name is set, as Add names a payee.
type keyedSum struct {
	key   string
	total decimal.Decimal // the map's value when the entry was made
	s     fxSum
}

// is reports whether the entry's key is payee, or payee (name) when name
// is not empty, without concatenating them.
func (k *keyedSum) is(payee, name string) bool {
	if name == "" {
		return k.key == payee
	}
	n := len(payee)
	return len(k.key) == n+len(name)+3 && k.key[:n] == payee && k.key[n:n+2] == " (" &&
		k.key[n+2:len(k.key)-1] == name && k.key[len(k.key)-1] == ')'
}

// keyed returns the pending entry of m for payee (name), made from m's
// value when there is none yet.
func keyed(entries *[]keyedSum, m map[string]decimal.Decimal, payee, name string) *keyedSum {
	for i := range *entries {
		if e := &(*entries)[i]; e.is(payee, name) {
			return e
		}
	}
	key := payee
	if name != "" {
		key = payee + " (" + name + ")"
	}
	*entries = append(*entries, keyedSum{key: key, total: m[key]})
	return &(*entries)[len(*entries)-1]
}

// addKeyed adds v to m's entry for payee (name), through a pending entry.
func addKeyed(entries *[]keyedSum, m map[string]decimal.Decimal, payee, name string, v decimal.Decimal) {
	e := keyed(entries, m, payee, name)
	e.s.add(&e.total, v)
}

// flushKeyed writes the pending entries into m and drops them, so that
// m is the truth again (AddSettlements adds to it directly).
func flushKeyed(entries *[]keyedSum, m map[string]decimal.Decimal) {
	for i := range *entries {
		e := &(*entries)[i]
		e.s.flush(&e.total)
		m[e.key] = e.total
	}
	clear(*entries)
	*entries = (*entries)[:0]
}

// sync writes the partner's pending sums into its totals.
func (a *partnerAcc) sync() {
	n := len(a.earned)
	for k := range a.fast {
		switch {
		case k < n:
			a.fast[k].flush(&a.earned[k])
		case k < 2*n:
			a.fast[k].flush(&a.expired[k-n])
		default:
			a.fast[k].flush(&a.held[k-2*n])
		}
	}
	flushKeyed(&a.types, a.byType)
	flushKeyed(&a.payees, a.byPayee)
}

// sync writes every partner's pending sums into its totals; see fxSum.
func (b *StatementBuilder) sync() {
	for _, a := range b.partners {
		a.sync()
	}
}
