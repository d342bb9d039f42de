package main

import (
	"fmt"
	"io"

	"github.com/partnerops/partnerops/incentive"
)

// dedupe drops the second and later deals with an id already seen in a
// slice of deals read whole (diff, sweep and chart read YAML deals files
// that way), reporting each; a deal is paid once.
func dedupe(inputs []incentive.Input, cmd string, stderr io.Writer) ([]incentive.Input, int) {
	seen := make(map[string]bool, len(inputs))
	code := exitOK
	out := inputs[:0]
	for _, in := range inputs {
		if seen[in.Deal.ID] {
			fmt.Fprintf(stderr, "partnerops %s: deal %s is listed more than once; only its first entry is run\n", cmd, in.Deal.ID)
			code = exitFail
			continue
		}
		seen[in.Deal.ID] = true
		out = append(out, in)
	}
	return out, code
}

// sortDeals puts a slice of deals in the order incentive.Run requires: by
// close time, then by deal id.
func sortDeals(inputs []incentive.Input) {
	incentive.SortInputs(inputs)
}
