package partner

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Acme, Inc.", "acme"},
		{"  ACME   inc ", "acme"},
		{"The Acme Corporation", "acme"},
		{"Müller & Söhne GmbH", "müller and söhne"},
		{"Société Générale S.A.", "société générale"},
		{"O'Neil Holdings Pty Ltd", "oneil holdings"},
		{"The Co", "co"},
		{"Inc", "inc"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) { assert.Equal(t, tt.want, NormalizeName(tt.in)) })
	}
}

func TestNormalizeDomain(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{in: "acme.com", want: "acme.com"},
		{in: "https://www.Acme.com/about?x=1", want: "acme.com"},
		{in: "WWW.ACME.CO.UK.", want: "acme.co.uk"},
		{in: "buyer@sub.acme.com", want: "sub.acme.com"},
		{in: "http://user@acme.com:8443/", want: "acme.com"},
		{in: "www.com", want: "www.com"},
		{in: "", err: `partner: invalid domain: "" has no domain`},
		{in: "localhost", err: `partner: invalid domain: "localhost" needs a dot, as in example.com`},
		{in: "10.0.0.1", err: `partner: invalid domain: "10.0.0.1" ends in a number (an IP address is not a customer domain)`},
		{in: "acme..com", err: `partner: invalid domain: "acme..com" has an empty or over-long label`},
		{in: "-acme.com", err: `partner: invalid domain: "-acme.com" has a label starting or ending with '-'`},
		{in: "acme_corp.com", err: `partner: invalid domain: "acme_corp.com" has a character other than letters, digits, '-' and '.'`},
		{in: strings.Repeat("a", 64) + ".com", err: `partner: invalid domain: "` + strings.Repeat("a", 64) + `.com" has an empty or over-long label`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeDomain(tt.in)
			if tt.err != "" {
				assert.ErrorIs(t, err, ErrInvalidDomain)
				assert.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"acme.com", "https://www.Acme.com/x", "a@b.c", "10.0.0.1", "www.www.x.io", "http://:@/", "xn--bcher-kva.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeDomain(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidDomain) {
				t.Fatalf("error %v does not wrap ErrInvalidDomain", err)
			}
			return
		}
		again, err := NormalizeDomain(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
		if got != strings.ToLower(got) || strings.Contains(got, "..") || strings.HasPrefix(got, "www.") && strings.Count(got, ".") > 1 {
			t.Fatalf("not normal: %q -> %q", s, got)
		}
	})
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"Acme, Inc.", "The Co", "Müller & Söhne GmbH", "  ", "inc inc inc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NormalizeName(s)
		if again := NormalizeName(got); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, got, again)
		}
		if strings.Contains(got, "  ") || strings.TrimSpace(got) != got {
			t.Fatalf("spaces left in %q", got)
		}
	})
}

// reg is a submitted registration.
func reg(t *testing.T, id, partnerID, customer, domain, product, submitted string) *Registration {
	t.Helper()
	r := &Registration{ID: id, PartnerID: partnerID, Customer: Customer{Name: customer, Domain: domain}, Product: product,
		Amount: decimal.RequireFromString("50000.00"), Currency: "USD", ExpectedClose: d("2026-09-30")}
	require.NoError(t, RegistrationPolicy{}.Submit(r, at(submitted), "rep@"+partnerID))
	return r
}

func TestRegistrationValidate(t *testing.T) {
	r := &Registration{Customer: Customer{Domain: "not a domain"}, Amount: decimal.RequireFromString("-1"), Status: "open"}
	err := r.Validate()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, ErrInvalid)
	var paths []string
	for _, f := range ve.Fields {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{"id", "partner_id", "customer.domain", "product", "amount", "currency", "status"}, paths)
}

