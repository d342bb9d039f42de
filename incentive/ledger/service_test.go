package ledger_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"testing"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/ledgertest"
	"github.com/partnerops/partnerops/incentive/ledger/memstore"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newStore(t *testing.T) ledger.Store { return memstore.New() }

func day(s string) incentive.Date {
	d, err := incentive.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func usd(s string) incentive.Money { return incentive.MustParseMoney(s, "USD") }

// paidAndClawedBack runs: D-1 (60,000.00 -> 1,200.00) approved, paid,
// clawed back; D-2 (10,000.00 -> 200.00) auto-approved and payable.
func paidAndClawedBack(t *testing.T, h *ledgertest.Harness) {
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy(), Actor: "ops"}))
	h.Clock.Set("2026-11-03")
	c := ledgertest.Must(h.Submit("spiff", ledgertest.Deal("D-1", "P-1", "60000.00", "2026-11-02"), ledgertest.Gold("P-1")))(t)
	ledgertest.Must(h.Ledger.Approve(h.Ctx, ledger.ApproveParams{Claim: c.ID, Actor: "mia", Role: ledger.RoleManager}))(t)
	ledgertest.Must(h.Ledger.RunPayments(h.Ctx, ledger.RunPaymentsParams{Batch: "B-1", AsOf: day("2026-11-30"), Actor: "fin"}))(t)
	ledgertest.Must(h.Ledger.MarkPaid(h.Ctx, ledger.MarkPaidParams{Batch: "B-1", Actor: "fin"}))(t)
	h.Clock.Set("2026-12-05")
	ledgertest.Must(h.Ledger.ClawBack(h.Ctx, ledger.ClawBackParams{Claim: c.ID, Actor: "ops", Reason: "deal cancelled"}))(t)
	ledgertest.Must(h.Submit("spiff", ledgertest.Deal("D-2", "P-1", "10000.00", "2026-12-04"), ledgertest.Gold("P-1")))(t)
}

// tamperStore changes what Entries returns.
type tamperStore struct {
	ledger.Store
	tamper func([]ledger.Entry) []ledger.Entry
}

