//go:build !unix

package main

// newSlab allocates a slab of idSlabBlocks blocks on the Go heap.
func newSlab(*idSlabs) []idBlock {
	return make([]idBlock, idSlabBlocks)
}