func TestRegistrationConflicts(t *testing.T) {
	pol := RegistrationPolicy{} // 90 days
	tests := []struct {
		name   string
		others func(t *testing.T) []*Registration
		r      func(t *testing.T) *Registration
		on     string
		want   []ConflictKind
		with   []string
	}{
		{name: "another partner, same customer by domain, same product",
			others: func(t *testing.T) []*Registration {
				return []*Registration{reg(t, "R-1", "P-1", "Acme Inc", "acme.com", "Widgets", "2026-03-01")}
			},
			r: func(t *testing.T) *Registration {
				return reg(t, "R-2", "P-2", "ACME Holdings", "www.acme.com", "widgets", "2026-03-05")
			},
			on: "2026-03-05", want: []ConflictKind{ConflictSameProduct}, with: []string{"R-1"}},
		{name: "same customer by name, other product",
			others: func(t *testing.T) []*Registration {
				return []*Registration{reg(t, "R-1", "P-1", "Acme, Inc.", "", "Widgets", "2026-03-01")}
			},
			r:  func(t *testing.T) *Registration { return reg(t, "R-2", "P-2", "ACME", "", "Gadgets", "2026-03-05") },
			on: "2026-03-05", want: []ConflictKind{ConflictOpenCustomer}, with: []string{"R-1"}},
		{name: "other customer: no conflict",
			others: func(t *testing.T) []*Registration {
				return []*Registration{reg(t, "R-1", "P-1", "Acme", "acme.com", "Widgets", "2026-03-01")}
			},
			r: func(t *testing.T) *Registration {
				return reg(t, "R-2", "P-2", "Globex", "globex.com", "Widgets", "2026-03-05")
			},
			on: "2026-03-05"},
		{name: "rejected and withdrawn registrations hold nothing",
			others: func(t *testing.T) []*Registration {
				a := reg(t, "R-1", "P-1", "Acme", "acme.com", "Widgets", "2026-03-01")
				require.NoError(t, pol.Reject(a, Decision{At: at("2026-03-02"), Actor: "cam", Reason: "existing customer"}))
				b := reg(t, "R-3", "P-3", "Acme", "acme.com", "Widgets", "2026-03-01")
				require.NoError(t, Withdraw(b, at("2026-03-02"), "rep", "lost interest"))
				return []*Registration{a, b}
			},
			r: func(t *testing.T) *Registration {
				return reg(t, "R-2", "P-2", "Acme", "acme.com", "Widgets", "2026-03-05")
			},
			on: "2026-03-05"},
		{name: "an approval holds on its last valid day",
			others: func(t *testing.T) []*Registration {
				a := reg(t, "R-1", "P-1", "Acme", "acme.com", "Widgets", "2026-01-01")
				// approved 2026-01-02, 90 days counting that day: through 2026-04-01
				require.NoError(t, pol.Approve(a, Decision{At: at("2026-01-02"), Actor: "cam"}, nil))
				return []*Registration{a}
			},
			r: func(t *testing.T) *Registration {
				return reg(t, "R-2", "P-2", "Acme", "acme.com", "Widgets", "2026-04-01")
			},
			on: "2026-04-01", want: []ConflictKind{ConflictSameProduct}, with: []string{"R-1"}},
		{name: "an expired approval holds nothing",
			others: func(t *testing.T) []*Registration {
				a := reg(t, "R-1", "P-1", "Acme", "acme.com", "Widgets", "2026-01-01")
				require.NoError(t, pol.Approve(a, Decision{At: at("2026-01-02"), Actor: "cam"}, nil))
				return []*Registration{a}
			},
			r: func(t *testing.T) *Registration {
				return reg(t, "R-2", "P-2", "Acme", "acme.com", "Widgets", "2026-04-02")
			},
			on: "2026-04-02"},
		{name: "the same partner twice, both kinds, ordered by id",
			others: func(t *testing.T) []*Registration {
				return []*Registration{
					reg(t, "R-9", "P-1", "Acme", "acme.com", "Gadgets", "2026-03-01"),
					reg(t, "R-1", "P-1", "Acme", "acme.com", "Widgets", "2026-03-01"),
				}
			},
			r: func(t *testing.T) *Registration {
				return reg(t, "R-2", "P-1", "Acme", "acme.com", "Widgets", "2026-03-05")
			},
			on: "2026-03-05", want: []ConflictKind{ConflictSameProduct, ConflictOpenCustomer}, with: []string{"R-1", "R-9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			others := tt.others(t)
			r := tt.r(t)
			cs := Conflicts(r, append(others, r), d(tt.on))
			var kinds []ConflictKind
			var with []string
			for _, c := range cs {
				kinds = append(kinds, c.Kind)
				with = append(with, c.With)
			}
			assert.Equal(t, tt.want, kinds)
			assert.Equal(t, tt.with, with)
			err := pol.Approve(r, Decision{At: at(tt.on), Actor: "cam"}, others)
			if tt.want == nil {
				assert.NoError(t, err)
				assert.Equal(t, RegApproved, r.Status)
				return
			}
			assert.ErrorIs(t, err, ErrRegistrationConflict)
			var ce *ConflictError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, cs, ce.Conflicts)
			assert.Equal(t, RegPending, r.Status, "a refused approval changes nothing")
		})
	}
}

