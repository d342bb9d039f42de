//go:build unix

package ledger_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system, all threads) the process used so
// far: on a shared, loaded machine it measures the work better than the
// wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
