package incentive

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDateAddMonthsClamps(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"}, // February 2026 has 28 days
		{"2028-01-31", 1, "2028-02-29"}, // 2028 is a leap year
		{"2026-03-31", -1, "2026-02-28"},
		{"2026-08-31", 1, "2026-09-30"},
		{"2026-12-31", 2, "2027-02-28"},
		{"2026-11-15", 14, "2028-01-15"},
		{"2026-01-15", -13, "2024-12-15"},
		{"2028-02-29", 12, "2029-02-28"},
	}
	for _, c := range cases {
		d, err := ParseDate(c.from)
		require.NoError(t, err)
		assert.Equal(t, c.want, d.AddMonths(c.n).String(), "%s + %d months", c.from, c.n)
	}
}

// TestClaimWindowAnchors: each anchor, in days and in months, with the
// deadline counted by hand and the expiry decided as of a date.
func TestClaimWindowAnchors(t *testing.T) {
	base := func(c ClaimWindow) *Program {
		return &Program{ID: "p", Version: 1, Currency: USD,
			Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 6, 30}, Location: nyc},
			Claims:    c,
			Fields:    []FieldDecl{{Name: "activated", Type: FieldDate, Optional: true}},
			Earnings:  []Earning{{ID: "flat", Type: Spiff, Amount: Const(dec("100"))}},
		}
	}
	mk := func(approved Date, activated Date) Deal {
		d := Deal{ID: "D-1", PartnerID: "P-1", Amount: usd("1000"), CloseDate: day("2026-03-08")}
		if !approved.IsZero() {
			d.Registration = &Registration{ID: "R-1", Approved: approved}
		}
		if !activated.IsZero() {
			d.Fields = map[string]any{"activated": activated}
		}
		return d
	}
	cases := []struct {
		name      string
		claims    ClaimWindow
		deal      Deal
		asOf      string
		wantBy    string // "" when the window has not started
		expired   bool
		wantWords string
	}{
		// 2026-03-08 + 30 days: 23 (to Mar 31) + 7 = Apr 7.
		{"close date, days", ClaimWindow{Days: 30}, mk(Date{}, Date{}), "2026-04-07", "2026-04-07", false,
			"claim by 2026-04-07 (30 days after close date 2026-03-08)"},
		{"close date, days, a day late", ClaimWindow{Days: 30}, mk(Date{}, Date{}), "2026-04-08", "2026-04-07", true,
			"the claim window has closed"},
		// program end 2026-06-30 + 1 month = 2026-07-30.
		{"program end, months", ClaimWindow{Months: 1, From: FromProgramEnd}, mk(Date{}, Date{}), "2026-07-31", "2026-07-30", true,
			"claim by 2026-07-30 (1 month after the program's last day 2026-06-30)"},
		// approved 2026-01-31 + 1 month clamps to 2026-02-28.
		{"registration approval, months, clamped", ClaimWindow{Months: 1, From: FromRegistrationApproved}, mk(Date{2026, 1, 31}, Date{}), "2026-02-28", "2026-02-28", false,
			"claim by 2026-02-28 (1 month after registration approval 2026-01-31)"},
		{"registration approval, unregistered: not started", ClaimWindow{Days: 10, From: FromRegistrationApproved}, mk(Date{}, Date{}), "2027-01-01", "", false,
			"no claim deadline yet: the claim window (10 days) counts from the registration approval, which the deal does not have"},
		// activated 2026-03-20 + 60 days: 11 (to Mar 31) + 30 (Apr) + 19 = May 19.
		{"custom date field", ClaimWindow{Days: 60, From: "activated"}, mk(Date{}, Date{2026, 3, 20}), "2026-05-20", "2026-05-19", true,
			"claim by 2026-05-19 (60 days after activated 2026-03-20)"},
		{"custom date field missing: not started", ClaimWindow{Days: 60, From: "activated"}, mk(Date{}, Date{}), "2027-05-20", "", false,
			"no claim deadline yet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := base(c.claims)
			require.NoError(t, p.Validate())
			res, err := Evaluate(t.Context(), p, Input{Deal: c.deal, Partner: gold("P-1")}, day(c.asOf))
			require.NoError(t, err)
			if c.wantBy == "" {
				assert.True(t, res.ClaimBy.IsZero(), "%v", res.ClaimBy)
			} else {
				assert.Equal(t, c.wantBy, res.ClaimBy.String())
			}
			assert.Equal(t, c.expired, res.Expired)
			assert.Contains(t, res.Explain(), c.wantWords)
		})
	}
}

