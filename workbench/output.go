package workbench

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// table lays out rows of cells in columns: the first column left-aligned,
// the others right-aligned, two spaces apart.
type table struct {
	rows     [][]string
	left     int  // number of left-aligned columns at the start
	lastLeft bool // the last column is left-aligned too
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(b *strings.Builder, indent string) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range t.rows {
		var line strings.Builder
		line.WriteString(indent)
		for i, c := range r {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i < t.left || (t.lastLeft && i == len(widths)-1) {
				line.WriteString(c + pad)
			} else {
				line.WriteString(pad + c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
}

// reasonCounts renders "band 3, cap 1".
func reasonCounts(rc []ReasonCount) string {
	parts := make([]string, len(rc))
	for i, r := range rc {
		parts[i] = string(r.Kind) + " " + strconv.Itoa(r.Deals)
	}
	return strings.Join(parts, ", ")
}

// WriteText writes the diff as a plain-text report: the totals, why deals
// changed, then by earning type, earning, partner and deal, each sorted by
// impact.
func (d *Diff) WriteText(w io.Writer) error {
	var b strings.Builder
	cur := d.Currency
	fmt.Fprintf(&b, "Diff: %s v%d -> %s v%d over %d deals (%s)\n", d.Old.ID, d.Old.Version, d.New.ID, d.New.Version, d.Deals, cur)
	t := &table{left: 1}
	t.add("", "old", "new", "delta")
	t.add("earned", money(d.Earned.Old, cur), money(d.Earned.New, cur), signed(d.Earned.Delta, cur))
	t.add("eligible deals", strconv.Itoa(d.EligibleOld), strconv.Itoa(d.EligibleNew), signedInt(d.EligibleNew-d.EligibleOld))
	t.write(&b, "")
	fmt.Fprintf(&b, "%d of %d deals changed; %d partners earn more, %d earn less\n", d.Changed, d.Deals, d.Gainers, d.Losers)
	if len(d.Reasons) > 0 {
		b.WriteString("\nWhy deals changed (a deal may have several reasons):\n")
		t := &table{left: 1}
		for _, r := range d.Reasons {
			t.add(string(r.Kind), strconv.Itoa(r.Deals))
		}
		t.write(&b, "  ")
	}
	keyed := func(title, head string, l []KeyDiff) {
		if len(l) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		t := &table{left: 1}
		t.add(head, "old", "new", "delta")
		for _, k := range l {
			t.add(k.Key, money(k.Amounts.Old, cur), money(k.Amounts.New, cur), signed(k.Amounts.Delta, cur))
		}
		t.write(&b, "  ")
	}
	keyed("By earning type", "type", d.Types)
	keyed("By earning (line totals)", "earning", d.Earnings)
	if len(d.Partners) > 0 {
		b.WriteString("\nBy partner (largest change first):\n")
		t := &table{left: 1, lastLeft: true}
		t.add("partner", "old", "new", "delta", "deals", "why")
		for _, p := range d.Partners {
			t.add(p.Partner, money(p.Amounts.Old, cur), money(p.Amounts.New, cur), signed(p.Amounts.Delta, cur), strconv.Itoa(p.Deals), reasonCounts(p.Reasons))
		}
		t.write(&b, "  ")
	}
	if len(d.DealChanges) > 0 {
		title := "Deals (largest change first)"
		if len(d.DealChanges) < d.Changed {
			title = fmt.Sprintf("The %d deals with the largest change, of %d changed", len(d.DealChanges), d.Changed)
		}
		fmt.Fprintf(&b, "\n%s:\n", title)
		t := &table{left: 2}
		t.add("deal", "partner", "old", "new", "delta")
		for _, dd := range d.DealChanges {
			t.add(dd.Deal, dd.Partner, money(dd.Amounts.Old, cur), money(dd.Amounts.New, cur), signed(dd.Amounts.Delta, cur))
		}
		// Each deal's reasons go under its row.
		var rows strings.Builder
		t.write(&rows, "  ")
		lines := strings.SplitAfter(rows.String(), "\n")
		b.WriteString(lines[0])
		for i, dd := range d.DealChanges {
			b.WriteString(lines[i+1])
			for _, r := range dd.Reasons {
				b.WriteString("      " + r.String() + "\n")
			}
		}
	}
	if len(d.Errors) > 0 {
		b.WriteString("\nDeals that could not be evaluated (left out of that version's totals):\n")
		for _, e := range d.Errors {
			if e.Old != "" {
				fmt.Fprintf(&b, "  %s old: %s\n", e.Deal, e.Old)
			}
			if e.New != "" {
				fmt.Fprintf(&b, "  %s new: %s\n", e.Deal, e.New)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func signedInt(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// text makes a cell of free text (an id, a reason, an error) safe for a
// spreadsheet: one that starts with = + - @, a tab or a carriage return
// would be read as a formula (CSV injection), so it gets a leading
// apostrophe, which spreadsheets show as text. Amounts are not passed
// through text: a negative amount must stay a number.
func text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSVHeader is the header row of WriteCSV.
var CSVHeader = []string{"section", "key", "partner", "old", "new", "delta", "deals", "reasons"}

// WriteCSV writes the diff as one CSV table for a spreadsheet: a header
// row (CSVHeader), then rows by section: "earned" (the total), "type",
// "earning", "partner" and "deal", each section sorted by impact. Amounts
// are plain decimals with at least the currency's minor places; reasons
// are joined with "; ". Text cells that a spreadsheet would read as a
// formula (starting with = + - @) get a leading apostrophe.
func (d *Diff) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cur := d.Currency
	row := func(section, key, partner string, a Amounts, deals, reasons string) {
		cw.Write([]string{section, text(key), text(partner), plain(a.Old, cur), plain(a.New, cur), plain(a.Delta, cur), deals, text(reasons)})
	}
	cw.Write(CSVHeader)
	row("earned", d.New.ID, "", d.Earned, strconv.Itoa(d.Changed), reasonCounts(d.Reasons))
	for _, k := range d.Types {
		row("type", k.Key, "", k.Amounts, "", "")
	}
	for _, k := range d.Earnings {
		row("earning", k.Key, "", k.Amounts, "", "")
	}
	for _, p := range d.Partners {
		row("partner", p.Partner, p.Partner, p.Amounts, strconv.Itoa(p.Deals), reasonCounts(p.Reasons))
	}
	for _, dd := range d.DealChanges {
		rs := make([]string, len(dd.Reasons))
		for i, r := range dd.Reasons {
			rs[i] = r.String()
		}
		row("deal", dd.Deal, dd.Partner, dd.Amounts, "1", strings.Join(rs, "; "))
	}
	cw.Flush()
	return cw.Error()
}

// WriteText writes the sweep as a table: one row per value, with the
// earned total, its change from the program as written, eligible deals
// and partners paid and affected.
func (s *Sweep) WriteText(w io.Writer) error {
	var b strings.Builder
	cur := s.Currency
	fmt.Fprintf(&b, "Sweep of %s (%s) in %s v%d over %d deals (%s)\n", s.Path, s.At, s.Program.ID, s.Program.Version, s.Deals, cur)
	if len(s.Linked) > 0 {
		fmt.Fprintf(&b, "moving with it: %s\n", strings.Join(s.Linked, ", "))
	}
	fmt.Fprintf(&b, "as written: %s, earned %s\n\n", s.Value, money(s.Earned, cur))
	t := &table{lastLeft: true}
	t.add("value", "earned", "delta", "eligible", "paid", "affected", "more", "less", "")
	for _, p := range s.Points {
		mark := ""
		if p.Value.Equal(s.Value) {
			mark = "<- as written"
		}
		if p.Err != "" {
			t.add(p.Value.String(), "-", "-", "-", "-", "-", "-", "-", p.Err)
			continue
		}
		t.add(p.Value.String(), money(p.Earned, cur), signed(p.Delta, cur), strconv.Itoa(p.Eligible),
			strconv.Itoa(p.Paid), strconv.Itoa(p.Affected), strconv.Itoa(p.Gainers), strconv.Itoa(p.Losers), mark)
	}
	t.write(&b, "")
	b.WriteString("\npaid: partners earning more than zero; affected: partners whose total differs from the program as written\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// SweepCSVHeader is the header row of Sweep.WriteCSV.
var SweepCSVHeader = []string{"value", "earned", "delta", "eligible", "partners_paid", "partners_affected", "gainers", "losers", "error"}

// WriteCSV writes the sweep as CSV, one row per value (SweepCSVHeader).
func (s *Sweep) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(SweepCSVHeader)
	for _, p := range s.Points {
		if p.Err != "" {
			cw.Write([]string{p.Value.String(), "", "", "", "", "", "", "", text(p.Err)})
			continue
		}
		cw.Write([]string{p.Value.String(), plain(p.Earned, s.Currency), plain(p.Delta, s.Currency), strconv.Itoa(p.Eligible),
			strconv.Itoa(p.Paid), strconv.Itoa(p.Affected), strconv.Itoa(p.Gainers), strconv.Itoa(p.Losers), ""})
	}
	cw.Flush()
	return cw.Error()
}
