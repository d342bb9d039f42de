// Package partnertest is the conformance suite every partner.Store must
// pass. A store's own test calls Run with a function that returns a new,
// empty store:
//
//	func TestConformance(t *testing.T) {
//		partnertest.Run(t, func(t *testing.T) partner.Store { return partner.NewMemoryStore() })
//	}
//
// The suite uses instants at whole seconds in UTC and compares instants
// with time.Time.Equal and amounts with decimal.Decimal.Equal, so a SQL
// store may return them in another location or representation.
package partnertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// NewStore returns a new, empty store for one test.
type NewStore func(t *testing.T) partner.Store

// Run runs the whole suite as subtests of t.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s partner.Store)
	}{
		{"PartnerRoundTrip", partnerRoundTrip},
		{"PartnerNotFound", partnerNotFound},
		{"PartnerCreateTwice", partnerCreateTwice},
		{"PartnerInvalid", partnerInvalid},
		{"PartnerUpdateVersions", partnerUpdateVersions},
		{"PartnerHistoryAppendOnly", partnerHistoryAppendOnly},
		{"PartnerCopies", partnerCopies},
		{"PartnerList", partnerList},
		{"PartnerConcurrentUpdates", partnerConcurrentUpdates},
		{"PartnerUpdateRetries", partnerUpdateRetries},
		{"CanceledContext", canceledContext},
		{"RegistrationRoundTrip", registrationRoundTrip},
		{"RegistrationErrors", registrationErrors},
		{"RegistrationList", registrationList},
		{"RegistrationCopies", registrationCopies},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

var ctx = context.Background()

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Full returns a partner with every field set.
func Full(id string) *partner.Partner {
	return &partner.Partner{
		ID: id, Name: "Acme Resale GmbH", Type: partner.Reseller, Tier: "silver", Region: "emea", Country: "DE",
		Status: partner.Active,
		Contacts: []partner.Contact{
			{Role: partner.RolePrimary, Name: "Ana", Email: "ana@acme.example", Phone: "+49 30 1234"},
			{Role: partner.RolePayee, Name: "Ben", Email: "ben@acme.example"},
		},
		Payment: &partner.PaymentDetails{Method: partner.BankTransfer, AccountHolder: "Acme Resale GmbH", AccountRef: "DE..1234", Currency: "EUR"},
		Documents: []partner.Document{
			{ID: "agr-1", Kind: partner.Agreement, Form: "reseller-v3", Status: partner.DocApproved, ValidFrom: partner.MustDate("2026-01-01"), ValidUntil: partner.MustDate("2027-12-31"), Reference: "s3://docs/agr-1.pdf"},
			{ID: "tax-1", Kind: partner.TaxForm, Form: "W-8BEN", Status: partner.DocApproved, ValidFrom: partner.MustDate("2026-01-01")},
		},
		Certified: []partner.CertifiedPerson{
			{Name: "Cem", Email: "cem@acme.example", Certification: "sales-pro", Earned: partner.MustDate("2026-02-01"), Expires: partner.MustDate("2028-01-31")},
		},
		Attributes: map[string]string{"crm_id": "001XYZ", "segment": "smb"},
		History: []partner.Event{
			{Kind: partner.EventState, From: partner.Prospect, To: partner.Onboarding, Actor: "pm", At: ts("2026-01-05T09:00:00Z"), Reason: "signed"},
			{Kind: partner.EventState, From: partner.Onboarding, To: partner.Active, Actor: "pm", At: ts("2026-02-01T10:30:00Z")},
			{Kind: partner.EventTier, FromTier: "registered", ToTier: "silver", Actor: "policy", At: ts("2026-06-30T00:00:00Z"), Reason: "revenue"},
		},
		TierBelowSince: partner.MustDate("2026-07-15"),
	}
}

// normal returns p with instants in UTC and empty collections nil, for
// comparison.
func normal(p *partner.Partner) *partner.Partner {
	c := p.Clone()
	for i := range c.History {
		c.History[i].At = c.History[i].At.UTC()
		if c.History[i].Kind == "" {
			c.History[i].Kind = partner.EventState
		}
	}
	if len(c.Contacts) == 0 {
		c.Contacts = nil
	}
	if len(c.Documents) == 0 {
		c.Documents = nil
	}
	if len(c.Certified) == 0 {
		c.Certified = nil
	}
	if len(c.History) == 0 {
		c.History = nil
	}
	if len(c.Attributes) == 0 {
		c.Attributes = nil
	}
	return c
}

func assertSamePartner(t *testing.T, want, got *partner.Partner) {
	t.Helper()
	w, g := normal(want), normal(got)
	w.Version, g.Version = 0, 0
	assert.Equal(t, w, g)
}

func partnerRoundTrip(t *testing.T, s partner.Store) {
	in := Full("P-1")
	created, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: in})
	require.NoError(t, err)
	assert.Equal(t, int64(1), created.Version)
	assertSamePartner(t, in, created)
	got, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.Version)
	assertSamePartner(t, in, got)

	// A minimal record round-trips too (zero status, nothing on file).
	min := &partner.Partner{ID: "P-2", Name: "Min", Type: "custom_type"}
	_, err = s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: min})
	require.NoError(t, err)
	got, err = s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-2"})
	require.NoError(t, err)
	assertSamePartner(t, min, got)
	assert.Equal(t, partner.Prospect, got.State())
}