// TestRegistrationValidity: the registration is valid through approval +
// validity, checked against the close date in the program's time zone,
// with the dates in the failure text.
func TestRegistrationValidity(t *testing.T) {
	p := &Program{ID: "p", Version: 1, Currency: USD,
		Effective:            Window{From: Date{2026, 1, 1}, Location: nyc},
		RegistrationValidity: Span{Days: 90},
		Earnings:             []Earning{{ID: "flat", Type: Spiff, Amount: Const(dec("100"))}},
	}
	reg := &Registration{ID: "R-7", Approved: Date{2026, 1, 15}}
	cases := []struct {
		name     string
		close    time.Time
		reg      *Registration
		eligible bool
		words    string
	}{
		// Jan 15 + 90 days: 16 (to Jan 31) + 28 + 31 + 15 = Apr 15.
		{"last valid day", day("2026-04-15"), reg, true,
			"registration R-7, approved 2026-01-15, is valid for 90 days, through 2026-04-15; the deal closed 2026-04-15"},
		// 23:30 EDT on Apr 15 is 03:30 UTC on Apr 16: still Apr 15 in New York.
		{"late evening in New York", time.Date(2026, 4, 16, 3, 30, 0, 0, time.UTC), reg, true, "the deal closed 2026-04-15"},
		{"a day late", day("2026-04-16"), reg, false,
			"not eligible: registration R-7, approved 2026-01-15, was valid for 90 days, through 2026-04-15; the deal closed 2026-04-16"},
		{"closed before the approval", day("2026-01-14"), reg, false,
			"not eligible: the deal closed 2026-01-14, before its registration R-7 was approved on 2026-01-15"},
		{"unregistered: not checked", day("2026-12-01"), nil, true, "total 100.00 USD"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Deal{ID: "D-1", PartnerID: "P-1", Amount: usd("1000"), CloseDate: c.close, Registration: c.reg}
			res, err := Evaluate(t.Context(), p, Input{Deal: d, Partner: gold("P-1")}, time.Time{})
			require.NoError(t, err)
			assert.Equal(t, c.eligible, res.Eligible)
			if !c.eligible {
				assert.Equal(t, RegistrationClause, res.Failed)
				assert.True(t, res.Total.IsZero())
			}
			assert.Contains(t, res.Explain(), c.words)
		})
	}
}

func TestClaimWindowValidate(t *testing.T) {
	p := func(c ClaimWindow, v Span) *Program {
		return &Program{ID: "p", Version: 1, Currency: USD, Claims: c, RegistrationValidity: v,
			Fields:   []FieldDecl{{Name: "tier_code", Type: FieldString}},
			Earnings: []Earning{{ID: "flat", Type: Spiff, Amount: Const(dec("1"))}}}
	}
	cases := []struct {
		prog *Program
		msg  string
	}{
		{p(ClaimWindow{Days: 10, Months: 1}, Span{}), "sets both days (10) and months (1)"},
		{p(ClaimWindow{Months: -1}, Span{}), "is negative"},
		{p(ClaimWindow{Days: 1, From: "tier_code"}, Span{}), `field "tier_code", which is a string, not a date`},
		{p(ClaimWindow{Days: 1, From: "invoice"}, Span{}), `unknown claim anchor "invoice"`},
		{p(ClaimWindow{}, Span{Days: 1, Months: 1}), "registration validity sets both"},
	}
	for _, c := range cases {
		err := c.prog.Validate()
		require.Error(t, err)
		assert.True(t, errors.Is(err, ErrInvalidProgram))
		assert.True(t, strings.Contains(err.Error(), c.msg), "%v", err)
	}
}

