package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/partnerops/partnerops/incentive"
)

// resultsWriter writes each deal's result to the -results file as it
// comes, so the file costs no memory: CSV with one row per earning line
// (one row for a deal without lines), or JSON Lines with one object per
// deal.
type resultsWriter struct {
	f        *os.File
	bw       *bufio.Writer
	cw       *csv.Writer // nil for JSON Lines
	p        *incentive.Program
	rounding string
	explain  bool
	// splits: the program splits payouts, so CSV rows gain a shares column.
	splits bool
	// settles: the program has period settlements, so the file gains a
	// row per settled period (writeSettlements) and every row a kind:
	// "deal" or "settlement".
	settles bool
}

var resultsHeader = []string{"program", "version", "deal", "partner", "eligible", "failed", "line", "earning", "type", "group",
	"gross", "amount", "currency", "band", "cuts", "rounding", "deal_total", "claim_by", "expired"}

func newResultsWriter(name string, p *incentive.Program, explain bool) (*resultsWriter, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".csv" && ext != ".jsonl" {
		return nil, fmt.Errorf("-results %s: want a .csv or .jsonl file", name)
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("-results: %w", err)
	}
	mode := p.Rounding.Mode
	if mode == "" {
		mode = incentive.DefaultRoundingMode
	}
	w := &resultsWriter{f: f, bw: bufio.NewWriterSize(f, 256<<10), p: p, explain: explain,
		rounding: fmt.Sprintf("%s to %d places, per %s", mode, p.Rounding.Places(p.Currency), p.Rounding.StageOrDefault())}
	w.splits, w.settles = p.Split != nil, len(p.Settlements) > 0
	for i := range p.Earnings {
		w.splits = w.splits || p.Earnings[i].Split != nil
	}
	if ext == ".csv" {
		w.cw = csv.NewWriter(w.bw)
		head := resultsHeader
		if w.splits {
			head = append(append([]string(nil), head...), "shares")
		}
		if w.settles {
			head = append(append([]string(nil), head...), "kind")
		}
		if explain {
			head = append(append([]string(nil), head...), "explanation")
		}
		if err := w.cw.Write(head); err != nil {
			f.Close()
			return nil, err
		}
	}
	return w, nil
}

// resultJSON is one deal's line of a JSON Lines results file.
type resultJSON struct {
	// Kind is "deal" in a program with period settlements (whose file
	// also has "settlement" rows, settlementJSON); empty otherwise.
	Kind        string            `json:"kind,omitempty"`
	Program     string            `json:"program"`
	Version     int               `json:"version"`
	Deal        string            `json:"deal"`
	Partner     string            `json:"partner"`
	Eligible    bool              `json:"eligible"`
	Failed      string            `json:"failed,omitempty"`
	Total       incentive.Money   `json:"total"`
	Rounding    string            `json:"rounding"`
	ClaimBy     string            `json:"claim_by,omitempty"`
	Expired     bool              `json:"expired"`
	Lines       []lineJSON        `json:"lines"`
	Shares      []incentive.Share `json:"shares,omitempty"`
	Explanation string            `json:"explanation,omitempty"`
}

type lineJSON struct {
	Earning string          `json:"earning"`
	Type    string          `json:"type"`
	Group   string          `json:"group,omitempty"`
	Gross   incentive.Money `json:"gross"`
	Amount  incentive.Money `json:"amount"`
	Band    string          `json:"band,omitempty"`
	Cuts    []cutJSON       `json:"cuts,omitempty"`
}

type cutJSON struct {
	Scope string `json:"scope"`
	Limit string `json:"limit"`
	Cut   string `json:"cut"`
}

// bandText names the band a line was paid in: its label, or "2 of 3".
func bandText(b *incentive.BandHit) string {
	if b == nil {
		return ""
	}
	s := fmt.Sprintf("%d of %d", b.Index+1, b.Of)
	if b.Label != "" {
		s = b.Label + " (" + s + ")"
	}
	return s
}

func cutsText(cuts []incentive.CapCut) string {
	parts := make([]string, len(cuts))
	for i, c := range cuts {
		parts[i] = fmt.Sprintf("%s cap %s cut %s", c.Scope, c.Limit.String(), c.Cut.String())
	}
	return strings.Join(parts, "; ")
}