func partnerNotFound(t *testing.T, s partner.Store) {
	_, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "nope"})
	assert.ErrorIs(t, err, partner.ErrNotFound)
	var nf *partner.NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "nope", nf.ID)
	p := Full("nope")
	p.Version = 1
	_, err = s.UpdatePartner(ctx, partner.UpdatePartnerParams{Partner: p})
	assert.ErrorIs(t, err, partner.ErrNotFound)
}

func partnerCreateTwice(t *testing.T, s partner.Store) {
	_, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full("P-1")})
	require.NoError(t, err)
	again := Full("P-1")
	again.Name = "Other"
	_, err = s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: again})
	assert.ErrorIs(t, err, partner.ErrConflict)
	got, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	require.NoError(t, err)
	assert.Equal(t, "Acme Resale GmbH", got.Name, "the first record stays")
}

func partnerInvalid(t *testing.T, s partner.Store) {
	bad := Full("P-1")
	bad.Name, bad.Country = "", "Germany"
	_, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: bad})
	assert.ErrorIs(t, err, partner.ErrInvalid)
	var ve *partner.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Fields, 2)
	_, err = s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	assert.ErrorIs(t, err, partner.ErrNotFound, "nothing was stored")

	_, err = s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full("P-1")})
	require.NoError(t, err)
	p, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	require.NoError(t, err)
	p.Type = ""
	_, err = s.UpdatePartner(ctx, partner.UpdatePartnerParams{Partner: p})
	assert.ErrorIs(t, err, partner.ErrInvalid)
}

func partnerUpdateVersions(t *testing.T, s partner.Store) {
	_, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full("P-1")})
	require.NoError(t, err)
	a, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	require.NoError(t, err)
	b, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	require.NoError(t, err)

	a.Region = "dach"
	a.Documents = append(a.Documents, partner.Document{ID: "ins-1", Kind: partner.Insurance, Status: partner.DocPending})
	upd, err := s.UpdatePartner(ctx, partner.UpdatePartnerParams{Partner: a})
	require.NoError(t, err)
	assert.Equal(t, int64(2), upd.Version)

	b.Region = "nordics"
	_, err = s.UpdatePartner(ctx, partner.UpdatePartnerParams{Partner: b})
	assert.ErrorIs(t, err, partner.ErrConflict)
	var ve *partner.VersionError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, int64(1), ve.Want)
	assert.Equal(t, int64(2), ve.Got)

	got, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	require.NoError(t, err)
	assert.Equal(t, "dach", got.Region)
	assert.Len(t, got.Documents, 3)
	assert.Equal(t, int64(2), got.Version)
}

