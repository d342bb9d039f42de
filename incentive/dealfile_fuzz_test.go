package incentive

import (
	"errors"
	"iter"
	"strings"
	"testing"
)

// checkDecoded is what every decoder must do on any input: never panic,
// yield only *RowError errors that name the file and a line, and yield
// deals that survive AppendDealJSON and DecodeJSONLines unchanged (the
// close time as the same instant; the partner's record with its dated
// changes).
func checkDecoded(t *testing.T, p *Program, seq iter.Seq2[Input, error]) {
	n := 0
	for in, err := range seq {
		n++
		if n > 1<<16 {
			t.Fatal("too many results for a small input")
		}
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("error is %T, not a *RowError: %v", err, err)
			}
			if re.File != "fuzz" || err.Error() == "" {
				t.Fatalf("error without file or text: %#v", re)
			}
			continue
		}
		if in.Deal.ID == "" || in.Deal.PartnerID == "" || in.Partner.ID != in.Deal.PartnerID {
			t.Fatalf("a deal without id or partner: %+v", in.Deal)
		}
		b, err := AppendDealJSON(nil, &in)
		if err != nil {
			t.Fatalf("AppendDealJSON: %v", err)
		}
		var back []Input
		for d, err := range DecodeJSONLines(strings.NewReader(string(b)), p, DecodeOptions{Name: "fuzz"}) {
			if err != nil {
				t.Fatalf("a decoded deal does not read back: %v\n%s", err, b)
			}
			back = append(back, d)
		}
		if len(back) != 1 || !back[0].Deal.CloseDate.Equal(in.Deal.CloseDate) || !back[0].Deal.Amount.Equal(in.Deal.Amount) || back[0].Deal.ID != in.Deal.ID {
			t.Fatalf("round trip changed the deal:\n%+v\n%+v", in.Deal, back)
		}
		if d := samePartner(&in.Partner, &back[0].Partner); d != "" {
			t.Fatalf("round trip changed the partner: %s\n%s", d, b)
		}
	}
}

func fuzzProgram() *Program {
	p := fileProgram()
	p.AllowNegative = true
	return p
}

func FuzzDecodeCSV(f *testing.F) {
	f.Add("id,partner_id,amount,close_date,segment,term_months,margin,strategic,signed,products,registered\nD-1,P-1,10.50,2026-11-03,smb,12,0.5,true,2026-10-01,a;b,true\n")
	f.Add("id,partner_id,amount,close_date,segment\nD-1,P-1,1e3,2026-13-01,\n\"D-2\",P-1,\"5\",2026-11-03T10:00:00Z,x\n")
	f.Add("amount,id\n")
	f.Add("id,partner_id,amount,close_date,segment,credits\nD-1,P-1,10.50,2026-11-03,smb,\nC-1,P-1,-5,2026-11-04,smb,D-1\nC-2,P-1,5,2026-11-05,smb,C-2\n")
	f.Fuzz(func(t *testing.T, src string) {
		p := fuzzProgram()
		checkDecoded(t, p, DecodeCSV(strings.NewReader(src), p, DecodeOptions{Name: "fuzz", MaxRowBytes: 4096}))
		checkDecoded(t, p, DecodeCSV(strings.NewReader(src), p, DecodeOptions{Name: "fuzz", IgnoreUnknown: true, MaxRowBytes: 4096}))
	})
}

func FuzzDecodeJSONLines(f *testing.F) {
	f.Add(`{"id": "D-1", "partner": {"id": "P-1", "tier": "gold", "contacts": [{"role": "r"}]}, "amount": 12.5, "close_date": "2026-11-03", "segment": "s", "products": ["a", {"product": "b", "amount": "1"}], "registration": {"id": "R"}}` + "\n")
	f.Add(`{"id": "D-1", "id": "D-2", "amount": "-1", "close_date": null}` + "\n[1]\n\n{")
	f.Add(`{"id": "C-1", "partner_id": "P-1", "amount": "-1", "close_date": "2026-11-03", "segment": "s", "credits": "D-1"}` + "\n" + `{"id": "C-2", "partner_id": "P-1", "amount": "1", "close_date": "2026-11-03", "segment": "s", "credits": 5}` + "\n")
	f.Add(`{"id": "D-1", "partner": {"id": "P-1", "tier": "gold", "tier_history": [{"from": "2026-01-01", "tier": "silver"}, {"from": "2026-06-01T12:00:00+02:00", "tier": "gold"}], "attribute_history": [{"from": "2025-03-01", "region": "emea", "type": "msp"}, {"from": "2026-02-01", "region": "na"}]}, "amount": "1", "close_date": "2026-11-03", "segment": "s"}` + "\n")
	f.Add(`{"id": "D-1", "partner": {"id": "P-1", "attribute_history": [{"from": "2026-01-01", "tier": "gold", "country": "DE"}], "tier_history": null}, "amount": "1", "close_date": "2026-11-03", "segment": "s"}` + "\n")
	f.Fuzz(func(t *testing.T, src string) {
		p := fuzzProgram()
		checkDecoded(t, p, DecodeJSONLines(strings.NewReader(src), p, DecodeOptions{Name: "fuzz", MaxRowBytes: 4096}))
	})
}

func FuzzDecodeJSON(f *testing.F) {
	f.Add(`[{"id": "D-1", "partner_id": "P-1", "amount": "1", "close_date": "2026-11-03", "segment": "s"},` + "\n" + `{"id": 5}]`)
	f.Add(`[{"id": "D-1", "partner": {"id": "P-1", "tier_history": [{"from": "2026-01-01", "tier": "silver"}]}, "amount": "1", "close_date": "2026-11-03", "segment": "s"}]`)
	f.Add(`[`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, src string) {
		p := fuzzProgram()
		checkDecoded(t, p, DecodeJSON(strings.NewReader(src), p, DecodeOptions{Name: "fuzz", MaxRowBytes: 4096}))
	})
}
