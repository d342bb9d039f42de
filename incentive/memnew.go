package incentive

import (
	"reflect"
	"unsafe"
)

// newOf allocates a zeroed value of type t, as reflect.New(t) does,
// without reflect.New's lookup of t's pointer type: a type made by
// reflect.StructOf (traceMem's memType) has none recorded, so every
// reflect.New of one looked it up in a sync.Map (reflect's ptrMap), about
// 40 ns a traced deal that returns a new Result (in-process A/B on the
// example program, trace9). t's allocation is the runtime's own (mallocgc
// with t's type: its pointers are scanned as reflect.New's would be);
// TestNewOfIsReflectNew checks it against reflect.New.
func newOf(t reflect.Type) unsafe.Pointer {
	// (a reflect.Type is a *reflect.rtype, whose first field is the
	// runtime's type: what reflect.New passes to unsafe_New)
	return unsafe_New((*[2]unsafe.Pointer)(unsafe.Pointer(&t))[1])
}

// unsafe_New is reflect's allocation of a zeroed value of a type, which
// the runtime provides to package reflect and keeps for the packages
// that reach it this way (runtime.reflect_unsafe_New: "Do not remove or
// change the type signature", go.dev/issue/67401).
//
//go:linkname unsafe_New reflect.unsafe_New
func unsafe_New(t unsafe.Pointer) unsafe.Pointer
