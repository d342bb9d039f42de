// Package dealgen writes synthetic deals and partners files for the
// example program (examples/programs/q4-growth.yaml), sorted by close time
// and id, for measuring the command on large inputs (see gendeals).
// The output depends only on the arguments.
package dealgen

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

var (
	tiers    = []string{"silver", "gold", "platinum", "registered"}
	types    = []string{"new_business", "upsell", "renewal"}
	segments = []string{"enterprise", "mid_market", "smb"}
)

// WriteDeals writes n deals of partners partners, in format "csv" or
// "jsonl", in (close time, id) order: close times spread over Q4 2026 in
// New York, amounts from 500.00 to 200,499.99.
func WriteDeals(out io.Writer, n, partners int, format string) error {
	if format != "csv" && format != "jsonl" {
		return fmt.Errorf("unknown format %q", format)
	}
	w := bufio.NewWriterSize(out, 1<<20)
	if format == "csv" {
		fmt.Fprintln(w, "id,partner_id,amount,close_date,registered,type,segment")
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		return err
	}
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, loc)
	step := 92 * 24 * time.Hour / time.Duration(n)
	x := uint64(88172645463325252)
	for i := range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		p := int(x % uint64(partners))
		cents := 50000 + x%20000000
		at := start.Add(time.Duration(i) * step).Format(time.RFC3339)
		reg := x%10 != 0
		typ := types[(x>>8)%3]
		seg := segments[(x>>16)%3]
		amount := fmt.Sprintf("%d.%02d", cents/100, cents%100)
		if format == "csv" {
			fmt.Fprintf(w, "D-%08d,P-%05d,%s,%s,%t,%s,%s\n", i, p, amount, at, reg, typ, seg)
		} else {
			fmt.Fprintf(w, `{"id":"D-%08d","partner_id":"P-%05d","amount":"%s","close_date":"%s","registered":%t,"type":"%s","segment":"%s"}`+"\n",
				i, p, amount, at, reg, typ, seg)
		}
	}
	return w.Flush()
}

// WritePartners writes a partners CSV of partners partners.
func WritePartners(out io.Writer, partners int) error {
	w := bufio.NewWriter(out)
	fmt.Fprintln(w, "id,name,type,tier,region,country,contact_role,contact_name,contact_email")
	for p := range partners {
		fmt.Fprintf(w, "P-%05d,Partner %d,reseller,%s,emea,DE,partner_rep,Rep %d,rep%d@example.com\n", p, p, tiers[p%len(tiers)], p, p)
	}
	return w.Flush()
}

// BareParse reads every record of a CSV (encoding/csv) or JSON Lines
// (bufio lines, encoding/json into a map of raw values) stream and returns
// the number of records: the floor to compare the command with.
func BareParse(r io.Reader, format string) (int, error) {
	n := 0
	if format == "csv" {
		cr := csv.NewReader(bufio.NewReaderSize(r, 256<<10))
		cr.ReuseRecord = true
		for {
			_, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			if err != nil {
				return n, err
			}
			n++
		}
	}
	sc := bufio.NewScanner(bufio.NewReaderSize(r, 256<<10))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return n, err
		}
		n++
	}
	return n, sc.Err()
}

// FormatOf is "csv" for a .csv name, else "jsonl".
func FormatOf(name string) string {
	if strings.HasSuffix(name, ".csv") {
		return "csv"
	}
	return "jsonl"
}
