package partner

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTransitionTable tries every (from, to) pair: exactly the table's
// pairs pass when their guards are met, every other pair is refused as
// not allowed.
func TestTransitionTable(t *testing.T) {
	allowed := map[[2]State]bool{
		{Prospect, Onboarding}: true, {Prospect, Rejected}: true,
		{Onboarding, Active}: true, {Onboarding, Rejected}: true,
		{Active, Suspended}: true, {Active, Offboarding}: true,
		{Suspended, Active}: true, {Suspended, Offboarding}: true,
		{Offboarding, Active}: true, {Offboarding, Offboarded}: true,
		{Rejected, Prospect}: true,
	}
	var l Lifecycle
	for _, from := range States() {
		for _, to := range States() {
			t.Run(string(from)+"->"+string(to), func(t *testing.T) {
				p := payable()
				p.Status = from
				req := TransitionRequest{To: to, At: at("2026-06-01"), Actor: "ops@vendor", Reason: "because",
					Clearance: &Clearance{}, Plan: &OnboardingPlan{Complete: true}}
				e, err := l.Transition(p, req)
				if !allowed[[2]State{from, to}] {
					require.Error(t, err)
					assert.ErrorIs(t, err, ErrInvalidTransition)
					var te *TransitionError
					require.ErrorAs(t, err, &te)
					assert.True(t, te.NotAllowed)
					assert.Equal(t, from, p.State(), "a refused transition leaves the state")
					assert.Empty(t, p.History)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, to, p.Status)
				assert.Equal(t, Event{Kind: EventState, From: from, To: to, Actor: "ops@vendor", At: at("2026-06-01"), Reason: "because"}, e)
				assert.Equal(t, []Event{e}, p.History)
			})
		}
	}
}

func TestZeroStatusIsProspect(t *testing.T) {
	var l Lifecycle
	p := &Partner{ID: "P"}
	e, err := l.Transition(p, TransitionRequest{To: Onboarding, At: at("2026-01-01"), Actor: "a"})
	require.NoError(t, err)
	assert.Equal(t, Prospect, e.From)
}

func TestTransitionGuards(t *testing.T) {
	lc := Lifecycle{Requirements: map[Type]Requirements{
		Referral: {Documents: []DocumentKind{Agreement}},
		MSP:      {Documents: []DocumentKind{Agreement, TaxForm, Insurance}, Payee: true, PayeeRole: RoleBilling},
	}}
	tests := []struct {
		name  string
		from  State
		edit  func(p *Partner)
		req   TransitionRequest
		items []string
	}{
		{name: "activation met", from: Onboarding, req: TransitionRequest{To: Active}},
		{name: "activation: every document and payee problem at once", from: Onboarding,
			edit: func(p *Partner) {
				p.Documents[0].ValidUntil = d("2026-05-31") // expired the day before
				p.Documents = p.Documents[:1]
				p.Payment = nil
				p.Contacts = p.Contacts[:1]
			},
			req:   TransitionRequest{To: Active, Plan: &OnboardingPlan{Open: []string{"portal training"}}},
			items: []string{"agreement", "tax_form", "payment_details", "payee_contact", "onboarding_plan"}},
		{name: "activation: invalid record", from: Onboarding, edit: func(p *Partner) { p.Name = "" },
			req: TransitionRequest{To: Active}, items: []string{"record"}},
		{name: "activation: a complete plan passes", from: Onboarding,
			req: TransitionRequest{To: Active, Plan: &OnboardingPlan{Complete: true}}},
		{name: "referral needs only an agreement", from: Onboarding,
			edit: func(p *Partner) { p.Type = Referral; p.Payment = nil; p.Documents = p.Documents[:1] },
			req:  TransitionRequest{To: Active}},
		{name: "msp needs insurance and a billing payee", from: Onboarding,
			edit: func(p *Partner) { p.Type = MSP },
			req:  TransitionRequest{To: Active}, items: []string{"insurance", "payee_contact"}},
		{name: "reactivation from suspension is guarded too", from: Suspended,
			edit: func(p *Partner) { p.Documents[1].Status = DocRevoked },
			req:  TransitionRequest{To: Active}, items: []string{"tax_form"}},
		{name: "offboarded needs clearance", from: Offboarding, req: TransitionRequest{To: Offboarded},
			items: []string{"clearance"}},
		{name: "offboarded: clear", from: Offboarding, req: TransitionRequest{To: Offboarded, Clearance: &Clearance{Balance: decimal.RequireFromString("0.00")}}},
		{name: "offboarded: every financial problem", from: Offboarding,
			req:   TransitionRequest{To: Offboarded, Clearance: &Clearance{OpenClaims: 2, Balance: decimal.RequireFromString("-12.50"), UnprovenMDF: 1}},
			items: []string{"open_claims", "balance", "mdf_proof"}},
		{name: "suspension needs a reason", from: Active, req: TransitionRequest{To: Suspended, Reason: " "}, items: []string{"reason"}},
		{name: "rejection needs a reason", from: Prospect, req: TransitionRequest{To: Rejected}, items: []string{"reason"}},
		{name: "offboarding needs a reason", from: Active, req: TransitionRequest{To: Offboarding}, items: []string{"reason"}},
		{name: "actor and time are required", from: Prospect, req: TransitionRequest{To: Onboarding, Actor: "-", At: time.Time{}},
			items: []string{"actor", "at"}},
		{name: "out of time order", from: Active,
			edit: func(p *Partner) { p.History = []Event{{From: Onboarding, To: Active, At: at("2026-07-01")}} },
			req:  TransitionRequest{To: Suspended, Reason: "late docs"}, items: []string{"at"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := payable()
			p.Status = tt.from
			if tt.edit != nil {
				tt.edit(p)
			}
			req := tt.req
			switch req.Actor {
			case "":
				req.Actor = "ops@vendor"
			case "-":
				req.Actor = ""
			}
			if req.At.IsZero() && tt.req.Actor != "-" {
				req.At = at("2026-06-01")
			}
			before := p.Clone()
			_, err := lc.Transition(p, req)
			if tt.items == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.req.To, p.Status)
				return
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalidTransition))
			var te *TransitionError
			require.ErrorAs(t, err, &te)
			assert.False(t, te.NotAllowed)
			var items []string
			for _, b := range te.Unmet {
				items = append(items, b.Item)
			}
			assert.Equal(t, tt.items, items)
			assert.Equal(t, before, p, "a failed transition changes nothing")
		})
	}
}

