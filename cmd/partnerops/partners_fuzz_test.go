package main

import (
	"strings"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
)

// FuzzPartnersFile feeds arbitrary CSV and JSON Lines partners files to
// the decoders: they must never panic; a file they accept gives records
// that partner.Validate finds no fault with in their dated changes (time
// order, each change starting from the previous value, the current value
// the last), and a file they refuse names itself in every error line.
func FuzzPartnersFile(f *testing.F) {
	f.Add(true, "id,name,payment_method,tier_history,attribute_history\n"+
		"P-1,Acme,check,2026-01-01 gold,2025-01-01 type=referral region=emea country=DE; 2026-04-01 type=reseller; 2026-05-15 region=na\n")
	f.Add(true, "id,tier_history\nP-1,2026-02-01 gold; 2026-01-01 silver\nP-2,;;\n")
	f.Add(true, "id,attribute_history\nP-1,2026-01-01 region=emea region=na tier==x\n")
	f.Add(false, `{"id": "P-1", "payment_method": "check", "attribute_history": [{"from": "2026-01-01", "region": "emea"}, {"from": "2026-03-01T00:00:00+02:00", "country": "DE"}]}`+"\n")
	f.Add(false, `{"id": "P-1", "tier_history": [{"from": "2026-01-01"}, {"tier": "gold"}], "attribute_history": []}`+"\n")
	loc, _ := time.LoadLocation("America/New_York")
	f.Fuzz(func(t *testing.T, csvFile bool, src string) {
		var list []partner.Partner
		var err error
		if csvFile {
			list, err = partnersCSV("p.csv", []byte(src), loc)
		} else {
			list, err = partnersJSONL("p.jsonl", []byte(src), loc)
		}
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "p.csv") && !strings.HasPrefix(line, "p.jsonl") {
					t.Fatalf("error line without its file: %q", line)
				}
			}
			return
		}
		for _, p := range list {
			// Only the dated changes are under test: fill what Validate
			// requires of every record.
			p.Name, p.Contacts, p.Payment = "x", nil, nil
			if p.Type == "" {
				p.Type = "reseller"
			}
			if verr := p.Validate(); verr != nil && strings.Contains(verr.Error(), "history") {
				t.Fatalf("accepted %+v: %v", p, verr)
			}
		}
	})
}

// FuzzRecordsFile feeds arbitrary -records files (JSON Lines or a JSON
// array of partner records) to their reader: it must never panic; a file
// it refuses names itself in every error line, and a file it accepts gives
// records that are valid, each listed once, that the payee gate can judge
// on any day without panicking.
func FuzzRecordsFile(f *testing.F) {
	f.Add(`{"id": "P-1", "name": "One", "type": "reseller", "status": "active", "payment": {"method": "check", "account_holder": "One", "account_ref": "1"}, "documents": [{"id": "D", "kind": "tax_form", "status": "approved", "valid_until": "2026-06-30"}]}` + "\n")
	f.Add(`[{"id": "P-1", "name": "One", "type": "reseller"}, {"id": "P-1", "name": "Two", "type": "msp"}]`)
	f.Add(`{"id": "P-1", "name": "One", "type": "reseller", "documents": {}}` + "\n{\n")
	f.Fuzz(func(t *testing.T, src string) {
		b, err := parseRecords("r.jsonl", []byte(src))
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "r.jsonl") {
					t.Fatalf("error line without its file: %q", line)
				}
			}
			return
		}
		for id, p := range b.byID {
			if p.ID != id {
				t.Fatalf("record %q filed as %q", p.ID, id)
			}
			if err := p.Validate(); err != nil {
				t.Fatalf("accepted an invalid record: %v", err)
			}
			_ = b.gate(id, incentive.Date{Year: 2026, Month: time.December, Day: 31})
		}
	})
}
