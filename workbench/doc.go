// Package workbench is the program designer's workbench: what a change of
// terms costs, how one number of a program moves the total, and pictures
// of payout curves and costs. It sits above package rules and package
// incentive, beside the partnerops command, which is its only importer in
// this module; a Go service can import it too.
//
// # Diff
//
// Compare runs the same deals under two versions of a program in one pass
// over the deals and returns a Diff: the earned total under each version,
// then per earning type, per earning, per partner and per deal, sorted by
// impact (largest absolute change first), and for each changed deal the
// reasons, read from the results' lines: eligibility gained or lost, an
// earning that pays under one version only, a group that picks another
// earning, a different band reached, a different amount before caps, a cap
// that binds or cuts differently, rounding. WriteText and WriteCSV render a
// Diff; it encodes to JSON with amounts as exact decimal strings.
//
// # Sweep
//
// SweepNumber varies one number of a program file (a rate, a band bound,
// a cap, addressed by a path as rules.FindNumber reads it) over a range:
// each value is written into the source where the number stands and the
// file compiled again, so the language's checks apply at every value and
// errors stay positioned in the file. At each value it reports the earned
// total, its change from the program as written, and the partners paid
// and affected.
//
// # Charts
//
// PayoutCurve evaluates one deal at amounts from zero up and draws what
// each earning and the deal pay: band steps, the cliffs of retroactive
// tables and the flat tops of caps show. CostChart draws the cumulative
// earned total by close date against the budget, PayoutsChart the earned
// total per partner, Diff.WaterfallSVG a diff as a waterfall by partner,
// and Sweep.SVG the total against the swept value. The SVG is written by
// a small writer of this module (internal/svgchart) in decimal arithmetic:
// the same data gives the same bytes, no font or script is fetched.
//
// # Web page
//
// NewServer returns the http.Handler behind 'partnerops serve': one page
// (HTML, CSS and a small script embedded in the binary) that edits the
// program files of a folder with errors shown at their line and column as
// you type, runs their tests, explains a deal, draws the payout curve and
// diffs two versions over a deals file. It reads and writes only plain
// file names of the folder (through os.Root, so no path or link leads out
// of it), and refuses requests that name another host or come from another
// origin.
//
// Money is exact throughout (shopspring/decimal), and the output is
// deterministic: the same programs and deals give the same bytes, whatever
// the number of workers.
package workbench