func partnerHistoryAppendOnly(t *testing.T, s partner.Store) {
	_, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full("P-1")})
	require.NoError(t, err)
	tests := []struct {
		name string
		edit func(p *partner.Partner)
	}{
		{"drop an event", func(p *partner.Partner) { p.History = p.History[1:] }},
		{"change a reason", func(p *partner.Partner) { p.History[0].Reason = "rewritten" }},
		{"change a time", func(p *partner.Partner) { p.History[1].At = p.History[1].At.Add(-time.Hour) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
			require.NoError(t, err)
			tt.edit(p)
			_, err = s.UpdatePartner(ctx, partner.UpdatePartnerParams{Partner: p})
			assert.ErrorIs(t, err, partner.ErrHistoryChanged)
		})
	}
	// Appending through the lifecycle is fine.
	var lc partner.Lifecycle
	p, err := partner.Update(ctx, s, "P-1", func(p *partner.Partner) error {
		_, err := lc.Transition(p, partner.TransitionRequest{To: partner.Suspended, At: ts("2026-08-01T00:00:00Z"), Actor: "ops", Reason: "audit"})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, partner.Suspended, p.Status)
	require.Len(t, p.History, 4)
	got, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	require.NoError(t, err)
	assert.Equal(t, partner.Suspended, got.StateAt(ts("2026-08-01T00:00:00Z")))
	assert.Equal(t, partner.Active, got.StateAt(ts("2026-07-31T23:59:59Z")))
}

func partnerCopies(t *testing.T, s partner.Store) {
	in := Full("P-1")
	created, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: in})
	require.NoError(t, err)
	in.Contacts[0].Name = "changed after create"
	in.Attributes["crm_id"] = "changed"
	created.Documents[0].Status = partner.DocRevoked
	got, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	require.NoError(t, err)
	assertSamePartner(t, Full("P-1"), got)
}

func partnerList(t *testing.T, s partner.Store) {
	mk := func(id string, st partner.State, ty partner.Type, tier partner.Tier, region string) {
		p := &partner.Partner{ID: id, Name: "N " + id, Type: ty, Tier: tier, Region: region, Status: st}
		_, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: p})
		require.NoError(t, err)
	}
	mk("P-05", partner.Active, partner.Reseller, "gold", "emea")
	mk("P-01", partner.Active, partner.MSP, "silver", "emea")
	mk("P-03", "", partner.Reseller, "", "na")
	mk("P-02", partner.Suspended, partner.Reseller, "gold", "na")
	mk("P-04", partner.Active, partner.Reseller, "gold", "na")
	ids := func(pg *partner.PartnerPage) []string {
		var out []string
		for _, p := range pg.Partners {
			out = append(out, p.ID)
		}
		return out
	}
	tests := []struct {
		name string
		p    partner.ListPartnersParams
		want []string
		next string
	}{
		{"all, by id", partner.ListPartnersParams{}, []string{"P-01", "P-02", "P-03", "P-04", "P-05"}, ""},
		{"status", partner.ListPartnersParams{Status: partner.Active}, []string{"P-01", "P-04", "P-05"}, ""},
		{"zero status is prospect", partner.ListPartnersParams{Status: partner.Prospect}, []string{"P-03"}, ""},
		{"type, tier and region", partner.ListPartnersParams{Type: partner.Reseller, Tier: "gold", Region: "na"}, []string{"P-02", "P-04"}, ""},
		{"first page", partner.ListPartnersParams{Limit: 2}, []string{"P-01", "P-02"}, "P-02"},
		{"second page", partner.ListPartnersParams{Limit: 2, After: "P-02"}, []string{"P-03", "P-04"}, "P-04"},
		{"last page", partner.ListPartnersParams{Limit: 2, After: "P-04"}, []string{"P-05"}, ""},
		{"exactly a page", partner.ListPartnersParams{Limit: 3, After: "P-02"}, []string{"P-03", "P-04", "P-05"}, ""},
		{"none", partner.ListPartnersParams{Region: "apac"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pg, err := s.ListPartners(ctx, tt.p)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(pg))
			assert.Equal(t, tt.next, pg.Next)
		})
	}
}

