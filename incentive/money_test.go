package incentive

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// moneyCheck holds small assertion helpers for this package's tests (the
// module's testify needs a go.sum entry it does not have yet). Failures are
// reported, not fatal, except NoError and Len.
type moneyCheck struct{ t testing.TB }

func (c moneyCheck) msg(m []any) string {
	if len(m) == 0 {
		return ""
	}
	if f, ok := m[0].(string); ok {
		return " [" + fmt.Sprintf(f, m[1:]...) + "]"
	}
	return " [" + fmt.Sprint(m...) + "]"
}

// NoError stops the test when err is not nil.
func (c moneyCheck) NoError(err error, m ...any) {
	c.t.Helper()
	if err != nil {
		c.t.Fatalf("unexpected error: %v%s", err, c.msg(m))
	}
}

func (c moneyCheck) Equal(want, got any, m ...any) {
	c.t.Helper()
	if !reflect.DeepEqual(want, got) {
		c.t.Errorf("want %#v, got %#v%s", want, got, c.msg(m))
	}
}

func (c moneyCheck) True(b bool, m ...any) {
	c.t.Helper()
	if !b {
		c.t.Errorf("want true%s", c.msg(m))
	}
}

func (c moneyCheck) False(b bool, m ...any) {
	c.t.Helper()
	if b {
		c.t.Errorf("want false%s", c.msg(m))
	}
}

func (c moneyCheck) Nil(v any, m ...any) {
	c.t.Helper()
	if v != nil && !reflect.ValueOf(v).IsNil() {
		c.t.Errorf("want nil, got %#v%s", v, c.msg(m))
	}
}

// ErrorIs checks errors.Is(err, target).
func (c moneyCheck) ErrorIs(err, target error, m ...any) {
	c.t.Helper()
	if !errors.Is(err, target) {
		c.t.Errorf("want an error wrapping %q, got %v%s", target, err, c.msg(m))
	}
}

func (c moneyCheck) EqualError(err error, want string, m ...any) {
	c.t.Helper()
	if err == nil || err.Error() != want {
		c.t.Errorf("want error %q, got %v%s", want, err, c.msg(m))
	}
}

func (c moneyCheck) Contains(s, sub string, m ...any) {
	c.t.Helper()
	if !strings.Contains(s, sub) {
		c.t.Errorf("%q does not contain %q%s", s, sub, c.msg(m))
	}
}

// Len stops the test when v (a slice or string) does not have length n.
func (c moneyCheck) Len(v any, n int, m ...any) {
	c.t.Helper()
	if l := reflect.ValueOf(v).Len(); l != n {
		c.t.Fatalf("want length %d, got %d%s", n, l, c.msg(m))
	}
}

func (c moneyCheck) Panics(f func(), m ...any) {
	c.t.Helper()
	defer func() {
		if recover() == nil {
			c.t.Errorf("want a panic%s", c.msg(m))
		}
	}()
	f()
}

