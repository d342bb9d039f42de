// Command embed shows how a Go service embeds partnerops: it loads the
// program files, evaluates one deal built in Go and prints the
// explanation, then runs a small batch and prints the earnings statement.
//
// Run it from the repository root:
//
//	go run ./examples/embed
//
// or point -dir at another folder of program files. A service would load
// its programs once at start-up, from an embed.FS or a directory, and keep
// the compiled *incentive.Program (it is read-only and safe to share).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"time"

	"github.com/partnerops/partnerops/incentive"
	"github.com/partnerops/partnerops/partner"
	"github.com/partnerops/partnerops/rules"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

// programID is the bundled example program, examples/programs/q4-growth.yaml.
const programID = "q4-2026-partner-growth"

func run(ctx context.Context, args []string, w io.Writer) error {
	flags := flag.NewFlagSet("embed", flag.ContinueOnError)
	dir := flags.String("dir", "examples/programs", "folder of program files (the default works from the repository root)")
	if err := flags.Parse(args); err != nil {
		return err
	}

	// Load every program file of the folder, with the *_test.yaml files
	// beside them. A mistake comes back as a rules.ErrorList whose Error()
	// shows every problem as file:line:col with the source line.
	set, err := rules.Load(os.DirFS(*dir), "*.yaml")
	if err != nil {
		return err
	}
	program := set.Program(programID) // the highest version of the id
	if program == nil {
		return fmt.Errorf("no program %q in %s", programID, *dir)
	}

	// One deal, as a service would build it from its CRM record. Amounts
	// are parsed from text, never from a float.
	amount, err := incentive.ParseMoney("12000.00", "USD")
	if err != nil {
		return err
	}
	in := incentive.Input{
		Deal: incentive.Deal{
			ID:           "OPP-1042",
			PartnerID:    "P-100",
			CloseDate:    time.Date(2026, 11, 3, 20, 0, 0, 0, time.UTC),
			Amount:       amount,
			Type:         incentive.NewBusiness,
			Registration: &incentive.Registration{ID: "REG-77", Approved: incentive.Date{Year: 2026, Month: time.October, Day: 20}},
			Fields:       map[string]any{"segment": "smb"}, // the program's custom field
		},
		Partner: partner.Partner{ID: "P-100", Name: "Northwind Resellers", Tier: "gold", Type: partner.Reseller},
	}
	// The clock is an argument: the as-of instant decides whether the
	// claim window has closed.
	asOf := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	result, err := incentive.Evaluate(ctx, program, in, asOf)
	if err != nil {
		return err // an *incentive.EvalError naming the deal and the clause
	}
	fmt.Fprintln(w, result.Explain())

	// A batch: deals sorted by close time, then id, run through one
	// Evaluator so that quarterly totals and caps accumulate, and the
	// results added to a statement.
	ev, err := incentive.NewEvaluator(program)
	if err != nil {
		return err
	}
	statement := ev.NewStatement(nil) // nothing carried in from last time
	for r, err := range ev.Run(ctx, batch(in), incentive.RunOptions{AsOf: asOf}) {
		if err != nil {
			return err
		}
		if err := statement.Add(r); err != nil {
			return err
		}
	}
	return statement.Statement().WriteText(w)
}

// batch yields three deals in close order: the deal above, a second deal
// of the same partner and a deal of a platinum partner.
func batch(first incentive.Input) iter.Seq2[incentive.Input, error] {
	second := first
	second.Deal.ID = "OPP-1043"
	second.Deal.CloseDate = time.Date(2026, 11, 10, 16, 30, 0, 0, time.UTC)
	second.Deal.Type = incentive.Upsell
	second.Deal.Fields = map[string]any{"segment": "mid_market"}

	third := first
	third.Deal.ID = "OPP-1050"
	third.Deal.PartnerID = "P-200"
	third.Deal.CloseDate = time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC)
	third.Deal.Fields = map[string]any{"segment": "enterprise"}
	third.Partner = partner.Partner{ID: "P-200", Name: "Contoso Cloud", Tier: "platinum", Type: partner.MSP}

	amounts := []string{"12000.00", "95000.00", "60000.00"}
	return func(yield func(incentive.Input, error) bool) {
		for i, in := range []incentive.Input{first, second, third} {
			m, err := incentive.ParseMoney(amounts[i], "USD")
			in.Deal.Amount = m
			if !yield(in, err) {
				return
			}
		}
	}
}