func TestConflictErrorText(t *testing.T) {
	pol := RegistrationPolicy{ValidityDays: 30}
	a := reg(t, "R-1", "P-1", "Acme", "acme.com", "Widgets", "2026-03-01")
	require.NoError(t, pol.Approve(a, Decision{At: at("2026-03-01"), Actor: "cam"}, nil))
	b := reg(t, "R-2", "P-2", "Acme", "acme.com", "Widgets", "2026-03-05")
	err := pol.Approve(b, Decision{At: at("2026-03-05"), Actor: "cam"}, []*Registration{a})
	// 30 days counting 2026-03-01: through 2026-03-30.
	assert.EqualError(t, err, `registration R-2 conflicts: partner P-1 registered the same customer and product "Widgets" in R-1 (approved until 2026-03-30)`)

	// Override needs a reason, then keeps the overridden conflicts.
	err = pol.Approve(b, Decision{At: at("2026-03-05"), Actor: "cam", Override: true}, []*Registration{a})
	assert.ErrorIs(t, err, ErrRegistrationConflict)
	require.NoError(t, pol.Approve(b, Decision{At: at("2026-03-05"), Actor: "cam", Override: true, Reason: "split territory"}, []*Registration{a}))
	require.Len(t, b.Overrode, 1)
	assert.Equal(t, "R-1", b.Overrode[0].With)
}

func TestRegistrationExpiryAndExtensions(t *testing.T) {
	pol := RegistrationPolicy{ValidityDays: 90, ExtensionDays: 30, MaxExtensions: 1}
	r := reg(t, "R-1", "P-1", "Acme", "acme.com", "Widgets", "2026-01-01")
	require.NoError(t, pol.Approve(r, Decision{At: at("2026-01-01"), Actor: "cam"}, nil))
	// 2026-01-01 + 90 - 1 = 2026-03-31.
	assert.Equal(t, d("2026-03-31"), r.ValidUntil)
	assert.Equal(t, d("2026-01-01"), r.ApprovedOn())

	tests := []struct {
		on   string
		want RegStatus
	}{{"2026-03-31", RegApproved}, {"2026-04-01", RegExpired}}
	for _, tt := range tests {
		assert.Equal(t, tt.want, r.StatusOn(d(tt.on)), tt.on)
	}

	require.NoError(t, pol.Extend(r, ExtendRequest{At: at("2026-03-31"), Actor: "cam", Reason: "procurement delay"}))
	// 2026-03-31 + 30 = 2026-04-30.
	assert.Equal(t, d("2026-04-30"), r.ValidUntil)
	assert.Equal(t, Extension{At: at("2026-03-31"), Actor: "cam", Reason: "procurement delay", Days: 30, From: d("2026-03-31"), To: d("2026-04-30")}, r.Extensions[0])

	err := pol.Extend(r, ExtendRequest{At: at("2026-04-10"), Actor: "cam"})
	assert.ErrorIs(t, err, ErrRegistrationState)
	assert.EqualError(t, err, "partner: registration state does not allow this: registration R-1 already has 1 extension(s), the most the policy allows")

	assert.False(t, Expire(r, d("2026-04-30")))
	assert.True(t, Expire(r, d("2026-05-01")))
	assert.Equal(t, RegExpired, r.Status)

	r2 := reg(t, "R-2", "P-1", "Acme", "acme.com", "Gadgets", "2026-01-01")
	require.NoError(t, pol.Approve(r2, Decision{At: at("2026-01-01"), Actor: "cam"}, nil))
	err = pol.Extend(r2, ExtendRequest{At: at("2026-04-01"), Actor: "cam"})
	assert.EqualError(t, err, "partner: registration state does not allow this: cannot extend registration R-2: it is expired on 2026-04-01")
}

