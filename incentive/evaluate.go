package incentive

import (
	"context"
	"errors"
	"time"
)

// Evaluate computes what one deal earns under program p, as of the given
// instant (which decides whether the claim window has passed).
func Evaluate(ctx context.Context, p *Program, in Input, asOf time.Time) (*Result, error) {
	return nil, errors.New("not implemented yet")
}