// partnerConcurrentUpdates: writers that all read version 1 race; exactly
// one wins.
func partnerConcurrentUpdates(t *testing.T, s partner.Store) {
	_, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full("P-1")})
	require.NoError(t, err)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	read := make([]*partner.Partner, n)
	for i := range n { // every writer reads version 1 before any writes
		p, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
		require.NoError(t, err)
		read[i] = p
	}
	for i, p := range read {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Region = fmt.Sprintf("r%d", i)
			_, errs[i] = s.UpdatePartner(ctx, partner.UpdatePartnerParams{Partner: p})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			assert.ErrorIs(t, err, partner.ErrConflict)
		}
	}
	assert.Equal(t, 1, ok)
	got, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
}

// partnerUpdateRetries: Update retries on conflict, so a few concurrent
// writers each land their change.
func partnerUpdateRetries(t *testing.T, s partner.Store) {
	_, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full("P-1")})
	require.NoError(t, err)
	const n = 3 // Update retries 3 times, so 3 racing writers always finish
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = partner.Update(ctx, s, "P-1", func(p *partner.Partner) error {
				p.Attributes[fmt.Sprintf("k%d", i)] = "v"
				return nil
			})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	got, err := s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	require.NoError(t, err)
	assert.Equal(t, int64(1+n), got.Version)
	for i := range n {
		assert.Equal(t, "v", got.Attributes[fmt.Sprintf("k%d", i)])
	}
	// An error from the function aborts without writing.
	boom := errors.New("boom")
	_, err = partner.Update(ctx, s, "P-1", func(p *partner.Partner) error { return boom })
	assert.ErrorIs(t, err, boom)
}

func canceledContext(t *testing.T, s partner.Store) {
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err := s.CreatePartner(c, partner.CreatePartnerParams{Partner: Full("P-1")})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.GetPartner(ctx, partner.GetPartnerParams{ID: "P-1"})
	assert.ErrorIs(t, err, partner.ErrNotFound, "a canceled create stores nothing")
	_, err = s.ListPartners(c, partner.ListPartnersParams{})
	assert.ErrorIs(t, err, context.Canceled)
}

// Reg returns a registration with every field set.
func Reg(id, partnerID, customer, domain, product string) *partner.Registration {
	return &partner.Registration{
		ID: id, PartnerID: partnerID, Customer: partner.Customer{Name: customer, Domain: domain}, Product: product,
		Amount: decimal.RequireFromString("48000.50"), Currency: "USD", ExpectedClose: partner.MustDate("2026-09-30"),
		Status: partner.RegPending, SubmittedAt: ts("2026-03-01T08:00:00Z"), SubmittedBy: "rep@" + partnerID,
	}
}

func normalReg(r *partner.Registration) *partner.Registration {
	c := r.Clone()
	c.Version = 0
	c.Amount = decimal.Decimal{}
	for _, p := range []*time.Time{&c.SubmittedAt, &c.DecidedAt, &c.ClosedAt} {
		if !p.IsZero() {
			*p = p.UTC()
		}
	}
	for i := range c.Extensions {
		c.Extensions[i].At = c.Extensions[i].At.UTC()
	}
	if len(c.Extensions) == 0 {
		c.Extensions = nil
	}
	if len(c.Overrode) == 0 {
		c.Overrode = nil
	}
	return c
}

func assertSameReg(t *testing.T, want, got *partner.Registration) {
	t.Helper()
	assert.True(t, want.Amount.Equal(got.Amount), "amount: want %s, got %s", want.Amount, got.Amount)
	assert.Equal(t, normalReg(want), normalReg(got))
}

