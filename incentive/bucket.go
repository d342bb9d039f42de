package incentive

import (
	"github.com/shopspring/decimal"
)

// Bucket is a named group of earning types that a statement pays out
// together: the bucket's lines add up to its own balance, which is paid
// when it reaches MinPayout and carried over to the next statement
// otherwise; a negative balance is withheld from the bucket's next payout
// until it is recovered. Each earning type belongs to at most one bucket;
// the types in none form the default bucket (named ""), whose minimum is
// Program.MinPayout.
type Bucket struct {
	ID        string
	Types     []EarningType
	MinPayout decimal.Decimal
	Origin    Origin
}

// DefaultBucket is the name of the bucket of the earning types no named
// bucket lists.
const DefaultBucket = ""

// validateBuckets checks bucket ids, types and minimums.
func (p *Program) validateBuckets(at func(path, format string, args ...any)) {
	ids := map[string]bool{}
	owner := map[EarningType]string{}
	for i, b := range p.Buckets {
		path := index("payouts", i)
		switch {
		case b.ID == "":
			at(path+".bucket", "payouts[%d] has no bucket name", i)
		case ids[b.ID]:
			at(path+".bucket", "bucket %q is named twice", b.ID)
		}
		ids[b.ID] = true
		if len(b.Types) == 0 {
			at(path+".types", "bucket %q lists no earning types", b.ID)
		}
		for k, t := range b.Types {
			tp := index(path+".types", k)
			if !validEarningType(t) {
				at(tp, "bucket %q: unknown earning type %q", b.ID, string(t))
				continue
			}
			if o, dup := owner[t]; dup {
				at(tp, "earning type %q is in bucket %q and bucket %q; a type is paid from one bucket", string(t), o, b.ID)
				continue
			}
			owner[t] = b.ID
		}
		if b.MinPayout.Sign() < 0 {
			at(path+".min_payout", "bucket %q: minimum payout %s is negative", b.ID, b.MinPayout)
		}
	}
}

func validEarningType(t EarningType) bool {
	for _, k := range EarningTypes() {
		if k == t {
			return true
		}
	}
	return false
}

// bucketPlan is the evaluator's view of the buckets: the named ones in
// program order, then the default bucket when some earning type falls in
// no named bucket (or there are no named buckets).
type bucketPlan struct {
	names   []string
	mins    []decimal.Decimal
	ofType  map[EarningType]int
	deflt   int // index of the default bucket; -1 when every type is bucketed
	present bool
}

func newBucketPlan(p *Program) bucketPlan {
	bp := bucketPlan{ofType: map[EarningType]int{}, deflt: -1, present: len(p.Buckets) > 0}
	for i, b := range p.Buckets {
		bp.names = append(bp.names, b.ID)
		bp.mins = append(bp.mins, b.MinPayout)
		for _, t := range b.Types {
			bp.ofType[t] = i
		}
	}
	needDefault := len(p.Buckets) == 0
	for _, en := range p.Earnings {
		if _, ok := bp.ofType[en.Type]; !ok {
			needDefault = true
		}
	}
	if needDefault {
		bp.deflt = len(bp.names)
		bp.names = append(bp.names, DefaultBucket)
		bp.mins = append(bp.mins, p.MinPayout)
	}
	return bp
}

// of returns the bucket index of an earning type.
func (bp *bucketPlan) of(t EarningType) int {
	if i, ok := bp.ofType[t]; ok {
		return i
	}
	if bp.deflt >= 0 {
		return bp.deflt
	}
	return 0 // unreachable: every type is bucketed when there is no default
}

// PayoutBuckets lists the buckets a statement of p pays from, in statement
// order: the named buckets (Program.Buckets), then DefaultBucket when some
// earning's type is in no named bucket (always, when there are none).
func (p *Program) PayoutBuckets() []string {
	bp := newBucketPlan(p)
	return append([]string(nil), bp.names...)
}