func TestRegistrationPolicyDefaults(t *testing.T) {
	tests := []struct {
		pol       RegistrationPolicy
		until     string
		extUntil  string
		maxExtend int
	}{
		// approved 2026-01-01: 90 days counting that day end 2026-03-31; +30 = 2026-04-30.
		{RegistrationPolicy{}, "2026-03-31", "2026-04-30", 2},
		{RegistrationPolicy{ValidityDays: -5, ExtensionDays: -1}, "2026-03-31", "2026-04-30", 2},
		// 10 days: 2026-01-01..2026-01-10; +7 = 2026-01-17.
		{RegistrationPolicy{ValidityDays: 10, ExtensionDays: 7, MaxExtensions: 3}, "2026-01-10", "2026-01-17", 3},
		{RegistrationPolicy{MaxExtensions: -1}, "2026-03-31", "", 0},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := reg(t, "R-1", "P-1", "Acme", "", "W", "2026-01-01")
			require.NoError(t, tt.pol.Approve(r, Decision{At: at("2026-01-01"), Actor: "cam"}, nil))
			assert.Equal(t, d(tt.until), r.ValidUntil)
			n := 0
			for tt.pol.Extend(r, ExtendRequest{At: at("2026-01-02"), Actor: "cam"}) == nil {
				if n == 0 {
					assert.Equal(t, d(tt.extUntil), r.ValidUntil)
				}
				n++
			}
			assert.Equal(t, tt.maxExtend, n)
		})
	}
}

func TestRegistrationDecisions(t *testing.T) {
	pol := RegistrationPolicy{}
	r := reg(t, "R-1", "P-1", "Acme", "acme.com", "Widgets", "2026-01-01")
	assert.ErrorIs(t, pol.Reject(r, Decision{At: at("2026-01-02"), Actor: "cam"}), ErrRegistrationState, "reject needs a reason")
	assert.ErrorIs(t, pol.Approve(r, Decision{At: at("2026-01-02")}, nil), ErrRegistrationState, "needs an actor")
	require.NoError(t, pol.Reject(r, Decision{At: at("2026-01-02"), Actor: "cam", Reason: "house account"}))
	assert.Equal(t, Date{}, r.ApprovedOn())
	err := pol.Approve(r, Decision{At: at("2026-01-03"), Actor: "cam"}, nil)
	assert.EqualError(t, err, "partner: registration state does not allow this: cannot approve registration R-1: it is rejected")
	assert.ErrorIs(t, pol.Submit(r, at("2026-01-04"), "x"), ErrRegistrationState)
}

