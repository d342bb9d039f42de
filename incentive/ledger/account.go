package ledger

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/partnerops/partnerops/incentive"
)

// Account names a ledger account. Accounts are slash-separated paths whose
// ID segments are path-escaped, so a prefix selects a scope:
//
//	program/<program>/funding         the source of a program's budget (negative)
//	program/<program>/budget          the budget not yet committed to claims
//	program/<program>/overrun         what exceptions committed beyond the budget (negative)
//	partner/<partner>/<payee>/<program>/<kind>   a partner bucket (see Bucket)
//	partner/<partner>/<payee>/<program>#<payout>/<kind>   one in a named payout bucket
//	fund/<fund>/source                the source of an MDF allocation (negative)
//	fund/<fund>/available             MDF funds not yet reserved or expired
//	fund/<fund>/reserved              MDF funds reserved by approved requests
//	fund/<fund>/expired               MDF funds expired unspent
//	cap/<program>/<partner>/<n>@<start>/source  what partner cap n gave out in the period from start (negative)
//	cap/<program>/<partner>/<n>@<start>/used    what earning claims of the partner hold of that cap
//
// No account is a prefix of another (IDs are escaped and no kind is a prefix
// of another kind of its scope), so a whole account used as a prefix
// selects only itself.
//
// A balance is the sum of the account's postings: positive means the account
// holds money (a partner's payable is owed to them); the withheld account is
// negative while a partner owes money back.
type Account string

// BucketKind is the kind of a partner bucket account.
type BucketKind string

// Bucket account kinds.
const (
	// Accrued: submitted claims waiting for approval (budget committed).
	Accrued BucketKind = "accrued"
	// Held: approved earnings inside their hold (refund window).
	Held BucketKind = "held"
	// Payable: earnings that may be paid.
	Payable BucketKind = "payable"
	// Withheld: money the partner owes back (negative) after a clawback of
	// a paid earning, recovered from later payouts of the same bucket.
	Withheld BucketKind = "withheld"
	// Batched: amounts in a payment batch not yet marked paid.
	Batched BucketKind = "batched"
	// Paid: everything paid out (cumulative).
	Paid BucketKind = "paid"
	// ClawedBack: everything clawed back after payment (cumulative).
	ClawedBack BucketKind = "clawed_back"
)

// BucketKinds lists the bucket account kinds.
func BucketKinds() []BucketKind {
	return []BucketKind{Accrued, Held, Payable, Withheld, Batched, Paid, ClawedBack}
}

// Bucket is where one payee's earnings under one program collect: negative
// balances are withheld, and minimum payouts are reached, per bucket.
// Payout names the program's payout bucket (incentive.Program.Buckets) the
// earnings belong to; "" is the default bucket, for the earning types no
// named payout bucket lists. A claim is paid from the bucket of its earning
// type (Claim.Type, its first line's); a claim whose lines have types of
// several buckets is paid whole from that one.
type Bucket struct {
	Partner string `json:"partner"`
	Payee   string `json:"payee"`
	Program string `json:"program"`
	Payout  string `json:"payout,omitempty"`
}

// String renders the bucket as partner/payee/program, with #payout for a
// named payout bucket.
func (b Bucket) String() string {
	s := b.Partner + "/" + b.Payee + "/" + b.Program
	if b.Payout != "" {
		s += "#" + b.Payout
	}
	return s
}

// Account returns the bucket's account of the given kind.
func (b Bucket) Account(k BucketKind) Account { return b.Prefix() + Account(k) }

// Prefix returns the prefix of all of the bucket's accounts. The program
// segment carries a named payout bucket after a "#", which path escaping
// never leaves in an ID, so no bucket's prefix is another's.
func (b Bucket) Prefix() Account {
	prog := esc(b.Program)
	if b.Payout != "" {
		prog += "#" + esc(b.Payout)
	}
	return Account("partner/" + esc(b.Partner) + "/" + esc(b.Payee) + "/" + prog + "/")
}

// PartnerPrefix is the prefix of all accounts of one partner.
func PartnerPrefix(partnerID string) Account { return Account("partner/" + esc(partnerID) + "/") }

// ProgramFunding is the source account of a program's budget.
func ProgramFunding(program string) Account { return Account("program/" + esc(program) + "/funding") }

// ProgramBudget is the uncommitted budget of a program.
func ProgramBudget(program string) Account { return Account("program/" + esc(program) + "/budget") }

// ProgramOverrun is the source of what exception claims commit beyond a
// program's budget (negative: minus the overrun).
func ProgramOverrun(program string) Account { return Account("program/" + esc(program) + "/overrun") }

