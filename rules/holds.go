package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// Keys of `hold:`, of a `payouts:` bucket, of a batch test's
// `statement:` figures, and the name tests give the default bucket.
var (
	holdKeys      = []string{"for", "from", "void_if"}
	bucketKeys    = []string{"bucket", "types", "min_payout"}
	statementKeys = []string{"earned", "expired", "held", "carried_in", "withheld", "payable", "carried_out", "buckets", "fee", "sent"}
	figureKeys    = statementKeys[:7]
)

// defaultBucketName is how tests (`carried:`, `statement: ... buckets:`)
// and statements name the bucket of the earning types no bucket lists.
const defaultBucketName = "default"

// hold decodes `hold: {for: 30d, from: payment_date, void_if: [refund_date]}`.
// incentive.Validate checks that the fields are declared dates.
func (pc *progCompiler) hold(n *yaml.Node) {
	d, p := pc.d, pc.p
	f, ok := d.mapping(n, "hold", holdKeys...)
	if !ok || !d.require(f, "for") {
		return
	}
	if sp, ok := pc.span(f.get("for"), f.at("for"), "a hold"); ok {
		p.Hold.Span = sp
	}
	if v := f.get("from"); v != nil {
		if s, ok := d.scalar(v, f.at("from"), "close_date or a custom date field"); ok {
			p.Hold.From = incentive.ClaimAnchor(s)
		}
	}
	if v := f.get("void_if"); v != nil {
		if v.Kind == yaml.ScalarNode {
			if s, ok := d.scalar(v, f.at("void_if"), "a custom date field"); ok {
				p.Hold.VoidOn = []string{s}
			}
			return
		}
		items, ok := d.list(v, f.at("void_if"))
		if !ok {
			return
		}
		if len(items) == 0 {
			d.errorf(v, f.at("void_if"), "want at least one date field, such as [refund_date]; leave out `void_if:` for none")
		}
		for i, it := range items {
			s, _ := d.scalar(it, index(f.at("void_if"), i), "a custom date field")
			// kept even when unreadable, so Validate's indices match the file
			p.Hold.VoidOn = append(p.Hold.VoidOn, s)
		}
	}
}

// payouts decodes the `payouts:` list of buckets. Every item is kept (an
// unreadable one partly empty) so that Validate's paths name the item's
// own position.
func (pc *progCompiler) payouts(n *yaml.Node) {
	d, p := pc.d, pc.p
	items, ok := d.list(n, "payouts")
	if !ok {
		return
	}
	for i, it := range items {
		path := index("payouts", i)
		b := incentive.Bucket{Origin: d.origin(it)}
		f, ok := d.mapping(it, path, bucketKeys...)
		if ok && d.require(f, "bucket", "types") {
			if id, ok := d.ident(f.get("bucket"), f.at("bucket"), "bucket name"); ok {
				if id == defaultBucketName {
					d.errorf(f.get("bucket"), f.at("bucket"), "%q names the bucket of the earning types no bucket lists; choose another name", defaultBucketName)
				}
				b.ID = id
			}
			if tn := f.get("types"); tn != nil {
				if ts, ok := d.list(tn, f.at("types")); ok {
					for k, t := range ts {
						if s, ok := d.enum(t, index(f.at("types"), k), earningTypeNames()...); ok {
							b.Types = append(b.Types, incentive.EarningType(s))
						}
					}
				}
			}
			if v := f.get("min_payout"); v != nil {
				if m, ok := d.money(v, f.at("min_payout"), p.Currency); ok {
					b.MinPayout = m
				}
			}
		}
		p.Buckets = append(p.Buckets, b)
	}
}

// bucketNames lists the names a test may give a program's buckets: its
// named buckets, then defaultBucketName when some earning type is in none
// (a program that pays every type from a named bucket has no default).
func bucketNames(p *incentive.Program) []string {
	var out []string
	for _, b := range p.Buckets {
		out = append(out, b.ID)
	}
	if slices.Contains(p.PayoutBuckets(), incentive.DefaultBucket) {
		out = append(out, defaultBucketName)
	}
	return out
}

// bucketID turns a test's bucket name into incentive's.
func bucketID(name string) string {
	if name == defaultBucketName {
		return incentive.DefaultBucket
	}
	return name
}

// carried decodes a batch test's `carried:` balances brought in from the
// previous statement: partner id to an amount (into the default bucket)
// or to a mapping of bucket to amount.
func (td testDecoder) carried(n *yaml.Node, path string) map[string]map[string]decimal.Decimal {
	d, p := td.d, td.p
	f, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	out := map[string]map[string]decimal.Decimal{}
	names := bucketNames(p)
	for k, v := range f.pairs(n) {
		kp := f.at(k.Value)
		m := map[string]decimal.Decimal{}
		out[k.Value] = m
		if v.Kind != yaml.MappingNode {
			if !slices.Contains(names, defaultBucketName) {
				d.errorf(v, kp, "a plain amount goes to the default bucket, but the program pays every earning type from a named bucket (%s): give the amount per bucket, such as {%s: \"30.00\"}", strings.Join(names, ", "), names[0])
				continue
			}
			if a := td.amount(v, kp); a != nil {
				m[incentive.DefaultBucket] = a.Amount()
			}
			continue
		}
		bf, _ := d.mapping(v, kp, names...)
		for bk, bv := range bf.pairs(v) {
			if a := td.amount(bv, bf.at(bk.Value)); a != nil {
				m[bucketID(bk.Value)] = a.Amount()
			}
		}
	}
	return out
}

// statementExpect is what a batch test asserts about one partner's
// statement row: figures by key (statementKeys) and, per bucket, the same.
type statementExpect struct {
	partner string
	figures []figureExpect
	buckets []bucketExpect
}

