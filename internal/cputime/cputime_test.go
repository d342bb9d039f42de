package cputime

import (
	"runtime"
	"testing"
)

// Work on the CPU shows up in Process, and Since never goes backwards.
func TestProcessCountsWork(t *testing.T) {
	start, ok := Process()
	if !ok {
		if runtime.GOOS == "linux" {
			t.Fatal("Process is not available on linux")
		}
		return
	}
	x := uint64(1)
	for i := 0; i < 50_000_000; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	if x == 0 {
		t.Log(x) // keep the loop
	}
	if d := Since(start); d <= 0 {
		t.Fatalf("50M multiplications used %v of CPU", d)
	}
}
