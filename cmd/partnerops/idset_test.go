package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIDSet: every id is new once and a repeat after that, whether the set
// is empty, small or holds more ids than it has buckets (so buckets hold
// several hashes and the scan of a bucket is exercised).
func TestIDSet(t *testing.T) {
	tests := []struct {
		name string
		n    int
	}{
		{"one", 1},
		{"a few", 10},
		{"more ids than buckets", 3 * idBuckets},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s idSet
			for i := range tt.n {
				require.True(t, s.add(fmt.Sprintf("D-%08d", i)), "first add of %d", i)
			}
			for i := range tt.n {
				require.False(t, s.add(fmt.Sprintf("D-%08d", i)), "second add of %d", i)
			}
			stored := 0
			for _, b := range s.buckets {
				stored += len(b)
			}
			assert.Equal(t, 6*tt.n, stored, "6 bytes an id")
		})
	}
	var s idSet
	assert.True(t, s.add(""), "the empty id is an id")
	assert.False(t, s.add(""))
	assert.True(t, s.add("D-1"))
	assert.True(t, s.add("D-1 "), "ids differing by a space are different")
}