// FundKind is the kind of an MDF fund account.
type FundKind string

// Fund account kinds.
const (
	FundSource    FundKind = "source"
	FundAvailable FundKind = "available"
	FundReserved  FundKind = "reserved"
	FundExpired   FundKind = "expired"
)

// FundAccount returns an MDF fund's account of the given kind.
func FundAccount(fundID string, k FundKind) Account {
	return Account("fund/" + esc(fundID) + "/" + string(k))
}

// CapKind is the kind of a partner cap account. The pair guards a partner
// cap (a cap of scope incentive.CapPartner) across concurrent claims: every
// accepted earning claim moves its amount from the cap's source to used in
// its accrual entry, and the store's balance guard keeps the source at or
// above minus the cap's limit, so two claims committed at once can never
// together exceed the cap. A claim that leaves the live states the engine
// counts (rejected, withdrawn, expired, voided before payment) moves it
// back; a clawback after payment moves back what it takes back, since the
// partner keeps the rest.
type CapKind string

// Partner cap account kinds.
const (
	// CapSource is negative: minus what the cap has given out.
	CapSource CapKind = "source"
	// CapUsed is what live claims hold of the cap.
	CapUsed CapKind = "used"
)

// CapKinds lists the partner cap account kinds.
func CapKinds() []CapKind { return []CapKind{CapSource, CapUsed} }

// CapAccount returns the account of kind k of partner cap number n (its
// index in the program's Caps) for one partner and the cap period starting
// on start.
func CapAccount(program, partnerID string, n int, start incentive.Date, k CapKind) Account {
	return Account("cap/" + esc(program) + "/" + esc(partnerID) + "/" + strconv.Itoa(n) + "@" + start.String() + "/" + string(k))
}

// AccountInfo is a parsed Account.
type AccountInfo struct {
	// Scope is "program", "partner", "fund" or "cap".
	Scope string
	// Program is set for program, partner and cap accounts.
	Program string
	// Bucket is set for partner accounts; for cap accounts only its
	// Partner.
	Bucket Bucket
	// Cap and PeriodStart are set for cap accounts: the cap's index in the
	// program's Caps and the first day of the period.
	Cap         int
	PeriodStart incentive.Date
	// Fund is set for fund accounts.
	Fund string
	// Kind is the last segment ("budget", "payable", "available", ...).
	Kind string
}

// Parse splits an account into its parts.
func (a Account) Parse() (AccountInfo, error) {
	seg := strings.Split(string(a), "/")
	un := func(i int) (string, error) { return url.PathUnescape(seg[i]) }
	bad := fmt.Errorf("%w: account %q", ErrInvalid, string(a))
	switch {
	case len(seg) == 3 && seg[0] == "program":
		p, err := un(1)
		if err != nil {
			return AccountInfo{}, bad
		}
		return AccountInfo{Scope: "program", Program: p, Kind: seg[2]}, nil
	case len(seg) == 3 && seg[0] == "fund":
		f, err := un(1)
		if err != nil {
			return AccountInfo{}, bad
		}
		return AccountInfo{Scope: "fund", Fund: f, Kind: seg[2]}, nil
	case len(seg) == 5 && seg[0] == "cap":
		p, e1 := un(1)
		pt, e2 := un(2)
		n, start, ok := strings.Cut(seg[3], "@")
		ci, e3 := strconv.Atoi(n)
		d, e4 := incentive.ParseDate(start)
		if e1 != nil || e2 != nil || e3 != nil || e4 != nil || !ok || ci < 0 {
			return AccountInfo{}, bad
		}
		return AccountInfo{Scope: "cap", Program: p, Bucket: Bucket{Partner: pt}, Cap: ci, PeriodStart: d, Kind: seg[4]}, nil
	case len(seg) == 5 && seg[0] == "partner":
		var b Bucket
		var e1, e2, e3, e4 error
		b.Partner, e1 = un(1)
		b.Payee, e2 = un(2)
		prog, payout, named := strings.Cut(seg[3], "#")
		b.Program, e3 = url.PathUnescape(prog)
		if named {
			b.Payout, e4 = url.PathUnescape(payout)
		}
		if e1 != nil || e2 != nil || e3 != nil || e4 != nil || named && b.Payout == "" {
			return AccountInfo{}, bad
		}
		return AccountInfo{Scope: "partner", Program: b.Program, Bucket: b, Kind: seg[4]}, nil
	}
	return AccountInfo{}, bad
}

func esc(s string) string { return url.PathEscape(s) }
