package ledger

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/partnerops/partnerops/incentive"
)

// ExportParams selects what an audit export lists.
type ExportParams struct {
	// Partner and Program limit the export; empty: everything.
	Partner string
	Program string
}

// AuditEntry is one entry with the events of what it moved (its claim,
// fund request, fund or batch), as exported.
type AuditEntry struct {
	Entry
	Events []Event `json:"events"`
}

// events returns the events of an entry's subjects, cached per subject.
func (l *Ledger) entryEvents(ctx context.Context, e *Entry, cache map[string][]Event) ([]Event, error) {
	out := []Event{}
	for _, s := range []string{e.Claim, e.Request, e.Batch, e.Fund} {
		if s == "" {
			continue
		}
		evs, ok := cache[s]
		if !ok {
			var err error
			if evs, err = l.cfg.Store.Events(ctx, EventsParams{Subject: s}); err != nil {
				return nil, err
			}
			cache[s] = evs
		}
		out = append(out, evs...)
		break // the most specific subject's chain
	}
	return out, nil
}

// ExportJSON writes every entry (with its hash chain fields) and the chain
// of events of what it moved, as one JSON document:
// {"head": {...}, "entries": [...]}.
func (l *Ledger) ExportJSON(ctx context.Context, w io.Writer, p ExportParams) error {
	head, err := l.cfg.Store.Head(ctx, HeadParams{})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, `{"head":{"seq":`+strconv.FormatInt(head.Seq, 10)+`,"hash":"`+head.Hash+`"},"entries":[`); err != nil {
		return err
	}
	cache := map[string][]Event{}
	first := true
	err = l.eachEntry(ctx, EntriesParams{Partner: p.Partner, Program: p.Program}, func(e *Entry) error {
		evs, err := l.entryEvents(ctx, e, cache)
		if err != nil {
			return err
		}
		b, err := json.Marshal(AuditEntry{Entry: *e, Events: evs})
		if err != nil {
			return err
		}
		if !first {
			if _, err := io.WriteString(w, ","); err != nil {
				return err
			}
		}
		first = false
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "]}\n")
	return err
}

// CSVHeader is the header row of ExportCSV.
var CSVHeader = []string{"seq", "entry", "kind", "time", "effective", "program", "version", "program_hash", "partner", "payee",
	"claim", "fund", "request", "batch", "reverses", "actor", "reason", "account", "type", "amount", "currency",
	"pay_amount", "pay_currency", "rate", "rate_source", "prev_hash", "hash", "events"}

// ExportCSV writes one row per posting with its entry's fields, hash chain
// and the chain of events of what it moved (one "time actor from->to:
// reason" item per event, separated by " | ").
func (l *Ledger) ExportCSV(ctx context.Context, w io.Writer, p ExportParams) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	cache := map[string][]Event{}
	err := l.eachEntry(ctx, EntriesParams{Partner: p.Partner, Program: p.Program}, func(e *Entry) error {
		evs, err := l.entryEvents(ctx, e, cache)
		if err != nil {
			return err
		}
		var sb strings.Builder
		for i, ev := range evs {
			if i > 0 {
				sb.WriteString(" | ")
			}
			sb.WriteString(ev.Time.UTC().Format(time.RFC3339) + " " + ev.Actor + " " + ev.From + "->" + ev.To)
			if ev.Reason != "" {
				sb.WriteString(": " + ev.Reason)
			}
		}
		var payAmt, payCur, rate, src string
		if e.Pay != nil {
			payAmt, payCur = incentive.FormatAmount(e.Pay.To.Amount(), e.Pay.To.Currency()), string(e.Pay.To.Currency())
			rate, src = e.Pay.Rate.Rate.String(), e.Pay.Rate.Source
		}
		for _, ps := range e.Postings {
			row := []string{strconv.FormatInt(e.Seq, 10), e.ID, string(e.Kind), e.Time.UTC().Format(time.RFC3339Nano), e.Effective.String(),
				e.Program.ID, strconv.Itoa(e.Program.Version), e.Program.Hash, e.Partner, e.Payee, e.Claim, e.Fund, e.Request, e.Batch,
				e.Reverses, e.Actor, e.Reason, string(ps.Account), string(ps.Type),
				incentive.FormatAmount(ps.Amount.Amount(), ps.Amount.Currency()), string(ps.Amount.Currency()),
				payAmt, payCur, rate, src, e.PrevHash, e.Hash, sb.String()}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