// dec builds a decimal from its text; test constants only.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestCurrencyMinorUnits(t *testing.T) {
	ck := moneyCheck{t}
	// ISO 4217 minor units, from the standard's table (not from the code).
	// The first 31 rows are the most traded currencies of the BIS Triennial
	// Survey 2022, in its order; the rest are the 0- and 3-place cases.
	want := []struct {
		code  string
		minor int32
	}{
		{"USD", 2}, {"EUR", 2}, {"JPY", 0}, {"GBP", 2}, {"CNY", 2}, {"AUD", 2},
		{"CAD", 2}, {"CHF", 2}, {"HKD", 2}, {"SGD", 2}, {"SEK", 2}, {"KRW", 0},
		{"NOK", 2}, {"NZD", 2}, {"INR", 2}, {"MXN", 2}, {"TWD", 2}, {"ZAR", 2},
		{"BRL", 2}, {"DKK", 2}, {"PLN", 2}, {"THB", 2}, {"ILS", 2}, {"IDR", 2},
		{"CZK", 2}, {"AED", 2}, {"TRY", 2}, {"HUF", 2}, {"CLP", 0}, {"SAR", 2},
		{"PHP", 2}, {"MYR", 2}, {"COP", 2}, {"RUB", 2}, {"RON", 2}, {"PEN", 2},
		{"BHD", 3}, {"BGN", 2}, {"ARS", 2},
		{"KWD", 3}, {"OMR", 3}, {"JOD", 3}, {"TND", 3}, {"IQD", 3}, {"LYD", 3},
		{"ISK", 0}, {"VND", 0}, {"PYG", 0}, {"UGX", 0}, {"XOF", 0}, {"XAF", 0},
		{"XPF", 0}, {"RWF", 0},
	}
	for _, w := range want {
		c, err := ParseCurrency(w.code)
		ck.NoError(err, w.code)
		ck.True(c.Valid(), w.code)
		ck.Equal(w.minor, c.MinorUnits(), w.code)
	}
	ck.True(len(Currencies()) >= 30)
	list := Currencies()
	for i := 1; i < len(list); i++ {
		ck.True(list[i-1] < list[i], "Currencies is sorted")
	}
	for _, c := range list {
		ck.Len(string(c), 3)
		ck.Equal(strings.ToUpper(string(c)), string(c))
	}
}

func TestParseCurrency(t *testing.T) {
	ck := moneyCheck{t}
	c, err := ParseCurrency(" usd ")
	ck.NoError(err)
	ck.Equal(USD, c)

	for _, bad := range []string{"", "US", "USDD", "XYZ", "€", "HRK"} {
		_, err := ParseCurrency(bad)
		ck.ErrorIs(err, ErrUnknownCurrency, "%q", bad)
	}
	ck.False(Currency("XYZ").Valid())
	ck.Equal(int32(2), Currency("XYZ").MinorUnits(), "unknown currency falls back to 2 as documented")
	ck.Equal("KWD", KWD.String())
}

func TestParseMoney(t *testing.T) {
	ck := moneyCheck{t}
	tests := []struct {
		amount, currency string
		want             string // String() of the result
	}{
		{"1234.50", "USD", "1234.50 USD"},
		{"1234.5", "usd", "1234.50 USD"},
		{"-0.005", "USD", "-0.005 USD"},
		{"  42 ", "EUR", "42.00 EUR"},
		{"+7", "GBP", "7.00 GBP"},
		{".5", "USD", "0.50 USD"},
		{"5.", "USD", "5.00 USD"},
		{"1e3", "USD", "1000.00 USD"},      // 1 x 10^3
		{"125E-3", "USD", "0.125 USD"},     // 125 / 1000
		{"\u22123.25", "USD", "-3.25 USD"}, // U+2212 minus sign
		{"1200", "JPY", "1200 JPY"},
		{"1.5", "KWD", "1.500 KWD"},
		{"99999999999999.99", "USD", "99999999999999.99 USD"}, // 16 digits: exact, unlike a float64
	}
	for _, tt := range tests {
		m, err := ParseMoney(tt.amount, tt.currency)
		ck.NoError(err, tt.amount)
		ck.Equal(tt.want, m.String(), tt.amount)
	}
}