func registrationRoundTrip(t *testing.T, s partner.Store) {
	_, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full("P-1")})
	require.NoError(t, err)
	in := Reg("R-1", "P-1", "Acme, Inc.", "https://www.acme.com", "Widgets")
	created, err := s.CreateRegistration(ctx, partner.CreateRegistrationParams{Registration: in})
	require.NoError(t, err)
	assert.Equal(t, int64(1), created.Version)
	assert.Equal(t, partner.CustomerKey{Name: "acme", Domain: "acme.com"}, created.CustomerKey, "the store computes the key")
	want := in.Clone()
	want.CustomerKey = partner.CustomerKey{Name: "acme", Domain: "acme.com"}
	assertSameReg(t, want, created)

	// Approve, extend and close it; every field round-trips.
	pol := partner.RegistrationPolicy{}
	require.NoError(t, pol.Approve(created, partner.Decision{At: ts("2026-03-02T10:00:00Z"), Actor: "cam", Reason: "ok", Override: true}, nil))
	require.NoError(t, pol.Extend(created, partner.ExtendRequest{At: ts("2026-05-01T10:00:00Z"), Actor: "cam", Reason: "delay"}))
	require.NoError(t, partner.Close(created, partner.ClosedDeal{ID: "D-1", Closed: ts("2026-06-01T10:00:00Z"), Won: true}))
	created.Overrode = []partner.Conflict{{Kind: partner.ConflictSameProduct, With: "R-0", PartnerID: "P-9", Product: "Widgets", Status: partner.RegApproved, ValidUntil: partner.MustDate("2026-04-01"), Detail: "d"}}
	upd, err := s.UpdateRegistration(ctx, partner.UpdateRegistrationParams{Registration: created})
	require.NoError(t, err)
	assert.Equal(t, int64(2), upd.Version)
	got, err := s.GetRegistration(ctx, partner.GetRegistrationParams{ID: "R-1"})
	require.NoError(t, err)
	assertSameReg(t, created, got)
	assert.Equal(t, partner.MustDate("2026-03-02"), got.ApprovedOn())
}

func registrationErrors(t *testing.T, s partner.Store) {
	_, err := s.CreateRegistration(ctx, partner.CreateRegistrationParams{Registration: Reg("R-1", "P-404", "Acme", "", "W")})
	assert.ErrorIs(t, err, partner.ErrNotFound, "the partner must exist")
	_, err = s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full("P-1")})
	require.NoError(t, err)
	_, err = s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full("P-2")})
	require.NoError(t, err)
	_, err = s.CreateRegistration(ctx, partner.CreateRegistrationParams{Registration: Reg("R-1", "P-1", "", "not a domain", "W")})
	assert.ErrorIs(t, err, partner.ErrInvalid)
	_, err = s.CreateRegistration(ctx, partner.CreateRegistrationParams{Registration: Reg("R-1", "P-1", "Acme", "", "W")})
	require.NoError(t, err)
	_, err = s.CreateRegistration(ctx, partner.CreateRegistrationParams{Registration: Reg("R-1", "P-1", "Globex", "", "W")})
	assert.ErrorIs(t, err, partner.ErrConflict)
	_, err = s.GetRegistration(ctx, partner.GetRegistrationParams{ID: "R-404"})
	assert.ErrorIs(t, err, partner.ErrNotFound)

	a, err := s.GetRegistration(ctx, partner.GetRegistrationParams{ID: "R-1"})
	require.NoError(t, err)
	b := a.Clone()
	a.Product = "Gadgets"
	_, err = s.UpdateRegistration(ctx, partner.UpdateRegistrationParams{Registration: a})
	require.NoError(t, err)
	_, err = s.UpdateRegistration(ctx, partner.UpdateRegistrationParams{Registration: b})
	assert.ErrorIs(t, err, partner.ErrConflict)

	c, err := s.GetRegistration(ctx, partner.GetRegistrationParams{ID: "R-1"})
	require.NoError(t, err)
	c.PartnerID = "P-2"
	_, err = s.UpdateRegistration(ctx, partner.UpdateRegistrationParams{Registration: c})
	assert.ErrorIs(t, err, partner.ErrInvalid, "a registration cannot move to another partner")
	_, err = s.UpdateRegistration(ctx, partner.UpdateRegistrationParams{Registration: Reg("R-404", "P-1", "Acme", "", "W")})
	assert.ErrorIs(t, err, partner.ErrNotFound)
}

