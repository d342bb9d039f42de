//go:build unix

package main

import (
	"runtime"
	"syscall"
	"unsafe"
)

// newSlab maps a slab of idSlabBlocks blocks outside the Go heap (zeroed,
// and in RSS only as its pages are written), unmapped by a cleanup once
// owner is unreachable: only owner refers to the slab. If the mapping
// fails the slab comes from the Go heap.
func newSlab(owner *idSlabs) []idBlock {
	const size = idSlabBlocks * int(unsafe.Sizeof(idBlock{}))
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]idBlock, idSlabBlocks)
	}
	runtime.AddCleanup(owner, func(mem []byte) { _ = syscall.Munmap(mem) }, mem)
	return unsafe.Slice((*idBlock)(unsafe.Pointer(&mem[0])), idSlabBlocks)
}
