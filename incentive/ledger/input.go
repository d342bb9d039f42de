package ledger

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// inputRecord is the evaluated input of a claim in a form that round-trips
// exactly through JSON (typed custom fields, the rate used), so the accrual
// can be replayed.
type inputRecord struct {
	Deal struct {
		ID           string                  `json:"id"`
		PartnerID    string                  `json:"partner"`
		CloseDate    time.Time               `json:"close"`
		Amount       incentive.Money         `json:"amount"`
		Quantity     int64                   `json:"quantity,omitempty"`
		Type         incentive.DealType      `json:"type,omitempty"`
		Registration *incentive.Registration `json:"registration,omitempty"`
		Lines        []incentive.DealLine    `json:"lines,omitempty"`
		Customer     incentive.Customer      `json:"customer"`
		Fields       []fieldRecord           `json:"fields,omitempty"`
	} `json:"deal"`
	Partner partner.Partner `json:"partner"`
	Prior   priorRecord     `json:"prior"`
	Rate    *incentive.Rate `json:"rate,omitempty"`
	AsOf    time.Time       `json:"as_of"`
}

type priorRecord struct {
	BudgetUsed   decimal.Decimal `json:"budget_used"`
	PeriodAmount decimal.Decimal `json:"period_amount"`
	PeriodDeals  int64           `json:"period_deals"`
	PeriodEarned decimal.Decimal `json:"period_earned"`
	// CapUsed is incentive.Prior.CapUsed (absent in claims recorded
	// before it existed: their partner caps started from PeriodEarned).
	CapUsed map[int]decimal.Decimal `json:"cap_used,omitempty"`
}

type fieldRecord struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

func encodeInput(in *incentive.Input, rate *incentive.Rate, asOf time.Time) ([]byte, error) {
	var r inputRecord
	d := &in.Deal
	r.Deal.ID, r.Deal.PartnerID, r.Deal.CloseDate, r.Deal.Amount = d.ID, d.PartnerID, d.CloseDate.UTC(), d.Amount
	r.Deal.Quantity, r.Deal.Type, r.Deal.Registration, r.Deal.Lines, r.Deal.Customer = d.Quantity, d.Type, d.Registration, d.Lines, d.Customer
	for _, k := range slices.Sorted(maps.Keys(d.Fields)) {
		f := fieldRecord{Name: k}
		switch v := d.Fields[k].(type) {
		case string:
			f.Type, f.Value = "string", v
		case int64:
			f.Type, f.Value = "int", strconv.FormatInt(v, 10)
		case int:
			f.Type, f.Value = "int", strconv.Itoa(v)
		case decimal.Decimal:
			f.Type, f.Value = "decimal", v.String()
		case bool:
			f.Type, f.Value = "bool", strconv.FormatBool(v)
		case incentive.Date:
			f.Type, f.Value = "date", v.String()
		default:
			return nil, fmt.Errorf("%w: deal field %q has type %T", ErrInvalid, k, v)
		}
		r.Deal.Fields = append(r.Deal.Fields, f)
	}
	r.Partner = in.Partner
	r.Prior = priorRecord{BudgetUsed: in.Prior.BudgetUsed, PeriodAmount: in.Prior.PeriodAmount, PeriodDeals: in.Prior.PeriodDeals,
		PeriodEarned: in.Prior.PeriodEarned, CapUsed: in.Prior.CapUsed}
	r.Rate = rate
	r.AsOf = asOf.UTC()
	return json.Marshal(r)
}

func decodeInput(b []byte) (incentive.Input, time.Time, error) {
	var r inputRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return incentive.Input{}, time.Time{}, fmt.Errorf("%w: claim input: %v", ErrInvalid, err)
	}
	var in incentive.Input
	d := &in.Deal
	d.ID, d.PartnerID, d.CloseDate, d.Amount = r.Deal.ID, r.Deal.PartnerID, r.Deal.CloseDate, r.Deal.Amount
	d.Quantity, d.Type, d.Registration, d.Lines, d.Customer = r.Deal.Quantity, r.Deal.Type, r.Deal.Registration, r.Deal.Lines, r.Deal.Customer
	if len(r.Deal.Fields) > 0 {
		d.Fields = map[string]any{}
	}
	for _, f := range r.Deal.Fields {
		var v any
		var err error
		switch f.Type {
		case "string":
			v = f.Value
		case "int":
			v, err = strconv.ParseInt(f.Value, 10, 64)
		case "decimal":
			v, err = decimal.NewFromString(f.Value)
		case "bool":
			v, err = strconv.ParseBool(f.Value)
		case "date":
			v, err = incentive.ParseDate(f.Value)
		default:
			err = fmt.Errorf("unknown type %q", f.Type)
		}
		if err != nil {
			return incentive.Input{}, time.Time{}, fmt.Errorf("%w: claim input field %q: %v", ErrInvalid, f.Name, err)
		}
		d.Fields[f.Name] = v
	}
	in.Partner = r.Partner
	in.Prior = incentive.Prior{BudgetUsed: r.Prior.BudgetUsed, PeriodAmount: r.Prior.PeriodAmount, PeriodDeals: r.Prior.PeriodDeals,
		PeriodEarned: r.Prior.PeriodEarned, CapUsed: r.Prior.CapUsed}
	if r.Rate != nil {
		t, err := incentive.NewRateTable(*r.Rate)
		if err != nil {
			return incentive.Input{}, time.Time{}, err
		}
		in.Rates = t
	}
	return in, r.AsOf, nil
}
