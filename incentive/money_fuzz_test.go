package incentive

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseMoney checks that ParseMoney never panics and that whatever it
// accepts survives String and JSON unchanged in value and currency.
//
//	go test ./incentive -run '^$' -fuzz FuzzParseMoney -fuzztime 2m
func FuzzParseMoney(f *testing.F) {
	for _, seed := range []struct{ amount, currency string }{
		{"1234.50", "USD"}, {"-0.005", "usd"}, {"1e3", "JPY"}, {"125E-3", "KWD"},
		{".5", "EUR"}, {"5.", "GBP"}, {"+7", "CHF"}, {"\u22123.25", "USD"},
		{"1,000", "USD"}, {"", "USD"}, {"abc", "USD"}, {"10", "XYZ"},
		{"1e10000", "USD"}, {"1e-10000", "BHD"}, {"99999999999999.99", "USD"},
		{" 42 ", " eur "}, {"0", "VND"}, {"-0", "ISK"}, {"00012.3400", "CLP"},
	} {
		f.Add(seed.amount, seed.currency)
	}
	f.Fuzz(func(t *testing.T, amount, currency string) {
		m, err := ParseMoney(amount, currency)
		if err != nil {
			return
		}
		if !m.Currency().Valid() {
			t.Fatalf("accepted unknown currency %q", m.Currency())
		}

		// String: "<amount> <code>", parsed back to the same value.
		s := m.String()
		i := strings.LastIndexByte(s, ' ')
		if i < 0 {
			t.Fatalf("String() = %q has no currency", s)
		}
		back, err := ParseMoney(s[:i], s[i+1:])
		if err != nil {
			t.Fatalf("String() = %q does not parse back: %v", s, err)
		}
		if !back.Equal(m) {
			t.Fatalf("String round trip: %q -> %s -> %s", amount, m, back)
		}
		// At least the currency's minor places, and no digit lost.
		places := 0
		if j := strings.IndexByte(s[:i], '.'); j >= 0 {
			places = i - j - 1
		}
		if int32(places) < m.Currency().MinorUnits() {
			t.Fatalf("String() = %q shows fewer than %d places", s, m.Currency().MinorUnits())
		}

		// JSON round trip.
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("Marshal(%s): %v", m, err)
		}
		var j Money
		if err := json.Unmarshal(b, &j); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if !j.Equal(m) {
			t.Fatalf("JSON round trip: %s -> %s -> %s", m, b, j)
		}
		// The same value always encodes to the same bytes.
		b2, err := json.Marshal(j)
		if err != nil || string(b2) != string(b) {
			t.Fatalf("re-encoding differs: %s vs %s (%v)", b, b2, err)
		}
	})
}