// The claim step's words, rendered from its detail, in each of its forms,
// the credit note that counts as expired with its deal included.
func TestClaimWords(t *testing.T) {
	e, err := NewEvaluator(&Program{ID: "p", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 6, 30}, Location: nyc},
		Claims:    ClaimWindow{Days: 30},
		Earnings:  []Earning{{ID: "flat", Type: Spiff, Amount: Const(dec("100"))}}})
	require.NoError(t, err)
	anchor, on := Date{2026, 3, 8}, Date{2026, 5, 1}
	cases := []struct {
		name             string
		anchored, credit bool
		expired          bool
		want             string
	}{
		// 2026-03-08 + 30 days = 2026-04-07.
		{"open", true, false, false, "claim by 2026-04-07 (30 days after close date 2026-03-08)"},
		{"expired", true, false, true, "claim by 2026-04-07 (30 days after close date 2026-03-08); as of 2026-05-01 the claim window has closed"},
		{"credit note of an expired deal", true, true, true,
			"claim by 2026-04-07 (30 days after close date 2026-03-08); the credited deal's claim window had closed as of 2026-05-01, so this credit note counts with it as expired"},
		{"not started", false, false, false, "no claim deadline yet: the claim window (30 days) counts from the close date, which the deal does not have"},
		{"not started, credit note of an expired deal", false, true, true,
			"no claim deadline yet: the claim window (30 days) counts from the close date, which the deal does not have; the credited deal's claim window had closed as of 2026-05-01, so this credit note counts with it as expired"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sa, _ := shortDateOf(anchor)
			so, _ := shortDateOf(on)
			var w work
			d := e.newDetail(&w, detailClaim)
			d.payee, d.started, d.date, d.on, d.credited = "close date", c.anchored, sa, so, c.credit
			w.add(secFinal, stepRec{Kind: StepClaim, OK: !c.expired, detail: d})
			st := w.resultTrace(e, w.trace)[0]
			assert.Equal(t, c.want, st.Words())
		})
	}
}

// shortDateOf holds a date exactly or says it cannot: every date it takes
// comes back the same, and the ones it refuses (a step then keeps a
// closure) are refused.
func TestShortDate(t *testing.T) {
	cases := []struct {
		d    Date
		fits bool
	}{
		{Date{2026, 11, 30}, true},
		{Date{0, 1, 1}, true},
		{Date{}, true},
		{Date{-4712, 1, 1}, true},
		{Date{4194303, 12, 31}, true}, // the largest year: 2^22-1
		{Date{4194304, 1, 1}, false},  // one more
		{Date{-4194304, 12, 31}, true},
		{Date{-4194305, 1, 1}, false},
		{Date{2147483648, 1, 1}, false},
		{Date{2026, 15, 31}, true}, // not a calendar date, but held exactly
		{Date{2026, 16, 1}, false},
		{Date{2026, 1, 32}, false},
		{Date{2026, -1, 1}, false},
		{Date{2026, 1, -1}, false},
	}
	// (a step detail keeps two: 4 bytes each)
	assert.Equal(t, uintptr(4), unsafe.Sizeof(shortDate(0)))
	for _, c := range cases {
		s, fits := shortDateOf(c.d)
		assert.Equal(t, c.fits, fits, "%+v", c.d)
		if fits {
			assert.Equal(t, c.d, s.date(), "%+v", c.d)
		}
	}
}

// A claim step whose dates do not fit a detail renders through its
// closure, with the same words.
func TestClaimStepFarDate(t *testing.T) {
	p := &Program{ID: "p", Version: 1, Currency: USD,
		Effective: Window{From: Date{2026, 1, 1}, To: Date{2026, 6, 30}, Location: nyc},
		Claims:    ClaimWindow{Days: 30, From: FromRegistrationApproved},
		Earnings:  []Earning{{ID: "flat", Type: Spiff, Amount: Const(dec("100"))}}}
	d := Deal{ID: "D-1", PartnerID: "P-1", Amount: usd("1000"), CloseDate: day("2026-03-08"),
		Registration: &Registration{ID: "R-1", Approved: Date{3000000000, 1, 1}}}
	r, err := Evaluate(t.Context(), p, Input{Deal: d, Partner: gold("P-1")}, day("2026-04-01"))
	require.NoError(t, err)
	// 3000000000-01-01 + 30 days = 3000000000-01-31.
	assert.Contains(t, r.Explain(), "claim by 3000000000-01-31 (30 days after registration approval 3000000000-01-01)")
}