func TestParseMoneyErrors(t *testing.T) {
	ck := moneyCheck{t}
	tests := []struct {
		amount, currency string
		want             error
	}{
		{"10", "XYZ", ErrUnknownCurrency},
		{"10", "", ErrUnknownCurrency},
		{"1,000", "USD", ErrInvalidAmount},
		{"1_000", "USD", ErrInvalidAmount},
		{"", "USD", ErrInvalidAmount},
		{"   ", "USD", ErrInvalidAmount},
		{"abc", "USD", ErrInvalidAmount},
		{"$10", "USD", ErrInvalidAmount},
		{"10 USD", "USD", ErrInvalidAmount},
		{"NaN", "USD", ErrInvalidAmount},
		{"Inf", "USD", ErrInvalidAmount},
		{"0x10", "USD", ErrInvalidAmount},
		{"1.2.3", "USD", ErrInvalidAmount},
		{"--5", "USD", ErrInvalidAmount},
		{"1e", "USD", ErrInvalidAmount},
		{"1e10001", "USD", ErrInvalidAmount}, // beyond the +-10000 scale limit
	}
	for _, tt := range tests {
		_, err := ParseMoney(tt.amount, tt.currency)
		ck.ErrorIs(err, tt.want, "%q %q", tt.amount, tt.currency)
	}
	_, err := ParseMoney("1,000", "USD")
	ck.EqualError(err, `invalid amount: "1,000" is not a decimal number`)
	_, err = ParseMoney("", "USD")
	ck.EqualError(err, `invalid amount: empty amount`)

	ck.Panics(func() { MustParseMoney("abc", "USD") })
	ck.Equal("1.00 USD", MustParseMoney("1", "USD").String())
}

func TestConstructors(t *testing.T) {
	ck := moneyCheck{t}
	ck.Equal("500.00 USD", MoneyFromInt(500, USD).String())
	ck.Equal("19.99 USD", MoneyFromMinor(1999, USD).String()) // 1999 cents
	ck.Equal("1999 JPY", MoneyFromMinor(1999, JPY).String())  // yen has no minor unit
	ck.Equal("1.999 KWD", MoneyFromMinor(1999, KWD).String()) // 1999 fils = 1.999 dinar
	ck.Equal("-0.05 EUR", MoneyFromMinor(-5, EUR).String())
	ck.Equal("0.00 CHF", Zero(CHF).String())
	ck.Equal("0.00", Money{}.String())
	ck.Equal("2.50 USD", NewMoney(dec("2.5"), USD).String())

	m := MustParseMoney("-12.30", "USD")
	ck.Equal("-12.3", m.Amount().String())
	ck.Equal(USD, m.Currency())
	ck.True(m.IsNegative())
	ck.Equal(-1, m.Sign())
	ck.False(m.IsZero())
	ck.Equal("12.30 USD", m.Neg().String())
	ck.Equal("12.30 USD", m.Abs().String())
	ck.True(Zero(USD).IsZero())
	ck.Equal(0, Zero(USD).Sign())
}

func TestMinorUnits(t *testing.T) {
	ck := moneyCheck{t}
	tests := []struct {
		amount, currency string
		units            int64
		ok               bool
	}{
		{"19.99", "USD", 1999, true},
		{"19.9", "USD", 1990, true},
		{"-0.01", "USD", -1, true},
		{"0", "USD", 0, true},
		{"1999", "JPY", 1999, true},
		{"1.999", "KWD", 1999, true},
		{"1.5", "BHD", 1500, true},
		{"10.005", "USD", 0, false}, // half a cent is not a whole minor unit
		{"0.5", "JPY", 0, false},
		{"1.2340", "USD", 0, false},                                // 123.40 cents
		{"92233720368547758.07", "USD", 9223372036854775807, true}, // max int64 cents
		{"92233720368547758.08", "USD", 0, false},                  // one cent more
	}
	for _, tt := range tests {
		n, ok := MustParseMoney(tt.amount, tt.currency).MinorUnits()
		ck.Equal(tt.ok, ok, tt.amount)
		ck.Equal(tt.units, n, tt.amount)
	}
	// A trailing zero beyond the minor unit is still a whole number of cents.
	n, ok := MustParseMoney("1.230", "USD").MinorUnits()
	ck.True(ok)
	ck.Equal(int64(123), n)
}

