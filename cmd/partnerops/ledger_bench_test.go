package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// writeDeals writes n deals of 1,000 partners for the example program as
// JSON: new business, registered, closing in November and December 2026.
func writeDeals(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "deals.json")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("[\n")
	tiers := []string{"silver", "gold", "platinum", "bronze"}
	for i := range n {
		sep := ","
		if i == n-1 {
			sep = ""
		}
		fmt.Fprintf(w, `{"id":"D-%06d","close_date":"2026-%02d-%02d","amount":"%d.%02d","type":"new_business","registered":true,"segment":"smb",`+
			`"partner":{"id":"P-%04d","tier":"%s"}}%s`+"\n",
			i, 11+i%2, 1+i%28, 1000+i%9000, i%100, i%1000, tiers[(i%1000)%4], sep)
	}
	w.WriteString("]\n")
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

func benchRoot(b *testing.B) string {
	here, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	return filepath.Join(here, "..", "..")
}

// BenchmarkAccrueVsRun100k compares recording the accruals of 100,000 deals
// in a fresh SQLite ledger (one claim and transaction per deal) with
// computing their statement with run, on the same deals file.
//
//	go test -run '^$' -bench AccrueVsRun100k -benchtime 1x ./cmd/partnerops
func BenchmarkAccrueVsRun100k(b *testing.B) {
	const n = 100000
	deals := writeDeals(b, n)
	prog := filepath.Join(benchRoot(b), example)
	b.Run("run", func(b *testing.B) {
		for range b.N {
			if _, errs, code := invoke("run", "-as-of", "2026-12-31", prog, deals); code != exitOK {
				b.Fatal(errs)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "deals/s")
	})
	b.Run("ledger-accrue-sqlite", func(b *testing.B) {
		for range b.N {
			db := "sqlite:" + filepath.Join(b.TempDir(), "ledger.db")
			if _, errs, code := invoke("ledger", "accrue", "-db", db, "-as-of", "2026-12-31", "-actor", "ops", prog, deals); code != exitOK {
				b.Fatal(errs)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "deals/s")
	})
}
