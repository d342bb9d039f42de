package pgstore_test

import (
	"context"
	"fmt"

	"github.com/partnerops/partnerops/incentive/ledger"
	"github.com/partnerops/partnerops/incentive/ledger/pgstore"
)

// Several service instances open the same database; the first one creates
// the tables. (Not run: it needs a server.)
func ExampleOpen() {
	ctx := context.Background()
	s, err := pgstore.Open(ctx, "postgres://partnerops@db.internal/partnerops?sslmode=require&search_path=partnerops")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	h, err := s.Head(ctx, ledger.HeadParams{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("ledger at entry", h.Seq)
}

// A malformed URL is an ErrInvalid, before any connection is tried.
func ExampleOpen_error() {
	_, err := pgstore.Open(context.Background(), "postgres://%zz")
	fmt.Println(err != nil)
	// Output:
	// true
}
