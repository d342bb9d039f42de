package incentive_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
)

// Deals stream from CSV straight into a run: neither the file nor the
// results are held in memory. The deals must already be in (close time,
// id) order, as here.
func ExampleDecodeCSV() {
	csv := `id,partner_id,amount,close_date,registered,partner_tier
D-1,P-1,12000.00,2026-11-03,true,gold
D-2,P-2,500000.00,2026-11-04,true,platinum
D-3,P-1,8000.00,2026-11-05,true,silver
`
	p := spiff()
	deals := incentive.DecodeCSV(strings.NewReader(csv), p, incentive.DecodeOptions{Name: "deals.csv"})
	for r, err := range incentive.Run(context.Background(), p, deals, incentive.RunOptions{NoTrace: true}) {
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(r.DealID, r.Total)
	}
	// D-1: 12,000.00 x 2% = 240.00. D-2: 500,000.00 x 2% = 10,000.00, cut
	// to the deal cap of 2,500.00. D-3: a silver partner is not eligible.

	// Output:
	// D-1 240.00 USD
	// D-2 2500.00 USD
	// D-3 0.00 USD
}

// A bad row is an error naming the file, line, column and deal; the rows
// after it are still read, and the caller decides whether to go on.
func ExampleDecodeJSONLines_error() {
	jsonl := `{"id": "D-1", "partner_id": "P-1", "amount": "1e3", "close_date": "2026-11-03"}
{"id": "D-2", "partner_id": "P-1", "amount": "125.50", "close_date": "2026-11-31"}
{"id": "D-3", "partner_id": "P-1", "amount": "99.99", "close_date": "2026-11-30"}
`
	for in, err := range incentive.DecodeJSONLines(strings.NewReader(jsonl), spiff(), incentive.DecodeOptions{Name: "deals.jsonl"}) {
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println("read", in.Deal.ID, in.Deal.Amount)
	}
	// Output:
	// deals.jsonl:1:46: deal D-1: amount: want a decimal number such as 1250 or 0.025 (no exponent, "+" or thousands separator), got "1e3"
	// deals.jsonl:2:70: deal D-2: close_date: want a date written YYYY-MM-DD or an RFC 3339 time such as 2026-11-03T15:04:05-05:00, got "2026-11-31"
	// read D-3 99.99 USD
}

// AppendDealJSON writes a deal in the JSON Lines format the decoders read.
func ExampleAppendDealJSON() {
	in := incentive.Input{Deal: incentive.Deal{
		ID: "D-1", PartnerID: "P-1", Amount: incentive.MustParseMoney("12000.50", "USD"),
		CloseDate: time.Date(2026, 11, 3, 15, 4, 5, 0, time.UTC),
	}}
	in.Partner.ID = "P-1"
	in.Partner.Tier = "gold"
	b, err := incentive.AppendDealJSON(nil, &in)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b))
	// Output:
	// {"id":"D-1","partner_id":"P-1","amount":"12000.50","currency":"USD","close_date":"2026-11-03T15:04:05Z","partner":{"id":"P-1","tier":"gold"}}
}
