package incentive

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// moneyText is the serialized form of a Money in JSON and YAML.
type moneyText struct {
	Amount   string `json:"amount" yaml:"amount"`
	Currency string `json:"currency" yaml:"currency"`
}

// text returns the serialized form of m, or nil for the zero Money.
func (m Money) text() (*moneyText, error) {
	if m.currency == "" && m.amount.IsZero() {
		return nil, nil
	}
	if !m.currency.Valid() {
		return nil, fmt.Errorf("%w: cannot encode %s: currency %q", ErrUnknownCurrency, m.amount, string(m.currency))
	}
	return &moneyText{Amount: FormatAmount(m.amount, m.currency), Currency: string(m.currency)}, nil
}

// MarshalJSON encodes m as {"amount":"1234.50","currency":"USD"}. The
// amount is a string with at least the currency's minor-unit places and
// every digit m has (FormatAmount), so nothing is lost to a float. The zero
// Money (no currency) encodes as null; an amount with an unknown currency is
// an error.
func (m Money) MarshalJSON() ([]byte, error) {
	t, err := m.text()
	if err != nil {
		return nil, err
	}
	if t == nil {
		return []byte("null"), nil
	}
	return json.Marshal(t)
}

// UnmarshalJSON decodes {"amount":"1234.50","currency":"USD"}. The amount
// may also be a JSON number ({"amount":1234.5,...}); it is read from the
// number's text, never through a float. Both keys are required, other keys
// are an error, the currency must be known (ErrUnknownCurrency) and the
// amount a decimal as ParseMoney accepts (ErrInvalidAmount). null leaves m
// unchanged, as encoding/json does for other types. On error m is unchanged.
func (m *Money) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	if len(data) == 0 || data[0] != '{' {
		return fmt.Errorf("%w: money must be a JSON object like {\"amount\":\"12.50\",\"currency\":\"USD\"}, got %s", ErrInvalidAmount, moneyClip(data))
	}
	var raw struct {
		Amount   json.RawMessage `json:"amount"`
		Currency *string         `json:"currency"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("%w: money: %v", ErrInvalidAmount, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: money: unexpected data after the object", ErrInvalidAmount)
	}
	var amount string
	a := bytes.TrimSpace(raw.Amount)
	switch {
	case len(a) == 0 || string(a) == "null":
		return fmt.Errorf("%w: money: amount is missing", ErrInvalidAmount)
	case a[0] == '"':
		if err := json.Unmarshal(a, &amount); err != nil {
			return fmt.Errorf("%w: money: amount: %v", ErrInvalidAmount, err)
		}
	case a[0] == '-' || (a[0] >= '0' && a[0] <= '9'):
		// A number token, already checked by the decoder: keep its text.
		amount = string(a)
	default:
		return fmt.Errorf("%w: money: amount must be a string or a number, got %s", ErrInvalidAmount, moneyClip(a))
	}
	if raw.Currency == nil {
		return fmt.Errorf("%w: money: currency is missing", ErrUnknownCurrency)
	}
	v, err := ParseMoney(amount, *raw.Currency)
	if err != nil {
		return fmt.Errorf("money: %w", err)
	}
	*m = v
	return nil
}

// MarshalYAML encodes m as a mapping {amount: "1234.50", currency: USD} with
// the amount a quoted string, like MarshalJSON; the zero Money is null. It
// implements yaml.Marshaler (gopkg.in/yaml.v3) without this package
// importing yaml.
func (m Money) MarshalYAML() (interface{}, error) {
	t, err := m.text()
	if err != nil || t == nil {
		return nil, err
	}
	return t, nil
}

// UnmarshalYAML decodes a mapping {amount: 1234.50, currency: USD}. The
// amount may be a quoted string or a plain number and is read from its text,
// never through a float. Both keys are required and other keys are an error.
// It implements the yaml.v3 obsolete (but supported) Unmarshaler interface so
// that this package need not import yaml.
func (m *Money) UnmarshalYAML(unmarshal func(interface{}) error) error {
	var raw map[string]string
	if err := unmarshal(&raw); err != nil {
		return fmt.Errorf("%w: money must be a mapping with amount and currency: %v", ErrInvalidAmount, err)
	}
	var extra []string
	for k := range raw {
		if k != "amount" && k != "currency" {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return fmt.Errorf("%w: money: unknown key(s) %s (want amount and currency)", ErrInvalidAmount, strings.Join(extra, ", "))
	}
	amount, ok := raw["amount"]
	if !ok {
		return fmt.Errorf("%w: money: amount is missing", ErrInvalidAmount)
	}
	currency, ok := raw["currency"]
	if !ok {
		return fmt.Errorf("%w: money: currency is missing", ErrUnknownCurrency)
	}
	v, err := ParseMoney(amount, currency)
	if err != nil {
		return fmt.Errorf("money: %w", err)
	}
	*m = v
	return nil
}

// moneyClip shortens b for an error message.
func moneyClip(b []byte) string {
	const n = 40
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