func (w *resultsWriter) write(r *incentive.Result) error {
	claimBy := ""
	if !r.ClaimBy.IsZero() {
		claimBy = r.ClaimBy.String()
	}
	explanation := ""
	if w.explain {
		explanation = r.Explain()
	}
	cur := w.p.Currency
	if w.cw == nil {
		j := resultJSON{Program: r.Program.ID, Version: r.Program.Version, Deal: r.DealID, Partner: r.PartnerID,
			Eligible: r.Eligible, Failed: r.Failed, Total: r.Total, Rounding: w.rounding, ClaimBy: claimBy,
			Expired: r.Expired, Lines: []lineJSON{}, Shares: r.Shares, Explanation: explanation}
		if w.settles {
			j.Kind = "deal"
		}
		if j.Total.Currency() == "" {
			j.Total = incentive.Zero(cur)
		}
		for _, l := range r.Lines {
			lj := lineJSON{Earning: l.Earning, Type: string(l.Type), Group: l.Group, Gross: l.Gross, Amount: l.Amount, Band: bandText(l.Band)}
			for _, c := range l.Cuts {
				lj.Cuts = append(lj.Cuts, cutJSON{Scope: string(c.Scope), Limit: c.Limit.String(), Cut: c.Cut.String()})
			}
			j.Lines = append(j.Lines, lj)
		}
		b, err := json.Marshal(j)
		if err != nil {
			return err
		}
		b = append(b, '\n')
		_, err = w.bw.Write(b)
		return err
	}
	amt := func(m incentive.Money) string { return incentive.FormatAmount(m.Amount(), cur) }
	base := []string{r.Program.ID, strconv.Itoa(r.Program.Version), r.DealID, r.PartnerID, strconv.FormatBool(r.Eligible), r.Failed}
	tail := []string{w.rounding, amt(r.Total), claimBy, strconv.FormatBool(r.Expired)}
	if len(r.Lines) == 0 {
		rec := append(append(append([]string(nil), base...), "", "", "", "", "", "", string(cur), "", ""), tail...)
		if w.splits {
			rec = append(rec, "")
		}
		return w.cw.Write(w.end(rec, "deal", explanation))
	}
	for i, l := range r.Lines {
		rec := append(append([]string(nil), base...), strconv.Itoa(i+1), l.Earning, string(l.Type), l.Group,
			amt(l.Gross), amt(l.Amount), string(cur), bandText(l.Band), cutsText(l.Cuts))
		rec = append(rec, tail...)
		if w.splits {
			rec = append(rec, lineShares(r, l.Earning, amt))
		}
		if err := w.cw.Write(w.end(rec, "deal", explanation)); err != nil {
			return err
		}
	}
	return nil
}

// end appends the kind column (programs with settlements) and the
// explanation column (-results-explain) to a CSV record.
func (w *resultsWriter) end(rec []string, kind, explanation string) []string {
	if w.settles {
		rec = append(rec, kind)
	}
	if w.explain {
		rec = append(rec, explanation)
	}
	return rec
}

// settlementJSON is one settled period's line of a JSON Lines results
// file (kind "settlement").
type settlementJSON struct {
	Kind        string          `json:"kind"`
	Program     string          `json:"program"`
	Version     int             `json:"version"`
	Partner     string          `json:"partner"`
	Settlement  string          `json:"settlement"`
	Type        string          `json:"type"`
	From        string          `json:"from"`
	To          string          `json:"to"`
	Basis       incentive.Money `json:"basis"`
	Band        string          `json:"band,omitempty"`
	Entitlement incentive.Money `json:"entitlement"`
	Advances    incentive.Money `json:"advances"`
	TrueUp      incentive.Money `json:"true_up"`
	Payable     incentive.Money `json:"payable"`
	Capped      incentive.Money `json:"capped"`
	Cuts        []cutJSON       `json:"cuts,omitempty"`
	CarriedOut  incentive.Money `json:"carried_out"`
}

// writeSettlements writes a row per settled period after the deals' rows,
// so the file reconciles with the statement: the amount column of every
// row (deal lines and settlements) adds up to the statement's earned
// total. A settlement row has no deal; its line column is the period
// (FROM..TO), gross the true-up, amount the payable true-up and cuts what
// the per_partner caps and the budget cut from it. A period not settled
// yet (it had not ended) has no row: it pays nothing.
func (w *resultsWriter) writeSettlements(lines []incentive.SettlementLine) error {
	cur := w.p.Currency
	amt := func(m incentive.Money) string { return incentive.FormatAmount(m.Amount(), cur) }
	for _, l := range lines {
		if !l.Settled {
			continue
		}
		if w.cw == nil {
			j := settlementJSON{Kind: "settlement", Program: w.p.ID, Version: w.p.Version, Partner: l.PartnerID, Settlement: l.Settlement, Type: string(l.Type),
				From: l.From.String(), To: l.To.String(), Basis: l.Basis, Band: bandText(l.Band), Entitlement: l.Entitlement, Advances: l.Advances,
				TrueUp: l.TrueUp, Payable: l.Payable, Capped: l.Capped, CarriedOut: l.CarriedOut}
			for _, c := range l.Cuts {
				j.Cuts = append(j.Cuts, cutJSON{Scope: string(c.Scope), Limit: c.Limit.String(), Cut: c.Cut.String()})
			}
			b, err := json.Marshal(j)
			if err != nil {
				return err
			}
			if _, err := w.bw.Write(append(b, '\n')); err != nil {
				return err
			}
			continue
		}
		rec := []string{w.p.ID, strconv.Itoa(w.p.Version), "", l.PartnerID, "", "", l.From.String() + ".." + l.To.String(), l.Settlement, string(l.Type), "",
			amt(l.TrueUp), amt(l.Payable), string(cur), bandText(l.Band), cutsText(l.Cuts), "", "", "", ""}
		if w.splits {
			rec = append(rec, "")
		}
		if err := w.cw.Write(w.end(rec, "settlement", "")); err != nil {
			return err
		}
	}
	return nil
}

// lineShares renders each payee's part of one line of a split deal:
// "P-1 197.53; R-9 49.38".
func lineShares(r *incentive.Result, earning string, amt func(incentive.Money) string) string {
	var parts []string
	for _, s := range r.Shares {
		for _, l := range s.Lines {
			if l.Earning == earning {
				parts = append(parts, s.PartnerID+" "+amt(l.Amount))
			}
		}
	}
	return strings.Join(parts, "; ")
}

func (w *resultsWriter) close() error {
	if w.cw != nil {
		w.cw.Flush()
		if err := w.cw.Error(); err != nil {
			w.f.Close()
			return err
		}
	}
	if err := w.bw.Flush(); err != nil {
		w.f.Close()
		return err
	}
	return w.f.Close()
}
