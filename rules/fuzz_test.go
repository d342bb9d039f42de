package rules

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// FuzzCompile feeds arbitrary bytes to Compile: it must never panic, fail
// only with a non-empty ErrorList of positioned *Error values, and produce
// programs the engine accepts and whose tests run without panicking.
func FuzzCompile(f *testing.F) {
	for _, glob := range []string{"testdata/*/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, path := range files {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(docA + "---\n" + docB))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Compile("fuzz.yaml", src)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T %v is not a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.File != "fuzz.yaml" || e.Line < 0 || e.Col < 0 || e.Msg == "" || e.Severity != SeverityError {
					t.Fatalf("bad diagnostic %#v", e)
				}
			}
			_ = err.Error()
			if file != nil {
				t.Fatal("a File with an error")
			}
			return
		}
		for _, p := range file.Programs {
			if err := p.Validate(); err != nil {
				t.Fatalf("compiled program fails Validate: %v", err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for i, tc := range file.Tests {
			if i == 20 {
				break
			}
			_ = tc.Run(ctx)
		}
	})
}

// FuzzDecodeRates: any rates file, YAML or CSV, decodes or fails with a
// non-empty ErrorList of positioned errors; it never panics, and a table
// it returns answers without panicking.
func FuzzDecodeRates(f *testing.F) {
	f.Add("rates.yaml", []byte("rates:\n  - {from: EUR, to: USD, rate: 1.0832, as_of: 2026-03-09, source: ECB}\n  - {from: EUR, to: USD, rate: 1.0790, as_of: 2026-03-31, valid_from: 2026-03-01, valid_to: 2026-03-31}\n"))
	f.Add("rates.csv", []byte("from,to,rate,as_of,valid_from,valid_to,source\nEUR,USD,1.0832,2026-03-09,,,ECB\nEUR,USD,1.0790,2026-03-31,2026-03-01,2026-03-31,month end\n"))
	f.Add("rates.csv", []byte("from,to,rate,as_of\n\"EUR,USD,1\n"))
	f.Add("r.yaml", []byte("rates: [{from: EUR, to: USD, rate: 1e999999, as_of: 2026-03-01}]"))
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		tab, rates, err := DecodeRates(name, src)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T %v is not a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.File != name || e.Line < 0 || e.Col < 0 || e.Msg == "" {
					t.Fatalf("bad diagnostic %#v", e)
				}
			}
			return
		}
		for _, r := range rates {
			if _, err := tab.Rate(r.From, r.To, r.AsOf); err != nil && !r.HasPeriod() {
				t.Fatalf("the table has no answer for its own rate %+v: %v", r, err)
			}
		}
	})
}

// FuzzResolvePath: any path on any document resolves to a node of the
// document (the root at worst) without panicking.
func FuzzResolvePath(f *testing.F) {
	f.Add(resolveDoc, "earnings[0].bands.table[1].from")
	f.Add(resolveDoc, "caps.per_partner.limit")
	f.Add("a: [1, {b: *x}]\nx: &x {c: 1}\n", "a[1].b.c")
	f.Add("a: [1]", "a[99999999999999999999]")
	f.Fuzz(func(t *testing.T, doc, path string) {
		var root yaml.Node
		if yaml.Unmarshal([]byte(doc), &root) != nil {
			return
		}
		n, _ := resolvePath(&root, path)
		if n == nil {
			t.Fatalf("no node for %q", path)
		}
	})
}
