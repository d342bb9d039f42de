package incentive

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestCompareDeals(t *testing.T) {
	ny := time.Date(2026, 3, 8, 1, 30, 0, 0, nyc) // 06:30 UTC
	utc := ny.UTC()
	cases := []struct {
		a, b Deal
		want int
	}{
		{Deal{ID: "B", CloseDate: ny}, Deal{ID: "A", CloseDate: ny.Add(time.Second)}, -1}, // time first
		{Deal{ID: "B", CloseDate: ny}, Deal{ID: "A", CloseDate: utc}, 1},                  // same instant in two zones: id decides
		{Deal{ID: "A", CloseDate: ny}, Deal{ID: "A", CloseDate: utc}, 0},
		{Deal{ID: "D-10", CloseDate: ny}, Deal{ID: "D-9", CloseDate: ny}, -1}, // byte order, not numeric
	}
	for _, c := range cases {
		assert.Equal(t, c.want, CompareDeals(&c.a, &c.b), "%s vs %s", c.a.ID, c.b.ID)
		assert.Equal(t, -c.want, CompareDeals(&c.b, &c.a), "antisymmetric")
	}
	in := []Input{{Deal: Deal{ID: "C", CloseDate: ny.Add(time.Hour)}}, {Deal: Deal{ID: "B", CloseDate: ny}}, {Deal: Deal{ID: "A", CloseDate: utc}}}
	SortInputs(in)
	assert.Equal(t, []string{"A", "B", "C"}, []string{in[0].Deal.ID, in[1].Deal.ID, in[2].Deal.ID})
}
