package rules

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"gopkg.in/yaml.v3"
)

// MaxRatesFileSize is the largest rates file DecodeRates reads.
const MaxRatesFileSize = 8 << 20

// rateKeys are the keys of one rate, in YAML and as CSV columns.
var rateKeys = []string{"from", "to", "rate", "as_of", "valid_from", "valid_to", "source"}

// DecodeRates reads currency conversion rates, for `partnerops run -rates`
// and for Go callers, and checks them as incentive.NewRateTable does. A
// name ending in ".csv" is read as CSV with a header row naming the
// columns (in any order): from, to, rate, as_of, and optionally
// valid_from, valid_to and source. Anything else is YAML: a mapping with a
// `rates:` list of mappings with the same keys:
//
//	rates:
//	  - {from: EUR, to: USD, rate: 1.0832, as_of: 2026-03-31, source: ECB}
//	  - {from: EUR, to: USD, rate: 1.0790, as_of: 2026-04-30,
//	     valid_from: 2026-04-01, valid_to: 2026-04-30, source: ECB month end}
//
// A rate is exact, read from its text (never through a float). Errors are
// an ErrorList positioned in the named file: in YAML at the value, in CSV
// at the row and column.
func DecodeRates(name string, src []byte) (*incentive.RateTable, []incentive.Rate, error) {
	d := &diag{src: newSource(name, src)}
	if len(src) > MaxRatesFileSize {
		d.add(SeverityError, 0, 0, "", fmt.Sprintf("file is %d bytes; a rates file may be at most %d bytes", len(src), MaxRatesFileSize))
		return nil, nil, d.errs.Err()
	}
	var rates []incentive.Rate
	var where []func(err error)
	if strings.HasSuffix(strings.ToLower(name), ".csv") {
		rates, where = decodeRatesCSV(d, src)
	} else {
		docs := parseDocuments(src, d, 1, MaxRatesFileSize/4)
		if len(d.errs) == 0 && len(docs) != 1 {
			d.add(SeverityError, 1, 1, "", "want a mapping with a `rates:` list")
		}
		if len(d.errs) == 0 {
			if f, ok := d.mapping(docs[0].root, "", "rates"); ok && d.require(f, "rates") {
				rates, where = decodeRateList(d, f.get("rates"), "rates")
			}
		}
	}
	if err := d.errs.Err(); err != nil {
		return nil, nil, err
	}
	t, err := incentive.NewRateTable(rates...)
	if err != nil {
		var re *incentive.RateError
		if errors.As(err, &re) && re.Index < len(where) {
			where[re.Index](re.Err)
		} else {
			d.add(SeverityError, 0, 0, "", err.Error())
		}
		return nil, nil, d.errs.Err()
	}
	return t, rates, nil
}

// decodeRateList decodes a YAML list of rates (a rates file's `rates:`, a
// test's `rates:`). It returns the rates and, for each, a function that
// reports an error at it.
func decodeRateList(d *diag, n *yaml.Node, path string) ([]incentive.Rate, []func(error)) {
	items, ok := d.list(n, path)
	if !ok {
		return nil, nil
	}
	var out []incentive.Rate
	var where []func(error)
	for i, item := range items {
		if r, at, ok := decodeRate(d, item, index(path, i)); ok {
			out = append(out, r)
			where = append(where, at)
		}
	}
	return out, where
}

// decodeRate decodes one rate; at reports an error at it.
func decodeRate(d *diag, item *yaml.Node, ip string) (r incentive.Rate, at func(error), good bool) {
	f, ok := d.mapping(item, ip, rateKeys...)
	if !ok || !d.require(f, "from", "to", "rate", "as_of") {
		return r, nil, false
	}
	good = true
	cur := func(key string) incentive.Currency {
		v := f.get(key)
		s, ok := d.scalar(v, f.at(key), "an ISO 4217 currency code")
		if !ok {
			good = false
			return ""
		}
		c, err := incentive.ParseCurrency(s)
		if err != nil || s != strings.ToUpper(s) {
			d.errorf(v, f.at(key), "unknown currency %q; want an ISO 4217 code in capitals such as USD or EUR%s", clip(s), suggest(strings.ToUpper(s), currencyCodes(), false))
			good = false
		}
		return c
	}
	r.From, r.To = cur("from"), cur("to")
	if v, ok := d.number(f.get("rate"), f.at("rate")); ok {
		r.Rate = v
	} else {
		good = false
	}
	dates := []struct {
		key string
		to  *incentive.Date
	}{{"as_of", &r.AsOf}, {"valid_from", &r.ValidFrom}, {"valid_to", &r.ValidTo}}
	for _, k := range dates {
		if v := f.get(k.key); v != nil {
			dt, ok := d.date(v, f.at(k.key))
			good = good && ok
			*k.to = dt
		}
	}
	if v := f.get("source"); v != nil {
		r.Source, _ = d.text(v, f.at("source"))
	}
	node, path := f.get("rate"), f.at("rate")
	return r, func(err error) { d.errorf(node, path, "%v", err) }, good
}

// decodeRatesCSV decodes a CSV rates file.
func decodeRatesCSV(d *diag, src []byte) ([]incentive.Rate, []func(error)) {
	// A byte order mark ("CSV UTF-8") goes before the CSV reader sees the
	// header: before a quoted first cell it would be a bare quote.
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(src, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		if err == io.EOF {
			d.add(SeverityError, 1, 1, "", "empty rates file: want a header row such as from,to,rate,as_of,source")
		} else {
			csvError(d, err)
		}
		return nil, nil
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		line, c := r.FieldPos(i)
		switch {
		case !contains(rateKeys, h):
			d.add(SeverityError, line, c, "", fmt.Sprintf("unknown column %q%s", clip(h), suggest(h, rateKeys, true)))
		case col[h] > 0:
			d.add(SeverityError, line, c, "", fmt.Sprintf("column %q appears twice", h))
		default:
			col[h] = i + 1
		}
	}
	for _, k := range []string{"from", "to", "rate", "as_of"} {
		if col[k] == 0 && len(d.errs) == 0 {
			d.add(SeverityError, 1, 1, "", fmt.Sprintf("missing column %q (want from, to, rate, as_of and optionally valid_from, valid_to, source)", k))
		}
	}
	if len(d.errs) > 0 {
		return nil, nil
	}
	var out []incentive.Rate
	var where []func(error)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			csvError(d, err)
			return nil, nil
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			d.add(SeverityError, line, 1, "", fmt.Sprintf("row has %d fields, the header %d", len(rec), len(header)))
			continue
		}
		// each row is decoded as a YAML mapping of its cells, so the
		// checks and messages are those of a YAML rates file
		m := &yaml.Node{Kind: yaml.MappingNode, Line: line, Column: 1}
		for _, k := range rateKeys {
			c := col[k]
			if c == 0 || strings.TrimSpace(rec[c-1]) == "" {
				continue
			}
			l, cc := r.FieldPos(c - 1)
			m.Content = append(m.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: l, Column: cc},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strings.TrimSpace(rec[c-1]), Line: l, Column: cc})
		}
		if rt, at, ok := decodeRate(d, m, ""); ok {
			out = append(out, rt)
			where = append(where, at)
		}
	}
	return out, where
}

func csvError(d *diag, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		d.add(SeverityError, pe.Line, pe.Column, "", pe.Err.Error())
		return
	}
	d.add(SeverityError, 0, 0, "", err.Error())
}
