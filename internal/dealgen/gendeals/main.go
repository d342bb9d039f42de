// Command gendeals writes a synthetic deals file for the example program,
// sorted by close time and id, and a partners file, for measuring
// `partnerops run` on large inputs:
//
//	go run ./internal/dealgen/gendeals -n 1000000 -partners 5000 -format csv -out /tmp/deals.csv -partners-out /tmp/partners.csv
//	go run ./internal/dealgen/gendeals -n 1000000 -partners 5000 -format jsonl -out /tmp/deals.jsonl
//
// With -parse FILE it only reads a file the way a bare parser would
// (encoding/csv for .csv; encoding/json per line for .jsonl) and prints
// the number of records: the floor to compare `partnerops run` with.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/partnerops/partnerops/internal/dealgen"
)

func main() {
	n := flag.Int("n", 1000, "number of deals")
	partners := flag.Int("partners", 100, "number of partners")
	format := flag.String("format", "csv", "deals format: csv or jsonl")
	out := flag.String("out", "", "deals file to write")
	pout := flag.String("partners-out", "", "partners CSV to write (optional)")
	parse := flag.String("parse", "", "only parse `FILE` (.csv or .jsonl) and print its record count")
	flag.Parse()
	if err := run(*n, *partners, *format, *out, *pout, *parse); err != nil {
		fmt.Fprintln(os.Stderr, "gendeals:", err)
		os.Exit(1)
	}
}

func run(n, partners int, format, out, pout, parse string) error {
	if parse != "" {
		f, err := os.Open(parse)
		if err != nil {
			return err
		}
		defer f.Close()
		count, err := dealgen.BareParse(f, dealgen.FormatOf(parse))
		if err != nil {
			return err
		}
		fmt.Println(count, "records")
		return nil
	}
	if out == "" || n < 1 || partners < 1 {
		return fmt.Errorf("want -out FILE, -n >= 1 and -partners >= 1")
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := dealgen.WriteDeals(f, n, partners, format); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if pout == "" {
		return nil
	}
	pf, err := os.Create(pout)
	if err != nil {
		return err
	}
	if err := dealgen.WritePartners(pf, partners); err != nil {
		pf.Close()
		return err
	}
	return pf.Close()
}