func registrationList(t *testing.T, s partner.Store) {
	for _, id := range []string{"P-1", "P-2"} {
		_, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full(id)})
		require.NoError(t, err)
	}
	regs := []*partner.Registration{
		Reg("R-4", "P-1", "Acme Inc", "acme.com", "Widgets"),
		Reg("R-2", "P-2", "ACME", "", "Gadgets"),      // same customer by name
		Reg("R-3", "P-2", "Acme EU", "acme.com", "W"), // same customer by domain
		Reg("R-1", "P-1", "Globex", "globex.com", "Widgets"),
	}
	regs[3].Status = partner.RegRejected
	regs[1].Status = "" // the zero status reads as pending
	for _, r := range regs {
		_, err := s.CreateRegistration(ctx, partner.CreateRegistrationParams{Registration: r})
		require.NoError(t, err)
	}
	acme := partner.Customer{Name: "Acme, Inc.", Domain: "www.acme.com"}.Key()
	tests := []struct {
		name string
		p    partner.ListRegistrationsParams
		want []string
		next string
	}{
		{"all", partner.ListRegistrationsParams{}, []string{"R-1", "R-2", "R-3", "R-4"}, ""},
		{"partner", partner.ListRegistrationsParams{PartnerID: "P-2"}, []string{"R-2", "R-3"}, ""},
		{"customer by name or domain", partner.ListRegistrationsParams{Customer: &acme}, []string{"R-2", "R-3", "R-4"}, ""},
		{"statuses", partner.ListRegistrationsParams{Statuses: []partner.RegStatus{partner.RegRejected, partner.RegApproved}}, []string{"R-1"}, ""},
		{"zero status is pending", partner.ListRegistrationsParams{Statuses: []partner.RegStatus{partner.RegPending}}, []string{"R-2", "R-3", "R-4"}, ""},
		{"page", partner.ListRegistrationsParams{Limit: 2, After: "R-1"}, []string{"R-2", "R-3"}, "R-3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pg, err := s.ListRegistrations(ctx, tt.p)
			require.NoError(t, err)
			var ids []string
			for _, r := range pg.Registrations {
				ids = append(ids, r.ID)
			}
			assert.Equal(t, tt.want, ids)
			assert.Equal(t, tt.next, pg.Next)
		})
	}
}

// registrationCopies: changing a registration after storing it, or one a
// store returned, does not change what the store holds.
func registrationCopies(t *testing.T, s partner.Store) {
	_, err := s.CreatePartner(ctx, partner.CreatePartnerParams{Partner: Full("P-1")})
	require.NoError(t, err)
	in := Reg("R-1", "P-1", "Acme", "acme.com", "Widgets")
	in.Extensions = []partner.Extension{{At: ts("2026-03-05T00:00:00Z"), Actor: "cam", Days: 30, From: partner.MustDate("2026-05-30"), To: partner.MustDate("2026-06-29")}}
	created, err := s.CreateRegistration(ctx, partner.CreateRegistrationParams{Registration: in})
	require.NoError(t, err)
	want := Reg("R-1", "P-1", "Acme", "acme.com", "Widgets")
	want.Extensions = []partner.Extension{{At: ts("2026-03-05T00:00:00Z"), Actor: "cam", Days: 30, From: partner.MustDate("2026-05-30"), To: partner.MustDate("2026-06-29")}}
	want.CustomerKey = partner.CustomerKey{Name: "acme", Domain: "acme.com"}

	in.Extensions[0].Days = 999
	in.Product = "changed after create"
	created.Extensions[0].Actor = "changed on the returned copy"
	pg, err := s.ListRegistrations(ctx, partner.ListRegistrationsParams{})
	require.NoError(t, err)
	require.Len(t, pg.Registrations, 1)
	pg.Registrations[0].Extensions[0].Reason = "changed on a listed copy"
	got, err := s.GetRegistration(ctx, partner.GetRegistrationParams{ID: "R-1"})
	require.NoError(t, err)
	assertSameReg(t, want, got)
}
