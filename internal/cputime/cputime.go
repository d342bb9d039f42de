// Package cputime reads the CPU time the process has used, for benchmarks
// on a shared machine, where the ratio of CPU times is steadier than the
// ratio of wall times. One copy for every benchmark of the module: the
// system call exists on Unix only, so the other platforms report that the
// figure is not available and the benchmarks still build there.
package cputime

import "time"

// Process returns the CPU time the process has used so far (user and
// system, every thread: workers and the garbage collector included), and
// false, with 0, where it cannot be read.
func Process() (time.Duration, bool) { return process() }

// Since returns the CPU time used since an earlier Process reading (0
// where it cannot be read).
func Since(start time.Duration) time.Duration {
	now, ok := process()
	if !ok {
		return 0
	}
	return now - start
}
