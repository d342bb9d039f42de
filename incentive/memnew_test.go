package incentive

import (
	"reflect"
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// newOf gives what reflect.New gives: a zeroed value of the type, of the
// type's size, whose pointers the collector follows (what they point to
// survives collections while the value is reachable) and whose words
// past them it does not.
func TestNewOfIsReflectNew(t *testing.T) {
	for _, c := range []struct{ n, m int }{{1, 0}, {3, 5}, {14, 27}, {40, 300}} {
		typ := memType(c.n, c.m)
		p := newOf(typ)
		v := reflect.NewAt(typ, p).Elem()
		require.True(t, v.IsZero(), "n %d m %d: zeroed", c.n, c.m)
		bytes := unsafe.Slice((*byte)(p), typ.Size())
		for i := range bytes {
			require.Zero(t, bytes[i], "n %d m %d byte %d", c.n, c.m, i)
		}
		blk := (*traceBlock)(p)
		steps := unsafe.Slice((*Step)(unsafe.Add(p, memStepsAt)), c.n)
		for i := range steps {
			b := (*traceBlock)(newOf(memType(0, 3)))
			b.nw, b.dataAt = 3, int32(memStepsAt)
			b.data()[0] = uint64(i) + 7
			steps[i].blk = b
		}
		blk.side = &traceSide{vals: []any{"kept"}}
		for range 2 {
			runtime.GC()
		}
		for i := range steps {
			require.Equal(t, uint64(i)+7, steps[i].blk.data()[0], "n %d m %d step %d", c.n, c.m, i)
		}
		require.Equal(t, "kept", blk.side.vals[0])
		runtime.KeepAlive(p)
	}
}
