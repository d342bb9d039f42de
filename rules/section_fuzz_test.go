package rules

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// sectionKeys are the program keys of issue #15's syntax (and the terms
// they combine with) that FuzzCompileSection replaces; "earning." keys go
// into the program's first earning.
var sectionKeys = []string{
	"values", "line_fields", "fields", "split", "settlements", "payment_methods", "hold", "payouts",
	"caps", "groups", "period", "min_payout",
	"earning.per", "earning.when", "earning.amount", "earning.cap", "earning.split", "earning.group",
	"earning.priority", "earning.bands",
}

// cookbookFiles are the reference programs of #15's cookbook.
func cookbookFiles(tb testing.TB) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob("testdata/reference/cookbook-*.yaml")
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no cookbook programs: %v", err)
	}
	var out [][]byte
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// spliceSection returns the program src with key set to the YAML value,
// or false when either does not parse as such.
func spliceSection(src []byte, key, value string) ([]byte, bool) {
	var doc, val yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, false
	}
	if yaml.Unmarshal([]byte(value), &val) != nil || len(val.Content) == 0 {
		return nil, false
	}
	m := doc.Content[0]
	if k, ok := strings.CutPrefix(key, "earning."); ok {
		var earnings *yaml.Node
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == "earnings" {
				earnings = m.Content[i+1]
			}
		}
		if earnings == nil || earnings.Kind != yaml.SequenceNode || len(earnings.Content) == 0 || earnings.Content[0].Kind != yaml.MappingNode {
			return nil, false
		}
		m, key = earnings.Content[0], k
	}
	set := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1], set = val.Content[0], true
		}
	}
	if !set {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, val.Content[0])
	}
	out, err := yaml.Marshal(&doc)
	return out, err == nil
}

// FuzzCompileSection compiles a cookbook program with one of #15's keys
// (values:, line_fields:, split:, settlements:, payment_methods:, hold:,
// payouts:, a computed cap, per: line, pick groups...) replaced by a
// fuzzed YAML value, so that the mutations land inside the section's
// decoder and checks rather than break the file around it. Like
// FuzzCompile: no panic, only a non-empty ErrorList of positioned errors;
// whatever compiles passes Validate, runs its tests, and evaluates a deal
// with product lines without panicking.
//
//	go test ./rules -run '^$' -fuzz '^FuzzCompileSection$' -fuzztime 2m -parallel 1
func FuzzCompileSection(f *testing.F) {
	files := cookbookFiles(f)
	// Every file's own value of every section key it has is a seed.
	for i, src := range files {
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err != nil {
			f.Fatal(err)
		}
		m := doc.Content[0]
		for j := 0; j+1 < len(m.Content); j += 2 {
			k := m.Content[j].Value
			node := m.Content[j+1]
			if k == "earnings" && len(node.Content) > 0 {
				em := node.Content[0]
				for e := 0; e+1 < len(em.Content); e += 2 {
					if slices.Contains(sectionKeys, "earning."+em.Content[e].Value) {
						b, _ := yaml.Marshal(em.Content[e+1])
						f.Add(uint8(i), "earning."+em.Content[e].Value, string(b))
					}
				}
			}
			if slices.Contains(sectionKeys, k) {
				b, _ := yaml.Marshal(node)
				f.Add(uint8(i), k, string(b))
			}
		}
	}
	f.Add(uint8(0), "earning.per", "line")
	f.Add(uint8(1), "groups", "[{id: g, pick: {max: 0, by: amount}}]")
	f.Add(uint8(2), "caps", "{per_deal: values.nope * 0.3}")
	f.Add(uint8(3), "split", "{remainder: last, to: [{payee: partner, ratio: 0}, {payee: deal.referrer, ratio: -1}]}")
	f.Add(uint8(4), "values", "{a: values.b, b: values.a}")
	f.Fuzz(func(t *testing.T, base uint8, key, value string) {
		src, ok := spliceSection(files[int(base)%len(files)], key, value)
		if !ok {
			return
		}
		file, err := Compile("fuzz.yaml", src)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T %v is not a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.File != "fuzz.yaml" || e.Line < 0 || e.Col < 0 || e.Msg == "" || e.Severity != SeverityError {
					t.Fatalf("bad diagnostic %#v", e)
				}
			}
			_ = err.Error()
			if file != nil {
				t.Fatal("a File with an error")
			}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, p := range file.Programs {
			if err := p.Validate(); err != nil {
				t.Fatalf("compiled program fails Validate: %v", err)
			}
			in := sectionDeal(p)
			if r, err := incentive.Evaluate(ctx, p, in, in.Deal.CloseDate); err == nil {
				sum := decimal.Zero
				for _, l := range r.Lines {
					sum = sum.Add(l.Amount.Amount())
				}
				if !sum.Equal(r.Total.Amount()) {
					t.Fatalf("lines add up to %s, total %s", sum, r.Total)
				}
				_ = r.Explain()
			}
		}
		for i, tc := range file.Tests {
			if i == 20 {
				break
			}
			_ = tc.Run(ctx)
		}
	})
}

// sectionDeal is a deal inside the program's window with three product
// lines and every custom field (deal and line) set.
func sectionDeal(p *incentive.Program) incentive.Input {
	usd := func(s string) incentive.Money { return incentive.MustParseMoney(s, string(p.Currency)) }
	close := time.Date(p.Effective.From.Year, p.Effective.From.Month, p.Effective.From.Day, 12, 0, 0, 0, p.Effective.Loc()).AddDate(0, 2, 0)
	in := incentive.Input{
		Deal: incentive.Deal{ID: "D-1", PartnerID: "P-1", Amount: usd("10000.00"), CloseDate: close, Quantity: 3,
			Type: incentive.NewBusiness, Registration: &incentive.Registration{ID: "R", Approved: incentive.DateOf(close)},
			Lines: []incentive.DealLine{
				{Product: "SRV-1", Family: "storage", Quantity: 3, UnitPrice: usd("1000"), Amount: usd("3000")},
				{Product: "DEMO-1", Family: "storage", Quantity: 2, UnitPrice: usd("0"), Amount: usd("0")},
				{Product: "NET-1", Family: "network", Quantity: 5, UnitPrice: usd("200"), Amount: usd("1000")},
			}},
		Partner: partner.Partner{ID: "P-1", Tier: "gold", Contacts: []partner.Contact{{Role: "partner_rep", Name: "N"}}},
	}
	value := func(t incentive.FieldType) any {
		switch t {
		case incentive.FieldInt:
			return int64(2)
		case incentive.FieldDecimal:
			return decimal.New(7000, 0)
		case incentive.FieldBool:
			return true
		case incentive.FieldDate:
			return incentive.DateOf(close).AddDays(-10)
		}
		return "P-2"
	}
	in.Deal.Fields = map[string]any{}
	for _, fd := range p.Fields {
		in.Deal.Fields[fd.Name] = value(fd.Type)
	}
	for k := range in.Deal.Lines {
		in.Deal.Lines[k].Fields = map[string]any{}
		for _, fd := range p.LineFields {
			in.Deal.Lines[k].Fields[fd.Name] = value(fd.Type)
		}
	}
	return in
}
