//go:build !unix

package main

import (
	"errors"
	"time"
)

// cpuTime is not measured on this platform.
func cpuTime() time.Duration { return 0 }

// mkfifo fails: this platform has no named pipes in its file system.
func mkfifo(string) error { return errors.New("no FIFOs on this platform") }
