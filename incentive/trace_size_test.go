package incentive

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// A result keeps one step detail per band, rounding, group and cap step of
// an eligible deal, and one for its window, claim and total (about six a
// deal of the example program): their size is the trace's cost in bytes,
// which the garbage collector pays for. 15 words on a 64-bit platform:
// the header (kind, flags, line, cap, two short dates, the number of
// picks) in 3, the evaluator, three decimals (6), two strings (4) and the
// picks' pointer. It was 18 (144 bytes) with 8-byte dates and a slice
// of picks.
func TestStepDetailSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the size is worked out for 64-bit words")
	}
	assert.Equal(t, uintptr(120), unsafe.Sizeof(stepDetail{}))
	assert.Equal(t, uintptr(24), unsafe.Offsetof(stepDetail{}.e), "the header fits 3 words")
}
