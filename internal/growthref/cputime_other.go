//go:build !unix

package growthref

import "time"

// processCPU: the process's CPU time is not read on this platform.
func processCPU() (time.Duration, bool) { return 0, false }