func TestArithmetic(t *testing.T) {
	ck := moneyCheck{t}
	a := MustParseMoney("1200.00", "USD")
	b := MustParseMoney("34.5", "USD")

	sum, err := a.Add(b)
	ck.NoError(err)
	ck.Equal("1234.50 USD", sum.String()) // 1200.00 + 34.50

	diff, err := b.Sub(a)
	ck.NoError(err)
	ck.Equal("-1165.50 USD", diff.String()) // 34.50 - 1200.00

	c, err := a.Cmp(b)
	ck.NoError(err)
	ck.Equal(1, c)
	c, err = b.Cmp(a)
	ck.NoError(err)
	ck.Equal(-1, c)
	c, err = MustParseMoney("2.5", "USD").Cmp(MustParseMoney("2.50", "USD"))
	ck.NoError(err)
	ck.Equal(0, c)

	// The zero Money starts a sum in any currency.
	var total Money
	for _, s := range []string{"0.10", "0.20"} {
		total, err = total.Add(MustParseMoney(s, "EUR"))
		ck.NoError(err)
	}
	ck.Equal("0.30 EUR", total.String()) // 0.10 + 0.20, exactly
	x, err := MustParseMoney("5", "GBP").Sub(Money{})
	ck.NoError(err)
	ck.Equal("5.00 GBP", x.String())

	ck.Equal("240.0000 USD", MustParseMoney("12000.00", "USD").Mul(dec("0.02")).String()) // 12000.00 x 0.02 = 240.0000 (exact, 4 places)
	ck.Equal("0.0525 USD", MustParseMoney("1.05", "USD").Mul(dec("0.05")).String())       // 1.05 x 0.05 = 0.0525, not rounded

	ck.True(MustParseMoney("2.5", "USD").Equal(MustParseMoney("2.50", "USD")))
	ck.False(MustParseMoney("2.5", "USD").Equal(MustParseMoney("2.5", "EUR")))
	ck.False(MustParseMoney("2.5", "USD").Equal(MustParseMoney("2.51", "USD")))
}

func TestCurrencyMismatch(t *testing.T) {
	ck := moneyCheck{t}
	usd := MustParseMoney("10", "USD")
	eur := MustParseMoney("10", "EUR")

	_, err := usd.Add(eur)
	ck.ErrorIs(err, ErrCurrencyMismatch)
	ck.EqualError(err, "currency mismatch: cannot add USD and EUR")

	_, err = usd.Sub(eur)
	ck.ErrorIs(err, ErrCurrencyMismatch)
	ck.Contains(err.Error(), "subtract USD and EUR")

	_, err = eur.Cmp(usd)
	ck.ErrorIs(err, ErrCurrencyMismatch)
	ck.Contains(err.Error(), "compare EUR and USD")

	// A zero amount in a real currency is still that currency.
	_, err = usd.Add(Zero(EUR))
	ck.ErrorIs(err, ErrCurrencyMismatch)
	// Only the currency-less zero Money is neutral; a currency-less nonzero is not.
	_, err = usd.Add(NewMoney(dec("1"), ""))
	ck.ErrorIs(err, ErrCurrencyMismatch)
}

