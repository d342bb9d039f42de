package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/dealgen"
	"github.com/partnerops/partnerops/rules"
	"github.com/stretchr/testify/require"
)

// benchDeals sets the size of BenchmarkRunFile's file.
var benchDeals = flag.Int("bench-deals", 20_000, "deals in BenchmarkRunFile's generated file")

// BenchmarkRunFile measures, in one run and on the same generated file of
// sorted deals (20,000 unless -bench-deals says otherwise) and 5,000
// partners (internal/dealgen), for CSV and JSON Lines:
//
//   - bare: reading the file with encoding/csv or encoding/json alone;
//   - decode: the library's streaming decoder (DecodeCSV, DecodeJSONLines);
//   - eval: the library's batch evaluation (incentive.Run, no trace) of
//     the same deals already decoded, partners resolved;
//   - command: `partnerops run -sorted -partners` end to end.
//
// The ratio command / (bare + eval) is the figure issue 10 asks for.
// cpu-ms/op is the CPU time of the process (all goroutines, user and
// system), steadier than ns/op on a machine shared with other work:
//
//	go test ./cmd/partnerops -run '^$' -bench RunFile -bench-deals 200000 -benchtime 2x
func BenchmarkRunFile(b *testing.B) {
	n, partners := *benchDeals, 5_000
	dir := b.TempDir()
	prog := filepath.Join("..", "..", "examples", "programs", "q4-growth.yaml")
	src, err := os.ReadFile(prog)
	require.NoError(b, err)
	f, err := rules.Compile(prog, src)
	require.NoError(b, err)
	p := f.Programs[0]
	var pbuf bytes.Buffer
	require.NoError(b, dealgen.WritePartners(&pbuf, partners))
	pfile := filepath.Join(dir, "partners.csv")
	require.NoError(b, os.WriteFile(pfile, pbuf.Bytes(), 0o644))
	book, err := loadPartners(pfile, nil)
	require.NoError(b, err)

	for _, format := range []string{"csv", "jsonl"} {
		var dbuf bytes.Buffer
		require.NoError(b, dealgen.WriteDeals(&dbuf, n, partners, format))
		data := dbuf.Bytes()
		dfile := filepath.Join(dir, "deals."+format)
		require.NoError(b, os.WriteFile(dfile, data, 0o644))
		decode := func() func(yield func(incentive.Input, error) bool) {
			if format == "csv" {
				return incentive.DecodeCSV(bytes.NewReader(data), p, incentive.DecodeOptions{})
			}
			return incentive.DecodeJSONLines(bytes.NewReader(data), p, incentive.DecodeOptions{})
		}
		b.Run(format+"/bare", func(b *testing.B) {
			cpu := cpuTime()
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				got, err := dealgen.BareParse(bytes.NewReader(data), format)
				if err != nil || got < n {
					b.Fatal(got, err)
				}
			}
		})
		b.Run(format+"/decode", func(b *testing.B) {
			cpu := cpuTime()
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				for _, err := range decode() {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(format+"/eval", func(b *testing.B) {
			// The decoded deals live only here: held through the other
			// parts, they would make every garbage collection of those
			// parts mark them, a cost the command run alone does not have.
			var inputs []incentive.Input
			for in, err := range decode() {
				require.NoError(b, err)
				require.NoError(b, book.resolve(&in))
				inputs = append(inputs, in)
			}
			require.Len(b, inputs, n)
			cpu := cpuTime()
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				seq := func(yield func(incentive.Input, error) bool) {
					for _, in := range inputs {
						if !yield(in, nil) {
							return
						}
					}
				}
				for _, err := range incentive.Run(b.Context(), p, seq, incentive.RunOptions{NoTrace: true}) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run(format+"/command", func(b *testing.B) {
			runtime.GC() // the deals of eval are garbage now
			cpu := cpuTime()
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				if code := run([]string{"run", "-sorted", "-partners", pfile, prog, dfile}, io.Discard, io.Discard); code != exitOK {
					b.Fatal(code)
				}
			}
		})
	}
}

func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64(cpuTime()-since)/float64(b.N)/1e6, "cpu-ms/op")
}
