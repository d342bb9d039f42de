package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/shopspring/decimal"
)

// amountRE is the amount syntax of deals files, which carried-in files
// share: an optional minus, digits and an optional fraction. No exponent,
// no leading "+" or ".", no thousands separators.
var amountRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// maxAmountLen bounds an amount's text, as in deals files.
const maxAmountLen = 40

// parseAmount reads an amount in currency cur written as in deals files,
// with no more decimal places than the currency's minor unit, or than
// places when the program rounds to more (rounding: {scale: 4}, whose
// statements carry amounts such as 1.2300): a carried amount was paid, or
// owed, in whole units of the program's rounding.
func parseAmount(text string, cur incentive.Currency, places int32) (decimal.Decimal, error) {
	if len(text) > maxAmountLen || !amountRE.MatchString(text) {
		return decimal.Decimal{}, fmt.Errorf("want a decimal amount such as 40.00 or -12.5 (no exponent, sign \"+\" or leading \".\"), got %q", clipText(text))
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q: %w", clipText(text), err)
	}
	if cur != "" && -d.Exponent() > max(cur.MinorUnits(), places) {
		if places > cur.MinorUnits() {
			return decimal.Decimal{}, fmt.Errorf("%s has more decimal places than the program rounds %s to (%d)", text, cur, places)
		}
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

// carriedIn is what each partner brings in, per payout bucket
// (incentive.DefaultBucket, "", for a program without payouts: buckets).
type carriedIn map[string]map[string]decimal.Decimal

// parseCarried reads a carried-in file: a JSON object of partner id to an
// amount in the program currency, written as a string ("40.00") or a
// number (40), or to an object of payout bucket to amount ({"rebates":
// "-30.00"}, where "default" names the default bucket); or a previous
// run's JSON statement. A partner or bucket
// listed twice, an amount in another syntax than deals files use or with
// more places than the currency has is an error naming the line.
func parseCarried(name string, src []byte, cur incentive.Currency, places int32) (carriedIn, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) == nil && top["partners"] != nil && top["program"] != nil {
		return carriedFromStatement(name, src, cur, places)
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
	out := carriedIn{}
	// amount reads an amount token (tok already read).
	amount := func(what string, tok json.Token) (decimal.Decimal, error) {
		var text string
		switch v := tok.(type) {
		case string:
			text = v
		case json.Number:
			text = v.String()
		default:
			if d, ok := tok.(json.Delim); ok {
				return decimal.Decimal{}, bad("%s: want an amount, got a JSON %s", what, delimName(d))
			}
			return decimal.Decimal{}, bad("%s: want an amount, got %v", what, tok)
		}
		d, err := parseAmount(text, cur, places)
		if err != nil {
			return decimal.Decimal{}, bad("%s: %v", what, err)
		}
		return d, nil
	}
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
		out[id] = map[string]decimal.Decimal{}
		if tok != json.Delim('{') {
			d, err := amount("partner "+id, tok)
			if err != nil {
				return nil, err
			}
			out[id][incentive.DefaultBucket] = d
			continue
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, bad("partner %s: %v", id, err)
			}
			bucket, _ := tok.(string)
			if bucket == "" {
				return nil, bad("partner %s: a bucket name must not be empty", id)
			}
			if bucket == "default" {
				// The statement's and the YAML tests' name for the
				// bucket of the earning types no bucket lists (a
				// program's bucket cannot be named default).
				bucket = incentive.DefaultBucket
			}
			if _, dup := out[id][bucket]; dup {
				return nil, bad("partner %s: bucket %s is listed twice", id, bucketLabel(bucket))
			}
			if tok, err = dec.Token(); err != nil {
				return nil, bad("partner %s: %v", id, err)
			}
			d, err := amount("partner "+id+", bucket "+bucket, tok)
			if err != nil {
				return nil, err
			}
			out[id][bucket] = d
		}
		if _, err := dec.Token(); err != nil {
			return nil, bad("partner %s: %v", id, err)
		}
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
// run's JSON statement (-output json): it is carried into this one, bucket
// by bucket when the statement has payout buckets.
func carriedFromStatement(name string, src []byte, cur incentive.Currency, places int32) (carriedIn, error) {
	type amount struct {
		Amount   string `json:"amount"`
		Currency string `json:"currency"`
	}
	var st struct {
		Currency string `json:"currency"`
		Partners []struct {
			Partner    string `json:"partner"`
			CarriedOut amount `json:"carried_out"`
			Buckets    []struct {
				Bucket     *string `json:"bucket"`
				CarriedOut amount  `json:"carried_out"`
			} `json:"buckets"`
		} `json:"partners"`
	}
	if err := json.Unmarshal(src, &st); err != nil {
		return nil, fmt.Errorf("%s: not a statement written by 'partnerops run -output json': %v", name, err)
	}
	if st.Currency != string(cur) {
		return nil, fmt.Errorf("%s: the statement is in %s, the program pays in %s", name, st.Currency, cur)
	}
	out := carriedIn{}
	for i, p := range st.Partners {
		if p.Partner == "" {
			return nil, fmt.Errorf("%s: partners[%d] has no partner id", name, i)
		}
		if _, dup := out[p.Partner]; dup {
			return nil, fmt.Errorf("%s: partner %s is listed twice", name, p.Partner)
		}
		m := map[string]decimal.Decimal{}
		if len(p.Buckets) == 0 {
			d, err := parseAmount(p.CarriedOut.Amount, cur, places)
			if err != nil {
				return nil, fmt.Errorf("%s: partner %s: carried_out: %v", name, p.Partner, err)
			}
			if !d.IsZero() {
				m[incentive.DefaultBucket] = d
			}
		}
		for k, b := range p.Buckets {
			if b.Bucket == nil {
				return nil, fmt.Errorf("%s: partner %s: buckets[%d] has no bucket name", name, p.Partner, k)
			}
			if _, dup := m[*b.Bucket]; dup {
				return nil, fmt.Errorf("%s: partner %s: bucket %s is listed twice", name, p.Partner, bucketLabel(*b.Bucket))
			}
			d, err := parseAmount(b.CarriedOut.Amount, cur, places)
			if err != nil {
				return nil, fmt.Errorf("%s: partner %s: bucket %s: carried_out: %v", name, p.Partner, bucketLabel(*b.Bucket), err)
			}
			if !d.IsZero() {
				m[*b.Bucket] = d
			}
		}
		if len(m) > 0 {
			out[p.Partner] = m
		}
	}
	return out, nil
}

// check makes sure every bucket the carried amounts name is one the
// program pays from, so no balance is silently dropped.
func (c carriedIn) check(name string, p *incentive.Program) error {
	buckets := p.PayoutBuckets()
	for _, id := range sortedKeys(c) {
		for b := range c[id] {
			if slices.Contains(buckets, b) {
				continue
			}
			var names []string
			for _, x := range buckets {
				names = append(names, bucketLabel(x))
			}
			if b == incentive.DefaultBucket {
				return fmt.Errorf("%s: partner %s carries an amount without a bucket, but program %s pays every earning type from a named bucket (%s): give the amount per bucket, such as {\"%s\": {\"%s\": \"40.00\"}}",
					name, id, p.ID, strings.Join(names, ", "), id, buckets[0])
			}
			return fmt.Errorf("%s: partner %s: program %s has no payout bucket %q (it pays from %s)", name, id, p.ID, b, strings.Join(names, ", "))
		}
	}
	return nil
}

// heldFromStatement reads what a previous run's JSON statement held (each
// partner's holds): this run carries it in, and pays what has matured as
// of its -as-of date. A file that is not a statement holds nothing.
func heldFromStatement(name string, src []byte, cur incentive.Currency, places int32) (map[string][]incentive.HeldAmount, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) != nil || top["partners"] == nil || top["program"] == nil {
		return nil, nil
	}
	var st struct {
		Partners []struct {
			Partner string `json:"partner"`
			Holds   []struct {
				Bucket    string         `json:"bucket"`
				MaturesOn incentive.Date `json:"matures_on"`
				Amount    struct {
					Amount string `json:"amount"`
				} `json:"amount"`
			} `json:"holds"`
		} `json:"partners"`
	}
	if err := json.Unmarshal(src, &st); err != nil {
		return nil, fmt.Errorf("%s: not a statement written by 'partnerops run -output json': %v", name, err)
	}
	out := map[string][]incentive.HeldAmount{}
	for _, p := range st.Partners {
		for k, h := range p.Holds {
			d, err := parseAmount(h.Amount.Amount, cur, places)
			if err != nil {
				return nil, fmt.Errorf("%s: partner %s: holds[%d]: %v", name, p.Partner, k, err)
			}
			out[p.Partner] = append(out[p.Partner], incentive.HeldAmount{Bucket: h.Bucket, MaturesOn: h.MaturesOn, Amount: incentive.NewMoney(d, cur)})
		}
	}
	return out, nil
}

// statementProgram is the program a JSON statement was written for.
type statementProgram struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// settlementFromStatement reads what a previous run's JSON statement
// carries of the program's period settlements (each partner's
// settlement_carry), after checking that the statement is of the same
// program: another program id is an error, another version or hash a
// warning (returned in warn), as the terms may change from one quarter to
// the next while the balances carry on. A file that is not a statement
// carries no settlement.
func settlementFromStatement(name string, src []byte, p *incentive.Program) (carries []incentive.SettlementCarry, warn string, err error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) != nil || top["partners"] == nil || top["program"] == nil {
		return nil, "", nil
	}
	var st struct {
		Program  statementProgram `json:"program"`
		Partners []struct {
			Partner         string                      `json:"partner"`
			SettlementCarry []incentive.SettlementCarry `json:"settlement_carry"`
		} `json:"partners"`
	}
	if err := json.Unmarshal(src, &st); err != nil {
		return nil, "", fmt.Errorf("%s: not a statement written by 'partnerops run -output json': %v", name, err)
	}
	if st.Program.ID != p.ID {
		return nil, "", fmt.Errorf("%s is a statement of program %q, not of %q: its balances and settlements carry into the same program only", name, st.Program.ID, p.ID)
	}
	if hash := p.Hash; st.Program.Version != p.Version || st.Program.Hash != hash {
		warn = fmt.Sprintf("%s is a statement of %s v%d (hash %s); this run is v%d (hash %s): its balances and settlements are carried into the new terms as they are",
			name, st.Program.ID, st.Program.Version, st.Program.Hash, p.Version, hash)
	}
	for _, ps := range st.Partners {
		for k, c := range ps.SettlementCarry {
			if c.PartnerID != ps.Partner {
				return nil, "", fmt.Errorf("%s: partner %s: settlement_carry[%d] is partner %q's", name, ps.Partner, k, c.PartnerID)
			}
			carries = append(carries, c)
		}
	}
	return carries, warn, nil
}

// methodsFromStatement reads each partner's payment method from a previous
// run's JSON statement, for a partner who only carries a balance into this
// run and has no -partners record to name it. A file that is not a
// statement names none; a method partnerops does not know is an error.
func methodsFromStatement(name string, src []byte) (map[string]partner.PaymentMethod, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(src, &top) != nil || top["partners"] == nil || top["program"] == nil {
		return nil, nil
	}
	var st struct {
		Partners []struct {
			Partner string `json:"partner"`
			Method  string `json:"payment_method"`
		} `json:"partners"`
	}
	if err := json.Unmarshal(src, &st); err != nil {
		return nil, fmt.Errorf("%s: not a statement written by 'partnerops run -output json': %v", name, err)
	}
	out := map[string]partner.PaymentMethod{}
	for _, p := range st.Partners {
		if p.Method == "" {
			continue
		}
		m := partner.PaymentMethod(p.Method)
		if !slices.Contains(partner.PaymentMethods(), m) {
			return nil, fmt.Errorf("%s: partner %s: unknown payment_method %q", name, p.Partner, clipText(p.Method))
		}
		out[p.Partner] = m
	}
	return out, nil
}
