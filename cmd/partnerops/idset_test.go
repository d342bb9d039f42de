package main

import (
	"fmt"
	"hash/fnv"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIDSet: every id is new once and a repeat after that, whether the set
// is empty, small, holds more ids than it has buckets (so buckets hold
// several hashes) or more than one block's worth a bucket (so chains of
// blocks and several slabs are walked).
func TestIDSet(t *testing.T) {
	tests := []struct {
		name string
		n    int
	}{
		{"one", 1},
		{"a few", 10},
		{"more ids than buckets", 3 * idBuckets},
		{"chains of blocks", 12 * idBuckets},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s idSet
			ids := make([]string, tt.n)
			for i := range ids {
				ids[i] = fmt.Sprintf("D-%08d", i)
			}
			for i, id := range ids {
				if !s.add(id) {
					require.Fail(t, "taken for a repeat", "first add of %d", i)
				}
			}
			// The set is live: a collection must not unmap its slabs.
			runtime.GC()
			for i, id := range ids {
				if s.add(id) {
					require.Fail(t, "taken for new", "second add of %d", i)
				}
			}
			assert.Equal(t, tt.n, s.len(), "one hash an id")
			// Blocks are only cut when a bucket's newest one is full.
			assert.LessOrEqual(t, int(s.blocks), tt.n/idPerBlock+idBuckets)
		})
	}
	var s idSet
	assert.True(t, s.add(""), "the empty id is an id")
	assert.False(t, s.add(""))
	assert.True(t, s.add("D-1"))
	assert.True(t, s.add("D-1 "), "ids differing by a space are different")
}

// TestIDHashFixed: the hash has no per-process seed, so which ids collide
// (and are taken for a repeat) is the same in every run. The expected
// values were computed outside Go (Python: FNV-1a 64 over the UTF-8 bytes,
// then MurmurHash3's fmix64), and the FNV part is checked against
// hash/fnv.
func TestIDHashFixed(t *testing.T) {
	tests := []struct {
		id   string
		want uint64
	}{
		{"", 0xefd01f60ba992926},
		{"D-00000001", 0x5ad81ecf69e11e73},
		{"P-1", 0xafedd14143ad0d1f},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, idHash(tt.id), "%q", tt.id)
		f := fnv.New64a()
		_, _ = f.Write([]byte(tt.id))
		assert.Equal(t, tt.want, fmix64(f.Sum64()), "%q against hash/fnv", tt.id)
	}
}

// fmix64 is MurmurHash3's 64-bit finalizer, written out for the test.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// BenchmarkIDSet adds a million distinct ids to an empty set.
//
//	go test ./cmd/partnerops -run '^$' -bench IDSet -benchmem
func BenchmarkIDSet(b *testing.B) {
	ids := make([]string, 1_000_000)
	for i := range ids {
		ids[i] = fmt.Sprintf("D-%08d", i)
	}
	for b.Loop() {
		var s idSet
		for _, id := range ids {
			if !s.add(id) {
				b.Fatal(id)
			}
		}
	}
}