func (s tamperStore) Entries(ctx context.Context, p ledger.EntriesParams) ([]ledger.Entry, error) {
	es, err := s.Store.Entries(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.tamper(es), nil
}

func TestReplayDetectsTampering(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func([]ledger.Entry) []ledger.Entry
		wantErr error
	}{
		{"untouched", func(es []ledger.Entry) []ledger.Entry { return es }, nil},
		{"an amount changed", func(es []ledger.Entry) []ledger.Entry {
			for i := range es {
				if es[i].Kind == ledger.EntryClawback {
					es[i].Postings[0].Amount = usd("-1.00")
					es[i].Postings[1].Amount = usd("1.00")
				}
			}
			return es
		}, ledger.ErrChain},
		{"an entry deleted", func(es []ledger.Entry) []ledger.Entry {
			if len(es) > 3 {
				return append(es[:2:2], es[3:]...)
			}
			return es
		}, ledger.ErrChain},
		{"the last entry deleted", func(es []ledger.Entry) []ledger.Entry {
			if len(es) > 0 && es[len(es)-1].Kind == ledger.EntryApproval {
				return es[:len(es)-1]
			}
			return es
		}, ledger.ErrReplayMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ledgertest.NewHarness(t, newStore, ledger.Config{})
			paidAndClawedBack(t, h)
			l2, err := ledger.New(ledger.Config{Store: tamperStore{h.Store, tt.tamper}, Clock: h.Clock.Now})
			require.NoError(t, err)
			require.NoError(t, l2.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Policy: ledgertest.SpiffPolicy()}))
			_, err = l2.Replay(h.Ctx, ledger.ReplayParams{})
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestReplayReevaluatesByProgramHash(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	paidAndClawedBack(t, h)
	// Terms changed under the same hash (2.5% instead of 2%): the accruals
	// no longer replay. 60,000.00 x 2.5% = 1,500.00 against 1,200.00 recorded.
	changed := ledgertest.SpiffProgram()
	changed.Earnings[0].Amount = incentive.RateOf(incentive.PathDealAmount, decimal.RequireFromString("0.025"))
	l2, err := ledger.New(ledger.Config{Store: h.Store, Clock: h.Clock.Now})
	require.NoError(t, err)
	require.NoError(t, l2.Register(h.Ctx, ledger.RegisterParams{Program: changed}))
	rep, err := l2.Replay(h.Ctx, ledger.ReplayParams{})
	require.ErrorIs(t, err, ledger.ErrReplayMismatch)
	assert.Contains(t, rep.Mismatches, "claim claim-000001: re-evaluated to 1500.00 USD, recorded 1200.00 USD")

	// Version 2 registered under its own hash does not replace version 1
	// for replay: with only version 2 known, the claims cannot replay.
	v2 := ledgertest.SpiffProgram()
	v2.Version, v2.Hash = 2, "spiff-v2"
	l3, err := ledger.New(ledger.Config{Store: h.Store, Clock: h.Clock.Now})
	require.NoError(t, err)
	require.NoError(t, l3.Register(h.Ctx, ledger.RegisterParams{Program: v2}))
	rep, err = l3.Replay(h.Ctx, ledger.ReplayParams{})
	require.ErrorIs(t, err, ledger.ErrReplayMismatch)
	assert.Len(t, rep.Mismatches, 2)
	assert.Contains(t, rep.Mismatches[0], "(hash spiff-v1) is not registered")
}

func TestAuditExport(t *testing.T) {
	h := ledgertest.NewHarness(t, newStore, ledger.Config{})
	paidAndClawedBack(t, h)
	es := ledgertest.Must(h.Store.Entries(h.Ctx, ledger.EntriesParams{}))(t)
	postings := 0
	for _, e := range es {
		postings += len(e.Postings)
	}

	var buf bytes.Buffer
	require.NoError(t, h.Ledger.ExportCSV(h.Ctx, &buf, ledger.ExportParams{}))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, postings+1, "a header and one row per posting")
	assert.Equal(t, ledger.CSVHeader, rows[0])
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var claw []string
	for _, r := range rows[1:] {
		if r[col["kind"]] == "clawback" && r[col["amount"]] == "1200.00" {
			claw = r
		}
	}
	require.NotNil(t, claw)
	assert.NotEmpty(t, claw[col["reverses"]], "the clawback names the approval it offsets")
	assert.Contains(t, claw[col["events"]], "ops paid->clawed_back: clawed back 1200.00 USD of 1200.00 USD paid: deal cancelled")
	assert.Contains(t, claw[col["events"]], "rep ->submitted")

	buf.Reset()
	require.NoError(t, h.Ledger.ExportJSON(h.Ctx, &buf, ledger.ExportParams{}))
	var doc struct {
		Head    ledger.Head         `json:"head"`
		Entries []ledger.AuditEntry `json:"entries"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	require.Len(t, doc.Entries, len(es))
	back := make([]ledger.Entry, len(doc.Entries))
	for i, a := range doc.Entries {
		back[i] = a.Entry
	}
	end, err := ledger.VerifyChain(ledger.Head{}, back)
	require.NoError(t, err, "the exported entries verify on their own")
	assert.Equal(t, doc.Head, end)

	// Same ledger, same bytes.
	var again bytes.Buffer
	require.NoError(t, h.Ledger.ExportJSON(h.Ctx, &again, ledger.ExportParams{}))
	assert.Equal(t, buf.String(), again.String())
}

func TestNotices(t *testing.T) {
	gate := func(partnerID string, on incentive.Date) error {
		if partnerID == "P-X" {
			return errors.New("no payee contact")
		}
		return nil
	}
	h := ledgertest.NewHarness(t, newStore, ledger.Config{PayeeGate: gate})
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.SpiffProgram(), Actor: "ops",
		Policy: &ledger.ApprovalPolicy{Rules: []ledger.ApprovalRule{{}}, HoldDays: map[incentive.EarningType]int{incentive.Spiff: 20}}}))
	require.NoError(t, h.Ledger.Register(h.Ctx, ledger.RegisterParams{Program: ledgertest.MDFProgram(), Actor: "ops"}))
	h.Clock.Set("2026-11-10")
	// Held: closed 2026-11-09, held through 2026-11-29.
	ledgertest.Must(h.Submit("spiff", ledgertest.Deal("D-H", "P-1", "1000.00", "2026-11-09"), ledgertest.Gold("P-1")))(t)
	// Payable (closed 2026-10-01, hold over) for a partner the gate blocks.
	ledgertest.Must(h.Submit("spiff", ledgertest.Deal("D-X", "P-X", "1000.00", "2026-10-01"), ledgertest.Gold("P-X")))(t)
	ledgertest.Must(h.Ledger.AllocateFund(h.Ctx, ledger.AllocateFundParams{ID: "F-1", Program: "mdf", Partner: "P-1",
		From: day("2026-10-01"), To: day("2026-11-30"), Amount: usd("500.00"), Share: decimal.RequireFromString("0.5"), ProofDays: 14, Actor: "ops"}))(t)
	ledgertest.Must(h.Ledger.RequestFunds(h.Ctx, ledger.RequestFundsParams{ID: "R-1", Fund: "F-1", Activity: "webinar", PlannedCost: usd("200.00"),
		ActivityEnd: day("2026-11-12"), Actor: "p"}))(t)
	ledgertest.Must(h.Ledger.ApproveFundRequest(h.Ctx, ledger.DecideFundRequestParams{Request: "R-1", Actor: "mia"}))(t)
	// An unclaimed earning: D-U closed 2026-10-05, claim by 2026-12-04.
	ev, err := incentive.NewEvaluator(ledgertest.SpiffProgram())
	require.NoError(t, err)
	res, err := ev.Evaluate(h.Ctx, incentive.Input{Deal: ledgertest.Deal("D-U", "P-2", "5000.00", "2026-10-05"), Partner: ledgertest.Gold("P-2")}, h.Clock.Now())
	require.NoError(t, err)
	claimed, err := ev.Evaluate(h.Ctx, incentive.Input{Deal: ledgertest.Deal("D-H", "P-1", "1000.00", "2026-11-09"), Partner: ledgertest.Gold("P-1")}, h.Clock.Now())
	require.NoError(t, err)

	ns, err := h.Ledger.Notices(h.Ctx, ledger.NoticesParams{AsOf: day("2026-11-10"), Within: 30, Earnings: []*incentive.Result{res, claimed}})
	require.NoError(t, err)
	var got []string
	for _, n := range ns {
		got = append(got, string(n.Kind)+" "+n.Subject+" "+n.Due.String()+" "+n.Amount.Amount().StringFixed(2))
	}
	// Horizon: 2026-11-10 + 30 days = 2026-12-10, so every date below is inside it.
	assert.Equal(t, []string{
		"payment_blocked P-X/partner/spiff 2026-11-10 20.00", // 1,000.00 x 2%, the gate says no payee contact
		"proof_due R-1 2026-11-26 100.00",                    // 2026-11-12 + 14 days; 200.00 x 50% reserved
		"hold_ending claim-000001 2026-11-29 20.00",          // 2026-11-09 + 20 days; 1,000.00 x 2%
		"fund_expiring F-1 2026-11-30 400.00",                // 500.00 - 100.00 reserved
		"claim_window_closing D-U 2026-12-04 100.00",         // 2026-10-05 + 60 days; 5,000.00 x 2%
	}, got, "the claimed deal D-H gives no unclaimed notice")
	assert.Equal(t, "no payee contact", ns[0].Reason)

	// A 5-day horizon (to 2026-11-15) keeps only the blocked payment, and the
	// unclaimed earning as not closing yet.
	ns, err = h.Ledger.Notices(h.Ctx, ledger.NoticesParams{AsOf: day("2026-11-10"), Within: 5, Earnings: []*incentive.Result{res}})
	require.NoError(t, err)
	got = got[:0]
	for _, n := range ns {
		got = append(got, string(n.Kind)+" "+n.Subject)
	}
	assert.Equal(t, []string{"payment_blocked P-X/partner/spiff", "unclaimed_earning D-U"}, got)
}