func TestTransitionErrorText(t *testing.T) {
	var l Lifecycle
	p := payable()
	p.Status = Offboarding
	_, err := l.Transition(p, TransitionRequest{To: Offboarded, At: at("2026-06-01"), Actor: "a",
		Clearance: &Clearance{Balance: decimal.RequireFromString("120.00"), Currency: "EUR"}})
	assert.EqualError(t, err, "partner P-1 cannot move from offboarding to offboarded: the program owes the partner 120.00 EUR")
	p.Status = Offboarded
	_, err = l.Transition(p, TransitionRequest{To: Active, At: at("2026-06-01"), Actor: "a"})
	assert.EqualError(t, err, "partner P-1: no transition from offboarded to active (allowed: none, it is final)")
}

func TestActivationGuardReadsTheTransitionDate(t *testing.T) {
	var l Lifecycle
	// The tax form runs to 2026-12-31: activation on that day passes, the next day fails.
	p := payable()
	_, err := l.Transition(p, TransitionRequest{To: Active, At: at("2026-12-31"), Actor: "a"})
	assert.NoError(t, err)
	p = payable()
	_, err = l.Transition(p, TransitionRequest{To: Active, At: at("2027-01-01"), Actor: "a"})
	assert.ErrorIs(t, err, ErrInvalidTransition)
	assert.Len(t, l.Unmet(p, d("2027-01-01")), 1)
	assert.Empty(t, l.Unmet(p, d("2026-12-31")))
}

// history builds a partner through a journey with a tier change.
func history(t *testing.T) *Partner {
	t.Helper()
	var l Lifecycle
	p := payable()
	p.Status = ""
	p.Tier = "registered"
	steps := []TransitionRequest{
		{To: Onboarding, At: at("2026-01-10"), Actor: "pm"},
		{To: Active, At: at("2026-02-01"), Actor: "pm"},
		{To: Suspended, At: at("2026-05-01T09:00:00Z"), Actor: "ops", Reason: "tax form"},
		{To: Active, At: at("2026-05-20"), Actor: "ops"},
	}
	for _, s := range steps {
		_, err := l.Transition(p, s)
		require.NoError(t, err)
	}
	_, err := SetTier(p, TierChange{To: "gold", At: at("2026-07-01"), Actor: "policy", Reason: "revenue"})
	require.NoError(t, err)
	return p
}

