package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
)

// recordsHelp documents `ledger pay -records`.
const recordsHelp = `-records FILE gives the partners' full records as the partner package
writes them (partner.Partner as JSON: status, payment details, documents,
contacts), one JSON object per line (JSON Lines) or a JSON array, as a
partner system exports them. A payment run then pays only partners who can
be paid on its date (partner.Partner.CanBePaidOn): not suspended, offboarded
or rejected, with complete payment details (method, account holder, account
reference) and an approved tax form valid that day. Every other partner's
payable claims stay payable, listed as "not paid" with every reason, and are
paid by a later batch once the record is put right; a partner the file does
not list is not paid either. Each partner is paid by its record's payment
method, as with -partners (give one of the two). A batch run with -open is
marked paid by running it again: with -records, only if the records given
then still let every partner of its lines be paid.`

// recordBook is the partner records of a -records file, by id.
type recordBook struct {
	name string
	byID map[string]*partner.Partner
}

// gate is the ledger's payee gate (ledger.Config.PayeeGate) over the
// records: a partner the file lacks cannot be paid.
func (b *recordBook) gate(id string, on incentive.Date) error {
	p, ok := b.byID[id]
	if !ok {
		return fmt.Errorf("partner %s has no record in %s", id, b.name)
	}
	return p.CanBePaidOn(partner.Date(on))
}

// method is the payment method of a partner's record ("" without one).
func (b *recordBook) method(id string) partner.PaymentMethod {
	if p, ok := b.byID[id]; ok && p.Payment != nil {
		return p.Payment.Method
	}
	return ""
}

// loadRecords reads a -records file: JSON Lines or a JSON array of
// partner records, every key known, every record valid
// (partner.Partner.Validate) and listed once. It reports every problem,
// each at its line (JSON Lines) or record number (an array).
func loadRecords(name string) (*recordBook, error) {
	src, err := readArg(name, maxPartnersFileSize)
	if err != nil {
		var tl *tooLargeError
		if errors.As(err, &tl) {
			return nil, err
		}
		return nil, &usageErr{fmt.Errorf("-records: %w", err)}
	}
	return parseRecords(name, src)
}

// parseRecords reads the records of a -records file named name.
func parseRecords(name string, src []byte) (*recordBook, error) {
	type raw struct {
		at  string // "FILE:LINE" or "FILE: record N"
		src []byte
	}
	var items []raw
	var errs []string
	if t := bytes.TrimSpace(src); len(t) > 0 && t[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(t, &list); err != nil {
			return nil, &partnersFileErr{name, fmt.Errorf("%s: not a JSON array of partner records: %v", name, err)}
		}
		for i, r := range list {
			items = append(items, raw{fmt.Sprintf("%s: record %d", name, i+1), r})
		}
	} else {
		for i, line := range bytes.Split(src, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			items = append(items, raw{fmt.Sprintf("%s:%d", name, i+1), line})
		}
	}
	b := &recordBook{name: name, byID: make(map[string]*partner.Partner, len(items))}
	first := map[string]string{}
	for _, it := range items {
		p := new(partner.Partner)
		dec := json.NewDecoder(bytes.NewReader(it.src))
		dec.DisallowUnknownFields()
		if err := dec.Decode(p); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %s", it.at, jsonProblem(err)))
			continue
		}
		if dec.More() {
			errs = append(errs, fmt.Sprintf("%s: more than one JSON value (one partner record a line)", it.at))
			continue
		}
		if err := p.Validate(); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %s", it.at, oneLine(err.Error())))
			continue
		}
		if at, dup := first[p.ID]; dup {
			errs = append(errs, fmt.Sprintf("%s: partner %s is listed twice (first at %s)", it.at, p.ID, at))
			continue
		}
		first[p.ID] = it.at
		b.byID[p.ID] = p
	}
	if len(errs) > 0 {
		return nil, &partnersFileErr{name, errors.New(strings.Join(errs, "\n"))}
	}
	return b, nil
}

// jsonProblem words a JSON decoding error for a partner record.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("%s: want %s, got a JSON %s", te.Field, te.Type, te.Value)
	}
	if s, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "unknown key " + s + " (a record has the keys of partner.Partner's JSON)"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
