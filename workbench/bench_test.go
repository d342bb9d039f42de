package workbench

import (
	"context"
	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/internal/cputime"
	"github.com/partnerops/partnerops/internal/growthref"
	"os"
	"testing"
	"time"
)

// BenchmarkDiffVsRun is the figure for the issue: a diff of the example
// program (examples/programs/q4-growth.yaml) against its version 2
// (testdata of the command) over generated deals, against one run of v1 over the same
// deals that builds the statement, as 'partnerops run' does. Both read
// the same deal stream once (generated on the fly, so the figure does not
// measure a gigabyte of materialized deals). The ratio of the two ns/op
// is the figure; cpu-ms/op is the CPU time of the process (all its
// goroutines), steadier on a loaded machine:
//
//	go test ./workbench -run '^$' -bench 'DiffVsRun/.*1M' -benchtime 1x -count 3
func BenchmarkDiffVsRun(b *testing.B) {
	src, err := rulesSource()
	if err != nil {
		b.Fatal(err)
	}
	v1, err := os.ReadFile("../examples/programs/q4-growth.yaml")
	if err != nil {
		b.Fatal(err)
	}
	oldP, newP := compile(b, string(v1)), compile(b, src)
	for _, n := range []struct {
		name string
		n    int
	}{{"100k", 100_000}, {"1M", 1_000_000}} {
		b.Run("run-"+n.name, func(b *testing.B) {
			cpu := cpuTime()
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				sb, err := incentive.NewStatement(oldP, nil)
				if err != nil {
					b.Fatal(err)
				}
				count := 0
				for r, err := range incentive.Run(context.Background(), oldP, growthref.Inputs(growthref.Generate(n.n, 500)), incentive.RunOptions{NoTrace: true}) {
					if err != nil {
						b.Fatal(err)
					}
					if err := sb.Add(r); err != nil {
						b.Fatal(err)
					}
					count++
				}
				sb.Statement()
				if count != n.n {
					b.Fatal(count)
				}
			}
		})
		// The alternative design: materialize the deals, then run each
		// version over the slice in turn (what Compare avoids by teeing one
		// pass to two concurrent runs).
		b.Run("two-runs-"+n.name, func(b *testing.B) {
			cpu := cpuTime()
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				var deals []incentive.Input
				for in := range growthref.Inputs(growthref.Generate(n.n, 500)) {
					deals = append(deals, in)
				}
				for _, p := range []*incentive.Program{oldP, newP} {
					sb, err := incentive.NewStatement(p, nil)
					if err != nil {
						b.Fatal(err)
					}
					for r, err := range incentive.Run(context.Background(), p, sliceSeq(deals), incentive.RunOptions{NoTrace: true}) {
						if err != nil {
							b.Fatal(err)
						}
						if err := sb.Add(r); err != nil {
							b.Fatal(err)
						}
					}
					sb.Statement()
				}
			}
		})
		b.Run("diff-"+n.name, func(b *testing.B) {
			cpu := cpuTime()
			defer func() { reportCPU(b, cpu) }()
			for b.Loop() {
				d, err := Compare(context.Background(), oldP, newP, growthref.Inputs(growthref.Generate(n.n, 500)), DiffOptions{Deals: 100})
				if err != nil {
					b.Fatal(err)
				}
				if d.Deals != n.n || d.Changed == 0 {
					b.Fatal(d.Deals, d.Changed)
				}
			}
		})
	}
}

// cpuTime is the CPU time the process has used, user and system (0
// where it cannot be read).
func cpuTime() time.Duration {
	d, _ := cputime.Process()
	return d
}

func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64(cpuTime()-since)/float64(b.N)/1e6, "cpu-ms/op")
}