func TestMatchDeal(t *testing.T) {
	pol := RegistrationPolicy{}
	approved := func(id, partnerID, product, approvedAt string) *Registration {
		r := reg(t, id, partnerID, "Acme Inc", "acme.com", product, "2026-01-01")
		require.NoError(t, pol.Approve(r, Decision{At: at(approvedAt), Actor: "cam"}, nil))
		return r
	}
	pending := reg(t, "R-0", "P-1", "Acme", "acme.com", "Widgets", "2026-01-01")
	regs := []*Registration{
		pending,
		approved("R-5", "P-1", "Widgets", "2026-02-01"),
		approved("R-3", "P-1", "Widgets", "2026-01-15"), // earliest approved
		approved("R-4", "P-2", "Widgets", "2026-01-10"), // other partner
		approved("R-6", "P-1", "Gadgets", "2026-01-10"),
	}
	tests := []struct {
		name   string
		deal   ClosedDeal
		want   string
		errTxt string
	}{
		{name: "earliest approved of the partner's valid ones",
			deal: ClosedDeal{ID: "D-1", PartnerID: "P-1", Customer: Customer{Name: "ACME"}, Product: "widgets", Closed: at("2026-03-01")}, want: "R-3"},
		{name: "closed before the second approval",
			deal: ClosedDeal{ID: "D-2", PartnerID: "P-1", Customer: Customer{Domain: "https://acme.com"}, Product: "Widgets", Closed: at("2026-01-20")}, want: "R-3"},
		{name: "R-3 expired (2026-04-14), R-5 still valid (to 2026-05-01)",
			deal: ClosedDeal{ID: "D-3", PartnerID: "P-1", Customer: Customer{Domain: "acme.com"}, Product: "Widgets", Closed: at("2026-04-20")}, want: "R-5"},
		{name: "nothing valid",
			deal:   ClosedDeal{ID: "D-4", PartnerID: "P-1", Customer: Customer{Domain: "acme.com"}, Product: "Widgets", Closed: at("2026-06-01")},
			errTxt: "partner: no matching registration for deal D-4 of partner P-1: R-0 is pending; R-5 expired on 2026-05-01, before the deal closed on 2026-06-01; R-3 expired on 2026-04-14, before the deal closed on 2026-06-01; R-6 is for product \"Gadgets\""},
		{name: "unknown customer",
			deal:   ClosedDeal{ID: "D-5", PartnerID: "P-1", Customer: Customer{Name: "Globex"}, Product: "Widgets", Closed: at("2026-03-01")},
			errTxt: "partner: no matching registration for deal D-5 of partner P-1: the partner has no registration for this customer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := MatchDeal(regs, tt.deal)
			if tt.errTxt != "" {
				assert.ErrorIs(t, err, ErrNoRegistration)
				assert.EqualError(t, err, tt.errTxt)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.ID)
		})
	}
	r, err := MatchDeal(regs, ClosedDeal{ID: "D-1", PartnerID: "P-1", Customer: Customer{Name: "Acme"}, Product: "Widgets", Closed: at("2026-03-01"), Won: true})
	require.NoError(t, err)
	require.NoError(t, Close(r, ClosedDeal{ID: "D-1", Closed: at("2026-03-01"), Won: true}))
	assert.Equal(t, RegClosedWon, r.Status)
	assert.Equal(t, "D-1", r.DealID)
	assert.Equal(t, d("2026-01-15"), r.ApprovedOn(), "the engine still reads the approval date")
	assert.ErrorIs(t, Close(pending, ClosedDeal{ID: "D-9"}), ErrRegistrationState)
}

func TestRegistrationJSONRoundTrip(t *testing.T) {
	pol := RegistrationPolicy{}
	r := reg(t, "R-1", "P-1", "Acme, Inc.", "www.acme.com", "Widgets", "2026-01-01")
	require.NoError(t, pol.Approve(r, Decision{At: at("2026-01-02"), Actor: "cam"}, nil))
	require.NoError(t, pol.Extend(r, ExtendRequest{At: at("2026-02-01"), Actor: "cam"}))
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back Registration
	require.NoError(t, json.Unmarshal(b, &back))
	// shopspring writes the value without trailing zeros: 50000.00 comes back as 50000.
	assert.True(t, r.Amount.Equal(back.Amount))
	back.Amount = r.Amount
	assert.Equal(t, r, &back)
	assert.Contains(t, string(b), `"amount":"50000","currency":"USD"`)
	assert.Contains(t, string(b), `"customer_key":{"name":"acme","domain":"acme.com"}`)
	assert.NotContains(t, string(b), "closed_at", "a zero time is left out")
}

// "& Co." is a company form too: "Müller GmbH & Co. KG" (the common German
// limited partnership) is the customer "Müller GmbH" registered by another
// partner, and "Smith & Co." is "Smith". An "and" inside the name stays.
func TestNormalizeNameAndCompanyForms(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Müller GmbH & Co. KG", "Müller GmbH"},
		{"Müller GmbH & Co. KG", "MÜLLER"},
		{"Smith & Co.", "Smith"},
		{"Smith and Company, Inc.", "Smith"},
	}
	for _, tt := range tests {
		t.Run(tt.a+" = "+tt.b, func(t *testing.T) {
			assert.Equal(t, NormalizeName(tt.b), NormalizeName(tt.a))
			assert.True(t, Customer{Name: tt.a}.Key().Same(Customer{Name: tt.b}.Key()))
		})
	}
	kept := []struct{ in, want string }{
		{"Johnson & Johnson", "johnson and johnson"},
		{"Procter & Gamble Co.", "procter and gamble"},
		{"Barnes and", "barnes and"}, // no company form removed: the "and" is the name's
		{"And Co", "and"},            // the last word always stays
	}
	for _, tt := range kept {
		t.Run(tt.in, func(t *testing.T) { assert.Equal(t, tt.want, NormalizeName(tt.in)) })
	}
}