func TestDivAndRound(t *testing.T) {
	ck := moneyCheck{t}
	m := MustParseMoney("100.00", "USD")

	q, err := m.Div(dec("3"), 2)
	ck.NoError(err)
	ck.Equal("33.33 USD", q.String()) // 100 / 3 = 33.333...

	q, err = m.Div(dec("3"), 4)
	ck.NoError(err)
	ck.Equal("33.3333 USD", q.String())

	q, err = MustParseMoney("2.00", "USD").Div(dec("3"), 2)
	ck.NoError(err)
	ck.Equal("0.67 USD", q.String()) // 2 / 3 = 0.666... -> 0.67

	q, err = MustParseMoney("-0.05", "USD").Div(dec("2"), 2)
	ck.NoError(err)
	ck.Equal("-0.03 USD", q.String()) // -0.025: half away from zero -> -0.03

	_, err = m.Div(decimal.Zero, 2)
	ck.ErrorIs(err, ErrDivisionByZero)
	ck.Contains(err.Error(), "100.00 USD / 0")

	ck.Equal("0.13 USD", MustParseMoney("0.125", "USD").Round(2, HalfUp).String())
	ck.Equal("0.12 USD", MustParseMoney("0.125", "USD").Round(2, HalfEven).String())
	ck.Equal("0.13 USD", MustParseMoney("0.125", "USD").RoundToMinor(HalfUp).String())
	ck.Equal("124 JPY", MustParseMoney("123.5", "JPY").RoundToMinor(HalfUp).String())
	ck.Equal("124 JPY", MustParseMoney("123.5", "JPY").RoundToMinor(HalfEven).String()) // 4 is even
	ck.Equal("1.000 KWD", MustParseMoney("1.0005", "KWD").RoundToMinor(HalfEven).String())
	ck.Equal("1.001 KWD", MustParseMoney("1.0005", "KWD").RoundToMinor(HalfUp).String())
}

func TestFormatAmount(t *testing.T) {
	ck := moneyCheck{t}
	tests := []struct {
		amount   string
		currency Currency
		want     string
	}{
		{"12.5", USD, "12.50"},
		{"0.125", USD, "0.125"},
		{"12", USD, "12.00"},
		{"1e3", USD, "1000.00"},
		{"-0.5", USD, "-0.50"},
		{"1200", JPY, "1200"},
		{"1200.5", JPY, "1200.5"},
		{"1", KWD, "1.000"},
		{"1.23456", KWD, "1.23456"},
		{"0", USD, "0.00"},
		{"1.10", USD, "1.10"},
		{"1.100", USD, "1.100"}, // the trailing zero the amount carries is kept
	}
	for _, tt := range tests {
		ck.Equal(tt.want, FormatAmount(dec(tt.amount), tt.currency), tt.amount)
	}
}

func TestMoneyJSONMarshal(t *testing.T) {
	ck := moneyCheck{t}
	tests := []struct {
		m    Money
		want string
	}{
		{MustParseMoney("1234.5", "USD"), `{"amount":"1234.50","currency":"USD"}`},
		{MustParseMoney("0.125", "USD"), `{"amount":"0.125","currency":"USD"}`},
		{MustParseMoney("-0.005", "USD"), `{"amount":"-0.005","currency":"USD"}`},
		{MustParseMoney("1200", "JPY"), `{"amount":"1200","currency":"JPY"}`},
		{MustParseMoney("1.5", "KWD"), `{"amount":"1.500","currency":"KWD"}`},
		{MustParseMoney("99999999999999.99", "USD"), `{"amount":"99999999999999.99","currency":"USD"}`},
		{Zero(EUR), `{"amount":"0.00","currency":"EUR"}`},
		{Money{}, `null`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.m)
		ck.NoError(err)
		ck.Equal(tt.want, string(b))
	}

	// Inside a struct, by value and by pointer.
	type line struct {
		Total Money  `json:"total"`
		Cap   *Money `json:"cap,omitempty"`
		None  Money  `json:"none"`
	}
	capM := MustParseMoney("2500", "USD")
	b, err := json.Marshal(line{Total: MustParseMoney("240", "USD"), Cap: &capM})
	ck.NoError(err)
	ck.Equal(`{"total":{"amount":"240.00","currency":"USD"},"cap":{"amount":"2500.00","currency":"USD"},"none":null}`, string(b))

	_, err = json.Marshal(NewMoney(dec("1"), "XYZ"))
	ck.ErrorIs(err, ErrUnknownCurrency)
	_, err = json.Marshal(NewMoney(dec("1"), ""))
	ck.ErrorIs(err, ErrUnknownCurrency)
}

