package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// reviewStatement is a hand-made statement of one partner, P-1, that
// earned 100.00 on open claims (60.00 referral + 40.00 resale), had 30.00
// expire, and paid 54.55 of its split deal D-9 to REF.
func reviewStatement(t *testing.T) (*incentive.Statement, *incentive.Program) {
	t.Helper()
	m := func(s string) incentive.Money {
		v, err := incentive.ParseMoney(s, "USD")
		require.NoError(t, err)
		return v
	}
	z := m("0")
	ps := incentive.PartnerStatement{PartnerID: "P-1", Deals: 3, Eligible: 3,
		Earned: m("100.00"), Expired: m("30.00"), Held: z, CarriedIn: z, Withheld: z,
		Payable: m("100.00"), CarriedOut: z, Fee: z, Sent: m("100.00"),
		ByType:  []incentive.Subtotal{{Key: "referral", Amount: m("60.00")}, {Key: "resale", Amount: m("40.00")}},
		ByPayee: []incentive.Subtotal{{Key: "partner", Amount: m("100.00")}},
		Shares:  []incentive.StatementShare{{Deal: "D-9", From: "P-1", To: "REF", Via: "deal.referrer", Amount: m("54.55")}},
	}
	st := &incentive.Statement{Currency: "USD", Deals: 3, Eligible: 3, Partners: []incentive.PartnerStatement{ps},
		Earned: m("100.00"), Expired: m("30.00"), Held: z, CarriedIn: z, Withheld: z,
		Payable: m("100.00"), CarriedOut: z, Fees: z, Sent: m("100.00")}
	return st, &incentive.Program{ID: "p", Name: "P", Version: 1, Currency: "USD"}
}

// earnedCell returns the text in line's earned column: the column is
// right-aligned, so its cell ends where the header's "earned" ends.
func earnedCell(header, line string) string {
	end := strings.Index(header, " earned") + len(" earned")
	if len(line) < end {
		return ""
	}
	cell := line[:end]
	if i := strings.LastIndex(cell, "  "); i >= 0 {
		cell = cell[i:]
	}
	return strings.TrimSpace(cell)
}

// The command's earned column counts what expired (gross = 100.00 earned
// + 30.00 expired = 130.00), so the type and payee rows under it, and the
// JSON by_type and by_payee, must add up to 130.00 too:
// types 60.00 + 40.00 + 30.00 expired = 130.00; payees 100.00 + 30.00 =
// 130.00. The split part paid to REF (54.55) is not in P-1's earned, so
// it must not sit in the earned column.
func TestReviewStatementRowsAddUpToEarnedColumn(t *testing.T) {
	st, p := reviewStatement(t)
	var buf bytes.Buffer
	require.NoError(t, writeStatement(&buf, "text", st, p, time.Time{}, nil))
	lines := strings.Split(buf.String(), "\n")
	var header string
	for _, l := range lines {
		if strings.HasPrefix(l, "partner ") {
			header = l
		}
	}
	require.NotEmpty(t, header, buf.String())
	sums := map[string]decimal.Decimal{}
	var partnerEarned string
	for _, l := range lines {
		cell := earnedCell(header, l)
		switch {
		case strings.HasPrefix(l, "P-1 "):
			partnerEarned = cell
		case strings.HasPrefix(l, "  type "):
			sums["type"] = sums["type"].Add(decimal.RequireFromString(cell))
		case strings.HasPrefix(l, "  payee "):
			sums["payee"] = sums["payee"].Add(decimal.RequireFromString(cell))
		case strings.HasPrefix(l, "  split deal D-9 to REF"):
			require.Empty(t, cell, "the part paid to REF is not in P-1's earned: %q", l)
			require.Contains(t, l, "54.55", "the part's amount is still shown")
		}
	}
	require.Equal(t, "130.00", partnerEarned, buf.String())
	want := decimal.RequireFromString("130.00")
	require.True(t, sums["type"].Equal(want), "type rows sum to %s, earned column says 130.00:\n%s", sums["type"], buf.String())
	require.True(t, sums["payee"].Equal(want), "payee rows sum to %s, earned column says 130.00:\n%s", sums["payee"], buf.String())

	buf.Reset()
	require.NoError(t, writeStatement(&buf, "json", st, p, time.Time{}, nil))
	type money struct{ Amount string }
	type sub struct{ Amount money }
	var doc struct {
		Partners []struct {
			Earned  money `json:"earned"`
			ByType  []sub `json:"by_type"`
			ByPayee []sub `json:"by_payee"`
		} `json:"partners"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	for name, subs := range map[string][]sub{"by_type": doc.Partners[0].ByType, "by_payee": doc.Partners[0].ByPayee} {
		sum := decimal.Zero
		for _, s := range subs {
			sum = sum.Add(decimal.RequireFromString(s.Amount.Amount))
		}
		require.True(t, sum.Equal(decimal.RequireFromString(doc.Partners[0].Earned.Amount)), "%s sums to %s, earned is %s", name, sum, doc.Partners[0].Earned)
	}
	// The library's statement is not changed by the command's.
	require.Len(t, st.Partners[0].ByType, 2)
	require.Len(t, st.Partners[0].ByPayee, 1)
}

// A partner name may hold a line break or a tab (a quoted CSV cell, a
// JSON "\n"); the text statement must keep the partner's row on one line,
// so that its amounts are not read as those of a phantom row "Evil Co".
// The break is shown escaped.
func TestReviewStatementTextNameWithLineBreak(t *testing.T) {
	st, p := reviewStatement(t)
	var buf bytes.Buffer
	require.NoError(t, writeStatement(&buf, "text", st, p, time.Time{}, map[string]string{"P-1": "Acme\nEvil\tCo"}))
	var row string
	for _, l := range strings.Split(buf.String(), "\n") {
		require.False(t, strings.HasPrefix(l, "Evil"), "the name's line break split the row:\n%s", buf.String())
		require.NotContains(t, l, "\t")
		if strings.HasPrefix(l, "P-1 ") {
			row = l
		}
	}
	require.Contains(t, row, `Acme\nEvil\tCo`)
	require.Contains(t, row, "130.00") // earned 100.00 + 30.00 expired, on the same line
}