// An internationalized domain is one customer whether it is typed in
// Unicode or in its ASCII (punycode, RFC 3492) form, in any case: the
// normal form is the ASCII one. Expected forms come from Python's
// "münchen".encode("idna") and friends, not from this code.
func TestNormalizeDomainUnicodeIsPunycode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"münchen.de", "xn--mnchen-3ya.de"},
		{"MÜNCHEN.DE", "xn--mnchen-3ya.de"},
		{"XN--MNCHEN-3YA.DE", "xn--mnchen-3ya.de"},
		{"https://www.bücher.example/shop", "xn--bcher-kva.example"},
		{"einkauf@bücher.example", "xn--bcher-kva.example"},
		{"bücher。example", "xn--bcher-kva.example"}, // ideographic full stop
		{"例え.テスト", "xn--r8jz45g.xn--zckzah"},
		{"ελληνικά.gr", "xn--hxargifdar.gr"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeDomain(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	a := Customer{Name: "Stadtwerke München", Domain: "münchen.de"}.Key()
	b := Customer{Name: "SWM", Domain: "xn--mnchen-3ya.de"}.Key()
	assert.True(t, a.Same(b), "one customer by domain")
	_, err := NormalizeDomain("mü☃nchen.de")
	assert.ErrorIs(t, err, ErrInvalidDomain, "a symbol is not a letter")
}

// A withdrawal is a decision like the others: it needs a time and an
// actor, or the record cannot say who withdrew the registration or when,
// and the registration is left unchanged.
func TestWithdrawNeedsATimeAndAnActor(t *testing.T) {
	tests := []struct {
		name  string
		at    time.Time
		actor string
	}{
		{"no time", time.Time{}, "rep"},
		{"no actor", at("2026-03-02"), " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := reg(t, "R-1", "P-1", "Acme", "", "Widgets", "2026-03-01")
			before := r.Clone()
			err := Withdraw(r, tt.at, tt.actor, "lost interest")
			assert.ErrorIs(t, err, ErrRegistrationState)
			assert.Equal(t, before, r)
		})
	}
}

// A decision cannot come before what it decides on: an approval dated
// before the submission would start the validity before the partner
// registered anything (and MatchDeal would then credit a deal that closed
// before the registration existed); an extension dated before the approval
// likewise. Both are refused and change nothing.
func TestDecisionsBeforeTheirSubjectAreRefused(t *testing.T) {
	pol := RegistrationPolicy{}
	r := reg(t, "R-1", "P-1", "Acme", "", "Widgets", "2026-03-10")
	before := r.Clone()
	err := pol.Approve(r, Decision{At: at("2026-03-01"), Actor: "cam"}, nil)
	assert.ErrorIs(t, err, ErrRegistrationState)
	assert.Equal(t, before, r)
	err = pol.Reject(r, Decision{At: at("2026-03-09"), Actor: "cam", Reason: "dup"})
	assert.ErrorIs(t, err, ErrRegistrationState)
	assert.Equal(t, before, r)

	// The same day, later or at the submission instant is fine.
	require.NoError(t, pol.Approve(r, Decision{At: at("2026-03-10"), Actor: "cam"}, nil))
	approved := r.Clone()
	err = pol.Extend(r, ExtendRequest{At: at("2026-03-09"), Actor: "cam"})
	assert.ErrorIs(t, err, ErrRegistrationState)
	assert.Equal(t, approved, r)

	// A deal closed before the registration was submitted never matches.
	_, err = MatchDeal([]*Registration{r}, ClosedDeal{ID: "D-1", PartnerID: "P-1", Customer: Customer{Name: "Acme"}, Product: "Widgets", Closed: at("2026-03-05")})
	assert.ErrorIs(t, err, ErrNoRegistration)
}

// NormalizeName is idempotent (FuzzNormalizeName checks it): a doubled
// leading article must not leave a "the" that a second pass removes, or a
// stored key and a key computed from it would differ.
func TestNormalizeNameDoubledArticle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"The The Acme", "acme"},
		{"the THE the Acme Inc", "acme"},
		{"The The", "the"}, // the last word always stays
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := NormalizeName(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, NormalizeName(got))
		})
	}
}