func TestMoneyJSONUnmarshal(t *testing.T) {
	ck := moneyCheck{t}
	tests := []struct {
		in   string
		want string // String() of the result
	}{
		{`{"amount":"1234.50","currency":"USD"}`, "1234.50 USD"},
		{`{"currency":"USD","amount":"0.125"}`, "0.125 USD"},
		{` { "amount" : "-7" , "currency" : "eur" } `, "-7.00 EUR"},
		{`{"amount":1234.5,"currency":"USD"}`, "1234.50 USD"},
		{`{"amount":0.1,"currency":"USD"}`, "0.10 USD"},
		{`{"amount":-0.005,"currency":"USD"}`, "-0.005 USD"},
		{`{"amount":1e3,"currency":"JPY"}`, "1000 JPY"},
		// 17 significant digits: a float64 would turn this into 12345678901234568.
		{`{"amount":12345678901234567,"currency":"JPY"}`, "12345678901234567 JPY"},
		{`{"amount":99999999999999.99,"currency":"USD"}`, "99999999999999.99 USD"},
	}
	for _, tt := range tests {
		var m Money
		ck.NoError(json.Unmarshal([]byte(tt.in), &m), tt.in)
		ck.Equal(tt.want, m.String(), tt.in)
	}

	bad := []struct {
		in   string
		want error
	}{
		{`{"amount":"1.00","currency":"XYZ"}`, ErrUnknownCurrency},
		{`{"amount":"1.00","currency":""}`, ErrUnknownCurrency},
		{`{"amount":"1.00"}`, ErrUnknownCurrency},
		{`{"amount":"1,000","currency":"USD"}`, ErrInvalidAmount},
		{`{"amount":"abc","currency":"USD"}`, ErrInvalidAmount},
		{`{"amount":"","currency":"USD"}`, ErrInvalidAmount},
		{`{"currency":"USD"}`, ErrInvalidAmount},
		{`{"amount":null,"currency":"USD"}`, ErrInvalidAmount},
		{`{"amount":true,"currency":"USD"}`, ErrInvalidAmount},
		{`{"amount":{"v":1},"currency":"USD"}`, ErrInvalidAmount},
		{`{"amount":[1],"currency":"USD"}`, ErrInvalidAmount},
		{`{"amount":"1","currency":"USD","note":"x"}`, ErrInvalidAmount},
		{`{"amount":"1","currency":5}`, ErrInvalidAmount},
		{`"12.50 USD"`, ErrInvalidAmount},
		{`12.5`, ErrInvalidAmount},
		{`[]`, ErrInvalidAmount},
	}
	for _, tt := range bad {
		m := MustParseMoney("9.99", "GBP")
		err := json.Unmarshal([]byte(tt.in), &m)
		ck.ErrorIs(err, tt.want, tt.in)
		ck.Equal("9.99 GBP", m.String(), "unchanged after the error in %s", tt.in)
	}

	// null leaves the value as it was.
	m := MustParseMoney("9.99", "GBP")
	ck.NoError(json.Unmarshal([]byte(`null`), &m))
	ck.Equal("9.99 GBP", m.String())

	// Direct calls see the raw bytes: trailing data is refused.
	var d Money
	err := d.UnmarshalJSON([]byte(`{"amount":"1","currency":"USD"} {}`))
	ck.ErrorIs(err, ErrInvalidAmount)
	err = d.UnmarshalJSON(nil)
	ck.ErrorIs(err, ErrInvalidAmount)
}