func TestStateAndTierAtPastDates(t *testing.T) {
	p := history(t)
	tests := []struct {
		at    string
		state State
		tier  Tier
	}{
		{"2025-12-31", Prospect, "registered"},
		{"2026-01-10T11:59:59Z", Prospect, "registered"},
		{"2026-01-10T12:00:00Z", Onboarding, "registered"}, // an event is in force from its instant
		{"2026-03-01", Active, "registered"},
		{"2026-05-01T08:59:59Z", Active, "registered"},
		{"2026-05-01T09:00:00Z", Suspended, "registered"},
		{"2026-05-19", Suspended, "registered"},
		{"2026-06-01", Active, "registered"},
		{"2026-07-01", Active, "gold"},
		{"2030-01-01", Active, "gold"},
	}
	for _, tt := range tests {
		t.Run(tt.at, func(t *testing.T) {
			assert.Equal(t, tt.state, p.StateAt(at(tt.at)))
			assert.Equal(t, tt.tier, p.TierAt(at(tt.at)))
		})
	}
	// Without history, the current values hold throughout.
	q := &Partner{Status: Active, Tier: "gold"}
	assert.Equal(t, Active, q.StateAt(at("2020-01-01")))
	assert.Equal(t, Tier("gold"), q.TierAt(at("2020-01-01")))
}

func TestSetTierErrors(t *testing.T) {
	p := history(t)
	tests := []struct {
		name string
		c    TierChange
		want string
	}{
		{"no actor, no time", TierChange{To: "platinum"}, "partner: invalid tier change: partner P-1 needs an actor and a time"},
		{"same tier", TierChange{To: "gold", At: at("2026-08-01"), Actor: "a"}, `partner: invalid tier change: partner P-1 is already "gold"`},
		{"before last event", TierChange{To: "silver", At: at("2026-06-01"), Actor: "a"}, "partner: invalid tier change: partner P-1: 2026-06-01T12:00:00Z is before the last event at 2026-07-01T12:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SetTier(p, tt.c)
			assert.ErrorIs(t, err, ErrInvalidTierChange)
			assert.EqualError(t, err, tt.want)
			assert.Equal(t, Tier("gold"), p.Tier)
		})
	}
}

func TestTransitionsListIsACopy(t *testing.T) {
	ts := Transitions(Active)
	ts[0] = Offboarded
	assert.Equal(t, []State{Suspended, Offboarding}, Transitions(Active))
	assert.Empty(t, Transitions(Offboarded))
}

func TestActivationNeedsCertifiedPeople(t *testing.T) {
	lc := Lifecycle{Requirements: map[Type]Requirements{MSP: {CertifiedPeople: 2}}}
	p := payable()
	p.Type = MSP
	p.Certified = []CertifiedPerson{
		{Name: "A", Email: "a@x.io", Certification: "ops", Expires: d("2026-05-31")},
		{Name: "B", Email: "b@x.io", Certification: "ops"},
	}
	_, err := lc.Transition(p, TransitionRequest{To: Active, At: at("2026-06-01"), Actor: "pm"})
	var te *TransitionError
	require.ErrorAs(t, err, &te)
	require.Len(t, te.Unmet, 1)
	assert.Equal(t, "1 certified people on 2026-06-01, 2 required", te.Unmet[0].Detail) // A expired the day before
	_, err = lc.Transition(p, TransitionRequest{To: Active, At: at("2026-05-31"), Actor: "pm"})
	assert.NoError(t, err)
}

// Offboarded is final, so the ledger's answer must really say "clear": a
// negative count of open claims or unproven MDF payments is a broken
// answer (a subtraction gone wrong upstream), not a clear partner.
func TestOffboardedRefusesNegativeCounts(t *testing.T) {
	tests := []struct {
		name  string
		c     Clearance
		items []string
	}{
		{"negative open claims", Clearance{OpenClaims: -1}, []string{"open_claims"}},
		{"negative unproven MDF", Clearance{UnprovenMDF: -2}, []string{"mdf_proof"}},
		{"both", Clearance{OpenClaims: -1, UnprovenMDF: -1}, []string{"open_claims", "mdf_proof"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := payable()
			p.Status = Offboarding
			c := tt.c
			_, err := (&Lifecycle{}).Transition(p, TransitionRequest{To: Offboarded, At: at("2026-06-01"), Actor: "ops", Clearance: &c})
			var te *TransitionError
			require.ErrorAs(t, err, &te)
			var items []string
			for _, b := range te.Unmet {
				items = append(items, b.Item)
				assert.Contains(t, b.Detail, "negative")
			}
			assert.Equal(t, tt.items, items)
			assert.Equal(t, Offboarding, p.Status)
		})
	}
}
