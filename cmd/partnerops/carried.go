package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/partnerops/partnerops/incentive"
	"github.com/shopspring/decimal"
)

// amountRE is the amount syntax of deals files, which carried-in files
// share: an optional minus, digits and an optional fraction. No exponent,
// no leading "+" or ".", no thousands separators.
var amountRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// maxAmountLen bounds an amount's text, as in deals files.
const maxAmountLen = 40

// parseAmount reads an amount in currency cur written as in deals files,
// with no more decimal places than the currency's minor unit: a carried
// amount was paid, or owed, in whole minor units.
func parseAmount(text string, cur incentive.Currency) (decimal.Decimal, error) {
	if len(text) > maxAmountLen || !amountRE.MatchString(text) {
		return decimal.Decimal{}, fmt.Errorf("want a decimal amount such as 40.00 or -12.5 (no exponent, sign \"+\" or leading \".\"), got %q", clipText(text))
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q: %w", clipText(text), err)
	}
	if cur != "" && -d.Exponent() > cur.MinorUnits() {
		return decimal.Decimal{}, fmt.Errorf("%s has more decimal places than %s has (%d)", text, cur, cur.MinorUnits())
	}
	return d, nil
}

// clipText shortens text quoted in a message.
func clipText(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:37]) + "..."
	}
	return s
}

// parseCarried reads a carried-in file: a JSON object of partner id to an
// amount in the program currency, written as a string ("40.00") or a
// number (40). A partner listed twice, an amount in another syntax than
// deals files use or with more places than the currency has is an error
// naming the line.
func parseCarried(name string, src []byte, cur incentive.Currency) (map[string]decimal.Decimal, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) == nil && top["partners"] != nil && top["program"] != nil {
		return carriedFromStatement(name, src, cur)
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	at := func() string { return fmt.Sprintf("%s:%d", name, lineAt(src, dec.InputOffset())) }
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s: %s", at(), fmt.Sprintf(format, a...))
	}
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%s: want a JSON object of partner id to amount, such as {\"P-1\": \"40.00\"}", name)
	}
	out := map[string]decimal.Decimal{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad("%v", err)
		}
		id, _ := tok.(string)
		if id == "" {
			return nil, bad("a partner id must not be empty")
		}
		if _, dup := out[id]; dup {
			return nil, bad("partner %s is listed twice", id)
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, bad("partner %s: %v", id, err)
		}
		var text string
		switch v := tok.(type) {
		case string:
			text = v
		case json.Number:
			text = v.String()
		default:
			if d, ok := tok.(json.Delim); ok {
				return nil, bad("partner %s: want an amount, got a JSON %s", id, delimName(d))
			}
			return nil, bad("partner %s: want an amount, got %v", id, tok)
		}
		d, err := parseAmount(text, cur)
		if err != nil {
			return nil, bad("partner %s: %v", id, err)
		}
		out[id] = d
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad("%v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: want a single JSON object", name)
	}
	return out, nil
}

// delimName names the value a JSON delimiter opens.
func delimName(d json.Delim) string {
	if d == '[' {
		return "list"
	}
	return "object"
}

// lineAt is the 1-based line of byte offset off in src.
func lineAt(src []byte, off int64) int {
	off = min(max(off, 0), int64(len(src)))
	return bytes.Count(src[:off], []byte("\n")) + 1
}

// carriedFromStatement reads what each partner carries out of a previous
// run's JSON statement (-output json): it is carried into this one.
func carriedFromStatement(name string, src []byte, cur incentive.Currency) (map[string]decimal.Decimal, error) {
	var st struct {
		Currency string `json:"currency"`
		Partners []struct {
			Partner    string `json:"partner"`
			CarriedOut struct {
				Amount   string `json:"amount"`
				Currency string `json:"currency"`
			} `json:"carried_out"`
		} `json:"partners"`
	}
	if err := json.Unmarshal(src, &st); err != nil {
		return nil, fmt.Errorf("%s: not a statement written by 'partnerops run -output json': %v", name, err)
	}
	if st.Currency != string(cur) {
		return nil, fmt.Errorf("%s: the statement is in %s, the program pays in %s", name, st.Currency, cur)
	}
	out := map[string]decimal.Decimal{}
	for i, p := range st.Partners {
		if p.Partner == "" {
			return nil, fmt.Errorf("%s: partners[%d] has no partner id", name, i)
		}
		if _, dup := out[p.Partner]; dup {
			return nil, fmt.Errorf("%s: partner %s is listed twice", name, p.Partner)
		}
		d, err := parseAmount(p.CarriedOut.Amount, cur)
		if err != nil {
			return nil, fmt.Errorf("%s: partner %s: carried_out: %v", name, p.Partner, err)
		}
		if !d.IsZero() {
			out[p.Partner] = d
		}
	}
	return out, nil
}