func TestMoneyJSONRoundTrip(t *testing.T) {
	ck := moneyCheck{t}
	type doc struct {
		A Money   `json:"a"`
		B []Money `json:"b"`
		Z Money   `json:"z"`
	}
	in := doc{
		A: MustParseMoney("1234.5", "USD"),
		B: []Money{
			MustParseMoney("-0.005", "USD"),
			MustParseMoney("1200", "JPY"),
			MustParseMoney("1.2345", "KWD"),
			MustParseMoney("1e-30", "EUR"),
			MustParseMoney("123456789012345678901234567890.12", "CHF"),
		},
	}
	b, err := json.Marshal(in)
	ck.NoError(err)
	var out doc
	ck.NoError(json.Unmarshal(b, &out))
	ck.True(in.A.Equal(out.A))
	ck.Len(out.B, len(in.B))
	for i := range in.B {
		ck.True(in.B[i].Equal(out.B[i]), "%s vs %s", in.B[i], out.B[i])
	}
	ck.Equal(Money{}, out.Z)
	// Same input, same bytes.
	b2, err := json.Marshal(out)
	ck.NoError(err)
	ck.Equal(string(b), string(b2))
}

// jsonUnmarshaler stands in for yaml.v3's unmarshal callback: it decodes
// doc into the value UnmarshalYAML passes.
func jsonUnmarshaler(doc string) func(interface{}) error {
	return func(v interface{}) error { return json.Unmarshal([]byte(doc), v) }
}

func TestMoneyYAMLHooks(t *testing.T) {
	ck := moneyCheck{t}
	v, err := MustParseMoney("1234.5", "USD").MarshalYAML()
	ck.NoError(err)
	b, err := json.Marshal(v)
	ck.NoError(err)
	ck.Equal(`{"amount":"1234.50","currency":"USD"}`, string(b))
	mt, ok := v.(*moneyText)
	ck.True(ok)
	ck.Equal(moneyText{Amount: "1234.50", Currency: "USD"}, *mt)

	v, err = Money{}.MarshalYAML()
	ck.NoError(err)
	ck.Nil(v)
	_, err = NewMoney(dec("1"), "XYZ").MarshalYAML()
	ck.ErrorIs(err, ErrUnknownCurrency)

	var m Money
	ck.NoError(m.UnmarshalYAML(jsonUnmarshaler(`{"amount":"1234.50","currency":"usd"}`)))
	ck.Equal("1234.50 USD", m.String())

	bad := []struct {
		doc  string
		want error
	}{
		{`{"amount":"1.00","currency":"XYZ"}`, ErrUnknownCurrency},
		{`{"amount":"1.00"}`, ErrUnknownCurrency},
		{`{"currency":"USD"}`, ErrInvalidAmount},
		{`{"amount":"1,000","currency":"USD"}`, ErrInvalidAmount},
		{`{"amount":"1","currency":"USD","amout":"2"}`, ErrInvalidAmount},
		{`"12.50"`, ErrInvalidAmount},
	}
	for _, tt := range bad {
		m := MustParseMoney("9.99", "GBP")
		err := m.UnmarshalYAML(jsonUnmarshaler(tt.doc))
		ck.ErrorIs(err, tt.want, tt.doc)
		ck.Equal("9.99 GBP", m.String(), tt.doc)
	}
	err = m.UnmarshalYAML(jsonUnmarshaler(`{"amount":"1","currency":"USD","amout":"2"}`))
	ck.Contains(err.Error(), "unknown key(s) amout")

	// MarshalYAML's value decoded by UnmarshalYAML round-trips.
	for _, s := range []Money{MustParseMoney("-0.005", "USD"), MustParseMoney("7", "JPY"), MustParseMoney("1.5", "BHD")} {
		v, err := s.MarshalYAML()
		ck.NoError(err)
		b, err := json.Marshal(v)
		ck.NoError(err)
		var back Money
		ck.NoError(back.UnmarshalYAML(jsonUnmarshaler(string(b))))
		ck.True(s.Equal(back), "%s vs %s", s, back)
	}
}

func TestErrorsAreDistinct(t *testing.T) {
	ck := moneyCheck{t}
	_, err := ParseMoney("1", "XYZ")
	ck.False(errors.Is(err, ErrInvalidAmount))
	_, err = ParseMoney("x", "USD")
	ck.False(errors.Is(err, ErrUnknownCurrency))
}