type figureExpect struct {
	key    string
	amount incentive.Money
}

type bucketExpect struct {
	bucket  string // a test's name for it (defaultBucketName for "")
	figures []figureExpect
}

// statementExpects decodes `expect: {statement: {P-1: {payable: ...}}}`.
func (td testDecoder) statementExpects(n *yaml.Node, path string, t *Test) []statementExpect {
	d := td.d
	f, ok := d.mapping(n, path)
	if !ok {
		return nil
	}
	var ids []string
	for _, in := range t.Inputs {
		if id := in.Deal.PartnerID; id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
		if id := in.Partner.ID; id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for id := range t.carried {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	var out []statementExpect
	for k, v := range f.pairs(n) {
		kp := f.at(k.Value)
		if !slices.Contains(ids, k.Value) {
			d.errorf(k, kp, "no partner %q in this test's deals or `carried:`%s", k.Value, suggest(k.Value, ids, false))
			continue
		}
		se := statementExpect{partner: k.Value}
		pf, ok := d.mapping(v, kp, statementKeys...)
		if !ok {
			continue
		}
		se.figures = append(td.figures(pf, figureKeys...), td.figures(pf, "fee", "sent")...)
		if bn := pf.get("buckets"); bn != nil {
			bp := pf.at("buckets")
			if len(td.p.Buckets) == 0 {
				d.errorf(bn, bp, "the program has no `payouts:` buckets; assert the partner's figures instead")
				continue
			}
			bf, ok := d.mapping(bn, bp, bucketNames(td.p)...)
			if !ok {
				continue
			}
			for bk, bv := range bf.pairs(bn) {
				ff, ok := d.mapping(bv, bf.at(bk.Value), figureKeys...)
				if ok {
					se.buckets = append(se.buckets, bucketExpect{bucket: bk.Value, figures: td.figures(ff, figureKeys...)})
				}
			}
		}
		out = append(out, se)
	}
	return out
}

// figures reads the amounts of keys present in f, in that order.
func (td testDecoder) figures(f fields, keys ...string) []figureExpect {
	var out []figureExpect
	for _, key := range keys {
		if v := f.get(key); v != nil {
			if a := td.amount(v, f.at(key)); a != nil {
				out = append(out, figureExpect{key: key, amount: *a})
			}
		}
	}
	return out
}

// statementFigure returns a statement figure as the command's statement
// shows it: earned counts what expired too (earned - expired - held +
// carried in - withheld = payable + carried out).
func statementFigure(key string, ps *incentive.PartnerStatement, bs *incentive.BucketStatement) incentive.Money {
	var earned, expired, held, in, withheld, payable, out incentive.Money
	if bs != nil {
		earned, expired, held, in, withheld, payable, out = bs.Earned, bs.Expired, bs.Held, bs.CarriedIn, bs.Withheld, bs.Payable, bs.CarriedOut
	} else {
		earned, expired, held, in, withheld, payable, out = ps.Earned, ps.Expired, ps.Held, ps.CarriedIn, ps.Withheld, ps.Payable, ps.CarriedOut
	}
	switch key {
	case "fee": // partners only: a payment's fee (see Payment methods)
		return ps.Fee
	case "sent":
		return ps.Sent
	case "earned":
		gross, _ := earned.Add(expired)
		return gross
	case "expired":
		return expired
	case "held":
		return held
	case "carried_in":
		return in
	case "withheld":
		return withheld
	case "payable":
		return payable
	}
	return out
}

// diffStatement compares a batch test's statement with its expectations.
func diffStatement(want []statementExpect, s *incentive.Statement, p *incentive.Program) []string {
	var out []string
	for _, se := range want {
		i := slices.IndexFunc(s.Partners, func(ps incentive.PartnerStatement) bool { return ps.PartnerID == se.partner })
		if i < 0 {
			out = append(out, fmt.Sprintf("statement.%s: the partner is not on the statement", se.partner))
			continue
		}
		ps := &s.Partners[i]
		for _, fe := range se.figures {
			if got := statementFigure(fe.key, ps, nil); !sameAmount(fe.amount, got) {
				out = append(out, fmt.Sprintf("statement.%s.%s: want %s, got %s", se.partner, fe.key, amountText(fe.amount, p), amountText(got, p)))
			}
		}
		for _, be := range se.buckets {
			id := bucketID(be.bucket)
			k := slices.IndexFunc(ps.Buckets, func(bs incentive.BucketStatement) bool { return bs.Bucket == id })
			if k < 0 {
				out = append(out, fmt.Sprintf("statement.%s.buckets.%s: no such bucket on the statement (no earning of the program pays into it)", se.partner, be.bucket))
				continue
			}
			for _, fe := range be.figures {
				if got := statementFigure(fe.key, ps, &ps.Buckets[k]); !sameAmount(fe.amount, got) {
					out = append(out, fmt.Sprintf("statement.%s.buckets.%s.%s: want %s, got %s", se.partner, be.bucket, fe.key, amountText(fe.amount, p), amountText(got, p)))
				}
			}
		}
	}
	return out
}

// heldAmount and expiredAmount are what `expect: {held: ...}` and
// `{expired: ...}` compare: the result's total when it is held (expired),
// else zero.
func heldAmount(r *incentive.Result) incentive.Money {
	if r.Hold != nil && r.Hold.Held && !r.Expired {
		return r.Total
	}
	return incentive.Zero(r.Total.Currency())
}

func expiredAmount(r *incentive.Result) incentive.Money {
	if r.Expired {
		return r.Total
	}
	return incentive.Zero(r.Total.Currency())
}
